"""Never lose a tenant's data: the snapshot is on disk before the first write, `pbx-conformance restore --from`
puts a client back after a run killed with SIGKILL (idempotently), and a restore puts back what it can, one
field at a time, reporting each field it could not with its original value."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import httpx

from pbx_conformance import cli, local_emulator, restore, spec
from pbx_conformance.oauth import TokenSource
from pbx_conformance.results import Results
from pbx_conformance.session import TargetSession
from pbx_emulator.testing import running_emulator
from pbx_kit import contract
from tests.conformance.stub_servers import Request, reply, stub_server, token_reply


def own_client(server) -> dict[str, Any]:
    response = httpx.get(
        spec.reads()[0].url(server.api_url, contract.ME), headers={"Authorization": f"Bearer {server.token()}"}
    )
    assert response.status_code == 200
    return dict(response.json())


def test_a_run_killed_mid_write_is_undone_by_restore_from(tmp_path, capsys, monkeypatch):
    report_dir = tmp_path / "report"
    with running_emulator() as server:
        before = own_client(server)
        command = [sys.executable, "-m", "pbx_conformance.cli", "run", "--max-examples", "10000"]
        command += ["--phases", "fuzzing", "--report-dir", str(report_dir)]
        environment = {
            **os.environ,
            "PBX_BASE_URL": server.api_url,
            "PBX_TOKEN_URL": server.token_url,
            "PBX_CLIENT_ID": local_emulator.DEMO.client_id,
            "PBX_CLIENT_SECRET": local_emulator.DEMO.client_secret,
            "PBX_RATE": "0",
        }
        process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if server.log().count("access PUT") >= 80 and own_client(server) != before:
                    break
                time.sleep(0.1)
            assert own_client(server) != before, "the run never changed the client"
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert own_client(server) != before  # killed: nothing of the run restored it
        snapshot = json.loads((report_dir / restore.SNAPSHOT_FILE).read_text())
        assert snapshot["clients"][0]["fields"] == before
        monkeypatch.setenv("PBX_CLIENT_SECRET", local_emulator.DEMO.client_secret)
        argv = ["restore", "--from", str(report_dir), "--client-id", local_emulator.DEMO.client_id]
        argv += ["--token-url", server.token_url]
        assert cli.main(argv) == 0
        first = capsys.readouterr().out
        assert own_client(server) == before
        puts = server.log().count("access PUT")
        assert cli.main(argv) == 0  # idempotent: nothing left to change, nothing sent
        second = capsys.readouterr().out
        assert server.log().count("access PUT") == puts
    assert "put back" in first
    assert "already as the snapshot says, nothing sent" in second


class LegacyStore:
    """A server holding a legacy value its validation now refuses: a PUT naming that value answers 400."""

    def __init__(self, client: dict[str, Any], legacy: tuple[str, Any]) -> None:
        self.client = dict(client)
        self.legacy = legacy
        self.puts: list[dict[str, Any]] = []

    def respond(self, request: Request) -> bytes:
        if request.method == "POST":
            return token_reply()
        headers = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "60"}
        if request.method == "PUT":
            body = request.json()
            self.puts.append(body)
            name, value = self.legacy
            if body.get(name) == value:
                return reply(400, {"status": "invalid", "message": "invalid", "field": name}, **headers)
            self.client.update(body)
        return reply(200, self.client, **headers)


def test_a_refused_original_value_does_not_keep_the_other_fields_changed():
    client: dict[str, Any] = {name: None for name in contract.schema_properties("Client")}
    client.update(id=1001, name="Acme", email="office..main@acme.example", language="en")
    legacy = ("email", client["email"])
    store = LegacyStore(client, legacy)
    with stub_server(store.respond) as server, httpx.Client(timeout=5) as http:
        source = TokenSource(server.token_url, local_emulator.DEMO, http)
        session = TargetSession(server.api_url, server.token_url, http, source, Results())
        snapshot = restore.ClientSnapshot("main", "app", client["id"], dict(client))
        store.client.update(name="changed by the run", email="new@acme.example", language="de")
        report = restore.restore_all(session, [snapshot], {"main": source}, None)
    assert store.client["name"] == "Acme" and store.client["language"] == "en"
    assert set(report.clients[0].restored) == {"name", "language"}
    assert report.clients[0].not_restored == [
        {"field": "email", "original": "office..main@acme.example", "current": "new@acme.example"}
    ]
    assert not report.complete and "email" in report.summary()
    assert len(store.puts) == 1 + 3  # all at once, refused; then one field at a time

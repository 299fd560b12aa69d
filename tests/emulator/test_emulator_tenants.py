"""`pbx-emulator tenant add|reset|remove`, on both stores: a SQLite file (while no emulator serves it) and
PostgreSQL (while two workers serve it)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pbx_conformance.settings import env_name
from pbx_emulator.testing import running_emulator
from pbx_kit.contract import validator
from tests.emulator.emulator_helpers import MAIN, bearer

ME = "/client/@me/client/"


def tenant(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pbx_emulator", "tenant", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def added(db: str, *args: str) -> dict[str, object]:
    finished = tenant("add", "--db", db, "--json", *args)
    assert finished.returncode == 0, finished.stderr
    entry: dict[str, object] = json.loads(finished.stdout)
    return entry


def credentials(entry: dict[str, object], level: str) -> tuple[str, str]:
    (app,) = [a for a in entry["applications"] if a["access_level"] == level]  # type: ignore[attr-defined]
    return app["app_id"], app["app_secret"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "sandbox.sqlite3")
    return str(request.getfixturevalue("pg_url"))


def test_add_prints_a_new_client_with_both_access_levels_whose_credentials_work(store: str) -> None:
    first, second = added(store), added(store, "--name", "CI run 42")
    assert (first["client_id"], second["client_id"]) == (1004, 1005)  # after the seed's 1001-1003
    assert second["name"] == "CI run 42"
    with running_emulator(db_path=store) as server:
        token = server.token(*credentials(second, "All"))
        with httpx.Client(base_url=server.api_url, headers=bearer(token)) as http:
            client = http.get(ME).json()
            assert http.put(ME, json={"language": "de"}).status_code == 200
            assert http.get("/client/1004/client/").status_code == 403  # the other tenant
        readonly = server.token(*credentials(second, "Call API"))
        assert httpx.put(server.api_url + ME, json={"language": "fr"}, headers=bearer(readonly)).status_code == 403
    assert client["id"] == 1005 and client["name"] == "CI run 42"
    assert validator("Client").is_valid(client)


def test_add_prints_environment_lines_a_ci_job_sources_for_the_suite(store: str) -> None:
    script = f"source <({sys.executable} -m pbx_emulator tenant add --db {shlex.quote(store)} --env) && "
    script += 'printf "%s\\n" "$PBX_TENANT_ID" "$PBX_CLIENT_ID" "$PBX_CLIENT_SECRET" "$PBX_READONLY_CLIENT_ID"'
    finished = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 0, finished.stderr
    tenant_id, app_id, secret, readonly = finished.stdout.split()
    assert (tenant_id, app_id, readonly) == ("1004", "tenant-1004-all", "tenant-1004-call-api") and secret
    # The names are the ones `pbx-conformance run` reads.
    printed = tenant("add", "--db", store, "--env", "--env-prefix", "PBX_OTHER_").stdout
    names = {line.split()[1].split("=")[0] for line in printed.splitlines()}
    assert {env_name("--other-client-id"), env_name("--other-client-secret")} <= names
    assert {env_name(option) for option in ("--client-id", "--client-secret", "--readonly-client-id")} == {
        "PBX_CLIENT_ID",
        "PBX_CLIENT_SECRET",
        "PBX_READONLY_CLIENT_ID",
    }


def test_reset_puts_a_client_back_as_it_was_created_and_remove_removes_it(store: str) -> None:
    entry = added(store)
    app_id, secret = credentials(entry, "All")
    with running_emulator(db_path=store) as server, httpx.Client(base_url=server.api_url) as http:
        token = server.token(app_id, secret)
        created = http.get(ME, headers=bearer(token)).json()
        assert http.put(ME, json={"name": "Changed", "geo_list": "*"}, headers=bearer(token)).status_code == 200
    assert tenant("reset", "1004", "--db", store).returncode == 0
    assert tenant("reset", str(MAIN.client_id), "--db", store).returncode == 0  # a seeded client too
    with running_emulator(db_path=store) as server, httpx.Client(base_url=server.api_url) as http:
        assert http.get(ME, headers=bearer(server.token(app_id, secret))).json() == created
    removed = tenant("remove", "1004", "--db", store)
    assert removed.returncode == 0 and "1004" in removed.stdout
    with running_emulator(db_path=store) as server:
        refused = httpx.post(server.token_url, data={"grant_type": "client_credentials", "client_id": app_id,
                                                     "client_secret": secret})  # fmt: skip
        other = httpx.get(server.api_url + "/client/1004/client/", headers=bearer(server.token()))
    assert refused.status_code == 401 and other.status_code == 404


def test_on_postgresql_tenants_come_and_go_while_the_workers_serve(pg_url: str) -> None:
    with running_emulator(db_path=pg_url, extra_args=["--workers", "2", "--quiet"]) as server:
        entry = added(pg_url)
        token = server.token(*credentials(entry, "All"))
        with httpx.Client(base_url=server.api_url, headers=bearer(token)) as http:
            assert http.put(ME, json={"name": "Mid-run"}).status_code == 200
            assert tenant("reset", str(entry["client_id"]), "--db", pg_url).returncode == 0
            assert http.get(ME).status_code == 401  # its tokens were dropped with the changes
            fresh = server.token(*credentials(entry, "All"))
            assert http.get(ME, headers=bearer(fresh)).json()["name"] == f"Tenant {entry['client_id']}"
            assert tenant("remove", str(entry["client_id"]), "--db", pg_url).returncode == 0
            assert http.get(ME, headers=bearer(fresh)).status_code == 401


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["reset", "4242"], "no client 4242"),
        (["remove", "4242"], "no client 4242"),
    ],
)
def test_an_unknown_client_is_one_line_and_exit_2(store: str, args: list[str], expected: str) -> None:
    added(store)  # the store exists
    finished = tenant(*args, "--db", store)
    assert finished.returncode == 2
    assert expected in finished.stderr and len(finished.stderr.strip().splitlines()) == 1


def test_a_store_that_cannot_be_had_is_one_line_and_exit_2(tmp_path: Path) -> None:
    in_memory = tenant("add", "--db", ":memory:")
    assert in_memory.returncode == 2 and "outlives" in in_memory.stderr
    db = tmp_path / "served.sqlite3"
    with running_emulator(db_path=db):
        busy = tenant("add", "--db", str(db))
    assert busy.returncode == 2 and "in use by another emulator" in busy.stderr
    unreachable = tenant("add", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == 2 and "Connection refused" in unreachable.stderr
    for finished in (in_memory, busy, unreachable):
        assert len(finished.stderr.strip().splitlines()) == 1 and "Traceback" not in finished.stderr

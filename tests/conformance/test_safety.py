"""Missing identities give skipped checks (never passed); --no-writes sends no PUT; the client is restored
after a failing run and after an interrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from pbx_conformance import local_emulator, spec
from pbx_emulator.testing import running_emulator
from pbx_kit import contract
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite

IDENTITY_CHECKS = {
    "other_client_id_is_denied": "--other-client-id",
    "call_api_application_cannot_write": "--readonly-client-id",
}


def own_client(server) -> dict:
    response = httpx.get(
        spec.reads()[0].url(server.api_url, "@me"), headers={"Authorization": f"Bearer {server.token()}"}
    )
    assert response.status_code == 200
    return response.json()


def test_checks_needing_an_identity_not_given_are_skipped_not_passed(report_dir):
    with running_emulator() as server:
        outcome = run_suite(server, report_dir, other=None, readonly=None, phases=("examples",))
    assert outcome.code == 0, outcome.console
    for check, option in IDENTITY_CHECKS.items():
        rows = [row for row in outcome.document["results"] if row["check"] == check]
        assert rows and all(row["verdict"] == "skipped" and row["passed"] == 0 for row in rows)
        assert all(option in row["skipped_because"] for row in rows)
        assert f"skipped: {check}" in outcome.console


def test_no_writes_sends_no_put_and_reports_writing_checks_skipped(report_dir):
    with running_emulator() as server:
        before = own_client(server)
        outcome = run_suite(server, report_dir, no_writes=True, phases=("examples", "coverage", "fuzzing", "stateful"))
        log = server.log()
        after = own_client(server)
    assert outcome.code == 0, outcome.console
    assert "pbx_emulator.access GET" in log
    assert "pbx_emulator.access PUT" not in log
    assert after == before
    for operation in spec.writes():
        assert outcome.document["requests_by_operation"].get(operation.label, 0) == 0
        rows = [row for row in outcome.document["results"] if row["operation"] == operation.label]
        assert rows and all(row["verdict"] == "skipped" for row in rows)
        assert all("--no-writes" in row["skipped_because"] for row in rows)


def test_the_client_is_restored_after_a_failing_run(report_dir):
    # The fault lets the suite change read-only fields too; the run fails, and everything is put back.
    with running_emulator(faults=["read-only-writable"]) as server:
        before = own_client(server)
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES)
        after = own_client(server)
    assert outcome.code == 1
    restore = outcome.document["restore"]
    assert restore["changed"] and restore["not_restored"] == []
    assert after == before


def test_the_client_is_restored_after_an_interrupted_run(tmp_path):
    with running_emulator() as server:
        before = own_client(server)
        command = [sys.executable, "-m", "pbx_conformance.cli", "run", "--max-examples", "10000"]
        command += ["--phases", "fuzzing", "--report-dir", str(tmp_path)]
        environment = {
            **os.environ,
            "PBX_BASE_URL": server.api_url,
            "PBX_TOKEN_URL": server.token_url,
            "PBX_CLIENT_ID": local_emulator.DEMO.client_id,
            "PBX_CLIENT_SECRET": local_emulator.DEMO.client_secret,
        }
        process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # Wait (bounded) until schemathesis is fuzzing: more PUTs than the suite's own checks send (about 350).
            deadline = time.monotonic() + 90
            while server.log().count("access PUT") < 500 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.1)
            assert own_client(server) != before, "the run never changed the client"
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        after = own_client(server)
    assert process.returncode == 2, out + err
    assert err.strip().splitlines() == [
        "pbx-conformance: could not run: interrupted before the run finished; the client was restored"
    ]
    assert after == before


def test_tokens_are_refreshed_when_they_expire_mid_run(report_dir):
    # Tokens live 2 s; the coverage phase alone takes several times longer. Without refreshing, nearly every
    # call after the first 2 s would get 401 (with it, only the deliberate ones and the replayed expiries do).
    with running_emulator(token_lifetime=2) as server:
        outcome = run_suite(server, report_dir, phases=("coverage",))
        log = server.log()
    assert outcome.code == 0, outcome.console
    api_statuses = [line.split()[-2] for line in log.splitlines() if "pbx_emulator.access" in line and "/api/" in line]
    token_fetches = sum(1 for line in log.splitlines() if f"POST {contract.token_path()} 200" in line)
    assert len(api_statuses) > 100
    assert api_statuses.count("401") < len(api_statuses) / 2
    assert token_fetches > 4  # more than the first token of each identity and of schemathesis

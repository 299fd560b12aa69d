"""Misconfiguration is not non-conformance: pointed at servers that are not the API (web pages, 404, 5xx, 429,
hangs, resets, no such host, no TLS), the suite exits 2 with its own one-line reason, never a traceback, never
a page of failures; and a server whose first read fails never receives a PUT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from pbx_conformance import cli, suite_run
from pbx_conformance.results import Failure, Results
from pbx_conformance.settings import Settings
from pbx_emulator.testing import demo_identities, free_port, running_emulator
from pbx_kit import contract
from tests.conformance.stub_servers import HANG, LOGIN_PAGE, RESET, Request, reply, stub_server, token_reply

TIMEOUT = "1"


def everywhere(answer: bytes | str):
    return lambda request: answer


def api_only(answer: bytes | str):
    """A working token endpoint; the API answers `answer`."""

    def respond(request: Request) -> bytes | str:
        return token_reply() if request.method == "POST" else answer

    return respond


def token_only(answer: bytes | str):
    """The token endpoint answers `answer`; the API is never reached."""

    def respond(request: Request) -> bytes | str:
        return answer if request.method == "POST" else reply(500, {"message": "must not be reached"})

    return respond


def writes_refused(status: str):
    """A server that reads a valid client and refuses every PUT with 403 `status`: the credentials cannot write."""
    client = contract.example_value("Client")
    quota = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "60"}

    def respond(request: Request) -> bytes | str:
        if request.method == "POST":
            return token_reply()
        if request.method == "PUT":
            return reply(403, {"message": "no", "status": status}, **quota)
        return reply(200, client, **quota)

    return respond


HTML = reply(200, LOGIN_PAGE, content_type="text/html; charset=utf-8")
NOT_FOUND = reply(404, b"<html><body>404 Not Found</body></html>", content_type="text/html")

# name -> (how the server answers, extra arguments, words of its one-line reason)
CASES: dict[str, tuple[object, list[str], list[str]]] = {
    "html everywhere (ready token)": (everywhere(HTML), ["--token", "a-ready-token"], ["HTML page", "login page"]),
    "404 everywhere": (everywhere(NOT_FOUND), [], ["token endpoint", "404", "--token-url"]),
    "404 from the API (wrong base URL)": (api_only(reply(404, {"message": "no"})), [], ["404", "--base-url end in"]),
    "500 everywhere": (everywhere(reply(500, {"message": "boom"})), [], ["500", "server is failing"]),
    "429 everywhere": (
        everywhere(reply(429, {"message": "slow down"}, X_RateLimit_Reset="1200")),
        [],
        ["429", "quota", "1200 s"],
    ),
    "accepts and never answers": (everywhere(HANG), [], ["no answer", f"within {TIMEOUT} s", "--timeout"]),
    "resets connections": (everywhere(RESET), [], ["reset"]),
    "token endpoint answers HTML": (token_only(HTML), [], ["token endpoint", "HTML page", "--token-url"]),
    "token endpoint answers JSON without a token": (
        token_only(reply(200, {"status": "ok"})),
        [],
        ["without an access_token"],
    ),
    "the first read answers JSON holding no client field": (
        api_only(reply(200, {"result": "ok", "data": [{"id": 1}]})),
        [],
        ["200", "none of a client's fields", "data, result", "--base-url"],
    ),
    'the writing application has the "Call API" level': (
        writes_refused("app_access_type_deny"),
        [],
        ['"Call API"', "--client-id stub-app", "app_access_type_deny", '"All"', "--no-writes"],
    ),
    "the writing application acts for a read-only user": (
        writes_refused("user_access_type_deny"),
        [],
        ["read_only", "--client-id stub-app", "user_access_type_deny", "--no-writes"],
    ),
}


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(["run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pbx-conformance: could not run:") and "Traceback" not in err
    return lines[0]


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    for name in ("PBX_TOKEN", "PBX_OTHER_CLIENT_ID", "PBX_READONLY_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PBX_CLIENT_SECRET", "stub-secret")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_server_is_exit_2_with_its_own_reason(case, capsys, tmp_path, monkeypatch):
    respond, extra, words = CASES[case]
    if extra:  # a ready token instead of App ID and App Secret
        monkeypatch.delenv("PBX_CLIENT_SECRET")
    with stub_server(respond) as server:  # type: ignore[arg-type]
        started = time.monotonic()
        argv = ["--base-url", server.api_url, "--timeout", TIMEOUT, "--report-dir", str(tmp_path)]
        code, out, err = run_cli(capsys, [*argv, *(extra or ["--client-id", "stub-app"])])
        elapsed = time.monotonic() - started
        methods = server.methods()
    assert code == 2, out + err
    line = one_line(err)
    for word in words:
        assert word in line, line
    assert "stub-secret" not in out + err
    # No write, or the one harmless write (a value the client holds) that shows the credentials cannot write.
    assert methods.count("PUT") <= (1 if "writ" in case else 0), methods
    assert elapsed < 15


def test_no_such_host_is_exit_2_naming_dns(capsys):
    code, _, err = run_cli(capsys, ["--base-url", "http://no-such-host.invalid/api", "--client-id", "a"])
    assert code == 2
    assert "cannot resolve the host name" in one_line(err)


def test_tls_to_a_plain_http_server_is_exit_2_naming_tls(capsys):
    with stub_server(everywhere(token_reply())) as server:
        base = f"https://127.0.0.1:{server.port}/api"
        code, _, err = run_cli(capsys, ["--base-url", base, "--client-id", "a", "--timeout", TIMEOUT])
    assert code == 2
    assert "TLS failed" in one_line(err)


def test_connection_refused_is_exit_2(capsys):
    code, _, err = run_cli(capsys, ["--base-url", f"http://127.0.0.1:{free_port()}/api", "--client-id", "a"])
    assert code == 2
    assert "connection refused" in one_line(err)


INVALID_CLIENT = reply(200, {"id": "not a number", "name": 7}, X_RateLimit_Limit="100", X_RateLimit_Remaining="99")


@pytest.mark.parametrize(
    "first_read",
    [reply(500, {"message": "down"}), INVALID_CLIENT, HTML],
    ids=["answers 500", "answers a client that breaks the schema", "answers a web page"],
)
def test_a_server_whose_first_read_fails_receives_no_put(first_read, capsys, tmp_path):
    with stub_server(api_only(first_read)) as server:
        argv = ["--base-url", server.api_url, "--client-id", "stub-app", "--timeout", TIMEOUT, "--rate", "0"]
        argv += ["--phases", "examples,coverage", "--max-examples", "2", "--report-dir", str(tmp_path)]
        code, out, err = run_cli(capsys, argv)
        methods = server.methods()
    assert "GET" in methods and "PUT" not in methods
    if first_read is not INVALID_CLIENT:
        assert code == 2, out + err
        one_line(err)
        return
    # The read-only checks ran and showed the server does not conform (exit 1, a decision: a proven failure
    # outranks "could not finish"); the writing checks are reported not run, with the reason.
    assert code == 1, out + err
    document = json.loads((tmp_path / "report.json").read_text())
    assert "response_schema_conformance" in document["failed_checks"]
    reasons = {
        row["skipped_because"]
        for row in document["results"]
        if row["check"] == "put_is_persisted_and_keeps_unsent_fields"
    }
    assert len(reasons) == 1 and "no snapshot of the client under test" in reasons.pop()
    assert any("no PUT was sent" in note for note in document["notes"])


def test_an_engine_error_with_no_failed_check_is_exit_2_never_0_failed():
    results = Results()
    results.passed("GET /x/", "not_a_server_error")
    results.errors.append("GET /x/: Flaky: Hypothesis saw the server answer differently under --max-time")
    outcome = suite_run.Outcome()
    settings = Settings(None, None, None, None, None, None, None, 1, None, ("examples",), None, True)
    reason = suite_run._could_not_finish(results, outcome, settings)
    assert reason is not None and reason.startswith("the test engine could not finish its work: GET /x/: Flaky")
    results.failed(Failure(check="not_a_server_error", operation="GET /x/", message="500"))
    assert (
        suite_run._could_not_finish(results, outcome, settings) is None
    )  # a failed check: the server's verdict, exit 1


def test_each_broken_server_has_a_reason_of_its_own(capsys, tmp_path, monkeypatch):
    reasons = set()
    for case in sorted(CASES):
        respond, extra, _ = CASES[case]
        if extra:
            monkeypatch.delenv("PBX_CLIENT_SECRET", raising=False)
        else:
            monkeypatch.setenv("PBX_CLIENT_SECRET", "stub-secret")
        with stub_server(respond) as server:  # type: ignore[arg-type]
            argv = ["--base-url", server.api_url, "--timeout", TIMEOUT, "--report-dir", str(tmp_path)]
            _, _, err = run_cli(capsys, [*argv, *(extra or ["--client-id", "stub-app"])])
        reasons.add(one_line(err).replace(server.url, "URL"))
    assert len(reasons) == len(CASES), reasons


def test_sigterm_while_the_server_never_answers_exits_within_seconds(tmp_path):
    """A PUT that is never answered: SIGTERM stops the run at once, the restore is bounded by --timeout."""
    client = contract.example_value("Client")

    def respond(request: Request) -> bytes | str:
        if request.method == "POST":
            return token_reply()
        if request.method == "PUT":
            return HANG
        quota = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "60"}
        return reply(200, client, **quota)

    with stub_server(respond) as server:
        command = [sys.executable, "-m", "pbx_conformance.cli", "run", "--base-url", server.api_url]
        command += ["--client-id", "stub-app", "--timeout", "3", "--report-dir", str(tmp_path)]
        environment = {**os.environ, "PBX_CLIENT_SECRET": "stub-secret", "PBX_RATE": "0"}
        process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while "PUT" not in server.methods() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            assert "PUT" in server.methods(), process.communicate(timeout=5)
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
            took = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 2, out + err
    assert took < 10, took
    line = one_line(err)
    # The stub stored nothing (its PUT never answers), so the restore finds nothing to put back.
    assert line.endswith("interrupted before the run finished; the client was restored"), line


def test_call_api_credentials_given_as_the_writing_application_are_exit_2_after_one_harmless_put(
    capsys, tmp_path, monkeypatch
):
    """The emulator's own Call API application as --client-id: one PUT of a value the client already holds
    answers 403 app_access_type_deny, and the run stops there with what to change, the client untouched."""
    readonly = demo_identities().readonly
    me = "/client/@me/client/"
    with running_emulator() as server:
        bearer = {"Authorization": f"Bearer {server.token()}"}
        before = httpx.get(server.api_url + me, headers=bearer).json()
        argv = ["--base-url", server.api_url, "--client-id", readonly.app_id, "--report-dir", str(tmp_path)]
        monkeypatch.setenv("PBX_CLIENT_SECRET", readonly.app_secret)
        code, out, err = run_cli(capsys, argv)
        puts = [line for line in server.log().splitlines() if "access PUT" in line]
        after = httpx.get(server.api_url + me, headers=bearer).json()
    assert code == 2, out + err
    line = one_line(err)
    assert f'--client-id {readonly.app_id} has the "Call API" access level' in line and "--no-writes" in line
    assert len(puts) == 1 and " 403 " in puts[0], puts
    assert after == before

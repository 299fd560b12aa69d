"""The command line: demo credentials printed at start, one log line per request, no tokens or secrets in it."""

from __future__ import annotations

import subprocess
import sys

import httpx

from pbx_emulator.testing import running_emulator
from pbx_kit.contract import example_value
from tests.emulator.emulator_helpers import API_BASE, BLOCKED, MAIN, READONLY, TOKEN_PATH


def test_the_banner_prints_the_demo_credentials_and_urls() -> None:
    with running_emulator() as server:
        log = server.log()
    assert f"listening on {server.url}" in log
    assert f"{API_BASE}/client_api_explorer/" in log
    for line in (
        f"{MAIN.app_id} / {MAIN.app_secret}  All, client 1001",
        f"{READONLY.app_id} / {READONLY.app_secret}  Call API, client 1001",
    ):
        assert line in log
    assert f"{BLOCKED.app_id} / {BLOCKED.app_secret}  All, client 1003 (blocked)" in log


def test_one_log_line_per_request_without_tokens_or_secrets() -> None:
    with running_emulator() as server:
        token = server.token()
        headers = {"Authorization": f"Bearer {token}"}
        httpx.get(server.api_url + "/client/@me/client/", headers=headers)
        httpx.put(server.api_url + "/client/@me/client/", headers=headers, json={"name": "Logged"})
        httpx.post(server.token_url + "?client_secret=query-secret", data={"grant_type": "client_credentials"})
        httpx.get(server.api_url + "/client/@me/client/", headers={"Authorization": "Bearer forged-token-value"})
        log = server.wait_for_log(f"GET {API_BASE}/client/@me/client/ 401")
    access = [line for line in log.splitlines() if "pbx_emulator.access" in line]
    assert [line.split()[3:6] for line in access[-5:]] == [
        ["POST", TOKEN_PATH, "200"],
        ["GET", f"{API_BASE}/client/@me/client/", "200"],
        ["PUT", f"{API_BASE}/client/@me/client/", "200"],
        ["POST", TOKEN_PATH, "401"],
        ["GET", f"{API_BASE}/client/@me/client/", "401"],
    ]
    for secret in (token, MAIN.app_secret, "query-secret", "forged-token-value"):
        assert secret not in log.replace(f"{MAIN.app_id} / {MAIN.app_secret}", "")


def test_a_bad_seed_is_a_clear_error_not_a_traceback(tmp_path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("clients:\n  - client: {id: 5, name: Nameless}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pbx_emulator", "serve", "--seed", str(seed), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "clients[0]" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_every_fault() -> None:
    from pbx_emulator.faults import FAULTS

    result = subprocess.run(
        [sys.executable, "-m", "pbx_emulator", "serve", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    assert all(name in result.stdout for name in FAULTS)


def test_with_another_seed_the_banner_names_app_ids_but_never_their_secrets() -> None:
    seed = {
        "clients": [
            {
                "client": dict(example_value("Client")),
                "applications": [
                    {"app_id": "staging-app", "app_secret": "s3cr3t-of-staging", "access_level": "All"},
                    # The demo App ID with another secret is not the demo application: its secret stays hidden too.
                    {"app_id": MAIN.app_id, "app_secret": "another-secret-for-the-same-id", "access_level": "Call API"},
                ],
            }
        ]
    }
    with running_emulator(seed=seed) as server:
        log = server.log()
    assert "staging-app" in log and f"{MAIN.app_id} " in log
    assert "s3cr3t-of-staging" not in log and "another-secret-for-the-same-id" not in log

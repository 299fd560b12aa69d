"""Every code block the README and the site mark runnable (`<!-- runnable: emulator -->` before its fence), run
against a fresh emulator, so they cannot rot. Python blocks run in this process, shell blocks in bash; both talk to
the emulator as `make emulator` would serve it (http://127.0.0.1:8000 becomes the test's own port)."""

from __future__ import annotations

import subprocess

import pytest

import pbx_api
from pbx_emulator.testing import running_emulator
from tests.sdk.sdk_helpers import DEMO, DEMO_CLIENT_ID

from .site import runnable_blocks

LOCAL_EMULATOR = "http://127.0.0.1:8000"  # what `make emulator` serves, as the pages say


def test_the_pages_mark_the_sdk_tour_and_each_topic_runnable() -> None:
    found = {(block.page, block.language) for block in runnable_blocks()}
    for page in (
        "README.md",
        "docs/sdk/install.md",
        "docs/sdk/configuration.md",
        "docs/sdk/sync-and-async.md",
        "docs/sdk/raw-response.md",
        "docs/sdk/logging.md",
    ):
        assert (page, "python") in found, page
    assert ("docs/reference/emulator.md", "sh") in found
    first = next(block for block in runnable_blocks() if block.page == "docs/sdk/install.md")
    assert len([line for line in first.code.splitlines() if line.strip()]) == 3  # the three-line start


def test_every_runnable_block_runs_against_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    shell_output = []
    for block in runnable_blocks():
        # A fresh emulator for each block: every block starts from the seed, as it would for a reader.
        with running_emulator() as server:
            # hostname="pbx.example.com" means the spec's server URL on that host; here it is the local emulator.
            monkeypatch.setattr(pbx_api.client, "base_url_for", lambda hostname, url=server.api_url: url)
            # The configuration blocks read the environment; here it names the local emulator and the demo app.
            monkeypatch.setenv("PBX_BASE_URL", server.api_url)
            monkeypatch.setenv("PBX_APP_ID", DEMO["app_id"])
            monkeypatch.setenv("PBX_APP_SECRET", DEMO["app_secret"])
            assert LOCAL_EMULATOR in block.code or "hostname=" in block.code or "PbxClient()" in block.code, block
            code = block.code.replace(LOCAL_EMULATOR, server.url)
            if block.language == "python":
                exec(compile(code, block.page, "exec"), {"__name__": "__main__"})
            else:
                finished = subprocess.run(
                    ["bash", "-euo", "pipefail", "-c", code], capture_output=True, text=True, timeout=60, check=False
                )
                assert finished.returncode == 0, f"{block.page}: {finished.stderr}"
                shell_output.append(finished.stdout)
            if 'update_client(timezone="Europe/Vilnius")' in block.code or "Europe/Vilnius" in block.code:
                with pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO) as pbx:
                    assert pbx.get_client(DEMO_CLIENT_ID).timezone == "Europe/Vilnius", block.page  # it was stored
    out = capsys.readouterr().out
    assert "Acme Logistics" in out
    assert "1001 Acme Logistics Europe/Minsk" in out
    assert "time zone now Europe/Vilnius" in out
    assert "not allowed: app_access_type_deny" in out
    assert "configured for Acme Logistics" in out and f"quickly {DEMO_CLIENT_ID}" in out
    assert "200 Acme Logistics" in out and "calls left" in out
    # The emulator page's curl lines: a read and a change, both answering the client as JSON.
    assert shell_output and '"name":"Acme Logistics"' in shell_output[0].replace(": ", ":")
    # The logging block's lines (pytest's own handler on the root logger catches them before basicConfig's would).
    log = [record.getMessage() for record in caplog.records if record.name == "pbx_api"]
    assert log and all(DEMO["app_secret"] not in line for line in log)
    assert any(line.startswith("GET ") and "-> 200 (try 1)" in line for line in log)

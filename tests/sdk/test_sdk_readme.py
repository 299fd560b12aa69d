"""The README's Python SDK snippets, executed against a fresh emulator, so they cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pbx_api
from pbx_emulator.testing import running_emulator

from .sdk_helpers import DEMO, DEMO_CLIENT_ID

README = Path(__file__).resolve().parents[2] / "README.md"
LOCAL_EMULATOR = "http://127.0.0.1:8000"  # what `make emulator` serves, as the README says


def snippets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python SDK\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_shows_the_three_line_start_the_tour_and_each_topic() -> None:
    found = snippets()
    assert len(found) == 6
    assert len([line for line in found[0].splitlines() if line.strip()]) == 3
    assert "hostname=" in found[0] and "PermissionDenied" in found[1]
    configuration, retries, raw, logs = found[2:]
    assert "PbxClient()" in configuration and "with_options" in retries and "Retry(" in retries
    assert "with_raw_response" in raw and "rate_limit" in raw and 'getLogger("pbx_api")' in logs


def test_the_readme_snippets_run_against_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    with running_emulator() as server:
        # hostname="pbx.example.com" means the spec's server URL on that host; here it is the local emulator.
        monkeypatch.setattr(pbx_api.client, "base_url_for", lambda hostname: server.api_url)
        # The configuration snippet reads the environment; here it names the local emulator and the demo app.
        monkeypatch.setenv("PBX_BASE_URL", server.api_url)
        monkeypatch.setenv("PBX_APP_ID", DEMO["app_id"])
        monkeypatch.setenv("PBX_APP_SECRET", DEMO["app_secret"])
        for snippet in snippets():
            assert LOCAL_EMULATOR in snippet or "hostname=" in snippet or "PbxClient()" in snippet
            exec(compile(snippet.replace(LOCAL_EMULATOR, server.url), str(README), "exec"), {})
        with pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO) as pbx:
            assert pbx.get_client(DEMO_CLIENT_ID).timezone == "Europe/Vilnius"  # the tour's change was stored
    captured = capsys.readouterr()
    out = captured.out
    assert "Acme Logistics" in out
    assert "1001 Acme Logistics Europe/Minsk" in out
    assert "time zone now Europe/Vilnius" in out
    assert "not allowed: app_access_type_deny" in out
    assert "configured for Acme Logistics" in out and f"quickly {DEMO_CLIENT_ID}" in out
    assert "200 Acme Logistics" in out and "calls left" in out
    # The logging snippet's lines (pytest's own handler on the root logger catches them before basicConfig's would).
    log = [record.getMessage() for record in caplog.records if record.name == "pbx_api"]
    assert log and all(DEMO["app_secret"] not in line for line in log)
    assert any(line.startswith("GET ") and "-> 200 (try 1)" in line for line in log)


def test_the_readme_states_the_retry_defaults_the_code_has() -> None:
    import dataclasses

    section = README.read_text(encoding="utf-8").split("\n## Python SDK\n", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| `")}
    defaults = {field.name: field.default for field in dataclasses.fields(pbx_api.Retry)}
    assert str(defaults["max_retries"]) in rows["`max_retries`"]
    assert f"{defaults['backoff']:g} s, {defaults['max_backoff']:g} s" in rows["`backoff`, `max_backoff`"]
    assert ", ".join(str(status) for status in sorted(defaults["statuses"])) in rows["`statuses`"]
    assert f"{defaults['max_rate_limit_wait']:g} s" in rows["`max_rate_limit_wait`"]
    assert ", ".join(sorted(defaults["methods"], key=["GET", "HEAD", "OPTIONS"].index)) in rows["`methods`"]
    assert f"default {pbx_api.client.DEFAULT_TIMEOUT:g})" in section  # the timeout's default, in Configuration

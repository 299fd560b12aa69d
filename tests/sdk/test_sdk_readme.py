"""The README's Python SDK snippets, executed against a fresh emulator, so they cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pbx_api
from pbx_emulator.testing import running_emulator

README = Path(__file__).resolve().parents[2] / "README.md"
LOCAL_EMULATOR = "http://127.0.0.1:8000"  # what `make emulator` serves, as the README says


def snippets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python SDK\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_shows_the_three_line_start_and_the_tour() -> None:
    found = snippets()
    assert len(found) == 2
    assert len([line for line in found[0].splitlines() if line.strip()]) == 3
    assert "hostname=" in found[0] and "PermissionDenied" in found[1]


def test_the_readme_snippets_run_against_the_emulator(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    with running_emulator() as server:
        # hostname="pbx.example.com" means https://pbx.example.com/api/ver1.0; here it is the local emulator.
        monkeypatch.setattr(pbx_api.client, "base_url_for", lambda hostname: server.api_url)
        for snippet in snippets():
            assert LOCAL_EMULATOR in snippet or "hostname=" in snippet
            exec(compile(snippet.replace(LOCAL_EMULATOR, server.url), str(README), "exec"), {})
        with pbx_api.PbxClient.from_credentials(
            base_url=server.api_url, app_id="demo-app", app_secret="demo-secret"
        ) as pbx:
            assert pbx.get_client(1001).timezone == "Europe/Vilnius"  # the tour's change was stored
    out = capsys.readouterr().out
    assert "Acme Logistics" in out
    assert "1001 Acme Logistics Europe/Minsk" in out
    assert "time zone now Europe/Vilnius" in out
    assert "not allowed: app_access_type_deny" in out

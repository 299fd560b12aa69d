"""pbx-spec diff's command line: Markdown and JSON, exit codes 0/1/2, git revisions, and lines that point right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbx_kit.contract import DEFAULT_SPEC_PATH
from pbx_spec.cli import main

from .revision_pairs import PAIRS, revised

BREAKING = next(pair for pair in PAIRS if pair.name == "request-constraint-narrowed")
DOCUMENTATION_ONLY = next(pair for pair in PAIRS if pair.name == "description")


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_report_has_the_axes_the_bump_and_the_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revision = _write(tmp_path, "revision.yaml", revised(BREAKING).text)
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision, "--format", "json", "--no-sdk"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["wire_breaking"] is True and report["server_breaking"] is True
    assert report["sdk_breaking"] is False and report["sdk_compared"] is False
    assert report["bump"] == "major"
    (change,) = [c for c in report["changes"] if c["rule"] == "max-length-changed" and c["wire_breaking"]]
    assert change["pointer"] == "/components/schemas/Client/properties/name/maxLength"
    # The line is where that keyword is in the revision's text.
    line = Path(revision).read_text().splitlines()[change["line"] - 1]
    assert line.strip().startswith("maxLength: 100")
    assert change["why"]["wire"]


def test_markdown_report_and_exit_zero_when_nothing_breaks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revision = _write(tmp_path, "revision.yaml", revised(DOCUMENTATION_ONLY).text)
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision]) == 0
    out = capsys.readouterr().out
    assert "Suggested SDK version bump: **patch**" in out
    assert "description-changed" in out and "nothing breaks" in out


def test_git_revisions_are_read_with_git_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "HEAD", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["base"] == "HEAD:openapi.yaml" and report["changes"] == []


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["no-such-revision-xyz"], "git cannot read openapi.yaml at that revision"),
        (["missing.yaml"], "missing.yaml: no such file"),
        (["--upload-pack=evil"], "not a file nor a git revision"),
    ],
)
def test_what_cannot_be_compared_exits_2_with_the_reason(
    arguments: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "--no-sdk", "--", *arguments]) == 2
    error = capsys.readouterr().err
    assert reason in error and "Traceback" not in error


@pytest.mark.parametrize(
    ("text", "reason"),
    [("openapi: [unclosed\n", "not YAML"), ("just text\n", "not an OpenAPI document"),
     ("openapi: 2.0\npaths: {}\n", "not an OpenAPI 3 document")],
)  # fmt: skip
def test_a_document_that_is_not_openapi_exits_2(
    tmp_path: Path, text: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "--no-sdk", str(DEFAULT_SPEC_PATH), _write(tmp_path, "bad.yaml", text)]) == 2
    assert reason in capsys.readouterr().err

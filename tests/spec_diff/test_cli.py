"""pbx-spec diff's command line: Markdown, HTML and JSON, --fail-on, exit codes 0/1/2, git revisions, lines that
point right."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from pbx_kit.contract import DEFAULT_SPEC_PATH
from pbx_spec.cli import main
from pbx_spec.diff.json_report import FORMAT, SCHEMA, VERSION

from .revision_pairs import PAIRS, Document, client, revised

BREAKING = next(pair for pair in PAIRS if pair.name == "request-constraint-narrowed")
DOCUMENTATION_ONLY = next(pair for pair in PAIRS if pair.name == "description")
SERVER_ONLY = next(pair for pair in PAIRS if pair.name == "request-only-constraint-widened")
SDK_ONLY = next(pair for pair in PAIRS if pair.name == "schema-renamed")


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_report_has_its_documented_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revision = _write(tmp_path, "revision.yaml", revised(BREAKING).text)
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision, "--format", "json", "--no-sdk"]) == 1
    report = json.loads(capsys.readouterr().out)
    jsonschema_rs.validator_for(SCHEMA).validate(report)
    assert (report["format"], report["version"]) == (FORMAT, VERSION)
    assert report["axes"]["wire"] == {"breaks": True, "changes": 1, "title": "clients on the wire"}
    assert report["axes"]["server"]["breaks"] is True and report["axes"]["sdk"]["breaks"] is False
    assert report["sdk_compared"] is False and report["bump"] == "major"
    # One finding for the one edit, though the rules reach it in the request and in the response.
    (finding,) = report["findings"]
    assert report["decided_by"] == 0
    assert finding["rule"] == "max-length-changed" and set(finding["breaks"]) == {"wire", "server"}
    assert "request and response" in finding["title"]
    assert finding["pointer"] == "/components/schemas/Client/properties/name/maxLength"
    assert len(finding["changes"]) == 2
    # The line is where that keyword is in the revision's text.
    line = Path(revision).read_text().splitlines()[finding["line"] - 1]
    assert line.strip().startswith("maxLength: 100")


def test_json_report_with_the_sdk_axis_has_its_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both SDKs generated: the SDK's findings (a model class renamed) are in the shape as well.
    revision = _write(tmp_path, "revision.yaml", revised(SDK_ONLY).text)
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    jsonschema_rs.validator_for(SCHEMA).validate(report)
    assert report["sdk_compared"] is True and report["axes"]["sdk"]["breaks"] is True
    assert report["axes"]["wire"]["breaks"] is False and report["axes"]["server"]["breaks"] is False
    sdk_changes = [change for finding in report["findings"] for change in finding["sdk_changes"]]
    assert sdk_changes and all(change["sdk"]["owner"].startswith("pbx_api") for change in sdk_changes), sdk_changes


def test_markdown_report_and_exit_zero_when_nothing_breaks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revision = _write(tmp_path, "revision.yaml", revised(DOCUMENTATION_ONLY).text)
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision]) == 0
    out = capsys.readouterr().out
    assert "**Suggested SDK version bump: patch**" in out
    assert "| clients on the wire | nothing breaks | 0 |" in out
    assert "<details><summary>1 change of descriptions" in out and "`Client.name`: `description` changed" in out


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [(None, 1), ("server", 1), ("wire,sdk", 0), ("sdk,server,wire", 1), ("none", 0)],
)
def test_fail_on_chooses_the_axes_that_fail_the_run(
    tmp_path: Path, fail_on: str | None, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # The update may be empty now: only servers under conformance break (and the bump is minor).
    revision = _write(tmp_path, "revision.yaml", revised(SERVER_ONLY).text)
    options = ["--fail-on", fail_on] if fail_on else []
    assert main(["diff", "--no-sdk", str(DEFAULT_SPEC_PATH), revision, *options]) == code
    out = capsys.readouterr().out
    assert "**Suggested SDK version bump: minor**" in out
    assert "| servers under conformance | **breaks** | 1 |" in out


@pytest.mark.parametrize(("fail_on", "code"), [("sdk", 1), ("server", 0), ("wire,server", 0), (None, 1)])
def test_fail_on_sdk_fails_on_what_the_generated_sdks_show(
    tmp_path: Path, fail_on: str | None, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # A schema renamed: nothing on the wire or for a server, but the SDK's model class is renamed (both SDKs are
    # generated and their surfaces compared).
    revision = _write(tmp_path, "revision.yaml", revised(SDK_ONLY).text)
    options = ["--fail-on", fail_on] if fail_on else []
    assert main(["diff", str(DEFAULT_SPEC_PATH), revision, *options]) == code
    out = capsys.readouterr().out
    assert "| the generated SDK | **breaks** |" in out and "| servers under conformance | nothing breaks | 0 |" in out


def test_fail_on_sdk_with_no_sdk_says_it_cannot_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revision = _write(tmp_path, "revision.yaml", revised(SDK_ONLY).text)
    assert main(["diff", "--no-sdk", str(DEFAULT_SPEC_PATH), revision, "--fail-on", "sdk"]) == 0
    (note,) = capsys.readouterr().err.splitlines()
    assert "--fail-on sdk with --no-sdk" in note and "never fails" in note
    assert main(["diff", "--no-sdk", str(DEFAULT_SPEC_PATH), revision, "--fail-on", "wire"]) == 0
    assert capsys.readouterr().err == ""


def test_fail_on_refuses_an_unknown_axis_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["diff", "--no-sdk", "HEAD", "--fail-on", "wire,clients"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "clients: not an axis" in error and "Traceback" not in error


def test_html_report_is_one_page_and_escapes_what_the_spec_says(tmp_path: Path) -> None:
    def hostile_enum_value(document: Document) -> None:
        client(document)["properties"]["type"]["enum"].append("<script>alert(1)</script>")

    document_pair = type(BREAKING)("hostile", hostile_enum_value, True, True, False, "major", "a hostile value")
    revision = _write(tmp_path, "revision.yaml", revised(document_pair).text)
    page = tmp_path / "report.html"
    assert main(["diff", "--no-sdk", str(DEFAULT_SPEC_PATH), revision, "--format", "html", "-o", str(page)]) == 1
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "<table>" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "http://" not in text and "https://" not in text  # nothing loaded from the network


def test_git_revisions_are_read_with_git_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "HEAD", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["base"] == "HEAD:openapi.yaml" and report["findings"] == [] and report["bump"] == "patch"


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


def test_an_unwritable_output_exits_2_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--no-sdk", "HEAD", "-o", "/no/such/folder/report.md"]) == 2
    error = capsys.readouterr().err
    assert "/no/such/folder/report.md" in error and "Traceback" not in error

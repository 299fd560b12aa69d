"""`pbx-conformance compare OLD NEW` on real runs against the emulator: clean then faulty names exactly the
regression; two clean runs with different seeds are unchanged; a baseline hides only what it names; unreadable
reports and different contracts are exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pbx_conformance import cli
from pbx_conformance.compare import compare
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite


def run_to(report_dir: Path, faults: tuple[str, ...] = (), seed: int = 1) -> dict:
    with running_emulator(faults=faults, extra_args=["--quiet"]) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES, seed=seed)
    assert outcome.code == (1 if faults else 0), outcome.console
    return outcome.document


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report_dir = tmp_path_factory.mktemp("clean-seed-1")
    run_to(report_dir)
    return report_dir


def compare_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["compare", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def section(markdown: str, heading: str) -> list[str]:
    """The table rows under a `## heading` of compare's Markdown."""
    lines = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    return [line for line in lines if line.startswith("| `")]


@pytest.mark.parametrize(
    ("fault", "check", "promise"),
    [
        ("wrong-content-type", "content_type_conformance", "Undocumented Content-Type: text/plain; charset=utf-8"),
        # One of the suite's own checks: its promise is the check itself.
        ("leak-other-client", "other_client_id_is_denied", "other_client_id_is_denied"),
    ],
)
def test_clean_then_a_fault_names_exactly_the_regression(capsys, clean: Path, tmp_path: Path, fault, check, promise):
    faulty = run_to(tmp_path / "faulty", (fault,), seed=2)  # another seed too: matched by what failed, not by data
    failing = {(r["operation"], r["check"]) for r in faulty["results"] if r["verdict"] == "failed"}
    assert {c for _, c in failing} == {check}

    code, out, err = compare_cli(capsys, str(clean), str(tmp_path / "faulty" / "report.json"))
    assert code == 1, out + err
    assert err == ""
    comparison = compare(json.loads((clean / "report.json").read_text()), faulty)
    assert {(c.operation, c.check, c.promise) for c in comparison.regressions} == {(o, c, promise) for o, c in failing}
    assert comparison.fixed == comparison.still_failing == comparison.newly_skipped == comparison.no_longer_run == []
    rows = section(out, "Newly failing (regressions)")
    assert len(rows) == len(failing) and all(f"| `{check}` |" in row and promise in row for row in rows)
    assert "\n## Fixed\n\nNone.\n" in out
    assert "## Still failing" not in out and "## Newly skipped" not in out and "## No longer run" not in out
    assert out.rstrip().splitlines()[-1].startswith(f"REGRESSED: {len(failing)} newly failing, 0 fixed, ")

    # The other way round, the same cells are fixed and nothing regressed.
    code, out, _ = compare_cli(capsys, str(tmp_path / "faulty"), str(clean))
    assert code == 0
    assert len(section(out, "Fixed")) == len(failing)
    assert "\n## Newly failing (regressions)\n\nNone.\n" in out


def test_two_clean_runs_with_different_seeds_compare_as_unchanged(capsys, clean: Path, tmp_path: Path):
    other = run_to(tmp_path / "seed-7", seed=7)
    assert other["cases_fingerprint"] != json.loads((clean / "report.json").read_text())["cases_fingerprint"]
    code, out, err = compare_cli(capsys, str(clean), str(tmp_path / "seed-7"))
    assert (code, err) == (0, ""), out
    assert out.rstrip().splitlines()[-1] == (
        "UNCHANGED: 0 newly failing, 0 fixed, 0 still failing, 0 accepted, 0 newly skipped, 0 no longer run"
    )
    assert "## Request cost" in out and "| **total** |" in out


def test_a_baseline_hides_only_the_regression_it_names(capsys, clean: Path, tmp_path: Path):
    run_to(tmp_path / "faulty", ("wrong-content-type",))
    naming = tmp_path / "accepted.yaml"
    naming.write_text("- check: content_type_conformance\n  reason: PBX-123 ships next week\n")
    other = tmp_path / "other.yaml"
    other.write_text("- check: response_schema_conformance\n  reason: another deviation\n")

    code, out, _ = compare_cli(capsys, str(clean), str(tmp_path / "faulty"), "--baseline", str(naming))
    assert code == 0, out
    assert len(section(out, "Newly failing, accepted by a baseline")) == 4
    assert "\n## Newly failing (regressions)\n\nNone.\n" in out
    code, out, _ = compare_cli(capsys, str(clean), str(tmp_path / "faulty"), "--baseline", str(other))
    assert code == 1
    assert len(section(out, "Newly failing (regressions)")) == 4


def test_markdown_and_html_files_fit_for_a_release_ticket(capsys, clean: Path, tmp_path: Path):
    run_to(tmp_path / "faulty", ("wrong-content-type",))
    markdown, page = tmp_path / "out" / "changes.md", tmp_path / "out" / "changes.html"
    code, out, _ = compare_cli(
        capsys, str(clean), str(tmp_path / "faulty"), "--markdown", str(markdown), "--html", str(page)
    )
    assert code == 1
    assert out.startswith(markdown.read_text())  # what stdout shows, before its verdict line
    text = page.read_text()
    assert text.startswith("<!doctype html>") and "REGRESSED" in text
    assert text.count("<td>content_type_conformance</td>") == 4
    assert not any(tag in text for tag in ("<script", "<link", " src=")), "self-contained: nothing to fetch"


def test_unreadable_reports_and_different_contracts_are_exit_2(capsys, clean: Path, tmp_path: Path):
    code, _, err = compare_cli(capsys, str(clean), str(tmp_path / "missing"))
    assert code == 2 and err.startswith("pbx-conformance: could not compare: NEW ") and "no report.json" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = compare_cli(capsys, str(broken), str(clean))
    assert code == 2 and "cannot read it as JSON" in err and len(err.splitlines()) == 1

    other_contract = tmp_path / "other-contract"
    shutil.copytree(clean, other_contract)
    document = json.loads((other_contract / "report.json").read_text())
    ours, theirs = document["contract_sha256"], "0" * 64
    document["contract_sha256"] = theirs
    (other_contract / "report.json").write_text(json.dumps(document))
    code, out, err = compare_cli(capsys, str(clean), str(other_contract))
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"pbx-conformance: could not compare: the two runs tested different contracts: OLD sha256 {ours}, "
        f"NEW sha256 {theirs}"
    )


def _document(*cells: tuple[str, str, list[str]], requests: int = 10) -> dict:
    """A report.json with these (check, verdict, promises) cells on one operation."""
    return {
        "verdict": "failed",
        "contract_sha256": "same",
        "requests": requests,
        "requests_by_operation": {"GET /client/{client_id}/client/": requests},
        "results": [
            {
                "operation": "GET /client/{client_id}/client/",
                "check": check,
                "verdict": verdict,
                "passed": 1,
                "failed": 1 if verdict in ("failed", "accepted") else 0,
                "skipped_because": "no other client given" if verdict == "skipped" else None,
                "promises": promises,
            }
            for check, verdict, promises in cells
        ],
    }


def test_failures_are_matched_by_the_promise_they_broke():
    """A cell failing in both runs in a new way is a regression of that promise; the way that went is fixed; a
    cell now skipped, or not run at all, is neither."""
    old = _document(
        ("response_schema_conformance", "failed", ["Response violates schema: required"]),
        ("other_client_id_is_denied", "passed", []),
        ("not_a_server_error", "passed", []),
        ("content_type_conformance", "failed", ["Undocumented Content-Type: text/plain"]),
    )
    new = _document(
        ("response_schema_conformance", "failed", ["Response violates schema: properties/id/type"]),
        ("other_client_id_is_denied", "skipped", []),
        ("content_type_conformance", "failed", ["Undocumented Content-Type: text/plain"]),
        requests=12,
    )
    result = compare(old, new)
    assert [(c.check, c.promise) for c in result.regressions] == [
        ("response_schema_conformance", "Response violates schema: properties/id/type")
    ]
    assert [(c.check, c.promise) for c in result.fixed] == [
        ("response_schema_conformance", "Response violates schema: required")
    ]
    assert [c.check for c in result.still_failing] == ["content_type_conformance"]
    assert [(c.check, c.after) for c in result.newly_skipped] == [
        ("other_client_id_is_denied", "skip: no other client given")
    ]
    assert [c.check for c in result.no_longer_run] == ["not_a_server_error"]
    assert result.cost()[-1] == ("total", 10, 12)

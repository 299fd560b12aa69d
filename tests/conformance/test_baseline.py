"""A baseline accepts known deviations: they are reported as accepted with their reason and do not fail
the run; entries that match nothing are reported."""

from __future__ import annotations

from pbx_conformance import spec
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite


def test_an_accepted_deviation_does_not_fail_the_run(report_dir, tmp_path):
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(
        "- check: content_type_conformance\n"
        "  reason: Staging sends text/plain until PBX-123 ships.\n"
        "- check: token_endpoint_rejects_wrong_secret\n"
        f"  operation: {spec.token_label()}\n"
        "  reason: not a deviation of this server\n"
    )
    with running_emulator(faults=["wrong-content-type"]) as server:
        outcome = run_suite(server, report_dir, baseline=baseline, phases=QUICK_PHASES)
    assert outcome.code == 0, outcome.console
    accepted = [row for row in outcome.document["results"] if row["verdict"] == "accepted"]
    assert accepted and {row["check"] for row in accepted} == {"content_type_conformance"}
    assert all(row["accepted_because"] == "Staging sends text/plain until PBX-123 ships." for row in accepted)
    assert outcome.document["baseline_unused"] == [f"token_endpoint_rejects_wrong_secret on {spec.token_label()}"]
    assert "accepted: content_type_conformance" in outcome.console


def test_a_baseline_for_another_operation_does_not_hide_a_failure(report_dir, tmp_path):
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(
        "- check: content_type_conformance\n  operation: GET /nowhere/\n  reason: a different operation\n"
    )
    with running_emulator(faults=["wrong-content-type"]) as server:
        outcome = run_suite(server, report_dir, baseline=baseline, phases=QUICK_PHASES)
    assert outcome.code == 1
    assert "content_type_conformance" in outcome.document["failed_checks"]

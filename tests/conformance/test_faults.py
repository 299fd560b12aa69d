"""Against the emulator with each of its faults the suite fails, and names the check that fault breaks."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

from pbx_conformance import checks, local_emulator
from pbx_emulator.faults import FAULTS
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite

# Every check that reads back what a PUT stored: a fault in storing breaks them all.
STORED_VALUE_CHECKS = {
    "put_is_persisted_and_keeps_unsent_fields",
    "write_is_visible_through_other_path",
    "every_writable_field_round_trips",
    "every_kind_of_text_round_trips",
    "concurrent_partial_updates_all_survive",
    "whole_number_floats_are_taken_as_integers",
    "json_media_type_parameters_are_accepted",
    "json_escapes_and_whitespace_are_read_as_json",
}

# fault -> (the check it breaks, checks it may break as well because they look at the same behaviour)
FAULT_BREAKS: dict[str, tuple[str, set[str]]] = {
    "missing-field": ("response_schema_conformance", set()),
    "wrong-type": ("response_schema_conformance", set()),
    "no-auth": ("invalid_token_is_rejected", set()),
    "leak-other-client": ("other_client_id_is_denied", set()),
    "put-not-stored": ("put_is_persisted_and_keeps_unsent_fields", STORED_VALUE_CHECKS),
    "read-only-writable": ("read_only_fields_cannot_be_changed", {"negative_data_rejection"}),
    "stale-alias": ("write_is_visible_through_other_path", STORED_VALUE_CHECKS),
    "me-wrong-client": ("me_and_numeric_id_are_same_client", {"every_application_may_do_what_its_level_allows"}),
    "validation-422": (
        "status_code_conformance",
        {"invalid_put_changes_nothing", "read_only_fields_cannot_be_changed", "near_miss_values_are_refused"},
    ),
    "wrong-content-type": ("content_type_conformance", set()),
    "call-api-can-write": ("call_api_application_cannot_write", set()),
    "no-rate-limit-headers": (
        "rate_limit_headers_are_present",
        {"rate_limit_remaining_decreases", "response_headers_conformance"},
    ),
    "invalid-put-partially-applied": ("invalid_put_changes_nothing", set()),
    "token-ignores-secret": ("token_endpoint_rejects_wrong_secret", {"token_endpoint_rejects_missing_parameters"}),
    "non-bmp-replaced": ("every_kind_of_text_round_trips", {"json_escapes_and_whitespace_are_read_as_json"}),
    "unlocked-read-modify-write": ("concurrent_partial_updates_all_survive", set()),
    "normalising-validator": (
        "near_miss_values_are_refused",
        {"every_kind_of_text_round_trips", "negative_data_rejection"},
    ),
    "call-api-cannot-read": (
        "every_application_may_do_what_its_level_allows",
        {"call_api_application_cannot_write", "me_and_numeric_id_are_same_client"},
    ),
    "bearer-case-sensitive": ("authorization_scheme_is_case_insensitive", set()),
    "json-media-type-exact": ("json_media_type_parameters_are_accepted", set()),
    "token-refuses-scope": ("token_endpoint_takes_an_optional_scope", set()),
    "token-cacheable": ("token_answer_is_not_cached", set()),
    "json-escapes-misread": ("json_escapes_and_whitespace_are_read_as_json", set()),
    "whole-number-float-refused": ("whole_number_floats_are_taken_as_integers", set()),
    "undocumented-method-404": ("undocumented_methods_answer_405", set()),
}
DELIBERATELY_BAD = {
    "Bearer not a token",
    "Bearer pbx-conformance-unknown-token",
    f"Bearer {checks.EXPIRED_LOOKING_TOKEN}",
}
SECRETS = [
    local_emulator.DEMO.client_secret,
    local_emulator.DEMO_OTHER.client_secret,
    local_emulator.DEMO_READONLY.client_secret,
]


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULT_BREAKS))
def test_a_run_capped_at_300_requests_fails_on_every_fault(fault, report_dir):
    """One case per rule is enough to catch each fault of the catalogue: a capped run against it exits 1, never 2,
    whatever the budget cut short after."""
    expected, also = FAULT_BREAKS[fault]
    with running_emulator(faults=[fault]) as server:
        outcome = run_suite(server, report_dir, max_requests=300)
    assert outcome.code == 1, outcome.console
    failed = set(outcome.document["failed_checks"])
    assert expected in failed and failed <= {expected} | also, failed


def test_every_fault_of_the_emulator_has_an_expected_check():
    assert set(FAULT_BREAKS) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(FAULT_BREAKS))
def test_fails_and_names_the_check_the_fault_breaks(fault, report_dir):
    expected, also = FAULT_BREAKS[fault]
    with running_emulator(faults=[fault]) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES)
    assert outcome.code == 1, outcome.console
    document = outcome.document
    assert document["verdict"] == "failed"
    failed = set(document["failed_checks"])
    assert expected in failed
    assert failed <= {expected} | also, f"{fault} also failed {failed - {expected} - also}"
    failure = next(f for f in document["failures"] if f["check"] == expected)
    assert failure["message"]
    if failure["request"] is not None:
        assert failure["curl"].startswith("curl ") and failure["request"]["url"] in failure["curl"]
        # A token sent is never shown: the reproduction reads it from a shell variable such as $PBX_TOKEN.
        for value in re.findall(r"Authorization: ([^\"']*)", failure["curl"]):
            assert "$PBX_" in value or "${PBX_" in value or value in DELIBERATELY_BAD, value
    assert f"FAILED: {expected}" in outcome.console
    # The reports say the same, and never carry a secret or a token.
    junit = ElementTree.parse(report_dir / "junit.xml").getroot()
    failing_cases = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failing_cases == failed
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert expected in html and "<script src" not in html and "<link" not in html
    for text in (outcome.console, html, json.dumps(document), (report_dir / "junit.xml").read_text()):
        assert not any(secret in text for secret in SECRETS)
    for entry in document["failures"]:
        for step in [entry, *entry["steps"]]:
            for name, value in (step["request"] or {"headers": {}})["headers"].items():
                assert name.lower() != "authorization" or value == "[redacted]"
            if step["response"] and '"access_token"' in (step["response"]["body"] or ""):
                assert json.loads(step["response"]["body"])["access_token"] == "[redacted]"

"""docs/verdicts-beyond-the-known-faults.md stays true to the code: each fault of its table is caught by the check it
names (test_faults.py's table), and every check it names is registered with the suite or is schemathesis's."""

from __future__ import annotations

import re
from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401  # registers the OpenAPI checks, whatever ran before
from schemathesis.checks import CHECKS

from pbx_conformance import checks, registry  # noqa: F401  # importing checks registers the suite's own
from pbx_emulator.faults import FAULTS
from tests.conformance.test_faults import FAULT_BREAKS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "verdicts-beyond-the-known-faults.md"


def test_each_fault_of_the_page_is_caught_by_the_check_it_names():
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| `([a-z0-9_]+)`", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(rows) >= 11
    for fault, check in rows:
        assert fault in FAULTS, fault
        assert FAULT_BREAKS[fault][0] == check, f"the page says {check} catches {fault}; test_faults.py says otherwise"


def test_every_check_the_page_names_exists():
    ours = {check.name for check in registry.scenario_checks()} | {c.name for c in registry.response_checks()}
    named = set(re.findall(r"`([a-z]+(?:_[a-z0-9]+)+)`", PAGE.read_text(encoding="utf-8")))
    fields_and_keys = {
        "requests_by_check",
        "promises_checked_thinly",
        "promises_left_unchecked",
        "could_not_finish",
        "geo_list",
        "app_access_type_deny",
        "user_access_type_deny",
    }
    unknown = named - ours - set(CHECKS.get_all_names()) - fields_and_keys
    assert not unknown, unknown

"""The promise inventory (pbx_conformance/promises.yaml, and conformance/PROMISES.md's table made from it) stays
true: every check a promise names exists, among the suite's registered checks or schemathesis's; every check of the
suite holds at least one promise and says what the docs say of it; and the table is the inventory's."""

from __future__ import annotations

from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401  # registers the OpenAPI checks, whatever ran before
from schemathesis.checks import CHECKS

from pbx_conformance import checks, promise_inventory, registry, schemathesis_engine  # noqa: F401  # registers

PROMISES = Path(__file__).resolve().parents[2] / "conformance" / "PROMISES.md"


def ours() -> set[str]:
    return {check.name for check in registry.response_checks()} | {c.name for c in registry.scenario_checks()}


def test_every_promise_names_a_check_that_exists_or_says_why_none_can():
    promises = promise_inventory.promises()
    assert len(promises) >= 40
    for entry in promises:
        assert entry.promise and entry.where and entry.how, entry
        if not entry.held_by:
            assert entry.not_checked, f"#{entry.number} names no check and says not why"
            continue
        unknown = set(entry.held_by) - ours() - set(CHECKS.get_all_names())
        assert not unknown, f"#{entry.number} {entry.promise}: {unknown} is no check"


def test_every_check_of_the_suite_holds_a_promise():
    named = {name for entry in promise_inventory.promises() for name in entry.held_by}
    assert ours() <= named, f"checks without a promise in promises.yaml: {sorted(ours() - named)}"


def test_every_check_of_the_suite_says_its_promise_how_it_fails_and_what_it_sends():
    """The docs' page of each check is made from these words (registry.About)."""
    for check in registry.scenario_checks():
        about = check.about
        assert about.promise and about.fails_when and about.sends, f"{check.name} lacks words in its About"
    for check in registry.response_checks():
        assert check.about.promise and check.about.fails_when and check.about.sends, check.name


def test_every_schemathesis_check_the_run_reports_on_has_its_promise():
    assert set(schemathesis_engine.PROMISES) <= set(CHECKS.get_all_names())
    named = {name for entry in promise_inventory.promises() for name in entry.held_by}
    assert set(schemathesis_engine.checks_run()) <= named


def test_promises_md_holds_the_inventory_as_its_table():
    text = PROMISES.read_text(encoding="utf-8")
    assert promise_inventory.table_in(text) == promise_inventory.table(), (
        "conformance/PROMISES.md differs from promises.yaml; run "
        "`.venv/bin/python -m pbx_conformance.promise_inventory write conformance/PROMISES.md`"
    )
    assert promise_inventory.main(["check", str(PROMISES)]) == 0


def test_a_cell_keeps_the_spaces_of_a_code_span():
    """`Bearer  <token>` is two spaces on purpose (RFC 7235's 1*SP): folding them would say another request."""
    cell = promise_inventory._cell("sends  `Bearer  <token>`\n and `a|b`  too ")
    assert cell == "sends `Bearer  <token>` and `a\\|b` too"
    assert "`Bearer  <token>`" in promise_inventory.table()

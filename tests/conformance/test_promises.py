"""The promise inventory (conformance/PROMISES.md) stays true: every check a row names exists, among the suite's
registered checks or schemathesis's, and every check of the suite holds at least one row."""

from __future__ import annotations

import re
from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401  # registers the OpenAPI checks, whatever ran before
from schemathesis.checks import CHECKS

from pbx_conformance import checks, registry  # noqa: F401  # importing checks registers the suite's own

PROMISES = Path(__file__).resolve().parents[2] / "conformance" / "PROMISES.md"


def rows() -> list[tuple[str, str]]:
    """(promise, held by) of every table row."""
    found = []
    for line in PROMISES.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            found.append((cells[1], cells[2]))
    return found


def known_checks() -> set[str]:
    ours = {check.name for check in registry.response_checks()} | {c.name for c in registry.scenario_checks()}
    return ours | set(CHECKS.get_all_names())


def test_every_row_names_a_check_that_exists_or_says_why_none_can():
    assert len(rows()) >= 25
    for promise, held_by in rows():
        names = re.findall(r"`([a-z_]+)`", held_by)
        if not names:
            assert re.search(r"cannot|not checked|information|the suite itself|every check", held_by), promise
            continue
        unknown = set(names) - known_checks()
        assert not unknown, f"{promise}: {unknown} is no check"


def test_every_check_of_the_suite_holds_a_promise():
    named = {name for _, held_by in rows() for name in re.findall(r"`([a-z_]+)`", held_by)}
    ours = {check.name for check in registry.response_checks()} | {c.name for c in registry.scenario_checks()}
    assert ours <= named, f"checks without a row in PROMISES.md: {sorted(ours - named)}"

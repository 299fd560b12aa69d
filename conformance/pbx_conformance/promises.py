"""What a run checked: per check, how far it got (checked, checked thinly, left unchecked, skipped) and the
requests it spent; per promise of the inventory (promise_inventory.py), the best its checks got.

A check is left unchecked when the budget or the quota ran out before it ran (or, for schemathesis's checks, before
a case they apply to was judged), and checked thinly when the budget left room for one case per rule only. A
promise is checked when any check holding it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from pbx_conformance.promise_inventory import promises
from pbx_conformance.registry import response_checks, scenario_checks
from pbx_conformance.results import Results, Verdict


class Coverage(StrEnum):
    FAILED = "failed"
    CHECKED = "checked"
    THIN = "checked thinly"
    SKIPPED = "skipped"  # not applicable here: an identity not given, --no-writes, a check schemathesis cannot run
    UNCHECKED = "unchecked"  # the budget or the quota ran out first
    NOT_CHECKABLE = "not checkable"  # the inventory says why no check holds it


# A promise gets the best of its checks, in this order.
_BEST_FIRST = (Coverage.FAILED, Coverage.CHECKED, Coverage.THIN, Coverage.UNCHECKED, Coverage.SKIPPED)


@dataclass(frozen=True)
class CheckCoverage:
    check: str
    promise: str
    coverage: Coverage
    # Requests the check itself sent; None for checks that judge responses others send (schemathesis's cases).
    requests: int | None
    why: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "coverage": self.coverage.value}


@dataclass(frozen=True)
class PromiseCoverage:
    number: int
    promise: str
    coverage: Coverage
    held_by: dict[str, str]  # check -> its coverage
    why: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "coverage": self.coverage.value}


def of_checks(results: Results, schemathesis_checks: Mapping[str, str]) -> list[CheckCoverage]:
    """Every check of the run, the suite's own and schemathesis's (`name -> promise`), in that order."""
    found = [_scenario(results, check.name, check.about.promise) for check in scenario_checks()]
    found += [_judged(results, check.name, check.about.promise, None) for check in response_checks()]
    for name, promise in schemathesis_checks.items():
        found.append(_judged(results, name, promise, results.exercised.get(name, 0)))
    return found


def of_promises(checks: list[CheckCoverage]) -> list[PromiseCoverage]:
    """Every promise of the inventory, with the best coverage of the checks that hold it."""
    by_name = {entry.check: entry for entry in checks}
    found = []
    for entry in promises():
        if not entry.held_by:
            found.append(PromiseCoverage(entry.number, entry.promise, Coverage.NOT_CHECKABLE, {}, entry.not_checked))
            continue
        holders = {name: by_name[name] for name in entry.held_by if name in by_name}
        best = min((holder.coverage for holder in holders.values()), key=_BEST_FIRST.index, default=Coverage.SKIPPED)
        why = next((holder.why for holder in holders.values() if holder.coverage is best and holder.why), None)
        held = {name: holder.coverage.value for name, holder in holders.items()}
        found.append(PromiseCoverage(entry.number, entry.promise, best, held, why))
    return found


def _cells(results: Results, check: str) -> dict[str, Any]:
    return {operation: cell for (operation, name), cell in results.cells.items() if name == check}


def _scenario(results: Results, check: str, promise: str) -> CheckCoverage:
    cells = _cells(results, check)
    spent = results.requests_by_check.get(check, 0)
    if any(cell.verdict is Verdict.FAILED for cell in cells.values()):
        return CheckCoverage(check, promise, Coverage.FAILED, spent)
    unchecked = [operation for operation in cells if (operation, check) in results.unchecked]
    ran = [operation for operation, cell in cells.items() if cell.verdict in (Verdict.PASSED, Verdict.ACCEPTED)]
    if not ran:
        if unchecked:
            return CheckCoverage(check, promise, Coverage.UNCHECKED, spent, results.unchecked[(unchecked[0], check)])
        why = next((cell.skipped_because for cell in cells.values() if cell.skipped_because), "not run")
        return CheckCoverage(check, promise, Coverage.SKIPPED, spent, why)
    thin = [operation for operation in ran if (operation, check) in results.thin]
    if thin or unchecked:
        why = "one case per rule" + (f"; not run on {', '.join(unchecked)}" if unchecked else "")
        return CheckCoverage(check, promise, Coverage.THIN, spent, why)
    return CheckCoverage(check, promise, Coverage.CHECKED, spent)


def _judged(results: Results, check: str, promise: str, exercised: int | None) -> CheckCoverage:
    """A check that judges responses others send: the suite's response checks, schemathesis's checks (those that
    judged no case they apply to, `exercised` 0, are unchecked)."""
    cells = _cells(results, check)
    if any(cell.verdict is Verdict.FAILED for cell in cells.values()):
        return CheckCoverage(check, promise, Coverage.FAILED, None)
    judged = sum(cell.passed + cell.failed for cell in cells.values())
    if cells and not judged:
        why = next((cell.skipped_because for cell in cells.values() if cell.skipped_because), None)
        return CheckCoverage(check, promise, Coverage.SKIPPED, None, why)
    if judged and (exercised is None or exercised > 0):
        return CheckCoverage(check, promise, Coverage.CHECKED, None)
    why = "no response it could judge" if not judged else "no generated case it applies to"
    return CheckCoverage(check, promise, Coverage.UNCHECKED, None, why)


def numbers(found: list[PromiseCoverage], coverage: Coverage) -> list[int]:
    return [entry.number for entry in found if entry.coverage is coverage]

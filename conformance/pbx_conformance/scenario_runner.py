"""Runs the registered scenario checks: each on every operation it applies to, its outcome recorded as passed,
failed (with every exchange that led to it) or skipped (with the reason), and the requests it spent.

Two passes, so that a small budget still checks every promise: first every check thinly (one case per rule, see
depth.py), then, check by check and while the budget can afford it (leaving schemathesis its share), the cases
the thin pass left out. A check that got no second pass is reported as checked thinly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pbx_conformance.budget import StopRun
from pbx_conformance.depth import CaseSelection, Depth
from pbx_conformance.registry import CheckFailed, ScenarioCheck, Skipped, scenario_checks
from pbx_conformance.results import Failure
from pbx_conformance.session import TargetSession
from pbx_conformance.spec import OperationUnderTest

# A second pass costs about what the first did per case; this much more, to be safe with a hard cap.
ESTIMATE_MARGIN = 1.5


@dataclass
class _Passed:
    """A check that passed its thin pass and left cases out: what a second pass would need."""

    scenario: ScenarioCheck
    operation: OperationUnderTest
    slot: int
    slots: int
    spent: int
    chosen: int
    left_out: int

    def estimate(self) -> int:
        """Requests the second pass may take: what the thin pass spent per case, times the cases left out."""
        return int(ESTIMATE_MARGIN * self.spent * self.left_out / max(1, self.chosen)) + 1


def run_scenario_checks(
    session: TargetSession,
    stop: Callable[[], bool] = lambda: False,
    on_start: Callable[[str, str], None] | None = None,
) -> None:
    """Run every scenario check on every operation it applies to; `stop()` true ends before the next one;
    `on_start(check, operation)` is told before each (the progress display)."""
    pending: list[_Passed] = []
    plan = [(scenario, operation, *_slot(operation, list(scenario.operations()))) for scenario in scenario_checks()
            for operation in scenario.operations()]  # fmt: skip
    try:
        for index, (scenario, operation, slot, slots) in enumerate(plan):
            if stop():
                why = f"not run: {session.budget.stopped}" if session.budget.stopped else "not run: interrupted"
                _not_run(session, plan[index:], why)
                return
            if on_start is not None:
                on_start(scenario.name, operation.label)
            selection = CaseSelection(Depth.THIN, slot, slots)
            try:
                passed = _run(session, scenario, operation, selection)
            except StopRun as stopped:
                _not_run(session, plan[index:], f"not run: {stopped}")
                raise
            if passed is not None and selection.left_out:
                pending.append(_Passed(scenario, operation, slot, slots, passed, selection.chosen, selection.left_out))
            elif passed is not None:
                session.results.passed(operation.label, scenario.name)
        _deepen(session, pending, stop, on_start)
    finally:
        for left in pending:  # whatever no second pass reached was checked one case per rule
            session.results.passed(left.operation.label, left.scenario.name)
            session.results.thin.add((left.operation.label, left.scenario.name))


def _slot(operation: OperationUnderTest, operations: list[OperationUnderTest]) -> tuple[int, int]:
    """The operation's place among the check's operations of its method, and how many there are: a check that runs
    on reads and writes goes through different cases on each, so each method shares its rules out on its own."""
    alike = [other for other in operations if other.method == operation.method]
    return alike.index(operation), len(alike)


def _deepen(
    session: TargetSession,
    pending: list[_Passed],
    stop: Callable[[], bool],
    on_start: Callable[[str, str], None] | None,
) -> None:
    while pending:
        left = pending[0]
        if stop() or not session.budget.can_afford(left.estimate()):
            return
        pending.pop(0)
        if on_start is not None:
            on_start(left.scenario.name, left.operation.label)
        try:
            passed = _run(session, left.scenario, left.operation, CaseSelection(Depth.REST, left.slot, left.slots))
        except StopRun:
            pending.insert(0, left)
            raise
        if passed is None:
            continue  # failed (or skipped) on the cases the thin pass left out: recorded as such
        session.results.passed(left.operation.label, left.scenario.name)


def _run(
    session: TargetSession, scenario: ScenarioCheck, operation: OperationUnderTest, selection: CaseSelection
) -> int | None:
    """One check on one operation at one depth: the requests it spent if it passed, else None (its failure or skip
    recorded)."""
    session.start_trail()
    session.selection = selection
    if scenario.writes and session.no_writes:
        session.results.skipped(operation.label, scenario.name, session.no_writes_because)
        return None
    before = session.budget.sent
    try:
        scenario.function(session, operation)
    except Skipped as skipped:
        session.results.skipped(operation.label, scenario.name, str(skipped))
        return None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # An answer the check could not even read (not JSON, not an object): a failure, not a crash.
        session.results.failed(
            Failure(
                check=scenario.name,
                operation=operation.label,
                message=f"unreadable answer: {error!r}"[:300],
                exchange=session.trail[-1] if session.trail else None,
                steps=list(session.trail),
            )
        )
        return None
    except CheckFailed as failed:
        session.results.failed(
            Failure(
                check=scenario.name,
                operation=operation.label,
                message=str(failed),
                exchange=session.shown(failed.response),
                steps=list(session.trail),
            )
        )
        return None
    finally:
        session.results.requests_by_check[scenario.name] += session.budget.sent - before
        session.selection = CaseSelection()
    return session.budget.sent - before


def _not_run(session: TargetSession, left: list[tuple[ScenarioCheck, OperationUnderTest, int, int]], why: str) -> None:
    for scenario, operation, _, _ in left:
        if (operation.label, scenario.name) not in session.results.cells:
            session.results.not_run(operation.label, scenario.name, why)

"""Runs the registered scenario checks: each once on every operation it applies to, its outcome recorded as
passed, failed (with every exchange that led to it) or skipped (with the reason)."""

from __future__ import annotations

from collections.abc import Callable

from pbx_conformance.registry import CheckFailed, Skipped, scenario_checks
from pbx_conformance.results import Failure
from pbx_conformance.session import TargetSession


def run_scenario_checks(
    session: TargetSession,
    stop: Callable[[], bool] = lambda: False,
    on_start: Callable[[str, str], None] | None = None,
) -> None:
    """Run every scenario check on every operation it applies to; `stop()` true ends before the next one;
    `on_start(check, operation)` is told before each (the progress display)."""
    for scenario in scenario_checks():
        for operation in scenario.operations():
            if stop():
                return
            if on_start is not None:
                on_start(scenario.name, operation.label)
            session.start_trail()
            if scenario.writes and session.no_writes:
                session.results.skipped(operation.label, scenario.name, session.no_writes_because)
                continue
            try:
                scenario.function(session, operation)
            except Skipped as skipped:
                session.results.skipped(operation.label, scenario.name, str(skipped))
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
            else:
                session.results.passed(operation.label, scenario.name)

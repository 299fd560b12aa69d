"""Runs the registered scenario checks: each once on every operation it applies to, its outcome recorded as
passed, failed (with every exchange that led to it) or skipped (with the reason)."""

from __future__ import annotations

from collections.abc import Callable

from pbx_conformance.context import Context
from pbx_conformance.registry import CheckFailed, Skipped, scenario_checks
from pbx_conformance.results import Failure


def run_scenario_checks(ctx: Context, stop: Callable[[], bool] = lambda: False) -> None:
    """Run every scenario check on every operation it applies to; `stop()` true ends before the next one."""
    for scenario in scenario_checks():
        for operation in scenario.operations():
            if stop():
                return
            ctx.start_trail()
            if scenario.writes and ctx.no_writes:
                ctx.results.skipped(operation.label, scenario.name, ctx.no_writes_because)
                continue
            try:
                scenario.function(ctx, operation)
            except Skipped as skipped:
                ctx.results.skipped(operation.label, scenario.name, str(skipped))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                # An answer the check could not even read (not JSON, not an object): a failure, not a crash.
                ctx.results.failed(
                    Failure(
                        check=scenario.name,
                        operation=operation.label,
                        message=f"unreadable answer: {error!r}"[:300],
                        exchange=ctx.trail[-1] if ctx.trail else None,
                        steps=list(ctx.trail),
                    )
                )
            except CheckFailed as failed:
                ctx.results.failed(
                    Failure(
                        check=scenario.name,
                        operation=operation.label,
                        message=str(failed),
                        exchange=ctx.shown(failed.response),
                        steps=list(ctx.trail),
                    )
                )
            else:
                ctx.results.passed(operation.label, scenario.name)

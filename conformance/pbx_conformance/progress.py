"""How far a run has got: its stage and operation, the requests it has sent, the quota left, the checks failing so far,
the time taken and an estimate of the time left.

The run tells it where it is (`enter`, `scenario_started`, `schemathesis_event`); everything else is read when a
display asks (`state()`), from the budget and the results the run keeps anyway, so following a run adds nothing to
its requests. The estimate: the requests still to come (what each stage not yet done usually sends, read from a
default run against the emulator, and the unfinished share of the stage under way), at the pace seen so far.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from schemathesis.engine import events

from pbx_conformance import spec
from pbx_conformance.budget import Budget
from pbx_conformance.registry import scenario_checks
from pbx_conformance.results import Results, Verdict

# The stages of a run, in order; schemathesis's phases come between the suite's checks and the restore.
BEFORE_PHASES = ("preflight", "snapshot", "suite checks", "starting schemathesis")
AFTER_PHASES = ("restore", "report")

# Requests each stage usually sends (default runs against the emulator, seeds 1 to 3: 1,260 to 1,276 requests,
# 567 of them the suite's checks on 56 checks and operations), only for the estimate; per operation where the stage
# goes operation by operation.
REQUESTS_PER_SCENARIO_CHECK = 10
REQUESTS_PER_OPERATION = {"examples": 2.5, "coverage": 107}
STATEFUL_REQUESTS_PER_EXAMPLE = 6.1
FIXED_REQUESTS = {"preflight": 4, "snapshot": 4, "starting schemathesis": 0, "restore": 4, "report": 0}


@dataclass
class RunProgress:
    """One run's progress; written by the run's thread, read by a display's."""

    budget: Budget
    results: Results
    phases: Sequence[str]
    max_examples: int
    # Operations schemathesis tests (the reads only, under --no-writes).
    operations: int
    stage: str = "starting"
    operation: str = ""
    started: float = field(default_factory=time.monotonic)
    _scenario_units: int = 0
    _units_done: int = 0
    _stage_sent_at: int = 0
    _failing: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(
        cls, budget: Budget, results: Results, phases: Sequence[str], max_examples: int, no_writes: bool
    ) -> RunProgress:
        progress = cls(
            budget,
            results,
            tuple(phases),
            max_examples,
            operations=len(spec.reads() if no_writes else spec.operations()),
        )
        progress._scenario_units = sum(len(tuple(check.operations())) for check in scenario_checks())
        return progress

    def enter(self, stage: str) -> None:
        with self._lock:
            self.stage, self.operation = stage, ""
            self._units_done, self._stage_sent_at = 0, self.budget.sent

    def scenario_started(self, check: str, operation: str) -> None:
        """The suite's checks: `check` is about to run on `operation`."""
        with self._lock:
            if self.stage != "suite checks":
                self.stage, self._units_done, self._stage_sent_at = "suite checks", 0, self.budget.sent
            else:
                self._units_done += 1
            self.operation = f"{check} on {operation}"

    def schemathesis_event(self, event: events.EngineEvent) -> None:
        """schemathesis's phases: where its engine is."""
        if isinstance(event, events.PhaseStarted) and event.phase.name.value in self.phases:
            self.enter(event.phase.name.value)
        elif isinstance(event, events.ScenarioStarted) and event.phase.value == self.stage:
            with self._lock:
                self.operation = event.label or ""
        elif isinstance(event, events.ScenarioFinished) and event.phase.value == self.stage:
            with self._lock:
                self._units_done += 1

    def state(self) -> dict[str, Any]:
        """What a display shows, as plain values (the fleet passes it on as JSON)."""
        with self._lock:
            stage, operation = self.stage, self.operation
            left = self._requests_left()
        elapsed = time.monotonic() - self.started
        sent = self.budget.sent
        return {
            "stage": stage,
            "operation": operation,
            "sent": sent,
            "max_requests": self.budget.max_requests,
            "quota_left": self.budget.remaining,
            "failing": self._failing_now(),
            "elapsed": round(elapsed, 1),
            "left": None if sent == 0 or left is None else round(left * elapsed / sent, 1),
        }

    def _failing_now(self) -> int:
        """The checks failing so far (a check on an operation); the last count if the run is adding one just now."""
        with contextlib.suppress(RuntimeError):  # the run's thread grew the dictionary while it was read
            self._failing = sum(1 for cell in list(self.results.cells.values()) if cell.verdict is Verdict.FAILED)
        return self._failing

    def _requests_left(self) -> float | None:
        """Requests still to come, as usual runs go: the unfinished share of this stage, then every later one."""
        stages = [*BEFORE_PHASES, *self.phases, *AFTER_PHASES]
        if self.stage not in stages:
            return float(sum(self._usual(name) for name in stages))
        index = stages.index(self.stage)
        usual = self._usual(self.stage)
        sent_in_stage = self.budget.sent - self._stage_sent_at
        units = self._units(self.stage)
        done = self._units_done / units if units else min(sent_in_stage / usual, 0.95) if usual else 1.0
        left = max(usual * (1 - done), 0.0) + sum(self._usual(name) for name in stages[index + 1 :])
        return min(left, max(self.budget.max_requests - self.budget.sent, 0))

    def _units(self, stage: str) -> int:
        if stage == "suite checks":
            return self._scenario_units
        if stage in ("examples", "coverage", "fuzzing"):
            return self.operations
        return 0  # the stateful phase and the short stages: judged by their requests

    def _usual(self, stage: str) -> float:
        if stage == "suite checks":
            return float(self._scenario_units * REQUESTS_PER_SCENARIO_CHECK)
        if stage in REQUESTS_PER_OPERATION:
            return REQUESTS_PER_OPERATION[stage] * self.operations
        if stage == "fuzzing":
            return float(self.max_examples * self.operations)
        if stage == "stateful":
            return STATEFUL_REQUESTS_PER_EXAMPLE * self.max_examples
        return float(FIXED_REQUESTS.get(stage, 0))

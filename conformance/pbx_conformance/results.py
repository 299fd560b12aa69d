"""What a run found: per operation and check, how many cases passed and failed, or why it was skipped."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pbx_conformance.exchange import Exchange

# How many distinct failures of one check on one operation the reports keep.
FAILURES_KEPT = 5


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ACCEPTED = "accepted"  # failed, but the baseline accepts the deviation


@dataclass
class Failure:
    check: str
    operation: str
    message: str
    exchange: Exchange | None = None
    title: str = ""
    phase: str | None = None
    accepted_because: str | None = None
    # Every request the check sent up to the failure, in order (the suite's own checks; several steps).
    steps: list[Exchange] = field(default_factory=list)
    # What the server broke, free of generated data (schemathesis_engine.promise_of); "": the check's own promise.
    promise: str = ""

    def curl(self) -> str | None:
        """One line that reproduces the failure: every step's curl, in order."""
        if len(self.steps) > 1:
            return " ; ".join(step.curl() for step in self.steps)
        return self.exchange.curl() if self.exchange else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "operation": self.operation,
            "title": self.title,
            "message": self.message,
            "phase": self.phase,
            "accepted_because": self.accepted_because,
            "promise": self.promise or self.check,
            **(self.exchange.to_dict() if self.exchange else {"request": None, "response": None}),
            "curl": self.curl(),
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass
class Cell:
    """One check on one operation."""

    passed: int = 0
    failed: int = 0
    skipped_because: str | None = None
    accepted_because: str | None = None
    # Every promise its failures broke (Failure.promise, or the check's own), however many failures were kept:
    # `compare` matches failures across runs by these, never by generated data.
    promises: set[str] = field(default_factory=set)

    @property
    def verdict(self) -> Verdict:
        if self.failed:
            return Verdict.ACCEPTED if self.accepted_because else Verdict.FAILED
        if self.passed:
            return Verdict.PASSED
        return Verdict.SKIPPED


@dataclass
class Results:
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    generated_cases: int = 0
    cases_by_phase: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What a person should know that fails nothing (undocumented response fields without --strict).
    warnings: list[str] = field(default_factory=list)
    # Digest of every generated case (method, URL, body) in order: the same seed against the same server
    # gives the same digest.
    fingerprint: hashlib._Hash = field(default_factory=hashlib.sha256)
    # Requests each of the suite's checks sent (token requests included), and those of the run's other parts
    # (`setup`, `schemathesis`, `restore`).
    requests_by_check: Counter[str] = field(default_factory=Counter)
    # (operation, check) the suite's checks went through one case per rule only: the budget left no room for more.
    thin: set[tuple[str, str]] = field(default_factory=set)
    # (operation, check) -> why it was not run at all (the budget or the quota ran out first).
    unchecked: dict[tuple[str, str], str] = field(default_factory=dict)
    # Generated cases each of schemathesis's checks could judge (a negative case for negative_data_rejection, ...).
    exercised: Counter[str] = field(default_factory=Counter)
    _failure_keys: set[tuple[str, str, object]] = field(default_factory=set)

    def cell(self, operation: str, check: str) -> Cell:
        return self.cells.setdefault((operation, check), Cell())

    def passed(self, operation: str, check: str) -> None:
        self.cell(operation, check).passed += 1

    def failed(self, failure: Failure, key: object = None) -> None:
        cell = self.cell(failure.operation, failure.check)
        cell.failed += 1
        cell.promises.add(failure.promise or failure.check)
        identity = (failure.operation, failure.check, key if key is not None else failure.message)
        kept = sum(1 for f in self.failures if (f.operation, f.check) == (failure.operation, failure.check))
        if identity not in self._failure_keys and kept < FAILURES_KEPT:
            self._failure_keys.add(identity)
            self.failures.append(failure)

    def skipped(self, operation: str, check: str, because: str) -> None:
        cell = self.cell(operation, check)
        if cell.skipped_because is None:
            cell.skipped_because = because

    def warn(self, warning: str) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)

    def not_run(self, operation: str, check: str, because: str) -> None:
        """A check the run had no budget left for: reported skipped with the reason, and listed as unchecked."""
        self.unchecked[(operation, check)] = because
        self.skipped(operation, check, because)

    def request(self, operation: str, count: int = 1) -> None:
        self.requests[operation] += count

    def verdicts(self) -> Counter[Verdict]:
        return Counter(cell.verdict for cell in self.cells.values())

    @property
    def conforms(self) -> bool:
        return not any(cell.verdict is Verdict.FAILED for cell in self.cells.values()) and not self.errors

    def failed_checks(self) -> set[str]:
        return {check for (_, check), cell in self.cells.items() if cell.verdict is Verdict.FAILED}

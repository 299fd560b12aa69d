"""Accepted deviations: a YAML list of the failures a team has decided to live with, each with its reason.

    - check: negative_data_rejection
      operation: PUT /client/{client_id}/client/   # optional; left out, the entry covers every operation
      reason: The provider accepts 64-bit overflow in hold_music; ticket PBX-123.

A failing check on an operation an entry names is reported as `accepted` (with the reason) and does not
fail the run. An entry that matches nothing is reported, so a fixed deviation is noticed and removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pbx_conformance.results import Results, Verdict
from pbx_conformance.settings import UsageError


@dataclass(frozen=True)
class Deviation:
    check: str
    operation: str | None
    reason: str

    def covers(self, operation: str, check: str) -> bool:
        return self.check == check and self.operation in (None, "*", operation)

    def describe(self) -> str:
        return f"{self.check} on {self.operation or 'every operation'}"


def load(path: Path) -> list[Deviation]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"--baseline {path}: cannot read it as YAML ({type(error).__name__})") from None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise UsageError(f"--baseline {path}: expected a YAML list of {{check, operation, reason}} entries")
    deviations = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("check"), str):
            raise UsageError(f"--baseline {path}: entry {number} needs a `check` (a check's name)")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            raise UsageError(f"--baseline {path}: entry {number} ({entry['check']}) needs a `reason`")
        unknown = set(entry) - {"check", "operation", "reason"}
        if unknown:
            raise UsageError(f"--baseline {path}: entry {number} has unknown keys {sorted(unknown)}")
        operation = entry.get("operation")
        if operation is not None and not isinstance(operation, str):
            raise UsageError(f"--baseline {path}: entry {number}: `operation` must be text such as 'GET /path/'")
        deviations.append(Deviation(entry["check"], operation, entry["reason"].strip()))
    return deviations


def apply(deviations: list[Deviation], results: Results) -> list[Deviation]:
    """Mark the failures the baseline accepts; the entries that matched nothing."""
    used = set()
    for (operation, check), cell in results.cells.items():
        if cell.verdict is not Verdict.FAILED:
            continue
        for deviation in deviations:
            if deviation.covers(operation, check):
                cell.accepted_because = deviation.reason
                used.add(deviation)
                break
    for failure in results.failures:
        accepting = results.cells.get((failure.operation, failure.check))
        if accepting is not None and accepting.accepted_because:
            failure.accepted_because = accepting.accepted_because
    return [deviation for deviation in deviations if deviation not in used]

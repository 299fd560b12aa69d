"""`pbx-conformance compare OLD NEW`: what changed between two runs, check by check and operation by operation.

A failure is matched across the runs by what failed: the check, the operation, and the promise it broke (each
cell's `promises` in report.json: schemathesis's title and stable key, such as `Response violates schema:
properties/id/type`, or the suite's own check), never by the generated data; so two runs with different seeds
compare cleanly. A failure NEW has and OLD had not is a regression, unless a baseline names it: the one NEW ran
with (its cell is `accepted`) or the one `--baseline` gives here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbx_conformance import fleet_report
from pbx_conformance.baseline import Deviation
from pbx_conformance.exit_codes import CouldNotRun

REPORT_FILE = "report.json"
FAILING = ("failed", "accepted")


@dataclass(frozen=True)
class Change:
    """One check on one operation whose outcome changed (or did not, for `still failing`)."""

    check: str
    operation: str
    # The promise broken, for a failure; None for a change of the whole cell (skipped, no longer run).
    promise: str | None
    before: str
    after: str


@dataclass
class Comparison:
    """Two runs of one server: what changed, and what each cost."""

    old: dict[str, Any]
    new: dict[str, Any]
    regressions: list[Change] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    still_failing: list[Change] = field(default_factory=list)
    accepted: list[Change] = field(default_factory=list)
    newly_skipped: list[Change] = field(default_factory=list)
    no_longer_run: list[Change] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)

    @property
    def unchanged(self) -> bool:
        return not (self.regressions or self.fixed or self.newly_skipped or self.no_longer_run)

    def cost(self) -> list[tuple[str, int, int]]:
        """(operation, OLD's requests, NEW's requests), every operation either sent to, then the total."""
        old, new = self.old.get("requests_by_operation", {}), self.new.get("requests_by_operation", {})
        rows = [(label, int(old.get(label, 0)), int(new.get(label, 0))) for label in dict.fromkeys([*old, *new])]
        return [*rows, ("total", int(self.old.get("requests", 0)), int(self.new.get("requests", 0)))]


@dataclass
class TargetComparison:
    """One target of two fleet runs: its comparison, or why it has none."""

    name: str
    comparison: Comparison | None = None
    not_compared: str | None = None
    # Not compared because a report is missing or unreadable (exit 2), not because the fleets differ.
    unreadable: bool = False


def load_report(path: Path, which: str) -> dict[str, Any]:
    """A run's report.json (the file, or the report folder holding it); CouldNotRun, one line, if it is not one."""
    file = path / REPORT_FILE if path.is_dir() else path
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CouldNotRun(f"{which} {path}: no {REPORT_FILE} there") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CouldNotRun(f"{which} {file}: cannot read it as JSON ({type(error).__name__})") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list) or "verdict" not in document:
        raise CouldNotRun(f"{which} {file}: not a report of `pbx-conformance run` (no verdict and results)")
    if not document.get("contract_sha256"):
        raise CouldNotRun(
            f"{which} {file}: the report does not say which contract it tested (no contract_sha256: written by "
            "an older pbx-conformance); run it again to compare"
        )
    return document


def same_contract(old: dict[str, Any], new: dict[str, Any], where: str = "") -> None:
    if old["contract_sha256"] != new["contract_sha256"]:
        raise CouldNotRun(
            f"{where}the two runs tested different contracts: OLD sha256 {old['contract_sha256']}, "
            f"NEW sha256 {new['contract_sha256']}"
        )


def _cells(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(entry["operation"], entry["check"]): entry for entry in document["results"]}


def _promises(entry: dict[str, Any] | None) -> set[str]:
    if entry is None or entry.get("verdict") not in FAILING:
        return set()
    return set(entry.get("promises") or [entry["check"]])


def describe(entry: dict[str, Any] | None) -> str:
    """A cell as the report's table shows it: `pass 12`, `FAIL 2/14`, `accepted 1/5`, `skip`, `not run`."""
    if entry is None:
        return "not run"
    verdict, passed, failed = entry["verdict"], entry.get("passed", 0), entry.get("failed", 0)
    if verdict == "passed":
        return f"pass {passed}"
    if verdict in FAILING:
        return f"{'FAIL' if verdict == 'failed' else 'accepted'} {failed}/{failed + passed}"
    return "skip"


def compare(old: dict[str, Any], new: dict[str, Any], deviations: Sequence[Deviation] = ()) -> Comparison:
    """What changed from `old` to `new` (two report.json documents of the same contract)."""
    result = Comparison(old, new)
    old_cells, new_cells = _cells(old), _cells(new)
    for key in sorted(old_cells.keys() | new_cells.keys()):
        operation, check = key
        before, after = old_cells.get(key), new_cells.get(key)
        was, now = _promises(before), _promises(after)
        said_before, said_after = describe(before), describe(after)
        accepted = after is not None and (
            after["verdict"] == "accepted" or any(d.covers(operation, check) for d in deviations)
        )
        for promise in sorted(now - was):
            change = Change(check, operation, promise, said_before, said_after)
            (result.accepted if accepted else result.regressions).append(change)
        for promise in sorted(now & was):
            result.still_failing.append(Change(check, operation, promise, said_before, said_after))
        if after is not None and after["verdict"] == "skipped":
            if before is not None and before["verdict"] != "skipped":
                reason = after.get("skipped_because") or "skipped"
                result.newly_skipped.append(Change(check, operation, None, said_before, f"skip: {reason}"))
        elif after is None:
            if before is not None and before["verdict"] != "skipped":
                result.no_longer_run.append(Change(check, operation, None, said_before, said_after))
        else:
            # It ran in NEW: a promise OLD broke and NEW does not is kept now.
            for promise in sorted(was - now):
                result.fixed.append(Change(check, operation, promise, said_before, said_after))
    return result


def compare_fleets(old_dir: Path, new_dir: Path, deviations: Sequence[Deviation] = ()) -> list[TargetComparison]:
    """Two fleet runs, target by target (matched by name); a target either could not test has no comparison."""
    old_fleet, new_fleet = fleet_report.load(old_dir, "OLD"), fleet_report.load(new_dir, "NEW")
    old_targets = {entry["name"]: entry for entry in old_fleet["targets"]}
    new_targets = {entry["name"]: entry for entry in new_fleet["targets"]}
    compared = []
    for name in dict.fromkeys([*old_targets, *new_targets]):
        if name not in new_targets:
            compared.append(TargetComparison(name, not_compared="not in NEW: no longer run"))
            continue
        if name not in old_targets:
            compared.append(TargetComparison(name, not_compared="not in OLD: nothing to compare with"))
            continue
        reports: list[dict[str, Any] | str] = []
        for which, directory, entry in (("OLD", old_dir, old_targets[name]), ("NEW", new_dir, new_targets[name])):
            if not entry.get("report"):
                reports.append(f"{which} could not test it: {entry.get('reason') or 'no report'}")
                continue
            try:
                reports.append(load_report(directory / entry["report"], which))
            except CouldNotRun as reason:
                reports.append(str(reason))
        problems = [report for report in reports if isinstance(report, str)]
        if problems:
            compared.append(TargetComparison(name, not_compared="; ".join(problems), unreadable=True))
            continue
        old, new = reports
        assert isinstance(old, dict) and isinstance(new, dict)
        same_contract(old, new, f"target {name}: ")
        compared.append(TargetComparison(name, compare(old, new, deviations)))
    return compared

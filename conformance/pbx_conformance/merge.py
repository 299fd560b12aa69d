"""`pbx-conformance merge DIR...`: the reports of a fleet's shards (`run --targets FILE --shard K/N`, one per CI job)
combined into the one report a whole run would have written, each target's own report copied beside it.

The shards must be of one targets file and one contract, each slice given once. A slice not given is not an
error of the merge: its targets are reported as not tested (no report from that shard), which is exit 2 unless a
target does not conform (1), as for a fleet run.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pbx_conformance import fleet_report
from pbx_conformance.exit_codes import CouldNotRun
from pbx_conformance.settings import DEFAULT_FLEET_DIR, UsageError


@dataclass(frozen=True)
class MergeSettings:
    shards: list[Path]
    report_dir: Path
    quiet: bool


def merge_settings_from(shards: list[str], report_dir: str | None, quiet: bool) -> MergeSettings:
    settings = MergeSettings([Path(shard) for shard in shards], Path(report_dir or DEFAULT_FLEET_DIR), quiet)
    for shard in settings.shards:
        if shard.resolve() == settings.report_dir.resolve():
            raise UsageError(f"--report-dir {settings.report_dir} is one of the shards: merge into another folder")
    return settings


def merge_shards(settings: MergeSettings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    shards = [(path, fleet_report.load(path, "shard")) for path in settings.shards]
    _same(shards, "targets_sha256", "targets files")
    _same(shards, "contract_sha256", "contracts")
    count = _slices(shards)
    first = shards[0][1]
    entries: dict[str, dict[str, Any]] = {}
    for path, shard in shards:
        for entry in shard["targets"]:
            source = fleet_report.target_folder(path, entry["name"])
            destination = fleet_report.target_folder(settings.report_dir, entry["name"])
            if source.is_dir():
                shutil.rmtree(destination, ignore_errors=True)  # a report of an earlier merge, not to be mixed in
                shutil.copytree(source, destination)
            entries[entry["name"]] = entry
    given = {shard["shard"]["index"] for _, shard in shards if shard["shard"]}
    ordered = []
    for position, target in enumerate(first["targets_in_file"], 1):
        name = target["name"]
        if name in entries:
            ordered.append(entries[name])
            continue
        index = (position - 1) % count + 1
        if index in given:
            continue  # in a given shard but not run there: cannot be (the shard lists every target of its slice)
        reason = f"no report from shard {index}/{count} (not among the folders merged)"
        # An earlier merge's report of this target would be read as its result: it was not tested this time.
        shutil.rmtree(fleet_report.target_folder(settings.report_dir, name), ignore_errors=True)
        ordered.append(
            fleet_report.target_entry(name, target["base_url"], None, reason, settings.report_dir, shard=index)
        )
    seeds = sorted({shard["seed"] for _, shard in shards})
    about = {
        "targets_file": first["targets_file"],
        "targets_sha256": first["targets_sha256"],
        "targets_in_file": first["targets_in_file"],
        # The shards' contract (all the same, checked above), not whatever this process would read.
        "contract_sha256": first["contract_sha256"],
        "shard": None,
        "merged_from": [
            {"folder": str(path), "shard": shard["shard"], "seed": shard["seed"], "duration": shard["duration"]}
            for path, shard in shards
        ],
        "seed": seeds[0] if len(seeds) == 1 else seeds,
        # The shards ran side by side: the merged run took as long as its slowest.
        "duration": max(shard["duration"] for _, shard in shards),
    }
    document = fleet_report.document(ordered, settings.report_dir, about)
    return fleet_report.publish(document, settings.report_dir, settings.quiet, out, err)


def _same(shards: list[tuple[Path, dict[str, Any]]], key: str, what: str) -> None:
    values = {shard[key] for _, shard in shards}
    if len(values) > 1:
        listed = ", ".join(f"{path} {shard[key]}" for path, shard in shards)
        raise CouldNotRun(f"the shards are of different {what} (sha256: {listed})")


def _slices(shards: list[tuple[Path, dict[str, Any]]]) -> int:
    """N, the number of slices; CouldNotRun unless every folder is a slice of N given once."""
    whole = [path for path, shard in shards if not shard["shard"]]
    if whole and len(shards) > 1:
        raise CouldNotRun(f"{whole[0]} is a whole fleet's run, not a shard (--shard K/N)")
    if whole:
        return 1
    counts = {shard["shard"]["count"] for _, shard in shards}
    if len(counts) > 1:
        raise CouldNotRun(f"the shards slice the file differently: into {' and '.join(map(str, sorted(counts)))}")
    seen: dict[int, Path] = {}
    for path, shard in shards:
        index = shard["shard"]["index"]
        if index in seen:
            raise CouldNotRun(f"shard {index}/{shard['shard']['count']} is given twice: {seen[index]} and {path}")
        seen[index] = path
    count: int = counts.pop()
    return count

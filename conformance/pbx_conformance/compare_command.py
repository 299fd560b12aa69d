"""`pbx-conformance compare OLD NEW`: exit 1 when anything regressed, 0 otherwise, 2 when a report cannot be read
or the two runs tested different contracts. The Markdown goes to stdout (and `--markdown FILE`), the HTML page to
`--html FILE`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pbx_conformance import baseline, compare_output
from pbx_conformance.compare import TargetComparison, compare, compare_fleets, load_report, same_contract
from pbx_conformance.exit_codes import CONFORMS, DOES_NOT_CONFORM, CouldNotRun
from pbx_conformance.fleet_report import is_fleet
from pbx_conformance.settings import UsageError


@dataclass(frozen=True)
class CompareSettings:
    old: Path
    new: Path
    baseline: Path | None
    markdown: Path | None
    html: Path | None


def compare_settings_from(namespace: argparse.Namespace) -> CompareSettings:
    if namespace.baseline is not None and not Path(namespace.baseline).is_file():
        raise UsageError(f"--baseline: no such file {namespace.baseline!r}")
    return CompareSettings(
        old=Path(namespace.old),
        new=Path(namespace.new),
        baseline=Path(namespace.baseline) if namespace.baseline else None,
        markdown=Path(namespace.markdown) if namespace.markdown else None,
        html=Path(namespace.html) if namespace.html else None,
    )


def compare_runs(settings: CompareSettings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    deviations = baseline.load(settings.baseline) if settings.baseline else []
    if is_fleet(settings.old) != is_fleet(settings.new):
        fleet, single = ("OLD", "NEW") if is_fleet(settings.old) else ("NEW", "OLD")
        raise CouldNotRun(
            f"{fleet} is a fleet's report and {single} one run's: compare a target's folder (targets/NAME) instead"
        )
    if is_fleet(settings.old):
        compared = compare_fleets(settings.old, settings.new, deviations)
    else:
        old, new = load_report(settings.old, "OLD"), load_report(settings.new, "NEW")
        same_contract(old, new)
        compared = [TargetComparison("", compare(old, new, deviations))]
    old_name, new_name = str(settings.old), str(settings.new)
    text = compare_output.markdown(compared, old_name, new_name)
    print(text, file=out)
    print(compare_output.verdict(compared), file=out)
    for path, content in (
        (settings.markdown, text),
        (settings.html, compare_output.as_html(compared, old_name, new_name) if settings.html else None),
    ):
        if path is not None and content is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    if any(target.comparison is not None and target.comparison.regressed for target in compared):
        return DOES_NOT_CONFORM
    missing = [target for target in compared if target.unreadable]
    if missing:
        raise CouldNotRun("; ".join(f"target {target.name}: {target.not_compared}" for target in missing))
    return CONFORMS

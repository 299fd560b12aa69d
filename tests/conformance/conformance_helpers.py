"""Runs the suite in-process against an emulator that the calling test started on a free loopback port."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pbx_conformance import local_emulator, suite_run
from pbx_conformance.exit_codes import COULD_NOT_RUN, CouldNotRun
from pbx_conformance.settings import PHASES, Settings

# Small and bounded: the whole conformance test module stays within a few minutes on 2 cores.
MAX_EXAMPLES = 5
QUICK_PHASES = ("examples", "fuzzing")


@dataclass
class Outcome:
    code: int
    document: dict[str, Any]
    console: str
    report_dir: Path

    def cell(self, operation: str, check: str) -> dict[str, Any]:
        return next(r for r in self.document["results"] if (r["operation"], r["check"]) == (operation, check))

    def verdicts(self, check: str) -> set[str]:
        return {r["verdict"] for r in self.document["results"] if r["check"] == check}


def settings_for(server, report_dir: Path, **changes) -> Settings:
    settings = Settings(
        base_url=server.api_url,
        token_url=server.token_url,
        main=local_emulator.DEMO,
        other=local_emulator.DEMO_OTHER,
        readonly=local_emulator.DEMO_READONLY,
        report_dir=report_dir,
        seed=1,
        max_examples=MAX_EXAMPLES,
        max_time=None,
        phases=PHASES,
        baseline=None,
        no_writes=False,
    )
    return replace(settings, **changes)


def run_suite(server, report_dir: Path, **changes) -> Outcome:
    out = io.StringIO()
    try:
        code = suite_run.hold_to_contract(settings_for(server, report_dir, **changes), out)
    except CouldNotRun as reason:  # exit 2: the reports are written first, the reason is the CLI's one line
        code = COULD_NOT_RUN
        out.write(f"could not run: {reason}\n")
    document = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return Outcome(code, document, out.getvalue(), report_dir)

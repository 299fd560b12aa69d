"""How long `pbx-spec diff` takes on the real spec, both SDK generations included (goal: under 10 s cold).

The revision is openapi.yaml with a new writable field (a change that reaches every axis), so both SDKs are really
generated. The command itself runs twice, as a user runs it: cold (a fresh, empty cache, $PBX_SPEC_CACHE) and warm
(the same cache again); each time is printed as a ratio to the 10 s goal. Then the parts, in this process, on a
cold cache of their own: the wire and server rules, the two SDKs (generation and griffe), the report.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from pbx_kit.contract import DEFAULT_SPEC_PATH
from pbx_spec.diff import sdk_surface
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import parse_revision
from pbx_spec.diff.rules import compare_documents

GOAL_SECONDS = 10.0
COMMAND = Path(sys.executable).parent / "pbx-spec"


def revision_text(base_text: str) -> str:
    document = copy.deepcopy(yaml.safe_load(base_text))
    schemas = document["components"]["schemas"]
    schemas["Client"]["properties"]["nickname"] = {"type": ["string", "null"], "description": "A short name."}
    schemas["Client"]["required"].append("nickname")
    schemas["ClientUpdate"]["properties"]["nickname"] = {"$ref": "#/components/schemas/Client/properties/nickname"}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def main() -> None:
    base_text = DEFAULT_SPEC_PATH.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="pbx-spec-bench-") as work:
        folder = Path(work)
        revision = folder / "revision.yaml"
        revision.write_text(revision_text(base_text), encoding="utf-8")
        environment = {**os.environ, "PBX_SPEC_CACHE": str(folder / "cache")}
        for run in ("cold", "warm"):
            started = time.perf_counter()
            finished = subprocess.run(
                [str(COMMAND), "diff", str(DEFAULT_SPEC_PATH), str(revision), "-o", str(folder / "report.md")],
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            took = time.perf_counter() - started
            if finished.returncode not in (0, 1):
                raise SystemExit(f"pbx-spec diff failed ({finished.returncode}): {finished.stderr.strip()}")
            print(
                f"pbx-spec diff, {run} cache: {took:.2f} s ({took / GOAL_SECONDS:.2f}x the goal of "
                f"{GOAL_SECONDS:.0f} s), both SDK generations included"
            )
        sdk_surface.CACHE = folder / "parts"
        started = time.perf_counter()
        base, new = parse_revision("base", base_text), parse_revision("revision", revision.read_text())
        changes = compare_documents(base, new)
        rules_done = time.perf_counter()
        changes += sdk_surface.compare_sdks(base, new)
        sdk_done = time.perf_counter()
        report = Report("base", "revision", changes)
        report.to_markdown()
        report.to_html()
        report.to_json()
        done = time.perf_counter()
        print(
            f"its parts, cold: wire and server rules {rules_done - started:.3f} s, SDK generation and griffe "
            f"{sdk_done - rules_done:.2f} s, findings and the three formats {done - sdk_done:.3f} s "
            f"({len(changes)} changes, {len(report.findings)} findings)"
        )


if __name__ == "__main__":
    main()

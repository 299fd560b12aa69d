"""How long `pbx-spec diff` takes on the real spec, the SDK comparison included (goal: under 10 s).

The revision is openapi.yaml with a new writable field (a change that reaches every axis), so both SDKs are really
generated: the cache is a fresh temporary folder for the cold run, then reused for the warm one. Prints the time of
each part and the total as a ratio to the 10 s goal.
"""

from __future__ import annotations

import copy
import tempfile
import time
from pathlib import Path

import yaml

from pbx_kit.contract import DEFAULT_SPEC_PATH
from pbx_spec.diff import sdk_surface
from pbx_spec.diff.revisions import parse_revision
from pbx_spec.diff.rules import compare_documents

GOAL_SECONDS = 10.0


def main() -> None:
    base_text = DEFAULT_SPEC_PATH.read_text(encoding="utf-8")
    document = copy.deepcopy(yaml.safe_load(base_text))
    schemas = document["components"]["schemas"]
    schemas["Client"]["properties"]["nickname"] = {"type": ["string", "null"], "description": "A short name."}
    schemas["Client"]["required"].append("nickname")
    schemas["ClientUpdate"]["properties"]["nickname"] = {"$ref": "#/components/schemas/Client/properties/nickname"}
    revision_text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    with tempfile.TemporaryDirectory(prefix="pbx-spec-bench-") as cache:
        sdk_surface.CACHE = Path(cache)
        for run in ("cold", "warm"):
            started = time.perf_counter()
            base, revision = parse_revision("base", base_text), parse_revision("revision", revision_text)
            changes = compare_documents(base, revision)
            rules_done = time.perf_counter()
            sdk_changes = sdk_surface.compare_sdks(base, revision)
            total = time.perf_counter() - started
            print(
                f"pbx-spec diff, {run} cache: {total:.2f} s in all ({total / GOAL_SECONDS:.2f}x the goal of "
                f"{GOAL_SECONDS:.0f} s); wire and server rules {rules_done - started:.3f} s ({len(changes)} changes), "
                f"SDK generation and griffe {total - (rules_done - started):.2f} s ({len(sdk_changes)} changes)"
            )


if __name__ == "__main__":
    main()

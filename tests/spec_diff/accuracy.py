"""How often `pbx-spec diff` agrees with the labelled set (revision_pairs.PAIRS), per axis and for the bump.

    .venv/bin/python -m tests.spec_diff.accuracy          # the spec tools of this tree
    PYTHONPATH=<other>/spec_tools .venv/bin/python -m tests.spec_diff.accuracy   # another version of them

Prints one line per axis and for the bump (right / pairs), then every pair it got wrong and how. It uses only
what every version of the tools has (`compare`, `Report.breaking`, `Report.bump`), so an older one can be
measured on today's set.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from pbx_spec.diff.changes import Axis
from pbx_spec.diff.compare import compare
from pbx_spec.diff.sdk_surface import generated_package

from .revision_pairs import PAIRS, base_revision, revised

GENERATION_WORKERS = 3


def main() -> int:
    base = base_revision()
    revisions = {pair.name: revised(pair) for pair in PAIRS}
    with ThreadPoolExecutor(GENERATION_WORKERS) as pool:
        list(pool.map(generated_package, [base, *revisions.values()]))
    right = {"wire": 0, "server": 0, "sdk": 0, "bump": 0, "all four": 0}
    misses = []
    for pair in PAIRS:
        report = compare(base, revisions[pair.name])
        found = {
            "wire": report.breaking(Axis.WIRE),
            "server": report.breaking(Axis.SERVER),
            "sdk": report.breaking(Axis.SDK),
            "bump": str(report.bump),
        }
        expected = {"wire": pair.wire, "server": pair.server, "sdk": pair.sdk, "bump": pair.bump}
        wrong = [key for key in expected if found[key] != expected[key]]
        for key in expected:
            right[key] += key not in wrong
        right["all four"] += not wrong
        if wrong:
            shown = ", ".join(f"{key} {found[key]} (expected {expected[key]})" for key in wrong)
            misses.append(f"  {pair.name}: {shown}")
    total = len(PAIRS)
    for key, count in right.items():
        print(f"{key:>9}: {count}/{total} = {100 * count / total:.0f}%")
    print(f"wrong on {len(misses)} of {total} pairs" + (":" if misses else ""))
    print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())

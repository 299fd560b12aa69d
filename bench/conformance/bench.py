"""Cost per generated case: the conformance suite vs a bare `schemathesis run`, same server, same settings.

Both get the very same schemathesis settings (the suite's own config document, written as a
schemathesis.toml), the same seed and max-examples, and a fresh emulator each. The suite's cost includes
everything it does beyond schemathesis (its own checks, restore, reports) and its progress display, drawn live
(`--progress live`, rich redrawing it as on a terminal: the costliest of its displays). Each side runs ROUNDS
times, alternating; the best time of each is compared. Goal: ratio <= 1.25.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pbx_conformance import local_emulator, schemathesis_engine
from pbx_conformance.settings import PHASES, Settings
from pbx_emulator.testing import running_emulator
from pbx_kit import contract

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SEED = 1
MAX_EXAMPLES = int(os.environ.get("BENCH_MAX_EXAMPLES", "25"))
BIN = Path(sys.executable).parent


def toml(document: dict[str, Any], prefix: str = "") -> str:
    """The small subset of TOML the config document needs: scalars and nested tables."""
    scalars = [(k, v) for k, v in document.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in document.items() if isinstance(v, dict)]
    lines = [f"{key} = {json.dumps(value)}" for key, value in scalars]
    if prefix and (scalars or not tables):
        lines.insert(0, f"[{prefix}]")
    text = "\n".join(lines) + ("\n" if lines else "")
    for key, value in tables:
        text += toml(value, f"{prefix}.{key}" if prefix else key)
    return text


def settings(base_url: str) -> Settings:
    return Settings(
        base_url=base_url,
        token_url=None,
        main=local_emulator.DEMO,
        other=local_emulator.DEMO_OTHER,
        readonly=local_emulator.DEMO_READONLY,
        report_dir=None,
        seed=SEED,
        max_examples=MAX_EXAMPLES,
        max_time=None,
        phases=PHASES,
        baseline=None,
        no_writes=False,
    )


def bare(scratch: Path) -> tuple[float, int]:
    with running_emulator() as server:
        config = scratch / "schemathesis.toml"
        config.write_text(toml(schemathesis_engine.config_document(settings(server.api_url), server.api_url, SEED)))
        command = [str(BIN / "schemathesis"), "--config-file", str(config), "run", str(contract.spec_path())]
        command += ["-H", f"Authorization: Bearer {server.token()}", "--no-color"]
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    found = re.search(r"(\d+) generated", finished.stdout)
    if found is None:
        raise SystemExit(f"bare schemathesis run printed no case count:\n{finished.stdout}\n{finished.stderr}")
    return elapsed, int(found.group(1))


def suite(scratch: Path) -> tuple[float, int]:
    with running_emulator() as server:
        s = settings(server.api_url)
        assert s.main is not None and s.other is not None and s.readonly is not None
        command = [str(BIN / "pbx-conformance"), "run", "--base-url", server.api_url, "--token-url", server.token_url]
        command += ["--client-id", s.main.client_id, "--other-client-id", s.other.client_id]
        command += ["--readonly-client-id", s.readonly.client_id, "--seed", str(SEED), "--rate", "0"]
        command += ["--max-examples", str(MAX_EXAMPLES), "--report-dir", str(scratch / "suite"), "--progress", "live"]
        environment = {
            **os.environ,
            "PBX_CLIENT_SECRET": s.main.client_secret,
            "PBX_OTHER_CLIENT_SECRET": s.other.client_secret,
            "PBX_READONLY_CLIENT_SECRET": s.readonly.client_secret,
        }
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
        elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"the suite did not pass against the emulator:\n{finished.stdout}\n{finished.stderr}")
    document = json.loads((scratch / "suite" / "report.json").read_text())
    return elapsed, document["generated_cases"]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-conformance-") as directory:
        scratch = Path(directory)
        runs: dict[str, list[tuple[float, int]]] = {"schemathesis run": [], "pbx-conformance": []}
        for _ in range(ROUNDS):
            runs["schemathesis run"].append(bare(scratch))
            runs["pbx-conformance"].append(suite(scratch))
    print(f"cost per generated case, seed {SEED}, max-examples {MAX_EXAMPLES}, all phases, best of {ROUNDS}")
    per_case = {}
    for name, results in runs.items():
        elapsed, cases = min(results, key=lambda result: result[0] / result[1])
        per_case[name] = elapsed / cases
        print(f"  {name:18s} {elapsed:6.2f}s  {cases:5d} cases  {1000 * per_case[name]:6.2f} ms/case")
    ratio = per_case["pbx-conformance"] / per_case["schemathesis run"]
    print(f"  ratio {ratio:.2f}x (goal <= 1.25x): {'met' if ratio <= 1.25 else 'NOT met'}")


if __name__ == "__main__":
    main()

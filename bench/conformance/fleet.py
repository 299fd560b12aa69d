"""A fleet of targets next to one: the wall time of `pbx-conformance run --targets` over 8 emulators, each answering
after 50 ms (`--latency 50`, as a remote server would), against the wall time of one such run. Goal: <= 1.5x.

The same settings for both (seed, max-examples, all phases, no pace), the same demo applications, every emulator
started before the clock starts. Each side runs ROUNDS times, alternating; the best time of each is compared.

Beside the wall times it prints the CPU time each side's processes took (the suite's, not the emulators'): a fleet
cannot finish before its CPU time spread over the machine's cores, which is what bounds the ratio on a small
machine, and on a shared one what other work leaves of it.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from pbx_conformance import local_emulator
from pbx_emulator.testing import RunningEmulator, running_emulator

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
TARGETS = int(os.environ.get("BENCH_FLEET_TARGETS", "8"))
LATENCY_MS = int(os.environ.get("BENCH_FLEET_LATENCY", "50"))
MAX_EXAMPLES = os.environ.get("BENCH_MAX_EXAMPLES", "25")
SEED = "1"
GOAL = 1.5


def environment() -> dict[str, str]:
    applications = (local_emulator.DEMO, local_emulator.DEMO_OTHER, local_emulator.DEMO_READONLY)
    variables = dict(os.environ)
    for prefix, application in zip(("", "OTHER_", "READONLY_"), applications, strict=True):
        variables[f"PBX_{prefix}CLIENT_ID"] = application.client_id
        variables[f"PBX_{prefix}CLIENT_SECRET"] = application.client_secret
    return variables


def cpu_of_children() -> float:
    """CPU seconds of every finished child process and their own children (the fleet's targets)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], expected: int = 0) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the command."""
    cpu, started = cpu_of_children(), time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, env=environment(), check=False)
    elapsed, cpu = time.perf_counter() - started, cpu_of_children() - cpu
    if finished.returncode != expected:
        raise SystemExit(
            f"{' '.join(command[:4])} ... exited {finished.returncode}:\n{finished.stdout}\n{finished.stderr}"
        )
    return elapsed, cpu


def common() -> list[str]:
    return ["--seed", SEED, "--max-examples", MAX_EXAMPLES, "--rate", "0", "--quiet"]


def one(server: RunningEmulator, scratch: Path) -> tuple[float, float]:
    command = [sys.executable, "-m", "pbx_conformance", "run", "--base-url", server.api_url, *common()]
    return timed([*command, "--report-dir", str(scratch / "one")])


def fleet(servers: list[RunningEmulator], scratch: Path) -> tuple[float, float]:
    targets = scratch / "targets.yaml"
    entries = [{"name": f"target-{n}", "base_url": server.api_url} for n, server in enumerate(servers, 1)]
    targets.write_text(yaml.safe_dump({"targets": entries}), encoding="utf-8")
    command = [sys.executable, "-m", "pbx_conformance", "run", "--targets", str(targets), "--parallel", str(TARGETS)]
    return timed([*command, *common(), "--report-dir", str(scratch / "fleet")])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as directory, contextlib.ExitStack() as stack:
        scratch = Path(directory)
        servers = [
            stack.enter_context(running_emulator(extra_args=["--latency", str(LATENCY_MS), "--quiet"]))
            for _ in range(TARGETS)
        ]
        times: dict[str, list[tuple[float, float]]] = {"one target": [], f"{TARGETS} targets": []}
        for _ in range(ROUNDS):
            times["one target"].append(one(servers[0], scratch))
            times[f"{TARGETS} targets"].append(fleet(servers, scratch))
    print(
        f"a fleet next to one target: {LATENCY_MS} ms latency, seed {SEED}, max-examples {MAX_EXAMPLES}, "
        f"all phases, no pace, best of {ROUNDS}"
    )
    best = {name: min(values) for name, values in times.items()}
    cores = os.cpu_count() or 1
    for name, (seconds, cpu) in best.items():
        print(f"  {name:12s} {seconds:6.1f}s wall  {cpu:6.1f}s CPU (at least {cpu / cores:5.1f}s on {cores} cores)")
    ratio = best[f"{TARGETS} targets"][0] / best["one target"][0]
    print(f"  ratio {ratio:.2f}x (goal <= {GOAL}x): {'met' if ratio <= GOAL else 'NOT met'}")
    print(f"  load average while it ran: {os.getloadavg()[1]:.1f} (5 minutes) on {cores} cores")


if __name__ == "__main__":
    main()

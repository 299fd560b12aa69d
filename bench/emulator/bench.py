"""`make bench-emulator`: the emulator side by side with Prism's mock of the same openapi.yaml, and the shared
store's cost and scaling in the same run.

Every server serves on a free loopback port; wrk puts the same load on each in turn (32 connections,
authenticated): GET /client/@me/client/ and a valid PUT. Prints requests/s, p99 latency and each server's peak
memory (RSS high-water mark), and the ratios:
- the emulator (SQLite, one process) against Prism (goals 5x GET, 3x PUT);
- one worker on PostgreSQL against one on SQLite (the cost of the shared store, no goal);
- two workers on PostgreSQL against one (goal 1.5x for GET on a 2-core machine), Prism's figure beside them.
PostgreSQL is a throwaway server of Debian's binaries (pbx_emulator.throwaway_postgres), reached over its Unix
socket, with its default durability settings. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from pbx_emulator.testing import demo_identities, free_port
from pbx_emulator.throwaway_postgres import throwaway_postgres
from pbx_kit.contract import ME, ROOT, SERVED_SPEC_NAME, api_base_path, load_document, spec_path, token_url

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 32
THREADS = 2
PUT_SCRIPT = Path(__file__).with_name("put.lua")
GOALS = {"GET": 5.0, "PUT": 3.0}
SCALING_GOAL = {"GET": 1.5}  # two workers on PostgreSQL against one
# The load's target: the contract's first path, naming the token's own client.
ME_PATH = next(iter(load_document()["paths"])).format(client_id=ME)


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early: {process.args!r}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer: {url}")


def peak_rss_mib(pid: int) -> float:
    """The high-water mark of resident memory of the process and its children, in MiB."""
    total = 0
    pids = [pid]
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    pids += [int(c) for c in children]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def search(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text)
    if match is None:
        raise SystemExit(f"wrk's output has no {pattern!r}:\n{text}")
    return match


def wrk(url: str, token: str, script: Path | None) -> dict[str, float | str]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
    ]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * scale,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def emulator_command(port: int, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pbx_emulator", "serve", "--quiet", "--port", str(port), "--db", db, *extra]


def token_of(api_url: str) -> str:
    demo = demo_identities().main
    grant = {"grant_type": "client_credentials", "client_id": demo.app_id, "client_secret": demo.app_secret}
    return str(httpx.post(token_url(api_url), data=grant).json()["access_token"])


def print_rows(title: str, results: dict[str, dict[str, dict[str, float | str]]]) -> None:
    print(f"\n{title}")
    print(f"{'':5} {'server':12} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for name, row in results.items():
        for server, r in row.items():
            print(f"{name:5} {server:12} {r['rps']:>10.0f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as scratch, throwaway_postgres() as postgres:
        ports = {name: free_port() for name in ("emulator", "prism", "pg-1-worker", "pg-2-workers")}
        commands = {
            "emulator": emulator_command(ports["emulator"], str(Path(scratch, "bench.sqlite3"))),
            "prism": [str(ROOT / "node_modules/.bin/prism"), "mock", str(spec_path()), "-p", str(ports["prism"]),
                      "-h", "127.0.0.1"],
            "pg-1-worker": emulator_command(ports["pg-1-worker"], postgres.create_database("one_worker")),
            "pg-2-workers": emulator_command(
                ports["pg-2-workers"], postgres.create_database("two_workers"), "--workers", "2"
            ),
        }  # fmt: skip
        processes = {name: start(command, Path(scratch, f"{name}.log")) for name, command in commands.items()}
        try:
            urls = {
                name: f"http://127.0.0.1:{port}{api_base_path()}" if name != "prism" else f"http://127.0.0.1:{port}"
                for name, port in ports.items()
            }  # Prism serves the paths at its root
            for name, process in processes.items():
                probe = urls[name] + (ME_PATH if name == "prism" else f"/{SERVED_SPEC_NAME}")
                wait_until_answering(probe, process)
            tokens = {name: "prism-accepts-any-token" if name == "prism" else token_of(urls[name]) for name in urls}
            results: dict[str, dict[str, dict[str, float | str]]] = {}
            for load, script in (("GET", None), ("PUT", PUT_SCRIPT)):
                results[load] = {name: wrk(urls[name] + ME_PATH, tokens[name], script) for name in urls}
            memory = {name: peak_rss_mib(process.pid) for name, process in processes.items()}
        finally:
            for process in processes.values():
                stop(process)

    def rps(load: str, server: str) -> float:
        return float(results[load][server]["rps"])

    print_rows(
        f"emulator vs Prism mock, wrk {CONNECTIONS} connections, {THREADS} threads, {DURATION} each",
        {load: {server: row[server] for server in ("emulator", "prism")} for load, row in results.items()},
    )
    for load in results:
        ratio = rps(load, "emulator") / rps(load, "prism")
        verdict = "meets" if ratio >= GOALS[load] else "BELOW"
        print(f"{load:5} ratio emulator/Prism = {ratio:.2f}x ({verdict} the {GOALS[load]:.0f}x goal)")
    print(f"peak RSS: emulator {memory['emulator']:.1f} MiB, Prism {memory['prism']:.1f} MiB")

    print_rows(
        "the shared store: PostgreSQL, one worker and two, beside SQLite and Prism (same run, same load)",
        {
            load: {
                label: row[server]
                for label, server in (("sqlite 1w", "emulator"), ("pg 1w", "pg-1-worker"), ("pg 2w", "pg-2-workers"),
                                      ("prism", "prism"))
            }
            for load, row in results.items()
        },
    )  # fmt: skip
    for load in results:
        cost = rps(load, "pg-1-worker") / rps(load, "emulator")
        scaling = rps(load, "pg-2-workers") / rps(load, "pg-1-worker")
        goal = SCALING_GOAL.get(load)
        verdict = f" ({'meets' if scaling >= goal else 'BELOW'} the {goal:.1f}x goal)" if goal else ""
        print(f"{load:5} ratio pg 1 worker/sqlite 1 worker = {cost:.2f}x (the cost of the shared store)")
        print(f"{load:5} ratio pg 2 workers/pg 1 worker = {scaling:.2f}x{verdict}")
        print(f"{load:5} ratio pg 2 workers/Prism = {rps(load, 'pg-2-workers') / rps(load, 'prism'):.2f}x")
    print(
        f"peak RSS: pg 1 worker {memory['pg-1-worker']:.1f} MiB, pg 2 workers {memory['pg-2-workers']:.1f} MiB "
        "(the emulator's processes; PostgreSQL's own not counted)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

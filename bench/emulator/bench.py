"""`make bench-emulator`: the emulator side by side with Prism's mock of the same openapi.yaml.

Both serve on free loopback ports; wrk puts the same load on each (32 connections, authenticated):
GET /client/@me/client/ and a valid PUT. Prints requests/s, p99 latency, the emulator/Prism ratio and
each server's peak memory (RSS high-water mark). A benchmark, not a test: it asserts nothing.
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

from pbx_emulator.testing import free_port
from pbx_kit.contract import (
    ME,
    ROOT,
    SERVED_SPEC_NAME,
    api_base_path,
    demo_identities,
    load_document,
    spec_path,
    token_url,
)

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 32
THREADS = 2
PUT_SCRIPT = Path(__file__).with_name("put.lua")
GOALS = {"GET": 5.0, "PUT": 3.0}
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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as scratch:
        emulator_port, prism_port = free_port(), free_port()
        emulator = start(
            [sys.executable, "-m", "pbx_emulator", "serve", "--quiet", "--port", str(emulator_port),
             "--db", str(Path(scratch, "bench.sqlite3"))],
            Path(scratch, "emulator.log"),
        )  # fmt: skip
        prism = start(
            [str(ROOT / "node_modules/.bin/prism"), "mock", str(spec_path()), "-p", str(prism_port), "-h", "127.0.0.1"],
            Path(scratch, "prism.log"),
        )
        try:
            emulator_api = f"http://127.0.0.1:{emulator_port}{api_base_path()}"
            prism_url = f"http://127.0.0.1:{prism_port}"  # Prism serves the paths at its root
            wait_until_answering(f"{emulator_api}/{SERVED_SPEC_NAME}", emulator)
            wait_until_answering(prism_url + ME_PATH, prism)
            demo = demo_identities().main
            token = httpx.post(
                token_url(emulator_api),
                data={"grant_type": "client_credentials", "client_id": demo.app_id, "client_secret": demo.app_secret},
            ).json()["access_token"]
            results = {}
            for name, script in (("GET", None), ("PUT", PUT_SCRIPT)):
                results[name] = {
                    "emulator": wrk(emulator_api + ME_PATH, token, script),
                    "prism": wrk(prism_url + ME_PATH, "prism-accepts-any-token", script),
                }
            memory = {"emulator": peak_rss_mib(emulator.pid), "prism": peak_rss_mib(prism.pid)}
        finally:
            stop(emulator)
            stop(prism)
    print(f"\nemulator vs Prism mock, wrk {CONNECTIONS} connections, {THREADS} threads, {DURATION} each")
    print(f"{'':5} {'server':9} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for name, pair in results.items():
        for server, r in pair.items():
            print(f"{name:5} {server:9} {r['rps']:>10.0f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")
        ratio = float(pair["emulator"]["rps"]) / float(pair["prism"]["rps"])
        verdict = "meets" if ratio >= GOALS[name] else "BELOW"
        print(f"{name:5} ratio emulator/Prism = {ratio:.2f}x ({verdict} the {GOALS[name]:.0f}x goal)")
    print(f"peak RSS: emulator {memory['emulator']:.1f} MiB, Prism {memory['prism']:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

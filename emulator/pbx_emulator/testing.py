"""`running_emulator`: the emulator as a real HTTP server on a free loopback port, for tests.

    with running_emulator() as server:
        httpx.get(server.api_url + "/client/@me/client/", headers=...)

It runs `python -m pbx_emulator serve` in a subprocess of its own process group (so a test can SIGKILL it, and
with `--workers N` every worker with it), waits until it answers, and stops it on exit. `answered_by` tells
which process (which worker) served a response.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from pbx_emulator.defaults import SEED_PATH
from pbx_kit import seed as seed_file_parser
from pbx_kit.contract import SERVED_SPEC_NAME, api_base_path
from pbx_kit.contract import token_url as contract_token_url

# A shared CI machine under load can take many seconds to import and start it; the wait is still bounded.
STARTUP_TIMEOUT = 60.0


def demo_applications(seed_path: Path = SEED_PATH) -> tuple[seed_file_parser.DemoApplication, ...]:
    """The applications of the bundled demo seed (or of the seed named), as `pbx_kit.seed` reads them."""
    return seed_file_parser.demo_applications(seed_path)


def demo_identities(seed_path: Path = SEED_PATH) -> seed_file_parser.DemoIdentities:
    """The three identities a conformance run against this emulator uses: the demo seed's, unless another is named."""
    return seed_file_parser.demo_identities(seed_path)


STOP_TIMEOUT = 10.0


@dataclass
class RunningEmulator:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    db_path: str
    seed_path: Path = SEED_PATH

    @property
    def api_url(self) -> str:
        return self.url + api_base_path()

    @property
    def token_url(self) -> str:
        return contract_token_url(self.api_url)

    def token(self, app_id: str | None = None, app_secret: str | None = None) -> str:
        """A fresh access token for the application: by default the seed's main demo application, and the
        App Secret the seed gives the App ID."""
        app_id = app_id or seed_file_parser.demo_identities(self.seed_path).main.app_id
        if app_secret is None:
            app_secret = seed_file_parser.demo_application(app_id, self.seed_path).app_secret
        response = httpx.post(
            self.token_url,
            data={"grant_type": "client_credentials", "client_id": app_id, "client_secret": app_secret},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def log(self) -> str:
        """What the emulator has printed so far (banner and access log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = 5.0) -> str:
        """The log once it contains `text` (a request's line is written just after its answer is sent)."""
        deadline = time.monotonic() + timeout
        while text not in (log := self.log()) and time.monotonic() < deadline:
            time.sleep(0.02)
        return log

    def kill(self) -> None:
        """SIGKILL to the emulator and all its workers at once: none has a chance to flush or close anything."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT)

    def answered_by(self, response: httpx.Response) -> int:
        """The id of the emulator's process (with `--workers`, the worker) that holds the server end of the
        connection `response` came on (still open: kept alive)."""
        stream = response.extensions["network_stream"]
        client_port = int(stream.get_extra_info("client_addr")[1])
        server_port = int(self.url.rsplit(":", 1)[1])
        inode = _socket_inode(server_port, client_port)
        for pid in _descendants(self.process.pid):
            with contextlib.suppress(OSError):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    with contextlib.suppress(OSError):
                        if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                            return pid
        raise LookupError(f"no emulator process holds the connection from port {client_port}")


def _socket_inode(local_port: int, remote_port: int) -> str:
    """The inode of the loopback TCP socket from `local_port` to `remote_port` (Linux's /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == local_port and int(fields[2].rsplit(":", 1)[1], 16) == (
                    remote_port
                ):
                    return fields[9]
    raise LookupError(f"no socket from port {local_port} to port {remote_port}")


def _descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8", errors="replace")
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_emulator(
    seed: str | Path | Mapping[str, Any] | None = None,
    db_path: str | Path | None = None,
    faults: Sequence[str] = (),
    token_lifetime: int = 3600,
    rate_limit: int | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[RunningEmulator]:
    """The emulator serving on 127.0.0.1 at a free port until the block ends.

    `seed` is a seed file's path or the seed itself as a mapping; `db_path` a SQLite file (default: in memory).
    """
    with tempfile.TemporaryDirectory(prefix="pbx-emulator-") as scratch:
        if isinstance(seed, Mapping):
            seed_file = Path(scratch, "seed.yaml")
            seed_file.write_text(yaml.safe_dump(dict(seed)), encoding="utf-8")
            seed = seed_file
        for attempt in range(3):
            port = free_port()
            command = [sys.executable, "-m", "pbx_emulator", "serve", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--db", str(db_path) if db_path else ":memory:"]
            command += ["--token-lifetime", str(token_lifetime)]
            if seed is not None:
                command += ["--seed", str(seed)]
            if rate_limit is not None:
                command += ["--rate-limit", str(rate_limit)]
            for fault in faults:
                command += ["--fault", fault]
            command += list(extra_args)
            log_path = Path(scratch, f"emulator-{attempt}.log")
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                    start_new_session=True,  # its own process group: its workers are stopped (or killed) with it
                )
            url, db = f"http://127.0.0.1:{port}", str(db_path or ":memory:")
            server = RunningEmulator(url, process, log_path, db, Path(seed or SEED_PATH))
            try:
                if _wait_until_answering(server):
                    break
            except BaseException:
                _stop(process)
                raise
            exited = process.poll()
            _stop(process)
            if "address already in use" not in server.log().lower():
                how = (
                    f"exited with code {exited}" if exited is not None else f"did not answer in {STARTUP_TIMEOUT:.0f} s"
                )
                raise RuntimeError(f"the emulator did not start ({how}):\n{server.log()}")
        else:
            raise RuntimeError("the emulator found no free port in 3 tries")
        try:
            yield server
        finally:
            _stop(process)


def _wait_until_answering(server: RunningEmulator) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            httpx.get(f"{server.api_url}/{SERVED_SPEC_NAME}", timeout=1.0)
            return True
        except httpx.TransportError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # with --workers, uvicorn's supervisor stops its workers first
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # not yet reaped: the group is still this emulator's
            process.wait(STOP_TIMEOUT)

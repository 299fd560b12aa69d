"""Careless and hostile clients over real sockets: they may cost the emulator nothing it cannot bound, and
nothing they do is logged as the emulator's fault."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from pbx_emulator.defaults import SEED_PATH
from pbx_emulator.sqlite_store import SqliteStore
from pbx_emulator.testing import RunningEmulator, free_port, running_emulator
from pbx_kit.seed import load_seed
from tests.emulator.emulator_helpers import API_BASE

ME_PATH = f"{API_BASE}/client/@me/client/"


def send_partial_put(server: RunningEmulator, token: str) -> None:
    """A PUT announcing 1,000 bytes of body, sending 12 of them, then hanging up."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(
            f"PUT {ME_PATH} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"name": "Ha'
        )
        time.sleep(0.2)  # the handler is now waiting for the rest of the body


def test_a_client_hanging_up_mid_body_is_logged_as_a_disconnect_not_an_internal_error() -> None:
    with running_emulator() as server:
        send_partial_put(server, server.token())
        log = server.wait_for_log(f"PUT {ME_PATH} disconnected")
    put_lines = [line for line in log.splitlines() if f"PUT {ME_PATH}" in line]
    assert put_lines and all("disconnected" in line for line in put_lines), put_lines
    assert "Traceback" not in log and "internal error" not in log and " 500 " not in log


def big_seed(clients: int) -> dict[str, Any]:
    """The default seed plus many more clients (each with an application): a start-up that takes a while."""
    seed: dict[str, Any] = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    template = seed["clients"][1]
    for number in range(clients):
        client_id = 100_000 + number
        seed["clients"].append(
            {
                "client": {**template["client"], "id": client_id, "prefix": str(client_id)},
                "applications": [{"app_id": f"app-{client_id}", "app_secret": f"s-{client_id}", "access_level": "All"}],
            }
        )
    return seed


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / "emulator.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pbx_emulator", "serve", "--port", str(free_port()), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    return process, log


def wait_for(log: Path, text: str, process: subprocess.Popen[bytes], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        content = log.read_text(encoding="utf-8", errors="replace")
        if text in content:
            return content
        time.sleep(0.005)
    raise AssertionError(f"no {text!r} in the log:\n{log.read_text(encoding='utf-8', errors='replace')}")


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_during_start_up_stops_the_emulator_cleanly(tmp_path: Path, signal_name: str) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(json.dumps(big_seed(1000)), encoding="utf-8")  # JSON is YAML, and quick to write
    process, log = start(tmp_path, "--seed", str(seed), "--db", str(tmp_path / "store.sqlite3"))
    try:
        wait_for(log, "starting", process)
        process.send_signal(getattr(signal, signal_name))
        returncode = process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert "listening on" not in output, "the signal came too late to test the start-up"
    assert returncode == 0, output
    assert "Traceback" not in output
    SqliteStore(tmp_path / "store.sqlite3", load_seed(SEED_PATH)).close()  # not left locked, and usable


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_while_serving_stops_the_emulator_cleanly(tmp_path: Path, signal_name: str) -> None:
    process, log = start(tmp_path, "--db", str(tmp_path / "store.sqlite3"))
    try:
        wait_for(log, "listening on", process)
        process.send_signal(getattr(signal, signal_name))
        returncode = process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert returncode == 0, output
    assert "Traceback" not in output
    assert not (tmp_path / "store.sqlite3-wal").exists() or (tmp_path / "store.sqlite3-wal").stat().st_size == 0


def connect(server: RunningEmulator) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    return connection


def closed_by_server_within(connection: socket.socket, seconds: float) -> bool:
    """Whether the server closes the connection (EOF or reset) within `seconds`, reading whatever it sends."""
    connection.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if connection.recv(65536) == b"":
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return False


SLOW = [
    ("nothing", b""),
    ("half a request line", b"GET /api/"),
    ("headers without their end", b"GET / HTTP/1.1\r\nHost: x\r\n"),
    ("a body short of its length", b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"),
]


@pytest.mark.parametrize("sent", [sent for _, sent in SLOW], ids=[name for name, _ in SLOW])
def test_a_request_that_does_not_arrive_in_time_has_its_connection_closed(sent: bytes) -> None:
    with running_emulator(extra_args=["--request-timeout", "1"]) as server:
        with connect(server) as connection:
            connection.sendall(sent)
            assert closed_by_server_within(connection, 4)
        with connect(server) as idle_after_a_request:  # the timeout runs again for the next request
            idle_after_a_request.sendall(f"GET {API_BASE}/openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert idle_after_a_request.recv(12).startswith(b"HTTP/1.1 200")
            idle_after_a_request.sendall(b"GET / HTTP/1.1\r\n")
            assert closed_by_server_within(idle_after_a_request, 4)


def test_one_address_holds_at_most_its_share_of_connections() -> None:
    with running_emulator(extra_args=["--max-connections-per-address", "5"]) as server:
        held = [connect(server) for _ in range(5)]
        try:
            with connect(server) as one_too_many:
                assert closed_by_server_within(one_too_many, 2)
            for connection in held:  # the five still work
                connection.sendall(f"GET {API_BASE}/openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                assert connection.recv(12).startswith(b"HTTP/1.1 200")
        finally:
            for connection in held:
                connection.close()
        time.sleep(0.2)
        with connect(server) as again:  # closed ones free their place
            again.sendall(f"GET {API_BASE}/openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert again.recv(12).startswith(b"HTTP/1.1 200")


def test_the_connection_bounds_and_their_defaults_are_in_the_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pbx_emulator", "serve", "--help"], capture_output=True, text=True, timeout=30
    )
    help_text = " ".join(result.stdout.split())
    assert "--request-timeout" in help_text and "--max-connections-per-address" in help_text
    assert "(default 10)" in help_text and "(default 100)" in help_text

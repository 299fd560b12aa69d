"""Careless and hostile clients over real sockets: they may cost the emulator nothing it cannot bound, and
nothing they do is logged as the emulator's fault."""

from __future__ import annotations

import socket
import time

from pbx_emulator.testing import RunningEmulator, running_emulator
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

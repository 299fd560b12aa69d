"""Small servers that misbehave as real ones do (web pages, hangs, resets, 404, 429, 5xx), started by the test
that needs them on a free loopback port and stopped by it. Raw sockets, so a reset is a real TCP reset and a
hang is a connection accepted and never answered."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pbx_kit import contract

HANG = "hang"
RESET = "reset"
LOGIN_PAGE = b"<!doctype html><html><head><title>Sign in</title></head><body><form>Log in</form></body></html>"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    target: str = ""  # the path with its query, as sent

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def reply(status: int, body: bytes | Any = b"", content_type: str = "application/json", **headers: str) -> bytes:
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    lines = [f"HTTP/1.1 {status} Stub", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def token_reply() -> bytes:
    return reply(200, {"access_token": "stub-token", "token_type": "Bearer", "expires_in": 3600, "scope": "all"})


Respond = Callable[[Request], bytes | str]


@dataclass
class StubServer:
    respond: Respond
    requests: list[Request] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + contract.api_base_path()

    @property
    def token_url(self) -> str:
        return contract.token_url(self.api_url)

    def methods(self) -> list[str]:
        return [request.method for request in self.requests]

    def serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        try:
            request = _read(connection)
            if request is None:
                return
            self.requests.append(request)
            answer = self.respond(request)
            if answer == HANG:
                self._stop.wait(30)  # bounded: the test stops the server, or 30 s pass
            elif answer == RESET:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                assert isinstance(answer, bytes)
                connection.sendall(answer)
        except OSError:
            pass
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._socket.close()
        for thread in self._threads:
            thread.join(timeout=2)


def _read(connection: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
        if data.startswith(b"\x16"):  # a TLS handshake to a plain-HTTP server: answer as nginx does
            connection.sendall(reply(400, b"The plain HTTP request was sent to HTTPS port", "text/plain"))
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return Request(method, target.split("?")[0], headers, body, target)


@contextmanager
def stub_server(respond: Respond) -> Iterator[StubServer]:
    server = StubServer(respond)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=2)

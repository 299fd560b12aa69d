"""What the SDK's tests share: demo credentials (from the default seed, through pbx_kit.contract) and transports
that count what goes through them."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx

import pbx_api
from pbx_emulator.testing import demo_applications, demo_identities
from pbx_kit.contract import api_base_path, token_path
from pbx_kit.seed import DemoApplication


def credentials(application: DemoApplication) -> dict[str, str]:
    return {"app_id": application.app_id, "app_secret": application.app_secret}


DEMO = credentials(demo_identities().main)
READ_ONLY = credentials(demo_identities().readonly)
BLOCKED = credentials(next(application for application in demo_applications() if application.blocked))
DEMO_CLIENT_ID = demo_identities().main.client_id
TOKEN_PATH = token_path()
API_PATH = api_base_path()
FAST_RETRY = pbx_api.Retry(backoff=0.001, max_backoff=0.002)


class CountingTransport(httpx.BaseTransport):
    """Passes requests on, keeping the path of each one."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.paths: list[str] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.paths.append(request.url.path)
        return self.inner.handle_request(request)

    @property
    def token_requests(self) -> int:
        return self.paths.count(TOKEN_PATH)


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    @property
    def token_requests(self) -> int:
        return self.paths.count(TOKEN_PATH)


@contextlib.contextmanager
def silent_server(lifetime: float = 30.0) -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers (as a stuck upstream does); its base URL.

    It holds what it accepted until the test ends, or `lifetime` seconds at most, then closes everything."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        deadline = time.monotonic() + lifetime
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}{API_PATH}"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()


@contextlib.contextmanager
def scripted_server(*answers: tuple[float, bytes], lifetime: float = 30.0) -> Iterator[str]:
    """A server on 127.0.0.1 that answers its requests in turn, each after a delay, with raw HTTP bytes; once the
    script runs out it reads on and never answers. Its base URL; everything is closed when the test ends."""
    script = list(answers)
    lock = threading.Lock()
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    threads: list[threading.Thread] = []
    connections: list[socket.socket] = []

    def serve(connection: socket.socket) -> None:
        connection.settimeout(0.05)
        buffer = b""
        while not stop.is_set():
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                head, rest = buffer.split(b"\r\n\r\n", 1)
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                if len(rest) < length:
                    break
                buffer = rest[length:]
                with lock:
                    step = script.pop(0) if script else None
                if step is None:
                    continue  # hang: keep reading, never answer
                delay, answer = step
                if stop.wait(delay):
                    return
                connection.sendall(answer)

    def accept() -> None:
        deadline = time.monotonic() + lifetime
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            thread = threading.Thread(target=serve, args=(connection,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}{API_PATH}"
    finally:
        stop.set()
        acceptor.join(5)
        for thread in threads:
            thread.join(5)
        for connection in connections:
            connection.close()
        listener.close()


def raw_answer(status: int, body: bytes = b"", content_type: str = "application/json") -> bytes:
    """An HTTP/1.1 answer as bytes, keeping the connection open."""
    head = f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body

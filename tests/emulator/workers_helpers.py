"""Helpers of the shared-store tests: connections pinned to each worker of an emulator run with `--workers N`.

uvicorn's workers share one listening socket and the kernel gives each new connection to one of them; a kept-alive
connection stays with its worker. So a test holds connections until it has some on every worker, and can ask
(`RunningEmulator.answered_by`) which worker served any response.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import httpx

from pbx_emulator.testing import RunningEmulator
from tests.emulator.emulator_helpers import API_BASE

WORKERS = 2
PIN_TIMEOUT = 30.0


def pinned(server: RunningEmulator, token: str | None = None) -> httpx.Client:
    """A client of one connection (kept alive), with the token if given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=server.api_url,
        headers=headers,
        timeout=30.0,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=60),
    )


@contextlib.contextmanager
def on_every_worker(
    server: RunningEmulator, token: str | None = None, per_worker: int = 1, workers: int = WORKERS
) -> Iterator[dict[int, list[httpx.Client]]]:
    """`per_worker` pinned clients on each of the `workers` workers, by worker process id; closed at the end."""
    by_worker: dict[int, list[httpx.Client]] = {}
    spare: list[httpx.Client] = []
    deadline = time.monotonic() + PIN_TIMEOUT
    try:
        while len(by_worker) < workers or any(len(held) < per_worker for held in by_worker.values()):
            assert time.monotonic() < deadline, f"connections reached only {sorted(by_worker)}"
            client = pinned(server, token)
            # A path that names nothing: answered by routing, without the store.
            worker = server.answered_by(client.get(f"{server.url}{API_BASE}/no-such-path"))
            held = by_worker.setdefault(worker, [])
            (held if len(held) < per_worker else spare).append(client)
            if len(spare) > 8:  # the kernel favours one worker for now: let it see some connections go
                spare.pop(0).close()
        yield by_worker
    finally:
        for client in spare + [c for held in by_worker.values() for c in held]:
            client.close()

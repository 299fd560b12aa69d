"""Bounds on connections, at uvicorn's protocol level, below the ASGI app.

uvicorn closes an idle kept-alive connection (`timeout_keep_alive`) but sets no limit on how long a request may
take to arrive: a connection that never finishes its headers (or its body) stays open for ever, and one address
may open as many as it likes. `guarded_protocol` returns uvicorn's httptools protocol with both bounds:

- a request, headers and body, must arrive within `request_timeout` seconds of the connection opening or of
  its first byte on a kept-alive connection; otherwise the connection is closed (by a sweep that runs every
  quarter of the timeout, at most every second, so within `request_timeout` plus that interval);
- one address holds at most `max_per_address` open connections; one more is closed at once.

A request in flight costs one clock read and two attribute writes: one sweep timer per server, rather than a
timer per request (a timer armed and cancelled per request cost about 5% of the GET throughput under wrk).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def guarded_protocol(request_timeout: float, max_per_address: int) -> type[HttpToolsProtocol]:
    """uvicorn's HTTP protocol (`uvicorn.Config(http=...)`) with these bounds; counts are per server."""
    open_connections: Counter[str] = Counter()
    guarded: set[GuardedProtocol] = set()  # every open connection, for the sweep
    sweep_interval = min(1.0, request_timeout / 4)
    sweeping: list[asyncio.TimerHandle] = []  # the server's one sweep timer, while any connection is open

    def sweep(loop: asyncio.AbstractEventLoop) -> None:
        sweeping.clear()
        now = loop.time()
        for connection in [c for c in guarded if c.deadline is not None and c.deadline <= now]:
            connection.too_slow()
        if guarded:
            sweeping.append(loop.call_later(sweep_interval, sweep, loop))

    class GuardedProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._address = ""
            self.deadline: float | None = None  # when the awaited request must have arrived; None: none awaited

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else ""
            open_connections[self._address] += 1
            if open_connections[self._address] > max_per_address:
                transport.close()
                return
            guarded.add(self)
            self._await_request()
            if not sweeping:
                sweeping.append(self.loop.call_later(sweep_interval, sweep, self.loop))

        def connection_lost(self, exc: Exception | None) -> None:
            open_connections[self._address] -= 1
            if open_connections[self._address] <= 0:
                del open_connections[self._address]
            guarded.discard(self)
            self.deadline = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.deadline is None and (self.cycle is None or self.cycle.response_complete):
                self._await_request()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self.deadline is None:
                self._await_request()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self.deadline = None  # arrived

        def _await_request(self) -> None:
            self.deadline = self.loop.time() + request_timeout

        def too_slow(self) -> None:
            # No answer is owed to a request that never arrived: the connection is closed, as an idle one is.
            self.deadline = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedProtocol

"""Bounds on connections, at uvicorn's protocol level, below the ASGI app.

uvicorn closes an idle kept-alive connection (`timeout_keep_alive`) but sets no limit on how long a request may
take to arrive: a connection that never finishes its headers (or its body) stays open for ever, and one address
may open as many as it likes. `guarded_protocol` returns uvicorn's httptools protocol with both bounds:

- a request, headers and body, must arrive within `request_timeout` seconds of the connection opening or of
  its first byte on a kept-alive connection; otherwise the connection is closed;
- one address holds at most `max_per_address` open connections; one more is closed at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def guarded_protocol(request_timeout: float, max_per_address: int) -> type[HttpToolsProtocol]:
    """uvicorn's HTTP protocol (`uvicorn.Config(http=...)`) with these bounds; counts are per server."""
    open_connections: Counter[str] = Counter()

    class GuardedProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._address = ""
            self._arrival: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else ""
            open_connections[self._address] += 1
            if open_connections[self._address] > max_per_address:
                transport.close()
                return
            self._await_request()

        def connection_lost(self, exc: Exception | None) -> None:
            open_connections[self._address] -= 1
            if open_connections[self._address] <= 0:
                del open_connections[self._address]
            self._request_arrived()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self._await_request()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._await_request()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._request_arrived()

        def _await_request(self) -> None:
            if self._arrival is None:
                self._arrival = self.loop.call_later(request_timeout, self._too_slow)

        def _request_arrived(self) -> None:
            if self._arrival is not None:
                self._arrival.cancel()
                self._arrival = None

        def _too_slow(self) -> None:
            # No answer is owed to a request that never arrived: the connection is closed, as an idle one is.
            self._arrival = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedProtocol

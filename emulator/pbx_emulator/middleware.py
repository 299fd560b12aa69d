"""The emulator's middlewares, outermost first: the access log, the `--latency` delay, the rate-limit headers, the
`wrong-content-type` fault's relabelling, and the last-resort catch-all that turns a bug into a 500.

Each wraps the ASGI `send` to see or change the response's start; none reads a body.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pbx_emulator.errors import JSON, internal_error
from pbx_emulator.rate_limit import RateLimiter

access_log = logging.getLogger("pbx_emulator.access")
log = logging.getLogger("pbx_emulator")

TEXT = b"text/plain; charset=utf-8"


class AccessLogMiddleware:
    """One line per request: method, path (no query string: it may hold credentials), status, time.

    A request answered with nothing because its client hung up first is logged as `disconnected`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            outcome = status or "disconnected"
            access_log.info("%s %s %s %.1fms", scope["method"], scope["path"], outcome, elapsed)


class LatencyMiddleware:
    """`--latency MS`: every request waits this long before it is handled, as it would on a remote server; the
    wait is asynchronous, so concurrent requests wait side by side, not one after another."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


class RateLimitHeadersMiddleware:
    """Adds X-RateLimit-* to every response: the calling client's quota, or the full one if unattributed."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota = state.get("quota") or self.limiter.unattributed()
                message["headers"] = [*message.get("headers", []), *quota.headers()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class WrongContentTypeMiddleware:
    """The `wrong-content-type` fault: JSON answers are labelled text/plain."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def relabel(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, TEXT if name.lower() == b"content-type" and value.startswith(JSON.encode()) else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, relabel)


class CatchAllMiddleware:
    """The last resort: a bug becomes an honest 500 with the contract's `Error` body, never a traceback.

    It stays a 500 on purpose: disguising a bug as a 4xx would hide it from the conformance suite, whose
    not-a-server-error check exists to catch exactly this. The traceback goes to the log only.
    A client that hangs up while its body is read is its own doing, not a bug: nothing is answered (there is
    no one to answer) and nothing is logged here; the access log says `disconnected`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            return
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await internal_error()(scope, receive, send)

# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/pbx_generator/runtime/_retry.py, not the copy in generated/pbx_api.
"""Retries and the per-call deadline: the policy (`Retry`) and the httpx transports that apply it.

The transports sit below httpx's auth and redirect handling, so the token request, a resent request after a 401
and a followed redirect each go through them. What a call may do travels with each of its requests as the request
extension CALL (`Call`: the policy and the deadline), so one connection pool serves calls with different policies.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from pbx_api import errors

log = logging.getLogger("pbx_api")

CALL = "pbx_api.call"
"""Request extension: the `Call` a request belongs to (its retry policy and deadline)."""

IDEMPOTENT = "pbx_api.idempotent"
"""Request extension marking a request Retry may repeat whatever its method (the token request)."""

TOKEN_ORIGIN = "pbx_api.token_origin"
"""Request extension of the token request: the origin its credentials may be sent to (never another host)."""

CONNECT_TIMEOUT = 5.0
"""At most this many seconds to open a connection, so an unreachable server leaves time for another try."""


@dataclass(frozen=True)
class Retry:
    """When to try a request again, and how long to wait first.

    Retried: connection failures, and the `statuses` (408, 429, 500, 502, 503, 504), for reads (`methods`: GET,
    HEAD, OPTIONS) and the token request. A PUT is retried only when it provably never reached the server: the
    connection could not be opened. Other 4xx are never retried.

    Waits: exponential backoff with full jitter (a random wait up to `backoff * 2**n` seconds, at most
    `max_backoff`), or what a 429 asks for: the seconds of `X-RateLimit-Reset` (else `Retry-After`), when that is at
    most `max_rate_limit_wait`; a longer wait raises `errors.RateLimited` at once, with `retry_after` set. No wait
    goes past the call's deadline (its `timeout`): the call ends when the deadline does, retries included.

    `Retry(max_retries=0)` turns retries off.
    """

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
    max_rate_limit_wait: float = 30.0
    methods: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS"})

    def applies_to(self, request: httpx.Request) -> bool:
        """Whether a request may be repeated at all once it may have reached the server."""
        return request.method in self.methods or request.extensions.get(IDEMPOTENT) is True

    def after_error(self, request: httpx.Request, error: Exception, retries: int) -> float | None:
        """Seconds to wait before trying again after a transport error, or None to give up."""
        if retries >= self.max_retries or not isinstance(error, _RETRYABLE_ERRORS):
            return None
        if not (self.applies_to(request) or isinstance(error, _NEVER_SENT_ERRORS)):
            return None
        return self.backoff_wait(retries)

    def after_response(self, request: httpx.Request, response: httpx.Response, retries: int) -> float | None:
        """Seconds to wait before trying again after an answer, or None to hand the answer back."""
        if response.status_code not in self.statuses or retries >= self.max_retries or not self.applies_to(request):
            return None
        asked = requested_wait(response.headers)
        if response.status_code == 429 and asked is not None:
            return asked if asked <= self.max_rate_limit_wait else None
        return max(self.backoff_wait(retries), asked or 0.0)

    def backoff_wait(self, retries: int) -> float:
        return random.uniform(0.0, min(self.max_backoff, self.backoff * 2**retries))


_RETRYABLE_ERRORS = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)
# The request cannot have reached the server: no connection was made (refused, unknown host, connect timeout).
_NEVER_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def requested_wait(headers: httpx.Headers) -> float | None:
    """Seconds the server asks to wait: `X-RateLimit-Reset` (seconds), else `Retry-After` (seconds or a date)."""
    for name in ("X-RateLimit-Reset", "Retry-After"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            continue
    return None


class Call:
    """What one call may do: its retry policy and its deadline (time.monotonic() seconds).

    Made for every call, so a plain class with slots (a frozen dataclass costs a few µs more per call)."""

    __slots__ = ("deadline", "retry", "timeout")

    def __init__(self, retry: Retry, deadline: float, timeout: float) -> None:
        self.retry = retry
        self.deadline = deadline
        self.timeout = timeout

    @classmethod
    def starting_now(cls, retry: Retry, timeout: float) -> Call:
        return cls(retry, time.monotonic() + timeout, timeout)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeouts(self, remaining: float) -> dict[str, float]:
        """httpx's per-phase timeouts for one try: what is left of the deadline (connect: CONNECT_TIMEOUT at most)."""
        return {"connect": min(CONNECT_TIMEOUT, remaining), "read": remaining, "write": remaining, "pool": remaining}

    def expired(self, request: httpx.Request) -> httpx.TimeoutException:
        return httpx.TimeoutException(f"the call's timeout of {self.timeout:g} s ran out", request=request)


def _prepare(request: httpx.Request, call: Call) -> None:
    """Check the token request's origin and set this try's timeouts from what is left of the deadline."""
    origin = request.extensions.get(TOKEN_ORIGIN)
    if origin is not None and origin != origin_of(request.url):
        # A redirect would carry the App Secret (form body) to another host: refuse, whatever follow_redirects says.
        raise errors.TransportError(
            f"POST {origin}: the token endpoint redirected to {origin_of(request.url)}; the credentials were not sent"
        )
    remaining = call.remaining()
    if remaining <= 0:
        raise call.expired(request)
    request.extensions["timeout"] = call.timeouts(remaining)


def origin_of(url: httpx.URL) -> str:
    """`scheme://host[:port]` of a URL."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _log_answer(request: httpx.Request, outcome: httpx.Response | Exception, tries: int) -> None:
    if log.isEnabledFor(logging.DEBUG):
        what = outcome.status_code if isinstance(outcome, httpx.Response) else type(outcome).__name__
        log.debug("%s %s -> %s (try %d)", request.method, request.url, what, tries)


def _log_retry(request: httpx.Request, outcome: httpx.Response | Exception, delay: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        what = outcome.status_code if isinstance(outcome, httpx.Response) else type(outcome).__name__
        log.debug("retrying %s %s in %.2f s after %s", request.method, request.url, delay, what)


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport: retries what the request's `Call` allows, within its deadline, and logs each try."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self._transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call: Call | None = request.extensions.get(CALL)
        if call is None:  # a request sent straight through the httpx client: no policy, no deadline of ours
            return self._transport.handle_request(request)
        retries = 0
        while True:
            _prepare(request, call)
            try:
                response = self._transport.handle_request(request)
            except Exception as error:
                _log_answer(request, error, retries + 1)
                delay = call.retry.after_error(request, error, retries)
                if delay is None or delay >= call.remaining():
                    raise
                _log_retry(request, error, delay)
            else:
                _log_answer(request, response, retries + 1)
                delay = call.retry.after_response(request, response, retries)
                if delay is None or delay >= call.remaining():
                    return response
                _log_retry(request, response, delay)
                response.close()
            retries += 1
            time.sleep(delay)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport: retries what the request's `Call` allows, within its deadline, and logs each try."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call: Call | None = request.extensions.get(CALL)
        if call is None:
            return await self._transport.handle_async_request(request)
        retries = 0
        while True:
            _prepare(request, call)
            try:
                response = await self._transport.handle_async_request(request)
            except Exception as error:
                _log_answer(request, error, retries + 1)
                delay = call.retry.after_error(request, error, retries)
                if delay is None or delay >= call.remaining():
                    raise
                _log_retry(request, error, delay)
            else:
                _log_answer(request, response, retries + 1)
                delay = call.retry.after_response(request, response, retries)
                if delay is None or delay >= call.remaining():
                    return response
                _log_retry(request, response, delay)
                await response.aclose()
            retries += 1
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self._transport.aclose()

# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/runtime/_retry.py, not the copy in generated/pbx_api.
"""Retries: the policy (`Retry`) and the httpx transports that apply it below auth and redirects."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

import httpx

IDEMPOTENT = "pbx_api.idempotent"
"""Request extension marking a request Retry may repeat whatever its method (the token request)."""


@dataclass(frozen=True)
class Retry:
    """When to try a request again: connection failures and 502/503/504, for idempotent requests only.

    Idempotent: the `methods` (GET, HEAD, OPTIONS), and the token request, which changes nothing on the server
    (it is marked with the request extension IDEMPOTENT).

    Waits grow exponentially with full jitter (a random wait up to `backoff * 2**n`, at most `max_backoff`), and
    stop after `attempts` tries in all or once the next try would start more than `total` seconds after the first.
    A 4xx is never retried. `Retry(attempts=1)` turns retries off.
    """

    attempts: int = 3
    backoff: float = 0.25
    max_backoff: float = 4.0
    total: float = 15.0
    statuses: frozenset[int] = frozenset({502, 503, 504})
    methods: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS"})

    def wait(self, request: httpx.Request, tries: int, started: float) -> float | None:
        """Seconds to wait before the next try, or None when there is no next try."""
        if not self.applies_to(request) or tries >= self.attempts:
            return None
        delay = random.uniform(0.0, min(self.max_backoff, self.backoff * 2 ** (tries - 1)))
        if time.monotonic() - started + delay > self.total:
            return None
        return delay

    def applies_to(self, request: httpx.Request) -> bool:
        return request.method in self.methods or request.extensions.get(IDEMPOTENT) is True


_RETRYABLE_ERRORS = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries what `Retry` allows."""

    def __init__(self, transport: httpx.BaseTransport, retry: Retry) -> None:
        self._transport = transport
        self._retry = retry

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._retry.applies_to(request):
            return self._transport.handle_request(request)
        started, tries = time.monotonic(), 0
        while True:
            tries += 1
            try:
                response = self._transport.handle_request(request)
            except _RETRYABLE_ERRORS:
                delay = self._retry.wait(request, tries, started)
                if delay is None:
                    raise
            else:
                if response.status_code not in self._retry.statuses:
                    return response
                delay = self._retry.wait(request, tries, started)
                if delay is None:
                    return response
                response.close()
            time.sleep(delay)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport and retries what `Retry` allows."""

    def __init__(self, transport: httpx.AsyncBaseTransport, retry: Retry) -> None:
        self._transport = transport
        self._retry = retry

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._retry.applies_to(request):
            return await self._transport.handle_async_request(request)
        started, tries = time.monotonic(), 0
        while True:
            tries += 1
            try:
                response = await self._transport.handle_async_request(request)
            except _RETRYABLE_ERRORS:
                delay = self._retry.wait(request, tries, started)
                if delay is None:
                    raise
            else:
                if response.status_code not in self._retry.statuses:
                    return response
                delay = self._retry.wait(request, tries, started)
                if delay is None:
                    return response
                await response.aclose()
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self._transport.aclose()

"""What the SDK's tests share: demo credentials and transports that count what goes through them."""

from __future__ import annotations

import threading

import httpx

import pbx_api

DEMO = {"app_id": "demo-app", "app_secret": "demo-secret"}
READ_ONLY = {"app_id": "demo-readonly", "app_secret": "demo-readonly-secret"}
BLOCKED = {"app_id": "blocked-app", "app_secret": "blocked-secret"}
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
        return self.paths.count("/oauth/token")


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    @property
    def token_requests(self) -> int:
        return self.paths.count("/oauth/token")

"""What the SDK's tests share: demo credentials (from the default seed, through pbx_kit.contract) and transports
that count what goes through them."""

from __future__ import annotations

import threading

import httpx

import pbx_api
from pbx_kit.contract import DemoApplication, api_base_path, demo_applications, demo_identities, token_path


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

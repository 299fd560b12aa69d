"""The last-resort error rendering: a bug answers 500 in the contract's `Error` shape, never a traceback."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route

from pbx_emulator.middleware import CatchAllMiddleware, RateLimitHeadersMiddleware
from pbx_emulator.rate_limit import RateLimiter
from pbx_kit.contract import validator


async def broken(request: Request) -> None:
    raise ZeroDivisionError("secret-internal-detail")


def test_a_bug_is_an_honest_500_with_the_error_body_and_the_rate_limit_headers() -> None:
    app = Starlette(
        routes=[Route("/broken", broken)],
        middleware=[Middleware(RateLimitHeadersMiddleware, limiter=RateLimiter(10)), Middleware(CatchAllMiddleware)],
    )

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.get("/broken")

    response = asyncio.run(call())
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert validator("Error").is_valid(response.json())
    assert "secret-internal-detail" not in response.text and "Traceback" not in response.text
    assert response.headers["x-ratelimit-limit"] == "10"

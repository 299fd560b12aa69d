"""Rate-limit headers on every answer, counted per client per hour; 429 past the limit."""

from __future__ import annotations

import httpx
import pytest

from pbx_emulator.testing import RunningEmulator, running_emulator
from pbx_kit.contract import validator
from tests.emulator.emulator_helpers import OTHER, READONLY, api, bearer

HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def quota(response: httpx.Response) -> tuple[int, int, int]:
    limit, remaining, reset = (int(response.headers[h]) for h in HEADERS)
    assert 0 <= remaining <= limit and 0 <= reset <= 3600
    return limit, remaining, reset


def test_every_kind_of_answer_carries_the_headers(shared_emulator: RunningEmulator) -> None:
    token = shared_emulator.token()
    with api(shared_emulator, token) as http:
        answers = [
            http.get("/client/@me/client/"),
            http.put("/client/@me/client/", json={"nope": 1}),
            http.put("/client/@me/client/", content=b"x", headers={"Content-Type": "text/plain"}),
            http.get("/client/1002/client/"),
            http.get("/client/999999/client/"),
            http.delete("/client/@me/client/"),
            http.get("/no/such/path"),
            http.get("/openapi.yaml"),
        ]
    answers.append(httpx.get(shared_emulator.api_url + "/client/@me/client/"))
    answers.append(httpx.post(shared_emulator.token_url, data={"grant_type": "client_credentials"}))
    for response in answers:
        assert all(h in response.headers for h in HEADERS), (response.request.url, response.status_code)
        quota(response)


def test_calls_are_counted_per_client() -> None:
    with running_emulator(rate_limit=100) as server:
        acme, birch = server.token(), server.token(OTHER.app_id)
        with api(server) as http:
            first = http.get("/client/@me/client/", headers=bearer(acme))
            second = http.get("/client/@me/client/", headers=bearer(acme))
            other = http.get("/client/@me/client/", headers=bearer(birch))
            readonly = http.get("/client/@me/client/", headers=bearer(server.token(READONLY.app_id)))
    assert quota(first)[:2] == (100, 99)
    assert quota(second)[:2] == (100, 98)
    assert quota(other)[:2] == (100, 99)
    assert quota(readonly)[:2] == (100, 97)  # the same client as the main application: one count per client


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_past_the_limit_every_call_is_429(method: str) -> None:
    with running_emulator(rate_limit=3) as server, api(server, server.token()) as http:
        statuses = [http.request(method, "/client/@me/client/", json={"name": "N"}).status_code for _ in range(3)]
        limited = http.request(method, "/client/@me/client/", json={"name": "N"})
        other = http.get("/client/@me/client/", headers=bearer(server.token(OTHER.app_id)))
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert validator("RateLimitError").is_valid(limited.json())
    assert limited.json()["status"] == "rate_limit_exceeded"
    assert quota(limited)[:2] == (3, 0)
    assert other.status_code == 200

"""Failed token requests are limited per App ID and per address: past the limit, 429 until the window ends."""

from __future__ import annotations

import httpx
import pytest

from pbx_emulator.auth import TokenIssuer
from pbx_emulator.defaults import TOKEN_FAILURE_LIMIT
from pbx_emulator.errors import TokenError
from pbx_emulator.rate_limit import FailedTokenRequests
from pbx_emulator.testing import running_emulator
from pbx_kit.contract import validator
from pbx_kit.seed import Application
from tests.emulator.emulator_helpers import MAIN, OTHER

FORM = "application/x-www-form-urlencoded"
APPS = {name: Application(name, f"{name}-secret", number, "All") for number, name in enumerate(["x-app", "y-app"])}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def request(issuer: TokenIssuer, app_id: str, secret: str, address: str) -> int:
    body = f"grant_type=client_credentials&client_id={app_id}&client_secret={secret}".encode()
    try:
        issuer.issue(FORM, body, None, address=address)
    except TokenError as error:
        return error.status_code
    return 200


def test_an_app_id_past_the_limit_is_refused_from_every_address_until_the_window_ends() -> None:
    clock = Clock()
    issuer = TokenIssuer(APPS.get, failures=FailedTokenRequests(3, window=60, clock=clock))
    statuses = [request(issuer, "x-app", "wrong", f"10.0.0.{n}") for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert request(issuer, "x-app", "x-app-secret", "10.0.0.99") == 429  # locked, even with the right secret
    assert request(issuer, "y-app", "y-app-secret", "10.0.0.99") == 200  # other App IDs are not
    clock.now += 60
    assert request(issuer, "x-app", "x-app-secret", "10.0.0.99") == 200


def test_an_address_past_the_limit_is_refused_for_every_app_id() -> None:
    issuer = TokenIssuer(APPS.get, failures=FailedTokenRequests(3, clock=Clock()))
    statuses = [request(issuer, f"nobody-{n}", "wrong", "10.0.0.1") for n in range(3)]
    statuses.append(request(issuer, "y-app", "y-app-secret", "10.0.0.1"))
    assert statuses == [401, 401, 401, 429]
    assert request(issuer, "y-app", "y-app-secret", "10.0.0.2") == 200
    # Malformed requests that name no App ID count for the address too.
    other = TokenIssuer(APPS.get, failures=FailedTokenRequests(2, clock=Clock()))
    assert [request(other, "", "", "10.0.0.3") for _ in range(3)] == [401, 401, 429]


def test_successful_token_requests_are_not_counted() -> None:
    issuer = TokenIssuer(APPS.get, failures=FailedTokenRequests(2, clock=Clock()))
    assert {request(issuer, "x-app", "x-app-secret", "10.0.0.1") for _ in range(20)} == {200}


def test_a_flood_of_wrong_secrets_meets_429_at_the_default_limit() -> None:
    with running_emulator() as server, httpx.Client() as http:
        wrong = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": "guess"}
        statuses = [http.post(server.token_url, data=wrong).status_code for _ in range(TOKEN_FAILURE_LIMIT)]
        refused = http.post(server.token_url, data=wrong)
        right = {"grant_type": "client_credentials", "client_id": OTHER.app_id, "client_secret": OTHER.app_secret}
        from_the_same_address = http.post(server.token_url, data=right)
    assert set(statuses) == {401}
    assert refused.status_code == 429
    assert validator("TokenError").is_valid(refused.json())
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert from_the_same_address.status_code == 429


@pytest.mark.parametrize("limit", [2])
def test_the_limit_is_an_option(limit: int) -> None:
    with running_emulator(extra_args=["--token-failure-limit", str(limit)]) as server:
        wrong = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": "guess"}
        statuses = [httpx.post(server.token_url, data=wrong).status_code for _ in range(limit + 1)]
    assert statuses == [401] * limit + [429]

"""The token endpoint: RFC 6749's client-credentials grant, form and HTTP Basic client authentication."""

from __future__ import annotations

import base64

import httpx
import pytest

from pbx_emulator.testing import RunningEmulator
from pbx_kit.contract import validator
from tests.emulator.emulator_helpers import BLOCKED, MAIN

GRANT = {"grant_type": "client_credentials"}
DEMO = {"client_id": MAIN.app_id, "client_secret": MAIN.app_secret}


def basic(app_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()}


def assert_token_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status
    assert validator("TokenError").is_valid(response.json())
    assert response.json()["error"] == error
    assert MAIN.app_secret not in response.text


def test_form_credentials_get_a_bearer_token_that_works(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=GRANT | DEMO)
    assert response.status_code == 200
    token = response.json()
    assert validator("Token").is_valid(token)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600 and token["scope"] == "all"
    assert response.headers["cache-control"] == "no-store"
    me = httpx.get(
        shared_emulator.api_url + "/client/@me/client/", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert me.status_code == 200


def test_http_basic_credentials_get_a_token(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=GRANT, headers=basic(MAIN.app_id, MAIN.app_secret))
    assert response.status_code == 200
    assert validator("Token").is_valid(response.json())


def test_tokens_are_random_and_distinct(shared_emulator: RunningEmulator) -> None:
    tokens = {shared_emulator.token() for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(t) >= 32 and "demo" not in t for t in tokens)


def test_the_lifetime_is_configurable() -> None:
    from pbx_emulator.testing import running_emulator

    with running_emulator(token_lifetime=42) as server:
        response = httpx.post(server.token_url, data=GRANT | DEMO)
    assert response.json()["expires_in"] == 42


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": MAIN.app_id, "client_secret": "wrong"},
        {"client_id": "nobody", "client_secret": MAIN.app_secret},
        {},
    ],
    ids=["wrong-secret", "unknown-app", "none"],
)
def test_bad_client_credentials_are_invalid_client_401(
    shared_emulator: RunningEmulator, credentials: dict[str, str]
) -> None:
    assert_token_error(httpx.post(shared_emulator.token_url, data=GRANT | credentials), 401, "invalid_client")


def test_bad_basic_credentials_are_401_with_a_basic_challenge(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=GRANT, headers=basic(MAIN.app_id, "wrong"))
    assert_token_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_a_missing_grant_type_is_invalid_request(shared_emulator: RunningEmulator) -> None:
    assert_token_error(httpx.post(shared_emulator.token_url, data=DEMO), 400, "invalid_request")


def test_another_grant_type_is_unsupported(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=DEMO | {"grant_type": "password"})
    assert_token_error(response, 400, "unsupported_grant_type")


def test_a_json_body_is_invalid_request(shared_emulator: RunningEmulator) -> None:
    assert_token_error(httpx.post(shared_emulator.token_url, json=GRANT | DEMO), 400, "invalid_request")


def test_two_client_authentication_methods_at_once_are_invalid_request(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=GRANT | DEMO, headers=basic(MAIN.app_id, MAIN.app_secret))
    assert_token_error(response, 400, "invalid_request")


def test_an_unknown_scope_is_invalid_scope(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(shared_emulator.token_url, data=GRANT | DEMO | {"scope": "admin"})
    assert_token_error(response, 400, "invalid_scope")
    assert httpx.post(shared_emulator.token_url, data=GRANT | DEMO | {"scope": "all"}).status_code == 200


def test_a_blocked_clients_application_still_gets_a_token(shared_emulator: RunningEmulator) -> None:
    response = httpx.post(
        shared_emulator.token_url, data=GRANT | {"client_id": BLOCKED.app_id, "client_secret": BLOCKED.app_secret}
    )
    assert response.status_code == 200


def test_get_on_the_token_endpoint_is_405(shared_emulator: RunningEmulator) -> None:
    response = httpx.get(shared_emulator.token_url)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"

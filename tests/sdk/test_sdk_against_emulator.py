"""The generated SDK against the emulator over real HTTP on loopback: every operation, @me, both paths, typed errors,
token expiry and refresh, one token request for concurrent first calls."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import pbx_api
from pbx_api import errors
from pbx_api.models import ClientData, ClientUpdate
from pbx_emulator.testing import running_emulator

from .sdk_helpers import (
    API_PATH,
    BLOCKED,
    DEMO,
    DEMO_CLIENT_ID,
    READ_ONLY,
    TOKEN_PATH,
    AsyncCountingTransport,
    CountingTransport,
)

ME_PATH = f"{API_PATH}/client/@me/client/"

GETS = ["get_client", "get_client_info"]
PUTS = ["update_client", "update_client_info"]


@pytest.mark.parametrize("operation", GETS)
@pytest.mark.parametrize("client_id", ["@me", DEMO_CLIENT_ID])
def test_get_returns_the_tokens_client_through_both_paths(connect, operation, client_id) -> None:
    data = getattr(connect(), operation)(client_id)
    assert isinstance(data, ClientData)
    assert (data.id, data.name, data.type_) == (DEMO_CLIENT_ID, "Acme Logistics", "J")


@pytest.mark.parametrize("operation", PUTS)
@pytest.mark.parametrize("client_id", ["@me", DEMO_CLIENT_ID])
def test_put_changes_the_client_and_the_other_path_sees_it(connect, operation, client_id) -> None:
    pbx = connect()
    zone = "Europe/Vilnius" if pbx.get_client("@me").timezone != "Europe/Vilnius" else "Europe/Riga"
    changed = getattr(pbx, operation)(client_id, body=ClientUpdate(timezone=zone, jur_address=None))
    assert (changed.timezone, changed.jur_address) == (zone, None)
    assert pbx.get_client_info(DEMO_CLIENT_ID).timezone == zone
    assert pbx.get_client(DEMO_CLIENT_ID).jur_address is None


def test_async_client_has_the_same_operations(emulator) -> None:
    async def run() -> tuple[ClientData, ClientData]:
        async with pbx_api.AsyncPbxClient.from_credentials(base_url=emulator.api_url, **DEMO) as pbx:
            read = await pbx.get_client_info("@me")
            changed = await pbx.update_client(DEMO_CLIENT_ID, body=ClientUpdate(language="de"))
            return read, changed

    read, changed = asyncio.run(run())
    assert read.id == DEMO_CLIENT_ID and changed.language == "de"


def test_bad_request_names_the_field(connect) -> None:
    with pytest.raises(errors.BadRequest) as raised:
        connect().update_client("@me", body=ClientUpdate(timezone="Mars/Olympus"))
    assert raised.value.status_code == 400 and raised.value.field == "timezone"
    assert raised.value.body.status == "invalid_request"


def test_wrong_secret_is_an_authentication_error_without_the_secret(connect) -> None:
    with pytest.raises(errors.AuthenticationError) as raised:
        connect({"app_id": DEMO["app_id"], "app_secret": "not-the-secret"}).get_client("@me")
    assert raised.value.status == "invalid_client"
    assert "not-the-secret" not in str(raised.value) + repr(raised.value)


@pytest.mark.parametrize(
    ("credentials", "call", "status"),
    [
        (DEMO, lambda pbx: pbx.get_client(1002), "access_denied"),
        (READ_ONLY, lambda pbx: pbx.update_client("@me", body=ClientUpdate(name="x")), "app_access_type_deny"),
        (BLOCKED, lambda pbx: pbx.get_client_info("@me"), "user_blocked"),
    ],
)
def test_permission_denied_carries_its_status(connect, credentials, call, status) -> None:
    with pytest.raises(errors.PermissionDenied) as raised:
        call(connect(credentials))
    assert raised.value.status == status == raised.value.body.status
    assert raised.value.status_code == 403


@pytest.mark.parametrize("client_id", [999999, "abc"])
def test_not_found(connect, client_id) -> None:
    with pytest.raises(errors.NotFound) as raised:
        connect().get_client(client_id)
    assert raised.value.status == "client_not_found"


def test_rate_limit_gives_seconds_until_reset() -> None:
    with (
        running_emulator(rate_limit=2) as server,
        pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO) as pbx,
    ):
        pbx.get_client("@me")
        pbx.get_client("@me")
        with pytest.raises(errors.RateLimited) as raised:
            pbx.get_client("@me")
    assert raised.value.status == "rate_limit_exceeded"
    assert isinstance(raised.value.reset_after, int) and 0 <= raised.value.reset_after <= 3600


def test_an_answer_that_breaks_the_contract_is_an_invalid_response() -> None:
    with (
        running_emulator(faults=["missing-field"]) as server,
        pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO) as pbx,
        pytest.raises(errors.InvalidResponse, match="email"),
    ):
        pbx.get_client("@me")


def test_a_server_that_went_away_is_retried_then_a_transport_error() -> None:
    counting = CountingTransport()
    retry = pbx_api.Retry(max_retries=2, backoff=0.001)
    with running_emulator() as server:
        pbx = pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO, transport=counting, retry=retry)
        pbx.get_client("@me")
    with pytest.raises(errors.TransportError):
        pbx.get_client("@me")  # the token is still valid: only the GET is tried, three times
    assert counting.paths == [TOKEN_PATH] + [ME_PATH] * 4
    with pytest.raises(errors.TransportError):
        pbx.update_client("@me", body=ClientUpdate(name="x"))
    # Connection refused: the PUT provably never reached the server, so it is tried again too.
    assert counting.paths[5:] == [ME_PATH] * 3


def test_a_token_request_that_cannot_connect_is_retried_too() -> None:
    counting = CountingTransport()
    with running_emulator() as server:
        url = server.api_url
    pbx = pbx_api.PbxClient.from_credentials(
        base_url=url, **DEMO, transport=counting, retry=pbx_api.Retry(max_retries=1, backoff=0.001)
    )
    with pytest.raises(errors.TransportError):
        pbx.get_client("@me")
    assert counting.paths == [TOKEN_PATH, TOKEN_PATH]


def test_token_is_reused_then_fetched_again_after_expiry() -> None:
    counting = CountingTransport()
    with running_emulator(token_lifetime=2) as server:
        pbx = pbx_api.PbxClient.from_credentials(base_url=server.api_url, **DEMO, transport=counting)
        pbx.get_client("@me")
        pbx.get_client_info("@me")
        assert counting.token_requests == 1
        time.sleep(2.0)  # past the token's renewal point (lifetime minus a tenth)
        pbx.get_client("@me")
        assert counting.token_requests == 2
        assert counting.paths.count(ME_PATH) == 2  # no call was answered 401 and resent
        pbx.close()


def test_a_401_fetches_a_new_token_once_and_resends(connect) -> None:
    counting = CountingTransport()
    pbx = connect(transport=counting)
    pbx.get_client("@me")
    pbx.client.auth._token = ("revoked-token", time.monotonic() + 60)  # as if the provider forgot the token
    assert pbx.get_client("@me").id == DEMO_CLIENT_ID
    assert counting.token_requests == 2
    assert counting.paths.count(ME_PATH) == 3


def test_concurrent_first_calls_from_threads_share_one_token_request(connect) -> None:
    counting = CountingTransport()
    pbx = connect(transport=counting)
    start = threading.Barrier(8)

    def call(_: int) -> int:
        start.wait()
        return pbx.get_client("@me").id

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(call, range(8))) == [DEMO_CLIENT_ID] * 8
    assert counting.token_requests == 1


def test_concurrent_first_calls_from_tasks_share_one_token_request(emulator) -> None:
    counting = AsyncCountingTransport()

    async def run() -> list[int]:
        async with pbx_api.AsyncPbxClient.from_credentials(
            base_url=emulator.api_url, **DEMO, async_transport=counting
        ) as pbx:
            return [data.id for data in await asyncio.gather(*(pbx.get_client("@me") for _ in range(8)))]

    assert asyncio.run(run()) == [DEMO_CLIENT_ID] * 8
    assert counting.token_requests == 1


def test_detailed_functions_give_status_and_headers(connect) -> None:
    from pbx_api.api.client import get_client

    response = get_client.sync_detailed("@me", client=connect().client)
    assert response.status_code == 200 and response.parsed is not None and response.parsed.id == DEMO_CLIENT_ID
    assert "X-RateLimit-Remaining" in response.headers

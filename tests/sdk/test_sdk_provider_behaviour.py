"""The SDK as the real provider needs it and as users of the best SDKs expect it, against the emulator
and against small servers that misbehave as real ones do: the documented login, tolerant reading, retries within
one deadline, configuration from the environment, keyword updates, raw responses, logging, help(), event loops."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import pydoc
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

import pbx_api
from pbx_api import errors
from pbx_api.models import ClientUpdate
from pbx_emulator.testing import RunningEmulator
from pbx_kit.contract import load_document

from .sdk_helpers import DEMO, DEMO_CLIENT_ID, TOKEN_PATH, CountingTransport, raw_answer, scripted_server, silent_server

CLIENT = dict(load_document()["components"]["examples"]["Client"]["value"])
HOST = "pbx.example.com"
FAST = pbx_api.Retry(backoff=0.001, max_backoff=0.002)


def token_answer(request: httpx.Request) -> httpx.Response:
    body = {"access_token": "token-abcdef-123456", "token_type": "Bearer", "expires_in": 3600, "scope": "all"}
    return httpx.Response(200, json=body)


def provider(*answers: httpx.Response, seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """The provider's host: tokens, then the scripted answers to API calls, then the example client."""
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if request.url.path == TOKEN_PATH:
            return token_answer(request)
        return queue.pop(0) if queue else httpx.Response(200, json=CLIENT)

    return httpx.MockTransport(handle)


def connect(transport: httpx.BaseTransport, **options: Any) -> pbx_api.PbxClient:
    options.setdefault("retry", FAST)
    return pbx_api.PbxClient.from_credentials(hostname=HOST, **DEMO, transport=transport, **options)


# 1. The documented login


@pytest.mark.parametrize("send_credentials", ["form", "basic"])
def test_the_emulator_issues_a_token_for_form_and_for_http_basic(emulator: RunningEmulator, send_credentials) -> None:
    counting = CountingTransport()
    with pbx_api.PbxClient.from_credentials(
        base_url=emulator.api_url, **DEMO, transport=counting, send_credentials=send_credentials
    ) as pbx:
        assert pbx.get_client().id == DEMO_CLIENT_ID
    assert counting.token_requests == 1


def test_form_is_the_default_and_carries_the_documented_fields() -> None:
    seen: list[httpx.Request] = []
    connect(provider(seen=seen)).get_client()
    form = parse_qs(seen[0].content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [DEMO["app_id"]],
        "client_secret": [DEMO["app_secret"]],
    }
    assert seen[0].headers["Content-Type"] == "application/x-www-form-urlencoded"


# 2. Tolerant reading, loud failures


def test_unknown_fields_and_enum_values_are_kept() -> None:
    grown = {**CLIENT, "type": "X", "extension_len": "5", "billing_plan": {"name": "gold"}}
    data = connect(provider(httpx.Response(200, json=grown))).get_client()
    assert data.additional_properties == {"billing_plan": {"name": "gold"}}
    assert data["billing_plan"] == {"name": "gold"}
    assert (data.type_, data.extension_len) == ("X", "5")


@pytest.mark.parametrize(
    ("answer", "field", "found"),
    [
        (httpx.Response(200, json={**CLIENT, "id": str(CLIENT["id"])}), "id", "str"),
        (httpx.Response(200, json={**CLIENT, "hold_music": "loud"}), "hold_music", "str 'loud'"),
        (httpx.Response(200, json={**CLIENT, "name": None}), "name", "NoneType"),
        (httpx.Response(200, json={key: value for key, value in CLIENT.items() if key != "email"}), "email", None),
        (httpx.Response(200, text="<html>Bad gateway</html>", headers={"Content-Type": "text/html"}), None, "html"),
    ],
    ids=["string-id", "wrong-type", "null-not-allowed", "missing-required", "not-json"],
)
def test_a_wrong_answer_raises_invalid_response_naming_operation_field_and_what_was_found(
    answer: httpx.Response, field: str | None, found: str | None
) -> None:
    with pytest.raises(errors.InvalidResponse) as raised:
        connect(provider(answer)).get_client()
    error = raised.value
    assert (error.operation, error.field, error.status_code) == ("get_client", field, 200)
    assert "get_client" in str(error) and (field is None or repr(field) in str(error))
    if found is not None:
        assert error.found is not None and found in error.found


# 3. Retries and one deadline


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_reads_are_retried_on_the_statuses_the_field_retries(status: int) -> None:
    seen: list[httpx.Request] = []
    assert connect(provider(httpx.Response(status), seen=seen)).get_client().id == CLIENT["id"]
    assert len([request for request in seen if request.url.path != TOKEN_PATH]) == 2


def test_a_429_waits_for_the_rate_limit_reset_when_it_is_within_the_bound() -> None:
    limited = httpx.Response(
        429, json={"message": "limit", "status": "rate_limit_exceeded"}, headers={"X-RateLimit-Reset": "1"}
    )
    started = time.monotonic()
    assert connect(provider(limited)).get_client().id == CLIENT["id"]
    assert 0.9 <= time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("headers", "options", "after"),
    [
        ({"X-RateLimit-Reset": "42"}, {}, 42),  # longer than max_rate_limit_wait (30 s)
        ({"Retry-After": "7"}, {"retry": pbx_api.Retry(max_rate_limit_wait=5)}, 7),
        ({"X-RateLimit-Reset": "5"}, {"timeout": 2}, 5),  # would end past the call's deadline
    ],
)
def test_a_429_beyond_the_bound_raises_rate_limited_at_once_with_when_to_retry(headers, options, after) -> None:
    limited = httpx.Response(429, json={"message": "limit", "status": "rate_limit_exceeded"}, headers=headers)
    started = time.monotonic()
    with pytest.raises(errors.RateLimited) as raised:
        connect(provider(limited), **options).get_client()
    assert time.monotonic() - started < 0.5
    assert raised.value.retry_after == after


def test_the_timeout_is_one_deadline_for_the_whole_call_retries_included() -> None:
    # Before: each try had its own 2 s read timeout, and three tries of a hung server took over 6 s.
    with silent_server() as url:
        pbx = pbx_api.PbxClient.from_credentials(base_url=url, **DEMO, timeout=1.0)
        started = time.monotonic()
        with pytest.raises(errors.Timeout, match="POST"):  # the token request hangs; the deadline covers it
            pbx.get_client()
        elapsed = time.monotonic() - started
        pbx.close()
    assert 0.9 <= elapsed < 1.6


def test_a_retry_gets_only_what_is_left_of_the_deadline() -> None:
    token = json.dumps({"access_token": "t" * 20, "token_type": "Bearer", "expires_in": 3600, "scope": "all"})
    # The token at once; the GET answered 503 after 0.6 s; its retry never answered. Each try with its own 1 s
    # would end after 1.6 s; one deadline ends the call at 1 s.
    with scripted_server((0.0, raw_answer(200, token.encode())), (0.6, raw_answer(503))) as url:
        pbx = pbx_api.PbxClient.from_credentials(base_url=url, **DEMO, timeout=1.0, retry=FAST)
        started = time.monotonic()
        with pytest.raises(errors.Timeout, match="GET"):
            pbx.get_client()
        elapsed = time.monotonic() - started
        pbx.close()
    assert 0.9 <= elapsed < 1.3


def test_the_policy_is_set_per_client_and_per_call() -> None:
    seen: list[httpx.Request] = []
    pbx = connect(provider(*[httpx.Response(503)] * 10, seen=seen), retry=pbx_api.Retry(max_retries=0))
    with pytest.raises(errors.UnexpectedStatus):
        pbx.get_client()
    patient = pbx.with_options(retry=pbx_api.Retry(max_retries=3, backoff=0.001))
    with pytest.raises(errors.UnexpectedStatus):
        patient.get_client()
    api_calls = [request for request in seen if request.url.path != TOKEN_PATH]
    assert len(api_calls) == 1 + 4
    assert len(seen) - len(api_calls) == 1  # the copy shares the token
    assert pbx.client.retry.max_retries == 0 and patient.client.timeout == pbx.client.timeout


# 4. What users of the best SDKs expect


def test_a_client_from_the_environment(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PBX_BASE_URL", emulator.api_url)
    monkeypatch.setenv("PBX_APP_ID", DEMO["app_id"])
    monkeypatch.setenv("PBX_APP_SECRET", DEMO["app_secret"])
    with pbx_api.PbxClient() as pbx:
        assert pbx.get_client().id == DEMO_CLIENT_ID
    monkeypatch.delenv("PBX_APP_SECRET")
    with pytest.raises(errors.ConfigurationError, match="PBX_APP_SECRET") as raised:
        pbx_api.PbxClient()
    assert DEMO["app_id"] not in str(raised.value)
    monkeypatch.delenv("PBX_BASE_URL")
    monkeypatch.delenv("PBX_HOSTNAME", raising=False)
    with pytest.raises(errors.ConfigurationError, match="PBX_HOSTNAME"):
        pbx_api.PbxClient()
    monkeypatch.setenv("PBX_HOSTNAME", HOST)
    assert pbx_api.PbxClient(app_secret="given").client.base_url == pbx_api.client.base_url_for(HOST)


def test_updates_as_keyword_arguments(connect) -> None:
    pbx = connect()
    zone = "Europe/Vilnius" if pbx.get_client().timezone != "Europe/Vilnius" else "Europe/Riga"
    changed = pbx.update_client(timezone=zone, jur_address=None)
    assert (changed.timezone, changed.jur_address) == (zone, None)
    assert pbx.get_client_info().timezone == zone
    with pytest.raises(TypeError, match="not both"):
        pbx.update_client(body=ClientUpdate(name="x"), name="y")


def test_raw_responses_carry_status_headers_and_rate_limit(connect) -> None:
    answer = connect().with_raw_response.get_client()
    assert answer.status_code == 200 and answer.parsed.id == DEMO_CLIENT_ID
    assert isinstance(answer.http_response, httpx.Response)
    limit = answer.rate_limit
    assert isinstance(limit.limit, int) and isinstance(limit.remaining, int) and isinstance(limit.reset, int)
    assert limit.remaining < limit.limit


def test_async_raw_responses(emulator: RunningEmulator) -> None:
    async def run() -> int:
        async with pbx_api.AsyncPbxClient.from_credentials(base_url=emulator.api_url, **DEMO) as pbx:
            answer = await pbx.with_raw_response.get_client_info()
            return answer.parsed.id

    assert asyncio.run(run()) == DEMO_CLIENT_ID


def test_logging_one_debug_line_per_try_and_retry_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pbx_api")
    pbx = connect(provider(httpx.Response(503)))
    pbx.get_client()
    lines = [record.getMessage() for record in caplog.records if record.name == "pbx_api"]
    assert len(lines) == 4, lines  # token request, first try, the retry, second try
    assert lines[0].startswith(f"POST https://{HOST}{TOKEN_PATH} -> 200")
    assert "-> 503 (try 1)" in lines[1] and lines[2].startswith("retrying GET") and "-> 200 (try 2)" in lines[3]
    assert not [line for line in lines if DEMO["app_secret"] in line or "token-abcdef" in line]


def test_errors_carry_method_url_and_status() -> None:
    denied = httpx.Response(403, json={"message": "Access denied", "status": "access_denied"})
    with pytest.raises(errors.PermissionDenied) as raised:
        connect(provider(denied)).get_client(1002)
    error = raised.value
    url = f"https://{HOST}{pbx_api.client.SERVER_URL.split('{hostname}')[1]}/client/1002/client/"
    assert (error.method, error.url, error.status_code) == ("GET", url, 403)
    assert str(error) == f"403 Forbidden: access_denied: Access denied (GET {url})"
    assert error.response is not None and error.response.status_code == 403


def test_help_starts_with_how_to_make_one_and_documents_every_parameter() -> None:
    text = pydoc.render_doc(pbx_api.PbxClient, renderer=pydoc.plaintext)
    assert text.index("PbxClient()") < text.index("get_client(")
    doc = inspect.getdoc(pbx_api.PbxClient) or ""
    assert doc.splitlines()[0].startswith("The Client API")
    for name in ("get_client", "get_client_info", "update_client", "update_client_info", "with_raw_response"):
        assert name in doc
    method = inspect.getdoc(pbx_api.PbxClient.update_client) or ""
    assert "client_id (int | Literal['@me']): The client's numeric id" in method
    signature = str(inspect.signature(pbx_api.PbxClient.update_client))
    assert "client_id: \"int | Literal['@me']\" = '@me'" in signature
    assert "timezone: 'str | Unset' = UNSET" in signature and "object at 0x" not in signature


def test_an_async_client_used_after_its_event_loop_closed_says_what_to_do(emulator: RunningEmulator) -> None:
    pbx = pbx_api.AsyncPbxClient.from_credentials(base_url=emulator.api_url, **DEMO)
    assert asyncio.run(pbx.get_client()).id == DEMO_CLIENT_ID
    with pytest.raises(errors.EventLoopClosed, match=r"asyncio\.run"):
        asyncio.run(pbx.get_client())


def test_names_a_user_reads_without_a_glossary_and_the_old_ones_warn() -> None:
    import pbx_api.models as models

    assert pbx_api.Connection is pbx_api.client.AuthenticatedClient  # the connection; ClientData is the resource
    assert pbx_api.ClientData is models.ClientData
    with pytest.warns(DeprecationWarning, match="pbx_api.Connection"):
        assert pbx_api.Client is pbx_api.client.Client
    with pytest.warns(DeprecationWarning, match="TokenErrorCode"):
        assert models.TokenErrorError is models.TokenErrorCode
    with pytest.warns(DeprecationWarning, match="plain str"):
        assert models.ClientDataType is str
    assert not [name for name in dir(models) if name.endswith("ErrorError")]
    with pytest.raises(AttributeError):
        _ = pbx_api.NoSuchThing  # type: ignore[attr-defined]

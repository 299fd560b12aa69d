"""The SDK's runtime additions, client-side only through httpx.MockTransport: construction, the token flow, retries,
redirects, typed errors for what the emulator never does, secrets kept out of logs and reprs, sync/async parity."""

from __future__ import annotations

import asyncio
import base64
import inspect
import logging
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

import pbx_api
from pbx_api import errors
from pbx_api.models import ClientUpdate
from pbx_kit.contract import api_base_path, load_document, server_url, token_path, token_url_reference

HOST = "pbx.example.com"
SECRET = "s3cret-value"
CREDENTIALS = {"app_id": "demo-app", "app_secret": SECRET}
CLIENT = load_document()["components"]["examples"]["Client"]["value"]
ME = f"{api_base_path()}/client/@me/client/"
TOKEN_PATH = token_path()


class FakeProvider:
    """The provider's host behind a MockTransport: tokens from the token endpoint, scripted API answers, then 200s."""

    def __init__(self, *answers: httpx.Response | Exception, lifetime: int = 3600) -> None:
        self.answers = list(answers)
        self.lifetime = lifetime
        self.requests: list[httpx.Request] = []
        self.tokens: list[str] = []
        self.authorizations: list[str | None] = []  # as sent: a resent request is the same object, changed

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.authorizations.append(request.headers.get("Authorization"))
        if request.url.path == TOKEN_PATH:
            self.tokens.append(f"token-{len(self.tokens) + 1}-abcdef")
            body = {"access_token": self.tokens[-1], "token_type": "Bearer", "expires_in": self.lifetime}
            return httpx.Response(200, json={**body, "scope": "all"})
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return httpx.Response(200, json=CLIENT)

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [request for request in self.requests if request.url.path != TOKEN_PATH]

    def connect(self, **options: Any) -> pbx_api.PbxClient:
        options.setdefault("retry", pbx_api.Retry(backoff=0.001, max_backoff=0.002))
        return pbx_api.PbxClient.from_credentials(
            hostname=HOST, **CREDENTIALS, transport=httpx.MockTransport(self), **options
        )

    def connect_async(self, **options: Any) -> pbx_api.AsyncPbxClient:
        options.setdefault("retry", pbx_api.Retry(backoff=0.001, max_backoff=0.002))
        return pbx_api.AsyncPbxClient.from_credentials(
            hostname=HOST, **CREDENTIALS, async_transport=httpx.MockTransport(self), **options
        )


def error(code: int, **body: Any) -> httpx.Response:
    return httpx.Response(code, json={"message": "no", **body}, headers={"X-RateLimit-Reset": "42"})


def test_three_lines_from_hostname_to_the_clients_data() -> None:
    provider = FakeProvider()
    pbx = provider.connect()
    assert pbx.get_client("@me").name == CLIENT["name"]
    token, call = provider.requests
    assert str(token.url) == f"https://{HOST}{TOKEN_PATH}"
    # The provider documents the form fields (RFC 6749 2.3.1 allows them); HTTP Basic is the option below.
    assert "Authorization" not in token.headers
    assert parse_qs(token.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["demo-app"],
        "client_secret": [SECRET],
    }
    assert str(call.url) == f"https://{HOST}{ME}"
    assert call.headers["Authorization"] == f"Bearer {provider.tokens[0]}"


def test_full_base_url_and_bad_construction() -> None:
    pbx = pbx_api.PbxClient.from_credentials(base_url=f"http://127.0.0.1:9{api_base_path()}/", **CREDENTIALS)
    assert pbx.client.base_url == f"http://127.0.0.1:9{api_base_path()}"
    assert pbx.client.auth.token_url == f"http://127.0.0.1:9{TOKEN_PATH}"
    with pytest.raises(ValueError, match="either hostname"):
        pbx_api.PbxClient.from_credentials(hostname=HOST, base_url="https://x", **CREDENTIALS)
    with pytest.raises(ValueError, match="host name"):
        pbx_api.PbxClient.from_credentials(hostname="https://pbx.example.com", **CREDENTIALS)
    with pytest.raises(ValueError, match="App Secret"):
        pbx_api.PbxClient.from_credentials(hostname=HOST, app_id="a", app_secret="")


def test_server_and_token_url_come_from_the_spec() -> None:
    spec = load_document()
    assert spec["servers"][0]["url"] == pbx_api.client.SERVER_URL == server_url()
    assert (
        spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"]
        == pbx_api.client.TOKEN_URL
        == token_url_reference()
    )


def test_http_basic_is_the_option() -> None:
    provider = FakeProvider()
    provider.connect(send_credentials="basic").get_client()
    token = provider.requests[0]
    assert token.headers["Authorization"] == "Basic " + base64.b64encode(f"demo-app:{SECRET}".encode()).decode()
    assert token.content == b"grant_type=client_credentials"  # the secret is not in the body
    with pytest.raises(ValueError, match="form"):
        provider.connect(send_credentials="header")


def test_default_timeout_applies_to_calls_and_token_requests() -> None:
    provider = FakeProvider()
    pbx = provider.connect()
    pbx.get_client("@me")
    assert pbx.client.timeout == pbx_api.client.DEFAULT_TIMEOUT == 10.0
    for request in provider.requests:  # what is left of the call's 10 s; opening a connection: 5 s at most
        limits = request.extensions["timeout"]
        assert limits["connect"] == 5.0 and 9.0 < limits["read"] <= 10.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_get_is_retried_on_gateway_errors(status: int) -> None:
    provider = FakeProvider(httpx.Response(status), httpx.Response(status))
    assert provider.connect().get_client("@me").id == CLIENT["id"]
    assert len(provider.api_requests) == 3


def test_get_is_retried_on_connection_errors_then_gives_a_transport_error() -> None:
    provider = FakeProvider(httpx.ConnectError("refused"))
    assert provider.connect().get_client_info(1001).id == CLIENT["id"]
    assert len(provider.api_requests) == 2
    failing = FakeProvider(*[httpx.ConnectError("refused")] * 5)
    with pytest.raises(errors.TransportError, match="ConnectError"):
        failing.connect().get_client("@me")
    assert len(failing.api_requests) == 3  # the default Retry: 3 tries in all


def test_retries_are_bounded_in_total_time() -> None:
    provider = FakeProvider(*[httpx.Response(503)] * 50)
    started = time.monotonic()
    with pytest.raises(errors.UnexpectedStatus):
        retry = pbx_api.Retry(max_retries=49, backoff=0.02, max_backoff=0.02)
        provider.connect(retry=retry, timeout=0.1).get_client("@me")
    assert time.monotonic() - started < 1.0
    assert 2 <= len(provider.api_requests) < 50


def test_jittered_waits_grow_and_stay_under_their_caps() -> None:
    retry = pbx_api.Retry(max_retries=10, backoff=0.1, max_backoff=0.3)
    for retries, cap in [(0, 0.1), (1, 0.2), (2, 0.3), (5, 0.3)]:
        waits = [retry.backoff_wait(retries) for _ in range(200)]
        assert all(0 <= wait <= cap for wait in waits)
        assert len(set(waits)) > 1  # jitter
    request = httpx.Request("GET", "https://x/")
    assert retry.after_response(request, httpx.Response(503), 10) is None  # max_retries used up
    assert retry.after_response(request, httpx.Response(503), 9) is not None


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503),
        httpx.Response(502),
        httpx.Response(429),
        httpx.ReadError("reset"),
        httpx.ReadTimeout("slow"),
    ],
    ids=["503", "502", "429", "read-error", "read-timeout"],
)
def test_put_is_not_retried_once_it_may_have_reached_the_server(answer: httpx.Response | Exception) -> None:
    provider = FakeProvider(answer)
    with pytest.raises((errors.ApiError, errors.TransportError)):
        provider.connect().update_client("@me", body=ClientUpdate(name="x"))
    assert len(provider.api_requests) == 1


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("no answer to SYN")])
def test_put_is_retried_when_it_provably_never_reached_the_server(error: Exception) -> None:
    provider = FakeProvider(error)
    assert provider.connect().update_client("@me", name="x").id == CLIENT["id"]
    assert len(provider.api_requests) == 2


@pytest.mark.parametrize("status", [400, 403, 404, 429])
def test_4xx_is_never_retried(status: int) -> None:
    provider = FakeProvider(error(status, status="some_reason", field="name"))
    with pytest.raises(errors.ApiError):
        provider.connect().get_client("@me")
    assert len(provider.api_requests) == 1


@pytest.mark.parametrize(
    ("code", "reason", "kind"),
    [
        (400, "invalid_request", errors.BadRequest),
        (403, "user_access_type_deny", errors.PermissionDenied),
        (404, "client_not_found", errors.NotFound),
        (413, None, errors.ApiError),
        (429, "rate_limit_exceeded", errors.RateLimited),
        (418, "teapot", errors.UnexpectedStatus),
        (500, None, errors.UnexpectedStatus),
    ],
)
def test_each_status_raises_its_error_with_the_parsed_body(code: int, reason: str, kind: type) -> None:
    provider = FakeProvider(error(code, **({"status": reason} if reason else {}), field="timezone"))
    with pytest.raises(kind) as raised:
        provider.connect().update_client("@me", body=ClientUpdate(timezone="UTC"))
    assert type(raised.value) is kind
    assert (raised.value.status_code, raised.value.message, raised.value.status) == (code, "no", reason)
    if kind is errors.RateLimited:
        assert raised.value.reset_after == 42
    if kind is errors.UnexpectedStatus:
        assert raised.value.content.startswith(b"{")
    else:
        assert type(raised.value.body).__module__.startswith("pbx_api.models")
    if kind is errors.BadRequest:
        assert raised.value.field == "timezone"


def test_a_status_the_operation_does_not_document_is_unexpected_even_if_another_documents_it() -> None:
    provider = FakeProvider(error(400, status="invalid_request", field=None))
    with pytest.raises(errors.UnexpectedStatus):
        provider.connect().get_client("@me")  # GET documents no 400


def test_an_error_body_that_does_not_fit_its_model_is_kept_as_plain_json() -> None:
    provider = FakeProvider(error(403, status="a_reason_added_later"))
    with pytest.raises(errors.PermissionDenied) as raised:
        provider.connect().get_client("@me")
    assert raised.value.body == {"message": "no", "status": "a_reason_added_later"}
    assert raised.value.status == "a_reason_added_later"


def test_an_error_body_that_is_not_json_still_gives_the_typed_error() -> None:
    provider = FakeProvider(httpx.Response(403, text="<html>denied</html>"))
    with pytest.raises(errors.PermissionDenied) as raised:
        provider.connect().get_client("@me")
    assert raised.value.body is None and raised.value.status is None


def test_a_401_refetches_the_token_once_then_raises() -> None:
    provider = FakeProvider(error(401), error(401))
    with pytest.raises(errors.AuthenticationError):
        provider.connect().get_client("@me")
    assert len(provider.tokens) == 2 and len(provider.api_requests) == 2
    assert provider.authorizations[1::2] == [f"Bearer {token}" for token in provider.tokens]


def test_token_endpoint_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client", "error_description": "Unknown App ID."})

    pbx = pbx_api.PbxClient.from_credentials(hostname=HOST, **CREDENTIALS, transport=httpx.MockTransport(refuse))
    with pytest.raises(errors.AuthenticationError) as raised:
        pbx.get_client("@me")
    assert (raised.value.status, raised.value.message) == ("invalid_client", "Unknown App ID.")

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"token_type": "Bearer"})

    pbx = pbx_api.PbxClient.from_credentials(hostname=HOST, **CREDENTIALS, transport=httpx.MockTransport(broken))
    with pytest.raises(errors.InvalidResponse, match="not a token"):
        pbx.get_client("@me")


def test_no_redirect_is_followed_by_default() -> None:
    provider = FakeProvider(httpx.Response(307, headers={"Location": "https://elsewhere.example/steal/"}))
    with pytest.raises(errors.UnexpectedStatus) as raised:
        provider.connect().get_client("@me")
    assert raised.value.status_code == 307
    assert {request.url.host for request in provider.requests} == {HOST}


def test_credentials_are_not_sent_on_a_redirect_to_another_host() -> None:
    provider = FakeProvider(httpx.Response(307, headers={"Location": "https://elsewhere.example/api/"}))
    provider.answers.append(httpx.Response(200, json=CLIENT))
    provider.connect(follow_redirects=True).get_client("@me")
    elsewhere = [request for request in provider.requests if request.url.host == "elsewhere.example"]
    assert len(elsewhere) == 1 and "Authorization" not in elsewhere[0].headers


@pytest.mark.parametrize("send_credentials", ["form", "basic"])
def test_token_credentials_are_not_sent_on_a_redirect_to_another_host(send_credentials: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == HOST and request.url.path == TOKEN_PATH:
            return httpx.Response(307, headers={"Location": f"https://elsewhere.example{TOKEN_PATH}"})
        if request.url.path == TOKEN_PATH:
            token = {"access_token": "t", "token_type": "Bearer", "expires_in": 60, "scope": "all"}
            return httpx.Response(200, json=token)
        return httpx.Response(200, json=CLIENT)

    pbx = pbx_api.PbxClient.from_credentials(
        hostname=HOST,
        **CREDENTIALS,
        transport=httpx.MockTransport(handler),
        follow_redirects=True,
        send_credentials=send_credentials,  # type: ignore[arg-type]
    )
    with pytest.raises(errors.TransportError, match=r"redirected to https://elsewhere\.example"):
        pbx.get_client("@me")
    assert [request.url.host for request in seen] == [HOST]  # nothing at all went to the other host
    assert SECRET not in str(pbx.client.auth.__dict__.get("token_url"))


def test_secrets_and_tokens_never_reach_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provider = FakeProvider(error(403, status="access_denied"), error(401), error(401), httpx.Response(503))
    pbx = provider.connect()
    raised: list[Exception] = []
    for _ in range(3):
        try:
            pbx.get_client("@me")
        except errors.PbxError as failure:
            raised.append(failure)
    pbx.get_client("@me")
    secrets = [SECRET, *provider.tokens, base64.b64encode(f"demo-app:{SECRET}".encode()).decode()]
    shown = caplog.text + repr(pbx) + repr(pbx.client) + repr(pbx.client.auth) + str(vars(pbx.client.auth).keys())
    shown += "".join(f"{failure!s}{failure!r}" for failure in raised)
    assert len(raised) == 2 and caplog.records  # httpx did log the requests
    assert not [secret for secret in secrets if secret in shown]


def test_sync_and_async_clients_have_the_same_surface() -> None:
    def surface(cls: type) -> dict[str, inspect.Signature]:
        names = [
            name
            for name in dir(cls)
            if not name.startswith("_")
            and name not in ("close", "aclose")
            and not isinstance(inspect.getattr_static(cls, name), property)
        ]
        return {name: inspect.signature(getattr(cls, name)) for name in names}

    sync, asynchronous = surface(pbx_api.PbxClient), surface(pbx_api.AsyncPbxClient)
    assert sync.keys() == asynchronous.keys() and "get_client" in sync
    for name, signature in sync.items():
        assert [p.name for p in signature.parameters.values()] == [
            p.name for p in asynchronous[name].parameters.values()
        ]
        assert signature.return_annotation == asynchronous[name].return_annotation
        if name not in ("from_credentials", "with_options"):
            assert inspect.iscoroutinefunction(getattr(pbx_api.AsyncPbxClient, name))
    raw, async_raw = surface(pbx_api.api.PbxClientWithRawResponse), surface(pbx_api.api.AsyncPbxClientWithRawResponse)
    assert raw.keys() == async_raw.keys() and "get_client" in raw


def test_async_retries_and_401_refresh() -> None:
    provider = FakeProvider(httpx.Response(503), error(401))

    async def run() -> int:
        async with provider.connect_async() as pbx:
            return (await pbx.get_client("@me")).id

    assert asyncio.run(run()) == CLIENT["id"]
    assert len(provider.api_requests) == 3 and len(provider.tokens) == 2


def test_the_package_says_it_is_generated_and_from_which_spec() -> None:
    from pathlib import Path

    from pbx_generator.generation import runtime_files
    from pbx_kit.overlay import inputs_sha256
    from pbx_kit.variants import variant_overlays

    root = Path(__file__).resolve().parents[2]
    expected = inputs_sha256(root / "openapi.yaml", variant_overlays(root / "overlays", "sdk"))
    assert expected == pbx_api.SPEC_SHA256
    runtime = {module.name for module in runtime_files()}
    assert runtime and "__init__.py" not in runtime
    for module in (root / "generated" / "pbx_api").rglob("*.py"):
        if module.parent.name != "models" and module.name not in runtime:
            assert f"spec sha256 {expected}" in module.read_text(encoding="utf-8"), module
        elif module.name in runtime:  # the hand-written runtime says where to edit it instead
            assert f"generator/pbx_generator/runtime/{module.name}, not the copy" in module.read_text("utf-8"), module

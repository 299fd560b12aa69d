# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/pbx_generator/runtime/client.py, not the copy in generated/pbx_api.
"""The connection to the API: base URL, OAuth 2.0 client credentials, timeout and retries, over httpx.

`AuthenticatedClient` holds one `httpx.Client` and one `httpx.AsyncClient` (each made on first use), both with
`ClientCredentials` as their `httpx.Auth` and a retrying transport. The endpoint functions in `pbx_api.api` take
it as `client=`; `pbx_api.PbxClient` wraps it with a method per operation.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any, Self, TypedDict, Unpack

import httpx

from pbx_api import errors
from pbx_api._auth import ClientCredentials, SendCredentials
from pbx_api._retry import CALL, CONNECT_TIMEOUT, AsyncRetryTransport, Call, Retry, RetryTransport
from pbx_api._spec import SERVER_URL, TOKEN_URL

DEFAULT_TIMEOUT = 10.0
"""Seconds a whole call may take, its token request and retries included, unless the caller says otherwise."""

ENVIRONMENT = ("PBX_HOSTNAME", "PBX_BASE_URL", "PBX_APP_ID", "PBX_APP_SECRET")
"""The variables a client made without arguments reads (PBX_BASE_URL instead of PBX_HOSTNAME, for a full URL)."""


def base_url_for(hostname: str) -> str:
    """The API's base URL on a provider's host: the spec's server URL (SERVER_URL) with `hostname` filled in."""
    if not hostname or "/" in hostname or "{" in hostname:
        raise errors.ConfigurationError(f"expected a host name such as pbx.example.com, got {hostname!r}")
    return SERVER_URL.replace("{hostname}", hostname)


def token_url_for(base_url: str) -> str:
    """The token endpoint for an API at `base_url`: the spec's tokenUrl, relative to `<base URL>/openapi.yaml`."""
    return str(httpx.URL(base_url.rstrip("/") + "/openapi.yaml").join(TOKEN_URL))


class ClientOptions(TypedDict, total=False):
    """The keyword options of Client (see there), for the constructors that pass them on."""

    timeout: float | httpx.Timeout
    retry: Retry | None
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    follow_redirects: bool
    httpx_args: dict[str, Any] | None


class ConnectOptions(ClientOptions, total=False):
    """ClientOptions and how the token request sends the credentials ("form", the default, or "basic")."""

    send_credentials: SendCredentials


class Client:
    """The API's base URL and the httpx clients made from it: timeout, retries, transport, redirects.

    Args:
        base_url: the API's base URL, as `base_url_for(hostname)` gives it for a provider's host.
        auth: an `httpx.Auth` for every request (AuthenticatedClient sets ClientCredentials).
        timeout: seconds a whole call may take, its token request and retries included (DEFAULT_TIMEOUT, 10 s);
            an `httpx.Timeout` counts as its longest limit.
        retry: the retry policy (`Retry()` unless given); `Retry(max_retries=0)` turns retries off.
        transport, async_transport: the httpx transports to send through (an `httpx.MockTransport` in tests).
        follow_redirects: off by default; when on, httpx drops the Authorization header on a redirect to another
            host, and the token request is never sent to another host.
        httpx_args: more keyword arguments for `httpx.Client` and `httpx.AsyncClient`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: Retry | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        follow_redirects: bool = False,
        httpx_args: dict[str, Any] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = _seconds(timeout)
        self.retry = retry or Retry()
        self.follow_redirects = follow_redirects
        self._pool = _Pool(self, transport, async_transport, httpx_args or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"

    def with_options(self, *, timeout: float | httpx.Timeout | None = None, retry: Retry | None = None) -> Self:
        """A copy with another timeout or retry policy, sharing this client's connections and token."""
        changed = copy.copy(self)
        if timeout is not None:
            changed.timeout = _seconds(timeout)
        if retry is not None:
            changed.retry = retry
        return changed

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client every sync call goes through (made on first use)."""
        return self._pool.sync()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient every async call goes through (made on first use)."""
        return self._pool.asynchronous()

    def request(self, **kwargs: Any) -> httpx.Response:
        """Send one request (`url` relative to the base URL) through the sync httpx client, with this client's
        retry policy and timeout. A transport failure raises errors.TransportError (errors.Timeout for time)."""
        # An absolute URL here spares httpx from merging it with its base_url, a quarter of its own cost per call.
        kwargs["url"] = self.base_url + kwargs["url"]
        kwargs["extensions"] = {CALL: Call.starting_now(self.retry, self.timeout)}
        try:
            return self.get_httpx_client().request(**kwargs)
        except httpx.TransportError as error:
            raise _transport_error(kwargs, error) from error

    async def arequest(self, **kwargs: Any) -> httpx.Response:
        """Send one request (`url` relative to the base URL) through the async httpx client, with this client's
        retry policy and timeout. A transport failure raises errors.TransportError (errors.Timeout for time)."""
        kwargs["url"] = self.base_url + kwargs["url"]
        kwargs["extensions"] = {CALL: Call.starting_now(self.retry, self.timeout)}
        try:
            return await self.get_async_httpx_client().request(**kwargs)
        except httpx.TransportError as error:
            raise _transport_error(kwargs, error) from error
        except RuntimeError as error:
            if _loop_gone(error):
                raise errors.EventLoopClosed(_EVENT_LOOP_HINT) from error
            raise

    def close(self) -> None:
        self._pool.close()

    async def aclose(self) -> None:
        await self._pool.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


class _Pool:
    """The httpx clients of a Client and of its `with_options` copies, made on first use."""

    def __init__(
        self,
        owner: Client,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
        httpx_args: dict[str, Any],
    ) -> None:
        self._settings: dict[str, Any] = {
            "base_url": owner.base_url,
            "auth": owner.auth,
            "timeout": httpx.Timeout(owner.timeout, connect=min(CONNECT_TIMEOUT, owner.timeout)),
            "follow_redirects": owner.follow_redirects,
            **httpx_args,
        }
        self._transport = transport
        self._async_transport = async_transport
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None

    def sync(self) -> httpx.Client:
        if self._client is None:
            transport = RetryTransport(self._transport or httpx.HTTPTransport())
            self._client = httpx.Client(transport=transport, **self._settings)
        return self._client

    def asynchronous(self) -> httpx.AsyncClient:
        if self._async_client is None:
            transport = AsyncRetryTransport(self._async_transport or httpx.AsyncHTTPTransport())
            self._async_client = httpx.AsyncClient(transport=transport, **self._settings)
        return self._async_client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None:
            try:
                await self._async_client.aclose()
            except RuntimeError as error:
                if not _loop_gone(error):
                    raise
                raise errors.EventLoopClosed(_EVENT_LOOP_HINT) from error


def _seconds(timeout: float | httpx.Timeout) -> float:
    if isinstance(timeout, httpx.Timeout):
        limits = [value for value in timeout.as_dict().values() if value is not None]
        return max(limits) if limits else DEFAULT_TIMEOUT
    if timeout <= 0:
        raise errors.ConfigurationError(f"timeout is a number of seconds above 0, got {timeout!r}")
    return float(timeout)


_EVENT_LOOP_HINT = (
    "this AsyncPbxClient was first used in an event loop that has since closed (each asyncio.run() makes and closes "
    "one); make the client inside the coroutine that uses it, e.g. `async with AsyncPbxClient(...) as pbx:`"
)


def _loop_gone(error: RuntimeError) -> bool:
    text = str(error)
    return "Event loop is closed" in text or "different loop" in text or "different event loop" in text


class AuthenticatedClient(Client):
    """A Client whose calls carry an OAuth 2.0 token fetched with the App ID and App Secret."""

    auth: ClientCredentials

    def __init__(
        self,
        base_url: str,
        *,
        app_id: str,
        app_secret: str,
        send_credentials: SendCredentials = "form",
        **options: Unpack[ClientOptions],
    ) -> None:
        credentials = ClientCredentials(app_id, app_secret, token_url_for(base_url), send_credentials=send_credentials)
        super().__init__(base_url, auth=credentials, **options)

    @classmethod
    def from_credentials(
        cls,
        *,
        app_id: str,
        app_secret: str,
        hostname: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ConnectOptions],
    ) -> Self:
        """A client for `hostname` (the provider's API server) or a full `base_url`: exactly one of them."""
        if (hostname is None) == (base_url is None):
            raise errors.ConfigurationError(
                "give either hostname (such as pbx.example.com) or base_url, not both or neither"
            )
        url = base_url if base_url is not None else base_url_for(hostname or "")
        return cls(url, app_id=app_id, app_secret=app_secret, **options)

    @classmethod
    def from_environment(
        cls,
        *,
        app_id: str | None = None,
        app_secret: str | None = None,
        hostname: str | None = None,
        base_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Unpack[ConnectOptions],
    ) -> Self:
        """A client from the arguments given, the rest from the environment (ENVIRONMENT): PBX_HOSTNAME or
        PBX_BASE_URL, PBX_APP_ID, PBX_APP_SECRET. A missing one raises errors.ConfigurationError naming it."""
        env = os.environ if environ is None else environ
        if hostname is None and base_url is None:
            base_url = env.get("PBX_BASE_URL") or None
            hostname = None if base_url else env.get("PBX_HOSTNAME") or None
            if hostname is None and base_url is None:
                raise errors.ConfigurationError(
                    "set PBX_HOSTNAME (such as pbx.example.com) or PBX_BASE_URL, or pass hostname= or base_url="
                )
        return cls.from_credentials(
            app_id=app_id or _required(env, "PBX_APP_ID", "app_id"),
            app_secret=app_secret or _required(env, "PBX_APP_SECRET", "app_secret"),
            hostname=hostname,
            base_url=base_url,
            **options,
        )


def _required(env: Mapping[str, str], variable: str, argument: str) -> str:
    value = env.get(variable)
    if not value:
        raise errors.ConfigurationError(f"set {variable} or pass {argument}=")
    return value


def _transport_error(kwargs: dict[str, Any], error: httpx.TransportError) -> errors.TransportError:
    """The SDK's error for a request that got no answer, naming the request that failed (the call's own, or the
    token request it needed)."""
    try:
        method, url = error.request.method, str(error.request.url)
    except RuntimeError:  # httpx raised it before a request existed
        method, url = kwargs["method"].upper(), kwargs["url"]
    kind = errors.Timeout if isinstance(error, httpx.TimeoutException) else errors.TransportError
    return kind(f"{method} {url}: {type(error).__name__}: {error}")


__all__ = [
    "DEFAULT_TIMEOUT",
    "ENVIRONMENT",
    "SERVER_URL",
    "TOKEN_URL",
    "AsyncRetryTransport",
    "AuthenticatedClient",
    "Client",
    "ClientCredentials",
    "ClientOptions",
    "ConnectOptions",
    "Retry",
    "RetryTransport",
    "base_url_for",
    "token_url_for",
]

# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/runtime/client.py, not the copy in generated/pbx_api.
"""The connection to the API: base URL, OAuth 2.0 client credentials, timeout and retries, over httpx.

`AuthenticatedClient` holds one `httpx.Client` and one `httpx.AsyncClient` (each made on first use), both with
`ClientCredentials` as their `httpx.Auth` and a retrying transport. The endpoint functions in `pbx_api.api` take
it as `client=`; `pbx_api.PbxClient` wraps it with a method per operation.
"""

from __future__ import annotations

from typing import Any, Self, TypedDict, Unpack

import httpx

from pbx_api import errors
from pbx_api._auth import ClientCredentials
from pbx_api._retry import AsyncRetryTransport, Retry, RetryTransport
from pbx_api._spec import SERVER_URL, TOKEN_URL

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""Seconds to wait for the server (connect: 5 s, everything else: 10 s) unless the caller says otherwise."""


def base_url_for(hostname: str) -> str:
    """The API's base URL on a provider's host, such as `https://pbx.example.com/api/ver1.0`."""
    if not hostname or "/" in hostname or "{" in hostname:
        raise ValueError(f"expected a host name such as pbx.example.com, got {hostname!r}")
    return SERVER_URL.replace("{hostname}", hostname)


# The client


class ClientOptions(TypedDict, total=False):
    """The keyword options of Client (see there), for the constructors that pass them on."""

    timeout: float | httpx.Timeout
    retry: Retry | None
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    follow_redirects: bool
    httpx_args: dict[str, Any] | None


class Client:
    """The API's base URL and the httpx clients made from it: timeout, retries, transport, redirects.

    Args:
        base_url: the API's base URL, such as `https://pbx.example.com/api/ver1.0`.
        auth: an `httpx.Auth` for every request (AuthenticatedClient sets ClientCredentials).
        timeout: seconds, or an `httpx.Timeout`; DEFAULT_TIMEOUT unless given.
        retry: the retry policy; `Retry(attempts=1)` turns retries off.
        transport, async_transport: the httpx transports to send through (an `httpx.MockTransport` in tests).
        follow_redirects: off by default; when on, httpx drops the Authorization header on a redirect to another
            host.
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
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or Retry()
        self.follow_redirects = follow_redirects
        self._transport = transport
        self._async_transport = async_transport
        self._httpx_args = httpx_args or {}
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client every sync call goes through (made on first use)."""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url,
                auth=self.auth,
                timeout=self.timeout,
                follow_redirects=self.follow_redirects,
                transport=RetryTransport(self._transport or httpx.HTTPTransport(), self.retry),
                **self._httpx_args,
            )
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient every async call goes through (made on first use)."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self.base_url,
                auth=self.auth,
                timeout=self.timeout,
                follow_redirects=self.follow_redirects,
                transport=AsyncRetryTransport(self._async_transport or httpx.AsyncHTTPTransport(), self.retry),
                **self._httpx_args,
            )
        return self._async_client

    def request(self, **kwargs: Any) -> httpx.Response:
        """Send one request (`url` relative to the base URL) through the sync httpx client.

        A transport failure raises errors.TransportError.
        """
        # An absolute URL here spares httpx from merging it with its base_url, a quarter of its own cost per call.
        kwargs["url"] = self.base_url + kwargs["url"]
        try:
            return self.get_httpx_client().request(**kwargs)
        except httpx.TransportError as error:
            raise _transport_error(kwargs, error) from error

    async def arequest(self, **kwargs: Any) -> httpx.Response:
        """Send one request (`url` relative to the base URL) through the async httpx client.

        A transport failure raises errors.TransportError.
        """
        kwargs["url"] = self.base_url + kwargs["url"]
        try:
            return await self.get_async_httpx_client().request(**kwargs)
        except httpx.TransportError as error:
            raise _transport_error(kwargs, error) from error

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None:
            await self._async_client.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


class AuthenticatedClient(Client):
    """A Client whose calls carry an OAuth 2.0 token fetched with the App ID and App Secret."""

    auth: ClientCredentials

    def __init__(
        self,
        base_url: str,
        *,
        app_id: str,
        app_secret: str,
        **options: Unpack[ClientOptions],
    ) -> None:
        token_url = str(httpx.URL(base_url.rstrip("/") + "/").join(TOKEN_URL))
        super().__init__(base_url, auth=ClientCredentials(app_id, app_secret, token_url), **options)

    @classmethod
    def from_credentials(
        cls,
        *,
        app_id: str,
        app_secret: str,
        hostname: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> Self:
        """A client for `hostname` (the provider's API server) or a full `base_url`: exactly one of them."""
        if (hostname is None) == (base_url is None):
            raise ValueError("give either hostname (such as pbx.example.com) or base_url, not both or neither")
        url = base_url if base_url is not None else base_url_for(hostname or "")
        return cls(url, app_id=app_id, app_secret=app_secret, **options)


def _transport_error(kwargs: dict[str, Any], error: httpx.TransportError) -> errors.TransportError:
    return errors.TransportError(f"{kwargs['method'].upper()} {kwargs['url']}: {type(error).__name__}: {error}")


__all__ = [
    "DEFAULT_TIMEOUT",
    "SERVER_URL",
    "TOKEN_URL",
    "AsyncRetryTransport",
    "AuthenticatedClient",
    "Client",
    "ClientCredentials",
    "ClientOptions",
    "Retry",
    "RetryTransport",
    "base_url_for",
]

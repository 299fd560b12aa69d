"""OAuth 2.0 client credentials: fetch a token, keep it until shortly before it expires, fetch again.

The same token source feeds schemathesis (as an auth provider) and the suite's own checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from schemathesis import AuthContext, Case

from pbx_conformance.preflight import explain_transport_error, token_problem
from pbx_conformance.settings import Credentials
from pbx_kit import contract


def refresh_after(lifetime: int) -> int:
    """Whole seconds a token of `lifetime` seconds is used before a new one is fetched (the kit's renewal rule,
    which the SDK follows too), so no call goes out with a dying token."""
    return max(1, int(lifetime - contract.token_renewal_margin(lifetime)))


class TokenRefused(Exception):
    """The token endpoint did not issue a token for these credentials."""


class Unreachable(Exception):
    """No HTTP answer at all: connection refused, DNS failure, timeout, TLS failure."""


@dataclass
class TokenSource:
    """Tokens of one application, fetched from the token endpoint and cached until shortly before expiry."""

    token_url: str
    # None for a ready token (--token): it is used as given and never fetched.
    credentials: Credentials | None
    http: httpx.Client
    ready: str | None = field(default=None, repr=False)
    _token: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    lifetime: int = 3600
    # The shell variable a reproduction (curl) reads this application's token from.
    variable: str = "PBX_TOKEN"
    # Called after each request to the token endpoint, so the report counts every request sent.
    on_request: Callable[[], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        """The application, as messages name it: its App ID, or the option of its ready token."""
        if self.credentials is not None:
            return self.credentials.client_id
        return f"the ready token ${self.variable}"

    def token(self) -> str:
        if self.ready is not None:
            return self.ready
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                self._token = self.fetch()
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def fetch(self) -> str:
        """A new token, or TokenRefused/Unreachable with a one-line reason that never holds the secret."""
        if self.ready is not None or self.credentials is None:
            return self.ready or ""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        try:
            response = self.http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise Unreachable(explain_transport_error(exc, self.token_url, self.http.timeout.read or 0)) from None
        if self.on_request is not None:
            self.on_request()
        problem = token_problem(response, self.token_url)
        if problem is not None:
            raise TokenRefused(f"App ID {self.credentials.client_id!r}: {problem}")
        body = response.json()
        expires_in = body.get("expires_in")
        if isinstance(expires_in, int) and expires_in > 0:
            self.lifetime = expires_in
        self._expires_at = time.monotonic() + refresh_after(self.lifetime)
        return str(body["access_token"])


def schemathesis_provider(source: TokenSource) -> type:
    """An auth provider class for schemathesis that takes its tokens from `source`.

    Schemathesis wraps it in its own cache (refreshed every `refresh_interval` and after a 401), so `get`
    always asks the token endpoint for a fresh token.
    """

    class ClientCredentialsAuth:
        def get(self, case: Case[Any], context: AuthContext) -> str:
            return source.fetch()

        def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    return ClientCredentialsAuth

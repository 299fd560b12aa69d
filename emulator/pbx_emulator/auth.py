"""OAuth 2.0 client credentials (RFC 6749 section 4.4) and Bearer tokens (RFC 6750).

Tokens are random and opaque. Where they are kept is the store's choice (`TokenKeeper`): with SQLite, in this
process's memory with their expiry (a restart forgets them, as a provider's restart would not, but fetching a
new token on 401 is what the contract asks of callers anyway); with PostgreSQL, in the database, so a token one
worker issued is accepted by every worker.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote

from pbx_emulator.defaults import MAX_TOKENS_PER_APPLICATION
from pbx_emulator.errors import TokenError, Unauthorized, invalid_token
from pbx_emulator.rate_limit import FailedTokenRequests, TooManyFailedTokenRequests
from pbx_kit.seed import Application

SCOPE = "all"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Grant:
    """What a token stands for: the application, hence its client and access level."""

    application: Application


class TokenKeeper(Protocol):
    """Where live tokens are kept: each stands for an application until it expires or is revoked; one application
    holds at most a fixed number of live tokens, past which its oldest is revoked."""

    def keep(self, token: str, application: Application, lifetime: int) -> None: ...

    def find(self, token: str) -> Application | None:
        """The application a live token stands for, or None (unknown, expired or revoked)."""
        ...

    @property
    def live_tokens(self) -> int: ...


class MemoryTokens:
    """Tokens in this process's memory, bounded.

    Every token has the same lifetime, so tokens expire in the order they were issued, and keeping them in that
    order lets each token request forget the expired ones at a cost proportional to their number (not to every
    live token). Past `max_per_application` live tokens of one application, its oldest is revoked (a caller
    fetching a token per request would otherwise grow the store for as long as a token lives).
    """

    def __init__(
        self, max_per_application: int = MAX_TOKENS_PER_APPLICATION, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_per_application = max_per_application
        self._clock = clock
        # Every live token and its application and expiry, oldest first: an OrderedDict takes and drops at its
        # front, or anywhere, in O(1).
        self._grants: OrderedDict[str, tuple[Application, float]] = OrderedDict()
        self._by_application: dict[str, deque[str]] = {}  # each application's tokens, oldest first

    @property
    def live_tokens(self) -> int:
        return len(self._grants)

    def find(self, token: str) -> Application | None:
        found = self._grants.get(token)
        if found is None or found[1] <= self._clock():
            return None
        return found[0]

    def keep(self, token: str, application: Application, lifetime: int) -> None:
        now = self._clock()
        self._forget_expired(now)
        self._grants[token] = (application, now + lifetime)
        held = self._by_application.setdefault(application.app_id, deque())
        while held and held[0] not in self._grants:  # expired or revoked: they are always the oldest
            held.popleft()
        held.append(token)
        while len(held) > self._max_per_application:
            self._grants.pop(held.popleft(), None)

    def _forget_expired(self, now: float) -> None:
        while self._grants and next(iter(self._grants.values()))[1] <= now:
            self._grants.popitem(last=False)


class TokenIssuer:
    """Issues tokens and knows what each live one stands for (kept by `tokens`: this process's memory unless a
    store shares them)."""

    def __init__(
        self,
        find_application: Callable[[str], Application | None],
        lifetime: int = 3600,
        check_secret: bool = True,
        scheme_case_sensitive: bool = False,
        refuse_scope: bool = False,
        clock: Callable[[], float] = time.monotonic,
        max_tokens_per_application: int = MAX_TOKENS_PER_APPLICATION,
        failures: FailedTokenRequests | None = None,
        tokens: TokenKeeper | None = None,
        spec: Path | None = None,
    ) -> None:
        self._find_application = find_application
        self._failures = failures or FailedTokenRequests()
        self.lifetime = lifetime
        self._check_secret = check_secret
        # Faults (faults.py): `bearer-case-sensitive` and `token-refuses-scope`.
        self._scheme_case_sensitive = scheme_case_sensitive
        self._refuse_scope = refuse_scope
        self._tokens = tokens or MemoryTokens(max_tokens_per_application, clock)
        self._spec = spec  # the contract whose words the errors use

    @property
    def live_tokens(self) -> int:
        return self._tokens.live_tokens

    def issue(self, content_type: str, body: bytes, authorization: str | None, address: str = "") -> dict[str, object]:
        """The token answer for a token request from `address`, or a TokenError (429 past the failure limit)."""
        self._failures.refuse_if_over(("address", address))
        app_ids: list[str] = []  # the App ID, once the request names one
        try:
            return self._issue(content_type, body, authorization, app_ids)
        except TooManyFailedTokenRequests:
            raise
        except TokenError:
            self._failures.count(("address", address), *(("app", app_id) for app_id in app_ids))
            raise

    def _issue(
        self, content_type: str, body: bytes, authorization: str | None, app_ids: list[str]
    ) -> dict[str, object]:
        if content_type.split(";")[0].strip().lower() != FORM:
            raise TokenError("invalid_request", f"The request body must be {FORM}.")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as error:
            raise TokenError("invalid_request", "The request body is not valid UTF-8.") from error
        for name, values in form.items():
            if len(values) > 1:
                raise TokenError("invalid_request", f"The parameter {name} is repeated.")
        params = {name: values[0] for name, values in form.items()}
        grant_type = params.get("grant_type")
        if not grant_type:
            raise TokenError("invalid_request", "The grant_type parameter is missing.")
        if grant_type != "client_credentials":
            raise TokenError("unsupported_grant_type", "Only the client_credentials grant is supported.")
        scope = params.get("scope", "")
        if (scope and set(scope.split()) != {SCOPE}) or (self._refuse_scope and "scope" in params):
            raise TokenError("invalid_scope", f"The only scope is {SCOPE!r}.")
        app_id, secret, basic = _client_credentials(params, authorization)
        app_ids.append(app_id)
        self._failures.refuse_if_over(("app", app_id))  # even the right secret waits once it is locked
        application = self._find_application(app_id)
        if application is None or (
            self._check_secret and not hmac.compare_digest(application.app_secret.encode(), secret.encode())
        ):
            raise TokenError("invalid_client", "Unknown App ID or wrong App Secret.", basic_challenge=basic)
        token = secrets.token_urlsafe(32)
        self._tokens.keep(token, application, self.lifetime)
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime, "scope": SCOPE}

    def grant(self, authorization: str | None) -> Grant:
        """The grant behind an `Authorization: Bearer` header, or Unauthorized."""
        if not authorization:
            raise Unauthorized("An access token is required: send Authorization: Bearer <token>.", False)
        scheme, _, token = authorization.strip().partition(" ")
        if self._scheme_case_sensitive and scheme != "Bearer":
            raise Unauthorized("The Authorization header must be: Bearer <token>.", True)
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("The Authorization header must be: Bearer <token>.", True)
        application = self._tokens.find(token.strip())
        if application is None:
            raise invalid_token(self._spec)
        return Grant(application)


def _client_credentials(params: dict[str, str], authorization: str | None) -> tuple[str, str, bool]:
    """App ID and App Secret from HTTP Basic or the form (RFC 6749 2.3.1: one method, not both)."""
    in_form = "client_id" in params or "client_secret" in params
    if authorization and authorization.split(" ")[0].lower() == "basic":
        if "client_secret" in params:
            raise TokenError("invalid_request", "Send the client credentials one way only, not both.")
        try:
            decoded = base64.b64decode(authorization.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
        except (IndexError, ValueError, binascii.Error, UnicodeDecodeError) as error:
            raise TokenError("invalid_client", "Malformed HTTP Basic credentials.", basic_challenge=True) from error
        app_id, separator, secret = decoded.partition(":")
        if not separator:
            raise TokenError("invalid_client", "Malformed HTTP Basic credentials.", basic_challenge=True)
        # RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
        app_id, secret = unquote(app_id.replace("+", " ")), unquote(secret.replace("+", " "))
        if params.get("client_id") not in (None, app_id):
            raise TokenError("invalid_request", "client_id differs from the HTTP Basic credentials.")
        return app_id, secret, True
    if not in_form:
        raise TokenError("invalid_client", "Client authentication is missing.")
    return params.get("client_id", ""), params.get("client_secret", ""), False

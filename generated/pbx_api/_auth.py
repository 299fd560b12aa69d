# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/pbx_generator/runtime/_auth.py, not the copy in generated/pbx_api.
"""OAuth 2.0 client credentials (RFC 6749 section 4.4) as an `httpx.Auth`."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Generator
from typing import Literal
from urllib.parse import quote

import httpx

from pbx_api import errors
from pbx_api._retry import CALL, IDEMPOTENT, TOKEN_ORIGIN, origin_of
from pbx_api._spec import TOKEN_RENEWAL_FRACTION, TOKEN_RENEWAL_MAX_SECONDS

SendCredentials = Literal["form", "basic"]
"""How the token request carries the App ID and App Secret: form fields (as the provider documents) or HTTP Basic."""


class ClientCredentials(httpx.Auth):
    """OAuth 2.0 client credentials (RFC 6749 section 4.4) as an `httpx.Auth`.

    The token comes from the token endpoint, is kept until shortly before `expires_in` runs out, and is fetched
    again once when a call answers 401. The App ID and App Secret go as the form fields `client_id` and
    `client_secret`, as the provider documents (`send_credentials="form"`), or with HTTP Basic
    (`send_credentials="basic"`, RFC 6749 2.3.1). Either way they are sent to the token endpoint's host only: a
    redirect elsewhere fails with errors.TransportError before anything is sent there.

    Concurrent first calls share one token request: threads wait on a lock, asyncio tasks on an asyncio lock of
    their event loop. The App Secret and the token are never shown by repr() or in errors.
    """

    def __init__(
        self, app_id: str, app_secret: str, token_url: str, *, send_credentials: SendCredentials = "form"
    ) -> None:
        if not app_id or not app_secret:
            raise ValueError("an App ID and an App Secret are needed")
        if send_credentials not in ("form", "basic"):
            raise ValueError(f"send_credentials is 'form' or 'basic', not {send_credentials!r}")
        self.app_id = app_id
        self.token_url = token_url
        self.send_credentials = send_credentials
        self._origin = origin_of(httpx.URL(token_url))
        if send_credentials == "basic":
            credentials = f"{quote(app_id, safe='')}:{quote(app_secret, safe='')}"
            basic = "Basic " + base64.b64encode(credentials.encode()).decode()
            self._form, self._headers = {"grant_type": "client_credentials"}, {"Authorization": basic}
        else:
            form = {"grant_type": "client_credentials", "client_id": app_id, "client_secret": app_secret}
            self._form, self._headers = form, {}
        self._token: tuple[str, float] | None = None  # the token and when to renew it, replaced as one
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(app_id={self.app_id!r}, token_url={self.token_url!r}, "
            f"send_credentials={self.send_credentials!r})"
        )

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._valid_token()
        if token is None:
            with self._thread_lock:
                token = self._valid_token()
                if token is None:
                    answer = yield self._token_request(request)
                    answer.read()
                    token = self._keep(answer)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            with self._thread_lock:
                token = self._fresher_than(token)
                if token is None:
                    answer = yield self._token_request(request)
                    answer.read()
                    token = self._keep(answer)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._valid_token()
        if token is None:
            async with self._async_lock():
                token = self._valid_token()
                if token is None:
                    answer = yield self._token_request(request)
                    await answer.aread()
                    token = self._keep(answer)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            async with self._async_lock():
                token = self._fresher_than(token)
                if token is None:
                    answer = yield self._token_request(request)
                    await answer.aread()
                    token = self._keep(answer)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def _valid_token(self) -> str | None:
        kept = self._token
        return kept[0] if kept is not None and time.monotonic() < kept[1] else None

    def _fresher_than(self, rejected: str) -> str | None:
        """After a 401: a token fetched since `rejected` was sent, if another caller already got one."""
        kept = self._token
        if kept is not None and kept[0] == rejected:
            self._token = None
        return self._valid_token()

    def _async_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = self._async_locks.setdefault(loop, asyncio.Lock())
        return lock

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        # The call's policy and deadline (CALL) cover its token request too.
        inherited = {key: request.extensions[key] for key in (CALL, "timeout") if key in request.extensions}
        return httpx.Request(
            "POST",
            self.token_url,
            data=self._form,
            headers={**self._headers, "Accept": "application/json"},
            extensions={**inherited, IDEMPOTENT: True, TOKEN_ORIGIN: self._origin},
        )

    def _keep(self, answer: httpx.Response) -> str:
        """Store the token of a token-endpoint answer, or raise AuthenticationError for a refusal."""
        if answer.status_code in (400, 401):  # RFC 6749 5.2: the request or the credentials were refused
            body = errors.parse_body(answer, None)
            raise errors.AuthenticationError(answer.status_code, body, answer.headers, response=answer)
        if answer.status_code != 200:
            errors.raise_unexpected(answer)
        access_token, lifetime = _token_fields(answer)
        # Renew a little before the end (the kit's rule, written into _spec.py) so a call never races the expiry.
        margin = min(TOKEN_RENEWAL_MAX_SECONDS, lifetime * TOKEN_RENEWAL_FRACTION)
        self._token = (access_token, time.monotonic() + lifetime - margin)
        return access_token


def _token_fields(answer: httpx.Response) -> tuple[str, float]:
    """The access token and its lifetime in seconds, or InvalidResponse when the answer is no token."""
    try:
        data = answer.json()
    except ValueError:
        data = None
    token = data.get("access_token") if isinstance(data, dict) else None
    lifetime = data.get("expires_in") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token or isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
        raise errors.InvalidResponse(answer.status_code, "the token endpoint's answer is not a token")
    return token, float(lifetime)

"""Errors as exceptions, rendered in one place into the contract's error bodies.

Handlers raise; `error_response` turns an exception into JSON. Nothing here puts a request's token,
secret or a traceback into a body.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("pbx_emulator")

JSON = "application/json"


class ApiError(Exception):
    """An error answer: HTTP status, the JSON body the contract gives it, and extra headers."""

    def __init__(self, status_code: int, message: str, reason: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body: dict[str, Any] = {"message": message}
        if reason is not None:
            self.body["status"] = reason
        self.body.update(extra)
        self.headers: dict[str, str] = {}


class Unauthorized(ApiError):
    """No token, or a malformed, unknown or expired one: 401 with the RFC 6750 challenge."""

    def __init__(self, message: str, invalid_token: bool) -> None:
        super().__init__(401, message)
        challenge = 'Bearer realm="api"'
        if invalid_token:
            challenge += ', error="invalid_token"'
        self.headers["WWW-Authenticate"] = challenge


class ValidationFailed(ApiError):
    """A rejected PUT body: `field` names the first offending field, or null for the body as a whole."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(400, message, "invalid_request", field=field)
        self.field = field


def forbidden(message: str, reason: str) -> ApiError:
    return ApiError(403, message, reason)


def client_not_found() -> ApiError:
    return ApiError(404, "Client not found.", "client_not_found")


class TokenError(Exception):
    """An RFC 6749 section 5.2 error of the token endpoint; `invalid_client` answers 401, the others 400."""

    def __init__(self, error: str, description: str, basic_challenge: bool = False) -> None:
        super().__init__(description)
        self.status_code = 401 if error == "invalid_client" else 400
        self.body = {"error": error, "error_description": description}
        self.headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if basic_challenge:
            self.headers["WWW-Authenticate"] = 'Basic realm="oauth"'


def json_response(status_code: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status_code, headers=headers, media_type=JSON)


def error_response(error: ApiError | TokenError) -> Response:
    return json_response(error.status_code, error.body, error.headers)


async def render_api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError | TokenError)
    return error_response(error)


async def render_http_exception(request: Request, error: Exception) -> Response:
    """Routing's own errors (unknown path, method not allowed) in the contract's `Error` shape."""
    assert isinstance(error, HTTPException)
    messages = {404: "No such resource.", 405: f"Method {request.method} is not allowed here."}
    message = messages.get(error.status_code, error.detail)
    return json_response(error.status_code, {"message": message}, dict(error.headers or {}))


class CatchAllMiddleware:
    """The last resort: a bug becomes an honest 500 with the contract's `Error` body, never a traceback.

    It stays a 500 on purpose: disguising a bug as a 4xx would hide it from the conformance suite, whose
    not-a-server-error check exists to catch exactly this. The traceback goes to the log only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await json_response(500, {"message": "Internal error in the emulator."})(scope, receive, send)

"""Errors as exceptions, rendered in one place into the contract's error bodies.

Handlers raise; `EXCEPTION_HANDLERS` turns an exception into JSON, and `middleware.CatchAllMiddleware`
turns a bug into an honest 500. Where the contract gives an error's words (its examples), they are read from
there. Nothing here puts a request's token, secret or a traceback into a body.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from pbx_kit.contract import example_value

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

    @classmethod
    def from_example(cls, status_code: int, example_name: str, spec: Path | None = None) -> ApiError:
        """The error whose body is the contract's example of that name (`ClientNotFound`, ...), read from the
        contract `spec` (None: the default one)."""
        example: Mapping[str, Any] = example_value(example_name, spec)
        return cls(status_code, str(example["message"]), example.get("status"))


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


def forbidden(example_name: str, spec: Path | None = None) -> ApiError:
    """403 with the contract's example body (`AccessDenied`, `AppAccessTypeDeny`)."""
    return ApiError.from_example(403, example_name, spec)


def user_blocked() -> ApiError:
    # The contract names the status `user_blocked` but gives no example of its words: ours.
    return ApiError(403, "The client is blocked by the provider.", "user_blocked")


def client_not_found(spec: Path | None = None) -> ApiError:
    return ApiError.from_example(404, "ClientNotFound", spec)


def invalid_token(spec: Path | None = None) -> Unauthorized:
    return Unauthorized(str(example_value("TokenExpired", spec)["message"]), True)


class TokenError(Exception):
    """An RFC 6749 section 5.2 error of the token endpoint; `invalid_client` answers 401, the others 400."""

    def __init__(self, error: str, description: str, basic_challenge: bool = False) -> None:
        super().__init__(description)
        self.status_code = 401 if error == "invalid_client" else 400
        self.body = {"error": error, "error_description": description}
        self.headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if basic_challenge:
            self.headers["WWW-Authenticate"] = 'Basic realm="oauth"'


def json_response(status_code: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status_code, headers=headers, media_type=JSON)


def internal_error() -> Response:
    """What a bug answers: 500 in the `Error` shape, with nothing of the exception in it."""
    return json_response(500, {"message": "Internal error in the emulator."})


async def render_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError | TokenError)
    return json_response(error.status_code, error.body, error.headers)


async def render_http_exception(request: Request, error: Exception) -> Response:
    """Routing's own errors (unknown path, method not allowed) in the contract's `Error` shape."""
    assert isinstance(error, HTTPException)
    messages = {404: "No such resource.", 405: f"Method {request.method} is not allowed here."}
    message = messages.get(error.status_code, error.detail)
    return json_response(error.status_code, {"message": message}, dict(error.headers or {}))


# The one place an exception becomes an answer (Starlette's exception middleware calls these).
EXCEPTION_HANDLERS: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    ApiError: render_error,
    TokenError: render_error,
    HTTPException: render_http_exception,
}

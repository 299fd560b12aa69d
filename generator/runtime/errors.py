# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/runtime/errors.py, not the copy in generated/pbx_api.
"""What the SDK raises: one class per documented failure, each carrying the parsed error body.

    PbxError
    ├── TransportError          the API could not be reached, or the connection broke (after the retries allowed)
    ├── InvalidResponse         a success answer whose body does not follow the contract
    └── ApiError                an error answer; .status_code, .body (the parsed model), .message, .status
        ├── BadRequest          400, .field names the offending field
        ├── AuthenticationError 401, or the token endpoint refused the App ID / App Secret
        ├── PermissionDenied    403, .status such as "app_access_type_deny"
        ├── NotFound            404
        ├── RateLimited         429, .reset_after: seconds until the window resets (X-RateLimit-Reset)
        └── UnexpectedStatus    a status the operation does not document

Messages name the status and the server's message, never a token or a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import httpx


class PbxError(Exception):
    """Base of every error the SDK raises."""


class TransportError(PbxError):
    """The request did not get an answer: connection refused or broken, or a timeout."""


class InvalidResponse(PbxError):
    """A success answer whose body does not follow the contract (missing field, not JSON, ...)."""

    def __init__(self, status_code: int, detail: str) -> None:
        self.status_code = status_code
        super().__init__(f"{status_code}: the answer does not follow the contract: {detail}")


class ApiError(PbxError):
    """An error answer from the API.

    Attributes:
        status_code: the HTTP status.
        body: the parsed error body: a model from pbx_api.models, the plain JSON value when it does not fit the
            model, or None when it is not JSON.
        message: the server's human-readable message, if any.
        status: the server's machine-readable reason (`access_denied`, `invalid_client`, ...), if any.
        headers: the answer's headers.
    """

    def __init__(self, status_code: int, body: Any, headers: httpx.Headers) -> None:
        self.status_code = status_code
        self.body = body
        self.headers = headers
        self.message = _text(body, "message") or _text(body, "error_description")
        self.status = _text(body, "status") or _text(body, "error")
        detail = ": ".join(part for part in (self.status, self.message) if part)
        super().__init__(f"{status_code} {_reason(status_code)}" + (f": {detail}" if detail else ""))


class BadRequest(ApiError):
    """400: the request was rejected and nothing was changed; `field` names the first offending field."""

    @property
    def field(self) -> str | None:
        return _text(self.body, "field")


class AuthenticationError(ApiError):
    """401, or the token endpoint refused the credentials (`status` is then the OAuth error, e.g. invalid_client)."""


class PermissionDenied(ApiError):
    """403: the token is valid but may not do this; `status` says why (access_denied, app_access_type_deny, ...)."""


class NotFound(ApiError):
    """404: no client has this id."""


class RateLimited(ApiError):
    """429: the hourly call limit is used up; `reset_after` is the number of seconds until it resets."""

    @property
    def reset_after(self) -> int | None:
        try:
            return int(self.headers["X-RateLimit-Reset"])
        except (KeyError, ValueError):
            return None


class UnexpectedStatus(ApiError):
    """A status the operation does not document; `content` holds the raw body."""

    @property
    def content(self) -> bytes:
        return self._content

    def __init__(self, status_code: int, body: Any, headers: httpx.Headers, content: bytes = b"") -> None:
        self._content = content
        super().__init__(status_code, body, headers)


ERROR_FOR_STATUS: dict[int, type[ApiError]] = {  # the one table; the docstrings' "Raises:" are made from it
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    429: RateLimited,
}


def raise_for(response: httpx.Response, parse: Callable[[Any], Any] | None) -> NoReturn:
    """Raise the error that fits a documented error answer, with its body parsed by `parse`."""
    body = parse_body(response, parse)
    raise ERROR_FOR_STATUS.get(response.status_code, ApiError)(response.status_code, body, response.headers)


def raise_unexpected(response: httpx.Response) -> NoReturn:
    """Raise UnexpectedStatus for an answer the operation does not document."""
    raise UnexpectedStatus(response.status_code, parse_body(response, None), response.headers, response.content)


def parse_body(response: httpx.Response, parse: Callable[[Any], Any] | None) -> Any:
    """The body as the model `parse` builds; the plain JSON value if it does not fit the model; else None."""
    try:
        data = response.json()
    except ValueError:
        return None
    try:
        return parse(data) if parse is not None else data
    except (ValueError, KeyError, TypeError, AttributeError):
        return data


def _text(body: Any, name: str) -> str | None:
    value = body.get(name) if isinstance(body, dict) else getattr(body, name, None)
    return value if isinstance(value, str) else None


def _reason(status_code: int) -> str:
    try:
        return httpx.codes.get_reason_phrase(status_code)
    except ValueError:
        return ""


__all__ = [
    "ERROR_FOR_STATUS",
    "ApiError",
    "AuthenticationError",
    "BadRequest",
    "InvalidResponse",
    "NotFound",
    "PbxError",
    "PermissionDenied",
    "RateLimited",
    "TransportError",
    "UnexpectedStatus",
]

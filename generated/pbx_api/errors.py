# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/pbx_generator/runtime/errors.py, not the copy in generated/pbx_api.
"""What the SDK raises: one class per documented failure, each carrying the parsed error body.

    PbxError
    ├── ConfigurationError      a missing or wrong setting (also a ValueError): names the variable or argument
    ├── EventLoopClosed         an AsyncPbxClient used after the event loop it started in closed (a RuntimeError)
    ├── TransportError          the API could not be reached, or the connection broke (after the retries allowed)
    │   └── Timeout             the call's timeout ran out (retries included)
    ├── InvalidResponse         an answer that breaks the contract where it matters: .operation, .field, .found
    └── ApiError                an error answer; .status_code, .body (the parsed model), .message, .status,
        │                       .method, .url, .response (the raw httpx.Response), .rate_limit
        ├── BadRequest          400, .field names the offending field
        ├── AuthenticationError 401, or the token endpoint refused the App ID / App Secret
        ├── PermissionDenied    403, .status such as "app_access_type_deny"
        ├── NotFound            404
        ├── RateLimited         429, .retry_after: seconds to wait (X-RateLimit-Reset, else Retry-After)
        └── UnexpectedStatus    a status the operation does not document

Messages name the status and the server's message, never a token or a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx


class PbxError(Exception):
    """Base of every error the SDK raises."""


class ConfigurationError(PbxError, ValueError):
    """A setting is missing or wrong; the message names the environment variable or argument to set."""


class EventLoopClosed(PbxError, RuntimeError):
    """An AsyncPbxClient was used after the event loop it first ran in had closed."""


class TransportError(PbxError):
    """The request did not get an answer: connection refused or broken, or a timeout."""


class Timeout(TransportError):
    """The call's timeout ran out before an answer came (the token request and retries count towards it)."""


_SHOWN = 60  # characters of a wrong value shown in an InvalidResponse


class InvalidResponse(PbxError):
    """An answer that breaks the contract where it matters: not JSON, a required field missing, a wrong type.

    Attributes: status_code; operation (such as getClient), field (the JSON field, None for the whole body) and
    found (what came instead, shortened), when known.
    """

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        operation: str | None = None,
        field: str | None = None,
        found: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.operation = operation
        self.field = field
        self.found = found
        where = f"{operation}: " if operation else ""
        super().__init__(f"{where}{status_code} answer does not follow the contract: {detail}")

    @staticmethod
    def shown(value: Any) -> str:
        """A value as an InvalidResponse shows it: its type and a shortened repr."""
        text = repr(value)
        return f"{type(value).__name__} {text if len(text) <= _SHOWN else text[: _SHOWN - 3] + '...'}"


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit headers every answer carries: the hourly limit, the calls left, seconds until the reset."""

    limit: int | None
    remaining: int | None
    reset: int | None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimit:
        return cls(
            _int(headers, "X-RateLimit-Limit"),
            _int(headers, "X-RateLimit-Remaining"),
            _int(headers, "X-RateLimit-Reset"),
        )


class ApiError(PbxError):
    """An error answer from the API.

    Attributes:
        status_code: the HTTP status.
        body: the parsed error body: a model from pbx_api.models, the plain JSON value when it does not fit the
            model, or None when it is not JSON.
        message: the server's human-readable message, if any.
        status: the server's machine-readable reason (`access_denied`, `invalid_client`, ...), if any.
        headers: the answer's headers; rate_limit: its rate-limit headers.
        method, url: the request that got this answer; response: the raw httpx.Response, when there is one.
    """

    def __init__(
        self, status_code: int, body: Any, headers: httpx.Headers, *, response: httpx.Response | None = None
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.headers = headers
        self.response = response
        request = _request_of(response)
        self.method = request.method if request is not None else None
        self.url = str(request.url) if request is not None else None
        self.message = _text(body, "message") or _text(body, "error_description")
        self.status = _text(body, "status") or _text(body, "error")
        detail = ": ".join(part for part in (self.status, self.message) if part)
        sent = f" ({self.method} {self.url})" if request is not None else ""
        super().__init__(f"{status_code} {_reason(status_code)}" + (f": {detail}" if detail else "") + sent)

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit.from_headers(self.headers)


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
    """429: the hourly call limit is used up. `retry_after`: seconds until a call may succeed again."""

    @property
    def reset_after(self) -> int | None:
        """Seconds until the limit resets, from X-RateLimit-Reset."""
        return _int(self.headers, "X-RateLimit-Reset")

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before calling again: X-RateLimit-Reset, else Retry-After (seconds or an HTTP date)."""
        from pbx_api._retry import requested_wait  # _retry imports this module

        return requested_wait(self.headers)


class UnexpectedStatus(ApiError):
    """A status the operation does not document; `content` holds the raw body."""

    @property
    def content(self) -> bytes:
        return self._content

    def __init__(
        self,
        status_code: int,
        body: Any,
        headers: httpx.Headers,
        content: bytes = b"",
        *,
        response: httpx.Response | None = None,
    ) -> None:
        self._content = content
        super().__init__(status_code, body, headers, response=response)


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
    error = ERROR_FOR_STATUS.get(response.status_code, ApiError)
    raise error(response.status_code, body, response.headers, response=response)


def raise_unexpected(response: httpx.Response) -> NoReturn:
    """Raise UnexpectedStatus for an answer the operation does not document."""
    body = parse_body(response, None)
    raise UnexpectedStatus(response.status_code, body, response.headers, response.content, response=response)


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


def _int(headers: httpx.Headers, name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, ValueError):
        return None


def _request_of(response: httpx.Response | None) -> httpx.Request | None:
    try:
        return response.request if response is not None else None
    except RuntimeError:  # a Response made by hand has no request
        return None


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
    "ConfigurationError",
    "EventLoopClosed",
    "InvalidResponse",
    "NotFound",
    "PbxError",
    "PermissionDenied",
    "RateLimit",
    "RateLimited",
    "Timeout",
    "TransportError",
    "UnexpectedStatus",
]

"""Misconfiguration is not non-conformance: before any check, the token endpoint and one authenticated read are
looked at, and what is wrong is said in one line with what to try (exit 2), never as a page of failures.

The same explanations serve every request that gets no usable answer (`explain_transport_error`) and every
answer that cannot be the API's (`explain_unusable_answer`).
"""

from __future__ import annotations

import json
import ssl
from typing import Any
from urllib.parse import urlsplit

import httpx

from pbx_kit import contract


class Misconfigured(Exception):
    """The run cannot happen as configured; the message is the one-line reason with what to try."""


def explain_transport_error(error: httpx.HTTPError, url: str, timeout: float) -> str:
    """Why a request got no HTTP answer at all, in words a QA engineer can act on."""
    host = urlsplit(url).hostname or url
    text = f"{error!r} {error.__cause__!r} {error.__context__!r}".lower()
    if isinstance(error, httpx.TimeoutException):
        return f"no answer from {host} within {timeout:g} s (--timeout): the server hangs or a firewall drops packets"
    if isinstance(error.__cause__, ssl.SSLError) or "ssl" in text or "certificate" in text or "tls" in text:
        return f"TLS failed with {host}: is the URL's scheme right (http vs https), and its certificate valid?"
    if any(words in text for words in ("name or service not known", "nodename nor servname", "name resolution")):
        return f"cannot resolve the host name {host!r}: check the URL for a typo, or your DNS"
    if "refused" in text:
        return f"{host} unreachable: connection refused (is the server running, and the port right?)"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError) or "reset" in text:
        return f"{host} closed or reset the connection without an answer: a proxy, firewall or wrong port?"
    return f"{host} unreachable: {type(error).__name__}"


def _reset_in(response: httpx.Response) -> str:
    for name in ("x-ratelimit-reset", "retry-after"):
        value = response.headers.get(name)
        if value and value.strip().isdigit():
            return f"; it resets in {value.strip()} s, try again then"
    return "; try again in an hour"


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def explain_unusable_answer(response: httpx.Response, what: str) -> str | None:
    """Why an answer cannot be the API's own (rate limited, server down, a web page), or None."""
    status = response.status_code
    if status == 429:
        return f"{what} answered 429: the account's rate-limit quota is spent{_reset_in(response)}"
    if status >= 500:
        return f"{what} answered {status}: the server is failing; try again later, or ask its operators"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if _json(response) is None:
        looks = "an HTML page" if "html" in content_type or b"<html" in response.content[:512].lower() else "not JSON"
        return (
            f"{what} answered {status} with {looks} ({content_type or 'no Content-Type'}), not JSON: "
            "a login page, captive portal or proxy in the way, or the wrong URL?"
        )
    return None


def token_problem(response: httpx.Response, url: str) -> str | None:
    """Why a token endpoint's answer gives no token, or None when it does."""
    what = f"the token endpoint {url}"
    unusable = explain_unusable_answer(response, what)
    if unusable is not None:
        return unusable + " (check --token-url)"
    body = _json(response)
    if response.status_code in (404, 405):
        return f"{what} answered {response.status_code}: is --token-url the provider's OAuth 2.0 token endpoint?"
    if response.status_code != 200 or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        return f"{what} refused the credentials: HTTP {response.status_code}{f' {error}' if error else ''}"
    if not isinstance(body.get("access_token"), str) or not body["access_token"]:
        return f"{what} answered 200 without an access_token: is --token-url the OAuth 2.0 token endpoint?"
    return None


def read_problem(response: httpx.Response, url: str, option: str) -> str | None:
    """Why the first authenticated read (`GET @me`) cannot start a run, or None."""
    what = f"GET {url}"
    unusable = explain_unusable_answer(response, what)
    if unusable is not None:
        return unusable
    if response.status_code == 404:
        return f"{what} answered 404: does --base-url end in {contract.api_base_path()} (https://HOST{contract.api_base_path()})?"
    if response.status_code == 401:
        return f"{what} answered 401 to the token of {option}: expired, or from another provider's token endpoint?"
    if response.status_code == 403:
        body = _json(response)
        status = body.get("status") if isinstance(body, dict) else None
        return f"{what} answered 403{f' {status}' if status else ''}: {option}'s client cannot read itself (blocked?)"
    if response.status_code != 200:
        return f"{what} answered {response.status_code}, expected 200 with the client"
    body = _json(response)
    if not isinstance(body, dict):
        return f"{what} answered 200 with JSON that is not an object: is --base-url this API?"
    if not set(body) & set(contract.schema_properties("Client")):
        keys = ", ".join(sorted(str(key) for key in body)[:5]) or "none"
        return (
            f"{what} answered 200 with a JSON object holding none of a client's fields (its keys: {keys}): "
            f"is --base-url this API's base URL (https://HOST{contract.api_base_path()})?"
        )
    return None


def write_access_problem(response: httpx.Response, option: str, application: str) -> str | None:
    """Why a PUT of a value the client already holds, refused, shows the writing application cannot write at all
    (its access level, or its user's), or None."""
    if response.status_code != 403:
        return None
    body = _json(response)
    status = body.get("status") if isinstance(body, dict) else None
    if status == "app_access_type_deny":
        return (
            f'{option} {application} has the "Call API" access level: its PUT of a value the client already holds '
            f'answered 403 app_access_type_deny; give an application with the "All" access level as {option} '
            "(the Call API one as --readonly-client-id), or run with --no-writes"
        )
    if status == "user_access_type_deny":
        return (
            f"{option} {application} acts for a user with read_only access: its PUT of a value the client already "
            "holds answered 403 user_access_type_deny; give an application created by a user with full access, or "
            "run with --no-writes"
        )
    return None

"""Every check the suite adds to schemathesis's own, each a plain function named for what it checks, registered
by the one line above it (see registry.py for the two kinds and their signatures).

Response checks take schemathesis's signature `(ctx, response, case)` (`ctx`: schemathesis's check context,
`None` on the suite's own calls) and raise AssertionError; schemathesis runs them on every generated case and the
suite on each of its own calls. Scenario checks send their own requests through the suite's session with the
server: `(session, operation)`, raising CheckFailed (with the response that shows it) or Skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from pbx_conformance import spec
from pbx_conformance.registry import CaseLike, CheckFailed, ResponseLike, Skipped, response_check, scenario_check
from pbx_conformance.session import NO_TOKEN, TargetSession
from pbx_kit import contract

# --- on every response ---------------------------------------------------------------------------


@response_check(token_endpoint=False)
def rate_limit_headers_are_present(ctx: Any, response: ResponseLike, case: CaseLike) -> None:
    """Every X-RateLimit-* header of the contract is present, an integer within its schema's bounds,
    and Remaining never exceeds Limit."""
    values: dict[str, int] = {}
    lowered = {name.lower(): value for name, value in response.headers.items()}
    for name, schema in spec.rate_limit_headers().items():
        raw = lowered.get(name.lower())
        if not raw:
            raise AssertionError(f"header {name} is missing")
        try:
            value = int(str(raw[0]).strip())
        except ValueError:
            raise AssertionError(f"header {name} is not an integer: {raw[0]!r}") from None
        if "minimum" in schema and value < schema["minimum"]:
            raise AssertionError(f"header {name} is {value}, below its minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise AssertionError(f"header {name} is {value}, above its maximum {schema['maximum']}")
        values[name.lower()] = value
    limit, remaining = values.get("x-ratelimit-limit"), values.get("x-ratelimit-remaining")
    if limit is not None and remaining is not None and remaining > limit:
        raise AssertionError(f"X-RateLimit-Remaining ({remaining}) exceeds X-RateLimit-Limit ({limit})")


@response_check
def error_body_matches_error_schema(ctx: Any, response: ResponseLike, case: CaseLike) -> None:
    """An error response (4xx, 5xx) has a JSON body valid against the error schema openapi.yaml gives for
    that status (the base `Error` where the status is not documented)."""
    status, label = response.status_code, case.operation.label
    if status < 400:
        return
    try:
        document = json.loads(response.content or b"")
    except ValueError:
        raise AssertionError(f"the {status} error body is not JSON") from None
    validator = spec.token_error_validator() if label == spec.token_label() else spec.error_validator(label, status)
    error = validator.first_error(document)
    if error is not None:
        raise AssertionError(
            f"the {status} error body does not match the error schema at {error.where}: {error.message}"
        )


# --- the suite's own requests --------------------------------------------------------------------


# An expired-looking token: a well-formed JWT whose `exp` is 1970. A server must answer it 401.
EXPIRED_LOOKING_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjEsInN1YiI6ImRlbW8ifQ.c2lnbmF0dXJl"


def _error_status(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("status") if isinstance(body, dict) else None


def _expect_error(response: httpx.Response, status: int, reason: str | None, what: str) -> None:
    if response.status_code != status:
        raise CheckFailed(f"{what} answered {response.status_code}, expected {status} {reason or ''}".strip(), response)
    if reason is not None and _error_status(response) != reason:
        raise CheckFailed(
            f"{what} answered {status} with status {_error_status(response)!r}, expected {reason!r}", response
        )


def _first_free_text() -> str:
    fields = spec.free_text_fields()
    if not fields:
        raise Skipped("openapi.yaml has no writable free-text field to change")
    return fields[0]


def _put(
    session: TargetSession,
    operation: spec.OperationUnderTest,
    body: dict[str, Any],
    client_id: str | int = "@me",
    **kwargs: Any,
) -> httpx.Response:
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    response = session.call(operation, client_id, json=body, **kwargs)
    denied = client_id != contract.ME or kwargs.get("identity") is not None
    if denied and 200 <= response.status_code < 300 and session.on_unexpected_write is not None:
        session.on_unexpected_write()  # a write the server should have denied: put the client back at once
    return response


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any], ignore: Iterable[str] = ()) -> list[str]:
    ignored = set(ignore)
    return sorted(
        name for name in before.keys() | after.keys() if name not in ignored and before.get(name) != after.get(name)
    )


# --- identity and aliases -------------------------------------------------------------------------


@scenario_check(spec.reads)
def me_and_numeric_id_are_same_client(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """For every application the run has: `@me` and the client's own numeric id answer the same client."""
    for application in (session.main, session.other, session.readonly):
        if application is None:
            continue
        me = session.client(operation, "@me", identity=application)
        identity = spec.identity_field()
        if identity not in me:
            raise CheckFailed(f"@me answered a client without its {identity!r}", None)
        response = session.call(operation, me[identity], identity=application)
        if response.status_code != 200:
            raise CheckFailed(
                f"{application.name}: @me answered client {me[identity]!r}; expected that id to answer 200 to the "
                f"same token, got {response.status_code}",
                response,
            )
        if response.json() != me:
            differing = _changed_fields(me, response.json())
            raise CheckFailed(
                f"{application.name}: @me and id {me[identity]!r} answer different clients (fields {differing})",
                response,
            )


@scenario_check(spec.writes, writes=True)
def put_is_persisted_and_keeps_unsent_fields(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A PUT answers the stored client, a later GET shows the change, and fields not sent keep their values."""
    name = _first_free_text()
    read = spec.read_of(operation)
    before = session.client(read)
    value = spec.changed_text(before.get(name), spec.field_schemas()[name], f"put {operation.operation_id}")
    response = _put(session, operation, {name: value})
    if response.status_code != 200:
        raise CheckFailed(f"a valid PUT of {name!r} answered {response.status_code}, expected 200", response)
    if response.json().get(name) != value:
        raise CheckFailed(f"the PUT's answer does not show the new {name!r}", response)
    after_response = session.call(read)
    after = session.client_of(after_response)
    if after.get(name) != value:
        raise CheckFailed(
            f"PUT answered 200 but a later GET shows {name!r} = {after.get(name)!r}: not stored", after_response
        )
    changed = _changed_fields(before, after, ignore=[name])
    if changed:
        raise CheckFailed(f"fields that were not sent changed: {changed}", after_response)


@scenario_check(spec.writes, writes=True)
def write_is_visible_through_other_path(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A change made through one path reads back at once through the other path."""
    name = _first_free_text()
    other_read = spec.other_read(operation)
    before = session.client(other_read)
    value = spec.changed_text(before.get(name), spec.field_schemas()[name], f"via {operation.operation_id}")
    response = _put(session, operation, {name: value})
    if response.status_code != 200:
        raise CheckFailed(f"a valid PUT of {name!r} answered {response.status_code}, expected 200", response)
    seen = session.call(other_read)
    shown = session.client_of(seen).get(name)
    if shown != value:
        raise CheckFailed(
            f"{name!r} changed through {operation.path} but {other_read.path} still shows {shown!r}", seen
        )


@scenario_check(spec.writes, writes=True)
def read_only_fields_cannot_be_changed(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A PUT of any read-only field answers 400 naming the field, and the field keeps its value."""
    read = spec.read_of(operation)
    before = session.client(read)
    # The client's own id is left alone: on a real tenant, a server that let it change would lose the client.
    names = sorted(contract.read_only_fields() - {spec.identity_field()})
    problems = []
    accepted = False
    for name in names:
        response = _put(session, operation, {name: spec.different_value(name, before.get(name))})
        accepted = accepted or 200 <= response.status_code < 300
        if response.status_code != 400:
            problems.append((f"a PUT of read-only {name!r} answered {response.status_code}, expected 400", response))
            continue
        body = response.json()
        if body.get("field") != name:
            problems.append((f"the 400 for read-only {name!r} names field {body.get('field')!r}", response))
    after_response = session.call(read)
    changed = [name for name in _changed_fields(before, session.client_of(after_response)) if name in names]
    if accepted and session.on_unexpected_write is not None:
        session.on_unexpected_write()  # put provider-set fields back at once, not only at the end of the run
    if changed:
        raise CheckFailed(f"read-only fields changed: {changed}", after_response)
    if problems:
        raise CheckFailed(*problems[0])


@scenario_check(spec.writes, writes=True)
def invalid_put_changes_nothing(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A PUT with one valid and one invalid field answers 400 and stores neither."""
    name = _first_free_text()
    bad = next((field for field in reversed(spec.free_text_fields() or []) if field != name), None)
    bad = bad or next(field for field in sorted(contract.writable_fields()) if field != name)
    read = spec.read_of(operation)
    before = session.client(read)
    value = spec.changed_text(before.get(name), spec.field_schemas()[name], "invalid put")
    response = _put(session, operation, {name: value, bad: spec.invalid_value(bad)})
    if response.status_code != 400:
        raise CheckFailed(f"a PUT with an invalid {bad!r} answered {response.status_code}, expected 400", response)
    after_response = session.call(read)
    changed = _changed_fields(before, session.client_of(after_response))
    if changed:
        raise CheckFailed(f"the rejected PUT changed {changed}", after_response)


# --- access --------------------------------------------------------------------------------------


@scenario_check(spec.operations)
def other_client_id_is_denied(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Another client's id answers 403 `access_denied` and none of that client's data."""
    if session.other is None:
        raise Skipped("needs --other-client-id/--other-client-secret (an application of another client)")
    other_id = session.own_id(session.other)
    if other_id == session.own_id():
        raise Skipped("--other-client-id belongs to the same client as --client-id")
    read = spec.read_of(operation)
    theirs = session.client(read, "@me", identity=session.other)
    if operation.method == "GET":
        response = session.call(operation, other_id)
    elif session.other_write_blocked is not None:
        raise Skipped(session.other_write_blocked)
    else:
        name = _first_free_text()
        # Their own current value: even a server that wrongly accepts it changes nothing.
        response = _put(session, operation, {name: theirs.get(name)}, other_id)
    _expect_error(response, 403, "access_denied", f"{operation.method} of another client's id {other_id}")
    leaked = [
        key for key, value in theirs.items() if isinstance(value, str) and len(value) >= 4 and value in response.text
    ]
    if leaked:
        raise CheckFailed(f"the 403 carries the other client's {leaked}", response)


@scenario_check(spec.writes)
def call_api_application_cannot_write(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A "Call API" application may read its client but its PUT answers 403 `app_access_type_deny`."""
    if session.readonly is None:
        raise Skipped('needs --readonly-client-id/--readonly-client-secret (a "Call API" application)')
    current = session.client(spec.read_of(operation), "@me", identity=session.readonly)
    name = _first_free_text()
    response = _put(session, operation, {name: current.get(name)}, identity=session.readonly)
    _expect_error(response, 403, "app_access_type_deny", 'a "Call API" application\'s PUT')


@scenario_check(spec.operations)
def invalid_token_is_rejected(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """No token, a malformed, an unknown or an expired-looking token answers 401 with a Bearer challenge."""
    body = None
    if operation.method == "PUT":
        if session.no_writes:
            raise Skipped(session.no_writes_because)
        name = _first_free_text()
        body = {name: session.client(spec.read_of(operation)).get(name)}
    # A real token with a character in front: unknown to the server, yet the report can show it as
    # `x${PBX_TOKEN}` without giving the token away.
    tampered = "x" + session.main.token()
    for what, token in (
        ("no token", NO_TOKEN),
        ("a malformed token", "Bearer not a token"),
        ("an unknown token", "Bearer pbx-conformance-unknown-token"),
        ("an expired-looking token", f"Bearer {EXPIRED_LOOKING_TOKEN}"),
        ("a tampered token", f"Bearer {tampered}"),
    ):
        response = session.call(operation, "@me", token=token, json=body)
        if response.status_code != 401:
            raise CheckFailed(f"a call with {what} answered {response.status_code}, expected 401", response)
        if not response.headers.get("www-authenticate", "").lower().startswith("bearer"):
            raise CheckFailed(f"the 401 for {what} has no `WWW-Authenticate: Bearer` challenge", response)


@scenario_check(spec.reads)
def rate_limit_remaining_decreases(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Over consecutive calls X-RateLimit-Remaining goes down (unless the window resets) and never below 0."""
    seen: list[tuple[int, int]] = []
    for _ in range(3):
        response = session.call(operation)
        try:
            remaining = int(response.headers["x-ratelimit-remaining"])
            reset = int(response.headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            raise CheckFailed(
                "X-RateLimit-Remaining or X-RateLimit-Reset missing or not an integer", response
            ) from None
        if remaining < 0:
            raise CheckFailed(f"X-RateLimit-Remaining is negative ({remaining})", response)
        if seen and remaining >= seen[-1][0] and reset <= seen[-1][1]:
            raise CheckFailed(
                f"X-RateLimit-Remaining went {seen[-1][0]} -> {remaining} within one window: it must go down", response
            )
        seen.append((remaining, reset))


# --- the token endpoint ---------------------------------------------------------------------------


def _token_form(session: TargetSession, **changes: str | None) -> dict[str, str]:
    if session.main.credentials is None:
        raise Skipped(f"a ready token was given (${session.main.variable}): the suite does not use the token endpoint")
    form = {
        "grant_type": "client_credentials",
        "client_id": session.main.credentials.client_id,
        "client_secret": session.main.credentials.client_secret,
    }
    merged: dict[str, str | None] = {**form, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def _token_error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _expect_token_error(response: httpx.Response, allowed: set[tuple[int, str]], what: str) -> None:
    """The answer's (status, error) is one of `allowed`."""
    found = (response.status_code, _token_error(response))
    if found not in allowed:
        expected = " or ".join(f"{status} {error}" for status, error in sorted(allowed))
        error = f"error {found[1]!r}" if found[1] else "no `error`"
        raise CheckFailed(f"{what} answered {found[0]} with {error}, expected {expected}", response)


@scenario_check(spec.token_endpoint)
def token_endpoint_issues_a_token(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """The right App ID and App Secret get 200 and a token matching the contract's `Token` schema."""
    response = session.token_request(_token_form(session))
    if response.status_code != 200:
        raise CheckFailed(f"valid credentials answered {response.status_code}, expected 200", response)
    error = next(iter(spec.token_validator().iter_errors(response.json())), None)
    if error is not None:
        where = error.where
        raise CheckFailed(f"the token answer does not match the Token schema at {where}: {error.message}", response)


@scenario_check(spec.token_endpoint)
def token_endpoint_rejects_wrong_secret(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A known App ID with a wrong App Secret gets 401 `invalid_client` and no token."""
    wrong = _token_form(session)["client_secret"] + "-wrong"
    response = session.token_request(_token_form(session, client_secret=wrong))
    _expect_token_error(response, {(401, "invalid_client")}, "a wrong App Secret")


@scenario_check(spec.token_endpoint)
def token_endpoint_rejects_unknown_grant_type(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A grant type other than client_credentials gets 400 `unsupported_grant_type`."""
    response = session.token_request(_token_form(session, grant_type="password"))
    _expect_token_error(response, {(400, "unsupported_grant_type")}, "grant_type=password")


@scenario_check(spec.token_endpoint)
def token_endpoint_rejects_missing_parameters(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """No grant_type gets 400 `invalid_request`; no client credentials get 400 `invalid_request` or 401
    `invalid_client` (RFC 6749 section 5.2 allows either)."""
    response = session.token_request(_token_form(session, grant_type=None))
    _expect_token_error(response, {(400, "invalid_request")}, "a request without grant_type")
    for what, changes in (
        ("a request without client_secret", {"client_secret": None}),
        ("a request without client credentials", {"client_id": None, "client_secret": None}),
    ):
        response = session.token_request(_token_form(session, **changes))
        _expect_token_error(response, {(400, "invalid_request"), (401, "invalid_client")}, what)


# --- every promise, every field, every application ---------------------------------------------------


@scenario_check(spec.writes, writes=True)
def every_writable_field_round_trips(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Every writable field (not a sample) takes the values at the edges of its schema, `null` where nullable:
    the PUT answers 200 showing the value, and a later GET through the other path returns the same."""
    other_read = spec.other_read(operation)
    problems: list[tuple[str, httpx.Response]] = []
    for name in sorted(contract.writable_fields()):
        for value in spec.edge_values(name, operation.label):
            sent = f"PUT {{{name!r}: {_short(value)}}}"
            response = _put(session, operation, {name: value})
            if response.status_code != 200:
                problems.append((f"{sent}: expected 200, got {response.status_code}", response))
                continue
            answered = session.client_of(response).get(name)
            if answered != value:
                problems.append((f"{sent}: expected the answer to show it, got {_short(answered)}", response))
                continue
            later = session.call(other_read)
            seen = session.client_of(later).get(name)
            if seen != value:
                problems.append(
                    (
                        f"{sent} answered it; expected a later GET {other_read.path} to show it, got {_short(seen)}",
                        later,
                    )
                )
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message, response = problems[0]
        raise CheckFailed(message + more, response)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} chars)"


@scenario_check(spec.reads)
def unknown_client_id_is_not_found(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """An id that names no client, anything but a positive integer or `@me` included, answers 404
    `client_not_found`."""
    expected = spec.error_status(operation.label, 404)
    for client_id in ("0", "-1", "not-a-client"):
        response = session.call(operation, client_id)
        _expect_error(response, 404, expected, f"GET with id {client_id!r}")


@scenario_check(spec.writes, writes=True)
def oversized_or_non_json_body_changes_nothing(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A body far over the documented size limit answers 413, a body that is not JSON-typed 415, and neither
    changes anything."""
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    name = _first_free_text()
    read = spec.read_of(operation)
    before = session.client(read)
    # Far over the contract's limit (`x-max-body-bytes`): 16 times it.
    oversized = 16 * contract.max_body_bytes()
    for what, expected, content, content_type in (
        (f"a {_size(oversized)} body", 413, json.dumps({name: "x" * oversized}).encode(), "application/json"),
        ("a text/plain body", 415, json.dumps({name: "plain"}).encode(), "text/plain"),
    ):
        response = session.send_body(operation, content, content_type)
        if response.status_code != expected:
            raise CheckFailed(f"{what}: expected {expected}, got {response.status_code}", response)
    after_response = session.call(read)
    changed = _changed_fields(before, session.client_of(after_response))
    if changed:
        raise CheckFailed(f"a refused body changed {changed}", after_response)


def _size(count: int) -> str:
    """`1 MiB`, `512 KiB` or `1000 bytes`: a byte count as a message says it."""
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


# --- information, not a check ---------------------------------------------------------------------------


def http_basic_at_the_token_endpoint(session: TargetSession) -> str | None:
    """Whether the token endpoint also takes the App ID and Secret as HTTP Basic (RFC 6749 2.3.1): the provider
    documents form fields, so either answer is information for the report, never a failure."""
    if session.main.credentials is None or session.no_token_probe:
        return None
    credentials = session.main.credentials
    response = session.http.post(
        session.token_url,
        data={"grant_type": "client_credentials"},
        auth=(credentials.client_id, credentials.client_secret),
    )
    session.results.request(spec.token_label())
    try:
        accepted = response.status_code == 200 and bool(response.json().get("access_token"))
    except (ValueError, AttributeError):
        accepted = False
    verdict = "accepts" if accepted else "does not accept"
    return (
        f"information: the token endpoint {verdict} HTTP Basic client authentication "
        f"(answered {response.status_code}); the provider documents form fields"
    )

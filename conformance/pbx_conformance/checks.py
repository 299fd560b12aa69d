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


@response_check(
    token_endpoint=False,
    promise="Every response, errors included, carries X-RateLimit-Limit, -Remaining and -Reset",
    fails_when="a header is missing, is not an integer, is outside its schema's bounds, or Remaining exceeds Limit",
    sends="nothing of its own: it judges every answer of the API, the suite's calls and schemathesis's cases",
)
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


@response_check(
    promise="Errors are JSON with `message`, and `status` where the HTTP status is ambiguous, as the schema of their "
    "status says",
    fails_when="a 4xx or 5xx body is not JSON or does not match the error schema openapi.yaml gives for that status",
    sends="nothing of its own: it judges every error answer, the token endpoint's included",
)
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
    *,
    own: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    """A PUT through the session; `own`: the main application's own client by its numeric id, which it may write."""
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    response = session.call(operation, client_id, json=body, **kwargs)
    denied = (client_id != contract.ME and not own) or kwargs.get("identity") is not None
    if denied and 200 <= response.status_code < 300 and session.on_unexpected_write is not None:
        session.on_unexpected_write()  # a write the server should have denied: put the client back at once
    return response


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any], ignore: Iterable[str] = ()) -> list[str]:
    ignored = set(ignore)
    return sorted(
        name for name in before.keys() | after.keys() if name not in ignored and before.get(name) != after.get(name)
    )


def _applications(session: TargetSession) -> list[tuple[str, Any]]:
    """(access level, application) of every application the run has: `--client-id` and `--other-client-id` are
    "All" applications, `--readonly-client-id` a "Call API" one."""
    found = [("All", session.main), ("All", session.other), ("Call API", session.readonly)]
    return [(level, application) for level, application in found if application is not None]


# --- identity and aliases -------------------------------------------------------------------------


@scenario_check(
    spec.reads,
    promise="`@me` is the client the token's application belongs to: `@me` and that client's numeric id answer the "
    "same client",
    fails_when="`@me` answers a client whose id then answers anything but 200 or another client",
    sends="for every application given: `GET @me`, then `GET` by the `id` it answered",
)
def me_and_numeric_id_are_same_client(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """For every application the run has: `@me` and the client's own numeric id answer the same client."""
    for _, application in session.cases(_applications(session), rule=lambda case: case[0]):
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


@scenario_check(
    spec.writes,
    writes=True,
    promise="A PUT is a partial update: the change is stored and answered, and fields not sent keep their values",
    fails_when="the PUT is refused, its answer does not show the change, a later GET does not, or another field "
    "changed",
    sends="a GET, a PUT of one free-text field, a GET: every other field compared before and after",
)
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


@scenario_check(
    spec.writes,
    writes=True,
    promise="A change made through one path is visible through the other at once",
    fails_when="a GET through the other path right after the PUT does not show the change",
    sends="a GET through the other path, a PUT of one free-text field, a GET through the other path",
)
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


@scenario_check(
    spec.writes,
    writes=True,
    promise="Read-only fields are set by the provider: a PUT of one answers 400 naming it, and changes nothing",
    fails_when="a PUT of a read-only field answers anything but 400 naming it, or the field changed (restored at once)",
    sends="a GET, a PUT of each read-only field but the id with another value of its type, a GET",
)
def read_only_fields_cannot_be_changed(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A PUT of any read-only field answers 400 naming the field, and the field keeps its value."""
    read = spec.read_of(operation)
    before = session.client(read)
    # The client's own id is left alone: on a real tenant, a server that let it change would lose the client.
    names = sorted(contract.read_only_fields() - {spec.identity_field()})
    schemas = spec.field_schemas()
    names = session.cases(names, rule=lambda name: (str(schemas[name].get("type")), "enum" in schemas[name]))
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


@scenario_check(
    spec.writes,
    writes=True,
    promise="A PUT is checked as a whole: one invalid field refuses it with 400, and its valid fields are not stored",
    fails_when="the PUT answers anything but 400, or its valid field was stored",
    sends="a GET, a PUT of one valid and one invalid field, a GET",
)
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


@scenario_check(
    spec.operations,
    promise="Another client's id answers 403 `access_denied`, with none of that client's data",
    fails_when="the other client's id answers anything but 403 `access_denied`, or the answer carries its data",
    sends="the other application's `GET @me`, then the other client's id with the main token: a GET, or a PUT of the "
    "other client's own value",
)
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


@scenario_check(
    spec.writes,
    promise='A "Call API" application\'s PUT answers 403 `app_access_type_deny`',
    fails_when="the Call API application's PUT answers anything but 403 `app_access_type_deny` (restored at once if "
    "stored)",
    sends="the Call API application's `GET @me`, then its PUT of a value its client already holds",
)
def call_api_application_cannot_write(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A "Call API" application may read its client but its PUT answers 403 `app_access_type_deny`."""
    if session.readonly is None:
        raise Skipped('needs --readonly-client-id/--readonly-client-secret (a "Call API" application)')
    current = session.client(spec.read_of(operation), "@me", identity=session.readonly)
    name = _first_free_text()
    response = _put(session, operation, {name: current.get(name)}, identity=session.readonly)
    _expect_error(response, 403, "app_access_type_deny", 'a "Call API" application\'s PUT')


def _unchanging_body(session: TargetSession, operation: spec.OperationUnderTest) -> dict[str, Any] | None:
    """For a PUT, a body of a value the client already holds (so a call that goes through changes nothing)."""
    if operation.method != "PUT":
        return None
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    name = _first_free_text()
    return {name: session.client(spec.read_of(operation)).get(name)}


@scenario_check(
    spec.operations,
    promise="No token, a malformed, unknown, tampered or expired token answers 401 with a `WWW-Authenticate: Bearer` "
    "challenge",
    fails_when="a call with a bad token answers anything but 401, or the 401 has no Bearer challenge",
    sends="each bad token (no token, `Bearer not a token`, an unknown, an expired-looking JWT, a tampered real "
    "token) on every operation; a PUT sends a value the client holds",
)
def invalid_token_is_rejected(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """No token, a malformed, an unknown or an expired-looking token answers 401 with a Bearer challenge."""
    body = _unchanging_body(session, operation)
    # A real token with a character in front: unknown to the server, yet the report can show it as
    # `x${PBX_TOKEN}` without giving the token away.
    tampered = "x" + session.main.token()
    bad_tokens = (
        ("no token", NO_TOKEN),
        ("a malformed token", "Bearer not a token"),
        ("an unknown token", "Bearer pbx-conformance-unknown-token"),
        ("an expired-looking token", f"Bearer {EXPIRED_LOOKING_TOKEN}"),
        ("a tampered token", f"Bearer {tampered}"),
    )
    for what, token in session.cases(bad_tokens, rule=lambda case: case[0]):
        response = session.call(operation, "@me", token=token, json=body)
        if response.status_code != 401:
            raise CheckFailed(f"a call with {what} answered {response.status_code}, expected 401", response)
        if not response.headers.get("www-authenticate", "").lower().startswith("bearer"):
            raise CheckFailed(f"the 401 for {what} has no `WWW-Authenticate: Bearer` challenge", response)


@scenario_check(
    spec.reads,
    promise="X-RateLimit-Remaining goes down as calls are made (unless the window resets), never below 0",
    fails_when="Remaining stays or rises within one window, is negative, or is missing",
    sends="three GETs in a row",
)
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


@scenario_check(
    spec.token_endpoint,
    promise="The right App ID and App Secret, form-encoded, get 200 and a token matching the contract's `Token`",
    fails_when="the token request answers anything but 200, or the body does not match `Token`",
    sends="one token request with the right App ID and App Secret",
)
def token_endpoint_issues_a_token(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """The right App ID and App Secret get 200 and a token matching the contract's `Token` schema."""
    response = session.token_request(_token_form(session))
    if response.status_code != 200:
        raise CheckFailed(f"valid credentials answered {response.status_code}, expected 200", response)
    error = next(iter(spec.token_validator().iter_errors(response.json())), None)
    if error is not None:
        where = error.where
        raise CheckFailed(f"the token answer does not match the Token schema at {where}: {error.message}", response)


@scenario_check(
    spec.token_endpoint,
    promise="A known App ID with a wrong App Secret gets 401 `invalid_client` (RFC 6749 section 5.2)",
    fails_when="a wrong secret answers anything but 401 `invalid_client`",
    sends="one token request with the App Secret changed",
)
def token_endpoint_rejects_wrong_secret(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A known App ID with a wrong App Secret gets 401 `invalid_client` and no token."""
    wrong = _token_form(session)["client_secret"] + "-wrong"
    response = session.token_request(_token_form(session, client_secret=wrong))
    _expect_token_error(response, {(401, "invalid_client")}, "a wrong App Secret")


@scenario_check(
    spec.token_endpoint,
    promise="A grant type other than client_credentials gets 400 `unsupported_grant_type` (RFC 6749 section 5.2)",
    fails_when="`grant_type=password` answers anything but 400 `unsupported_grant_type`",
    sends="one token request with `grant_type=password`",
)
def token_endpoint_rejects_unknown_grant_type(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A grant type other than client_credentials gets 400 `unsupported_grant_type`."""
    response = session.token_request(_token_form(session, grant_type="password"))
    _expect_token_error(response, {(400, "unsupported_grant_type")}, "grant_type=password")


@scenario_check(
    spec.token_endpoint,
    promise="A token request without grant_type gets 400 `invalid_request`; without client credentials 400 "
    "`invalid_request` or 401 `invalid_client`",
    fails_when="a request missing a parameter answers another status or `error`",
    sends="three token requests: without grant_type, without client_secret, without both credentials",
)
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


@scenario_check(
    spec.writes,
    writes=True,
    promise="Every writable field takes any value its schema allows, `null` where nullable, and a later read through "
    "the other path returns it",
    fails_when="a PUT of a value at the edge of the field's schema is refused, its answer does not show it, or a "
    "later GET through the other path does not",
    sends="for every writable field, a PUT of each edge value (the longest non-ASCII text, an integer's bounds, each "
    "enum value, the longest time zone, the longest address, `null`), then a GET through the other path",
)
def every_writable_field_round_trips(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Every writable field (not a sample) takes the values at the edges of its schema, `null` where nullable:
    the PUT answers 200 showing the value, and a later GET through the other path returns the same."""
    other_read = spec.other_read(operation)
    problems: list[tuple[str, httpx.Response]] = []
    for name, _, value in session.cases(spec.edge_cases(operation.label), rule=lambda case: case[1]):
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
                (f"{sent} answered it; expected a later GET {other_read.path} to show it, got {_short(seen)}", later)
            )
    _fail_with_first(problems)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} chars)"


@scenario_check(
    spec.reads,
    promise="An id that names no client (anything but a positive integer or `@me`) answers 404 `client_not_found`",
    fails_when="an id such as `0`, `-1` or a word answers anything but 404 `client_not_found`",
    sends="a GET with each of the ids `0`, `-1` and `not-a-client`",
)
def unknown_client_id_is_not_found(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """An id that names no client, anything but a positive integer or `@me` included, answers 404
    `client_not_found`."""
    expected = spec.error_status(operation.label, 404)
    for client_id in session.cases(("0", "-1", "not-a-client"), rule=lambda client_id: client_id):
        response = session.call(operation, client_id)
        _expect_error(response, 404, expected, f"GET with id {client_id!r}")


@scenario_check(
    spec.writes,
    writes=True,
    promise="A body over the documented size limit answers 413, one that is not JSON-typed 415, and neither changes "
    "anything",
    fails_when="the oversized body answers anything but 413, the text/plain body anything but 415, or the client "
    "changed",
    sends="a GET, a PUT of 16 times `x-max-body-bytes` (1 MiB), a PUT labelled `text/plain`, a GET",
)
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
    refused = (
        (f"a {_size(oversized)} body", 413, json.dumps({name: "x" * oversized}).encode(), "application/json"),
        ("a text/plain body", 415, json.dumps({name: "plain"}).encode(), "text/plain"),
    )
    for what, expected, content, content_type in session.cases(refused, rule=lambda case: case[1]):
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


# --- what is sent is what is stored -------------------------------------------------------------------


def _describe_difference(sent: str, seen: Any) -> str:
    """Where what a read returns first differs from the text sent, character by character (code points)."""
    if not isinstance(seen, str):
        return f"read back {_short(seen)}"
    for index, (a, b) in enumerate(zip(sent, seen, strict=False)):
        if a != b:
            return f"character {index + 1} was U+{ord(a):04X} {a!r}, read back as U+{ord(b):04X} {b!r}"
    longer, shorter = (sent, "sent") if len(sent) > len(seen) else (seen, "read back")
    return (
        f"{len(sent)} characters sent, {len(seen)} read back (the {shorter} text ends before "
        f"U+{ord(longer[min(len(sent), len(seen))]):04X})"
    )


@scenario_check(
    spec.writes,
    writes=True,
    promise="What a write sends is what a later read returns, character for character, for every writable string "
    "field and every kind of text its schema allows",
    fails_when="a later GET returns other characters than the PUT sent (a legacy encoding's `?`, a normaliser's "
    "composed accents, trimmed spaces, a cut-off text), or the PUT of a valid text is refused",
    sends="for every writable string field and each kind of text the schema allows (other scripts, characters "
    "outside the BMP, combining sequences, spaces at both ends, the longest length allowed): a PUT of that text, "
    "then one GET per kind comparing each field with what was sent",
)
def every_kind_of_text_round_trips(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Every writable string field keeps, character for character, every kind of text its schema allows."""
    read = spec.read_of(operation)
    cases = session.cases(spec.text_cases(operation.label), rule=lambda case: case[1])
    problems: list[tuple[str, httpx.Response]] = []
    for kind in dict.fromkeys(kind for _, kind, _ in cases):
        sent = {name: value for name, case_kind, value in cases if case_kind == kind}
        for name, value in sent.items():
            response = _put(session, operation, {name: value})
            if response.status_code != 200:
                problems.append(
                    (f"{name} ({kind}): a valid PUT answered {response.status_code}, expected 200", response)
                )
        later = session.call(read)
        seen = session.client_of(later)
        for name, value in sent.items():
            if seen.get(name) != value:
                difference = _describe_difference(value, seen.get(name))
                problems.append((f"{name} ({kind}): the PUT answered 200 but a later GET differs: {difference}", later))
    _fail_with_first(problems)


def _fail_with_first(problems: list[tuple[str, httpx.Response | None]] | list[tuple[str, httpx.Response]]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message, response = problems[0]
        raise CheckFailed(message + more, response)


# How many partial updates of different fields are sent at the same moment.
WRITERS_AT_ONCE = 4


@scenario_check(
    spec.writes,
    writes=True,
    promise="A partial update keeps the fields it does not send, also while other partial updates of other fields "
    "are stored at the same moment",
    fails_when="after PUTs of different fields sent at once, each answered 200, a later GET lacks one of the writes "
    "(a read-modify-write of the whole client without a lock)",
    sends=f"a GET, then {WRITERS_AT_ONCE} PUTs of {WRITERS_AT_ONCE} different free-text fields the run's snapshot "
    "holds, sent at the same moment from threads of their own (the burst waits for its share of --rate), then one "
    "GET: every field must hold what was sent",
)
def concurrent_partial_updates_all_survive(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Partial updates of different fields sent at the same moment are all stored."""
    names = [name for name in spec.free_text_fields() if name in session.restorable][:WRITERS_AT_ONCE]
    if len(names) < 2:
        raise Skipped("the run's snapshot holds fewer than two free-text fields to write at once")
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    read = spec.read_of(operation)
    before = session.client(read)
    schemas = spec.field_schemas()
    sent = {
        name: spec.changed_text(before.get(name), schemas[name], f"at once {index} {operation.operation_id}")
        for index, name in enumerate(names)
    }
    responses = session.put_at_once(operation, [{name: value} for name, value in sent.items()])
    refused = [(name, response) for name, response in zip(sent, responses, strict=True) if response.status_code != 200]
    if refused:
        name, response = refused[0]
        raise CheckFailed(f"a PUT of {name!r} sent with others at once answered {response.status_code}", response)
    later = session.call(read)
    seen = session.client_of(later)
    lost = [name for name, value in sent.items() if seen.get(name) != value]
    if lost:
        raise CheckFailed(
            f"{len(sent)} PUTs of different fields sent at once each answered 200, but a later GET lacks the write "
            f"of {lost[0]!r} (shows {_short(seen.get(lost[0]))}, was sent {_short(sent[lost[0]])})"
            + (f", and of {lost[1:]}" if len(lost) > 1 else "")
            + ": a concurrent partial update was lost",
            later,
        )


@scenario_check(
    spec.writes,
    writes=True,
    promise="A value its field's rules refuse is refused with 400 naming the field, never bent into a valid one and "
    "stored, and nothing is changed",
    fails_when="a near-miss value answers anything but 400 naming its field (a lax backend trims it, fixes its case, "
    'turns `"12"` into `12` or `true` into `1`, clamps it), or the client changed',
    sends="a GET, then for every writable field a PUT of each near-miss its type and rules suggest (a numeric string "
    "or `true` for an integer, a fraction, a number for a string, one past each bound, a case variant or "
    "surrounding spaces of a pattern- or enum-bound value, `null` where not nullable), then a GET: nothing changed",
)
def near_miss_values_are_refused(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Every writable field refuses the near-miss values a lax backend would take."""
    read = spec.read_of(operation)
    cases = session.cases(spec.near_miss_cases(operation.label), rule=lambda case: case[1])
    before = session.client(read)
    problems: list[tuple[str, httpx.Response]] = []
    accepted = False
    for name, rule, value in cases:
        response = _put(session, operation, {name: value})
        what = f"{name} = {_short(value)} ({rule})"
        if 200 <= response.status_code < 300:
            accepted = True
            stored = _answered_field(response, name)
            problems.append(
                (f"{what} answered {response.status_code}, expected 400; it was taken as {stored}", response)
            )
        elif response.status_code != 400:
            problems.append((f"{what} answered {response.status_code}, expected 400 naming the field", response))
        elif _answered_field(response, "field", raw=True) != name:
            field = _answered_field(response, "field")
            problems.append((f"{what} answered 400 naming field {field}, expected {name!r}", response))
    after_response = session.call(read)
    changed = _changed_fields(before, session.client_of(after_response))
    if accepted and session.on_unexpected_write is not None:
        session.on_unexpected_write()  # put the client back at once, not only at the end of the run
    if changed and not problems:
        problems.append((f"refused near-misses changed {changed}", after_response))
    _fail_with_first(problems)


def _answered_field(response: httpx.Response, name: str, raw: bool = False) -> Any:
    try:
        body = response.json()
    except ValueError:
        return None if raw else "(not JSON)"
    value = body.get(name) if isinstance(body, dict) else None
    return value if raw else _short(value)


@scenario_check(
    spec.writes,
    writes=True,
    promise="An integer field given a number with no fractional part (`2.0`) takes it as that integer, and stores "
    "and returns `2` (`ClientUpdate`)",
    fails_when="a PUT of a whole-number float answers anything but 200, or the answer or a later GET shows a float",
    sends="for each integer field (one in a thin pass): a PUT of a valid value written `N.0`, then a GET: both show "
    "the integer N",
)
def whole_number_floats_are_taken_as_integers(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """`2.0` for an integer field is stored and answered as `2`."""
    read = spec.read_of(operation)
    names = session.cases(spec.integer_fields(), rule=lambda name: "integer")
    if not names:
        raise Skipped("openapi.yaml has no writable integer field")
    before = session.client(read)
    for name in names:
        value = spec.valid_integer(name, before.get(name))
        response = _put(session, operation, {name: float(value)})
        if response.status_code != 200:
            raise CheckFailed(
                f"PUT {{{name!r}: {float(value)}}} answered {response.status_code}, expected 200", response
            )
        for where, shown in (("the PUT's answer", response), ("a later GET", session.call(read))):
            got = session.client_of(shown).get(name)
            if not (isinstance(got, int) and not isinstance(got, bool) and got == value):
                raise CheckFailed(
                    f"{name} sent as {float(value)}: {where} shows {_short(got)}, expected {value}", shown
                )


# --- what callers may do -------------------------------------------------------------------------------


@scenario_check(
    spec.operations,
    promise="Each application may do what its access level allows, through both paths: every application of a "
    'client reads it ("Call API" ones included), and an "All" application changes it by `@me` and by its numeric id',
    fails_when='a read by any application given, or a PUT by the "All" application (a value its client already '
    "holds), answers anything but 200",
    sends='on each GET: `GET @me` with every application given; on each PUT: the "All" application\'s PUT of a '
    "value its client already holds, by `@me` and by its numeric id; each must answer 200 with the client",
)
def every_application_may_do_what_its_level_allows(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """Every application reads its client, and the "All" application writes it, through both paths."""
    if operation.method == "GET":
        for level, application in session.cases(_applications(session), rule=lambda case: case[0]):
            response = session.call(operation, contract.ME, identity=application)
            if response.status_code != 200:
                raise CheckFailed(
                    f"{application.name} ({level}) may read its client, but GET @me answered {response.status_code}",
                    response,
                )
            session.client_of(response)
        return
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    name = _first_free_text()
    current = session.client(spec.read_of(operation))
    for client_id in session.cases([contract.ME, session.own_id()], rule=lambda client_id: client_id):
        response = _put(session, operation, {name: current.get(name)}, client_id, own=True)
        if response.status_code != 200:
            raise CheckFailed(
                f'the "All" application may change its client, but a PUT by {client_id!r} of a value it already '
                f"holds answered {response.status_code}",
                response,
            )
        if session.client_of(response).get(name) != current.get(name):
            raise CheckFailed(f"the PUT by {client_id!r} does not answer the client as stored", response)


# Ways to write the scheme of `Authorization: Bearer <token>` a server must take: RFC 7235 section 2.1 makes the
# scheme case-insensitive, and RFC 6750 section 2.1's `"Bearer" 1*SP b64token` allows more than one space.
AUTHORIZATION_SPELLINGS = (("lower case", "bearer {}"), ("upper case", "BEARER {}"), ("two spaces", "Bearer  {}"))


@scenario_check(
    spec.operations,
    promise="The scheme of `Authorization` is case-insensitive, and one or more spaces may follow it (RFC 7235 "
    "section 2.1, RFC 6750 section 2.1): `bearer <token>` is a Bearer token",
    fails_when="a valid token sent as `bearer <token>`, `BEARER <token>` or `Bearer  <token>` answers anything but "
    "what `Bearer <token>` does (200)",
    sends="on each operation, the main token written each way (one way per operation in a thin pass): a GET, or a "
    "PUT of a value the client already holds; each must answer 200",
)
def authorization_scheme_is_case_insensitive(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """`bearer <token>` (any case, more than one space) is taken as `Bearer <token>`."""
    body = _unchanging_body(session, operation)
    for what, spelling in session.cases(AUTHORIZATION_SPELLINGS, rule=lambda case: case[0]):
        response = session.call(operation, contract.ME, token=spelling.format(session.main.token()), json=body)
        if response.status_code != 200:
            written = spelling.format("<token>")
            raise CheckFailed(f"a valid token written `{written}` ({what}) answered {response.status_code}", response)


# Ways to label a JSON body that the contract's `application/json` allows: a `charset` parameter, written as HTTP
# clients write it (RFC 9110 section 8.3: type, subtype and parameter name are case-insensitive; so is UTF-8's name).
JSON_MEDIA_TYPES = (
    ("a charset parameter", "application/json; charset=utf-8"),
    ("a charset in capitals, no space", "application/json;charset=UTF-8"),
    ("the type in capitals", "Application/JSON"),
)


@scenario_check(
    spec.writes,
    writes=True,
    promise="A request body labelled with a media type the contract's `application/json` allows (a `charset=utf-8` "
    "parameter, another case) is a JSON body like any other (RFC 9110 section 8.3)",
    fails_when="a PUT labelled `application/json; charset=utf-8` (or `;charset=UTF-8`, or `Application/JSON`) "
    "answers anything but 200, or is not stored",
    sends="a GET, then a PUT of a new free-text value labelled each way (one way per operation in a thin pass), "
    "then a GET: the last value is stored",
)
def json_media_type_parameters_are_accepted(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A JSON body labelled `application/json; charset=utf-8` is taken like one labelled `application/json`."""
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    name = _first_free_text()
    read = spec.read_of(operation)
    before = session.client(read)
    value = before.get(name)
    for what, media_type in session.cases(JSON_MEDIA_TYPES, rule=lambda case: case[0]):
        value = spec.changed_text(value, spec.field_schemas()[name], f"labelled {media_type}")
        response = session.send_body(operation, json.dumps({name: value}).encode(), media_type)
        if response.status_code != 200:
            raise CheckFailed(
                f"a JSON body labelled `{media_type}` ({what}) answered {response.status_code}, expected 200", response
            )
    later = session.call(read)
    if session.client_of(later).get(name) != value:
        raise CheckFailed(f"the PUT labelled `{media_type}` answered 200 but a later GET does not show it", later)


# Text that makes a JSON encoder write escapes: accented, symbol and non-BMP characters, and a solidus.
ESCAPED_TEXT = "Caf\u00e9 \u260e \U0001f4de a/b"


@scenario_check(
    spec.writes,
    writes=True,
    promise="A JSON body means what RFC 8259 says however it is written: any character may be sent as a `\\u` "
    "escape (one outside the BMP as an escaped surrogate pair), `/` as `\\/`, with whitespace between tokens",
    fails_when="a PUT of text written with escapes and whitespace answers anything but 200, or a later GET shows "
    "other characters than the escapes stand for",
    sends="a PUT whose body is indented JSON with every non-ASCII character escaped (`\\u00e9`, `\\ud83d\\udcde`) and "
    "the solidus escaped (`\\/`), then a GET: the field holds the characters themselves",
)
def json_escapes_and_whitespace_are_read_as_json(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A body written with `\\u` escapes, an escaped solidus and whitespace means the characters it escapes."""
    if session.no_writes:
        raise Skipped(session.no_writes_because)
    name = _first_free_text()
    body = json.dumps({name: ESCAPED_TEXT}, ensure_ascii=True, indent=2).replace("/", "\\/")
    response = session.send_body(operation, body.encode(), "application/json")
    if response.status_code != 200:
        raise CheckFailed(f"a PUT of JSON written with escapes answered {response.status_code}, expected 200", response)
    later = session.call(spec.read_of(operation))
    seen = session.client_of(later).get(name)
    if seen != ESCAPED_TEXT:
        raise CheckFailed(
            f"{name} sent as {body.strip()[1:-1].strip()}: {_describe_difference(ESCAPED_TEXT, seen)}", later
        )


@scenario_check(
    spec.token_endpoint,
    promise="A token request may name the documented scope (`scope=all`) or leave it empty, and still gets a token "
    "(RFC 6749 sections 3.3 and 4.4.2: the scope is optional; section 3.2: an empty parameter of a token request "
    "is an omitted one)",
    fails_when="a token request with `scope=all`, or with `scope=` (empty), answers anything but 200 with a token",
    sends="two token requests with the right App ID and App Secret, one with each documented scope, one with an empty "
    "`scope`",
)
def token_endpoint_takes_an_optional_scope(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A token request naming the documented scope, or an empty one, gets a token."""
    for scope in [*spec.documented_scopes(), ""]:
        response = session.token_request(_token_form(session, scope=scope))
        shown = f"scope={scope}"
        if response.status_code != 200:
            raise CheckFailed(f"a token request with `{shown}` answered {response.status_code}, expected 200", response)
        error = spec.token_validator().first_error(response.json())
        if error is not None:
            raise CheckFailed(f"the token answer to `{shown}` does not match Token at {error.where}", response)


@scenario_check(
    spec.token_endpoint,
    promise="A response holding a token is not to be stored by caches: `Cache-Control: no-store` and `Pragma: "
    "no-cache` (RFC 6749 section 5.1)",
    fails_when="the token answer lacks `Cache-Control: no-store` or `Pragma: no-cache`",
    sends="one token request with the right App ID and App Secret",
)
def token_answer_is_not_cached(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """The token answer forbids caching, as RFC 6749 section 5.1 requires."""
    response = session.token_request(_token_form(session))
    if response.status_code != 200:
        raise CheckFailed(f"valid credentials answered {response.status_code}, expected 200", response)
    directives = {part.strip().lower() for part in response.headers.get("cache-control", "").split(",")}
    if "no-store" not in directives:
        raise CheckFailed("the token answer has no `Cache-Control: no-store` (RFC 6749 section 5.1)", response)
    if "no-cache" not in response.headers.get("pragma", "").lower():
        raise CheckFailed("the token answer has no `Pragma: no-cache` (RFC 6749 section 5.1)", response)


@scenario_check(
    spec.reads,
    promise="A method a path does not document (`POST`, `DELETE`, `PATCH`) answers 405 with an `Allow` naming the "
    "methods it does document (RFC 9110 section 15.5.6)",
    fails_when="an undocumented method answers anything but 405, or the 405 has no `Allow` or one naming other "
    "methods than the path's",
    sends="on each path, with the main token and no body, each of `POST`, `DELETE` and `PATCH` the path does not "
    "document (one per path in a thin pass)",
)
def undocumented_methods_answer_405(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """An undocumented method on a client path answers 405 with `Allow` naming the documented methods."""
    documented = spec.documented_methods(operation.path)
    for method in session.cases(spec.undocumented_methods(operation.path), rule=lambda method: method):
        response = session.call(operation, contract.ME, method=method)
        if response.status_code != 405:
            raise CheckFailed(f"{method} {operation.path} answered {response.status_code}, expected 405", response)
        allowed = {part.strip().upper() for part in response.headers.get("allow", "").split(",") if part.strip()}
        if allowed - IMPLICIT_METHODS != documented:
            shown = response.headers.get("allow")
            raise CheckFailed(
                f"the 405 to {method} has Allow {shown!r}, expected the documented {', '.join(sorted(documented))}",
                response,
            )


# Methods a server may answer for any path without the contract naming them (RFC 9110 sections 9.3.2, 9.3.7).
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}


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

"""Checks on single responses, run on every response schemathesis gets and on the suite's own calls.

Each function takes the operation's label and the response's status, headers and body, and returns a
failure message, or None when the response passes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping

import schemathesis
from schemathesis.checks import CHECKS

from pbx_conformance import spec


def rate_limit_headers_are_present(headers: Mapping[str, str]) -> str | None:
    """Every X-RateLimit-* header of the contract is present, an integer within its schema's bounds,
    and Remaining never exceeds Limit."""
    values: dict[str, int] = {}
    lowered = {name.lower(): value for name, value in headers.items()}
    for name, schema in spec.rate_limit_headers().items():
        raw = lowered.get(name.lower())
        if raw is None:
            return f"header {name} is missing"
        try:
            value = int(str(raw).strip())
        except ValueError:
            return f"header {name} is not an integer: {raw!r}"
        if "minimum" in schema and value < schema["minimum"]:
            return f"header {name} is {value}, below its minimum {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"header {name} is {value}, above its maximum {schema['maximum']}"
        values[name.lower()] = value
    limit, remaining = values.get("x-ratelimit-limit"), values.get("x-ratelimit-remaining")
    if limit is not None and remaining is not None and remaining > limit:
        return f"X-RateLimit-Remaining ({remaining}) exceeds X-RateLimit-Limit ({limit})"
    return None


def error_body_matches_error_schema(label: str, status: int, body: bytes | str | None) -> str | None:
    """An error response (4xx, 5xx) has a JSON body valid against the error schema openapi.yaml gives for
    that status (the base `Error` where the status is not documented)."""
    if status < 400:
        return None
    try:
        document = json.loads(body or b"")
    except ValueError:
        return f"the {status} error body is not JSON"
    validator = spec.token_error_validator() if label == spec.TOKEN_OPERATION else spec.error_validator(label, status)
    error = next(iter(validator.iter_errors(document)), None)
    if error is not None:
        where = error.where
        return f"the {status} error body does not match the error schema at {where}: {error.message}"
    return None


# The same two checks run on every generated case's response, registered with schemathesis under the same names
# for the length of a run only, so importing this module changes nothing for other users of schemathesis.


def _schemathesis_check(check):
    def run(ctx, response, case) -> bool | None:
        if check is rate_limit_headers_are_present:
            problem = check({name: values[0] for name, values in response.headers.items()})
        else:
            problem = check(case.operation.label, response.status_code, response.content)
        if problem:
            raise AssertionError(problem)
        return None

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


RESPONSE_CHECKS = (rate_limit_headers_are_present, error_body_matches_error_schema)


@contextlib.contextmanager
def registered() -> Iterator[None]:
    """The response checks registered with schemathesis until the block ends."""
    for check in RESPONSE_CHECKS:
        schemathesis.check(_schemathesis_check(check))
    try:
        yield
    finally:
        for check in RESPONSE_CHECKS:
            CHECKS.unregister(check.__name__)

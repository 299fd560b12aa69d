"""Runs the registered response checks on one of the suite's own calls, as schemathesis runs them on each of its
generated cases: with schemathesis's check signature `(ctx, response, case)`, each failure recorded with the
exchange that shows it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import schemathesis

from pbx_conformance import exchange, spec
from pbx_conformance.registry import response_checks
from pbx_conformance.results import Failure, Results


@dataclass(frozen=True)
class OwnOperation:
    label: str


@dataclass(frozen=True)
class OwnCase:
    """The case of one of the suite's own calls, as a response check reads it (`case.operation.label`)."""

    operation: OwnOperation


def hold_to_response_checks(results: Results, label: str, response: httpx.Response, shown: exchange.Exchange) -> None:
    """Every registered response check on `response` (an answer to `label`); the token endpoint's answers only to
    the checks that apply to them."""
    as_schemathesis = schemathesis.Response.from_httpx(response, verify=True)
    case = OwnCase(OwnOperation(label))
    token_endpoint = label == spec.token_label()
    for check in response_checks():
        if token_endpoint and not check.token_endpoint:
            continue
        try:
            check.function(None, as_schemathesis, case)
        except AssertionError as problem:
            message = str(problem) or f"{check.name} failed"
            results.failed(Failure(check=check.name, operation=label, message=message, exchange=shown), key=message)
        else:
            results.passed(label, check.name)

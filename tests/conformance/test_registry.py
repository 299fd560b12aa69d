"""A newcomer adds a check by writing one function and one registry line, as the README shows; it then runs
on schemathesis's generated cases and on the suite's own calls, and its failures fail the run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pbx_conformance import checks, registry, spec
from pbx_conformance.session import TargetSession
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import run_suite

SEEN: list[str] = []


def _server_is_not_nginx(ctx, response, case) -> None:
    """A throwaway response check, written as the README's "Adding a check" says."""
    SEEN.append(case.operation.label)
    if response.status_code == 200:
        raise AssertionError("pretend every 200 breaks a promise")


def _reads_twice(session: TargetSession, operation: spec.OperationUnderTest) -> None:
    """A throwaway scenario check."""
    SEEN.append(f"scenario {operation.label}")
    session.client(operation)


@pytest.fixture
def throwaway_checks() -> Iterator[None]:
    SEEN.clear()
    registry.response_check(_server_is_not_nginx)
    registry.scenario_check(spec.reads)(_reads_twice)
    try:
        yield
    finally:
        registry.forget(_server_is_not_nginx.__name__)
        registry.forget(_reads_twice.__name__)


def test_a_registered_response_check_runs_on_generated_cases_and_own_calls(throwaway_checks, report_dir):
    with running_emulator() as server:
        outcome = run_suite(server, report_dir, phases=("examples",))
    assert outcome.code == 1, outcome.console
    assert "_server_is_not_nginx" in outcome.document["failed_checks"]
    phases = {
        failure["phase"] for failure in outcome.document["failures"] if failure["check"] == "_server_is_not_nginx"
    }
    assert "examples" in phases  # schemathesis called it on a generated case
    assert None in phases  # and the suite on one of its own calls
    assert spec.token_label() in SEEN  # the token endpoint's answers too (token_endpoint=True by default)
    for operation in spec.reads():
        assert f"scenario {operation.label}" in SEEN
        assert outcome.cell(operation.label, "_reads_twice")["verdict"] == "passed"


def rate_limit_headers_are_present(ctx, response, case) -> None: ...


def test_a_check_cannot_shadow_a_built_in_one():
    assert checks.rate_limit_headers_are_present  # importing the suite's checks registered them
    with pytest.raises(ValueError, match="already registered"):
        registry.response_check(rate_limit_headers_are_present)
    assert registry.response_checks()  # the built-in ones are still there

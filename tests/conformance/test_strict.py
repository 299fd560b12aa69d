"""A field the contract does not describe is a warning by default and a failure with --strict."""

from __future__ import annotations

from pbx_kit import contract
from tests.conformance.conformance_helpers import run_suite
from tests.conformance.stub_servers import Request, reply, stub_server, token_reply


def undocumented_field_server(request: Request) -> bytes:
    if request.method == "POST":
        return token_reply()
    quota = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "60"}
    return reply(200, {**contract.example_value("Client"), "loyalty_tier": "gold"}, **quota)


def test_an_undocumented_field_is_a_warning_by_default(report_dir):
    with stub_server(undocumented_field_server) as server:
        outcome = run_suite(server, report_dir, phases=("examples",), no_writes=True, token_url=server.token_url)
    assert "response_schema_conformance" not in outcome.document["failed_checks"]
    assert any("does not describe" in warning for warning in outcome.document["warnings"])
    assert "warning:" in outcome.console


def test_an_undocumented_field_fails_with_strict(report_dir):
    with stub_server(undocumented_field_server) as server:
        outcome = run_suite(
            server, report_dir, phases=("examples",), no_writes=True, token_url=server.token_url, strict=True
        )
    assert "response_schema_conformance" in outcome.document["failed_checks"]
    assert outcome.code == 1

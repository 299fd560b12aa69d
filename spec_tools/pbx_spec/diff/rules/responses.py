"""Response rules: an operation's responses by status, and each response's headers, media types and links."""

from __future__ import annotations

from collections.abc import Iterator

from pbx_spec.diff.changes import Axis, Change, Direction, Kind
from pbx_spec.diff.rules.bodies import content_changed
from pbx_spec.diff.rules.context import Comparison, OperationPair, Pair
from pbx_spec.diff.rules.documentation import documentation_changed
from pbx_spec.diff.rules.headers import headers_changed


def responses_changed(operation: OperationPair) -> Iterator[Change]:
    response_side = operation.comparison.at(direction=Direction.RESPONSE)
    old_responses = {str(status): value for status, value in operation.old.get("responses", {}).items()}
    new_responses = {str(status): value for status, value in operation.new.get("responses", {}).items()}
    for status in sorted(old_responses.keys() - new_responses.keys()):
        breaks = {Axis.SERVER: f"a BASE server still answers {status} (status_code_conformance)"}
        if status.startswith("2"):
            breaks[Axis.WIRE] = f"a client expecting {status} gets another status"
        yield response_side.change(
            "response-status-removed",
            f"response {status} removed",
            f"{operation.old_at}/responses/{status}",
            side="base",
            breaks=breaks,
        )
    for status in sorted(new_responses.keys() - old_responses.keys()):
        yield response_side.change(
            "response-status-added",
            f"response {status} added",
            f"{operation.new_at}/responses/{status}",
            kind=Kind.ADDITION,
        )
    for status in sorted(old_responses.keys() & new_responses.keys()):
        response = operation.followed(
            old_responses[status],
            f"{operation.old_at}/responses/{status}",
            new_responses[status],
            f"{operation.new_at}/responses/{status}",
        )
        yield from response_changed(response_side, response)


def response_changed(comparison: Comparison, response: Pair) -> Iterator[Change]:
    """One response (a status of the operation) in both revisions."""
    yield from documentation_changed(comparison, response)
    yield from headers_changed(comparison, response)
    yield from content_changed(comparison, response)
    if response.old.get("links") != response.new.get("links"):
        yield comparison.change("links-changed", "links changed", f"{response.new_at}/links", kind=Kind.DOCUMENTATION)

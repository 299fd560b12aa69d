"""Header rules: the headers of a response, known by their names in lower case."""

from __future__ import annotations

from collections.abc import Iterator

from pbx_spec.diff.changes import Axis, Change, Effect, Kind
from pbx_spec.diff.normalized import follow
from pbx_spec.diff.rules.context import Comparison, Pair, pointer_to
from pbx_spec.diff.rules.documentation import documentation_changed
from pbx_spec.diff.rules.schemas import compare_schemas


def headers_changed(comparison: Comparison, response: Pair) -> Iterator[Change]:
    """The headers of one response in both revisions (`response` holds the response on each side)."""
    old_headers = {name.lower(): (name, value) for name, value in response.old.get("headers", {}).items()}
    new_headers = {name.lower(): (name, value) for name, value in response.new.get("headers", {}).items()}
    old_document, new_document = comparison.old_document, comparison.new_document
    for key in sorted(old_headers.keys() - new_headers.keys()):
        name, raw = old_headers[key]
        header = follow(old_document, raw, "")[0]
        breaks = {Axis.WIRE: "a client reading it no longer gets it"} if header.get("required") else {}
        yield comparison.change(
            "response-header-removed",
            f"response header `{name}` removed",
            f"{response.old_at}/headers" + pointer_to(name),
            side="base",
            breaks=breaks,
        )
    for key in sorted(new_headers.keys() - old_headers.keys()):
        name, raw = new_headers[key]
        header, header_at = follow(new_document, raw, f"{response.new_at}/headers" + pointer_to(name))
        if header.get("required"):
            yield comparison.change(
                "required-response-header-added",
                f"required response header `{name}` added",
                header_at,
                breaks={Axis.SERVER: "a BASE server does not send it (response_headers_conformance)"},
            )
        else:
            yield comparison.change(
                "optional-response-header-added",
                f"optional response header `{name}` added",
                header_at,
                kind=Kind.ADDITION,
            )
    for key in sorted(old_headers.keys() & new_headers.keys()):
        (old_name, old_raw), (new_name, new_raw) = old_headers[key], new_headers[key]
        old_header, old_at = follow(old_document, old_raw, f"{response.old_at}/headers" + pointer_to(old_name))
        new_header, new_at = follow(new_document, new_raw, f"{response.new_at}/headers" + pointer_to(new_name))
        yield from header_changed(comparison, new_name, Pair(old_header, new_header, old_at, new_at))


def header_changed(comparison: Comparison, name: str, header: Pair) -> Iterator[Change]:
    """One header in both revisions: its documentation, whether it is required, its schema."""
    yield from documentation_changed(comparison, header)
    was, now = bool(header.old.get("required")), bool(header.new.get("required"))
    if was != now:
        yield comparison.schema_change(
            "response-header-became-required" if now else "response-header-became-optional",
            f"response header `{name}` became {'required' if now else 'optional'}",
            header.new_at,
            Effect.NARROWED if now else Effect.WIDENED,
        )
    if "schema" in header.old and "schema" in header.new:
        compare_schemas(
            comparison, header.old["schema"], f"{header.old_at}/schema", header.new["schema"], f"{header.new_at}/schema"
        )

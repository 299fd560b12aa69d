"""Body rules: an operation's request body, and the media types of any body (a request's or a response's)."""

from __future__ import annotations

from collections.abc import Iterator

from pbx_spec.diff.changes import Axis, Change, Direction, Effect, Kind
from pbx_spec.diff.normalized import follow
from pbx_spec.diff.rules.context import Comparison, OperationPair, Pair, pointer_to
from pbx_spec.diff.rules.documentation import documentation_changed
from pbx_spec.diff.rules.schemas import compare_schemas


def request_body_changed(operation: OperationPair) -> Iterator[Change]:
    request = operation.comparison.at(direction=Direction.REQUEST)
    old_raw, new_raw = operation.old.get("requestBody"), operation.new.get("requestBody")
    if old_raw is None and new_raw is None:
        return
    if new_raw is None:
        yield request.change(
            "request-body-removed",
            "request body removed",
            f"{operation.old_at}/requestBody",
            side="base",
            breaks={Axis.WIRE: "a client still sending a body may be refused"},
        )
        return
    if old_raw is None:
        yield from request_body_added(request, operation)
        return
    body = operation.followed(old_raw, f"{operation.old_at}/requestBody", new_raw, f"{operation.new_at}/requestBody")
    yield from documentation_changed(request, body)
    was, now = bool(body.old.get("required")), bool(body.new.get("required"))
    if was != now:
        yield request.schema_change(
            "request-body-became-required" if now else "request-body-became-optional",
            f"request body became {'required' if now else 'optional'}",
            body.new_at,
            Effect.NARROWED if now else Effect.WIDENED,
        )
    yield from content_changed(request, body)


def request_body_added(request: Comparison, operation: OperationPair) -> Iterator[Change]:
    body, at = follow(
        operation.comparison.new_document, operation.new["requestBody"], f"{operation.new_at}/requestBody"
    )
    if body.get("required"):
        yield request.schema_change("required-request-body-added", "required request body added", at, Effect.NARROWED)
    else:
        yield request.change("optional-request-body-added", "optional request body added", at, kind=Kind.ADDITION)


def content_changed(comparison: Comparison, body: Pair) -> Iterator[Change]:
    """The media types of a body (`body` holds the request body or response on each side, with `content`)."""
    old, new = body.old.get("content", {}), body.new.get("content", {})
    old_at, new_at = f"{body.old_at}/content", f"{body.new_at}/content"
    request = comparison.direction is Direction.REQUEST
    for media_type in sorted(old.keys() - new.keys()):
        breaks = (
            {
                Axis.WIRE: f"a client sending `{media_type}` is refused",
                Axis.SERVER: f"the suite expects `{media_type}` refused; a BASE server accepts it",
            }
            if request
            else {
                Axis.WIRE: f"a client reading `{media_type}` gets another media type",
                Axis.SERVER: f"a BASE server still answers `{media_type}` (content_type_conformance)",
            }
        )
        yield comparison.change(
            "media-type-removed",
            f"media type `{media_type}` removed",
            old_at + pointer_to(media_type),
            side="base",
            breaks=breaks,
        )
    for media_type in sorted(new.keys() - old.keys()):
        breaks = {Axis.SERVER: f"the suite sends `{media_type}`; a BASE server refuses it"} if request else {}
        yield comparison.change(
            "media-type-added",
            f"media type `{media_type}` added",
            new_at + pointer_to(media_type),
            kind=Kind.ADDITION,
            breaks=breaks,
        )
    for media_type in sorted(old.keys() & new.keys()):
        media = Pair(old[media_type], new[media_type], old_at + pointer_to(media_type), new_at + pointer_to(media_type))
        yield from documentation_changed(comparison, media)
        if "schema" in media.old and "schema" in media.new:
            compare_schemas(
                comparison, media.old["schema"], f"{media.old_at}/schema", media.new["schema"], f"{media.new_at}/schema"
            )


def body_limit_changed(comparison: Comparison, pointer: str, was: object, now: object) -> Iterator[Change]:
    """`x-max-body-bytes` of a 413 response: the largest request body a server reads; larger ones answer 413.

    A limit is a promise to clients (a body up to it is read) and a duty of servers (a larger one is refused).
    Lowered: a client sending a body between the two limits is now refused, and a BASE server reads bodies the
    revision says it refuses. Raised: a caller may send more (minor), and a BASE server refuses bodies it must now
    read. Added where there was none: BASE already documented the 413 without saying from what size, so a client
    could rely on no size; a BASE server may refuse at a lower size or read larger bodies. Removed: a client can
    no longer rely on a body up to the old limit being read; a BASE server's limit is one the revision allows.
    """
    if isinstance(was, int) and isinstance(now, int):
        if now < was:
            yield comparison.change(
                "body-limit-lowered",
                f"`x-max-body-bytes` lowered from {was} to {now}",
                pointer,
                breaks={
                    Axis.WIRE: f"a client sending a body of {now + 1} to {was} bytes is now refused with 413",
                    Axis.SERVER: f"a BASE server reads bodies of {now + 1} to {was} bytes that must now be refused",
                },
            )
        else:
            yield comparison.change(
                "body-limit-raised",
                f"`x-max-body-bytes` raised from {was} to {now}",
                pointer,
                breaks={Axis.SERVER: f"a BASE server refuses bodies of {was + 1} to {now} bytes it must now read"},
                kind=Kind.ADDITION,
            )
    elif was is None:
        yield comparison.change(
            "body-limit-added",
            f"`x-max-body-bytes` of {now} added",
            pointer,
            breaks={Axis.SERVER: f"a BASE server need not read bodies up to {now} bytes, nor refuse larger ones"},
        )
    elif now is None:
        yield comparison.change(
            "body-limit-removed",
            f"`x-max-body-bytes` of {was} removed",
            pointer,
            side="base",
            breaks={Axis.WIRE: f"a client can no longer rely on a body of up to {was} bytes being read"},
        )
    else:
        yield comparison.change(
            "body-limit-changed",
            f"`x-max-body-bytes` changed from {was!r} to {now!r}",
            pointer,
            breaks={Axis.WIRE: "the limit is no longer a byte count a client can rely on"},
        )

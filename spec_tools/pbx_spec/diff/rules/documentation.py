"""Documentation anywhere (descriptions, summaries, examples, deprecation), and the document's info and tags.

None of these breaks an axis: they decide a patch (documentation) or a minor release (a deprecation).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Change, Kind
from pbx_spec.diff.rules.context import Comparison, Pair, pointer_to

DOCUMENTATION_KEYWORDS = ("description", "summary", "title", "example", "examples", "externalDocs")
INFO_KEYWORDS = ("version", "contact", "license", "termsOfService")  # `title` is a documentation keyword


def documentation_changed(comparison: Comparison, node: Pair) -> Iterator[Change]:
    for keyword in DOCUMENTATION_KEYWORDS:
        if node.old.get(keyword) != node.new.get(keyword):
            verb = "added" if keyword not in node.old else "removed" if keyword not in node.new else "changed"
            pointer, side = (f"{node.new_at}/{keyword}", "revision") if keyword in node.new else (node.old_at, "base")
            yield comparison.change(
                f"{keyword}-{verb}", f"`{keyword}` {verb}", pointer, side=side, kind=Kind.DOCUMENTATION
            )


def deprecation_changed(comparison: Comparison, node: Pair) -> Iterator[Change]:
    was, now = bool(node.old.get("deprecated")), bool(node.new.get("deprecated"))
    if was != now:
        yield comparison.change(
            "deprecated" if now else "undeprecated",
            "marked `deprecated`" if now else "no longer `deprecated`",
            f"{node.new_at}/deprecated" if now else node.new_at,
            kind=Kind.DEPRECATION,
        )


def info_changed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_info, new_info = old.get("info", {}), new.get("info", {})
    yield from documentation_changed(comparison, Pair(old_info, new_info, "/info", "/info"))
    for keyword in INFO_KEYWORDS:
        if old_info.get(keyword) != new_info.get(keyword):
            yield comparison.change(
                f"info-{keyword}-changed", f"`info.{keyword}` changed", f"/info/{keyword}", kind=Kind.DOCUMENTATION
            )


def tags_changed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    if old.get("tags") != new.get("tags"):
        yield comparison.change("tags-changed", "the document's tags changed", "/tags", kind=Kind.DOCUMENTATION)


def examples_changed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_examples = old.get("components", {}).get("examples", {})
    new_examples = new.get("components", {}).get("examples", {})
    for name in sorted(old_examples.keys() | new_examples.keys()):
        if old_examples.get(name) != new_examples.get(name):
            side = "revision" if name in new_examples else "base"
            yield comparison.change(
                "example-changed",
                f"example `{name}` changed",
                pointer_to("components", "examples", name),
                side=side,
                kind=Kind.DOCUMENTATION,
            )

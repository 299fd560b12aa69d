"""Extensions (`x-*` keys) anywhere in the document: the ones something reads are changes like any other.

An extension means what its reader makes of it, so each one a tool of this kit reads has its own rule
(`x-max-body-bytes`, read by the emulator and the suite: `bodies.body_limit_changed`). The documentation-only
ones (`DOCUMENTATION_EXTENSIONS`: where a fact comes from, read by pbx_kit.provenance and the docs) are not
changes. Any other extension added, removed or changed is reported, breaking no axis the tools know of: its
reader is outside them, and the reviewer decides (a patch, unless another change decides more).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_kit.contract import MAX_BODY_EXTENSION
from pbx_kit.document import escape
from pbx_spec.diff.changes import Change
from pbx_spec.diff.rules.bodies import body_limit_changed
from pbx_spec.diff.rules.context import Comparison

# Where a fact comes from (the provider's page or our decision): documentation, for people and the docs site.
DOCUMENTATION_EXTENSIONS = frozenset({"x-provenance", "x-provenance-sources"})


def extensions(node: Any, at: str = "") -> dict[str, Any]:
    """Every extension under `node` by its JSON Pointer (an extension's value is one value, not walked into)."""
    found: dict[str, Any] = {}
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = f"{at}/{escape(str(key))}"
            if str(key).startswith("x-"):
                if key not in DOCUMENTATION_EXTENSIONS:
                    found[here] = value
            else:
                found.update(extensions(value, here))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.update(extensions(value, f"{at}/{index}"))
    return found


def extensions_changed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_extensions, new_extensions = extensions(old), extensions(new)
    for pointer in sorted(old_extensions.keys() | new_extensions.keys()):
        was, now = old_extensions.get(pointer, _ABSENT), new_extensions.get(pointer, _ABSENT)
        if was == now:
            continue
        key = pointer.rsplit("/", 1)[-1]
        if key == MAX_BODY_EXTENSION:
            yield from body_limit_changed(
                comparison, pointer, None if was is _ABSENT else was, None if now is _ABSENT else now
            )
        else:
            yield extension_changed(comparison, pointer, key, was is _ABSENT, now is _ABSENT)


def extension_changed(comparison: Comparison, pointer: str, key: str, added: bool, removed: bool) -> Change:
    verb = "added" if added else "removed" if removed else "changed"
    return comparison.change(
        f"extension-{verb}",
        f"extension `{key}` {verb}: no rule knows what it means; review what reads it",
        pointer,
        side="base" if removed else "revision",
    )


_ABSENT = object()

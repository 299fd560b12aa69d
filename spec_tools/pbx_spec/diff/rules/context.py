"""What every rule is given: where the comparison stands (`Comparison`), and the node being compared on both sides.

- `Comparison`: both revisions, the operation and the direction (request or response) the walk is in, and the
  changes found so far (each kind of change once, however many operations share the schema it is in);
- `Pair`: one node of BASE and its counterpart in REVISION, each with its JSON Pointer;
- `OperationPair`: the operation being compared, its path items, and the comparison named for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pbx_kit.document import pointer
from pbx_spec.diff.changes import Axis, Change, Direction, Effect, Kind, effect_breaks
from pbx_spec.diff.normalized import follow
from pbx_spec.diff.revisions import Revision


@dataclass
class Comparison:
    """Where a comparison stands: both revisions, the operation, the direction, the changes found."""

    base: Revision
    revision: Revision
    found: dict[tuple[str, str | None, str], Change] = field(default_factory=dict)
    operation: str | None = None
    direction: Direction = Direction.RESPONSE
    seen: set[tuple[str, str, Direction, str]] = field(default_factory=set)

    @property
    def old_document(self) -> Mapping[str, Any]:
        return self.base.document

    @property
    def new_document(self) -> Mapping[str, Any]:
        return self.revision.document

    def at(self, operation: str | None = None, direction: Direction | None = None) -> Comparison:
        """The same comparison, in another operation or direction (the changes found are shared)."""
        return Comparison(
            self.base,
            self.revision,
            self.found,
            operation if operation is not None else self.operation,
            direction or self.direction,
            self.seen,
        )

    def change(
        self,
        rule: str,
        message: str,
        pointer: str | None,
        *,
        side: str = "revision",
        breaks: Mapping[Axis, str] | None = None,
        kind: Kind = Kind.CHANGE,
    ) -> Change:
        source = self.revision if side == "revision" else self.base
        return Change(
            rule=rule,
            message=message,
            pointer=pointer,
            side=side,
            line=source.line(pointer) if pointer is not None else None,
            breaks=dict(breaks or {}),
            kind=kind,
            operations=[self.operation] if self.operation else [],
        )

    def schema_change(
        self, rule: str, message: str, pointer: str, effect: Effect, *, side: str = "revision", server_why: str = ""
    ) -> Change:
        """A change that moves the set of values allowed: the axes it breaks follow from the direction."""
        breaks = effect_breaks(self.direction, effect)
        if server_why and Axis.SERVER in breaks:
            breaks[Axis.SERVER] = server_why
        kind = Kind.ADDITION if effect is Effect.WIDENED and not breaks else Kind.CHANGE
        return self.change(
            rule, f"{message} ({self.direction.value}, {effect.value})", pointer, side=side, breaks=breaks, kind=kind
        )

    def record(self, change: Change) -> None:
        key = (change.rule, change.pointer, change.message)
        if key in self.found:
            self.found[key].merge(change)
        else:
            self.found[key] = change


@dataclass(frozen=True)
class Pair:
    """One node of BASE (`old`, at `old_at`) and its counterpart in REVISION (`new`, at `new_at`)."""

    old: Mapping[str, Any]
    new: Mapping[str, Any]
    old_at: str
    new_at: str


@dataclass(frozen=True)
class OperationPair(Pair):
    """The operation being compared: its nodes (`old`, `new`), its paths and path items, and the comparison
    named for it."""

    old_path: str
    new_path: str
    old_item: Mapping[str, Any]
    new_item: Mapping[str, Any]
    comparison: Comparison

    def followed(self, old: Any, old_at: str, new: Any, new_at: str) -> Pair:
        """A part of the operation on both sides (a response, a body), each `$ref` followed in its own document."""
        old_node, old_pointer = follow(self.comparison.old_document, old, old_at)
        new_node, new_pointer = follow(self.comparison.new_document, new, new_at)
        return Pair(old_node, new_node, old_pointer, new_pointer)


def pointer_to(*parts: str) -> str:
    """The JSON Pointer to a node named by its keys (`/paths/~1client~1/get`)."""
    return pointer(parts)

"""One change between two revisions, which axes it breaks and why, and the semver bump a list of them asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Axis(StrEnum):
    WIRE = "wire"  # a client that works against BASE
    SERVER = "server"  # a server that conforms to BASE, under the conformance suite for REVISION
    SDK = "sdk"  # Python code written against BASE's generated pbx_api


class Kind(StrEnum):
    """What a change is when it breaks nothing: it decides the bump together with the breaks."""

    CHANGE = "change"  # something that matters to someone (breaking on some axis, or a behaviour change)
    ADDITION = "addition"  # new functionality: minor
    DEPRECATION = "deprecation"  # semver: deprecating is a minor release
    DOCUMENTATION = "documentation"  # descriptions, examples, summaries: patch


class Effect(StrEnum):
    """How a schema change moves the set of values it allows (the rules of `rules` say which)."""

    WIDENED = "widened"
    NARROWED = "narrowed"
    BOTH = "widened and narrowed"
    NEUTRAL = "neutral"


class Direction(StrEnum):
    REQUEST = "request"  # clients send it, servers accept it
    RESPONSE = "response"  # servers send it, clients read it


# Why each effect breaks an axis, by direction. A request the schema accepts is one a client may send and one the
# suite sends as a positive case; a request it rejects is one the suite sends as a negative case.
EFFECT_BREAKS: Mapping[tuple[Direction, Effect], Mapping[Axis, str]] = {
    (Direction.REQUEST, Effect.WIDENED): {
        Axis.SERVER: "the suite now sends values that a BASE server rejects (positive_data_acceptance)",
    },
    (Direction.REQUEST, Effect.NARROWED): {
        Axis.WIRE: "a client may send values that BASE accepted and REVISION rejects",
        Axis.SERVER: "the suite expects values that BASE allowed to be rejected (negative_data_rejection)",
    },
    (Direction.RESPONSE, Effect.WIDENED): {
        Axis.WIRE: "a client may now receive values it was not written for",
    },
    (Direction.RESPONSE, Effect.NARROWED): {
        Axis.SERVER: "a BASE server may send values that REVISION's schema rejects (response_schema_conformance)",
    },
}


def effect_breaks(direction: Direction, effect: Effect) -> dict[Axis, str]:
    if effect is Effect.BOTH:
        merged = dict(EFFECT_BREAKS[(direction, Effect.WIDENED)])
        merged.update(EFFECT_BREAKS[(direction, Effect.NARROWED)])
        return merged
    return dict(EFFECT_BREAKS.get((direction, effect), {}))


@dataclass
class Change:
    rule: str  # the rule's name, kebab-case: what kind of change this is
    message: str  # what changed, for an API reviewer
    pointer: str | None = None  # JSON pointer into the document (REVISION's, or BASE's for a removal)
    side: str = "revision"  # which document `pointer` and `line` are in: "base" or "revision"
    line: int | None = None
    breaks: dict[Axis, str] = field(default_factory=dict)  # axis -> why it breaks
    kind: Kind = Kind.CHANGE
    operations: list[str] = field(default_factory=list)  # the operations it touches, when it is in one
    where: str | None = None  # for SDK changes: the Python object and its file and line

    @property
    def breaking(self) -> bool:
        return bool(self.breaks)

    def merge(self, other: Change) -> None:
        """The same change reached again (a shared schema under another operation or direction)."""
        for axis, why in other.breaks.items():
            self.breaks.setdefault(axis, why)
        for operation in other.operations:
            if operation not in self.operations:
                self.operations.append(operation)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "message": self.message,
            "pointer": self.pointer,
            "side": self.side,
            "line": self.line,
            "where": self.where,
            "kind": self.kind.value,
            "wire_breaking": Axis.WIRE in self.breaks,
            "server_breaking": Axis.SERVER in self.breaks,
            "sdk_breaking": Axis.SDK in self.breaks,
            "why": {axis.value: why for axis, why in sorted(self.breaks.items())},
            "operations": sorted(self.operations),
        }


def suggested_bump(changes: Iterable[Change]) -> str:
    """major when anything breaks on any axis, minor for additions and deprecations, else patch."""
    kinds = set()
    for change in changes:
        if change.breaking:
            return "major"
        kinds.add(change.kind)
    if kinds & {Kind.ADDITION, Kind.DEPRECATION, Kind.CHANGE}:
        return "minor"
    return "patch"

"""One change between two revisions, which axes it breaks and why, and the SDK version bump a list of them asks for.

The bump is the SDK's semantic version, decided by the SDK's users (docs/maintainers/change-report.md):

- **major** when code written against the old SDK, or a client on the wire, can break;
- **minor** when the revision adds something a caller can use (`Kind.ADDITION`), or deprecates something;
- **patch** otherwise: documentation, and changes that break only servers under conformance (a new required
  response header a BASE server does not send is the provider's to fix, not a reason for a major SDK release).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Axis(StrEnum):
    WIRE = "wire"  # a client that works against BASE
    SERVER = "server"  # a server that conforms to BASE, under the conformance suite for REVISION
    SDK = "sdk"  # Python code written against BASE's generated pbx_api


AXIS_TITLES = {
    Axis.WIRE: "clients on the wire",
    Axis.SERVER: "servers under conformance",
    Axis.SDK: "the generated SDK",
}
# The axes whose breaks make a major SDK release: the SDK's users, in Python or on the wire.
USER_AXES = (Axis.WIRE, Axis.SDK)


class Kind(StrEnum):
    """What a change gives a caller, whatever it breaks: with the breaks, it decides the bump."""

    CHANGE = "change"  # nothing new for a caller: a narrowing, a move, a behaviour change (patch unless it breaks)
    ADDITION = "addition"  # something a caller can use: an operation, a field, a value it may now send: minor
    DEPRECATION = "deprecation"  # semver: deprecating is a minor release
    DOCUMENTATION = "documentation"  # descriptions, examples, summaries: patch


class Bump(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"


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


def effect_kind(direction: Direction, effect: Effect) -> Kind:
    """A request that accepts more is something a caller can use (it may now send it); the rest is a change."""
    return Kind.ADDITION if direction is Direction.REQUEST and effect is Effect.WIDENED else Kind.CHANGE


@dataclass(frozen=True)
class SdkName:
    """Where an SDK change is, in the words the report groups by: `update_client`'s parameter `name` in the
    class `PbxClient`, or the attribute `name` of the model `ClientUpdate`."""

    owner: str  # the class or module holding it: `pbx_api.api.PbxClient`, `pbx_api.models.client_update.ClientUpdate`
    function: str | None  # the method or function (`update_client`, `sync`, `__init__`), None for an attribute
    member: str | None  # the parameter or attribute (`name`), None for the object itself
    noun: str  # what the member is: "keyword parameter", "parameter", "attribute", "method", "module", ...
    owner_family: int = 1  # how many owners of the package hold the same function (4 client classes)
    before: str | None = None  # the type or default before and after, when that is the change
    after: str | None = None
    contents: tuple[str, ...] = ()  # an added or removed module or class: the names it holds

    @property
    def owner_name(self) -> str:
        return self.owner.rsplit(".", 1)[-1]


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
    sdk: SdkName | None = None  # for SDK changes: the object, grouped by in the report
    origin: str | None = None  # for SDK changes: "spec" (both SDKs from today's generator) or "released"
    subjects: tuple[str, ...] = ()  # names an SDK change may be traced by besides the pointer's (a new operationId)

    @property
    def breaking(self) -> bool:
        return bool(self.breaks)

    @property
    def breaks_users(self) -> bool:
        return any(axis in self.breaks for axis in USER_AXES)

    def merge(self, other: Change) -> None:
        """The same change reached again (a shared schema under another operation or direction)."""
        for axis, why in other.breaks.items():
            self.breaks.setdefault(axis, why)
        for operation in other.operations:
            if operation not in self.operations:
                self.operations.append(operation)
        if other.kind is Kind.ADDITION and self.kind is Kind.CHANGE:
            self.kind = Kind.ADDITION

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "message": self.message,
            "pointer": self.pointer,
            "side": self.side,
            "line": self.line,
            "where": self.where,
            "kind": self.kind.value,
            "breaks": {axis.value: why for axis, why in sorted(self.breaks.items())},
            "operations": sorted(self.operations),
            "origin": self.origin,
        }


def change_bump(change: Change) -> Bump:
    if change.breaks_users:
        return Bump.MAJOR
    if change.kind in {Kind.ADDITION, Kind.DEPRECATION}:
        return Bump.MINOR
    return Bump.PATCH


BUMP_ORDER = (Bump.PATCH, Bump.MINOR, Bump.MAJOR)


def highest(bumps: Iterable[Bump]) -> Bump:
    return max(bumps, key=BUMP_ORDER.index, default=Bump.PATCH)


def suggested_bump(changes: Iterable[Change]) -> Bump:
    """major when a client on the wire or code using the SDK can break; minor for additions and deprecations."""
    return highest(change_bump(change) for change in changes)

"""The report's findings: one per change to the contract, with the SDK changes it causes, as a reviewer reads them.

The rules find a change once per direction it is reached in (a field shared by the request and the response is
narrowed twice), and the SDK axis finds one change per Python object (8 method variants of one operation, 16
keyword parameters each). A `Finding` is one change to the contract: its rules' changes merged, the SDK changes
traced to it attached, and those summarised by what changed where ("removed: 16 keyword parameters of
`update_client` and `update_client_info`, in all 4 classes of `pbx_api.api`").

An SDK change is traced to the contract change whose pointer, operations or names it shares the most (its member
is the changed property; its class is the changed schema; its method is the changed operation's); what no contract
change explains (a schema moved to a component of its own) is a finding of its own, and so is whatever changed
since the released SDK alone (the runtime, the templates or the generator).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from pbx_kit.document import unescape
from pbx_kit.sdk_names import method_name, python_identifier
from pbx_spec.diff.changes import Axis, Bump, Change, Kind, SdkName, change_bump, highest

_DIRECTION = re.compile(r"^(?P<what>.*) \((?P<direction>request|response), (?P<effect>[a-z ]+)\)$")
_SEGMENTS = {"schemas", "parameters", "headers", "responses", "requestBodies", "securitySchemes", "links", "examples"}
# How the report says each kind of SDK change, shortly.
SDK_VERBS = {
    "sdk-public-object-was-removed": "removed",
    "sdk-public-object-points-to-a-different-kind-of-object": "changed kind",
    "sdk-parameter-was-removed": "removed",
    "sdk-parameter-was-added-as-required": "added as required",
    "sdk-parameter-is-now-required": "now required",
    "sdk-parameter-kind-was-changed": "changed kind",
    "sdk-positional-parameter-was-moved": "moved",
    "sdk-parameter-default-was-changed": "default changed",
    "sdk-return-types-are-incompatible": "return type changed",
    "sdk-parameter-type-narrowed": "type narrowed",
    "sdk-return-type-changed": "return type changed",
    "sdk-attribute-type-changed": "type changed",
    "sdk-attribute-type-widened": "type widened",
    "sdk-attribute-type-narrowed": "type narrowed",
    "sdk-literal-value-removed": "value removed",
    "sdk-literal-value-added": "value added",
    "sdk-parameter-added": "added",
    "sdk-object-added": "added",
}


class Origin(StrEnum):
    CONTRACT = "contract"  # a change to openapi.yaml, with the SDK changes it causes
    SDK = "sdk"  # SDK changes between the two revisions' SDKs that no change on the wire explains
    RELEASED = "released"  # SDK changes since the released SDK that the two revisions' SDKs do not show


class Section(StrEnum):
    USERS = "Breaks clients on the wire or code using the SDK"
    SERVERS = "Breaks only servers under conformance"
    ADDITIONS = "Additions"
    OTHER = "Other changes"
    DOCUMENTATION = "Documentation"


SECTION_ORDER = tuple(Section)
SECTION_COUNTS = {  # how the summary counts each section's findings
    Section.USERS: "break clients or SDK users",
    Section.SERVERS: "break only servers",
    Section.ADDITIONS: "additions",
    Section.OTHER: "other",
    Section.DOCUMENTATION: "documentation",
}


@dataclass
class Finding:
    title: str
    rule: str
    origin: Origin
    changes: list[Change] = field(default_factory=list)  # the rules' changes it stands for (one per direction)
    sdk: list[Change] = field(default_factory=list)  # the SDK changes traced to it

    @property
    def first(self) -> Change | None:
        return self.changes[0] if self.changes else None

    @property
    def breaks(self) -> dict[Axis, str]:
        found: dict[Axis, str] = {}
        for change in self.changes:
            for axis, why in change.breaks.items():
                found.setdefault(axis, why)
        broken = [change for change in self.sdk if Axis.SDK in change.breaks]
        if broken and Axis.SDK not in found:
            found[Axis.SDK] = broken[0].breaks[Axis.SDK]
        return {axis: found[axis] for axis in Axis if axis in found}

    @property
    def kind(self) -> Kind:
        kinds = {change.kind for change in self.changes}
        if Kind.ADDITION in kinds or any(change.kind is Kind.ADDITION for change in self.sdk):
            return Kind.ADDITION
        for kind in (Kind.DEPRECATION, Kind.CHANGE):
            if kind in kinds:
                return kind
        if kinds == {Kind.DOCUMENTATION} and not self.sdk:
            return Kind.DOCUMENTATION
        return Kind.CHANGE

    @property
    def bump(self) -> Bump:
        return highest([*(change_bump(change) for change in self.changes + self.sdk), _kind_bump(self.kind)])

    @property
    def section(self) -> Section:
        breaks = self.breaks
        if Axis.WIRE in breaks or Axis.SDK in breaks:
            return Section.USERS
        if breaks:
            return Section.SERVERS
        return {
            Kind.ADDITION: Section.ADDITIONS,
            Kind.DEPRECATION: Section.OTHER,
            Kind.CHANGE: Section.OTHER,
            Kind.DOCUMENTATION: Section.DOCUMENTATION,
        }[self.kind]

    @property
    def operations(self) -> list[str]:
        found: list[str] = []
        for change in self.changes:
            found += [operation for operation in change.operations if operation not in found]
        return sorted(found)

    @property
    def location(self) -> str | None:
        first = self.first
        if first is None or first.line is None:
            return None
        return f"line {first.line} of {'BASE' if first.side == 'base' else 'REVISION'}"

    def sdk_summary(self) -> list[str]:
        return summarize(self.sdk)


def findings(changes: Sequence[Change]) -> list[Finding]:
    """The changes as findings, in the report's order: by section, then as the document has them."""
    contract = _merged([change for change in changes if change.sdk is None])
    spec_sdk = [change for change in changes if change.sdk is not None and change.origin != Origin.RELEASED.value]
    released = [change for change in changes if change.sdk is not None and change.origin == Origin.RELEASED.value]
    unexplained: list[Change] = []
    for change in spec_sdk:
        target = _traced(change, contract)
        (target.sdk if target is not None else unexplained).append(change)
    found = list(contract)
    if unexplained:
        found.append(Finding("the generated SDK changed where no change on the wire explains it", "sdk", Origin.SDK))
        found[-1].sdk = unexplained
    if released:
        found.append(
            Finding(
                "the SDK changed since the release, beyond what the contract explains (its runtime, templates "
                "or generator)",
                "sdk-since-release",
                Origin.RELEASED,
            )
        )
        found[-1].sdk = released
    return sorted(found, key=lambda finding: SECTION_ORDER.index(finding.section))


def _kind_bump(kind: Kind) -> Bump:
    return Bump.MINOR if kind in {Kind.ADDITION, Kind.DEPRECATION} else Bump.PATCH


def _merged(changes: Iterable[Change]) -> list[Finding]:
    """One finding per (rule, pointer): a change reached in the request and in the response is one change."""
    by_key: dict[tuple[str, str | None, str, str], Finding] = {}
    for change in changes:
        match = _DIRECTION.match(change.message)
        what = match["what"] if match else change.message
        key = (change.rule, change.pointer, change.side, what)
        if key not in by_key:
            by_key[key] = Finding(what, change.rule, Origin.CONTRACT)
        by_key[key].changes.append(change)
    for finding in by_key.values():
        finding.title = _title(finding)
    return list(by_key.values())


def _title(finding: Finding) -> str:
    first = finding.changes[0]
    place = place_of(first.pointer)
    directions = []
    for change in finding.changes:
        match = _DIRECTION.match(change.message)
        if match:
            directions.append((match["direction"], match["effect"]))
    if directions:
        effects = {effect for _, effect in directions}
        sides = " and ".join(sorted({direction for direction, _ in directions}))
        shown = (
            f"{sides}, {effects.pop()}"
            if len(effects) == 1
            else "; ".join(f"{direction} {effect}" for direction, effect in sorted(set(directions)))
        )
        what = f"{finding.title} ({shown})"
    else:
        what = finding.title
    return f"{place}: {what}" if place else what


def place_of(pointer: str | None) -> str | None:
    """Where a pointer is, as a reviewer names it: `ClientUpdate.name`, parameter `ClientId`, `GET /client/...`."""
    if not pointer:
        return None
    parts = [unescape(part) for part in pointer.split("/")[1:]]
    if len(parts) >= 3 and parts[0] == "components" and parts[1] in _SEGMENTS:
        names = [parts[2]] + [parts[index + 1] for index, part in enumerate(parts[:-1]) if part == "properties"]
        noun = {"schemas": ""}.get(parts[1], parts[1].rstrip("s").replace("requestBodie", "request body") + " ")
        return f"{noun}`{'.'.join(names)}`"
    if len(parts) >= 3 and parts[0] == "paths":
        return f"`{parts[2].upper()} {parts[1]}`"
    if len(parts) >= 2 and parts[0] == "paths":
        return f"`{parts[1]}`"
    return f"`{parts[0]}`" if parts else None


# --- tracing SDK changes to contract changes ---------------------------------------------------------------


def _traced(sdk_change: Change, contract: Sequence[Finding]) -> Finding | None:
    name = sdk_change.sdk
    if name is None:
        return None
    best: tuple[int, int, int] | None = None
    chosen: Finding | None = None
    for index, finding in enumerate(contract):
        score = max(_score(name, change) for change in finding.changes)
        if score == 0:
            continue
        rank = (score, 0 if finding.kind is Kind.DOCUMENTATION and not _names_sdk(finding) else 1, -index)
        if best is None or rank > best:
            best, chosen = rank, finding
    return chosen


def _names_sdk(finding: Finding) -> bool:
    return any(change.subjects for change in finding.changes)  # a title or tags change names SDK objects


def _score(name: SdkName, change: Change) -> int:
    """How strongly an SDK change points at a contract change (0: not at all)."""
    tokens: set[str] = {name.owner_name, *name.owner.split(".")}
    tokens |= {token for token in (name.function, name.member) if token}
    tokens |= {token.rstrip("_") for token in tokens}
    properties, schemas = _pointer_names(change.pointer)
    methods = {method_name(operation) for operation in change.operations}
    subjects = {method_name(subject) for subject in change.subjects} | set(change.subjects)
    score = 0
    if {name.member, (name.member or "").rstrip("_")} & properties:
        score += 4  # the changed property's attribute or keyword
    if tokens & _named_for(change.pointer):
        score += 3  # the class or module named for the changed schema (or for its property's enum)
    elif _prefixed(tokens, schemas | set(change.subjects)):
        score += 1  # named after it: `client_update_language` for `Client` (a copy in `ClientUpdate`)
    if tokens & methods or set(name.contents) & methods:
        score += 2  # the changed operation's method or module
    elif any(token.startswith(f"{method}_") for token in tokens for method in methods):
        score += 1  # a model named for the operation (`get_balance_response_200`)
    if subjects & tokens:
        score += 3  # a name the change itself gives (a new operationId, tag or title)
    return score


def _pointer_names(pointer: str | None) -> tuple[set[str], set[str]]:
    if not pointer:
        return set(), set()
    parts = pointer.split("/")
    properties = {parts[index + 1] for index, part in enumerate(parts[:-1]) if part == "properties"}
    schemas = {parts[index + 1] for index, part in enumerate(parts[:-1]) if part == "schemas"}
    return properties, schemas


def _named_for(pointer: str | None) -> set[str]:
    """The classes and modules openapi-python-client names for the schema at `pointer` and its properties:
    `ForbiddenError`, `forbidden_error`, `ForbiddenErrorStatus`, `forbidden_error_status`."""
    if not pointer:
        return set()
    parts = pointer.split("/")
    names: set[str] = set()
    for index, part in enumerate(parts[:-1]):
        if part != "schemas":
            continue
        current = _pascal(parts[index + 1])
        names |= {current, python_identifier(current)}
        for later, key in enumerate(parts[index + 2 : -1], start=index + 2):
            if key == "properties":
                current += _pascal(parts[later + 1])
                names |= {current, python_identifier(current)}
    return names


def _prefixed(tokens: set[str], names: set[str]) -> bool:
    starts = {python_identifier(name) for name in names if len(name) > 3}
    return any(python_identifier(token).startswith(start) for token in tokens for start in starts)


def _pascal(name: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in python_identifier(name).split("_") if word)


# --- summarising SDK changes ----------------------------------------------------------------------------------


def summarize(changes: Sequence[Change]) -> list[str]:
    """One line per kind of SDK change and type change, naming members, functions and owners once each."""
    groups: dict[tuple[str | None, ...], list[SdkName]] = {}
    for change in changes:
        if change.sdk is None:
            continue
        name = change.sdk
        # Methods of one module's classes go together; a constructor, and an attribute, with its own kind.
        shape = "attribute" if name.function is None else "__init__" if name.function == "__init__" else "call"
        key = (change.rule, name.noun, name.before, name.after, shape, name.owner.rsplit(".", 1)[0])
        groups.setdefault(key, []).append(name)
    return [_line(str(key[0]), names) for key, names in groups.items()]


def _line(rule: str, names: list[SdkName]) -> str:
    first = names[0]
    members = _unique(name.member for name in names)
    functions = sorted(_unique(name.function for name in names))
    owners = _unique(name.owner for name in names)
    verb = SDK_VERBS.get(rule, rule.removeprefix("sdk-").replace("-", " "))
    if first.noun == "value":  # a Literal alias that lost or gained values
        values = first.before or first.after
        return f"{verb}: {values} {'from' if first.before else 'to'} {_and(f'`{member}`' for member in members)}"
    if first.function is None:  # attributes, classes, modules: members of their owners
        subject = f"{_counted(members, first.noun)} of {_and(f'`{_short(owner)}`' for owner in owners)}"
    elif functions == ["__init__"]:
        constructors = _and(f"`{_short(owner)}()`" for owner in owners)
        subject = f"{_counted(members, first.noun)} of {constructors}" if members else f"the constructor {constructors}"
    elif members:
        subject = f"{_counted(members, first.noun)} of {_and(f'`{f}`' for f in functions)}{_scope(names, owners)}"
    else:
        subject = f"{_counted(functions, first.noun)}{_scope(names, owners)}"
    change = f" (`{first.before}` → `{first.after}`)" if first.before and first.after else ""
    return f"{verb}: {subject}{change}"


def _scope(names: list[SdkName], owners: list[str]) -> str:
    family = max(name.owner_family for name in names)
    if len(owners) > 1 and len(owners) == family:
        module = owners[0].rsplit(".", 1)[0]
        return f", in all {family} {'classes' if _are_classes(owners) else 'modules'} of `{module}`"
    return f", in {_and(f'`{_short(owner)}`' for owner in owners)}"


def _are_classes(owners: list[str]) -> bool:
    return all(owner.rsplit(".", 1)[-1][:1].isupper() for owner in owners)


def _short(path: str) -> str:
    """A class by its name (`ClientUpdate`), a module by its path."""
    last = path.rsplit(".", 1)[-1]
    return last if last[:1].isupper() else path


def _counted(members: list[str], noun: str) -> str:
    if len(members) > 3:
        return f"{len(members)} {noun}s"
    shown = _and(f"`{member}`" for member in members)
    return f"{noun} {shown}" if len(members) == 1 else f"{noun}s {shown}"


def _unique(values: Iterable[str | None]) -> list[str]:
    found: list[str] = []
    for value in values:
        if value is not None and value not in found:
            found.append(value)
    return found


def _and(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) <= 2:
        return " and ".join(listed)
    return ", ".join(listed[:-1]) + f" and {listed[-1]}"

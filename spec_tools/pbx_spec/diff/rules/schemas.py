"""Schema rules: how a change moves the set of values a schema allows, one small function per kind of change.

Each rule says the change's `Effect` (widened, narrowed); whether that breaks clients or servers depends on
whether the schema is a request's or a response's, and `changes.EFFECT_BREAKS` says which. `compare_schemas`
walks two schemas (their properties, items and alternatives too) and records what every rule finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from pbx_spec.diff.changes import Axis, Change, Direction, Effect, Kind
from pbx_spec.diff.normalized import Schema, normalize, type_effect
from pbx_spec.diff.rules.context import Comparison, Pair
from pbx_spec.diff.rules.documentation import deprecation_changed, documentation_changed

UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
INTEGER_FORMAT_BITS = {"int32": 32, "int64": 64}

SchemaRule = Callable[[Comparison, Schema, Schema], Iterator[Change]]


def type_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    effect = type_effect(old.types, new.types)
    if effect is not None:
        shown = " or ".join(sorted(new.types)) if new.types else "any type"
        before = " or ".join(sorted(old.types)) if old.types else "any type"
        yield comparison.schema_change(
            "type-changed", f"type changed from {before} to {shown}", f"{new.at}/type", Effect(_effect_word(effect))
        )


def nullable_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    if old.nullable != new.nullable:
        if new.nullable:
            yield comparison.schema_change("became-nullable", "now allows `null`", new.at, Effect.WIDENED)
        else:
            yield comparison.schema_change("became-not-nullable", "no longer allows `null`", new.at, Effect.NARROWED)


def enum_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    if old.enum == new.enum or (old.enum is not None and new.enum is not None and set(old.enum) == set(new.enum)):
        return
    pointer = f"{new.at}/enum" if new.enum is not None else new.at
    if old.enum is None:
        yield comparison.schema_change(
            "enum-added", f"values limited to {_values(new.enum or ())}", pointer, Effect.NARROWED
        )
        return
    if new.enum is None:
        yield comparison.schema_change("enum-removed", "values no longer limited to a list", pointer, Effect.WIDENED)
        return
    added = [value for value in new.enum if value not in old.enum]
    removed = [value for value in old.enum if value not in new.enum]
    if added:
        yield comparison.schema_change("enum-value-added", f"value {_values(added)} added", pointer, Effect.WIDENED)
    if removed:
        yield comparison.schema_change(
            "enum-value-removed", f"value {_values(removed)} removed", pointer, Effect.NARROWED
        )


def bounds_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    for keyword in UPPER_BOUNDS + LOWER_BOUNDS:
        was, now = old.keywords.get(keyword), new.keywords.get(keyword)
        if was == now or isinstance(was, bool) or isinstance(now, bool):
            continue
        upper = keyword in UPPER_BOUNDS
        if was is None:
            effect, verb = Effect.NARROWED, f"set to {now}"
        elif now is None:
            effect, verb = Effect.WIDENED, f"removed (was {was})"
        else:
            grew = now > was
            effect = Effect.WIDENED if grew == upper else Effect.NARROWED
            verb = f"{'increased' if grew else 'decreased'} from {was} to {now}"
        pointer = f"{new.at}/{keyword}" if now is not None else new.at
        yield comparison.schema_change(
            f"{_kebab(keyword)}-{_rule_verb(was, now)}", f"`{keyword}` {verb}", pointer, effect
        )


def pattern_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    yield from _presence_rule(comparison, old, new, "pattern")


def format_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = old.keywords.get("format"), new.keywords.get("format")
    if was in INTEGER_FORMAT_BITS and now in INTEGER_FORMAT_BITS and was != now:
        effect = Effect.WIDENED if INTEGER_FORMAT_BITS[now] > INTEGER_FORMAT_BITS[was] else Effect.NARROWED
        yield comparison.schema_change(
            "format-changed", f"`format` changed from {was} to {now}", f"{new.at}/format", effect
        )
        return
    yield from _presence_rule(comparison, old, new, "format")


def multiple_of_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    yield from _presence_rule(comparison, old, new, "multipleOf")


def unique_items_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = bool(old.keywords.get("uniqueItems")), bool(new.keywords.get("uniqueItems"))
    if was != now:
        effect = Effect.NARROWED if now else Effect.WIDENED
        yield comparison.schema_change(
            "unique-items-changed",
            f"`uniqueItems` {'set' if now else 'unset'}",
            f"{new.at}/uniqueItems" if now else new.at,
            effect,
        )


def additional_properties_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = _closed(old), _closed(new)
    if was != now:
        if now:
            yield comparison.schema_change(
                "additional-properties-forbidden",
                "unknown properties now rejected",
                f"{new.at}/additionalProperties",
                Effect.NARROWED,
            )
        else:
            yield comparison.schema_change(
                "additional-properties-allowed", "unknown properties now allowed", new.at, Effect.WIDENED
            )


def read_only_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    # Only a request cares: a read-only property may not be sent.
    was, now = bool(old.keywords.get("readOnly")), bool(new.keywords.get("readOnly"))
    if was != now and comparison.direction is Direction.REQUEST:
        effect = Effect.NARROWED if now else Effect.WIDENED
        yield comparison.schema_change("read-only-changed", f"`readOnly` {'set' if now else 'unset'}", new.at, effect)


def default_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = old.keywords.get("default"), new.keywords.get("default")
    if was != now:
        breaks = (
            {Axis.WIRE: "a client that leaves the value out gets different behaviour"}
            if comparison.direction is Direction.REQUEST
            else {}
        )
        yield comparison.change("default-changed", f"`default` changed from {was!r} to {now!r}", new.at, breaks=breaks)


def property_removed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    for name in old.properties.keys() - new.properties.keys():
        required = name in old.required
        # Removing a required property lets objects without it through (a client loses it); with unknown
        # properties rejected, objects that still have it are now invalid (a server still sending it fails).
        widened = required
        narrowed = _closed(new)
        if not (widened or narrowed):
            # An optional property whose absence clients had to handle anyway, and no rule against sending it.
            yield comparison.change(
                "optional-property-removed", f"optional property `{name}` removed", old.properties[name][1], side="base"
            )
            continue
        effect = Effect.BOTH if widened and narrowed else Effect.WIDENED if widened else Effect.NARROWED
        label = "required" if required else "optional"
        yield comparison.schema_change(
            f"{label}-property-removed",
            f"{label} property `{name}` removed",
            old.properties[name][1],
            effect,
            side="base",
        )


def property_added(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    for name in new.properties.keys() - old.properties.keys():
        pointer = new.properties[name][1]
        if name in new.required:
            response = comparison.direction is Direction.RESPONSE
            yield comparison.schema_change(
                "required-property-added",
                f"required property `{name}` added",
                pointer,
                Effect.NARROWED,
                server_why=f"a BASE server does not send `{name}` (response_schema_conformance)"
                if response
                else f"a BASE server accepts bodies without `{name}` (negative_data_rejection)",
            )
        elif comparison.direction is Direction.REQUEST and _closed(old):
            yield comparison.schema_change(
                "optional-property-added",
                f"optional property `{name}` added",
                pointer,
                Effect.WIDENED,
                server_why=f"the suite sends `{name}`; a BASE server rejects it as unknown (positive_data_acceptance)",
            )
        else:
            # Decision: clients read responses tolerantly (unknown fields are ignored), as oasdiff also assumes.
            yield comparison.change(
                "optional-property-added", f"optional property `{name}` added", pointer, kind=Kind.ADDITION
            )


def required_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    for name in sorted(old.properties.keys() & new.properties.keys()):
        was, now = name in old.required, name in new.required
        if was != now:
            pointer = new.properties[name][1]
            if now:
                yield comparison.schema_change(
                    "property-became-required", f"property `{name}` became required", pointer, Effect.NARROWED
                )
            else:
                yield comparison.schema_change(
                    "property-became-optional", f"property `{name}` became optional", pointer, Effect.WIDENED
                )


def branches_changed(comparison: Comparison, old: Schema, new: Schema) -> Iterator[Change]:
    if len(old.branches) != len(new.branches):
        grew = len(new.branches) > len(old.branches)
        yield comparison.schema_change(
            "alternatives-changed",
            f"`{new.branch_keyword or old.branch_keyword}` alternatives went from "
            f"{len(old.branches)} to {len(new.branches)}",
            new.at,
            Effect.WIDENED if grew else Effect.NARROWED,
        )


SCHEMA_RULES: tuple[SchemaRule, ...] = (
    type_changed,
    nullable_changed,
    enum_changed,
    bounds_changed,
    pattern_changed,
    format_changed,
    multiple_of_changed,
    unique_items_changed,
    additional_properties_changed,
    read_only_changed,
    default_changed,
    property_removed,
    property_added,
    required_changed,
    branches_changed,
)


def compare_schemas(comparison: Comparison, old_node: Any, old_at: str, new_node: Any, new_at: str) -> None:
    old = normalize(comparison.base.document, old_node, old_at)
    new = normalize(comparison.revision.document, new_node, new_at)
    key = (old.at, new.at, comparison.direction, comparison.operation or "")
    if key in comparison.seen:
        return
    comparison.seen.add(key)
    for rule in SCHEMA_RULES:
        for change in rule(comparison, old, new):
            comparison.record(change)
    for documentation_rule in (documentation_changed, deprecation_changed):
        for change in documentation_rule(comparison, Pair(old.keywords, new.keywords, old.at, new.at)):
            comparison.record(change)
    for name in sorted(old.properties.keys() & new.properties.keys()):
        compare_schemas(comparison, *old.properties[name], *new.properties[name])
    if old.items is not None and new.items is not None:
        compare_schemas(comparison, *old.items, *new.items)
    for (old_branch, old_pointer), (new_branch, new_pointer) in zip(old.branches, new.branches, strict=False):
        compare_schemas(comparison, old_branch, old_pointer, new_branch, new_pointer)


def _presence_rule(comparison: Comparison, old: Schema, new: Schema, keyword: str) -> Iterator[Change]:
    was, now = old.keywords.get(keyword), new.keywords.get(keyword)
    if was == now:
        return
    if was is None:
        effect, verb = Effect.NARROWED, f"set to {now!r}"
    elif now is None:
        effect, verb = Effect.WIDENED, f"removed (was {was!r})"
    else:
        effect, verb = Effect.BOTH, f"changed from {was!r} to {now!r}"
    pointer = f"{new.at}/{keyword}" if now is not None else new.at
    yield comparison.schema_change(f"{_kebab(keyword)}-{_rule_verb(was, now)}", f"`{keyword}` {verb}", pointer, effect)


def _closed(schema: Schema) -> bool:
    return schema.keywords.get("additionalProperties") is False


def _effect_word(effect: str) -> str:
    return {"widened": "widened", "narrowed": "narrowed", "both": "widened and narrowed"}[effect]


def _rule_verb(was: Any, now: Any) -> str:
    return "added" if was is None else "removed" if now is None else "changed"


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _values(values: Any) -> str:
    return ", ".join(repr(value) for value in values)

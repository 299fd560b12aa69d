"""The wire and server rules: one small function per kind of change, like the suite's checks.

Schema rules say how a change moves the set of values a schema allows (`Effect`); whether that breaks clients or
servers depends on whether the schema is a request's or a response's, and `changes.EFFECT_BREAKS` says which.
Rules of operations, parameters, responses and security name the axes they break themselves.

Adding a rule: write a function `(context, old, new) -> Iterator[Change]` next to the others of its level, add it
to that level's list (`SCHEMA_RULES`, ...), and add a revision pair to tests/spec_diff/test_rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pbx_kit.contract import HTTP_METHODS
from pbx_kit.document import pointer
from pbx_spec.diff.changes import Axis, Change, Direction, Effect, Kind, effect_breaks
from pbx_spec.diff.normalized import Schema, follow, normalize, type_effect
from pbx_spec.diff.revisions import Revision

DOCUMENTATION_KEYWORDS = ("description", "summary", "title", "example", "examples", "externalDocs")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
INTEGER_FORMAT_BITS = {"int32": 32, "int64": 64}
_PATH_PARAMETER = re.compile(r"\{[^}/]+\}")


@dataclass
class Context:
    """Where a comparison stands: both revisions, the operation, the direction, the pointers on each side."""

    base: Revision
    revision: Revision
    found: dict[tuple[str, str | None, str], Change] = field(default_factory=dict)
    operation: str | None = None
    direction: Direction = Direction.RESPONSE
    seen: set[tuple[str, str, Direction, str]] = field(default_factory=set)

    def at(self, operation: str | None = None, direction: Direction | None = None) -> Context:
        return Context(
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


# --- documentation, anywhere ---------------------------------------------------------------------------------


def documentation_changed(
    context: Context, old: Mapping[str, Any], new: Mapping[str, Any], old_at: str, new_at: str
) -> Iterator[Change]:
    for keyword in DOCUMENTATION_KEYWORDS:
        if old.get(keyword) != new.get(keyword):
            verb = "added" if keyword not in old else "removed" if keyword not in new else "changed"
            pointer, side = (f"{new_at}/{keyword}", "revision") if keyword in new else (old_at, "base")
            yield context.change(
                f"{keyword}-{verb}", f"`{keyword}` {verb}", pointer, side=side, kind=Kind.DOCUMENTATION
            )


def deprecation_changed(
    context: Context, old: Mapping[str, Any], new: Mapping[str, Any], old_at: str, new_at: str
) -> Iterator[Change]:
    was, now = bool(old.get("deprecated")), bool(new.get("deprecated"))
    if was != now:
        yield context.change(
            "deprecated" if now else "undeprecated",
            "marked `deprecated`" if now else "no longer `deprecated`",
            f"{new_at}/deprecated" if now else new_at,
            kind=Kind.DEPRECATION,
        )


# --- schemas ------------------------------------------------------------------------------------------------

SchemaRule = Callable[[Context, Schema, Schema], Iterator[Change]]


def type_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    effect = type_effect(old.types, new.types)
    if effect is not None:
        shown = " or ".join(sorted(new.types)) if new.types else "any type"
        before = " or ".join(sorted(old.types)) if old.types else "any type"
        yield context.schema_change(
            "type-changed", f"type changed from {before} to {shown}", f"{new.at}/type", Effect(_effect_word(effect))
        )


def nullable_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    if old.nullable != new.nullable:
        if new.nullable:
            yield context.schema_change("became-nullable", "now allows `null`", new.at, Effect.WIDENED)
        else:
            yield context.schema_change("became-not-nullable", "no longer allows `null`", new.at, Effect.NARROWED)


def enum_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    if old.enum == new.enum or (old.enum is not None and new.enum is not None and set(old.enum) == set(new.enum)):
        return
    pointer = f"{new.at}/enum" if new.enum is not None else new.at
    if old.enum is None:
        yield context.schema_change(
            "enum-added", f"values limited to {_values(new.enum or ())}", pointer, Effect.NARROWED
        )
        return
    if new.enum is None:
        yield context.schema_change("enum-removed", "values no longer limited to a list", pointer, Effect.WIDENED)
        return
    added = [value for value in new.enum if value not in old.enum]
    removed = [value for value in old.enum if value not in new.enum]
    if added:
        yield context.schema_change("enum-value-added", f"value {_values(added)} added", pointer, Effect.WIDENED)
    if removed:
        yield context.schema_change("enum-value-removed", f"value {_values(removed)} removed", pointer, Effect.NARROWED)


def bounds_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
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
        yield context.schema_change(f"{_kebab(keyword)}-{_rule_verb(was, now)}", f"`{keyword}` {verb}", pointer, effect)


def pattern_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    yield from _presence_rule(context, old, new, "pattern")


def format_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = old.keywords.get("format"), new.keywords.get("format")
    if was in INTEGER_FORMAT_BITS and now in INTEGER_FORMAT_BITS and was != now:
        effect = Effect.WIDENED if INTEGER_FORMAT_BITS[now] > INTEGER_FORMAT_BITS[was] else Effect.NARROWED
        yield context.schema_change(
            "format-changed", f"`format` changed from {was} to {now}", f"{new.at}/format", effect
        )
        return
    yield from _presence_rule(context, old, new, "format")


def multiple_of_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    yield from _presence_rule(context, old, new, "multipleOf")


def unique_items_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = bool(old.keywords.get("uniqueItems")), bool(new.keywords.get("uniqueItems"))
    if was != now:
        effect = Effect.NARROWED if now else Effect.WIDENED
        yield context.schema_change(
            "unique-items-changed",
            f"`uniqueItems` {'set' if now else 'unset'}",
            f"{new.at}/uniqueItems" if now else new.at,
            effect,
        )


def additional_properties_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = _closed(old), _closed(new)
    if was != now:
        if now:
            yield context.schema_change(
                "additional-properties-forbidden",
                "unknown properties now rejected",
                f"{new.at}/additionalProperties",
                Effect.NARROWED,
            )
        else:
            yield context.schema_change(
                "additional-properties-allowed", "unknown properties now allowed", new.at, Effect.WIDENED
            )


def read_only_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    # Only a request cares: a read-only property may not be sent.
    was, now = bool(old.keywords.get("readOnly")), bool(new.keywords.get("readOnly"))
    if was != now and context.direction is Direction.REQUEST:
        effect = Effect.NARROWED if now else Effect.WIDENED
        yield context.schema_change("read-only-changed", f"`readOnly` {'set' if now else 'unset'}", new.at, effect)


def default_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    was, now = old.keywords.get("default"), new.keywords.get("default")
    if was != now:
        breaks = (
            {Axis.WIRE: "a client that leaves the value out gets different behaviour"}
            if context.direction is Direction.REQUEST
            else {}
        )
        yield context.change("default-changed", f"`default` changed from {was!r} to {now!r}", new.at, breaks=breaks)


def property_removed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    for name in old.properties.keys() - new.properties.keys():
        required = name in old.required
        # Removing a required property lets objects without it through (a client loses it); with unknown
        # properties rejected, objects that still have it are now invalid (a server still sending it fails).
        widened = required
        narrowed = _closed(new)
        if not (widened or narrowed):
            # An optional property whose absence clients had to handle anyway, and no rule against sending it.
            yield context.change(
                "optional-property-removed", f"optional property `{name}` removed", old.properties[name][1], side="base"
            )
            continue
        effect = Effect.BOTH if widened and narrowed else Effect.WIDENED if widened else Effect.NARROWED
        label = "required" if required else "optional"
        yield context.schema_change(
            f"{label}-property-removed",
            f"{label} property `{name}` removed",
            old.properties[name][1],
            effect,
            side="base",
        )


def property_added(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    for name in new.properties.keys() - old.properties.keys():
        pointer = new.properties[name][1]
        if name in new.required:
            response = context.direction is Direction.RESPONSE
            yield context.schema_change(
                "required-property-added",
                f"required property `{name}` added",
                pointer,
                Effect.NARROWED,
                server_why=f"a BASE server does not send `{name}` (response_schema_conformance)"
                if response
                else f"a BASE server accepts bodies without `{name}` (negative_data_rejection)",
            )
        elif context.direction is Direction.REQUEST and _closed(old):
            yield context.schema_change(
                "optional-property-added",
                f"optional property `{name}` added",
                pointer,
                Effect.WIDENED,
                server_why=f"the suite sends `{name}`; a BASE server rejects it as unknown (positive_data_acceptance)",
            )
        else:
            # Decision: clients read responses tolerantly (unknown fields are ignored), as oasdiff also assumes.
            yield context.change(
                "optional-property-added", f"optional property `{name}` added", pointer, kind=Kind.ADDITION
            )


def required_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    for name in sorted(old.properties.keys() & new.properties.keys()):
        was, now = name in old.required, name in new.required
        if was != now:
            pointer = new.properties[name][1]
            if now:
                yield context.schema_change(
                    "property-became-required", f"property `{name}` became required", pointer, Effect.NARROWED
                )
            else:
                yield context.schema_change(
                    "property-became-optional", f"property `{name}` became optional", pointer, Effect.WIDENED
                )


def branches_changed(context: Context, old: Schema, new: Schema) -> Iterator[Change]:
    if len(old.branches) != len(new.branches):
        grew = len(new.branches) > len(old.branches)
        yield context.schema_change(
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


def compare_schemas(context: Context, old_node: Any, old_at: str, new_node: Any, new_at: str) -> None:
    old = normalize(context.base.document, old_node, old_at)
    new = normalize(context.revision.document, new_node, new_at)
    key = (old.at, new.at, context.direction, context.operation or "")
    if key in context.seen:
        return
    context.seen.add(key)
    for rule in SCHEMA_RULES:
        for change in rule(context, old, new):
            context.record(change)
    for documentation_rule in (documentation_changed, deprecation_changed):
        for change in documentation_rule(context, old.keywords, new.keywords, old.at, new.at):
            context.record(change)
    for name in sorted(old.properties.keys() & new.properties.keys()):
        compare_schemas(context, *old.properties[name], *new.properties[name])
    if old.items is not None and new.items is not None:
        compare_schemas(context, *old.items, *new.items)
    for (old_branch, old_pointer), (new_branch, new_pointer) in zip(old.branches, new.branches, strict=False):
        compare_schemas(context, old_branch, old_pointer, new_branch, new_pointer)


def _presence_rule(context: Context, old: Schema, new: Schema, keyword: str) -> Iterator[Change]:
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
    yield context.schema_change(f"{_kebab(keyword)}-{_rule_verb(was, now)}", f"`{keyword}` {verb}", pointer, effect)


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


# --- operations, parameters, bodies, responses ---------------------------------------------------------------


def compare_documents(base: Revision, revision: Revision) -> list[Change]:
    """Every wire, server and documentation change from `base` to `revision`, deduplicated, in document order."""
    context = Context(base, revision)
    for document_rule in DOCUMENT_RULES:
        for change in document_rule(context, base.document, revision.document):
            context.record(change)
    return sorted(context.found.values(), key=_order)


def _order(change: Change) -> tuple[int, int, str]:
    return (0 if change.side == "revision" else 1, change.line or 0, change.rule)


DocumentRule = Callable[[Context, Mapping[str, Any], Mapping[str, Any]], Iterator[Change]]


def info_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_info, new_info = old.get("info", {}), new.get("info", {})
    yield from documentation_changed(context, old_info, new_info, "/info", "/info")
    for keyword in ("title", "version", "contact", "license", "termsOfService"):
        if old_info.get(keyword) != new_info.get(keyword) and keyword != "title":
            yield context.change(
                f"info-{keyword}-changed", f"`info.{keyword}` changed", f"/info/{keyword}", kind=Kind.DOCUMENTATION
            )


def servers_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_urls = [server.get("url") for server in old.get("servers", [])]
    new_urls = [server.get("url") for server in new.get("servers", [])]
    for url in old_urls:
        if url not in new_urls:
            yield context.change(
                "server-url-removed",
                f"server URL `{url}` removed",
                "/servers",
                breaks={Axis.WIRE: "a client configured with that base URL no longer reaches the API"},
            )
    for url in new_urls:
        if url not in old_urls:
            yield context.change("server-url-added", f"server URL `{url}` added", "/servers", kind=Kind.ADDITION)


def tags_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    if old.get("tags") != new.get("tags"):
        yield context.change("tags-changed", "the document's tags changed", "/tags", kind=Kind.DOCUMENTATION)


def security_schemes_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_schemes = old.get("components", {}).get("securitySchemes", {})
    new_schemes = new.get("components", {}).get("securitySchemes", {})
    for name in old_schemes.keys() - new_schemes.keys():
        yield context.change(
            "security-scheme-removed",
            f"security scheme `{name}` removed",
            f"/components/securitySchemes/{name}",
            side="base",
            breaks=_SECURITY_BREAKS,
        )
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        old_scheme, new_scheme = old_schemes[name], new_schemes[name]
        at = f"/components/securitySchemes/{name}"
        yield from documentation_changed(context, old_scheme, new_scheme, at, at)
        for keyword in ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl"):
            if old_scheme.get(keyword) != new_scheme.get(keyword):
                yield context.change(
                    "security-scheme-changed",
                    f"security scheme `{name}`: `{keyword}` changed",
                    f"{at}/{keyword}",
                    breaks=_SECURITY_BREAKS,
                )
        yield from _flows_changed(context, name, old_scheme.get("flows", {}), new_scheme.get("flows", {}), at)
        old_endpoint, new_endpoint = old_scheme.get("x-token-endpoint"), new_scheme.get("x-token-endpoint")
        if isinstance(old_endpoint, Mapping) and isinstance(new_endpoint, Mapping):
            token = context.at(operation="token")
            for part, direction in (
                ("request", Direction.REQUEST),
                ("response", Direction.RESPONSE),
                ("error", Direction.RESPONSE),
            ):
                if part in old_endpoint and part in new_endpoint:
                    compare_schemas(
                        token.at(direction=direction),
                        old_endpoint[part],
                        f"{at}/x-token-endpoint/{part}",
                        new_endpoint[part],
                        f"{at}/x-token-endpoint/{part}",
                    )
    for name in new_schemes.keys() - old_schemes.keys():
        yield context.change(
            "security-scheme-added",
            f"security scheme `{name}` added",
            f"/components/securitySchemes/{name}",
            kind=Kind.ADDITION,
        )


_SECURITY_BREAKS = {
    Axis.WIRE: "a client authenticating as BASE says no longer gets in",
    Axis.SERVER: "a BASE server does not authenticate as REVISION says (the suite's tokens)",
}


def _flows_changed(
    context: Context, scheme: str, old: Mapping[str, Any], new: Mapping[str, Any], at: str
) -> Iterator[Change]:
    for flow in sorted(old.keys() | new.keys()):
        if flow not in new:
            yield context.change(
                "oauth-flow-removed", f"`{scheme}`: OAuth flow `{flow}` removed", f"{at}/flows", breaks=_SECURITY_BREAKS
            )
            continue
        if flow not in old:
            yield context.change(
                "oauth-flow-added", f"`{scheme}`: OAuth flow `{flow}` added", f"{at}/flows/{flow}", kind=Kind.ADDITION
            )
            continue
        for url in ("tokenUrl", "authorizationUrl", "refreshUrl"):
            if old[flow].get(url) != new[flow].get(url):
                yield context.change(
                    "oauth-url-changed",
                    f"`{scheme}` {flow}: `{url}` changed from {old[flow].get(url)!r} to {new[flow].get(url)!r}",
                    f"{at}/flows/{flow}/{url}",
                    breaks=_SECURITY_BREAKS,
                )
        old_scopes, new_scopes = set(old[flow].get("scopes", {})), set(new[flow].get("scopes", {}))
        for scope in sorted(old_scopes - new_scopes):
            yield context.change(
                "oauth-scope-removed",
                f"`{scheme}` {flow}: scope `{scope}` removed",
                f"{at}/flows/{flow}/scopes",
                breaks=_SECURITY_BREAKS,
            )
        for scope in sorted(new_scopes - old_scopes):
            yield context.change(
                "oauth-scope-added",
                f"`{scheme}` {flow}: scope `{scope}` added",
                f"{at}/flows/{flow}/scopes/{scope}",
                kind=Kind.ADDITION,
            )


def paths_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_paths = {_path_shape(path): path for path in old.get("paths", {})}
    new_paths = {_path_shape(path): path for path in new.get("paths", {})}
    for shape in old_paths.keys() | new_paths.keys():
        old_path, new_path = old_paths.get(shape), new_paths.get(shape)
        old_item = follow(old, old["paths"][old_path], "")[0] if old_path else {}
        new_item = follow(new, new["paths"][new_path], "")[0] if new_path else {}
        for method in HTTP_METHODS:
            if method in old_item or method in new_item:
                yield from _operation_changed(context, old, new, old_path, new_path, method)


def _path_shape(path: str) -> str:
    # `/client/{id}/` and `/client/{client_id}/` are the same endpoint.
    return _PATH_PARAMETER.sub("{}", path)


def _pointer(*parts: str) -> str:
    return pointer(parts)


def _operation_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_path: str | None,
    new_path: str | None,
    method: str,
) -> Iterator[Change]:
    old_item = old["paths"][old_path] if old_path else {}
    new_item = new["paths"][new_path] if new_path else {}
    old_operation, new_operation = old_item.get(method), new_item.get(method)
    label = f"{method.upper()} {new_path or old_path}"
    if old_operation is None:
        operation_id = (new_operation or {}).get("operationId", label)
        yield context.at(operation=operation_id).change(
            "operation-added",
            f"operation `{operation_id}` ({label}) added",
            _pointer("paths", str(new_path), method),
            kind=Kind.ADDITION,
            breaks={Axis.SERVER: "a BASE server does not serve it, and the suite calls it"},
        )
        return
    operation_id = old_operation.get("operationId", label)
    here = context.at(operation=operation_id)
    old_at, new_at = _pointer("paths", str(old_path), method), _pointer("paths", str(new_path), method)
    if new_operation is None:
        yield here.change(
            "operation-removed",
            f"operation `{operation_id}` ({label}) removed",
            old_at,
            side="base",
            breaks={Axis.WIRE: "a client calling it gets an error"},
        )
        return
    if old_path != new_path:
        yield here.change(
            "path-renamed",
            f"path `{old_path}` is now `{new_path}`",
            _pointer("paths", str(new_path)),
            breaks={
                Axis.WIRE: "a client calling the old path gets an error",
                Axis.SERVER: "a BASE server serves the old path",
            },
        )
    if old_operation.get("operationId") != new_operation.get("operationId"):
        yield here.change(
            "operation-id-changed",
            f"`operationId` changed from `{old_operation.get('operationId')}` "
            f"to `{new_operation.get('operationId')}` (nothing on the wire; the SDK axis decides)",
            f"{new_at}/operationId",
        )
    yield from documentation_changed(here, old_operation, new_operation, old_at, new_at)
    yield from deprecation_changed(here, old_operation, new_operation, old_at, new_at)
    if old_operation.get("tags") != new_operation.get("tags"):
        yield here.change("operation-tags-changed", "tags changed", f"{new_at}/tags", kind=Kind.DOCUMENTATION)
    yield from _security_requirements_changed(here, old, new, old_operation, new_operation, new_at)
    yield from _parameters_changed(here, old, new, old_item, new_item, old_operation, new_operation, old_at, new_at)
    yield from _request_body_changed(here, old, new, old_operation, new_operation, old_at, new_at)
    yield from _responses_changed(here, old, new, old_operation, new_operation, old_at, new_at)


def _security_requirements_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_operation: Mapping[str, Any],
    new_operation: Mapping[str, Any],
    new_at: str,
) -> Iterator[Change]:
    was = _requirements(old_operation.get("security", old.get("security", [])))
    now = _requirements(new_operation.get("security", new.get("security", [])))
    if was != now:
        yield context.change(
            "security-requirement-changed",
            f"security requirements changed from {sorted(was)} to {sorted(now)}",
            f"{new_at}/security",
            breaks=_SECURITY_BREAKS,
        )


def _requirements(requirements: Any) -> set[str]:
    return {
        " + ".join(f"{name}{sorted(scopes)}" for name, scopes in sorted(requirement.items()))
        for requirement in requirements or []
    }


def _parameters(
    document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any], item_at: str, operation_at: str
) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
    found: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for source, at in ((item, item_at), (operation, operation_at)):
        for index, raw in enumerate(source.get("parameters", [])):
            parameter, pointer = follow(document, raw, f"{at}/parameters/{index}")
            key = (parameter.get("in", ""), parameter.get("name", ""))
            if key[0] == "header":
                key = (key[0], key[1].lower())
            found[key] = (parameter, pointer)
    return found


def _parameters_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_item: Mapping[str, Any],
    new_item: Mapping[str, Any],
    old_operation: Mapping[str, Any],
    new_operation: Mapping[str, Any],
    old_at: str,
    new_at: str,
) -> Iterator[Change]:
    old_params = _parameters(old, old_item, old_operation, old_at.rsplit("/", 1)[0], old_at)
    new_params = _parameters(new, new_item, new_operation, new_at.rsplit("/", 1)[0], new_at)
    request = context.at(direction=Direction.REQUEST)
    for key in old_params.keys() - new_params.keys():
        where, name = key
        if where == "path":
            continue  # a path parameter only goes with its path, compared above
        yield request.change(
            "parameter-removed",
            f"{where} parameter `{name}` removed",
            old_params[key][1],
            side="base",
            breaks={Axis.WIRE: "a client still sending it may be refused"},
        )
    for key in new_params.keys() - old_params.keys():
        where, name = key
        parameter, pointer = new_params[key]
        if parameter.get("required"):
            yield request.schema_change(
                "required-parameter-added", f"required {where} parameter `{name}` added", pointer, Effect.NARROWED
            )
        else:
            yield request.change(
                "optional-parameter-added",
                f"optional {where} parameter `{name}` added",
                pointer,
                kind=Kind.ADDITION,
                breaks={
                    Axis.SERVER: "the suite sends invalid values of it "
                    "and a BASE server, not knowing it, does not reject them"
                },
            )
    for key in sorted(old_params.keys() & new_params.keys()):
        (old_parameter, old_pointer), (new_parameter, new_pointer) = old_params[key], new_params[key]
        yield from documentation_changed(request, old_parameter, new_parameter, old_pointer, new_pointer)
        yield from deprecation_changed(request, old_parameter, new_parameter, old_pointer, new_pointer)
        was, now = bool(old_parameter.get("required")), bool(new_parameter.get("required"))
        if was != now:
            effect = Effect.NARROWED if now else Effect.WIDENED
            yield request.schema_change(
                "parameter-became-required" if now else "parameter-became-optional",
                f"{key[0]} parameter `{key[1]}` became {'required' if now else 'optional'}",
                new_pointer,
                effect,
            )
        for keyword in ("style", "explode", "allowReserved"):
            if old_parameter.get(keyword) != new_parameter.get(keyword):
                yield request.schema_change(
                    f"parameter-{keyword.lower()}-changed",
                    f"{key[0]} parameter `{key[1]}`: `{keyword}` changed",
                    new_pointer,
                    Effect.BOTH,
                )
        if "schema" in old_parameter and "schema" in new_parameter:
            compare_schemas(
                request,
                old_parameter["schema"],
                f"{old_pointer}/schema",
                new_parameter["schema"],
                f"{new_pointer}/schema",
            )


def _request_body_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_operation: Mapping[str, Any],
    new_operation: Mapping[str, Any],
    old_at: str,
    new_at: str,
) -> Iterator[Change]:
    request = context.at(direction=Direction.REQUEST)
    old_raw, new_raw = old_operation.get("requestBody"), new_operation.get("requestBody")
    if old_raw is None and new_raw is None:
        return
    if new_raw is None:
        yield request.change(
            "request-body-removed",
            "request body removed",
            f"{old_at}/requestBody",
            side="base",
            breaks={Axis.WIRE: "a client still sending a body may be refused"},
        )
        return
    new_body, new_body_at = follow(new, new_raw, f"{new_at}/requestBody")
    if old_raw is None:
        if new_body.get("required"):
            yield request.schema_change(
                "required-request-body-added", "required request body added", new_body_at, Effect.NARROWED
            )
        else:
            yield request.change(
                "optional-request-body-added", "optional request body added", new_body_at, kind=Kind.ADDITION
            )
        return
    old_body, old_body_at = follow(old, old_raw, f"{old_at}/requestBody")
    yield from documentation_changed(request, old_body, new_body, old_body_at, new_body_at)
    was, now = bool(old_body.get("required")), bool(new_body.get("required"))
    if was != now:
        yield request.schema_change(
            "request-body-became-required" if now else "request-body-became-optional",
            f"request body became {'required' if now else 'optional'}",
            new_body_at,
            Effect.NARROWED if now else Effect.WIDENED,
        )
    yield from _content_changed(
        request,
        old_body.get("content", {}),
        new_body.get("content", {}),
        f"{old_body_at}/content",
        f"{new_body_at}/content",
    )


def _content_changed(
    context: Context, old: Mapping[str, Any], new: Mapping[str, Any], old_at: str, new_at: str
) -> Iterator[Change]:
    request = context.direction is Direction.REQUEST
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
        yield context.change(
            "media-type-removed",
            f"media type `{media_type}` removed",
            old_at + _pointer(media_type),
            side="base",
            breaks=breaks,
        )
    for media_type in sorted(new.keys() - old.keys()):
        breaks = {Axis.SERVER: f"the suite sends `{media_type}`; a BASE server refuses it"} if request else {}
        yield context.change(
            "media-type-added",
            f"media type `{media_type}` added",
            new_at + _pointer(media_type),
            kind=Kind.ADDITION,
            breaks=breaks,
        )
    for media_type in sorted(old.keys() & new.keys()):
        old_media, new_media = old[media_type], new[media_type]
        old_media_at, new_media_at = old_at + _pointer(media_type), new_at + _pointer(media_type)
        yield from documentation_changed(context, old_media, new_media, old_media_at, new_media_at)
        if "schema" in old_media and "schema" in new_media:
            compare_schemas(
                context, old_media["schema"], f"{old_media_at}/schema", new_media["schema"], f"{new_media_at}/schema"
            )


def _responses_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_operation: Mapping[str, Any],
    new_operation: Mapping[str, Any],
    old_at: str,
    new_at: str,
) -> Iterator[Change]:
    response_context = context.at(direction=Direction.RESPONSE)
    old_responses = {str(status): value for status, value in old_operation.get("responses", {}).items()}
    new_responses = {str(status): value for status, value in new_operation.get("responses", {}).items()}
    for status in sorted(old_responses.keys() - new_responses.keys()):
        breaks = {Axis.SERVER: f"a BASE server still answers {status} (status_code_conformance)"}
        if status.startswith("2"):
            breaks[Axis.WIRE] = f"a client expecting {status} gets another status"
        yield response_context.change(
            "response-status-removed",
            f"response {status} removed",
            f"{old_at}/responses/{status}",
            side="base",
            breaks=breaks,
        )
    for status in sorted(new_responses.keys() - old_responses.keys()):
        yield response_context.change(
            "response-status-added", f"response {status} added", f"{new_at}/responses/{status}", kind=Kind.ADDITION
        )
    for status in sorted(old_responses.keys() & new_responses.keys()):
        old_response, old_response_at = follow(old, old_responses[status], f"{old_at}/responses/{status}")
        new_response, new_response_at = follow(new, new_responses[status], f"{new_at}/responses/{status}")
        yield from documentation_changed(response_context, old_response, new_response, old_response_at, new_response_at)
        yield from _headers_changed(
            response_context, old, new, old_response, new_response, old_response_at, new_response_at
        )
        yield from _content_changed(
            response_context,
            old_response.get("content", {}),
            new_response.get("content", {}),
            f"{old_response_at}/content",
            f"{new_response_at}/content",
        )
        if old_response.get("links") != new_response.get("links"):
            yield response_context.change(
                "links-changed", "links changed", f"{new_response_at}/links", kind=Kind.DOCUMENTATION
            )


def _headers_changed(
    context: Context,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_response: Mapping[str, Any],
    new_response: Mapping[str, Any],
    old_at: str,
    new_at: str,
) -> Iterator[Change]:
    old_headers = {name.lower(): (name, value) for name, value in old_response.get("headers", {}).items()}
    new_headers = {name.lower(): (name, value) for name, value in new_response.get("headers", {}).items()}
    for key in sorted(old_headers.keys() - new_headers.keys()):
        name, raw = old_headers[key]
        header = follow(old, raw, "")[0]
        breaks = {Axis.WIRE: "a client reading it no longer gets it"} if header.get("required") else {}
        yield context.change(
            "response-header-removed",
            f"response header `{name}` removed",
            f"{old_at}/headers" + _pointer(name),
            side="base",
            breaks=breaks,
        )
    for key in sorted(new_headers.keys() - old_headers.keys()):
        name, raw = new_headers[key]
        header, header_at = follow(new, raw, f"{new_at}/headers" + _pointer(name))
        if header.get("required"):
            yield context.change(
                "required-response-header-added",
                f"required response header `{name}` added",
                header_at,
                breaks={Axis.SERVER: "a BASE server does not send it (response_headers_conformance)"},
            )
        else:
            yield context.change(
                "optional-response-header-added",
                f"optional response header `{name}` added",
                header_at,
                kind=Kind.ADDITION,
            )
    for key in sorted(old_headers.keys() & new_headers.keys()):
        old_name, old_raw = old_headers[key]
        new_name, new_raw = new_headers[key]
        old_header, old_header_at = follow(old, old_raw, f"{old_at}/headers" + _pointer(old_name))
        new_header, new_header_at = follow(new, new_raw, f"{new_at}/headers" + _pointer(new_name))
        yield from documentation_changed(context, old_header, new_header, old_header_at, new_header_at)
        was, now = bool(old_header.get("required")), bool(new_header.get("required"))
        if was != now:
            yield context.schema_change(
                "response-header-became-required" if now else "response-header-became-optional",
                f"response header `{new_name}` became {'required' if now else 'optional'}",
                new_header_at,
                Effect.NARROWED if now else Effect.WIDENED,
            )
        if "schema" in old_header and "schema" in new_header:
            compare_schemas(
                context,
                old_header["schema"],
                f"{old_header_at}/schema",
                new_header["schema"],
                f"{new_header_at}/schema",
            )


def examples_changed(context: Context, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_examples = old.get("components", {}).get("examples", {})
    new_examples = new.get("components", {}).get("examples", {})
    for name in sorted(old_examples.keys() | new_examples.keys()):
        if old_examples.get(name) != new_examples.get(name):
            side = "revision" if name in new_examples else "base"
            yield context.change(
                "example-changed",
                f"example `{name}` changed",
                _pointer("components", "examples", name),
                side=side,
                kind=Kind.DOCUMENTATION,
            )


DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    info_changed,
    servers_changed,
    tags_changed,
    security_schemes_changed,
    paths_changed,
    examples_changed,
)

"""Schemas as their meaning, not their spelling: what the rules compare.

The same schema can be written many ways, and a rewrite is not a change. Here:
- `$ref` is followed (also into another schema's properties), so a reference and an identical inline copy are equal;
- `allOf` is merged into one schema, so a wrapper such as `allOf: [{$ref: X}]` with a new description is X;
- null is a flag: `type: [string, 'null']`, `nullable: true` (OpenAPI 3.0) and `anyOf`/`oneOf` with a
  `{type: 'null'}` branch all give `nullable`;
- `const: v` is `enum: [v]`;
- properties are a mapping, so their order is not compared.

Each schema remembers where its keywords live in the document (a JSON pointer), so a change is shown there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pbx_kit.document import escape, resolve

STRUCTURAL = {"$ref", "allOf", "anyOf", "oneOf", "type", "nullable", "const", "enum", "properties", "required", "items"}


@dataclass
class Schema:
    at: str  # where its own keywords live
    keywords: dict[str, Any] = field(default_factory=dict)  # every other keyword, merged
    types: frozenset[str] | None = None  # None: any type
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)  # name -> (raw schema, pointer)
    required: frozenset[str] = frozenset()
    items: tuple[Any, str] | None = None
    branches: list[tuple[Any, str]] = field(default_factory=list)  # oneOf/anyOf alternatives besides null
    branch_keyword: str | None = None


def follow(document: Mapping[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """A node with a lone `$ref` replaced by its target (repeatedly), and the target's pointer."""
    seen = set()
    while isinstance(node, Mapping) and set(node) == {"$ref"} and node["$ref"] not in seen:
        seen.add(node["$ref"])
        pointer = node["$ref"][1:]
        node = resolve(document, node["$ref"])
    return node, pointer


def normalize(document: Mapping[str, Any], node: Any, pointer: str) -> Schema:
    node, pointer = follow(document, node, pointer)
    schema = Schema(at=pointer)
    if node is True or node is None:
        return schema
    if node is False:
        schema.enum = ()
        return schema
    _merge(document, schema, node, pointer, depth=0)
    return schema


def _merge(document: Mapping[str, Any], schema: Schema, node: Mapping[str, Any], pointer: str, depth: int) -> None:
    if depth > 32:
        raise ValueError(f"{pointer}: references nest too deep")
    parts: list[tuple[Any, str]] = []
    if "$ref" in node:
        parts.append(follow(document, {"$ref": node["$ref"]}, pointer + "/$ref"))
    parts.extend((sub, f"{pointer}/allOf/{index}") for index, sub in enumerate(node.get("allOf", [])))
    for branch_keyword in ("anyOf", "oneOf"):
        if branch_keyword not in node:
            continue
        branches = []
        for index, sub in enumerate(node[branch_keyword]):
            sub, sub_pointer = follow(document, sub, f"{pointer}/{branch_keyword}/{index}")
            if _is_null(sub):
                schema.nullable = True
            else:
                branches.append((sub, sub_pointer))
        if len(branches) == 1:
            parts.append(branches[0])
        else:
            schema.branches, schema.branch_keyword = branches, branch_keyword
    for sub, sub_pointer in parts:
        sub, sub_pointer = follow(document, sub, sub_pointer)
        if isinstance(sub, Mapping):
            if not _has_own_structure(node) and len(parts) == 1:
                schema.at = sub_pointer  # a pure wrapper: show changes where the wrapped schema lives
            _merge(document, schema, sub, sub_pointer, depth + 1)
    # The node's own keywords come last, so a wrapper's description overrides the wrapped one.
    _own(schema, node, pointer)


def _has_own_structure(node: Mapping[str, Any]) -> bool:
    return any(key in node for key in ("type", "properties", "items", "enum", "const"))


def _own(schema: Schema, node: Mapping[str, Any], pointer: str) -> None:
    declared = node.get("type")
    if declared is not None:
        types = {declared} if isinstance(declared, str) else set(declared)
        if "null" in types:
            schema.nullable = True
            types.discard("null")
        schema.types = frozenset(types) if schema.types is None else schema.types & frozenset(types)
    if node.get("nullable") is True:
        schema.nullable = True
    if "const" in node:
        schema.enum = (node["const"],)
    if "enum" in node:
        values = tuple(node["enum"])
        if None in values:
            schema.nullable = True
            values = tuple(value for value in values if value is not None)
        schema.enum = values
    for name, sub in (node.get("properties") or {}).items():
        schema.properties[name] = (sub, f"{pointer}/properties/{escape(name)}")
    schema.required = schema.required | frozenset(node.get("required", ()))
    if "items" in node:
        schema.items = (node["items"], f"{pointer}/items")
    for key, value in node.items():
        if key not in STRUCTURAL:
            schema.keywords[key] = value


def _is_null(node: Any) -> bool:
    return isinstance(node, Mapping) and (node.get("type") == "null" or node.get("type") == ["null"])


# integer ⊂ number: a number schema accepts every integer.
def type_effect(old: frozenset[str] | None, new: frozenset[str] | None) -> str | None:
    """ "widened", "narrowed", "both" or None (unchanged) for a change of the allowed types."""
    if old == new:
        return None
    if old is None:
        return "narrowed"
    if new is None:
        return "widened"
    old_wide, new_wide = _with_implied(old), _with_implied(new)
    if old_wide <= new_wide:
        return "widened"
    if new_wide <= old_wide:
        return "narrowed"
    return "both"


def _with_implied(types: frozenset[str]) -> frozenset[str]:
    return types | {"integer"} if "number" in types else types

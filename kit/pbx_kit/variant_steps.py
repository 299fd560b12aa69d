"""The steps a variant runs on the whole document besides its overlays, each named in overlays/variants.yaml.

An overlay changes the nodes its JSONPath selects; these steps are general rewrites no JSONPath can state (follow
every reference of one kind), or checks of the result. Each takes the document and returns the result, and raises
VariantError, one line, when it cannot.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from pbx_kit.document import resolve
from pbx_kit.overlay import OverlayError


class VariantError(OverlayError):
    """A variant that cannot be made: a step failed, or variants.yaml names what does not exist."""


Step = Callable[[dict[str, Any]], dict[str, Any]]


def inline_property_references(document: dict[str, Any]) -> dict[str, Any]:
    """Every `$ref` into part of a schema (`#/components/schemas/Client/properties/timezone`) replaced by a copy.

    openapi-python-client resolves `$ref` only to whole schemas under `#/components/schemas`; any other reference
    makes it drop the schema holding it (and every operation using that schema), or type the field `Any`. The
    contract keeps such references so each rule is written once; the SDK's input gets a copy in place, with the
    referring node's own keywords (a description, say) laid over it. References to whole components stay: they
    become the SDK's named models.
    """

    def inline(node: Any, depth: int) -> Any:
        if depth > 64:
            raise VariantError("references nest too deep to inline (a cycle through a property?)")
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and not _WHOLE_COMPONENT.match(reference) and reference.startswith("#/"):
                target = copy.deepcopy(_resolve(document, reference))
                siblings = {key: value for key, value in node.items() if key != "$ref"}
                return inline({**target, **siblings} if isinstance(target, dict) else target, depth + 1)
            inlined = {key: inline(value, depth) for key, value in node.items()}
            wrapped = inlined.get("allOf")
            if (
                isinstance(wrapped, list)
                and len(wrapped) == 1
                and isinstance(wrapped[0], dict)
                and "$ref" not in wrapped[0]
            ):
                # `allOf: [X]` around an inline X is X: the generator would make a new named model of it.
                siblings = {key: value for key, value in inlined.items() if key != "allOf"}
                return {**wrapped[0], **siblings}
            return inlined
        if isinstance(node, list):
            return [inline(item, depth) for item in node]
        return node

    return inline(document, 0)  # type: ignore[no-any-return]


_WHOLE_COMPONENT = re.compile(r"^#/components/(schemas|responses|parameters|requestBodies|headers|examples|links|"
                              r"securitySchemes)/[^/]+$")  # fmt: skip


def _resolve(document: dict[str, Any], reference: str) -> Any:
    try:
        return resolve(document, reference)
    except (KeyError, IndexError, ValueError, TypeError) as error:
        raise VariantError(f"the document refers to {reference}, which does not exist") from error


def describe_parameter_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """Give each parameter's schema the parameter's description, where the schema has none.

    openapi-python-client documents a parameter from its schema's description only, so without this `client_id`
    would have no docstring; the contract describes parameters where OpenAPI puts it, on the parameter.
    """
    parameters = list(document.get("components", {}).get("parameters", {}).values())
    for path_item in document.get("paths", {}).values():
        parameters += path_item.get("parameters", [])
        parameters += [
            p
            for operation in path_item.values()
            if isinstance(operation, dict)
            for p in operation.get("parameters", [])
        ]
    for parameter in parameters:
        schema = parameter.get("schema") if isinstance(parameter, dict) else None
        if isinstance(schema, dict) and parameter.get("description") and "description" not in schema:
            schema["description"] = parameter["description"]
    return document


def check_every_property_typed(document: dict[str, Any]) -> dict[str, Any]:
    """No property may reach openapi-python-client without a type: it would become `Any` without a warning."""
    untyped = [
        f"{name}.{prop}"
        for name, schema in document.get("components", {}).get("schemas", {}).items()
        for prop, value in (schema.get("properties") or {}).items()
        if not (isinstance(value, dict) and set(value) & _TYPING_KEYWORDS)
    ]
    if untyped:
        raise VariantError(f"properties without a type would be `Any` in the SDK: {', '.join(untyped)}")
    return document


_TYPING_KEYWORDS = {"type", "$ref", "allOf", "anyOf", "oneOf", "enum", "const"}

STEPS: dict[str, Step] = {
    "inline-property-references": inline_property_references,
    "describe-parameter-schemas": describe_parameter_schemas,
    "check-every-property-typed": check_every_property_typed,
}
"""Each step by the name variants.yaml gives it."""

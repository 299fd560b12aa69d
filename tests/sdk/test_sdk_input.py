"""The SDK's input document: every reference into another schema's properties inlined with exactly its rules.

openapi-python-client drops a schema holding a reference into another schema's properties, or types the field
`Any`; the `sdk` variant inlines each one first (pbx_kit.variant_steps, one general step). These tests hold that
step to what it owes, in the document the generator hands openapi-python-client.
"""

from __future__ import annotations

from typing import Any

from pbx_generator.sdk_input import sdk_input_document as variant_input
from pbx_kit import contract


def sdk_input_document() -> dict[str, Any]:
    return variant_input(contract.spec_path(), contract.overlays_path())


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


def inlining_problems(source: Any, sdk_input: Any) -> list[str]:
    """Properties lost on the way: each property that refers into another schema's properties in openapi.yaml
    must hold, in the SDK's input, exactly the rules of what it referred to (an empty `{}` would come out of the
    generator as `Any`)."""
    problems = []
    for schema_name, schema in source["components"]["schemas"].items():
        for name, node in schema.get("properties", {}).items():
            ref = node.get("$ref", "") if isinstance(node, dict) else ""
            if "/properties/" not in ref:
                continue
            expected = {k: v for k, v in contract.resolve(source, ref).items() if not k.startswith("x-")}
            found = sdk_input["components"]["schemas"][schema_name]["properties"].get(name)
            found = {k: v for k, v in (found or {}).items() if not k.startswith("x-")}
            if found != expected:
                problems.append(f"{schema_name}.{name}: {found!r} instead of the rules of {ref}")
    return problems


def test_the_sdk_input_has_no_reference_into_another_schemas_properties() -> None:
    references = _references(sdk_input_document())
    assert references, "the input still uses references to whole components"
    assert [ref for ref in references if "/properties/" in ref] == []


def test_the_sdk_input_inlines_every_referenced_property_with_its_rules() -> None:
    assert inlining_problems(contract.load_document(), sdk_input_document()) == []


def test_the_inlining_guard_catches_a_property_left_empty() -> None:
    # What a forgotten or broken inlining leaves behind: the `$ref` gone, nothing in its place.
    sdk_input = sdk_input_document()
    sdk_input["components"]["schemas"]["ClientUpdate"]["properties"]["timezone"] = {}
    problems = inlining_problems(contract.load_document(), sdk_input)
    assert len(problems) == 1 and problems[0].startswith("ClientUpdate.timezone: {}")

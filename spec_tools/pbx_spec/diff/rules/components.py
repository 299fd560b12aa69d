"""Component rules: schemas added to or removed from `components/schemas`.

A component's name is not on the wire, and what the schema allows is compared wherever it is used, so these break
no axis by themselves (oasdiff's api-schema-removed is informational). They are what the SDK's changes are traced
to when a schema is renamed, moved out of a property or added unused: openapi-python-client names model classes
after components, so the SDK axis decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Change
from pbx_spec.diff.rules.context import Comparison, pointer_to


def schema_removed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_schemas, new_schemas = _schemas(old), _schemas(new)
    for name in sorted(old_schemas.keys() - new_schemas.keys()):
        yield comparison.change(
            "schema-removed",
            f"schema `{name}` removed from the components (nothing on the wire; the SDK axis decides)",
            pointer_to("components", "schemas", name),
            side="base",
            subjects=(name,),
        )


def schema_added(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_schemas, new_schemas = _schemas(old), _schemas(new)
    for name in sorted(new_schemas.keys() - old_schemas.keys()):
        yield comparison.change(
            "schema-added",
            f"schema `{name}` added to the components (nothing on the wire; the SDK axis decides)",
            pointer_to("components", "schemas", name),
            subjects=(name,),
        )


def _schemas(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return document.get("components", {}).get("schemas", {}) or {}

"""The contract: openapi.yaml, loaded once, with JSON Schema validators for its schemas.

The emulator and the conformance suite read the API's shape from here instead of restating it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import referencing
import yaml
from jsonschema.exceptions import ValidationError
from referencing.jsonschema import DRAFT202012

from pbx_kit.formats import INTEGER_FORMATS, TIME_ZONE_FORMAT, is_time_zone

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC_PATH = ROOT / "openapi.yaml"
_DOCUMENT_URI = "urn:pbx:openapi"


def spec_path() -> Path:
    """The contract's file: `PBX_SPEC` if set, else the repository's openapi.yaml."""
    return Path(os.environ.get("PBX_SPEC", DEFAULT_SPEC_PATH))


@cache
def load_document(path: Path | None = None) -> Mapping[str, Any]:
    """The parsed OpenAPI document (cached; treat it as read-only)."""
    with open(path or spec_path(), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve(document: Mapping[str, Any], ref: str) -> Any:
    """The node a local reference such as `#/components/schemas/Client` points to."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def format_checker() -> jsonschema.FormatChecker:
    """JSON Schema's format checker plus the contract's named formats and OpenAPI's integer ranges."""
    checker = jsonschema.FormatChecker()
    checker.checks(TIME_ZONE_FORMAT)(is_time_zone)
    for name, (low, high) in INTEGER_FORMATS.items():
        checker.checks(name)(lambda value, low=low, high=high: not isinstance(value, int) or low <= value <= high)
    return checker


@cache
def _registry(path: Path | None = None) -> referencing.Registry:
    resource = referencing.Resource.from_contents(dict(load_document(path)), default_specification=DRAFT202012)
    return referencing.Registry().with_resource(_DOCUMENT_URI, resource)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """`pattern` read as JSON Schema says, with ECMA-262 regular expressions, as schemathesis and the emulator
    (jsonschema-rs) read it: Python's `$` also matches before a final newline, ECMA's only at the very end."""
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    translated, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        translated.append(char)
    return re.compile("".join(translated))


_ContractValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def schema_validator(schema: Mapping[str, Any], path: Path | None = None) -> jsonschema.protocols.Validator:
    """A Draft 2020-12 validator for a schema taken from the document; its local `$ref`s resolve in the document."""
    return _ContractValidator(_anchor_refs(schema), registry=_registry(path), format_checker=format_checker())


def _anchor_refs(node: Any) -> Any:
    """A copy of `node` whose local `$ref`s name the document, so they resolve wherever the schema was taken from."""
    if isinstance(node, Mapping):
        return {
            key: _DOCUMENT_URI + value if key == "$ref" and str(value).startswith("#") else _anchor_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_anchor_refs(item) for item in node]
    return node


@cache
def validator(schema_name: str, path: Path | None = None) -> jsonschema.protocols.Validator:
    """A validator for `#/components/schemas/<schema_name>`."""
    return schema_validator({"$ref": f"#/components/schemas/{schema_name}"}, path)


@cache
def schema_properties(schema_name: str, path: Path | None = None) -> Mapping[str, Any]:
    """The properties of a named schema, each with its `$ref` followed (cached: read-only)."""
    document = load_document(path)
    properties = resolve(document, f"#/components/schemas/{schema_name}").get("properties", {})
    return MappingProxyType(
        {name: resolve(document, node["$ref"]) if "$ref" in node else node for name, node in properties.items()}
    )


@cache
def read_only_fields(path: Path | None = None) -> frozenset[str]:
    """Fields of `Client` the provider sets: marked `readOnly` in the contract."""
    return frozenset(name for name, node in schema_properties("Client", path).items() if node.get("readOnly"))


@cache
def writable_fields(path: Path | None = None) -> frozenset[str]:
    """Fields a client may change: the properties of `ClientUpdate`."""
    return frozenset(schema_properties("ClientUpdate", path))

"""How the faults that bend values bend them: each function is one way a real backend goes wrong with what it is
sent, used only when its fault is on (see faults.py).

Each reads the field's rules from the contract it is given (`spec`; None: the default one), so a fault bends the
fields the contract has, whatever they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pbx_emulator.errors import ValidationFailed
from pbx_kit.contract import is_nullable, schema_properties

UPDATE_SCHEMA = "ClientUpdate"
# A JSON escape of a character outside the Basic Multilingual Plane: a surrogate pair, `\ud83d\ude00`.
_ESCAPED_SURROGATE_PAIR = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_WHOLE_NUMBER = re.compile(r"\s*-?\d+\s*")
_BMP_LAST = 0xFFFF


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def without_non_bmp(changes: Mapping[str, Any]) -> dict[str, Any]:
    """`non-bmp-replaced`: what a column in a legacy three-byte encoding (MySQL's `utf8`) keeps of the values:
    every character outside the Basic Multilingual Plane (emoji, historic scripts) becomes `?`."""
    return {
        name: "".join("?" if ord(char) > _BMP_LAST else char for char in value) if isinstance(value, str) else value
        for name, value in changes.items()
    }


def misread_escapes(body: bytes) -> bytes:
    """`json-escapes-misread`: a parser that decodes each `\\u` escape on its own turns an escaped surrogate
    pair (RFC 8259 section 7's way to write a character outside the BMP) into U+FFFD."""
    return _ESCAPED_SURROGATE_PAIR.sub(rb"\\ufffd", body)


def refuse_whole_number_floats(changes: Any, spec: Path | None = None) -> None:
    """`whole-number-float-refused`: `2.0` for an integer field is refused as not an integer."""
    if not isinstance(changes, dict):
        return
    fields = schema_properties(UPDATE_SCHEMA, spec)
    for name, value in changes.items():
        if isinstance(value, float) and "integer" in _types(fields.get(name, {})):
            raise ValidationFailed(f"{name}: must be of type integer", name)


def normalised(changes: Any, spec: Path | None = None) -> Any:
    """`normalising-validator`: each writable field's value bent towards its rules before they are checked, as a
    lax backend does instead of refusing it: strings trimmed and cut to `maxLength`, a pattern or enum matched
    in another case, numbers turned into strings and numeric strings and booleans into integers, integers
    clamped to their bounds."""
    if not isinstance(changes, dict):
        return changes
    fields = schema_properties(UPDATE_SCHEMA, spec)
    return {name: _normalise(value, fields[name]) if name in fields else value for name, value in changes.items()}


def _normalise(value: Any, schema: Mapping[str, Any]) -> Any:
    types = _types(schema)
    if value is None and is_nullable(schema):
        return value
    if "integer" in types:
        if isinstance(value, bool) or (isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value)):
            value = int(value)
        if isinstance(value, int):
            value = max(value, schema.get("minimum", value))
            return min(value, schema.get("maximum", value))
        return value
    if "string" in types:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return value
        value = value.strip()[: schema.get("maxLength", len(value))]
        return _in_the_right_case(value, schema)
    return value


def _in_the_right_case(value: str, schema: Mapping[str, Any]) -> str:
    for candidate in (value, value.upper(), value.lower()):
        if candidate in schema.get("enum", [candidate]) and re.search(schema.get("pattern", ""), candidate):
            return candidate
    return value

"""Checking a PUT body against the contract's `ClientUpdate`, as a whole, before anything is stored.

The rules are the contract's: its `ClientUpdate` schema through `pbx_kit.contract.validator`, the kit's one
validator stack (jsonschema-rs with the contract's named formats and integer ranges), the same one that checks
the seed and that schemathesis judges with. This module decides which field to name and words the error
without echoing a possibly huge value back. Each function reads the contract it is given (`spec`, a path;
None: the default one).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pbx_emulator.errors import ValidationFailed
from pbx_kit.contract import (
    SchemaError,
    SchemaValidator,
    read_only_fields,
    schema_properties,
    validator,
    writable_fields,
)
from pbx_kit.formats import TIME_ZONE_FORMAT

UPDATE_SCHEMA = "ClientUpdate"


def update_validator(spec: Path | None = None) -> SchemaValidator:
    """The contract's `ClientUpdate`, compiled once (pbx_kit.contract caches it)."""
    return validator(UPDATE_SCHEMA, spec)


UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
# RFC 8259: JSON exchanged between systems is UTF-8, without a byte order mark. Python's json.loads(bytes)
# would also take UTF-16/32 and a BOM: a server that did would read what other parsers refuse.
OTHER_UNICODE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DuplicateName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def check_charset(content_type: str) -> None:
    """400 unless the media type's `charset` parameter, if any, is UTF-8."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in UTF8_CHARSETS:
            raise ValidationFailed(f"The request body must be UTF-8 JSON, not charset={charset[:40]}.", None)


def parse_body(body: bytes, spec: Path | None = None) -> Any:
    """The JSON document in `body`, or a 400 with `field` null (or naming a field sent twice)."""
    if not body.strip():
        raise ValidationFailed("The request body is empty; send a JSON object of fields to change.", None)
    if body.startswith(codecs.BOM_UTF8):
        raise ValidationFailed("The request body starts with a byte order mark; send UTF-8 JSON without one.", None)
    if body.startswith(OTHER_UNICODE_BOMS) or b"\x00" in body[:2]:
        raise ValidationFailed("The request body is UTF-16 or UTF-32; send UTF-8 JSON.", None)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationFailed("The request body is not valid UTF-8; send UTF-8 JSON.", None) from error
    try:
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object_of_unique_names)
        # A lone surrogate escape (`"\ud800"`) parses, but is no Unicode text and cannot be sent back.
        pairs = document.items() if isinstance(document, dict) else ()
        broken = [name for name, value in pairs if not (_is_unicode(name) and _is_unicode(value))]
    except DuplicateName as error:
        known = writable_fields(spec) | read_only_fields(spec)
        field = error.name if _is_unicode(error.name) and error.name in known else None
        name = json.dumps(error.name)[:80]
        raise ValidationFailed(f"The request body names {name} more than once; send each name once.", field) from None
    except (ValueError, RecursionError) as error:
        raise ValidationFailed("The request body is not valid JSON (or is nested too deeply).", None) from error
    if broken:
        field = broken[0] if _is_unicode(broken[0]) else None
        raise ValidationFailed(f"{field or 'a field name'}: holds an unpaired surrogate escape", field)
    return document


def _is_unicode(value: Any) -> bool:
    """Whether every string in `value`, at any depth, is valid Unicode (encodes to UTF-8)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(_is_unicode(item) for item in value)
    if isinstance(value, dict):
        return all(_is_unicode(k) and _is_unicode(v) for k, v in value.items())
    return True


def _object_of_unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on a repeated name (first wins, last wins, error): refuse it rather than guess.
    document: dict[str, Any] = {}
    for name, value in pairs:
        if name in document:
            raise DuplicateName(name)
        document[name] = value
    return document


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser accepts them.
    raise ValueError(f"{name} is not JSON")


def check_update(changes: Any, allow_read_only: bool = False, spec: Path | None = None) -> dict[str, Any]:
    """`changes` if it is a valid partial update; else ValidationFailed naming the first offending field."""
    if not isinstance(changes, dict):
        raise ValidationFailed("The request body must be a JSON object.", None)
    if not changes:
        raise ValidationFailed("The request body must name at least one field to change.", None)
    read_only, writable = read_only_fields(spec), writable_fields(spec)
    for name in changes:
        if name in read_only and not allow_read_only:
            raise ValidationFailed(f"{name}: the field is read-only", name)
        if name not in read_only and name not in writable:
            raise ValidationFailed(f"{name}: no such field", name)
    to_check = {name: value for name, value in changes.items() if name in writable}
    if not update_validator(spec).is_valid(to_check):
        for name, value in to_check.items():
            problem = field_problem(name, value, spec)
            if problem:
                raise ValidationFailed(f"{name}: {problem}", name)
    return {name: _as_contract_type(name, value, spec) for name, value in changes.items()}


def _as_contract_type(name: str, value: Any, spec: Path | None) -> Any:
    """An integer field's whole-number float (`2.0`, valid for JSON Schema's `integer`) as the integer `2`.

    The contract's decision (`ClientUpdate`): the value is stored and answered as the integer it is.
    """
    if isinstance(value, float) and value.is_integer() and _is_integer_field(name, spec):
        return int(value)
    return value


def _is_integer_field(name: str, spec: Path | None) -> bool:
    kind = schema_properties("Client", spec).get(name, {}).get("type")
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def field_problem(name: str, value: Any, spec: Path | None = None) -> str | None:
    """What is wrong with one writable field's value, or None if it is valid."""
    error = update_validator(spec).first_error({name: value})
    return None if error is None else _describe(error, schema_properties(UPDATE_SCHEMA, spec)[name], value)


def valid_fields(changes: Mapping[str, Any], spec: Path | None = None) -> dict[str, Any]:
    """The writable fields of `changes` that are valid on their own (for the partial-apply fault)."""
    writable = writable_fields(spec)
    return {k: v for k, v in changes.items() if k in writable and field_problem(k, v, spec) is None}


def _describe(error: SchemaError, schema: Mapping[str, Any], value: Any) -> str:
    """What is wrong, in words, without repeating the value (it may be as long as a whole body)."""
    keyword = error.keyword
    expected = schema.get(keyword)
    if keyword == "format" and expected == TIME_ZONE_FORMAT:
        return f"{json.dumps(value)[:80]} is not a known time zone"
    if keyword in ("minimum", "maximum") and expected is None and isinstance(schema.get("format"), str):
        return f"must be within the {schema['format']} range"  # the format's range, written in by pbx_kit
    if expected is None:
        return f"is not valid ({keyword})"
    words = {
        "type": lambda: f"must be of type {' or '.join(expected) if isinstance(expected, list) else expected}",
        "maxLength": lambda: f"must be at most {expected} characters long",
        "minLength": lambda: f"must be at least {expected} characters long",
        "pattern": lambda: f"must match the pattern {expected}",
        "format": lambda: f"must be a valid {expected}",
        "enum": lambda: f"must be one of {', '.join(json.dumps(v) for v in expected)}",
        "const": lambda: f"must be {json.dumps(expected)}",
        "minimum": lambda: f"must be at least {expected}",
        "maximum": lambda: f"must be at most {expected}",
    }.get(keyword)
    return words() if words else f"is not valid ({keyword})"

"""What the suite reads from openapi.yaml beyond what schemathesis does: operations, error schemas, field rules.

Nothing here restates the contract: every field, status and schema comes from the document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pbx_kit import contract, formats


@dataclass(frozen=True)
class OperationUnderTest:
    """An operation the suite calls, named as schemathesis labels it: its method in capitals, its path (under the
    API's base URL, or the token endpoint's on the host), its operationId. The contract's own view of an operation,
    node and servers included, is `pbx_kit.contract.Operation`."""

    method: str
    path: str
    operation_id: str

    @property
    def label(self) -> str:
        """The label schemathesis gives the operation: `GET /client/{client_id}/client/`."""
        return f"{self.method} {self.path}"

    def url(self, base_url: str, client_id: str | int) -> str:
        return base_url + self.path.replace("{client_id}", str(client_id))


@cache
def operations() -> tuple[OperationUnderTest, ...]:
    """The API's operations: those served under its base URL.

    An operation with its own `servers` (on the path item or the operation) lives elsewhere on the host: that is
    the token endpoint (on the host's root), held by the token-endpoint checks, never fuzzed.
    """
    return tuple(
        OperationUnderTest(operation.method.upper(), operation.path, operation.operation_id)
        for operation in contract.base_url_operations()
    )


@cache
def token_label() -> str:
    """The report's name of the token endpoint, as schemathesis would label it: `POST <token path>`."""
    return f"POST {contract.token_path()}"


@cache
def foreign_paths() -> tuple[str, ...]:
    """Paths of the document not served under the API's base URL (the token endpoint, if described there)."""
    return tuple(dict.fromkeys(op.path for op in contract.operations() if not op.under_base_url))


def token_endpoint() -> tuple[OperationUnderTest, ...]:
    """The token endpoint, as the one operation the token-endpoint checks run on."""
    method, path = token_label().split(" ", 1)
    return (OperationUnderTest(method, path, "token"),)


def reads() -> tuple[OperationUnderTest, ...]:
    return tuple(operation for operation in operations() if operation.method == "GET")


def writes() -> tuple[OperationUnderTest, ...]:
    return tuple(operation for operation in operations() if operation.method == "PUT")


def read_of(write: OperationUnderTest) -> OperationUnderTest:
    """The GET on the same path as a PUT."""
    return next(operation for operation in reads() if operation.path == write.path)


def other_read(write: OperationUnderTest) -> OperationUnderTest:
    """The GET on the other path of the same resource."""
    return next(operation for operation in reads() if operation.path != write.path)


def _contract_node(label: str) -> Mapping[str, Any] | None:
    """The contract's node of the operation a label names (`PUT /client/{client_id}/client/`), or None."""
    method, path = label.split(" ", 1)
    return next((op.node for op in contract.operations() if op.method == method.lower() and op.path == path), None)


@cache
def response_schema(label: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of the documented response `status` of an operation, or None if not documented."""
    node = _contract_node(label)
    if node is None:
        return None
    responses = node.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if response is None:
        return None
    content = contract.deref(response).get("content", {})
    media = content.get("application/json")
    return media.get("schema") if media else None


@cache
def error_validator(label: str, status: int) -> contract.SchemaValidator:
    """Validator of an error body: the documented response's schema, else the contract's base `Error`."""
    schema = response_schema(label, status) or {"$ref": "#/components/schemas/Error"}
    return contract.schema_validator(schema)


@cache
def token_error_validator() -> contract.SchemaValidator:
    """Validator of a token-endpoint error (RFC 6749 section 5.2), from the contract's token operation."""
    return contract.schema_validator(_token_endpoint()["error"])


@cache
def token_validator() -> contract.SchemaValidator:
    return contract.schema_validator(_token_endpoint()["response"])


def _token_endpoint() -> dict[str, Any]:
    """The token operation's answer and error schemas (`POST <tokenUrl>`, on the host's root)."""
    operation = next(
        op for op in contract.operations() if op.method == "post" and op.host_path == contract.token_path()
    )

    def schema(status: str) -> Any:
        return contract.deref(operation.node["responses"][status])["content"]["application/json"]["schema"]

    return {"response": schema("200"), "error": schema("400")}


@cache
def rate_limit_headers() -> dict[str, dict[str, Any]]:
    """The rate-limit headers every response carries, each with its schema: the `X-RateLimit-*` headers."""
    headers = contract.load_document()["components"]["headers"]
    return {
        name: contract.deref(node)["schema"] for name, node in headers.items() if name.lower().startswith("x-ratelimit")
    }


def field_schemas() -> Mapping[str, Any]:
    return contract.schema_properties("Client")


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else set()


def is_free_text(schema: Mapping[str, Any]) -> bool:
    """A string field with no pattern, format or enum: any short text is a valid value."""
    return "string" in _types(schema) and not ({"pattern", "format", "enum", "const"} & set(schema))


def free_text_fields() -> list[str]:
    """Writable free-text fields, in the contract's order: the fields the writing checks change."""
    schemas = field_schemas()
    return [name for name in schemas if name in contract.writable_fields() and is_free_text(schemas[name])]


def changed_text(current: Any, schema: Mapping[str, Any], tag: str) -> str:
    """A valid value for a free-text field that differs from `current`."""
    value = f"pbx-conformance {tag}"
    if value == current:
        value += " again"
    return value[: schema.get("maxLength", len(value))]


def different_value(name: str, current: Any) -> Any:
    """A value of the field's own type that differs from `current` (for read-only fields: what a PUT may not set)."""
    schema = field_schemas()[name]
    for candidate in schema.get("enum", []):
        if candidate != current:
            return candidate
    types = _types(schema) - {"null"}
    if "boolean" in types:
        return not current
    if "integer" in types:
        return (current + 1) if isinstance(current, int) else schema.get("minimum", 1)
    if schema.get("format") == formats.TIME_ZONE_FORMAT:
        return next(zone for zone in formats.time_zones() if zone != current)
    if "pattern" in schema and isinstance(current, str) and current:
        return current[::-1] if current[::-1] != current else current + current
    return changed_text(current, schema, "read-only")


def invalid_value(name: str) -> Any:
    """A value the field's schema rejects: a type the field does not allow."""
    types = _types(field_schemas()[name])
    if "boolean" not in types:
        return True
    return "not-a-boolean"


@cache
def identity_field() -> str | None:
    """The field that names the client, read from the links (`client_id: $response.body#/id`)."""
    links = contract.load_document()["components"].get("links", {})
    for link in links.values():
        for expression in link.get("parameters", {}).values():
            if isinstance(expression, str) and expression.startswith("$response.body#/"):
                return expression.removeprefix("$response.body#/")
    return None


@cache
def request_body_validator(label: str) -> contract.SchemaValidator | None:
    """Validator of an operation's JSON request body (with the OpenAPI integer formats), or None."""
    node = _contract_node(label)
    if node is None or "requestBody" not in node:
        return None
    media = contract.deref(node["requestBody"]).get("content", {}).get("application/json")
    if media is None:
        return None
    return contract.schema_validator(media["schema"])


# Text at the edge of a free-text field: as long as `maxLength` allows, in non-ASCII letters and symbols.
EDGE_TEXT = "Zürich Ωmega 東京 ☎ Łódź "


def edge_values(name: str, label: str) -> list[tuple[str, Any]]:
    """(kind, value) for the values at the edges of what a writable field's schema allows, each valid for the
    operation's body: the longest non-ASCII text, an integer's bounds, each enum value, the longest time zone,
    the document's own example for a patterned field, and `null` where nullable."""
    schema = field_schemas()[name]
    types = _types(schema) - {"null"}
    candidates: list[tuple[str, Any]] = []
    if "enum" in schema:
        candidates += [("an enum value", value) for value in schema["enum"]]
    elif "integer" in types:
        low, high = contract.integer_range(schema) or (None, None)
        candidates += [
            ("an integer's maximum", schema.get("maximum", high)),
            ("an integer's minimum", schema.get("minimum", low)),
        ]
    elif "boolean" in types:
        candidates += [("a boolean", True), ("a boolean", False)]
    elif schema.get("format") == formats.TIME_ZONE_FORMAT:
        candidates.append(("the longest time zone", max(formats.time_zones(), key=lambda zone: (len(zone), zone))))
    elif schema.get("format") == "email":
        candidates.append(("the longest address", _longest_email(int(schema.get("maxLength", 254)))))
    elif "pattern" in schema:
        candidates.append(("the document's example", _example_client().get(name)))
    elif "string" in types:
        length = int(schema.get("maxLength", 1024))
        text = (EDGE_TEXT * (length // len(EDGE_TEXT) + 1))[:length]
        candidates.append(("the longest text", text[:-1] + "x" if text.endswith(" ") else text))
    if contract.is_nullable(schema):
        candidates.append(("null", None))
    validator = request_body_validator(label)
    unique: list[tuple[str, Any]] = []
    for kind, value in candidates:
        if (validator is None or validator.is_valid({name: value})) and value not in [seen for _, seen in unique]:
            unique.append((kind, value))
    return unique


def edge_cases(label: str) -> list[tuple[str, str, Any]]:
    """(field, kind, value) for every writable field's edge values."""
    return [
        (name, kind, value) for name in sorted(contract.writable_fields()) for kind, value in edge_values(name, label)
    ]


def _longest_email(length: int) -> str:
    """An address as long as `length` allows within RFC 5321's limits (64-character local part, 63-character
    labels)."""
    local = "q" * 64
    domain = "example.com"
    while len(local) + 1 + len(domain) + 64 <= length:
        domain = "d" * 63 + "." + domain
    return f"{local}@{domain}"


@cache
def _example_client() -> dict[str, Any]:
    """The client the document's examples give (the `200` example of the first read)."""
    for example in contract.load_document()["components"].get("examples", {}).values():
        value = example.get("value")
        if isinstance(value, dict) and contract.validator("Client").is_valid(value):
            return dict(value)
    return {}


def error_status(label: str, status: int) -> str | None:
    """The `status` an error response must carry, when its schema fixes one (`const`), such as the 404's."""
    schema = contract.deref(response_schema(label, status) or {})
    node = contract.deref(schema.get("properties", {}).get("status", {}))
    const = node.get("const") if isinstance(node, dict) else None
    return str(const) if const is not None else None


# Kinds of text a string field may be sent, each written so that a server that bends it shows: another script
# (Greek, Cyrillic, right-to-left Hebrew and Arabic, Devanagari, Thai, Hangul, Japanese), characters outside the
# Basic Multilingual Plane (emoji with a variation selector, a ZWJ sequence and a flag, Gothic, mathematical and
# CJK extension B letters), combining sequences a normaliser would compose (NFC), and spaces at both ends.
TEXT_KINDS: tuple[tuple[str, str], ...] = (
    ("other scripts", "Ελληνικά Кириллица עברית العربية हिन्दी ไทย 한국어 日本語"),
    (
        "characters outside the BMP",
        "\U0001f4de \u260e\ufe0f \U0001f469\u200d\U0001f4bb \U0001f1e7\U0001f1fe "
        "\U00010330\U00010331 \U0001d49c \U0002000b",
    ),
    ("combining sequences", "Cafe\u0301 A\u030angstro\u0308m man\u0303ana \u1100\u1161\u11a8 e\u0323\u0302"),
    ("leading and trailing spaces", "  spaces at both ends  "),
)
LONGEST = "the longest length allowed"
# Code points the longest text is made of: one, two, three and four bytes in UTF-8 (and two UTF-16 units for the
# last), so a limit counted in bytes or UTF-16 units, not characters, refuses it.
LONGEST_TEXT = "aé東\U00010330"


def _string_fields() -> list[str]:
    schemas = field_schemas()
    return [name for name in sorted(contract.writable_fields()) if "string" in _types(schemas[name])]


def text_kinds(name: str) -> list[tuple[str, str]]:
    """(kind, value) for each kind of text, fitted to the field's length (and written as an address for an
    e-mail field); `text_cases` keeps those the field's schema allows."""
    schema = field_schemas()[name]
    longest = int(schema.get("maxLength", 1024))
    shortest = int(schema.get("minLength", 0))
    kinds = [(kind, text[:longest]) for kind, text in TEXT_KINDS]
    kinds.append((LONGEST, (LONGEST_TEXT * (longest // len(LONGEST_TEXT) + 1))[:longest]))
    if schema.get("format") == "email":
        # An address holds no spaces: each kind's characters as its local part, and the longest address there is.
        kinds = [(kind, "".join(text.split()).replace("@", "") + "@example.com") for kind, text in kinds[:-2]]
        kinds.append((LONGEST, _longest_email(longest)))
    return [(kind, text) for kind, text in kinds if len(text) >= shortest]


def text_cases(label: str) -> list[tuple[str, str, str]]:
    """(field, kind, value) for every writable string field and every kind of text its schema allows."""
    validator = request_body_validator(label)
    return [
        (name, kind, value)
        for name in _string_fields()
        for kind, value in text_kinds(name)
        if validator is None or validator.is_valid({name: value})
    ]


def near_misses(name: str, label: str) -> list[tuple[str, Any]]:
    """(rule, value) for each value a lax backend would take for the field but its schema refuses: a numeric string
    or `true` for an integer, a number for a string, one past each bound, a case variant or surrounding spaces of a
    pattern- or enum-bound value, `null` where the field is not nullable. Only values the contract refuses."""
    schema = field_schemas()[name]
    types = _types(schema) - {"null"}
    example = _example_client().get(name)
    candidates: list[tuple[str, Any]] = []
    if "integer" in types:
        valid = example if isinstance(example, int) and not isinstance(example, bool) else schema.get("minimum", 1)
        low, high = contract.integer_range(schema) or (None, None)
        candidates += [
            ("a numeric string for an integer", str(valid)),
            ("`true` for an integer", True),
            ("a fraction for an integer", valid + 0.5),
        ]
        for rule, bound, step in (("one below the minimum", "minimum", -1), ("one above the maximum", "maximum", 1)):
            limit = schema.get(bound, low if step < 0 else high)
            if limit is not None:
                candidates.append((rule, limit + step))
    if "boolean" in types:
        candidates += [("a string for a boolean", "true"), ("1 for `true`", 1)]
    if "string" in types:
        candidates.append(("a number for a string", 12))
        if "maxLength" in schema:
            candidates.append(("one past maxLength", "x" * (int(schema["maxLength"]) + 1)))
        if int(schema.get("minLength", 0)) > 0:
            candidates.append(("one short of minLength", "x" * (int(schema["minLength"]) - 1)))
        if {"pattern", "enum", "format", "const"} & set(schema) and isinstance(example, str) and example:
            candidates += [
                ("a case variant of a bound value", example.swapcase()),
                ("surrounding spaces", f" {example} "),
            ]
    if not contract.is_nullable(schema):
        candidates.append(("`null` where the field is not nullable", None))
    validator = request_body_validator(label)
    return [
        (rule, value) for rule, value in candidates if validator is not None and not validator.is_valid({name: value})
    ]


# The rule of a near-miss of a field's name: the name in another case (`Name`), which a backend that looks names
# up without regard to case takes, though the contract knows no such field.
NAME_IN_ANOTHER_CASE = "the field's name in another case"


def near_miss_cases(label: str) -> list[tuple[str, str, Any]]:
    """(field, rule, value) for every writable field's near-misses, and its name in another case (the field sent
    being that name, with a valid value)."""
    found = [
        (name, rule, value) for name in sorted(contract.writable_fields()) for rule, value in near_misses(name, label)
    ]
    for name in sorted(contract.writable_fields()):
        other = name.capitalize() if name.capitalize() != name else name.upper()
        value = next((value for _, value in edge_values(name, label)), None)
        if other not in contract.writable_fields() | contract.read_only_fields():
            found.append((other, NAME_IN_ANOTHER_CASE, value))
    return found


def undocumented_methods(path: str) -> list[str]:
    """Methods a path does not document that a server must answer 405 (RFC 9110 section 15.5.6): those that
    change or create (`POST`, `DELETE`, `PATCH`), not HEAD, OPTIONS or TRACE, which servers may answer
    themselves."""
    documented = {op.method for op in contract.operations() if op.path == path}
    return [method.upper() for method in contract.HTTP_METHODS if method in {"post", "delete", "patch"} - documented]


def documented_methods(path: str) -> set[str]:
    return {op.method.upper() for op in contract.operations() if op.path == path}


def integer_fields() -> list[str]:
    """Writable integer fields, in name order."""
    schemas = field_schemas()
    return [name for name in sorted(contract.writable_fields()) if "integer" in _types(schemas[name])]


def valid_integer(name: str, current: Any) -> int:
    """A valid value of an integer field that differs from `current`: the document's example, or a bound."""
    schema = field_schemas()[name]
    example = _example_client().get(name)
    low = int(schema.get("minimum", 1))
    for candidate in (example, low, low + 1):
        if isinstance(candidate, bool) or not isinstance(candidate, int):
            continue
        if candidate != current and candidate <= schema.get("maximum", candidate):
            return candidate
    return low


@cache
def documented_scopes() -> tuple[str, ...]:
    """The scopes the contract's client-credentials flow names (`all`)."""
    schemes = contract.load_document()["components"].get("securitySchemes", {})
    return tuple(
        scope
        for scheme in schemes.values()
        for scope in scheme.get("flows", {}).get("clientCredentials", {}).get("scopes", {})
    )


def contract_sha256() -> str:
    """The sha256 of the contract's bytes, as a report records it: `compare` refuses two runs of different contracts."""
    return hashlib.sha256(contract.spec_path().read_bytes()).hexdigest()

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


def edge_values(name: str, label: str) -> list[Any]:
    """Values at the edges of what a writable field's schema allows, each valid for the operation's body:
    the longest non-ASCII text, an integer's bounds, each enum value, the longest time zone, the document's
    own example for a patterned field, and `null` where nullable."""
    schema = field_schemas()[name]
    types = _types(schema) - {"null"}
    candidates: list[Any] = []
    if "enum" in schema:
        candidates += list(schema["enum"])
    elif "integer" in types:
        low, high = contract.integer_range(schema) or (None, None)
        candidates += [schema.get("maximum", high), schema.get("minimum", low)]
    elif "boolean" in types:
        candidates += [True, False]
    elif schema.get("format") == formats.TIME_ZONE_FORMAT:
        candidates.append(max(formats.time_zones(), key=lambda zone: (len(zone), zone)))
    elif schema.get("format") == "email":
        candidates.append(_longest_email(int(schema.get("maxLength", 254))))
    elif "pattern" in schema:
        candidates.append(_example_client().get(name))
    elif "string" in types:
        length = int(schema.get("maxLength", 1024))
        text = (EDGE_TEXT * (length // len(EDGE_TEXT) + 1))[:length]
        candidates.append(text[:-1] + "x" if text.endswith(" ") else text)  # no trailing space a server may trim
    if contract.is_nullable(schema):
        candidates.append(None)
    validator = request_body_validator(label)
    valid = [value for value in candidates if validator is None or validator.is_valid({name: value})]
    unique: list[Any] = []
    for value in valid:
        if value not in unique:
            unique.append(value)
    return unique


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


def contract_sha256() -> str:
    """The sha256 of the contract's bytes, as a report records it: `compare` refuses two runs of different contracts."""
    return hashlib.sha256(contract.spec_path().read_bytes()).hexdigest()

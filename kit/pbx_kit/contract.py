"""The contract's facts, each read once from openapi.yaml, for every piece to ask.

The emulator, the conformance suite, the generator and the tests read the API's shape from here instead of
restating it: the base path and the token endpoint, the schemas and their one validator stack (jsonschema-rs,
with the contract's named formats and OpenAPI's integer ranges), the field lists, the error messages the
document's examples give.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

import jsonschema_rs

from pbx_kit.document import DocumentError, pointer, read_openapi, resolve
from pbx_kit.formats import INTEGER_FORMATS, TIME_ZONE_FORMAT, is_time_zone
from pbx_kit.package_data import SPEC_VARIABLE, data_path

# The contract pbx-kit carries (package data; in a checkout, a symlink to the repository's openapi.yaml).
DEFAULT_SPEC_PATH = data_path("pbx_kit", "contract_data", "openapi.yaml")
# The licence of the kit and of its contract (the repository's LICENSE), which the generated SDK carries too.
LICENSE_PATH = data_path("pbx_kit", "contract_data", "LICENSE")
# The overlays and their variants.yaml, which make the contract's variants (the SDK's input); package data too.
DEFAULT_OVERLAYS_PATH = data_path("pbx_kit", "contract_data", "overlays")
# The name local `$ref`s resolve against when a schema is taken out of the document.
DOCUMENT_URI = "urn:pbx:openapi"
# Where a server serves its own copy of the contract, relative to the API's base URL: `tokenUrl` resolves
# against this document's URL, as OpenAPI says a relative URL in a security scheme does.
SERVED_SPEC_NAME = "openapi.yaml"
ME = "@me"
# The operation fields of an OpenAPI 3.1 Path Item Object, in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

__all__ = ["resolve"]  # re-exported: `contract.resolve` is `pbx_kit.document.resolve`


def spec_path() -> Path:
    """The contract's file: `PBX_SPEC` if set, else the contract pbx-kit carries."""
    return Path(os.environ.get(SPEC_VARIABLE) or DEFAULT_SPEC_PATH)


def use_spec(path: Path) -> Path:
    """Make the OpenAPI document at `path` the contract of this process and of the processes it starts.

    DocumentError (one line) when it is not one, or not a usable contract (`check_usable`); the process's
    contract is then left as it was. Every cached fact of the default contract is forgotten, so a command that
    read some before its options were parsed (an option's help text) reads the new one from here on.
    """
    read_openapi(path)
    before = os.environ.get(SPEC_VARIABLE)
    os.environ[SPEC_VARIABLE] = str(path.resolve())
    _forget_facts()
    try:
        check_usable()  # through the facts' own caches, which the command then reads without parsing again
    except DocumentError:
        if before is None:
            del os.environ[SPEC_VARIABLE]
        else:
            os.environ[SPEC_VARIABLE] = before
        _forget_facts()
        raise
    return path


def _forget_facts() -> None:
    for value in list(globals().values()):
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def check_usable(path: Path | None = None) -> None:
    """DocumentError `PATH: not a usable contract: <reason>` (one line) unless the contract is one the tools can
    work with: every `$ref` points at a node, every schema is a JSON Schema, and the facts every tool reads
    (the operations, the base path, the token endpoint, the Client's fields, the body limit) can be read.

    A reviewer's branch may be OpenAPI yet broken (a dangling `$ref`, `maxLength: "ten"`, no `components`);
    this says so at the command's start instead of a traceback from whichever part reads it first."""
    document = load_document(path)
    try:
        reason = _dangling_ref(document) or _bad_schema(document) or _unreadable_fact(path)
    except (LookupError, TypeError, ValueError, AttributeError) as error:  # a document too odd to walk
        reason = _one_line(error)
    if reason:
        raise DocumentError(f"{path or spec_path()}: not a usable contract: {reason}")


def _nodes(node: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node of the document with where it is, depth first."""
    yield where, node
    items = node.items() if isinstance(node, Mapping) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _nodes(value, (*where, key))


def _dangling_ref(document: Mapping[str, Any]) -> str | None:
    for where, node in _nodes(document):
        if isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            try:
                resolve(document, str(ref))
            except (LookupError, ValueError, TypeError):
                return f"the `$ref` {ref!r} at {pointer(where) or '/'} points at nothing in the document"
    return None


NAMED_SCHEMAS = ("components", "schemas")


def _bad_schema(document: Mapping[str, Any]) -> str | None:
    """The first schema (a named one, or any `schema` of a parameter, header or body) that breaks JSON Schema."""
    named = ((("components", "schemas", name), schema) for name, schema in _named_schemas(document).items())
    inline = (
        ((*where, "schema"), node["schema"])
        for where, node in _nodes(document)
        if isinstance(node, Mapping) and isinstance(node.get("schema"), Mapping) and where[:2] != NAMED_SCHEMAS
    )
    for where, schema in (*named, *inline):
        if not isinstance(schema, (Mapping, bool)):
            return f"{pointer(where)} is not a schema"
        try:
            jsonschema_rs.meta.validate(schema if isinstance(schema, bool) else dict(schema))
        except jsonschema_rs.ValidationError as error:
            return f"{pointer(where)} is not a JSON Schema: {_one_line(error)}"
    return None


def _named_schemas(document: Mapping[str, Any]) -> Mapping[str, Any]:
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    return schemas if isinstance(schemas, Mapping) else {}


def _unreadable_fact(path: Path | None) -> str | None:
    facts = (
        ("its operations", operations),
        ("the API's base path (its first `servers` entry)", api_base_path),
        ("the token endpoint (the root `security`'s client-credentials flow)", token_path),
        ("the Client's read-only fields (#/components/schemas/Client)", read_only_fields),
        ("the writable fields (#/components/schemas/ClientUpdate)", writable_fields),
        ("the request body limit (x-max-body-bytes of its 413 responses)", max_body_bytes),
    )
    for what, fact in facts:
        try:
            fact(path)
        except (LookupError, TypeError, ValueError, AttributeError) as error:
            return f"cannot read {what}: {_one_line(error)}"
    return None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    detail = text[0] if text else ""
    if isinstance(error, KeyError):
        return f"no {detail}"
    return f"{type(error).__name__}: {detail}" if not isinstance(error, jsonschema_rs.ValidationError) else detail


def overlays_path() -> Path:
    """The folder of the contract's overlays and their variants.yaml, as pbx-kit carries them."""
    return DEFAULT_OVERLAYS_PATH


def load_document(path: Path | None = None) -> Mapping[str, Any]:
    """The parsed contract (cached; treat it as read-only). DocumentError, one line, when the file is not one."""
    return _parsed(path or spec_path())


@cache
def _parsed(path: Path) -> Mapping[str, Any]:
    # Cached by the file, not by how it was asked for: `load_document()` and `load_document(None)` parse once.
    document: Mapping[str, Any] = read_openapi(path)
    return document


def deref(node: Any, path: Path | None = None) -> Any:
    """`node` with its `$ref`s followed until a node without one."""
    document = load_document(path)
    while isinstance(node, Mapping) and "$ref" in node:
        node = resolve(document, node["$ref"])
    return node


# --- where the API lives ----------------------------------------------------------------------------------


def server_url(path: Path | None = None) -> str:
    """The API's base URL as the contract's first server gives it: `https://{hostname}/api/ver1.0`."""
    return str(load_document(path)["servers"][0]["url"])


def default_server_url(server: Mapping[str, Any]) -> str:
    """A Server Object's URL with each `{variable}` replaced by its `default` (`https://pbx.example.com/...`)."""
    url = str(server["url"])
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return url


def api_base_path(path: Path | None = None) -> str:
    """The path of the API's base URL (`/api/ver1.0`), from the contract's first server."""
    return _url_path(load_document(path)["servers"][0])


@dataclass(frozen=True)
class Operation:
    """One operation of the contract: where it is, its node, and where it is served.

    Most operations are served under the API's base URL (the first of the document's `servers`). An operation
    whose path item or own node names `servers` (the token endpoint, on the host's root) is served there instead:
    `own_servers` holds them, the operation's own taking precedence, as OpenAPI says.
    """

    path: str
    method: str  # lower-case, as the document writes it
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]
    own_servers: tuple[Mapping[str, Any], ...]
    host_path: str
    """Where it is served on its host: `/api/ver1.0/client/...`, or the path under its own first server
    (`/oauth/token`)."""

    @property
    def operation_id(self) -> str:
        return str(self.node.get("operationId", ""))

    @property
    def under_base_url(self) -> bool:
        """Whether the operation is served under the API's base URL (no `servers` of its own)."""
        return not self.own_servers

    def needs_token(self, document: Mapping[str, Any]) -> bool:
        """Whether the operation is called with a token: the security that applies to it (its own, else the
        document's) names a scheme; `security: []` (the token endpoint) needs none."""
        return bool(self.node.get("security", document.get("security", [])))


@cache
def operations(path: Path | None = None) -> tuple[Operation, ...]:
    """Every operation of the contract, in document order."""
    return operations_of(load_document(path))


def operations_of(document: Mapping[str, Any]) -> tuple[Operation, ...]:
    """Every operation of `document` (any OpenAPI document, such as a revision under comparison), in order."""
    found = []
    servers = document.get("servers") or [{"url": "/"}]
    base_path = _url_path(servers[0])
    for path, item in document.get("paths", {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in item:
            node = item[method]
            if method not in HTTP_METHODS or not isinstance(node, Mapping):
                continue
            own = tuple(node.get("servers") or item.get("servers") or ())
            host_path = (_url_path(own[0]) if own else base_path) + path
            found.append(Operation(path, method, node, item, own, host_path))
    return tuple(found)


def _url_path(server: Mapping[str, Any]) -> str:
    """The path of a Server Object's URL, without its trailing slash (`/api/ver1.0`; `""` for a host's root)."""
    return urlsplit(default_server_url(server)).path.rstrip("/")


def base_url_operations(path: Path | None = None) -> tuple[Operation, ...]:
    """The API's operations served under its base URL: what is fuzzed, emulated and generated as endpoints."""
    return tuple(operation for operation in operations(path) if operation.under_base_url)


def token_url_reference(path: Path | None = None) -> str:
    """`tokenUrl` of the client-credentials flow the root `security` names, as written (`/oauth/token`)."""
    document = load_document(path)
    schemes = document["components"]["securitySchemes"]
    for requirement in document.get("security", []):
        for name in requirement:
            flow = schemes[name].get("flows", {}).get("clientCredentials")
            if flow:
                return str(flow["tokenUrl"])
    raise ValueError("the contract's root security names no OAuth 2.0 client-credentials flow")


def token_url(api_base_url: str, path: Path | None = None) -> str:
    """The token endpoint for an API served at `api_base_url` (such as `https://pbx.example.com/api/ver1.0`).

    `tokenUrl` is relative to the served document's own URL (`<base URL>/openapi.yaml`), so `/oauth/token`
    lands on the host's root, not under the base URL.
    """
    return urljoin(f"{api_base_url.rstrip('/')}/{SERVED_SPEC_NAME}", token_url_reference(path))


def token_path(path: Path | None = None) -> str:
    """The token endpoint's path on the API's host (`/oauth/token`)."""
    return urlsplit(token_url("http://host" + api_base_path(path), path)).path


@cache
def max_body_bytes(path: Path | None = None) -> int:
    """The largest request body a server reads: `x-max-body-bytes` of the contract's 413 responses (one value)."""
    limits = {
        deref(response, path).get(MAX_BODY_EXTENSION)
        for operation in operations(path)
        for status, response in operation.node.get("responses", {}).items()
        if str(status) == "413"
    }
    if len(limits) != 1 or not all(isinstance(limit, int) and limit > 0 for limit in limits):
        raise ValueError(f"the contract's 413 responses must state one positive `{MAX_BODY_EXTENSION}`: {limits}")
    return int(limits.pop())


MAX_BODY_EXTENSION = "x-max-body-bytes"


# --- tokens ---------------------------------------------------------------------------------------------------

# When a client renews its token: a tenth of the token's lifetime before it runs out, at most this many seconds.
# Our decision (the provider documents `expires_in` only): with the cap, a one-hour token is renewed 30 s early,
# ample for a request in flight; the tenth matters for short-lived tokens only, and keeps most of their life
# (renewing early spends the application's token limit faster). The SDK (through the generator) and the suite
# both follow it.
TOKEN_RENEWAL_FRACTION = 0.1
TOKEN_RENEWAL_MAX_SECONDS = 30.0


def token_renewal_margin(lifetime: float) -> float:
    """Seconds before a token of `lifetime` seconds runs out that a client fetches the next one."""
    return min(TOKEN_RENEWAL_MAX_SECONDS, lifetime * TOKEN_RENEWAL_FRACTION)


# --- schemas and their validator --------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaError:
    """One way an instance breaks a schema: where (a path into the instance), what, and the keyword."""

    path: tuple[str | int, ...]
    message: str
    keyword: str

    @property
    def where(self) -> str:
        """The path as text, `(root)` for the instance itself."""
        return "/".join(str(part) for part in self.path) or "(root)"


class SchemaValidator:
    """A compiled schema of the contract (jsonschema-rs, Draft 2020-12, formats checked).

    The one validator stack of the kit: the emulator's PUT and seed, the suite's checks and its false-positive
    filter, and the tests all judge with it, and so agree with schemathesis, which uses jsonschema-rs too
    (ECMA-262 patterns, RFC 5321 e-mail addresses). The contract's named formats are added (`iana-time-zone`),
    and OpenAPI's integer formats (int32, int64) bound the value, as OpenAPI says they do.
    """

    def __init__(self, schema: Mapping[str, Any], path: Path | None = None) -> None:
        self._validator = jsonschema_rs.validator_for(
            _with_integer_ranges(_anchor_refs(schema)),
            registry=_registry(path),
            validate_formats=True,
            formats={TIME_ZONE_FORMAT: is_time_zone},
        )

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        for error in self._validator.iter_errors(instance):
            yield SchemaError(tuple(error.instance_path), str(error.message), _keyword(error))

    def first_error(self, instance: Any) -> SchemaError | None:
        """The first error, or None when the instance is valid."""
        return next(self.iter_errors(instance), None)


def _keyword(error: jsonschema_rs.ValidationError) -> str:
    schema_path = list(error.schema_path)
    return str(schema_path[-1]) if schema_path else ""


@cache
def _registry(path: Path | None = None) -> jsonschema_rs.Registry:
    document = _with_integer_ranges(copy.deepcopy(dict(load_document(path))))
    return jsonschema_rs.Registry([(DOCUMENT_URI, document)])


def _anchor_refs(node: Any) -> Any:
    """A copy of `node` whose local `$ref`s name the document, so they resolve wherever the schema was taken from."""
    if isinstance(node, Mapping):
        return {
            key: DOCUMENT_URI + value if key == "$ref" and str(value).startswith("#") else _anchor_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_anchor_refs(item) for item in node]
    return node


def _with_integer_ranges(node: Any) -> Any:
    """`node` with every `format: int32`/`int64` schema also bounded by `minimum`/`maximum` of its range.

    JSON Schema validators leave these formats unchecked for numbers; OpenAPI defines them as the range.
    """
    if isinstance(node, dict):
        node = {key: _with_integer_ranges(value) for key, value in node.items()}
        bounds = INTEGER_FORMATS.get(node.get("format", "")) if isinstance(node.get("format"), str) else None
        if bounds is not None:
            low, high = bounds
            node["minimum"] = max(node.get("minimum", low), low)
            node["maximum"] = min(node.get("maximum", high), high)
        return node
    if isinstance(node, list):
        return [_with_integer_ranges(item) for item in node]
    return node


def schema_validator(schema: Mapping[str, Any], path: Path | None = None) -> SchemaValidator:
    """A validator for a schema taken from the document; its local `$ref`s resolve in the document."""
    return SchemaValidator(schema, path)


@cache
def validator(schema_name: str, path: Path | None = None) -> SchemaValidator:
    """A validator for `#/components/schemas/<schema_name>`."""
    return schema_validator({"$ref": f"#/components/schemas/{schema_name}"}, path)


@cache
def schema_properties(schema_name: str, path: Path | None = None) -> Mapping[str, Any]:
    """The properties of a named schema, each with its `$ref` followed (cached: read-only)."""
    document = load_document(path)
    properties = resolve(document, f"#/components/schemas/{schema_name}").get("properties", {})
    return MappingProxyType({name: deref(node, path) for name, node in properties.items()})


@cache
def read_only_fields(path: Path | None = None) -> frozenset[str]:
    """Fields of `Client` the provider sets: marked `readOnly` in the contract."""
    return frozenset(name for name, node in schema_properties("Client", path).items() if node.get("readOnly"))


@cache
def writable_fields(path: Path | None = None) -> frozenset[str]:
    """Fields a client may change: the properties of `ClientUpdate`."""
    return frozenset(schema_properties("ClientUpdate", path))


def is_nullable(schema: Mapping[str, Any]) -> bool:
    """Whether a field's schema allows `null` (`type: [string, 'null']`)."""
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def integer_range(schema: Mapping[str, Any]) -> tuple[int, int] | None:
    """The range an integer schema's OpenAPI format (int32, int64) allows, or None."""
    name = schema.get("format")
    return INTEGER_FORMATS.get(name) if isinstance(name, str) else None


@cache
def path_parameter_range(name: str, path: Path | None = None) -> tuple[int, int]:
    """The integers a path parameter accepts (`client_id`: 1 to the int64 maximum).

    Read from the integer branch of the parameter's schema: its format's range, narrowed by `minimum`/`maximum`.
    """
    document = load_document(path)
    for item in document["paths"].values():
        for operation in [item, *(node for node in item.values() if isinstance(node, Mapping))]:
            for parameter in operation.get("parameters", []):
                parameter = deref(parameter, path)
                if parameter.get("in") != "path" or parameter.get("name") != name:
                    continue
                schema = deref(parameter["schema"], path)
                for branch in [deref(b, path) for b in schema.get("oneOf", schema.get("anyOf", [schema]))]:
                    if branch.get("type") == "integer":
                        low, high = integer_range(branch) or (-(2**1023), 2**1023)
                        return max(low, branch.get("minimum", low)), min(high, branch.get("maximum", high))
    raise KeyError(f"the contract has no integer path parameter {name!r}")


# --- what the document's examples say ---------------------------------------------------------------------


def example_value(name: str, path: Path | None = None) -> Any:
    """The value of `#/components/examples/<name>`."""
    return load_document(path)["components"]["examples"][name]["value"]


def error_message(example_name: str, path: Path | None = None) -> str:
    """The `message` of an error example (`ClientNotFound` -> "Client not found."): the words servers answer."""
    return str(example_value(example_name, path)["message"])

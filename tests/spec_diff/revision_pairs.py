"""Revision pairs made from openapi.yaml: each kind of change, breaking and not, and what it should break.

Each case edits a copy of the contract in one way and says, for each axis, whether the change breaks it, and the
bump. The edits read names from the document itself (the first read-only field, a writable field, ...) where the
case is about a kind of field rather than a field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from pbx_kit.contract import DEFAULT_SPEC_PATH
from pbx_spec.diff.revisions import Revision, parse_revision

Document = dict[str, Any]


@dataclass(frozen=True)
class Pair:
    name: str
    edit: Callable[[Document], None]
    wire: bool
    server: bool
    sdk: bool
    bump: str
    rules: tuple[str, ...] = ()  # rules the report must name
    no_changes: bool = False  # a rewrite that changes nothing at all


def base_revision() -> Revision:
    return parse_revision("base", DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))


@cache
def _base_document() -> Document:
    return yaml.load(DEFAULT_SPEC_PATH.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # type: ignore[no-any-return]


def revised(pair: Pair) -> Revision:
    document = copy.deepcopy(_base_document())
    pair.edit(document)
    return parse_revision(pair.name, yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True))


def schemas(document: Document) -> dict[str, Any]:
    return document["components"]["schemas"]  # type: ignore[no-any-return]


def client(document: Document) -> dict[str, Any]:
    return schemas(document)["Client"]  # type: ignore[no-any-return]


def update(document: Document) -> dict[str, Any]:
    return schemas(document)["ClientUpdate"]  # type: ignore[no-any-return]


def read_only(document: Document) -> list[str]:
    return [name for name, field in client(document)["properties"].items() if field.get("readOnly")]


def operation(document: Document, operation_id: str) -> dict[str, Any]:
    for item in document["paths"].values():
        for value in item.values():
            if isinstance(value, dict) and value.get("operationId") == operation_id:
                return value
    raise KeyError(operation_id)


def path_of(document: Document, operation_id: str) -> str:
    for path, item in document["paths"].items():
        if any(isinstance(value, dict) and value.get("operationId") == operation_id for value in item.values()):
            return str(path)
    raise KeyError(operation_id)


def first_read_only_of_type(document: Document, kind: str, nullable: bool) -> str:
    for name in read_only(document):
        declared = client(document)["properties"][name]["type"]
        types = [declared] if isinstance(declared, str) else declared
        if kind in types and ("null" in types) == nullable:
            return name
    raise LookupError(f"no read-only {kind} field, nullable={nullable}")


# --- edits ------------------------------------------------------------------------------------------------------


def describe_property(document: Document) -> None:
    client(document)["properties"]["name"]["description"] = "The client's display name."


def summarize_operation(document: Document) -> None:
    operation(document, "getClient")["summary"] = "Read the client"


def change_example(document: Document) -> None:
    document["components"]["examples"]["Client"]["value"]["name"] = "Acme Logistics Ltd"


def bump_info_version(document: Document) -> None:
    document["info"]["version"] = "1.1"


def deprecate_operation(document: Document) -> None:
    operation(document, "updateClientInfo")["deprecated"] = True


def deprecate_property(document: Document) -> None:
    client(document)["properties"]["fact_address"]["deprecated"] = True


def inline_identical_ref(document: Document) -> None:
    update(document)["properties"]["email"] = copy.deepcopy(client(document)["properties"]["email"])


def reorder_properties(document: Document) -> None:
    properties = client(document)["properties"]
    client(document)["properties"] = dict(reversed(list(properties.items())))
    client(document)["required"] = list(reversed(client(document)["required"]))


def wrap_in_all_of(document: Document) -> None:
    reference = update(document)["properties"]["timezone"]
    update(document)["properties"]["timezone"] = {"allOf": [reference]}


def null_as_any_of(document: Document) -> None:
    field = client(document)["properties"]["jur_address"]
    description = field.pop("description")
    field["type"] = "string"
    client(document)["properties"]["jur_address"] = {"anyOf": [field, {"type": "null"}], "description": description}


def remove_response_field(document: Document) -> None:
    name = read_only(document)[-1]
    del client(document)["properties"][name]
    client(document)["required"].remove(name)


def rename_response_field(document: Document) -> None:
    name = first_read_only_of_type(document, "string", nullable=False)
    properties = client(document)["properties"]
    properties[f"{name}_name"] = properties.pop(name)
    required = client(document)["required"]
    required[required.index(name)] = f"{name}_name"


def change_field_type(document: Document) -> None:
    client(document)["properties"]["hold_music"]["type"] = ["string", "null"]
    client(document)["properties"]["hold_music"].pop("format")
    client(document)["properties"]["hold_music"].pop("minimum")


def make_response_field_nullable(document: Document) -> None:
    name = first_read_only_of_type(document, "string", nullable=False)
    client(document)["properties"][name]["type"] = ["string", "null"]


def make_response_field_not_nullable(document: Document) -> None:
    name = first_read_only_of_type(document, "string", nullable=True)
    client(document)["properties"][name]["type"] = "string"


def narrow_request_constraint(document: Document) -> None:
    client(document)["properties"]["name"]["maxLength"] = 100


def widen_shared_constraint(document: Document) -> None:
    client(document)["properties"]["geo_list"]["maxLength"] = 2048


def widen_request_only_constraint(document: Document) -> None:
    update(document)["minProperties"] = 0


def require_request_field(document: Document) -> None:
    update(document)["required"] = ["name"]


def add_writable_field(document: Document) -> None:
    client(document)["properties"]["nickname"] = {
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "A short name for the client.",
    }
    client(document)["required"].append("nickname")
    update(document)["properties"]["nickname"] = {"$ref": "#/components/schemas/Client/properties/nickname"}


def add_optional_response_field(document: Document) -> None:
    client(document)["properties"]["nickname"] = {"type": "string", "description": "A short name."}


def add_response_enum_value(document: Document) -> None:
    name = next(n for n in read_only(document) if "enum" in client(document)["properties"][n])
    client(document)["properties"][name]["enum"].append("5")


def remove_request_enum_value(document: Document) -> None:
    client(document)["properties"]["type"]["enum"].remove("F")


def remove_operation(document: Document) -> None:
    del document["paths"][path_of(document, "updateClientInfo")]["put"]


def add_operation(document: Document) -> None:
    path = path_of(document, "getClient")
    document["paths"][path]["delete"] = {
        "operationId": "deleteClient",
        "summary": "Delete the client",
        "description": "Deletes the client.",
        "security": [{"oauth2": []}],
        "responses": {"204": {"description": "Deleted."}},
    }


def rename_path(document: Document) -> None:
    old = path_of(document, "getClientInfo")
    document["paths"][old.replace("client_info", "info")] = document["paths"].pop(old)


def remove_error_status(document: Document) -> None:
    del operation(document, "getClient")["responses"]["404"]


def change_success_status(document: Document) -> None:
    responses = operation(document, "getClient")["responses"]
    responses["203"] = responses.pop("200")


def drop_security(document: Document) -> None:
    operation(document, "getClientInfo")["security"] = []


def change_token_url(document: Document) -> None:
    scheme = document["components"]["securitySchemes"]["oauth2"]
    scheme["flows"]["clientCredentials"]["tokenUrl"] = "/oauth2/token"


def add_required_response_header(document: Document) -> None:
    document["components"]["responses"]["ClientRead"]["headers"]["X-Request-Id"] = {
        "description": "The request's id.",
        "required": True,
        "schema": {"type": "string"},
    }


def remove_response_header(document: Document) -> None:
    del document["components"]["responses"]["ClientRead"]["headers"]["X-RateLimit-Reset"]


def rename_operation_id(document: Document) -> None:
    operation(document, "getClientInfo")["operationId"] = "readClientInfo"
    for link in document["components"]["links"].values():
        if link["operationId"] == "getClientInfo":
            link["operationId"] = "readClientInfo"


def rename_schema(document: Document) -> None:
    text = yaml.safe_dump(document, sort_keys=False)
    text = text.replace("#/components/schemas/NotFoundError", "#/components/schemas/MissingClientError")
    renamed = yaml.safe_load(text)
    renamed["components"]["schemas"]["MissingClientError"] = renamed["components"]["schemas"].pop("NotFoundError")
    document.clear()
    document.update(renamed)


def widen_path_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["schema"]["oneOf"][0]["minimum"] = 0


def change_server_url(document: Document) -> None:
    document["servers"][0]["url"] = document["servers"][0]["url"].replace("ver1.0", "ver2.0")


def narrow_integer_format(document: Document) -> None:
    client(document)["properties"]["hold_music"]["format"] = "int32"


def add_pattern(document: Document) -> None:
    client(document)["properties"]["name"]["pattern"] = r"^\S.*$"


def make_response_field_optional(document: Document) -> None:
    client(document)["required"].remove("language")


def describe_all_of_wrapper(document: Document) -> None:
    reference = update(document)["properties"]["timezone"]
    update(document)["properties"]["timezone"] = {"allOf": [reference], "description": "The time zone to set."}


PAIRS: tuple[Pair, ...] = (
    # documentation and other changes that break nothing
    Pair("description", describe_property, False, False, False, "patch", ("description-changed",)),
    Pair("operation-summary", summarize_operation, False, False, False, "patch", ("summary-changed",)),
    Pair("example", change_example, False, False, False, "patch", ("example-changed",)),
    Pair("info-version", bump_info_version, False, False, False, "patch", ("info-version-changed",)),
    Pair("deprecated-operation", deprecate_operation, False, False, False, "minor", ("deprecated",)),
    Pair("deprecated-property", deprecate_property, False, False, False, "minor", ("deprecated",)),
    Pair("all-of-wrapper-description", describe_all_of_wrapper, False, False, False, "patch", ("description-changed",)),
    # the traps: rewrites that change nothing
    Pair("ref-vs-identical-inline", inline_identical_ref, False, False, False, "patch", no_changes=True),
    Pair("reordered-properties", reorder_properties, False, False, False, "patch", no_changes=True),
    Pair("all-of-wrapper", wrap_in_all_of, False, False, False, "patch", no_changes=True),
    Pair("null-as-any-of", null_as_any_of, False, False, False, "patch", no_changes=True),
    # responses
    Pair("response-field-removed", remove_response_field, True, True, True, "major", ("required-property-removed",)),
    Pair(
        "response-field-renamed",
        rename_response_field,
        True,
        True,
        True,
        "major",
        ("required-property-removed", "required-property-added"),
    ),
    Pair("field-type-changed", change_field_type, True, True, True, "major", ("type-changed",)),
    Pair("response-field-nullable", make_response_field_nullable, True, False, True, "major", ("became-nullable",)),
    Pair(
        "response-field-not-nullable",
        make_response_field_not_nullable,
        False,
        True,
        True,
        "major",
        ("became-not-nullable",),
    ),
    Pair(
        "response-field-optional",
        make_response_field_optional,
        True,
        False,
        True,
        "major",
        ("property-became-optional",),
    ),
    Pair(
        "optional-response-field-added",
        add_optional_response_field,
        False,
        False,
        False,
        "minor",
        ("optional-property-added",),
    ),
    Pair("response-enum-value-added", add_response_enum_value, True, False, False, "major", ("enum-value-added",)),
    # requests
    Pair("request-constraint-narrowed", narrow_request_constraint, True, True, False, "major", ("max-length-changed",)),
    Pair("shared-constraint-widened", widen_shared_constraint, True, True, False, "major", ("max-length-changed",)),
    Pair(
        "request-only-constraint-widened",
        widen_request_only_constraint,
        False,
        True,
        False,
        "major",
        ("min-properties-changed",),
    ),
    Pair("request-field-required", require_request_field, True, True, True, "major", ("property-became-required",)),
    Pair(
        "writable-field-added",
        add_writable_field,
        False,
        True,
        True,
        "major",
        ("required-property-added", "optional-property-added"),
    ),
    Pair("request-enum-value-removed", remove_request_enum_value, True, True, True, "major", ("enum-value-removed",)),
    Pair("integer-format-narrowed", narrow_integer_format, True, True, False, "major", ("format-changed",)),
    Pair("pattern-added", add_pattern, True, True, False, "major", ("pattern-added",)),
    Pair("path-parameter-widened", widen_path_parameter, False, True, False, "major", ("minimum-changed",)),
    # operations, paths, statuses, headers, security, servers
    Pair("operation-removed", remove_operation, True, False, True, "major", ("operation-removed",)),
    Pair("operation-added", add_operation, False, True, False, "major", ("operation-added",)),
    Pair("path-renamed", rename_path, True, True, False, "major", ("operation-removed", "operation-added")),
    Pair("error-status-removed", remove_error_status, False, True, False, "major", ("response-status-removed",)),
    Pair(
        "success-status-changed",
        change_success_status,
        True,
        True,
        False,
        "major",
        ("response-status-removed", "response-status-added"),
    ),
    Pair("security-dropped", drop_security, True, True, False, "major", ("security-requirement-changed",)),
    Pair("token-url-changed", change_token_url, True, True, False, "major", ("oauth-url-changed",)),
    Pair(
        "required-response-header-added",
        add_required_response_header,
        False,
        True,
        False,
        "major",
        ("required-response-header-added",),
    ),
    Pair(
        "required-response-header-removed",
        remove_response_header,
        True,
        False,
        False,
        "major",
        ("response-header-removed",),
    ),
    Pair("server-url-changed", change_server_url, True, False, False, "major", ("server-url-removed",)),
    # the SDK alone
    Pair("operation-id-renamed", rename_operation_id, False, False, True, "major", ("operation-id-changed",)),
    Pair("schema-renamed", rename_schema, False, False, True, "major"),
)

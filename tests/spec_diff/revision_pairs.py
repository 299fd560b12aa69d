"""The labelled set: one-edit revisions of openapi.yaml, each with what it breaks and the SDK bump it asks for.

Each pair edits a copy of the contract in one way and says, for each axis, whether the edit breaks it, and the
bump, with the reasoning written down (`why`): what the edit does to a client on the wire written for BASE, to a
server that conforms to BASE under REVISION's suite, and to Python code written against BASE's SDK (read off
the two generated SDKs, generated and diffed). The bump follows docs/maintainers/change-report.md: major when a
client on the wire or SDK code can break, minor when a caller gains something (or something is deprecated), patch
otherwise.
The edits read names from the document itself (the first read-only field, a writable field, ...) where the case
is about a kind of field rather than a field. tests/spec_diff/accuracy.py measures a classifier on the set.
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
    why: str  # the reasoning behind the labels, per axis
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


def retitle_info(document: Document) -> None:
    document["info"]["title"] = "Cloud PBX API: the Client resources"


def deprecate_operation(document: Document) -> None:
    operation(document, "updateClientInfo")["deprecated"] = True


def deprecate_property(document: Document) -> None:
    client(document)["properties"]["fact_address"]["deprecated"] = True


def deprecate_path_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["deprecated"] = True


def describe_all_of_wrapper(document: Document) -> None:
    reference = update(document)["properties"]["timezone"]
    update(document)["properties"]["timezone"] = {"allOf": [reference], "description": "The time zone to set."}


def describe_tag(document: Document) -> None:
    document["tags"][0]["description"] = "The client resource."


def describe_response(document: Document) -> None:
    document["components"]["responses"]["ClientRead"]["description"] = "The client, as stored."


def describe_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["description"] = "The client's id or `@me`."


def add_external_docs(document: Document) -> None:
    operation(document, "getClient")["externalDocs"] = {"url": "https://example.com/docs"}


def describe_security_scheme(document: Document) -> None:
    document["components"]["securitySchemes"]["oauth2"]["description"] = "OAuth 2.0 client credentials."


def remove_links(document: Document) -> None:
    del document["components"]["responses"]["ClientRead"]["links"]


# the traps: rewrites that change nothing


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


def reorder_enum(document: Document) -> None:
    values = client(document)["properties"]["type"]["enum"]
    client(document)["properties"]["type"]["enum"] = list(reversed(values))


def null_first(document: Document) -> None:
    client(document)["properties"]["ambassadors"]["type"] = ["null", "string"]


def move_parameters_to_operations(document: Document) -> None:
    item = document["paths"][path_of(document, "getClient")]
    parameters = item.pop("parameters")
    for method in ("get", "put"):
        item[method]["parameters"] = copy.deepcopy(parameters)


def reorder_statuses(document: Document) -> None:
    responses = operation(document, "getClient")["responses"]
    operation(document, "getClient")["responses"] = dict(reversed(list(responses.items())))


# responses


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


def make_response_field_optional(document: Document) -> None:
    client(document)["required"].remove("language")


def add_optional_response_field(document: Document) -> None:
    client(document)["properties"]["nickname"] = {"type": "string", "description": "A short name."}


def add_required_response_field(document: Document) -> None:
    client(document)["properties"]["balance"] = {"type": "number", "readOnly": True, "description": "The balance."}
    client(document)["required"].append("balance")


def read_only_with_enum(document: Document) -> str:
    return next(name for name in read_only(document) if "enum" in client(document)["properties"][name])


def add_response_enum_value(document: Document) -> None:
    client(document)["properties"][read_only_with_enum(document)]["enum"].append("5")


def remove_response_enum_value(document: Document) -> None:
    client(document)["properties"][read_only_with_enum(document)]["enum"].pop()


def add_response_max_length(document: Document) -> None:
    client(document)["properties"][first_read_only_of_type(document, "string", nullable=False)]["maxLength"] = 255


def add_response_pattern(document: Document) -> None:
    client(document)["properties"]["domain"]["pattern"] = "^[a-z0-9.-]+$"


def remove_response_pattern(document: Document) -> None:
    del client(document)["properties"]["create_date"]["pattern"]


def add_response_default(document: Document) -> None:
    client(document)["properties"]["reg_status_log"]["default"] = False


def make_response_field_date_time(document: Document) -> None:
    del client(document)["properties"]["create_date"]["pattern"]
    client(document)["properties"]["create_date"]["format"] = "date-time"


def remove_error_field(document: Document) -> None:
    del schemas(document)["Error"]["properties"]["status"]


def require_error_field(document: Document) -> None:
    schemas(document)["Error"]["required"].append("status")


def add_error_enum_value(document: Document) -> None:
    schemas(document)["ForbiddenError"]["properties"]["status"]["enum"].append("ip_denied")


def remove_error_enum_value(document: Document) -> None:
    schemas(document)["ForbiddenError"]["properties"]["status"]["enum"].remove("user_blocked")


def raise_token_lifetime_minimum(document: Document) -> None:
    schemas(document)["Token"]["properties"]["expires_in"]["minimum"] = 60


def add_token_error_code(document: Document) -> None:
    schemas(document)["TokenError"]["properties"]["error"]["enum"].append("slow_down")


# requests


def narrow_request_constraint(document: Document) -> None:
    client(document)["properties"]["name"]["maxLength"] = 100


def widen_shared_constraint(document: Document) -> None:
    client(document)["properties"]["geo_list"]["maxLength"] = 2048


def widen_request_only_constraint(document: Document) -> None:
    update(document)["minProperties"] = 0


def raise_request_min_properties(document: Document) -> None:
    update(document)["minProperties"] = 2


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


def add_optional_request_field(document: Document) -> None:
    update(document)["properties"]["note"] = {"type": "string", "maxLength": 64, "description": "A note."}


def remove_request_field(document: Document) -> None:
    del update(document)["properties"]["fact_address"]


def remove_request_enum_value(document: Document) -> None:
    client(document)["properties"]["type"]["enum"].remove("F")


def add_request_enum_value(document: Document) -> None:
    client(document)["properties"]["type"]["enum"].append("I")


def narrow_integer_format(document: Document) -> None:
    client(document)["properties"]["hold_music"]["format"] = "int32"


def add_pattern(document: Document) -> None:
    client(document)["properties"]["name"]["pattern"] = r"^\S.*$"


def change_pattern(document: Document) -> None:
    client(document)["properties"]["language"]["pattern"] = "^[a-z]{2,3}$"


def remove_shared_pattern(document: Document) -> None:
    del client(document)["properties"]["geo_list"]["pattern"]


def make_request_body_optional(document: Document) -> None:
    document["components"]["requestBodies"]["ClientUpdate"]["required"] = False


def raise_min_length(document: Document) -> None:
    client(document)["properties"]["name"]["minLength"] = 3


def lower_shared_minimum(document: Document) -> None:
    client(document)["properties"]["disk_space_notify_threshold"]["minimum"] = -1


def lower_shared_maximum(document: Document) -> None:
    client(document)["properties"]["disk_space_notify_threshold"]["maximum"] = 90


def add_request_default(document: Document) -> None:
    client(document)["properties"]["language"]["default"] = "en"


def make_writable_field_read_only(document: Document) -> None:
    client(document)["properties"]["timezone"]["readOnly"] = True


def allow_unknown_request_fields(document: Document) -> None:
    del update(document)["additionalProperties"]


def remove_max_length(document: Document) -> None:
    del client(document)["properties"]["name"]["maxLength"]


def integer_to_number(document: Document) -> None:
    client(document)["properties"]["dial_rule_id"]["type"] = ["number", "null"]


def add_multiple_of(document: Document) -> None:
    client(document)["properties"]["disk_space_notify_threshold"]["multipleOf"] = 5


def limit_request_field_to_enum(document: Document) -> None:
    client(document)["properties"]["language"]["enum"] = ["en", "ru", "de"]


def make_shared_field_nullable(document: Document) -> None:
    client(document)["properties"]["name"]["type"] = ["string", "null"]


def make_shared_field_not_nullable(document: Document) -> None:
    client(document)["properties"]["ambassadors"]["type"] = "string"


def make_request_field_nullable(document: Document) -> None:
    reference = update(document)["properties"]["name"]
    update(document)["properties"]["name"] = {"anyOf": [reference, {"type": "null"}]}


def remove_shared_format(document: Document) -> None:
    del client(document)["properties"]["email"]["format"]


# parameters


def query_parameter(required: bool) -> dict[str, Any]:
    return {
        "name": "fields",
        "in": "query",
        "required": required,
        "description": "Fields.",
        "schema": {"type": "string"},
    }


def add_optional_query_parameter(document: Document) -> None:
    operation(document, "getClient")["parameters"] = [query_parameter(required=False)]


def add_required_query_parameter(document: Document) -> None:
    operation(document, "getClient")["parameters"] = [query_parameter(required=True)]


def add_optional_header_parameter(document: Document) -> None:
    operation(document, "updateClient")["parameters"] = [
        {"name": "X-Request-Id", "in": "header", "description": "The request's id.", "schema": {"type": "string"}}
    ]


def rename_path_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["name"] = "id"
    for path in list(document["paths"]):
        if "{client_id}" in path:
            document["paths"][path.replace("{client_id}", "{id}")] = document["paths"].pop(path)


def widen_path_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["schema"]["oneOf"][0]["minimum"] = 0


def narrow_path_parameter(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["schema"]["oneOf"][0]["minimum"] = 1000


# operations, paths, statuses, headers, security, servers


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


def add_operation_on_a_new_path(document: Document) -> None:
    body = {"type": "object", "properties": {"amount": {"type": "number", "description": "The amount."}}}
    document["paths"]["/client/{client_id}/balance/"] = {
        "parameters": [{"$ref": "#/components/parameters/ClientId"}],
        "get": {
            "operationId": "getBalance",
            "summary": "Get the balance",
            "description": "The client's balance.",
            "tags": ["client"],
            "security": [{"oauth2": []}],
            "responses": {"200": {"description": "The balance.", "content": {"application/json": {"schema": body}}}},
        },
    }


def rename_path(document: Document) -> None:
    old = path_of(document, "getClientInfo")
    document["paths"][old.replace("client_info", "info")] = document["paths"].pop(old)


def rename_operation_id(document: Document) -> None:
    operation(document, "getClientInfo")["operationId"] = "readClientInfo"
    for link in document["components"]["links"].values():
        if link["operationId"] == "getClientInfo":
            link["operationId"] = "readClientInfo"


def rename_tag(document: Document) -> None:
    for operation_id in ("getClient", "updateClient", "getClientInfo", "updateClientInfo"):
        operation(document, operation_id)["tags"] = ["clients"]
    document["tags"][0]["name"] = "clients"


def rename_schema(document: Document) -> None:
    text = yaml.safe_dump(document, sort_keys=False)
    text = text.replace("#/components/schemas/NotFoundError", "#/components/schemas/MissingClientError")
    renamed = yaml.safe_load(text)
    renamed["components"]["schemas"]["MissingClientError"] = renamed["components"]["schemas"].pop("NotFoundError")
    document.clear()
    document.update(renamed)


def retitle_schema(document: Document) -> None:
    update(document)["title"] = "ClientChange"


def move_enum_to_a_component(document: Document) -> None:
    schemas(document)["ClientType"] = copy.deepcopy(client(document)["properties"]["type"])
    client(document)["properties"]["type"] = {"$ref": "#/components/schemas/ClientType"}
    update(document)["properties"]["type"] = {"$ref": "#/components/schemas/ClientType"}


def add_unused_schema(document: Document) -> None:
    schemas(document)["Balance"] = {
        "type": "object",
        "description": "A balance.",
        "properties": {"amount": {"type": "number", "description": "The amount."}},
    }


def remove_error_status(document: Document) -> None:
    del operation(document, "getClient")["responses"]["404"]


def add_error_status(document: Document) -> None:
    operation(document, "getClient")["responses"]["400"] = {"$ref": "#/components/responses/BadRequest"}


def payload_too_large(document: Document) -> dict[str, Any]:
    return document["components"]["responses"]["PayloadTooLarge"]  # type: ignore[no-any-return]


def lower_body_limit(document: Document) -> None:
    payload_too_large(document)["x-max-body-bytes"] //= 2


def raise_body_limit(document: Document) -> None:
    payload_too_large(document)["x-max-body-bytes"] *= 2


def remove_body_limit(document: Document) -> None:
    del payload_too_large(document)["x-max-body-bytes"]


def add_unknown_extension(document: Document) -> None:
    operation(document, "getClient")["x-cache-seconds"] = 60


def change_provenance(document: Document) -> None:
    payload_too_large(document)["x-provenance"]["decided"]["Body size limit and 413"] += " Reworded."


def change_success_status(document: Document) -> None:
    responses = operation(document, "getClient")["responses"]
    responses["203"] = responses.pop("200")


def add_success_status(document: Document) -> None:
    responses = operation(document, "getClient")["responses"]
    responses["203"] = copy.deepcopy(responses["200"])


def add_required_response_header(document: Document) -> None:
    document["components"]["responses"]["ClientRead"]["headers"]["X-Request-Id"] = {
        "description": "The request's id.",
        "required": True,
        "schema": {"type": "string"},
    }


def add_optional_response_header(document: Document) -> None:
    document["components"]["responses"]["ClientRead"]["headers"]["X-Request-Id"] = {
        "description": "The request's id.",
        "schema": {"type": "string"},
    }


def remove_response_header(document: Document) -> None:
    del document["components"]["responses"]["ClientRead"]["headers"]["X-RateLimit-Reset"]


def make_response_header_optional(document: Document) -> None:
    document["components"]["headers"]["X-RateLimit-Reset"]["required"] = False


def widen_response_header(document: Document) -> None:
    document["components"]["headers"]["X-RateLimit-Reset"]["schema"]["maximum"] = 7200


def add_response_media_type(document: Document) -> None:
    content = document["components"]["responses"]["ClientRead"]["content"]
    content["application/xml"] = copy.deepcopy(content["application/json"])


def replace_request_media_type(document: Document) -> None:
    content = document["components"]["requestBodies"]["ClientUpdate"]["content"]
    content["application/merge-patch+json"] = content.pop("application/json")


def drop_security(document: Document) -> None:
    operation(document, "getClientInfo")["security"] = []


def require_scope(document: Document) -> None:
    operation(document, "updateClient")["security"] = [{"oauth2": ["all"]}]


def change_token_url(document: Document) -> None:
    scheme = document["components"]["securitySchemes"]["oauth2"]
    scheme["flows"]["clientCredentials"]["tokenUrl"] = "/oauth2/token"


def change_server_url(document: Document) -> None:
    document["servers"][0]["url"] = document["servers"][0]["url"].replace("ver1.0", "ver2.0")


def add_server_url(document: Document) -> None:
    document["servers"].append({"url": "https://pbx-backup.example.com/api/ver1.0", "description": "A second one."})


def add_oauth_scope(document: Document) -> None:
    document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]["read"] = "Reads."


# held out: written and labelled after the rules were reviewed, before the tools were first run on them


def narrow_request_only_length(document: Document) -> None:
    reference = update(document)["properties"]["name"]
    update(document)["properties"]["name"] = {"allOf": [reference], "maxLength": 50}


def remove_request_min_properties(document: Document) -> None:
    del update(document)["minProperties"]


def raise_response_header_minimum(document: Document) -> None:
    document["components"]["headers"]["X-RateLimit-Limit"]["schema"]["minimum"] = 1


def lower_response_header_maximum(document: Document) -> None:
    document["components"]["headers"]["X-RateLimit-Reset"]["schema"]["maximum"] = 1800


def remove_rate_limit_status(document: Document) -> None:
    del operation(document, "updateClient")["responses"]["429"]


def add_parameter_examples(document: Document) -> None:
    document["components"]["parameters"]["ClientId"]["examples"]["other"] = {"summary": "Another", "value": 1002}


def make_shared_pattern_field_nullable(document: Document) -> None:
    client(document)["properties"]["geo_list"]["type"] = ["string", "null"]


def add_token_request_field(document: Document) -> None:
    schemas(document)["TokenRequest"]["properties"]["scope"] = {"type": "string", "description": "The scope."}


def deprecate_response_header(document: Document) -> None:
    document["components"]["headers"]["X-RateLimit-Reset"]["deprecated"] = True


def change_license(document: Document) -> None:
    document["info"]["license"] = {"name": "MIT", "identifier": "MIT"}


def add_second_tag(document: Document) -> None:
    operation(document, "getClient")["tags"] = ["client", "reading"]
    document["tags"].append({"name": "reading", "description": "Calls that only read."})


def make_error_message_nullable(document: Document) -> None:
    schemas(document)["Error"]["properties"]["message"]["type"] = ["string", "null"]


def remove_id_format(document: Document) -> None:
    del client(document)["properties"]["id"]["format"]


# --- the pairs --------------------------------------------------------------------------------------------------

W, S, K = "wire", "server", "sdk"
NOTHING = "nothing on the wire, no rule a server follows, and the same SDK (docstrings aside)"


def pair(
    name: str,
    edit: Callable[[Document], None],
    breaks: tuple[str, ...],
    bump: str,
    why: str,
    *rules: str,
    no_changes: bool = False,
) -> Pair:
    return Pair(name, edit, W in breaks, S in breaks, K in breaks, bump, why, rules, no_changes)


PAIRS: tuple[Pair, ...] = (
    # documentation and other changes that break nothing
    pair("description", describe_property, (), "patch", f"A description: {NOTHING}.", "description-changed"),
    pair("operation-summary", summarize_operation, (), "patch", f"A summary: {NOTHING}.", "summary-changed"),
    pair("example", change_example, (), "patch", f"An example: {NOTHING}.", "example-changed"),
    pair("info-version", bump_info_version, (), "patch", f"info.version: {NOTHING}.", "info-version-changed"),
    pair("info-title", retitle_info, (), "patch", f"info.title: {NOTHING}.", "title-changed"),
    pair(
        "deprecated-operation",
        deprecate_operation,
        (),
        "minor",
        "Deprecation breaks nothing yet; semver makes it a minor release.",
        "deprecated",
    ),
    pair("deprecated-property", deprecate_property, (), "minor", "As a deprecated operation.", "deprecated"),
    pair("deprecated-parameter", deprecate_path_parameter, (), "minor", "As a deprecated operation.", "deprecated"),
    pair(
        "all-of-wrapper-description",
        describe_all_of_wrapper,
        (),
        "patch",
        f"A description on an allOf wrapper of the same schema: {NOTHING}.",
        "description-changed",
    ),
    pair("tag-description", describe_tag, (), "patch", f"A tag's description: {NOTHING}.", "tags-changed"),
    pair("response-description", describe_response, (), "patch", f"A response's description: {NOTHING}."),
    pair("parameter-description", describe_parameter, (), "patch", f"A parameter's description: {NOTHING}."),
    pair("external-docs", add_external_docs, (), "patch", f"externalDocs: {NOTHING}.", "externalDocs-added"),
    pair("security-scheme-description", describe_security_scheme, (), "patch", f"A description: {NOTHING}."),
    pair(
        "links-removed",
        remove_links,
        (),
        "patch",
        "Links only document how operations chain; neither the suite nor openapi-python-client reads them.",
        "links-changed",
    ),
    # the traps: rewrites that change nothing
    pair("ref-vs-identical-inline", inline_identical_ref, (), "patch", "The same schema.", no_changes=True),
    pair("reordered-properties", reorder_properties, (), "patch", "Order is not meaning.", no_changes=True),
    pair("all-of-wrapper", wrap_in_all_of, (), "patch", "allOf of one schema is it.", no_changes=True),
    pair("null-as-any-of", null_as_any_of, (), "patch", "anyOf with null is a nullable type.", no_changes=True),
    pair("reordered-enum", reorder_enum, (), "patch", "The same values; the SDK sorts them.", no_changes=True),
    pair("null-first", null_first, (), "patch", "[null, string] is [string, null].", no_changes=True),
    pair(
        "parameters-moved-to-operations",
        move_parameters_to_operations,
        (),
        "patch",
        "A path item's parameters apply to each operation: the same parameters.",
        no_changes=True,
    ),
    pair("reordered-statuses", reorder_statuses, (), "patch", "Statuses are a map.", no_changes=True),
    # responses
    pair(
        "response-field-removed",
        remove_response_field,
        (W, S, K),
        "major",
        "Wire: a client reading it gets nothing. Server: Client is closed, so a BASE server still sending it "
        "fails. SDK: the attribute and its constructor parameter go.",
        "required-property-removed",
    ),
    pair(
        "response-field-renamed",
        rename_response_field,
        (W, S, K),
        "major",
        "A removal and a required addition: clients lose the old name, BASE servers do not send the new one, "
        "the model's attribute is renamed.",
        "required-property-removed",
        "required-property-added",
    ),
    pair(
        "field-type-changed",
        change_field_type,
        (W, S, K),
        "major",
        "integer to string both ways: clients read strings, the suite sends strings a BASE server refuses and "
        "expects integers refused; the SDK's annotations change.",
        "type-changed",
    ),
    pair(
        "response-field-nullable",
        make_response_field_nullable,
        (W, K),
        "major",
        "Wire: a client may now get null. Server: BASE's values are still valid. SDK: the attribute may be None, "
        "which code reading it was not written for.",
        "became-nullable",
    ),
    pair(
        "response-field-not-nullable",
        make_response_field_not_nullable,
        (S, K),
        "major",
        "Wire: null no longer comes, which no client minds. Server: a BASE server may still send null. SDK: "
        "ClientData(field=None) no longer type-checks (its constructor's parameter narrowed).",
        "became-not-nullable",
    ),
    pair(
        "response-field-optional",
        make_response_field_optional,
        (W, K),
        "major",
        "Wire: a client reading it may not get it. SDK: the attribute may be Unset.",
        "property-became-optional",
    ),
    pair(
        "optional-response-field-added",
        add_optional_response_field,
        (),
        "minor",
        "Clients ignore fields they do not know (as oasdiff assumes); a BASE server may leave it out; the SDK "
        "gains an optional attribute: something a caller can read.",
        "optional-property-added",
    ),
    pair(
        "required-response-field-added",
        add_required_response_field,
        (S, K),
        "major",
        "Server: a BASE server does not send it. SDK: ClientData's constructor gains a required parameter, so "
        "code building one (tests, fakes) fails.",
        "required-property-added",
    ),
    pair(
        "response-enum-value-added",
        add_response_enum_value,
        (W,),
        "major",
        "Wire: a client may get a value it was not written for. SDK: the client model reads enums as plain "
        "strings (the tolerant-reading overlay): no change.",
        "enum-value-added",
    ),
    pair(
        "response-enum-value-removed",
        remove_response_enum_value,
        (S,),
        "patch",
        "Only a BASE server that still sends the value fails; the SDK reads the field as a string.",
        "enum-value-removed",
    ),
    pair(
        "response-max-length-added",
        add_response_max_length,
        (S,),
        "patch",
        "A read-only field's values narrowed: only a BASE server sending longer ones fails.",
        "max-length-added",
    ),
    pair(
        "response-pattern-added",
        add_response_pattern,
        (S,),
        "patch",
        "As a response maxLength added.",
        "pattern-added",
    ),
    pair(
        "response-pattern-removed",
        remove_response_pattern,
        (W,),
        "major",
        "A read-only field's values widened: a client parsing it by the pattern may get what it cannot parse.",
        "pattern-removed",
    ),
    pair(
        "response-default-added",
        add_response_default,
        (),
        "patch",
        "A default in a response means nothing on the wire; the SDK's constructor parameter gets a default "
        "(more calls work, nothing new to use).",
        "default-changed",
    ),
    pair(
        "response-field-date-time",
        make_response_field_date_time,
        (W, S, K),
        "major",
        "Other values both ways: BASE's `YYYY-MM-DD HH:MM:SS` is no RFC 3339 date-time (server), and a client "
        "parsing that pattern gets `T` and a zone (wire). SDK: the attribute is a datetime, not a str.",
        "format-added",
    ),
    pair(
        "error-field-removed",
        remove_error_field,
        (K,),
        "major",
        "Wire: an optional field of an open error body; clients handle its absence. SDK: Error.status is gone.",
        "optional-property-removed",
    ),
    pair(
        "error-field-required",
        require_error_field,
        (S, K),
        "major",
        "Server: a BASE server may leave it out. SDK: Error(message=...) without it fails.",
        "property-became-required",
    ),
    pair(
        "error-enum-value-added",
        add_error_enum_value,
        (W,),
        "major",
        "Wire: a 403 status a client was not written for. SDK: the Literal gains a value (an addition).",
        "enum-value-added",
    ),
    pair(
        "error-enum-value-removed",
        remove_error_enum_value,
        (S, K),
        "major",
        "Server: a BASE server may still send it. SDK: code comparing with the value no longer type-checks "
        "(the Literal lost it).",
        "enum-value-removed",
    ),
    pair(
        "token-lifetime-minimum",
        raise_token_lifetime_minimum,
        (S,),
        "patch",
        "The token's lifetime narrowed: only a BASE server issuing shorter tokens fails; the SDK's runtime reads "
        "any lifetime.",
        "minimum-changed",
    ),
    pair(
        "token-error-code-added",
        add_token_error_code,
        (W,),
        "major",
        "Wire: a token error a client was not written for. SDK: the runtime passes token errors as plain dicts.",
        "enum-value-added",
    ),
    # requests
    pair(
        "request-constraint-narrowed",
        narrow_request_constraint,
        (W, S),
        "major",
        "Wire: a client sending a long name is refused. Server: the suite expects long names refused. The SDK "
        "does not check lengths.",
        "max-length-changed",
    ),
    pair(
        "shared-constraint-widened",
        widen_shared_constraint,
        (W, S),
        "major",
        "The field is read and written: clients may read longer values (wire); the suite sends longer ones (server).",
        "max-length-changed",
    ),
    pair(
        "request-only-constraint-widened",
        widen_request_only_constraint,
        (S,),
        "minor",
        "An empty update is now valid: a BASE server refuses it (server); a caller may now send it (minor).",
        "min-properties-changed",
    ),
    pair(
        "request-min-properties-raised",
        raise_request_min_properties,
        (W, S),
        "major",
        "A one-field update is refused now (wire); BASE servers accept it (server).",
        "min-properties-changed",
    ),
    pair(
        "request-field-required",
        require_request_field,
        (W, S, K),
        "major",
        "Wire: an update without `name` is refused. Server: a BASE server accepts it. SDK: the keyword arguments "
        "go and `body` is required (the template expands the fields only of a body with no required field).",
        "property-became-required",
    ),
    pair(
        "writable-field-added",
        add_writable_field,
        (S, K),
        "major",
        "Server: BASE servers neither send it nor accept it. Wire: clients ignore it. SDK: ClientData's "
        "constructor gains a required parameter.",
        "required-property-added",
        "optional-property-added",
    ),
    pair(
        "optional-request-field-added",
        add_optional_request_field,
        (S,),
        "minor",
        "The update is closed: a BASE server refuses the new field the suite sends. A caller may send it: minor.",
        "optional-property-added",
    ),
    pair(
        "request-field-removed",
        remove_request_field,
        (W, S, K),
        "major",
        "The update is closed: a client sending it is refused; a BASE server accepts it; the keyword goes.",
        "optional-property-removed",
    ),
    pair(
        "request-enum-value-removed",
        remove_request_enum_value,
        (W, S, K),
        "major",
        "Wire: a client sending it is refused. Server: BASE servers accept it and may send it. SDK: "
        "ClientUpdateType loses it.",
        "enum-value-removed",
    ),
    pair(
        "request-enum-value-added",
        add_request_enum_value,
        (W, S),
        "major",
        "The field is read too: clients may read the value (wire); BASE servers refuse it (server). SDK: an "
        "added Literal value.",
        "enum-value-added",
    ),
    pair(
        "integer-format-narrowed",
        narrow_integer_format,
        (W, S),
        "major",
        "int64 to int32: large ids a client sends are refused; BASE servers accept and send them.",
        "format-changed",
    ),
    pair("pattern-added", add_pattern, (W, S), "major", "Values narrowed both ways.", "pattern-added"),
    pair(
        "pattern-changed",
        change_pattern,
        (W, S),
        "major",
        "Read as a change both ways (regular expressions are not compared): clients may read and be refused.",
        "pattern-changed",
    ),
    pair(
        "shared-pattern-removed",
        remove_shared_pattern,
        (W, S),
        "major",
        "Values widened both ways: clients may read any string; BASE servers refuse what the suite now sends.",
        "pattern-removed",
    ),
    pair(
        "request-body-optional",
        make_request_body_optional,
        (S,),
        "minor",
        "A PUT without a body is valid now: BASE servers refuse it; a caller may send it. SDK: `body` becomes "
        "optional in the operation functions.",
        "request-body-became-optional",
    ),
    pair(
        "request-min-length-raised",
        raise_min_length,
        (W, S),
        "major",
        "Short names refused (wire), still accepted by BASE servers (server).",
        "min-length-changed",
    ),
    pair(
        "shared-minimum-lowered",
        lower_shared_minimum,
        (W, S),
        "major",
        "Widened both ways.",
        "minimum-changed",
    ),
    pair(
        "shared-maximum-lowered",
        lower_shared_maximum,
        (W, S),
        "major",
        "Narrowed both ways.",
        "maximum-changed",
    ),
    pair(
        "request-default-added",
        add_request_default,
        (W, K),
        "major",
        "Wire: a server assumes `en` for an update that leaves it out. SDK: the keyword's default becomes 'en', "
        "so every update call sends it.",
        "default-changed",
    ),
    pair(
        "writable-field-read-only",
        make_writable_field_read_only,
        (W, S),
        "major",
        "A client sending it may be refused; BASE servers accept it. openapi-python-client ignores readOnly.",
        "read-only-changed",
    ),
    pair(
        "unknown-request-fields-allowed",
        allow_unknown_request_fields,
        (S,),
        "minor",
        "BASE servers refuse what the suite may now send; callers may send more; the model gains "
        "additional_properties.",
        "additional-properties-allowed",
    ),
    pair("max-length-removed", remove_max_length, (W, S), "major", "Widened both ways.", "max-length-removed"),
    pair(
        "integer-to-number",
        integer_to_number,
        (W, S, K),
        "major",
        "Widened both ways; SDK: ClientData's attribute is a float, which code reading an int was not written "
        "for (passing an int still type-checks).",
        "type-changed",
    ),
    pair("multiple-of-added", add_multiple_of, (W, S), "major", "Narrowed both ways.", "multiple-of-added"),
    pair(
        "request-field-limited-to-enum",
        limit_request_field_to_enum,
        (W, S, K),
        "major",
        "Narrowed both ways; SDK: the keyword takes a Literal, not any str.",
        "enum-added",
    ),
    pair(
        "shared-field-nullable",
        make_shared_field_nullable,
        (W, S, K),
        "major",
        "Clients may read null; BASE servers refuse it; ClientData.name may be None.",
        "became-nullable",
    ),
    pair(
        "shared-field-not-nullable",
        make_shared_field_not_nullable,
        (W, S, K),
        "major",
        "Clients clearing it with null are refused; BASE servers accept and send null; the SDK's keyword no "
        "longer takes None.",
        "became-not-nullable",
    ),
    pair(
        "request-field-nullable",
        make_request_field_nullable,
        (S,),
        "minor",
        "Only the update's field: BASE servers refuse null; callers may send it; the SDK's keyword and model "
        "take None too (a model only ever passed in is not read back).",
        "became-nullable",
    ),
    pair(
        "shared-format-removed",
        remove_shared_format,
        (W, S),
        "major",
        "Widened both ways (any string, not only an e-mail address).",
        "format-removed",
    ),
    # parameters
    pair(
        "optional-query-parameter-added",
        add_optional_query_parameter,
        (S,),
        "minor",
        "Server: BASE servers do not reject the invalid values the suite sends. A caller may use it; the SDK "
        "gains an optional keyword.",
        "optional-parameter-added",
    ),
    pair(
        "required-query-parameter-added",
        add_required_query_parameter,
        (W, S, K),
        "major",
        "Calls without it are refused (wire), accepted by BASE servers (server); the SDK's methods require it.",
        "required-parameter-added",
    ),
    pair(
        "optional-header-parameter-added",
        add_optional_header_parameter,
        (S,),
        "minor",
        "As an optional query parameter.",
        "optional-parameter-added",
    ),
    pair(
        "path-parameter-renamed",
        rename_path_parameter,
        (K,),
        "major",
        "The same URLs on the wire; the SDK's `client_id` keyword becomes `id`.",
        "path-parameter-renamed",
    ),
    pair(
        "path-parameter-widened",
        widen_path_parameter,
        (S,),
        "minor",
        "Id 0 is valid now: BASE servers answer 404 where the suite expects success; a caller may pass it.",
        "minimum-changed",
    ),
    pair(
        "path-parameter-narrowed",
        narrow_path_parameter,
        (W, S),
        "major",
        "Small ids are refused now (wire); BASE servers accept them (server).",
        "minimum-changed",
    ),
    # operations, paths and names
    pair(
        "operation-removed",
        remove_operation,
        (W, K),
        "major",
        "Clients calling it get an error; BASE servers serving it are fine; the SDK's method goes.",
        "operation-removed",
    ),
    pair(
        "operation-added",
        add_operation,
        (S,),
        "minor",
        "BASE servers do not serve it (the provider's to follow); callers gain a method: minor, not major.",
        "operation-added",
    ),
    pair(
        "operation-added-on-a-new-path",
        add_operation_on_a_new_path,
        (S,),
        "minor",
        "As an added operation.",
        "operation-added",
    ),
    pair(
        "path-renamed",
        rename_path,
        (W, S),
        "major",
        "Clients calling the old path get an error; BASE servers serve it; the SDK calls the new one, its "
        "methods unchanged.",
        "operation-moved",
    ),
    pair(
        "operation-id-renamed",
        rename_operation_id,
        (K,),
        "major",
        "Nothing on the wire; the SDK's method is renamed.",
        "operation-id-changed",
    ),
    pair(
        "tag-renamed",
        rename_tag,
        (K,),
        "major",
        "Nothing on the wire; openapi-python-client names the SDK's endpoint package by tag (api.client -> "
        "api.clients).",
        "operation-tags-changed",
    ),
    pair("schema-renamed", rename_schema, (K,), "major", "Nothing on the wire; the model class is renamed."),
    pair(
        "schema-title-changed",
        retitle_schema,
        (K,),
        "major",
        "Nothing on the wire; openapi-python-client names the class by its title.",
        "title-added",
    ),
    pair(
        "enum-moved-to-a-component",
        move_enum_to_a_component,
        (K,),
        "major",
        "The same values on the wire; the SDK's ClientUpdateType becomes ClientType, and the client model's "
        "field is no longer loosened to str (the tolerant-reading overlay loosens inline enums).",
    ),
    pair(
        "unused-schema-added",
        add_unused_schema,
        (),
        "minor",
        "Nothing on the wire; the SDK gains a model class.",
    ),
    # extensions: `x-max-body-bytes` (the emulator and the suite read it), and ones no tool reads
    pair(
        "body-limit-lowered",
        lower_body_limit,
        (W, S),
        "major",
        "A client sending a body between the two limits, which BASE promised to read, now gets 413; a BASE server "
        "reads bodies REVISION says it refuses. The SDK does not read the limit.",
        "body-limit-lowered",
    ),
    pair(
        "body-limit-raised",
        raise_body_limit,
        (S,),
        "minor",
        "Clients' bodies under the old limit are still read, and a caller may now send larger ones (minor); a BASE "
        "server refuses bodies between the limits that REVISION says it reads. The SDK does not read the limit.",
        "body-limit-raised",
    ),
    pair(
        "body-limit-removed",
        remove_body_limit,
        (W,),
        "major",
        "The 413 stays documented with no size: a client can no longer rely on a body up to the old limit being "
        "read; a BASE server's limit is one REVISION allows. The SDK does not read the limit.",
        "body-limit-removed",
    ),
    pair(
        "unknown-extension-added",
        add_unknown_extension,
        (),
        "patch",
        "An extension no tool of the kit reads (neither the generator, the emulator nor the suite): nothing on the "
        "wire or in the SDK changes; it is reported for the reviewer to judge what reads it.",
        "extension-added",
    ),
    pair(
        "provenance-changed",
        change_provenance,
        (),
        "patch",
        f"`x-provenance` says where a fact comes from, for people: {NOTHING}.",
        no_changes=True,
    ),
    # statuses and headers
    pair(
        "error-status-removed",
        remove_error_status,
        (S,),
        "patch",
        "BASE servers still answer 404. Clients handle errors as before; the SDK raises UnexpectedStatus for a "
        "404 the contract now says never comes.",
        "response-status-removed",
    ),
    pair(
        "error-status-added",
        add_error_status,
        (),
        "patch",
        "A documented error: clients handle errors alike (oasdiff: informational); BASE servers never send it; "
        "the SDK raises BadRequest for it instead of UnexpectedStatus.",
        "response-status-added",
    ),
    pair(
        "success-status-changed",
        change_success_status,
        (W, S),
        "major",
        "200 becomes 203: clients expecting 200 fail; BASE servers answer 200. The SDK parses 203 instead.",
        "response-status-removed",
        "response-status-added",
    ),
    pair(
        "success-status-added",
        add_success_status,
        (W,),
        "major",
        "A client may get a 203 it was not written for; BASE servers' 200 is still right; the SDK handles both.",
        "response-status-added",
    ),
    pair(
        "required-response-header-added",
        add_required_response_header,
        (S,),
        "minor",
        "BASE servers do not send it; a caller can read it: minor.",
        "required-response-header-added",
    ),
    pair(
        "optional-response-header-added",
        add_optional_response_header,
        (),
        "minor",
        "A header a caller may read.",
        "optional-response-header-added",
    ),
    pair(
        "required-response-header-removed",
        remove_response_header,
        (W,),
        "major",
        "Clients reading it no longer get it; the SDK's rate-limit reading allows it missing.",
        "response-header-removed",
    ),
    pair(
        "response-header-optional",
        make_response_header_optional,
        (W,),
        "major",
        "As a removed required header.",
        "response-header-became-optional",
    ),
    pair(
        "response-header-widened",
        widen_response_header,
        (W,),
        "major",
        "Clients may read values over 3600.",
        "maximum-changed",
    ),
    pair(
        "response-media-type-added",
        add_response_media_type,
        (),
        "minor",
        "Clients still get JSON; XML is there to ask for; the SDK reads JSON.",
        "media-type-added",
    ),
    pair(
        "request-media-type-replaced",
        replace_request_media_type,
        (W, S),
        "major",
        "JSON bodies are refused; BASE servers refuse the new type. The SDK sends the new type, its methods unchanged.",
        "media-type-removed",
    ),
    # security and servers
    pair(
        "security-dropped",
        drop_security,
        (S,),
        "minor",
        "Clients sending a token still get in (oasdiff: informational); BASE servers refuse calls without one; "
        "a caller may call without a token. SDK: the function takes a plain Client too.",
        "security-requirement-relaxed",
    ),
    pair(
        "scope-required",
        require_scope,
        (W, S),
        "major",
        "A token without the scope is refused now; BASE servers do not check it.",
        "security-requirement-changed",
    ),
    pair(
        "token-url-changed",
        change_token_url,
        (W, S),
        "major",
        "Clients asking the old URL get no token; BASE servers serve the old one. The SDK asks the new URL.",
        "oauth-url-changed",
    ),
    pair(
        "server-url-changed",
        change_server_url,
        (W,),
        "major",
        "Clients configured with the old base URL miss; a server is tested at whatever URL it is given; the "
        "SDK builds the new URL.",
        "server-url-removed",
    ),
    pair("server-url-added", add_server_url, (), "minor", "Another base URL a caller may use.", "server-url-added"),
    pair("oauth-scope-added", add_oauth_scope, (), "minor", "A scope a caller may ask for.", "oauth-scope-added"),
    # held out: labelled before the tools were first run on them
    pair(
        "request-only-length-narrowed",
        narrow_request_only_length,
        (W, S),
        "major",
        "Only the update's name: longer names are refused (wire), accepted by BASE servers (server).",
        "max-length-changed",
    ),
    pair(
        "request-min-properties-removed",
        remove_request_min_properties,
        (S,),
        "minor",
        "As minProperties lowered to 0.",
        "min-properties-removed",
    ),
    pair(
        "response-header-minimum-raised",
        raise_response_header_minimum,
        (S,),
        "patch",
        "A BASE server may send a limit of 0; clients read fewer values.",
        "minimum-changed",
    ),
    pair(
        "response-header-maximum-lowered",
        lower_response_header_maximum,
        (S,),
        "patch",
        "As a raised minimum.",
        "maximum-changed",
    ),
    pair(
        "rate-limit-status-removed",
        remove_rate_limit_status,
        (S,),
        "patch",
        "As an error status removed.",
        "response-status-removed",
    ),
    pair("parameter-examples", add_parameter_examples, (), "patch", f"Examples: {NOTHING}."),
    pair(
        "shared-pattern-field-nullable",
        make_shared_pattern_field_nullable,
        (W, S, K),
        "major",
        "As a shared field made nullable.",
        "became-nullable",
    ),
    pair(
        "token-request-field-added",
        add_token_request_field,
        (),
        "minor",
        "The token request's form is open: BASE servers ignore the new field; a caller may send it; the "
        "token operation is the runtime's, not a generated method.",
        "optional-property-added",
    ),
    pair(
        "response-header-deprecated",
        deprecate_response_header,
        (),
        "minor",
        "A deprecation.",
        "deprecated",
    ),
    pair("license-changed", change_license, (), "patch", f"info.license: {NOTHING}.", "info-license-changed"),
    pair(
        "second-tag-added",
        add_second_tag,
        (),
        "patch",
        "Tags group documentation; openapi-python-client names the endpoint package by the first tag only.",
        "operation-tags-changed",
    ),
    pair(
        "error-message-nullable",
        make_error_message_nullable,
        (W, K),
        "major",
        "Clients reading an error's message may get null; Error.message may be None in the SDK.",
        "became-nullable",
    ),
    pair(
        "id-format-removed",
        remove_id_format,
        (W,),
        "major",
        "A read-only id no longer bounded to 64 bits: a client storing it in an int64 may overflow. The SDK's "
        "int is unbounded.",
        "format-removed",
    ),
)

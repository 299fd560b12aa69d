"""Holds openapi.yaml to the contract issue: fields, read-only rules, examples, the two paths, security, links."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate

from pbx_kit import contract

DOCUMENT = contract.load_document()
SCHEMAS = DOCUMENT["components"]["schemas"]

# The field table: documented type ("long" is a 64-bit integer) and whether an unset value is null.
EXPECTED_FIELDS: dict[str, tuple[str, bool]] = {
    "ambassadors": ("string", True),
    "contact_phones": ("string", True),
    "create_date": ("string", False),
    "dial_rule_id": ("long", True),
    "did_as_transfer_caller_id": ("string", True),
    "disk_space_notify_email": ("string", True),
    "disk_space_notify_threshold": ("long", True),
    "domain": ("string", False),
    "domain_prefix": ("string", True),
    "email": ("string", True),
    "extension_len": ("string", False),
    "extra_params": ("string", True),
    "fact_address": ("string", True),
    "geo_list": ("string", False),
    "hold_music": ("long", True),
    "id": ("long", False),
    "jur_address": ("string", True),
    "language": ("string", False),
    "name": ("string", False),
    "prefix": ("string", False),
    "reg_status_log": ("boolean", False),
    "timezone": ("string", False),
    "type": ("string", False),
}
EXPECTED_READ_ONLY = {
    "id",
    "create_date",
    "prefix",
    "domain",
    "domain_prefix",
    "extension_len",
    "reg_status_log",
}
OPERATIONS = {
    ("/client/{client_id}/client/", "get"): "getClient",
    ("/client/{client_id}/client/", "put"): "updateClient",
    ("/client/client_info/{client_id}/", "get"): "getClientInfo",
    ("/client/client_info/{client_id}/", "put"): "updateClientInfo",
}


def deref(node: Any) -> Any:
    """Follow `$ref`s until a node without one."""
    while isinstance(node, dict) and "$ref" in node:
        node = contract.resolve(DOCUMENT, node["$ref"])
    return node


def test_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"].startswith("3.1")
    validate(dict(DOCUMENT))


def test_client_has_exactly_the_documented_fields_all_required() -> None:
    client = SCHEMAS["Client"]
    assert set(client["properties"]) == set(EXPECTED_FIELDS)
    assert set(client["required"]) == set(EXPECTED_FIELDS), "every field is always present, null when unset"
    assert client["additionalProperties"] is False


@pytest.mark.parametrize(("field", "documented"), EXPECTED_FIELDS.items())
def test_field_type_and_nullability(field: str, documented: tuple[str, bool]) -> None:
    documented_type, nullable = documented
    node = SCHEMAS["Client"]["properties"][field]
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    json_type = "integer" if documented_type == "long" else documented_type
    assert json_type in types
    assert ("null" in types) is nullable
    assert set(types) <= {json_type, "null"}
    if documented_type == "long":
        assert node["format"] == "int64"
    assert node["description"].strip()


def test_read_only_fields_are_marked_and_absent_from_the_update_body() -> None:
    assert contract.read_only_fields() == EXPECTED_READ_ONLY
    assert contract.writable_fields() == set(EXPECTED_FIELDS) - EXPECTED_READ_ONLY
    update = SCHEMAS["ClientUpdate"]
    assert update["additionalProperties"] is False
    assert update["minProperties"] == 1
    assert "required" not in update, "PUT is a partial update"


# Beside a `$ref`, OpenAPI 3.1 allows annotations; anything else would add a rule the client's field does not have.
ANNOTATIONS = {"description", "summary"}


def update_field_problems(document: dict[str, Any]) -> list[str]:
    """How `ClientUpdate` strays from "each writable field of `Client`, with the same rules, written once": a field
    missing or extra, or one not referring to the `Client` property of its own name."""
    schemas = document["components"]["schemas"]
    client = schemas["Client"]["properties"]
    writable = {name for name, node in client.items() if not node.get("readOnly")}
    update = schemas["ClientUpdate"]["properties"]
    problems = [f"{name}: writable in Client but not in ClientUpdate" for name in sorted(writable - set(update))]
    problems += [f"{name}: in ClientUpdate but not a writable Client field" for name in sorted(set(update) - writable)]
    for name, node in update.items():
        expected = f"#/components/schemas/Client/properties/{name}"
        if node.get("$ref") != expected:
            problems.append(f"{name}: refers to {node.get('$ref')!r}, not {expected}")
        extra = {key for key in node if key != "$ref" and key not in ANNOTATIONS and not key.startswith("x-")}
        if extra:
            problems.append(f"{name}: adds {sorted(extra)} beside its $ref")
    return problems


def test_update_body_fields_are_the_clients_writable_fields_by_reference() -> None:
    assert update_field_problems(copy.deepcopy(dict(DOCUMENT))) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda props: props["email"].update({"$ref": "#/components/schemas/Client/properties/name"}), "email: refers"),
        (lambda props: props.__setitem__("email", {"type": "string"}), "email: refers"),
        (lambda props: props["name"].update({"maxLength": 10}), "name: adds ['maxLength']"),
        (lambda props: props.pop("timezone"), "timezone: writable in Client"),
        (
            lambda props: props.__setitem__("prefix", {"$ref": "#/components/schemas/Client/properties/prefix"}),
            "prefix: in",
        ),
    ],
)
def test_update_field_rules_catch_each_way_to_stray(breakage: Any, expected: str) -> None:
    document = copy.deepcopy(dict(DOCUMENT))
    breakage(document["components"]["schemas"]["ClientUpdate"]["properties"])
    assert any(problem.startswith(expected) for problem in update_field_problems(document))


@pytest.mark.parametrize(
    ("body", "offending"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-address"}, "email"),
        ({"geo_list": "RU,US"}, "geo_list"),
        ({"geo_list": "ru us"}, "geo_list"),
        ({"disk_space_notify_threshold": 101}, "disk_space_notify_threshold"),
        ({"disk_space_notify_threshold": -1}, "disk_space_notify_threshold"),
        ({"type": "X"}, "type"),
        ({"language": "en\n"}, "language"),
        ({"geo_list": "RU\n"}, "geo_list"),
        ({"name": 5}, "name"),
        ({"prefix": "9"}, "prefix"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_update_body_rejects_what_the_contract_says_is_invalid(body: dict[str, Any], offending: str) -> None:
    errors = list(contract.validator("ClientUpdate").iter_errors(body))
    assert errors
    assert any(offending in [*error.path, error.message] or offending in error.message for error in errors)


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "UTC"},
        {"timezone": "Europe/Minsk", "geo_list": "RU US BY"},
        {"geo_list": ""},
        {"geo_list": "*"},
        {"jur_address": None, "email": None, "disk_space_notify_threshold": 0},
        {"type": "F", "language": "ru", "name": "X"},
    ],
)
def test_update_body_accepts_valid_changes(body: dict[str, Any]) -> None:
    assert not list(contract.validator("ClientUpdate").iter_errors(body))


def test_empty_update_body_is_invalid() -> None:
    assert list(contract.validator("ClientUpdate").iter_errors({}))


def _media_examples() -> list[tuple[str, Any, Any]]:
    """(where, schema, example value) for every example attached to a media type, parameter or header."""
    found: list[tuple[str, Any, Any]] = []

    def collect(where: str, holder: dict[str, Any]) -> None:
        schema = holder.get("schema")
        if "example" in holder:
            found.append((where, schema, holder["example"]))
        for name, example in holder.get("examples", {}).items():
            found.append((f"{where} examples.{name}", schema, deref(example)["value"]))

    components = DOCUMENT["components"]
    for name, body in components["requestBodies"].items():
        for media, holder in body["content"].items():
            collect(f"requestBodies.{name}.{media}", holder)
    for name, response in components["responses"].items():
        for media, holder in response.get("content", {}).items():
            collect(f"responses.{name}.{media}", holder)
    for name, parameter in components["parameters"].items():
        collect(f"parameters.{name}", parameter)
    for name, header in components["headers"].items():
        collect(f"headers.{name}", header)
    return found


def test_every_example_validates_against_its_schema() -> None:
    examples = _media_examples()
    assert len(examples) >= 15
    for where, schema, value in examples:
        validator = contract.schema_validator(schema)
        errors = [error.message for error in validator.iter_errors(value)]
        assert not errors, f"{where}: {errors}"


def test_every_component_is_referenced() -> None:
    refs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(DOCUMENT)
    for kind in ("schemas", "responses", "parameters", "headers", "examples", "requestBodies", "links"):
        for name in DOCUMENT["components"][kind]:
            assert f"#/components/{kind}/{name}" in refs, f"components.{kind}.{name} is never used"


def test_both_paths_describe_identical_operations() -> None:
    paths = DOCUMENT["paths"]
    main = copy.deepcopy(paths["/client/{client_id}/client/"])
    alias = copy.deepcopy(paths["/client/client_info/{client_id}/"])
    for item in (main, alias):
        for method in ("get", "put"):
            item[method].pop("operationId")
    assert main == alias


def test_four_operations_with_stable_ids() -> None:
    found = {
        (path, method): operation["operationId"]
        for path, item in DOCUMENT["paths"].items()
        if "servers" not in item  # the token endpoint, on the host's root (issue 12.3)
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert found == OPERATIONS


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_states_oauth2_security_and_documents_its_errors(path: str, method: str) -> None:
    operation = DOCUMENT["paths"][path][method]
    assert operation["security"] == [{"oauth2": []}]
    expected = {"200", "401", "403", "404", "429"} | ({"400", "413", "415"} if method == "put" else set())
    assert set(operation["responses"]) == expected
    for status, response in operation["responses"].items():
        response = deref(response)
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response["headers"])
        schema = deref(response["content"]["application/json"]["schema"])
        assert schema is SCHEMAS["Client"] if status == "200" else "message" in schema["required"]
    assert operation["description"].strip()


def test_error_statuses_are_the_documented_ones() -> None:
    assert set(SCHEMAS["ForbiddenError"]["properties"]["status"]["enum"]) == {
        "access_denied",
        "user_blocked",
        "user_access_type_deny",
        "app_access_type_deny",
    }
    assert SCHEMAS["NotFoundError"]["properties"]["status"]["const"] == "client_not_found"
    assert SCHEMAS["RateLimitError"]["properties"]["status"]["const"] == "rate_limit_exceeded"
    assert "field" in SCHEMAS["ValidationError"]["required"]


def test_security_scheme_is_client_credentials_on_the_host_root() -> None:
    scheme = DOCUMENT["components"]["securitySchemes"]["oauth2"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    assert DOCUMENT["security"] == [{"oauth2": []}]
    token_operation = DOCUMENT["paths"][scheme["flows"]["clientCredentials"]["tokenUrl"]]["post"]
    token = deref(token_operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(token["required"]) == {"access_token", "token_type", "expires_in", "scope"}


def test_servers_name_the_provider_host_as_a_variable() -> None:
    (server,) = DOCUMENT["servers"]
    assert server["url"] == "https://{hostname}/api/ver1.0"
    assert "hostname" in server["variables"]


def test_client_id_is_a_positive_integer_or_me() -> None:
    parameter = DOCUMENT["components"]["parameters"]["ClientId"]
    validator = contract.schema_validator(parameter["schema"])
    for good in (1, 1001, "@me"):
        assert validator.is_valid(good)
    for bad in (0, -5, "me", "@ME", 1.5, None):
        assert not validator.is_valid(bad)


def test_links_lead_from_each_get_to_each_put_and_back() -> None:
    ids = set(OPERATIONS.values())
    for (_, method), operation_id in OPERATIONS.items():
        operation = next(
            item[method] for item in DOCUMENT["paths"].values() if item[method]["operationId"] == operation_id
        )
        links = deref(operation["responses"]["200"])["links"]
        targets = {deref(link)["operationId"] for link in links.values()}
        opposite = {"get": "put", "put": "get"}[method]
        assert targets == {i for i in ids if i.startswith("get" if opposite == "get" else "update")}
        for link in links.values():
            assert deref(link)["parameters"] == {"client_id": "$response.body#/id"}
    assert ids

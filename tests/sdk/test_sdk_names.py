"""pbx_kit.sdk_names names things as openapi-python-client 0.29 does, so the README and the samples call what exists.

The kit writes the rule out (the emulator serves the reference, and needs no code generator); these tests hold it
to openapi-python-client's own `PythonIdentifier`, with the field prefix the generator's config gives it, on every
operationId and field of the contract and on names chosen to be awkward.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
import yaml
from openapi_python_client.config import ConfigFile
from openapi_python_client.strings import PythonIdentifier

from pbx_kit import contract, sdk_names

CONFIG = ConfigFile(**yaml.safe_load((files("pbx_generator") / "config.yaml").read_text(encoding="utf-8")))
AWKWARD = [
    "getClient",
    "getClientInfo",
    "GetClient",
    "getHTTPStatus",
    "HTTPServer",
    "getClientsByIDs",
    "ClientID",
    "camelCaseRunOfWords",
    "getClient2",
    "v2Clients",
    "2fa",
    "dial-rule-id",
    "did.as transfer",
    "client/{client_id}/",
    "already_snake_case",
    "x__y",
    "trailing_",
    "_private",
    "__dunder__",
    "type",
    "id",
    "list",
    "print",
    "self",
    "true",
    "None",
    "datetime",
    "class",
    "async",
    "match",
    "ключ",
    "émigré",
    "",
]


def test_the_field_prefix_is_the_generators() -> None:
    assert CONFIG.field_prefix == sdk_names.FIELD_PREFIX


@pytest.mark.parametrize("name", AWKWARD)
def test_an_awkward_name_is_named_as_openapi_python_client_names_it(name: str) -> None:
    expected = PythonIdentifier(name, prefix=CONFIG.field_prefix)
    assert sdk_names.method_name(name) == expected
    assert sdk_names.argument_name(name) == expected


def test_the_awkward_names_cover_the_rules_branches() -> None:
    # Keywords and builtins get `_`, `id` does not, a leading digit or underscore gets the prefix.
    named = {name: sdk_names.argument_name(name) for name in AWKWARD}
    assert named["type"] == "type_" and named["class"] == "class_" and named["id"] == "id"
    assert named["2fa"] == "field_2fa" and named["_private"] == "field_private"
    assert named["getHTTPStatus"] == "get_http_status" and named["camelCaseRunOfWords"] == "camel_case_run_of_words"


def test_every_operation_id_of_the_contract_is_named_as_openapi_python_client_names_it() -> None:
    operation_ids = [operation.operation_id for operation in contract.operations()]
    assert len(operation_ids) >= 4
    for operation_id in operation_ids:
        assert sdk_names.method_name(operation_id) == PythonIdentifier(operation_id, prefix=CONFIG.field_prefix)


def test_every_field_of_the_contract_is_named_as_openapi_python_client_names_it() -> None:
    fields = contract.writable_fields() | set(contract.schema_properties("Client"))
    assert "type" in fields
    for field in fields:
        assert sdk_names.argument_name(field) == PythonIdentifier(field, prefix=CONFIG.field_prefix), field


def test_the_sdks_update_method_takes_each_writable_field_by_its_name() -> None:
    import inspect

    import pbx_api

    parameters = inspect.signature(pbx_api.PbxClient.update_client).parameters
    for field in contract.writable_fields():
        assert parameters[sdk_names.argument_name(field)].kind is inspect.Parameter.KEYWORD_ONLY, field


def test_no_code_of_ours_names_sdk_methods_another_way() -> None:
    # One home: openapi-python-client's namer is imported by tests only, and no regex turns camelCase into snake_case.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pieces = ("kit", "emulator", "conformance", "generator", "spec_tools", "bench")
    other_homes = re.compile(r"PythonIdentifier|openapi_python_client\.strings|\(\?=\[A-Z\]\)\"\s*,\s*\"_\"")
    found = sorted(
        str(path.relative_to(root))
        for piece in pieces
        for path in (root / piece).rglob("*.py")
        if path.name != "sdk_names.py" and other_homes.search(path.read_text(encoding="utf-8"))
    )
    assert found == [], f"name SDK methods and arguments with pbx_kit.sdk_names instead: {found}"

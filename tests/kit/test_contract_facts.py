"""pbx_kit.contract: each fact read from openapi.yaml and the default seed, as every piece asks for it.

The expected values are the provider's documented ones (its base URL `https://<hostname>/api/ver1.0`, the token
endpoint `POST https://<hostname>/oauth/token`, one-hour tokens), the OpenAPI and JSON Pointer specifications', or
openapi.yaml's own text read here with PyYAML, never the kit's answer restated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pbx_kit import contract
from pbx_kit.formats import INTEGER_FORMATS

RAW = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8"))


def test_the_base_path_and_server_are_the_providers_documented_ones() -> None:
    assert contract.server_url() == "https://{hostname}/api/ver1.0"
    assert contract.api_base_path() == "/api/ver1.0"
    default_host = RAW["servers"][0]["variables"]["hostname"]["default"]
    assert contract.default_server_url(RAW["servers"][0]) == f"https://{default_host}/api/ver1.0"


@pytest.mark.parametrize(
    ("api_base_url", "token_url"),
    [
        ("https://pbx.example.com/api/ver1.0", "https://pbx.example.com/oauth/token"),
        ("https://pbx.example.com/api/ver1.0/", "https://pbx.example.com/oauth/token"),
        ("http://127.0.0.1:8000/api/ver1.0", "http://127.0.0.1:8000/oauth/token"),
        ("https://gw.example.com/pbx/api/ver1.0", "https://gw.example.com/oauth/token"),
    ],
)
def test_the_token_endpoint_is_on_the_hosts_root(api_base_url: str, token_url: str) -> None:
    # tokenUrl `/oauth/token` is relative to the served document, <base>/openapi.yaml: the host's root.
    assert contract.token_url(api_base_url) == token_url


def test_the_token_path_and_reference() -> None:
    assert contract.token_url_reference() == "/oauth/token"
    assert contract.token_path() == "/oauth/token"


def test_int64_fields_are_bounded_by_their_format() -> None:
    _, high = INTEGER_FORMATS["int64"]
    update = contract.validator("ClientUpdate")
    assert update.is_valid({"hold_music": high})
    error = update.first_error({"hold_music": high + 1})
    assert error is not None and error.keyword == "maximum" and error.path == ("hold_music",)
    assert error.where == "hold_music"
    assert not update.is_valid({"hold_music": 0}), "the contract's own minimum still applies"


def test_one_validator_reads_patterns_and_formats_as_schemathesis_does() -> None:
    update = contract.validator("ClientUpdate")
    assert not update.is_valid({"language": "en\n"}), "ECMA-262 `$` does not match before a final newline"
    assert not update.is_valid({"timezone": "Mars/Olympus"})
    assert update.is_valid({"timezone": "Europe/Vilnius"})
    for address in ("a..b@x", ".a@x", "a(b)@x"):
        assert not update.is_valid({"email": address}), address
    assert update.is_valid({"email": None})


def test_error_messages_come_from_the_documents_examples() -> None:
    examples = RAW["components"]["examples"]
    assert contract.error_message("ClientNotFound") == examples["ClientNotFound"]["value"]["message"]
    assert contract.error_message("ClientNotFound") == "Client not found."
    assert contract.example_value("TooLarge") == examples["TooLarge"]["value"]


def test_the_http_methods_are_the_path_item_fields_of_openapi_3_1() -> None:
    # OpenAPI 3.1.0, section 4.8.9 (Path Item Object): the fixed fields that hold an Operation Object.
    assert contract.HTTP_METHODS == ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def test_the_operations_under_the_base_url_and_the_token_endpoint_on_the_hosts_root() -> None:
    served = {(op.method.upper(), op.host_path): op.under_base_url for op in contract.operations()}
    assert served == {
        ("GET", "/api/ver1.0/client/{client_id}/client/"): True,
        ("PUT", "/api/ver1.0/client/{client_id}/client/"): True,
        ("GET", "/api/ver1.0/client/client_info/{client_id}/"): True,
        ("PUT", "/api/ver1.0/client/client_info/{client_id}/"): True,
        ("POST", "/oauth/token"): False,
    }
    assert [op.operation_id for op in contract.base_url_operations()] == [
        "getClient",
        "updateClient",
        "getClientInfo",
        "updateClientInfo",
    ]
    needing_a_token = {op.operation_id: op.needs_token(RAW) for op in contract.operations()}
    assert needing_a_token == {
        "getClient": True,
        "updateClient": True,
        "getClientInfo": True,
        "updateClientInfo": True,
        "requestToken": False,
    }


def test_an_operation_with_its_own_servers_on_the_operation_or_the_path_item() -> None:
    document = {
        "openapi": "3.1.0",
        "servers": [{"url": "https://{host}/base/", "variables": {"host": {"default": "h"}}}],
        "paths": {
            "/a": {"get": {"operationId": "a"}, "servers": [{"url": "https://h/other"}]},
            "/b": {"post": {"operationId": "b", "servers": [{"url": "https://h"}]}, "parameters": []},
            "/c": {"delete": {"operationId": "c"}},
        },
    }
    found = {op.operation_id: (op.under_base_url, op.host_path) for op in contract.operations_of(document)}
    assert found == {"a": (False, "/other/a"), "b": (False, "/b"), "c": (True, "/base/c")}


def test_the_body_size_limit_is_stated_once_in_the_413_response() -> None:
    limit = RAW["components"]["responses"]["PayloadTooLarge"]["x-max-body-bytes"]
    assert contract.max_body_bytes() == limit == 64 * 1024
    assert str(limit) in RAW["components"]["examples"]["TooLarge"]["value"]["message"], "the message names it"


@pytest.mark.parametrize(("lifetime", "margin"), [(3600, 30.0), (300, 30.0), (60, 6.0), (10, 1.0)])
def test_a_token_is_renewed_a_tenth_of_its_life_early_at_most_30_seconds(lifetime: int, margin: float) -> None:
    # 3600 s is the lifetime every example of the provider's token documentation shows.
    assert contract.token_renewal_margin(lifetime) == pytest.approx(margin)

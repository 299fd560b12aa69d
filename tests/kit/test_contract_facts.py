"""pbx_kit.contract: each fact read from openapi.yaml and the default seed, as every piece asks for it."""

from __future__ import annotations

import pytest

from pbx_kit import contract
from pbx_kit.formats import INTEGER_FORMATS


def test_the_base_path_and_server_come_from_the_first_server() -> None:
    assert contract.server_url() == contract.load_document()["servers"][0]["url"]
    assert contract.api_base_path() == "/api/ver1.0"


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
    assert contract.error_message("ClientNotFound") == contract.example_value("ClientNotFound")["message"]
    assert contract.error_message("ClientNotFound")


def test_demo_identities_come_from_the_default_seed() -> None:
    identities = contract.demo_identities()
    assert identities.main.access_level == "All" and not identities.main.blocked
    assert identities.readonly.access_level == "Call API"
    assert identities.readonly.client_id == identities.main.client_id
    assert identities.other.client_id != identities.main.client_id and identities.other.access_level == "All"
    assert contract.demo_application(identities.main.app_id) == identities.main
    with pytest.raises(KeyError):
        contract.demo_application("no-such-app")

"""The client resource over real HTTP: ids, access, partial updates, and the contract's error bodies."""

from __future__ import annotations

import httpx
import pytest

from pbx_emulator.testing import RunningEmulator
from pbx_kit import contract
from pbx_kit.contract import load_document, path_parameter_range, read_only_fields, schema_properties, validator
from tests.emulator.emulator_helpers import BLOCKED, OTHER, READONLY, api

PATHS = [path for path, item in load_document()["paths"].items() if "servers" not in item]  # not the token endpoint
INT64_MAX = path_parameter_range("client_id")[1]


def path_of(template: str, client_id: object) -> str:
    return template.format(client_id=client_id)


def assert_body_is(response: httpx.Response, schema_name: str) -> None:
    assert response.headers["content-type"].startswith("application/json")
    errors = [e.message for e in validator(schema_name).iter_errors(response.json())]
    assert errors == [], errors


@pytest.fixture(scope="module")
def token(shared_emulator: RunningEmulator) -> str:
    return shared_emulator.token()


@pytest.mark.parametrize("template", PATHS)
@pytest.mark.parametrize("client_id", ["@me", "%40me", 1001])
def test_own_client_is_returned_whole_with_nulls(
    shared_emulator: RunningEmulator, token: str, template: str, client_id: object
) -> None:
    with api(shared_emulator, token) as http:
        response = http.get(path_of(template, client_id))
    assert response.status_code == 200
    assert_body_is(response, "Client")
    client = response.json()
    assert set(client) == set(schema_properties("Client"))
    assert client["id"] == 1001
    assert client["name"] == "Acme Logistics"
    assert client["extra_params"] is None


def test_unset_fields_are_null_not_missing(shared_emulator: RunningEmulator) -> None:
    with api(shared_emulator, shared_emulator.token(OTHER.app_id)) as http:
        client = http.get(path_of(PATHS[0], "@me")).json()
    assert set(client) == set(schema_properties("Client"))
    assert client["id"] == 1002
    assert client["jur_address"] is None and client["domain_prefix"] is None


@pytest.mark.parametrize("template", PATHS)
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_another_clients_id_is_access_denied(
    shared_emulator: RunningEmulator, token: str, template: str, method: str
) -> None:
    with api(shared_emulator, token) as http:
        response = http.request(method, path_of(template, 1002), json={"name": "Hijacked"})
    assert response.status_code == 403
    assert_body_is(response, "ForbiddenError")
    assert response.json()["status"] == "access_denied"


@pytest.mark.parametrize("template", PATHS)
@pytest.mark.parametrize(
    "client_id",
    [
        *[999999, 0, -1, "abc", "me", "@you", "1001.0", "9223372036854775808", "١٠٠١"],
        # Past Python's int-conversion digit limit (4,300): still an id naming no client, never a 500.
        *["1" * 4301, "9" * 6000, "1001" + "0" * 5000],
    ],
    ids=lambda value: str(value) if len(str(value)) < 30 else f"{len(str(value))}-digits",
)
def test_an_id_naming_no_client_is_not_found(
    shared_emulator: RunningEmulator, token: str, template: str, client_id: object
) -> None:
    with api(shared_emulator, token) as http:
        response = http.get(path_of(template, client_id))
    assert response.status_code == 404
    assert_body_is(response, "NotFoundError")
    assert response.json()["status"] == "client_not_found"


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_blocked_client_is_refused_everything(shared_emulator: RunningEmulator, method: str) -> None:
    with api(shared_emulator, shared_emulator.token(BLOCKED.app_id)) as http:
        response = http.request(method, path_of(PATHS[0], "@me"), json={"name": "Unblocked"})
    assert response.status_code == 403
    assert_body_is(response, "ForbiddenError")
    assert response.json()["status"] == "user_blocked"


def test_a_call_api_application_may_read_but_not_write(shared_emulator: RunningEmulator) -> None:
    with api(shared_emulator, shared_emulator.token(READONLY.app_id)) as http:
        assert http.get(path_of(PATHS[0], "@me")).status_code == 200
        response = http.put(path_of(PATHS[0], "@me"), json={"name": "Changed"})
        assert response.status_code == 403
        assert_body_is(response, "ForbiddenError")
        assert response.json()["status"] == "app_access_type_deny"
        assert http.get(path_of(PATHS[0], "@me")).json()["name"] == "Acme Logistics"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic ZGVtbzpkZW1v"}, {"Authorization": "Bearer"}],
    ids=["missing", "unknown", "wrong-scheme", "empty"],
)
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_without_a_valid_token_the_answer_is_401_with_a_bearer_challenge(
    shared_emulator: RunningEmulator, headers: dict[str, str], method: str
) -> None:
    response = httpx.request(method, shared_emulator.api_url + path_of(PATHS[0], "@me"), headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert_body_is(response, "Error")


def test_an_expired_token_is_refused() -> None:
    import time

    from pbx_emulator.testing import running_emulator

    with running_emulator(token_lifetime=1) as server:
        token = server.token()
        with api(server, token) as http:
            assert http.get(path_of(PATHS[0], "@me")).status_code == 200
            time.sleep(1.2)
            response = http.get(path_of(PATHS[0], "@me"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_put_is_a_partial_update_visible_through_both_paths(emulator: RunningEmulator) -> None:
    with api(emulator, emulator.token()) as http:
        before = http.get(path_of(PATHS[0], "@me")).json()
        response = http.put(
            path_of(PATHS[1], 1001),
            json={"timezone": "Europe/Vilnius", "jur_address": None, "email": "new@acme.example"},
        )
        assert response.status_code == 200
        assert_body_is(response, "Client")
        expected = before | {"timezone": "Europe/Vilnius", "jur_address": None, "email": "new@acme.example"}
        assert response.json() == expected
        for template in PATHS:
            assert http.get(path_of(template, "@me")).json() == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b@c"}, "email"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"name": 5}, "name"),
        ({"type": "X"}, "type"),
        ({"language": "EN"}, "language"),
        ({"language": "en\n"}, "language"),  # ECMA-262 `$`: no match before a trailing newline
        ({"geo_list": "by ru"}, "geo_list"),
        ({"disk_space_notify_threshold": 101}, "disk_space_notify_threshold"),
        ({"hold_music": 0}, "hold_music"),
        ({"hold_music": True}, "hold_music"),
        ({"dial_rule_id": INT64_MAX + 1}, "dial_rule_id"),
        ({"name": "x" * 256}, "name"),
        ({"colour": "blue"}, "colour"),
        ({"name": "Fine", "timezone": "Nowhere/Else"}, "timezone"),
        ({"language": "xx1", "name": ""}, "language"),
    ],
)
def test_an_invalid_field_is_400_naming_it_and_nothing_changes(
    shared_emulator: RunningEmulator, token: str, body: dict[str, object], field: str
) -> None:
    with api(shared_emulator, token) as http:
        before = http.get(path_of(PATHS[0], "@me")).json()
        response = http.put(path_of(PATHS[0], "@me"), json=body)
        assert response.status_code == 400
        assert_body_is(response, "ValidationError")
        assert response.json()["field"] == field
        assert response.json()["message"].startswith(f"{field}: ")
        assert http.get(path_of(PATHS[0], "@me")).json() == before


@pytest.mark.parametrize("field", sorted(read_only_fields()))
def test_read_only_fields_are_rejected(shared_emulator: RunningEmulator, token: str, field: str) -> None:
    with api(shared_emulator, token) as http:
        current = http.get(path_of(PATHS[0], "@me")).json()
        response = http.put(path_of(PATHS[0], "@me"), json={"name": "Acme Logistics", field: current[field]})
    assert response.status_code == 400
    assert response.json() == {
        "message": f"{field}: the field is read-only",
        "status": "invalid_request",
        "field": field,
    }


@pytest.mark.parametrize(
    "content", [b"{", b"", b"   ", b"[]", b'"name"', b"null", b"{}", b'{"name": NaN}', b"\xff\xfe", b"[" * 100000]
)
def test_a_body_that_is_not_a_json_object_of_fields_is_400_with_field_null(
    shared_emulator: RunningEmulator, token: str, content: bytes
) -> None:
    with api(shared_emulator, token) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=content, headers={"Content-Type": "application/json"})
    if len(content) > contract.max_body_bytes():
        assert response.status_code == 413
        return
    assert response.status_code == 400
    assert_body_is(response, "ValidationError")
    assert response.json()["field"] is None


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (rb'{"name": "a\ud800"}', "name"),
        (rb'{"ambassadors": "x\udc00y"}', "ambassadors"),
        (rb'{"name": ["\ud800"]}', "name"),
        (rb'{"x\udc00": 1}', None),
        (b'{"name": ' + b"[" * 100 + rb'"\ud800"' + b"]" * 100 + b"}", "name"),
        (b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}", None),
    ],
    ids=["surrogate", "low-surrogate", "nested-surrogate", "surrogate-name", "deep", "too-deep"],
)
def test_text_that_cannot_be_stored_or_sent_back_is_400_and_the_client_stays_readable(
    shared_emulator: RunningEmulator, token: str, content: bytes, field: str | None
) -> None:
    with api(shared_emulator, token) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert_body_is(response, "ValidationError")
        assert response.json()["field"] == field
        assert http.get(path_of(PATHS[0], "@me")).status_code == 200


def test_unusual_but_valid_json_is_accepted(emulator: RunningEmulator) -> None:
    with api(emulator, emulator.token()) as http:
        for content, field, value in [
            (rb'{"name": "\u0000"}', "name", "\x00"),
            (rb'{"name": "\ud83d\ude00"}', "name", "\U0001f600"),
            (b'{"hold_music": 7.0}', "hold_music", 7),
        ]:
            response = http.put(path_of(PATHS[0], "@me"), content=content, headers={"Content-Type": "application/json"})
            assert response.status_code == 200, content
            assert response.json()[field] == value
            assert http.get(path_of(PATHS[0], "@me")).json()[field] == value


@pytest.mark.parametrize(
    ("content", "field", "value"),
    [(b'{"hold_music": 2.0}', "hold_music", 2), (b'{"dial_rule_id": 1.2e1}', "dial_rule_id", 12)],
)
def test_a_whole_number_written_as_a_float_is_stored_as_the_integer_the_contract_says(
    emulator: RunningEmulator, content: bytes, field: str, value: int
) -> None:
    # The contract's decision (ClientUpdate): a JSON number with no fractional part is that integer.
    with api(emulator, emulator.token()) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        assert f'"{field}":{value},' in response.text or f'"{field}":{value}}}' in response.text
        stored = http.get(path_of(PATHS[0], "@me")).json()[field]
    assert stored == value and type(stored) is int


@pytest.mark.parametrize(
    ("content", "content_type", "problem"),
    [
        (b'{"language": "TOOLONG", "language": "de"}', "application/json", "more than once"),
        (b'{"name": "first", "name": "last"}', "application/json", "more than once"),
        (b'{"name": {"a": 1, "a": 2}}', "application/json", "more than once"),
        (b'{"name": "Acme"}', "application/json; charset=latin-1", "UTF-8"),
        ('{"name": "Acmé"}'.encode("latin-1"), "application/json; charset=iso-8859-1", "UTF-8"),
        ('{"name": "Acmé"}'.encode("latin-1"), "application/json", "UTF-8"),
        ('{"name": "Acme"}'.encode("utf-16"), "application/json", "UTF-8"),
        ('{"name": "Acme"}'.encode("utf-16-le"), "application/json", "UTF-8"),
        ('{"name": "Acme"}'.encode("utf-16-be"), "application/json; charset=utf-16", "UTF-8"),
        ('{"name": "Acme"}'.encode("utf-32"), "application/json", "UTF-8"),
        ('{"name": "Acme"}'.encode("utf-8-sig"), "application/json", "byte order mark"),
    ],
    ids=[
        "duplicate-language",
        "duplicate-name",
        "nested-duplicate",
        "charset-latin-1",
        "latin-1-bytes-declared",
        "latin-1-bytes",
        "utf-16-bom",
        "utf-16-le",
        "utf-16-be-declared",
        "utf-32",
        "utf-8-bom",
    ],
)
def test_a_body_json_parsers_disagree_on_is_400_naming_the_problem_and_nothing_changes(
    shared_emulator: RunningEmulator, token: str, content: bytes, content_type: str, problem: str
) -> None:
    with api(shared_emulator, token) as http:
        before = http.get(path_of(PATHS[0], "@me")).json()
        response = http.put(path_of(PATHS[0], "@me"), content=content, headers={"Content-Type": content_type})
        assert response.status_code == 400, response.text
        assert_body_is(response, "ValidationError")
        assert problem in response.json()["message"]
        assert http.get(path_of(PATHS[0], "@me")).json() == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
def test_a_body_that_is_not_json_typed_is_415(
    shared_emulator: RunningEmulator, token: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    with api(shared_emulator, token) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=b'{"name": "X"}', headers=headers)
    assert response.status_code == 415
    assert_body_is(response, "Error")


def test_json_with_a_charset_is_accepted(emulator: RunningEmulator) -> None:
    with api(emulator, emulator.token()) as http:
        response = http.put(
            path_of(PATHS[0], "@me"),
            content='{"name": "Acme Лоджистикс"}'.encode(),
            headers={"Content-Type": "Application/JSON; charset=utf-8"},
        )
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Лоджистикс"


def test_a_body_over_the_limit_is_413_even_when_not_json_typed(shared_emulator: RunningEmulator, token: str) -> None:
    big = b'{"extra_params": "' + b"x" * contract.max_body_bytes() + b'"}'
    with api(shared_emulator, token) as http:
        assert (
            http.put(path_of(PATHS[0], "@me"), content=big, headers={"Content-Type": "application/json"}).status_code
            == 413
        )
        response = http.put(path_of(PATHS[0], "@me"), content=big, headers={"Content-Type": "text/plain"})
    assert response.status_code == 413
    assert_body_is(response, "Error")


def test_a_chunked_body_over_the_limit_is_413(shared_emulator: RunningEmulator, token: str) -> None:
    def chunks():
        yield b'{"extra_params": "'
        for _ in range(contract.max_body_bytes() // 1024 + 6):
            yield b"x" * 1024
        yield b'"}'

    with api(shared_emulator, token) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_body_of_exactly_the_limit_is_read(emulator: RunningEmulator) -> None:
    prefix, suffix = b'{"extra_params": "', b'"}'
    body = prefix + b"x" * (contract.max_body_bytes() - len(prefix) - len(suffix)) + suffix
    with api(emulator, emulator.token()) as http:
        response = http.put(path_of(PATHS[0], "@me"), content=body, headers={"Content-Type": "application/json"})
    # 4096 characters is the field's limit: the body is read and validated, not refused for size.
    assert response.status_code == 400
    assert response.json()["field"] == "extra_params"


def test_authentication_comes_before_the_body_checks(shared_emulator: RunningEmulator) -> None:
    response = httpx.put(
        shared_emulator.api_url + path_of(PATHS[0], "@me"),
        content=b"x" * 100000,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("template", PATHS)
def test_an_unsupported_method_is_405_with_allow(
    shared_emulator: RunningEmulator, token: str, method: str, template: str
) -> None:
    with api(shared_emulator, token) as http:
        response = http.request(method, path_of(template, "@me"))
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "PUT"} <= allowed and method not in allowed
    assert_body_is(response, "Error")


@pytest.mark.parametrize("path", ["/client/@me/client", "/client/", "/nothing/here/", "/client/@me/client/extra/"])
def test_an_unknown_path_is_404_in_the_error_shape(shared_emulator: RunningEmulator, token: str, path: str) -> None:
    with api(shared_emulator, token) as http:
        response = http.get(path)
    assert response.status_code == 404
    assert_body_is(response, "Error")


def test_head_answers_like_get_without_a_body(shared_emulator: RunningEmulator, token: str) -> None:
    with api(shared_emulator, token) as http:
        response = http.head(path_of(PATHS[0], "@me"))
    assert response.status_code == 200
    assert response.content == b""

"""Each fault breaks the contract exactly as documented; without it, the same probe sees a faithful server.

A probe returns True when it sees its fault's symptom. Every probe runs against the faulty emulator
(True expected) and against a faithful one (False expected), so no probe passes trivially.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pbx_emulator.faults import FAULTS
from pbx_emulator.testing import RunningEmulator, running_emulator
from pbx_emulator.throwaway_postgres import PostgresServer
from tests.emulator.emulator_helpers import MAIN, READONLY, api, bearer

ME = "/client/@me/client/"
ALIAS_ME = "/client/client_info/@me/"


def missing_field(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        return "email" not in http.get(ME).json() and "email" not in http.put(ME, json={"name": "N"}).json()


def wrong_type(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        return http.get(ME).json()["id"] == "1001"


def no_auth(server: RunningEmulator) -> bool:
    without = httpx.get(server.api_url + ME)
    invalid = httpx.get(server.api_url + ME, headers=bearer("forged"))
    return without.status_code == invalid.status_code == 200 and without.json()["id"] == 1001


def leak_other_client(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        response = http.get("/client/1002/client/")
    return response.status_code == 200 and response.json()["name"] == "Birch Dental"


def put_not_stored(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        answered = http.put(ME, json={"name": "Stored?"})
        return (
            answered.status_code == 200
            and answered.json()["name"] == "Stored?"
            and http.get(ME).json()["name"] != "Stored?"
        )


def read_only_writable(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        answered = http.put(ME, json={"prefix": "7777"})
        return answered.status_code == 200 and http.get(ME).json()["prefix"] == "7777"


def stale_alias(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        assert http.put(ME, json={"name": "Renamed"}).status_code == 200
        return http.get(ME).json()["name"] == "Renamed" and http.get(ALIAS_ME).json()["name"] == "Acme Logistics"


def me_wrong_client(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        return http.get(ME).json()["id"] == 1002


def validation_422(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        response = http.put(ME, json={"timezone": "Mars/Olympus"})
    return response.status_code == 422 and response.json()["field"] == "timezone"


def wrong_content_type(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        return http.get(ME).headers["content-type"].startswith("text/plain")


def call_api_can_write(server: RunningEmulator) -> bool:
    with api(server, server.token(READONLY.app_id)) as http:
        return http.put(ME, json={"name": "Written by Call API"}).status_code == 200


def no_rate_limit_headers(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        return not any(h.lower().startswith("x-ratelimit-") for h in http.get(ME).headers)


def invalid_put_partially_applied(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        response = http.put(ME, json={"name": "Half", "timezone": "Mars/Olympus"})
        return response.status_code == 400 and http.get(ME).json()["name"] == "Half"


def token_ignores_secret(server: RunningEmulator) -> bool:
    response = httpx.post(
        server.token_url, data={"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": "wrong"}
    )
    return response.status_code == 200


EMOJI_NAME = "Acme \U0001f4de \U00010330"  # a telephone emoji and a Gothic letter, both outside the BMP


def non_bmp_replaced(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        answered = http.put(ME, json={"name": EMOJI_NAME})
        return answered.json()["name"] == EMOJI_NAME and http.get(ME).json()["name"] == "Acme ? ?"


def lost_concurrent_writes(server: RunningEmulator) -> bool:
    """Four PUTs of four different fields sent at the same moment: True when a later read lacks one of them."""
    changes = {name: f"concurrent {name}" for name in ("ambassadors", "contact_phones", "fact_address", "jur_address")}
    token = server.token()
    barrier = threading.Barrier(len(changes))

    def put(name: str) -> int:
        with api(server, token) as http:
            barrier.wait(10)
            return http.put(ME, json={name: changes[name]}).status_code

    with ThreadPoolExecutor(len(changes)) as pool:
        assert set(pool.map(put, changes)) == {200}
    with api(server, token) as http:
        client = http.get(ME).json()
    return any(client[name] != value for name, value in changes.items())


def unlocked_read_modify_write(server: RunningEmulator) -> bool:
    return lost_concurrent_writes(server)


def normalising_validator(server: RunningEmulator) -> bool:
    near_misses = {"language": "EN", "geo_list": "by ru", "hold_music": "7", "disk_space_notify_threshold": 101}
    with api(server, server.token()) as http:
        taken = [http.put(ME, json={name: value}).status_code == 200 for name, value in near_misses.items()]
        client = http.get(ME).json()
    stored = (client["language"], client["geo_list"], client["hold_music"], client["disk_space_notify_threshold"])
    return all(taken) and stored == ("en", "BY RU", 7, 100)


def call_api_cannot_read(server: RunningEmulator) -> bool:
    with api(server, server.token(READONLY.app_id)) as http:
        alias = http.get(ALIAS_ME)
        return http.get(ME).status_code == 200 and alias.status_code == 403


def bearer_case_sensitive(server: RunningEmulator) -> bool:
    token = server.token()
    lower = httpx.get(server.api_url + ME, headers={"Authorization": f"bearer {token}"})
    exact = httpx.get(server.api_url + ME, headers={"Authorization": f"Bearer {token}"})
    return lower.status_code == 401 and exact.status_code == 200


def json_media_type_exact(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        body = b'{"name": "Charset"}'
        with_charset = http.put(ME, content=body, headers={"Content-Type": "application/json; charset=utf-8"})
        plain = http.put(ME, content=body, headers={"Content-Type": "application/json"})
    return with_charset.status_code == 415 and plain.status_code == 200


def token_refuses_scope(server: RunningEmulator) -> bool:
    form = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
    with_scope = httpx.post(server.token_url, data={**form, "scope": "all"})
    return with_scope.status_code == 400 and with_scope.json()["error"] == "invalid_scope"


def token_cacheable(server: RunningEmulator) -> bool:
    form = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
    response = httpx.post(server.token_url, data=form)
    return response.status_code == 200 and "cache-control" not in response.headers and "pragma" not in response.headers


def json_escapes_misread(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        escaped = json.dumps({"name": EMOJI_NAME}, ensure_ascii=True).encode()
        answered = http.put(ME, content=escaped, headers={"Content-Type": "application/json"})
        return answered.status_code == 200 and http.get(ME).json()["name"] == "Acme \ufffd \ufffd"


def whole_number_float_refused(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        response = http.put(ME, json={"hold_music": 8.0})
    return response.status_code == 400 and response.json()["field"] == "hold_music"


def undocumented_method_404(server: RunningEmulator) -> bool:
    with api(server, server.token()) as http:
        responses = [http.request(method, ME) for method in ("POST", "DELETE", "PATCH")]
    return all(response.status_code == 404 and "allow" not in response.headers for response in responses)


PROBES: dict[str, Callable[[RunningEmulator], bool]] = {name: globals()[name.replace("-", "_")] for name in FAULTS}


def test_every_fault_has_a_probe_and_a_one_line_description() -> None:
    assert len(FAULTS) >= 10
    assert all(description and "\n" not in description for description in FAULTS.values())
    assert set(PROBES) == set(FAULTS)


@pytest.fixture(scope="module")
def faithful() -> Iterator[RunningEmulator]:
    with running_emulator() as server:
        yield server


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_fault_shows_its_symptom(fault: str) -> None:
    with running_emulator(faults=[fault]) as server:
        assert PROBES[fault](server)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faithful_emulator_does_not_show_the_symptom(fault: str) -> None:
    # A fresh server per probe: some probes change state that another probe reads.
    with running_emulator() as server:
        assert not PROBES[fault](server)


def test_an_unknown_fault_is_refused_with_a_clear_message() -> None:
    with pytest.raises(RuntimeError, match="invalid choice"), running_emulator(faults=["no-such-fault"]):
        pass


@pytest.mark.slow
@pytest.mark.parametrize("fault", [None, "unlocked-read-modify-write"])
def test_concurrent_puts_lose_a_write_on_postgresql_only_with_the_unlocked_fault(
    fault: str | None, postgres: PostgresServer, pg_url: str
) -> None:
    """The PostgreSQL store's PUT locks the client's row; the fault's read-modify-write goes around that lock, on two
    workers as on one."""
    faults = [fault] if fault else []
    with running_emulator(db_path=pg_url, faults=faults, extra_args=["--workers", "2", "--quiet"]) as server:
        assert lost_concurrent_writes(server) is (fault is not None)

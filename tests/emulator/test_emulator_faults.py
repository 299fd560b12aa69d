"""Each fault breaks the contract exactly as documented; without it, the same probe sees a faithful server.

A probe returns True when it sees its fault's symptom. Every probe runs against the faulty emulator
(True expected) and against a faithful one (False expected), so no probe passes trivially.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from pbx_emulator.faults import FAULTS
from pbx_emulator.testing import RunningEmulator, running_emulator
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

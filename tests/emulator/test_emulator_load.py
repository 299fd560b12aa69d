"""A bounded load test: many connections mixing GET and PUT for a few seconds.

Zero 5xx, and the final state equals the last acknowledged PUT. Client 1001's writes go one at a time
(whichever connection holds its lock), so its "last acknowledged" is well defined; client 1002's writes
race freely from every connection, each setting two fields to the same tag, so a half-applied change
would show as two different tags in some answer or in the final state.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from pbx_emulator.testing import running_emulator
from tests.emulator.emulator_helpers import OTHER

DURATION = 4.0  # seconds of load
CONNECTIONS = 24
MAX_REQUESTS = 20000  # a bound on the total, whatever the speed
ORDERED, RACING = 1001, 1002


@pytest.mark.slow
def test_mixed_load_has_no_server_errors_and_keeps_the_last_acknowledged_put(tmp_path: Path) -> None:
    with running_emulator(db_path=tmp_path / "load.sqlite3", extra_args=["--quiet"]) as server:
        tokens = {ORDERED: server.token(), RACING: server.token(OTHER.app_id)}
        result = asyncio.run(_load(server.api_url, tokens))
        finals = {
            client_id: httpx.get(
                server.api_url + f"/client/{client_id}/client/", headers={"Authorization": f"Bearer {token}"}
            ).json()
            for client_id, token in tokens.items()
        }
    statuses = result["statuses"]
    assert sum(statuses.values()) > 200, statuses  # the load really ran
    assert set(statuses) == {200}, statuses  # no 5xx, and no other error either
    last = result["last_ordered_put"]
    assert {k: finals[ORDERED][k] for k in last} == last
    assert result["incoherent_answers"] == []
    racing = finals[RACING]
    assert racing["fact_address"] == racing["jur_address"]
    assert racing["fact_address"] in result["acknowledged_racing_tags"]


async def _load(api_url: str, tokens: dict[int, str]) -> dict[str, object]:
    statuses: dict[int, int] = {}
    last_ordered_put: dict[str, str] = {}
    acknowledged_racing_tags: set[str] = set()
    incoherent: list[dict[str, object]] = []
    ordered_lock = asyncio.Lock()
    sent = 0

    async def connection(number: int) -> None:
        nonlocal sent
        async with (
            httpx.AsyncClient(base_url=api_url, headers=_bearer(tokens[ORDERED]), timeout=10.0) as ordered,
            httpx.AsyncClient(base_url=api_url, headers=_bearer(tokens[RACING]), timeout=10.0) as racing,
        ):
            # The load's seconds start once this connection's clients exist: making an httpx client loads the
            # CA bundle (~0.1 s each on a busy 2-core machine), which ate the whole duration before.
            deadline = time.monotonic() + DURATION
            n = 0
            while time.monotonic() < deadline and sent < MAX_REQUESTS:
                sent += 1
                n += 1
                path = "/client/@me/client/" if n % 2 else "/client/client_info/@me/"
                if n % 4 == 0:
                    body = {"fact_address": f"conn {number} write {n}", "geo_list": "BY" if n % 8 else "RU"}
                    async with ordered_lock:
                        response = await ordered.put(path, json=body)
                        if response.status_code == 200:
                            last_ordered_put.clear()
                            last_ordered_put.update(body)
                elif n % 4 == 2:
                    tag = f"conn {number} write {n}"
                    response = await racing.put(path, json={"fact_address": tag, "jur_address": tag})
                    if response.status_code == 200:
                        acknowledged_racing_tags.add(tag)
                        _check_coherent(response.json(), incoherent)
                else:
                    response = await (ordered if n % 3 else racing).get(path)
                    if response.status_code == 200 and response.json()["id"] == RACING:
                        _check_coherent(response.json(), incoherent)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    await asyncio.gather(*(connection(n) for n in range(CONNECTIONS)))
    return {
        "statuses": statuses,
        "last_ordered_put": last_ordered_put,
        "acknowledged_racing_tags": acknowledged_racing_tags,
        "incoherent_answers": incoherent,
    }


def _check_coherent(client: dict[str, object], incoherent: list[dict[str, object]]) -> None:
    # Before the first racing write both fields hold their seed value (null); after, one write's tag.
    if client["fact_address"] != client["jur_address"]:
        incoherent.append(client)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

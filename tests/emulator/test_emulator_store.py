"""Durability and concurrency: an acknowledged PUT survives SIGKILL; concurrent PUTs lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from pbx_emulator.testing import running_emulator
from tests.emulator.emulator_helpers import api


def test_an_acknowledged_put_survives_sigkill_and_restart(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    with running_emulator(db_path=db) as server:
        with api(server, server.token()) as http:
            response = http.put("/client/@me/client/", json={"timezone": "Asia/Tokyo", "name": "Acme After Crash"})
            assert response.status_code == 200
        server.kill()
    assert db.exists()
    with running_emulator(db_path=db) as server, api(server, server.token()) as http:
        client = http.get("/client/client_info/@me/").json()
    assert client["timezone"] == "Asia/Tokyo" and client["name"] == "Acme After Crash"


def test_an_existing_store_is_not_reseeded(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    with running_emulator(db_path=db) as server, api(server, server.token()) as http:
        assert http.put("/client/@me/client/", json={"language": "de"}).status_code == 200
    with running_emulator(db_path=db) as server, api(server, server.token()) as http:
        assert http.get("/client/@me/client/").json()["language"] == "de"


def test_concurrent_puts_never_lose_an_update(tmp_path: Path) -> None:
    """Threads each own a field and write it repeatedly: at the end every field holds its last value."""
    fields = [
        "ambassadors",
        "contact_phones",
        "fact_address",
        "jur_address",
        "extra_params",
        "did_as_transfer_caller_id",
    ]
    rounds = 25
    with running_emulator(db_path=tmp_path / "state.sqlite3") as server:
        token = server.token()
        failures: list[str] = []

        def writer(field: str) -> None:
            with api(server, token) as http:
                for n in range(rounds):
                    response = http.put("/client/@me/client/", json={field: f"{field}-{n}"})
                    if response.status_code != 200 or response.json()[field] != f"{field}-{n}":
                        failures.append(f"{field} {n}: {response.status_code}")

        threads = [threading.Thread(target=writer, args=(field,)) for field in fields]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert failures == []
        with api(server, token) as http:
            client = http.get("/client/@me/client/").json()
        assert {field: client[field] for field in fields} == {field: f"{field}-{rounds - 1}" for field in fields}


def test_in_memory_store_starts_from_the_seed_each_time() -> None:
    for _ in range(2):
        with running_emulator() as server:
            headers = {"Authorization": f"Bearer {server.token()}"}
            url = server.api_url + "/client/@me/client/"
            assert httpx.get(url, headers=headers).json()["name"] == "Acme Logistics"
            assert httpx.put(url, headers=headers, json={"name": "Changed"}).status_code == 200


def test_a_second_emulator_on_the_same_store_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    with (
        running_emulator(db_path=db),
        pytest.raises(RuntimeError, match="in use by another emulator"),
        running_emulator(db_path=db),
    ):
        pass


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "not-sqlite.db"
    db.write_text("plain text")
    with pytest.raises(RuntimeError, match="not a usable SQLite store"), running_emulator(db_path=db):
        pass

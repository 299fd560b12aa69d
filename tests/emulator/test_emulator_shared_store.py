"""Two workers on one PostgreSQL (`--workers 2 --db postgresql://...`) serve one sandbox: nothing one worker does is
unseen, lost or counted twice by the other, no tenant reaches another, and nothing acknowledged is lost when
every worker is killed at once."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

import httpx
import pytest

from pbx_emulator.testing import RunningEmulator, running_emulator
from tests.emulator.emulator_helpers import MAIN, OTHER, bearer
from tests.emulator.workers_helpers import WORKERS, on_every_worker

pytestmark = pytest.mark.slow

ME = "/client/@me/client/"
WORKER_ARGS = ["--workers", str(WORKERS), "--quiet"]


def serving(pg_url: str, *extra: str, rate_limit: int | None = None) -> AbstractContextManager[RunningEmulator]:
    """The emulator with two workers on the test's database."""
    return running_emulator(db_path=pg_url, rate_limit=rate_limit, extra_args=[*WORKER_ARGS, *extra])


def run_threads(count: int, work: Callable[[int], None]) -> None:
    """`work(0)` ... `work(count - 1)` at once, each in its own thread; a failure in any fails the test."""
    barrier = threading.Barrier(count)

    def started(index: int) -> None:
        barrier.wait(30)
        work(index)

    with ThreadPoolExecutor(count) as pool:
        for future in [pool.submit(started, index) for index in range(count)]:
            future.result(timeout=300)


def test_a_token_one_worker_issued_is_accepted_by_every_worker(pg_url: str) -> None:
    with serving(pg_url) as server, on_every_worker(server) as workers:
        for issuer, (client,) in workers.items():
            grant = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
            issued = client.post(server.token_url, data=grant)
            assert server.answered_by(issued) == issuer
            token = issued.json()["access_token"]
            for worker, (other,) in workers.items():
                answer = other.get(ME, headers=bearer(token))
                assert (server.answered_by(answer), answer.status_code) == (worker, 200)


def test_a_put_on_one_worker_is_what_the_next_get_on_another_sees(pg_url: str) -> None:
    with serving(pg_url) as server:
        token = server.token()
        with on_every_worker(server, token) as workers:
            (first,), (second,) = workers.values()
            for n in range(20):
                writer, reader = (first, second) if n % 2 else (second, first)
                put = writer.put(ME, json={"name": f"Acme {n}", "language": "de" if n % 2 else "fr"})
                got = reader.get("/client/client_info/@me/")
                assert put.status_code == 200 and server.answered_by(put) != server.answered_by(got)
                assert (got.json()["name"], got.json()["language"]) == (f"Acme {n}", "de" if n % 2 else "fr")


FIELDS = ["ambassadors", "contact_phones", "fact_address", "jur_address", "extra_params", "did_as_transfer_caller_id"]


def test_concurrent_partial_puts_of_different_fields_through_different_workers_all_survive(pg_url: str) -> None:
    threads, rounds = 8, 50
    fields = [*FIELDS, "email", "disk_space_notify_email"][:threads]
    values = {"email": "w{n}@acme.example", "disk_space_notify_email": "n{n}@acme.example"}
    with serving(pg_url) as server:
        token = server.token()
        with on_every_worker(server, token, per_worker=threads // WORKERS) as workers:
            clients = [client for held in workers.values() for client in held]
            acknowledged: list[str] = []
            served_by: set[int] = set()

            def writer(index: int) -> None:
                field, http = fields[index], clients[index]
                for n in range(rounds):
                    value = values.get(field, f"{field}-{{n}}").format(n=n)
                    answer = http.put(ME, json={field: value})
                    assert answer.status_code == 200 and answer.json()[field] == value, answer.text
                    acknowledged.append(field)
                served_by.add(server.answered_by(answer))  # still the worker it was pinned to

            run_threads(threads, writer)
            final = clients[0].get(ME).json()
    assert len(acknowledged) == threads * rounds
    assert served_by == set(workers)  # every worker wrote
    lost = {f: final[f] for f in fields if final[f] != values.get(f, f"{f}-{{n}}").format(n=rounds - 1)}
    assert lost == {}  # 0 lost updates: each field holds the last value its thread sent


def test_concurrent_puts_of_the_same_fields_end_as_one_of_them_never_a_mix(pg_url: str) -> None:
    threads, rounds = 8, 25
    with serving(pg_url) as server:
        token = server.token()
        with on_every_worker(server, token, per_worker=threads // WORKERS) as workers:
            clients = [client for held in workers.values() for client in held]

            def writer(index: int) -> None:
                for n in range(rounds):
                    value = f"writer {index} round {n}"
                    answer = clients[index].put(ME, json={"fact_address": value, "jur_address": value})
                    assert answer.status_code == 200 and answer.json()["fact_address"] == answer.json()["jur_address"]

            run_threads(threads, writer)
            final = clients[0].get(ME).json()
    sent = {f"writer {index} round {n}" for index in range(threads) for n in range(rounds)}
    assert final["fact_address"] in sent
    assert final["jur_address"] == final["fact_address"]  # both fields from one PUT


def test_rate_limit_remaining_counts_every_call_once_across_workers(pg_url: str) -> None:
    limit, threads = 1000, 8
    with serving(pg_url, rate_limit=limit) as server:
        token = server.token()
        with on_every_worker(server, token, per_worker=threads // WORKERS) as workers:
            clients = [client for held in workers.values() for client in held]
            remaining: list[int] = []
            served_by: set[int] = set()

            def caller(index: int) -> None:
                for _ in range(limit // threads):
                    answer = clients[index].get(ME)
                    assert answer.status_code == 200, answer.text
                    remaining.append(int(answer.headers["x-ratelimit-remaining"]))
                served_by.add(server.answered_by(answer))  # still the worker it was pinned to

            run_threads(threads, caller)
            past = [client.get(ME) for client in clients]
    assert len(remaining) == limit and served_by == set(workers)
    assert sorted(remaining) == list(range(limit))  # all distinct: each call counted exactly once
    assert {answer.status_code for answer in past} == {429}  # the call past the limit, on every worker
    assert {answer.headers["x-ratelimit-remaining"] for answer in past} == {"0"}


def test_failed_token_requests_are_counted_across_workers(pg_url: str) -> None:
    limit = 4
    wrong = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": "guess"}
    with serving(pg_url, "--token-failure-limit", str(limit)) as server, on_every_worker(server) as workers:
        clients = itertools.cycle([held[0] for held in workers.values()])
        statuses = [next(clients).post(server.token_url, data=wrong).status_code for _ in range(limit + 2)]
    assert statuses == [401] * limit + [429, 429]


def test_one_applications_token_limit_holds_across_workers(pg_url: str) -> None:
    cap, rounds = 3, 10
    grant = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
    with (
        serving(pg_url, "--max-tokens-per-app", str(cap)) as server,
        on_every_worker(server, per_worker=4) as workers,
    ):
        clients = [client for held in workers.values() for client in held]
        tokens: list[str] = []
        live_after_each_round = []
        for _ in range(rounds):  # each round's requests all at once, half on each worker

            def fetch(index: int) -> None:
                tokens.append(clients[index].post(server.token_url, data=grant).json()["access_token"])

            run_threads(len(clients), fetch)
            live = [token for token in tokens if clients[0].get(ME, headers=bearer(token)).status_code == 200]
            live_after_each_round.append(len(live))
        other = clients[-1].get(ME, headers=bearer(server.token(OTHER.app_id)))
    assert len(tokens) == rounds * len(clients)
    assert live_after_each_round == [cap] * rounds  # never more than the cap, whichever worker issued them
    assert other.status_code == 200  # another application's tokens are its own


def add_tenant(db: str) -> dict[str, object]:
    command = [sys.executable, "-m", "pbx_emulator", "tenant", "add", "--db", db, "--json"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 0, finished.stderr
    tenant: dict[str, object] = json.loads(finished.stdout)
    return tenant


def test_tenants_never_read_or_write_each_other_under_mixed_load_through_every_worker(pg_url: str) -> None:
    tenants = [add_tenant(pg_url) for _ in range(4)]
    ids = [int(str(tenant["client_id"])) for tenant in tenants]
    with serving(pg_url) as server:
        tokens = []
        for tenant in tenants:
            (main,) = [a for a in tenant["applications"] if a["access_level"] == "All"]  # type: ignore[attr-defined]
            tokens.append(server.token(main["app_id"], main["app_secret"]))
        with on_every_worker(server, per_worker=len(ids)) as workers:
            clients = [client for held in workers.values() for client in held]
            crossed: list[str] = []

            def load(index: int) -> None:
                own, token = ids[index], tokens[index]
                mine = [held[index] for held in workers.values()]  # this thread's own connection to each worker
                for n in range(30):
                    http = mine[n % len(mine)]
                    marker = f"tenant {own} write {n}"
                    put = http.put(ME, json={"fact_address": marker}, headers=bearer(token))
                    if put.status_code != 200 or put.json()["id"] != own:
                        crossed.append(f"{own} PUT @me: {put.status_code}")
                    got = http.get(f"/client/{own}/client/", headers=bearer(token)).json()
                    if got["id"] != own or not str(got["fact_address"]).startswith(f"tenant {own} "):
                        crossed.append(f"{own} read {got['id']} {got['fact_address']}")
                    other = ids[(index + 1 + n % (len(ids) - 1)) % len(ids)]  # any tenant but its own
                    for answer in (
                        http.get(f"/client/{other}/client/", headers=bearer(token)),
                        http.put(f"/client/client_info/{other}/", json={"fact_address": marker}, headers=bearer(token)),
                    ):
                        if answer.status_code != 403:
                            crossed.append(f"{own} reached {other}: {answer.status_code}")

            run_threads(len(ids), load)
            finals = {client_id: clients[0].get(f"/client/{client_id}/client/", headers=bearer(token)).json()
                      for client_id, token in zip(ids, tokens, strict=True)}  # fmt: skip
    assert crossed == []
    assert all(str(final["fact_address"]).startswith(f"tenant {cid} ") for cid, final in finals.items())


def test_every_acknowledged_put_survives_sigkill_of_all_workers(pg_url: str) -> None:
    threads = 4
    acknowledged: dict[str, int] = {}
    stop = threading.Event()
    with serving(pg_url) as server:
        token = server.token()
        with on_every_worker(server, token, per_worker=threads // WORKERS) as workers:
            clients = [client for held in workers.values() for client in held]

            def writer(index: int) -> None:
                field = FIELDS[index]
                for n in itertools.count():
                    if stop.is_set():
                        return
                    try:
                        answer = clients[index].put(ME, json={field: str(n)})
                    except httpx.TransportError:
                        return  # killed mid-request: not acknowledged
                    if answer.status_code == 200:
                        acknowledged[field] = n

            pool = ThreadPoolExecutor(threads)
            futures = [pool.submit(writer, index) for index in range(threads)]
            deadline = time.monotonic() + 60
            while min(acknowledged.get(FIELDS[i], -1) for i in range(threads)) < 20:
                assert time.monotonic() < deadline and not any(f.done() for f in futures), acknowledged
                time.sleep(0.05)
            server.kill()  # every worker and the supervisor, at once, while PUTs are in flight
            stop.set()
            for future in futures:
                future.result(timeout=60)
            pool.shutdown()
    with (
        running_emulator(db_path=pg_url, extra_args=WORKER_ARGS) as restarted,
        httpx.Client(base_url=restarted.api_url, headers=bearer(restarted.token())) as http,
    ):
        stored = http.get(ME).json()
    assert len(acknowledged) == threads
    # A PUT in flight at the kill may have been stored without its answer: a field holds its last
    # acknowledged value or a later one, never an earlier.
    assert {f: int(stored[f]) >= n for f, n in acknowledged.items()} == dict.fromkeys(acknowledged, True)

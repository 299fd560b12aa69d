"""Opening a PostgreSQL store: made and seeded once however many start at once; a database that cannot be had is
one line and exit status 2, never a traceback, and never shows the password. `--workers` needs such a store."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pbx_emulator.defaults import SEED_PATH
from pbx_emulator.postgres_store import SCHEMA_VERSION, PostgresStore
from pbx_emulator.testing import running_emulator
from pbx_emulator.throwaway_postgres import PostgresServer
from pbx_kit.seed import load_seed


def serve(db: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pbx_emulator", "serve", "--port", "1", "--db", db, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def assert_one_line(finished: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert finished.returncode == 2, finished.stdout + finished.stderr
    assert "Traceback" not in finished.stderr
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1 and all(text in lines[0] for text in expected), finished.stderr


def test_an_unreachable_database_is_one_line_and_exit_2(postgres: PostgresServer) -> None:
    assert_one_line(serve("postgresql://postgres@127.0.0.1:1/none"), "Connection refused")
    assert_one_line(serve(f"postgresql:///none?host={postgres.folder}/nowhere"), "No such file or directory")


def test_a_refused_login_is_one_line_and_exit_2_and_never_shows_the_password(postgres: PostgresServer) -> None:
    finished = serve(postgres.tcp_url(password="not-the-password"))
    assert_one_line(finished, "password authentication failed")
    assert "not-the-password" not in finished.stdout + finished.stderr
    assert_one_line(serve(postgres.url("no_such_database")), "no_such_database", "does not exist")


def test_a_schema_of_another_version_is_refused_and_left_alone(postgres: PostgresServer, pg_url: str) -> None:
    PostgresStore(pg_url, load_seed(SEED_PATH)).close()
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    postgres.execute(database, "UPDATE pbx_emulator.schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    assert_one_line(serve(pg_url), f"schema version {SCHEMA_VERSION + 1}", f"uses version {SCHEMA_VERSION}")
    assert postgres.execute(database, "SELECT version FROM pbx_emulator.schema_version") == [(SCHEMA_VERSION + 1,)]


def test_stores_opened_at_once_on_a_new_database_make_and_seed_it_once(postgres: PostgresServer, pg_url: str) -> None:
    opened: list[PostgresStore] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def open_store() -> None:
        barrier.wait(30)
        try:
            opened.append(PostgresStore(pg_url, load_seed(SEED_PATH)))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for store in opened:
        store.close()
    assert failures == [] and len(opened) == 8
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    assert postgres.execute(database, "SELECT count(*) FROM pbx_emulator.clients") == [(3,)]
    assert postgres.execute(database, "SELECT count(*) FROM pbx_emulator.schema_version") == [(1,)]


def test_workers_starting_together_share_one_seeded_store(postgres: PostgresServer, pg_url: str) -> None:
    with running_emulator(db_path=pg_url, extra_args=["--workers", "3"]) as server:
        assert "(3 workers)" in server.log()
        token = server.token()
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    assert postgres.execute(database, "SELECT count(*) FROM pbx_emulator.applications") == [(4,)]
    assert token


def test_the_banner_never_shows_the_databases_password(postgres: PostgresServer, pg_url: str) -> None:
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    with running_emulator(db_path=postgres.tcp_url(database)) as server:
        log = server.log()
    assert postgres.password not in log and "postgres:***@127.0.0.1" in log


@pytest.mark.parametrize("db", [":memory:", "store.sqlite3"])
def test_more_than_one_worker_on_sqlite_is_refused_with_one_line(tmp_path: Path, db: str) -> None:
    finished = serve(str(tmp_path / db) if db != ":memory:" else db, "--workers", "2")
    assert_one_line(finished, "--workers 2 needs a PostgreSQL store", "SQLite")
    assert not (tmp_path / db).exists()  # refused before anything is opened

"""The emulator's state in PostgreSQL, for a sandbox that several workers (on one host or more) serve at once.

Everything workers must agree on lives in the database, in the schema `pbx_emulator`: clients and their
applications, live tokens (hashed: the database never holds a token that works), and the counts behind the
hourly rate limit and the failed-token-request limit. No worker keeps a copy: every read asks the database, so a
PUT answered by one worker is what the next GET on any other worker sees.

- A PUT is one transaction that locks the client's row (`SELECT ... FOR UPDATE`), merges the changes and writes
  the whole client back: concurrent PUTs of different fields all survive, and PUTs of the same fields end as one
  of them. The client is stored as JSON text, not jsonb: jsonb cannot hold `\\u0000`, which a valid string may.
- A count is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, atomic in the database: every call of a client
  is counted exactly once whichever worker serves it.
- A token request locks its application's row, so one application's limit of live tokens holds across workers.
- Creating the schema and seeding run under a transaction-scoped advisory lock: workers starting at once
  wait for the first, then find the store made. A store of another schema version is refused, never altered.

psycopg 3 with a pool (psycopg_pool) per process; each call takes a connection for one statement or one
transaction. Calls are made from the event loop's thread, as the SQLite store's are: a request waits for its
round trips, and a worker's throughput is bounded by them (see docs/emulator-shared-sandbox.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from pbx_emulator.rate_limit import client_key, failure_key
from pbx_emulator.store import RATE, TOKEN_FAILURES, ClientState, StoreError, describe
from pbx_kit.seed import Application, SeedClient

SCHEMA_VERSION = 1
# Any fixed number names the lock that schema creation and tenant ids are given out under ('pbx_emu').
SETUP_LOCK = 0x7062785F656D75
CONNECT_TIMEOUT = 5  # seconds, for the first connection and each one the pool opens
POOL_SIZE = 4  # connections per process: calls come from one thread, so one is busy at a time, rarely two

_TABLES = (
    """CREATE TABLE pbx_emulator.clients (
        id bigint PRIMARY KEY,
        blocked boolean NOT NULL,
        data text NOT NULL,
        created_blocked boolean NOT NULL,
        created_data text NOT NULL
    )""",
    """CREATE TABLE pbx_emulator.applications (
        app_id text PRIMARY KEY,
        app_secret text NOT NULL,
        client_id bigint NOT NULL REFERENCES pbx_emulator.clients (id) ON DELETE CASCADE,
        access_level text NOT NULL,
        added bigserial NOT NULL
    )""",
    "CREATE INDEX ON pbx_emulator.applications (client_id, added)",
    """CREATE TABLE pbx_emulator.tokens (
        token_hash bytea PRIMARY KEY,
        app_id text NOT NULL REFERENCES pbx_emulator.applications (app_id) ON DELETE CASCADE,
        issued bigserial NOT NULL,
        expires_at timestamptz NOT NULL
    )""",
    "CREATE INDEX ON pbx_emulator.tokens (app_id, issued)",
    """CREATE UNLOGGED TABLE pbx_emulator.counts (
        kind text NOT NULL,
        key text NOT NULL,
        period bigint NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (kind, key, period)
    )""",
)
_APPLICATION = "SELECT app_id, app_secret, client_id, access_level FROM pbx_emulator.applications"


def one_line(error: BaseException, url: str) -> str:
    """A database error as one line, without the URL's password."""
    text = "; ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__
    password = psycopg.conninfo.conninfo_to_dict(url).get("password") if _parses(url) else None
    return text.replace(str(password), "***") if password else text


def _parses(url: str) -> bool:
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return False
    return True


class PostgresStore:
    def __init__(self, url: str, seed: Iterable[SeedClient]) -> None:
        self._url = url
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as connection:
                _set_up(connection, seed, describe(url))
        except psycopg.Error as error:
            raise StoreError(f"{describe(url)}: {one_line(error, url)}") from None
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            open=True,
            name="pbx-emulator",
        )

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection() as connection:
            yield connection

    def close(self) -> None:
        self._pool.close()

    def _one(self, query: str, params: Sequence[Any]) -> Any:
        with self._connection() as connection:
            return connection.execute(query, params).fetchone()

    def application(self, app_id: str) -> Application | None:
        row = self._one(f"{_APPLICATION} WHERE app_id = %s", (app_id,))
        return Application(*row) if row else None

    def applications(self) -> list[Application]:
        with self._connection() as connection:
            rows = connection.execute(f"{_APPLICATION} ORDER BY client_id, added").fetchall()
        return [Application(*row) for row in rows]

    def client_ids(self) -> list[int]:
        with self._connection() as connection:
            return [row[0] for row in connection.execute("SELECT id FROM pbx_emulator.clients ORDER BY id")]

    def client(self, client_id: int) -> dict[str, Any] | None:
        row = self._one("SELECT data FROM pbx_emulator.clients WHERE id = %s", (client_id,))
        return None if row is None else _loads(row[0])

    def is_blocked(self, client_id: int) -> bool:
        row = self._one("SELECT blocked FROM pbx_emulator.clients WHERE id = %s", (client_id,))
        return bool(row and row[0])

    def client_state(self, client_id: int) -> ClientState | None:
        row = self._one("SELECT data, blocked FROM pbx_emulator.clients WHERE id = %s", (client_id,))
        return None if row is None else ClientState(_loads(row[0]), bool(row[1]))

    def clients(self) -> dict[int, dict[str, Any]]:
        with self._connection() as connection:
            rows = connection.execute("SELECT id, data FROM pbx_emulator.clients").fetchall()
        return {row[0]: _loads(row[1]) for row in rows}

    def update_client(self, client_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        with self._connection() as connection, connection.transaction():
            row = connection.execute(
                "SELECT data FROM pbx_emulator.clients WHERE id = %s FOR UPDATE", (client_id,)
            ).fetchone()
            if row is None:
                return None
            client = _loads(row[0]) | dict(changes)
            connection.execute(
                "UPDATE pbx_emulator.clients SET data = %s WHERE id = %s", (json.dumps(client), client_id)
            )
        return client

    def tokens(self, max_per_application: int) -> PostgresTokens:
        return PostgresTokens(self._connection, max_per_application)

    def counts(self, kind: str) -> PostgresCounts:
        return PostgresCounts(self._connection, kind)

    # --- tenants ----------------------------------------------------------------------------------------------

    def add_client(self, make: Callable[[int], SeedClient]) -> SeedClient:
        with self._connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))  # one id for each adder
            found = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM pbx_emulator.clients").fetchone()
            next_id = int(found[0]) if found else 1
            entry = make(next_id)
            try:
                _insert(connection, entry)
            except psycopg.errors.UniqueViolation:
                raise StoreError(f"an App ID of client {next_id} is in the store already") from None
        return entry

    def reset_client(self, client_id: int) -> None:
        with self._connection() as connection, connection.transaction():
            reset = connection.execute(
                "UPDATE pbx_emulator.clients SET data = created_data, blocked = created_blocked WHERE id = %s "
                "RETURNING id",
                (client_id,),
            ).fetchone()
            if reset is None:
                raise StoreError(f"the store has no client {client_id}")
            connection.execute(
                "DELETE FROM pbx_emulator.tokens WHERE app_id IN "
                "(SELECT app_id FROM pbx_emulator.applications WHERE client_id = %s)",
                (client_id,),
            )
            _forget_counts(connection, client_id)

    def remove_client(self, client_id: int) -> None:
        with self._connection() as connection, connection.transaction():
            _forget_counts(connection, client_id)
            removed = connection.execute(
                "DELETE FROM pbx_emulator.clients WHERE id = %s RETURNING id", (client_id,)
            ).fetchone()  # its applications and their tokens go with it (ON DELETE CASCADE)
            if removed is None:
                raise StoreError(f"the store has no client {client_id}")


def _loads(text: str) -> dict[str, Any]:
    client: dict[str, Any] = json.loads(text)
    return client


def _set_up(connection: psycopg.Connection[Any], seed: Iterable[SeedClient], where: str) -> None:
    """Create the schema and seed it, unless it is there; refuse a schema of another version."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))  # workers starting at once: in turn
        connection.execute("CREATE SCHEMA IF NOT EXISTS pbx_emulator")
        connection.execute("CREATE TABLE IF NOT EXISTS pbx_emulator.schema_version (version integer NOT NULL)")
        found = connection.execute("SELECT version FROM pbx_emulator.schema_version").fetchone()
        if found is None:
            for statement in _TABLES:
                connection.execute(statement)
            connection.execute("INSERT INTO pbx_emulator.schema_version VALUES (%s)", (SCHEMA_VERSION,))
        elif found[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{where} holds an emulator store of schema version {found[0]}; this emulator uses version "
                f"{SCHEMA_VERSION} (use another database, or drop the schema pbx_emulator)"
            )
        if connection.execute("SELECT NOT EXISTS (SELECT 1 FROM pbx_emulator.clients)").fetchone() == (True,):
            for entry in seed:
                _insert(connection, entry)


def _insert(connection: psycopg.Connection[Any], entry: SeedClient) -> None:
    data = json.dumps(entry.client)
    connection.execute(
        "INSERT INTO pbx_emulator.clients (id, blocked, data, created_blocked, created_data) "
        "VALUES (%s, %s, %s, %s, %s)",
        (entry.client["id"], entry.blocked, data, entry.blocked, data),
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO pbx_emulator.applications (app_id, app_secret, client_id, access_level) "
            "VALUES (%s, %s, %s, %s)",
            [(a.app_id, a.app_secret, a.client_id, a.access_level) for a in entry.applications],
        )


def _forget_counts(connection: psycopg.Connection[Any], client_id: int) -> None:
    """Drop the client's rate-limit counts and its applications' failed-token-request counts."""
    app_ids = [
        row[0]
        for row in connection.execute("SELECT app_id FROM pbx_emulator.applications WHERE client_id = %s", (client_id,))
    ]
    connection.execute(
        "DELETE FROM pbx_emulator.counts WHERE (kind = %s AND key = %s) OR (kind = %s AND key = ANY(%s))",
        (RATE, client_key(client_id), TOKEN_FAILURES, [failure_key(("app", app_id)) for app_id in app_ids]),
    )


Connect = Callable[[], Any]  # the store's `_connection`: a context manager giving a pooled connection


class PostgresTokens:
    """Live tokens in the database, by their SHA-256: a token issued by one worker is accepted by every worker."""

    def __init__(self, connect: Connect, max_per_application: int) -> None:
        self._connect = connect
        self._max_per_application = max_per_application

    @property
    def live_tokens(self) -> int:
        with self._connect() as connection:
            row = connection.execute("SELECT count(*) FROM pbx_emulator.tokens WHERE expires_at > now()").fetchone()
        return int(row[0])

    def find(self, token: str) -> Application | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT a.app_id, a.app_secret, a.client_id, a.access_level "
                "FROM pbx_emulator.tokens t JOIN pbx_emulator.applications a USING (app_id) "
                "WHERE t.token_hash = %s AND t.expires_at > now()",
                (_digest(token),),
            ).fetchone()
        return Application(*row) if row else None

    def keep(self, token: str, application: Application, lifetime: int) -> None:
        app_id = application.app_id
        with self._connect() as connection, connection.transaction():
            # One application's token requests one at a time, across workers: its limit holds.
            connection.execute("SELECT 1 FROM pbx_emulator.applications WHERE app_id = %s FOR UPDATE", (app_id,))
            connection.execute("DELETE FROM pbx_emulator.tokens WHERE app_id = %s AND expires_at <= now()", (app_id,))
            connection.execute(
                "INSERT INTO pbx_emulator.tokens (token_hash, app_id, expires_at) "
                "VALUES (%s, %s, now() + make_interval(secs => %s))",
                (_digest(token), app_id, lifetime),
            )
            connection.execute(
                "DELETE FROM pbx_emulator.tokens WHERE token_hash IN (SELECT token_hash FROM pbx_emulator.tokens "
                "WHERE app_id = %s ORDER BY issued DESC OFFSET %s)",
                (app_id, self._max_per_application),
            )


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class PostgresCounts:
    """Counts of one kind in the database; each process drops the windows that have passed when it first sees a
    new one."""

    def __init__(self, connect: Connect, kind: str) -> None:
        self._connect = connect
        self._kind = kind
        self._window = -1  # the newest window this process has counted in

    def _roll(self, connection: psycopg.Connection[Any], window: int) -> None:
        if window > self._window:
            connection.execute("DELETE FROM pbx_emulator.counts WHERE kind = %s AND period < %s", (self._kind, window))
            self._window = window

    def add(self, window: int, keys: Sequence[str]) -> list[int]:
        with self._connect() as connection:
            self._roll(connection, window)
            if len(keys) == 1:  # a call of a client: the hot path, one statement
                row = connection.execute(
                    "INSERT INTO pbx_emulator.counts AS c (kind, key, period, n) VALUES (%s, %s, %s, 1) "
                    "ON CONFLICT (kind, key, period) DO UPDATE SET n = c.n + 1 RETURNING n",
                    (self._kind, keys[0], window),
                ).fetchone()
                return [int(row[0])]
            rows = connection.execute(
                "INSERT INTO pbx_emulator.counts AS c (kind, key, period, n) "
                "SELECT %s, key, %s, 1 FROM unnest(%s::text[]) AS key "
                "ON CONFLICT (kind, key, period) DO UPDATE SET n = c.n + 1 RETURNING key, n",
                (self._kind, window, list(keys)),
            ).fetchall()
        counted = {key: int(n) for key, n in rows}
        return [counted[key] for key in keys]

    def highest(self, window: int, keys: Sequence[str]) -> int:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT coalesce(max(n), 0) FROM pbx_emulator.counts WHERE kind = %s AND period = %s AND key = ANY(%s)",
                (self._kind, window, list(keys)),
            ).fetchone()
        return int(row[0])

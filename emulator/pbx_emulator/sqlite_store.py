"""The emulator's state in SQLite: clients (as JSON documents) and applications. The default store.

One connection, used from the event loop's thread only: every write is a short transaction, so concurrent
PUTs are serialised and none is lost. Reads are served from a copy of the clients kept in memory and
replaced only after a commit, so no reader sees a half-applied change. WAL mode with
synchronous=NORMAL: a commit is in the WAL file before the answer is sent, so it survives the process
being killed (not a power cut, which an emulator need not survive). Tokens and counts live in this process's
memory: one process serves a SQLite store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pbx_emulator.auth import MemoryTokens
from pbx_emulator.defaults import MEMORY
from pbx_emulator.rate_limit import MemoryCounts
from pbx_emulator.store import ClientState, StoreError
from pbx_kit.seed import Application, SeedClient

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY,
    blocked INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
    app_id TEXT PRIMARY KEY,
    app_secret TEXT NOT NULL,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    access_level TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS created_clients (
    id INTEGER PRIMARY KEY REFERENCES clients(id),
    blocked INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""


class SqliteStore:
    def __init__(self, path: str | Path, seed: Iterable[SeedClient]) -> None:
        path = str(path)
        try:
            if path != MEMORY:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are opened explicitly where a change spans statements.
            self._db = sqlite3.connect(path, isolation_level=None, timeout=0.5)
            # One emulator per file: reads come from this process's memory, so a second writer would go unseen.
            self._db.execute("PRAGMA locking_mode=EXCLUSIVE")
            if path != MEMORY:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            if self._db.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 0:
                with self._transaction():
                    for entry in seed:
                        self._insert(entry)
        except sqlite3.OperationalError as error:
            self._close_quietly()
            if "locked" in str(error):
                raise StoreError(f"{path} is in use by another emulator (one emulator per store file)") from error
            raise StoreError(f"{path}: {error}") from error
        except sqlite3.DatabaseError as error:
            self._close_quietly()
            raise StoreError(f"{path} is not a usable SQLite store: {error}") from error
        except BaseException:
            self._close_quietly()  # start-up abandoned (a signal): the store is not left open
            raise
        rows = self._db.execute("SELECT id, blocked, data FROM clients").fetchall()
        self._clients: dict[int, dict[str, Any]] = {row[0]: json.loads(row[2]) for row in rows}
        self._blocked = frozenset(row[0] for row in rows if row[1])

    def _close_quietly(self) -> None:
        if hasattr(self, "_db"):
            self._db.close()

    def _insert(self, entry: SeedClient) -> None:
        row = (entry.client["id"], int(entry.blocked), json.dumps(entry.client))
        self._db.execute("INSERT INTO clients (id, blocked, data) VALUES (?, ?, ?)", row)
        self._db.execute("INSERT INTO created_clients (id, blocked, data) VALUES (?, ?, ?)", row)
        self._db.executemany(
            "INSERT INTO applications VALUES (?, ?, ?, ?)",
            [(a.app_id, a.app_secret, a.client_id, a.access_level) for a in entry.applications],
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def application(self, app_id: str) -> Application | None:
        row = self._db.execute(
            "SELECT app_id, app_secret, client_id, access_level FROM applications WHERE app_id = ?", (app_id,)
        ).fetchone()
        return Application(*row) if row else None

    def applications(self) -> list[Application]:
        rows = self._db.execute(
            "SELECT app_id, app_secret, client_id, access_level FROM applications ORDER BY client_id, rowid"
        )
        return [Application(*row) for row in rows]

    def client_ids(self) -> list[int]:
        return sorted(self._clients)

    def client(self, client_id: int) -> dict[str, Any] | None:
        return self._clients.get(client_id)

    def is_blocked(self, client_id: int) -> bool:
        return client_id in self._blocked

    def client_state(self, client_id: int) -> ClientState | None:
        client = self._clients.get(client_id)
        return None if client is None else ClientState(client, client_id in self._blocked)

    def clients(self) -> dict[int, dict[str, Any]]:
        return dict(self._clients)

    def update_client(self, client_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        current = self._clients.get(client_id)
        if current is None:
            return None
        client = current | dict(changes)
        with self._transaction():
            self._db.execute("UPDATE clients SET data = ? WHERE id = ?", (json.dumps(client), client_id))
        self._clients[client_id] = client  # only once committed
        return client

    def tokens(self, max_per_application: int) -> MemoryTokens:
        return MemoryTokens(max_per_application)

    def counts(self, kind: str) -> MemoryCounts:
        return MemoryCounts()

    # --- tenants ----------------------------------------------------------------------------------------------

    def add_client(self, make: Callable[[int], SeedClient]) -> SeedClient:
        entry = make(max(self._clients, default=0) + 1)  # one writer: the file is this process's alone
        try:
            with self._transaction():
                self._insert(entry)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"client {entry.client['id']} or one of its App IDs is in the store already") from error
        self._clients[entry.client["id"]] = entry.client
        self._blocked = self._blocked | {entry.client["id"]} if entry.blocked else self._blocked
        return entry

    def reset_client(self, client_id: int) -> None:
        self._known(client_id)
        created = self._db.execute("SELECT blocked, data FROM created_clients WHERE id = ?", (client_id,)).fetchone()
        if created is None:
            raise StoreError(f"the store has no record of client {client_id} as it was created")
        with self._transaction():
            self._db.execute("UPDATE clients SET blocked = ?, data = ? WHERE id = ?", (*created, client_id))
        self._clients[client_id] = json.loads(created[1])
        self._blocked = (self._blocked | {client_id}) if created[0] else (self._blocked - {client_id})

    def remove_client(self, client_id: int) -> None:
        self._known(client_id)
        with self._transaction():
            for table, column in (("applications", "client_id"), ("created_clients", "id"), ("clients", "id")):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (client_id,))
        del self._clients[client_id]
        self._blocked = self._blocked - {client_id}

    def _known(self, client_id: int) -> None:
        if client_id not in self._clients:
            raise StoreError(f"the store has no client {client_id}")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises: no half-applied change."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")

"""The emulator's state in SQLite: clients (as JSON documents) and applications.

One connection, used from the event loop's thread only: every write is a short transaction, so concurrent
PUTs are serialised and none is lost. Reads are served from a copy of the clients kept in memory and
replaced only after a commit, so no reader sees a half-applied change. WAL mode with
synchronous=NORMAL: a commit is in the WAL file before the answer is sent, so it survives the process
being killed (not a power cut, which an emulator need not survive).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pbx_emulator.defaults import MEMORY
from pbx_emulator.seed import Application, SeedClient

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
"""


class StoreError(Exception):
    """The store cannot be opened; the message says why."""


class Store:
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
                self._load(seed)
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

    def _load(self, seed: Iterable[SeedClient]) -> None:
        with self._transaction():
            for entry in seed:
                self._db.execute(
                    "INSERT INTO clients (id, blocked, data) VALUES (?, ?, ?)",
                    (entry.client["id"], int(entry.blocked), json.dumps(entry.client)),
                )
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
        """The client as last committed (treat it as read-only: a change replaces it)."""
        return self._clients.get(client_id)

    def is_blocked(self, client_id: int) -> bool:
        return client_id in self._blocked

    def clients(self) -> dict[int, dict[str, Any]]:
        return dict(self._clients)

    def update_client(self, client_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """Apply `changes` to the client in one transaction; the client as stored after it, or None if unknown."""
        current = self._clients.get(client_id)
        if current is None:
            return None
        client = current | dict(changes)
        with self._transaction():
            self._db.execute("UPDATE clients SET data = ? WHERE id = ?", (json.dumps(client), client_id))
        self._clients[client_id] = client  # only once committed
        return client


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises: no half-applied change."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")

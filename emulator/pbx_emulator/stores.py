"""Opening the store a `--db` names: a PostgreSQL URL (the shared store), else a SQLite file or `:memory:`.

Kept apart from `store` (the interface every store implements), so the implementations import the interface and
nothing imports back: psycopg is loaded only when a PostgreSQL store is opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pbx_emulator.sqlite_store import SqliteStore
from pbx_emulator.store import Store, is_postgres
from pbx_kit.seed import SeedClient


def open_store(db: str | Path, seed: Iterable[SeedClient]) -> Store:
    """The store `db` names (a PostgreSQL URL, else a SQLite file or `:memory:`), created and seeded if new."""
    if is_postgres(db):
        from pbx_emulator.postgres_store import PostgresStore  # psycopg is loaded only for a PostgreSQL store

        return PostgresStore(str(db), seed)
    return SqliteStore(db, seed)

"""The emulator's store: what every store offers, and which one `--db` names.

Two stores hold the same state behind one face (`Store`):
- SQLite (`sqlite_store`), the default: one process, a file or memory; tokens and counters in that process's
  memory. One developer, `make conformance`.
- PostgreSQL (`postgres_store`), for `--db postgresql://...`: every piece of state workers must agree on (clients,
  applications, tokens, rate-limit and failed-token-request counts) in the database, so several workers, on one
  host or more, serve one sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit, urlunsplit

from pbx_emulator.auth import TokenKeeper
from pbx_emulator.rate_limit import WindowCounts
from pbx_kit.seed import Application, SeedClient

POSTGRES_SCHEMES = ("postgresql", "postgres")
# The kinds of counts a store keeps (`Store.counts`).
RATE = "rate"
TOKEN_FAILURES = "token-failures"


class StoreError(Exception):
    """The store cannot be opened or cannot do what was asked; the message says why, in one line."""


class ClientState(NamedTuple):
    client: dict[str, Any]  # as last committed (treat it as read-only: a change replaces it)
    blocked: bool


class Store(Protocol):
    """Clients (as JSON documents), their applications, and where tokens and counts are kept."""

    def close(self) -> None: ...

    def application(self, app_id: str) -> Application | None: ...

    def applications(self) -> list[Application]:
        """Every application, by client and then in the order they were added."""
        ...

    def client_ids(self) -> list[int]: ...

    def client(self, client_id: int) -> dict[str, Any] | None:
        """The client as last committed (treat it as read-only: a change replaces it)."""
        ...

    def is_blocked(self, client_id: int) -> bool: ...

    def client_state(self, client_id: int) -> ClientState | None:
        """The client and whether it is blocked, read together; None if unknown."""
        ...

    def clients(self) -> dict[int, dict[str, Any]]: ...

    def update_client(self, client_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """Apply `changes` to the client at once (all or nothing); the client after it, or None if unknown."""
        ...

    def tokens(self, max_per_application: int) -> TokenKeeper:
        """Where this store's live tokens are kept."""
        ...

    def counts(self, kind: str) -> WindowCounts:
        """Where this store's counts of a kind (`RATE`, `TOKEN_FAILURES`) are kept."""
        ...

    # --- tenants: clients added, reset and removed while the sandbox runs --------------------------------------

    def add_client(self, make: Callable[[int], SeedClient]) -> SeedClient:
        """Add the client `make` builds for the next free id, with its applications, remembered as created (for
        `reset_client`); the client added. Ids are given out one at a time, whoever else adds clients."""
        ...

    def reset_client(self, client_id: int) -> None:
        """Put the client back as it was created: its data and blocked flag; its tokens and counts dropped."""
        ...

    def remove_client(self, client_id: int) -> None:
        """Remove the client, its applications and their tokens."""
        ...


def is_postgres(db: str | Path) -> bool:
    return urlsplit(str(db)).scheme in POSTGRES_SCHEMES


def describe(db: str | Path) -> str:
    """`db` as it may be shown: a PostgreSQL URL's password replaced by `***`."""
    text = str(db)
    if not is_postgres(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    user_info, _, host = parts.netloc.rpartition("@")
    user = user_info.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))

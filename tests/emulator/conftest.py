"""Fixtures for the emulator's tests: real servers on loopback, started and stopped here."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from pbx_emulator.testing import RunningEmulator, running_emulator
from pbx_emulator.throwaway_postgres import PostgresServer, throwaway_postgres


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[RunningEmulator]:
    """One emulator for a module's read-only tests (tests that change state start their own)."""
    with running_emulator() as server:
        yield server


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh emulator, default seed, in-memory store."""
    with running_emulator() as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the session's shared-store tests (Debian's binaries; `make postgresql`)."""
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """A new, empty database of its own for the test; its URL."""
    return postgres.create_database(f"t{next(_databases)}")


_databases = itertools.count(1)

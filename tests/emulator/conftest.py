"""Fixtures for the emulator's tests: real servers on loopback, started and stopped here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pbx_emulator.testing import RunningEmulator, running_emulator


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

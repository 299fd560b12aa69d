"""Fixtures for the SDK's tests: the emulator over loopback, shared by the session, and a client factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import pbx_api
from pbx_emulator.testing import RunningEmulator, running_emulator

from .sdk_helpers import DEMO


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as server:
        yield server


@pytest.fixture
def connect(emulator: RunningEmulator) -> Iterator[Callable[..., pbx_api.PbxClient]]:
    """PbxClient factory on the shared emulator, closed after the test."""
    made: list[pbx_api.PbxClient] = []

    def make(credentials: dict[str, str] = DEMO, **options: object) -> pbx_api.PbxClient:
        client = pbx_api.PbxClient.from_credentials(base_url=emulator.api_url, **credentials, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()

"""Run with no server named, the suite tests the project's own emulator with the default seed's applications.

The suite's one import of the emulator, through its public face `pbx_emulator.testing`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace

from pbx_conformance.settings import Credentials, Settings
from pbx_emulator.testing import demo_identities, running_emulator
from pbx_kit.seed import DemoApplication


def _credentials(application: DemoApplication) -> Credentials:
    return Credentials(application.app_id, application.app_secret)


# The default seed's demo applications, as the emulator's face reads them from its bundled seed.
DEMO = _credentials(demo_identities().main)
DEMO_OTHER = _credentials(demo_identities().other)
DEMO_READONLY = _credentials(demo_identities().readonly)


@contextlib.contextmanager
def emulator_settings(settings: Settings) -> Iterator[Settings]:
    """The emulator on a free loopback port with a fresh in-memory store, until the block ends."""
    with running_emulator() as server:
        yield replace(
            settings,
            base_url=server.api_url,
            token_url=server.token_url,
            main=DEMO,
            other=settings.other or DEMO_OTHER,
            readonly=settings.readonly or DEMO_READONLY,
        )

"""Helpers of the emulator's tests (a module of its own: `conftest` is ambiguous across test folders)."""

from __future__ import annotations

import httpx

from pbx_emulator.testing import RunningEmulator, demo_applications, demo_identities
from pbx_kit.contract import api_base_path, token_path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api(server: RunningEmulator, token: str | None = None) -> httpx.Client:
    """An httpx client on the server's API base URL, with the token if given."""
    return httpx.Client(base_url=server.api_url, headers=bearer(token) if token else {}, timeout=10.0)


# The default seed's demo applications and the contract's paths, as pbx_kit.contract reads them.
IDENTITIES = demo_identities()
MAIN, READONLY, OTHER = IDENTITIES.main, IDENTITIES.readonly, IDENTITIES.other
BLOCKED = next(application for application in demo_applications() if application.blocked)
API_BASE = api_base_path()
TOKEN_PATH = token_path()

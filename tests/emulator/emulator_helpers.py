"""Helpers of the emulator's tests (a module of its own: `conftest` is ambiguous across test folders)."""

from __future__ import annotations

import httpx

from pbx_emulator.testing import RunningEmulator


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api(server: RunningEmulator, token: str | None = None) -> httpx.Client:
    """An httpx client on the server's API base URL, with the token if given."""
    return httpx.Client(base_url=server.api_url, headers=bearer(token) if token else {}, timeout=10.0)

"""The token store is bounded: expired tokens are forgotten as they expire, and one application holds at
most a fixed number of live tokens (the oldest are revoked first)."""

from __future__ import annotations

import pytest

from pbx_emulator.auth import TokenIssuer
from pbx_emulator.errors import Unauthorized
from pbx_kit.seed import Application

FORM = "application/x-www-form-urlencoded"
APPS = {
    name: Application(name, f"{name}-secret", client_id, "All")
    for client_id, name in enumerate(["first-app", "second-app"], start=1)
}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def issue(issuer: TokenIssuer, app_id: str) -> str:
    body = f"grant_type=client_credentials&client_id={app_id}&client_secret={app_id}-secret".encode()
    return str(issuer.issue(FORM, body, None)["access_token"])


def test_expired_tokens_are_forgotten_at_the_next_token_request() -> None:
    clock = Clock()
    issuer = TokenIssuer(APPS.get, lifetime=10, clock=clock)
    for _ in range(50):
        issue(issuer, "first-app")
    clock.now = 5
    later = [issue(issuer, "second-app") for _ in range(20)]
    assert issuer.live_tokens == 70
    clock.now = 11  # the first 50 have expired, the 20 issued at 5 have not
    issue(issuer, "second-app")
    assert issuer.live_tokens == 21
    assert all(issuer.grant(f"Bearer {token}") for token in later)


def test_an_application_holds_at_most_its_cap_of_live_tokens_and_the_oldest_go_first() -> None:
    issuer = TokenIssuer(APPS.get, lifetime=3600, clock=Clock(), max_tokens_per_application=3)
    tokens = [issue(issuer, "first-app") for _ in range(5)]
    other = issue(issuer, "second-app")
    for revoked in tokens[:2]:
        with pytest.raises(Unauthorized):
            issuer.grant(f"Bearer {revoked}")
    assert all(issuer.grant(f"Bearer {token}").application.app_id == "first-app" for token in tokens[2:])
    assert issuer.grant(f"Bearer {other}").application.app_id == "second-app"  # another application's are its own
    assert issuer.live_tokens == 4


def test_the_store_stays_bounded_under_a_flood_of_token_requests() -> None:
    issuer = TokenIssuer(APPS.get, lifetime=3600, clock=Clock(), max_tokens_per_application=100)
    for _ in range(5000):
        issue(issuer, "first-app")
    assert issuer.live_tokens == 100

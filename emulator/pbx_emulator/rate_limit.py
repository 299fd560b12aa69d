"""Hourly call counts per client, for the X-RateLimit-* headers and 429 past the limit.

Windows are the clock's hours, the same for every client, so `X-RateLimit-Reset` is the seconds left in
the current hour. Calls without a valid token belong to no client and are not counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from pbx_emulator.errors import ApiError

WINDOW = 3600
DEFAULT_LIMIT = 1_000_000


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
        ]


class RateLimiter:
    def __init__(self, limit: int = DEFAULT_LIMIT, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._clock = clock
        self._window = -1
        self._counts: dict[int, int] = {}

    def _roll(self) -> float:
        now = self._clock()
        window = int(now // WINDOW)
        if window != self._window:
            self._window, self._counts = window, {}
        return now

    def _reset_in(self, now: float) -> int:
        return min(WINDOW, max(0, math.ceil((self._window + 1) * WINDOW - now)))

    def count(self, client_id: int) -> Quota:
        """Count one call of the client; its quota after the call, or ApiError 429 past the limit."""
        now = self._roll()
        used = self._counts.get(client_id, 0) + 1
        self._counts[client_id] = used
        quota = Quota(self.limit, max(0, self.limit - used), self._reset_in(now))
        if used > self.limit:
            raise RateLimited(quota)
        return quota

    def unattributed(self) -> Quota:
        """The quota shown on answers that belong to no client (no valid token, the token endpoint)."""
        now = self._roll()
        return Quota(self.limit, self.limit, self._reset_in(now))


class RateLimited(ApiError):
    def __init__(self, quota: Quota) -> None:
        super().__init__(429, "Rate limit exceeded; try again after the window resets.", "rate_limit_exceeded")
        self.quota = quota
        self.headers["Retry-After"] = str(quota.reset)

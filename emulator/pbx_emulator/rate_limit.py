"""Hourly call counts per client, for the X-RateLimit-* headers and 429 past the limit; and failed token
requests per App ID and per address, 429 past their own limit.

Windows are the clock's hours, the same for every client, so `X-RateLimit-Reset` is the seconds left in
the current hour. Calls without a valid token belong to no client and are not counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from pbx_emulator.defaults import RATE_LIMIT, TOKEN_FAILURE_LIMIT, TOKEN_FAILURE_WINDOW
from pbx_emulator.errors import ApiError, TokenError

WINDOW = 3600


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
    def __init__(self, limit: int = RATE_LIMIT, clock: Callable[[], float] = time.time) -> None:
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


class TooManyFailedTokenRequests(TokenError):
    """429 from the token endpoint, in its RFC 6749 error shape, with `Retry-After`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("invalid_request", f"Too many failed token requests; try again in {retry_after} s.")
        self.status_code = 429
        self.headers["Retry-After"] = str(retry_after)


class FailedTokenRequests:
    """Counts failed token requests per key (an App ID, an address) in fixed windows of the clock.

    Memory stays bounded: the counts start afresh each window, and an address past its limit is refused
    before anything it sends is counted under a new key.
    """

    def __init__(
        self,
        limit: int = TOKEN_FAILURE_LIMIT,
        window: int = TOKEN_FAILURE_WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self._length = window
        self._clock = clock
        self._window = -1
        self._counts: dict[tuple[str, str], int] = {}

    def _roll(self) -> float:
        now = self._clock()
        window = int(now // self._length)
        if window != self._window:
            self._window, self._counts = window, {}
        return now

    def refuse_if_over(self, *keys: tuple[str, str]) -> None:
        """TooManyFailedTokenRequests if any key has failed `limit` times in this window."""
        now = self._roll()
        if any(self._counts.get(key, 0) >= self.limit for key in keys):
            retry_after = max(1, math.ceil((self._window + 1) * self._length - now))
            raise TooManyFailedTokenRequests(retry_after)

    def count(self, *keys: tuple[str, str]) -> None:
        self._roll()
        for key in keys:
            self._counts[key] = self._counts.get(key, 0) + 1

"""Hourly call counts per client, for the X-RateLimit-* headers and 429 past the limit; and failed token
requests per App ID and per address, 429 past their own limit.

Windows are the clock's hours, the same for every client, so `X-RateLimit-Reset` is the seconds left in
the current hour. Calls without a valid token belong to no client and are not counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pbx_emulator.defaults import RATE_LIMIT, TOKEN_FAILURE_LIMIT, TOKEN_FAILURE_WINDOW
from pbx_emulator.errors import ApiError, TokenError

WINDOW = 3600


class WindowCounts(Protocol):
    """Counts per key within numbered windows of the clock; a window's counts are dropped once it has passed.

    Where they are kept is the store's choice: with SQLite, in this process's memory (`MemoryCounts`); with
    PostgreSQL, in the database, so every worker counts into the same numbers.
    """

    def add(self, window: int, keys: Sequence[str]) -> list[int]:
        """Count one for each key in `window`; each key's count after it, in the order of `keys`."""
        ...

    def highest(self, window: int, keys: Sequence[str]) -> int:
        """The highest count of the keys in `window` (0 if none has counted)."""
        ...


class MemoryCounts:
    """Counts in this process's memory: the current window's only, so memory stays bounded."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    def _at(self, window: int) -> dict[str, int]:
        if window != self._window:
            self._window, self._counts = window, {}
        return self._counts

    def add(self, window: int, keys: Sequence[str]) -> list[int]:
        counts = self._at(window)
        added = []
        for key in keys:
            counts[key] = used = counts.get(key, 0) + 1
            added.append(used)
        return added

    def highest(self, window: int, keys: Sequence[str]) -> int:
        counts = self._at(window)
        return max((counts.get(key, 0) for key in keys), default=0)


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


def _seconds_left(window: int, length: int, now: float) -> int:
    return math.ceil((window + 1) * length - now)


class RateLimiter:
    """Calls per client per hour of the clock, counted in `counts` (this process's memory unless a store shares
    them): one count per call, so the remaining quota each answer shows is the client's own, exactly once."""

    def __init__(
        self, limit: int = RATE_LIMIT, clock: Callable[[], float] = time.time, counts: WindowCounts | None = None
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._counts = counts or MemoryCounts()

    def count(self, client_id: int) -> Quota:
        """Count one call of the client; its quota after the call, or ApiError 429 past the limit."""
        now = self._clock()
        window = int(now // WINDOW)
        (used,) = self._counts.add(window, (client_key(client_id),))
        quota = Quota(self.limit, max(0, self.limit - used), min(WINDOW, max(0, _seconds_left(window, WINDOW, now))))
        if used > self.limit:
            raise RateLimited(quota)
        return quota

    def unattributed(self) -> Quota:
        """The quota shown on answers that belong to no client (no valid token, the token endpoint)."""
        now = self._clock()
        window = int(now // WINDOW)
        return Quota(self.limit, self.limit, min(WINDOW, max(0, _seconds_left(window, WINDOW, now))))


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
    """Counts failed token requests per key (an App ID, an address) in fixed windows of the clock, in `counts`
    (this process's memory unless a store shares them).

    Memory stays bounded: the counts start afresh each window, and an address past its limit is refused
    before anything it sends is counted under a new key.
    """

    def __init__(
        self,
        limit: int = TOKEN_FAILURE_LIMIT,
        window: int = TOKEN_FAILURE_WINDOW,
        clock: Callable[[], float] = time.time,
        counts: WindowCounts | None = None,
    ) -> None:
        self.limit = limit
        self._length = window
        self._clock = clock
        self._counts = counts or MemoryCounts()

    def refuse_if_over(self, *keys: tuple[str, str]) -> None:
        """TooManyFailedTokenRequests if any key has failed `limit` times in this window."""
        now = self._clock()
        window = int(now // self._length)
        if self._counts.highest(window, [failure_key(key) for key in keys]) >= self.limit:
            raise TooManyFailedTokenRequests(max(1, _seconds_left(window, self._length, now)))

    def count(self, *keys: tuple[str, str]) -> None:
        window = int(self._clock() // self._length)
        self._counts.add(window, list(dict.fromkeys(failure_key(key) for key in keys)))


def failure_key(key: tuple[str, str]) -> str:
    """A failed-token-request key as counts keep it: its kind and value (`app demo-app`, `address 127.0.0.1`)."""
    return f"{key[0]} {key[1]}"


def client_key(client_id: int) -> str:
    """A client's key in the rate-limit counts."""
    return str(client_id)

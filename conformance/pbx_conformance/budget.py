"""The run's request budget: a hard cap on requests, a pace, and the account's rate-limit quota left alone.

Every request the run sends passes `before_request` (the suite's own httpx client through an event hook,
schemathesis's through its `before_call` hook) and every answer `after_response`. The provider's hourly quota
is shared by every application of the client, so the run reads `X-RateLimit-Remaining` and `-Reset` as it goes
and stops before the remaining quota falls below the reserve; a 429 is the quota, never the server's failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Waiting for a quota reset is worth it only when it fits the run's --max-time; without one, this long at most.
LONGEST_WAIT_WITHOUT_MAX_TIME = 60.0
# Our decision: what the suite's checks leave to schemathesis's phases when they go deeper than one case per rule,
# a share of --max-requests but never fewer than the floor (the examples phase and the start of the coverage
# phase, which hold the promises of schemathesis's own checks).
FUZZING_SHARE = 0.2
FUZZING_FLOOR = 60


class StopRun(Exception):
    """The run must stop before its work is done (request budget, quota reserve, rate limit): the reason."""


def _header(headers: Mapping[str, str], name: str) -> int | None:
    for key, value in headers.items():
        if key.lower() == name:
            try:
                return int(str(value).split(",")[0].strip())
            except ValueError:
                return None
    return None


@dataclass
class Budget:
    max_requests: int
    rate: float | None
    quota_reserve: str
    max_time: float | None = None
    sleep: Callable[[float], None] = time.sleep
    sent: int = 0
    # Requests kept for the restore: the checks stop this many short of --max-requests.
    restore_allowance: int = 0
    restoring: bool = False
    limit: int | None = None
    remaining: int | None = None
    stopped: str | None = None
    waited: float = 0.0
    # Requests already counted and paced by `prepay`: they go out without waiting again.
    _prepaid: int = 0
    _started: float = field(default_factory=time.monotonic)
    _next_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def describe(self) -> str:
        rate = f"{self.rate:g} per second" if self.rate else "no pace limit"
        return (
            f"at most {self.max_requests} requests (--max-requests), {rate} (--rate), "
            f"stopping while {self.quota_reserve} of the rate-limit quota is left (--quota-reserve)"
        )

    def reserve(self) -> int:
        """The count of X-RateLimit-Remaining the run leaves alone."""
        text = self.quota_reserve
        if text.endswith("%"):
            return -(-int(text[:-1]) * (self.limit or 0) // 100)  # rounded up
        return int(text)

    def stop(self, reason: str) -> None:
        with self._lock:
            self.stopped = self.stopped or reason

    def before_request(self) -> None:
        """Count the request about to go out, after waiting for the pace; StopRun if it may not go out."""
        with self._lock:
            if self._prepaid:
                self._prepaid -= 1
                return
        self._take(1)

    def prepay(self, count: int) -> None:
        """Count and pace `count` requests about to go out at the same moment: wait for as many slots as they
        take, then let them go at once (the pace holds on average); StopRun if they may not all go out."""
        self._take(count)
        with self._lock:
            self._prepaid += count

    def _take(self, count: int) -> None:
        with self._lock:
            if self.stopped is not None and not self.restoring:
                raise StopRun(self.stopped)
            cap = self.max_requests - (0 if self.restoring else self.restore_allowance)
            if self.sent + count > cap:
                self.stopped = self.stopped or (
                    f"--max-requests {self.max_requests} reached"
                    + ("" if self.restoring else f" ({self.restore_allowance} kept for the restore)")
                )
                raise StopRun(self.stopped)
            if not self.restoring and self.remaining is not None and self.remaining <= self.reserve():
                self.stopped = (
                    f"X-RateLimit-Remaining is {self.remaining}, at the reserve of {self.reserve()} "
                    f"(--quota-reserve {self.quota_reserve}) left for the client's own integrations"
                )
                raise StopRun(self.stopped)
            self.sent += count
            wait = 0.0
            if self.rate:
                now = time.monotonic()
                wait = max(0.0, self._next_at - now)
                self._next_at = max(now, self._next_at) + count / self.rate
        if wait:
            self.sleep(wait)

    def fuzzing_floor(self) -> int:
        """The requests the suite's deeper passes leave to schemathesis's phases."""
        return max(FUZZING_FLOOR, int(FUZZING_SHARE * self.max_requests))

    def can_afford(self, count: int) -> bool:
        """Whether `count` more requests fit, leaving the restore its allowance, schemathesis its floor, and the
        quota its reserve."""
        with self._lock:
            if self.stopped is not None:
                return False
            left = self.max_requests - self.restore_allowance - self.sent
            if self.remaining is not None:
                left = min(left, self.remaining - self.reserve())
        return count + self.fuzzing_floor() <= left

    def after_response(self, status: int, headers: Mapping[str, str]) -> bool:
        """Note the quota an answer reports. For a 429: wait for the reset and return True (send it again) when
        the wait fits, else stop the run (StopRun) saying when to try again."""
        limit = _header(headers, "x-ratelimit-limit")
        remaining = _header(headers, "x-ratelimit-remaining")
        with self._lock:
            if limit is not None:
                self.limit = limit
            if remaining is not None:
                # The lowest seen: answers that count for no client (a rejected token) show the whole quota, and
                # a run that outlives the window only stops earlier than it had to.
                self.remaining = remaining if self.remaining is None else min(self.remaining, remaining)
        if status != 429:
            return False
        reset = _header(headers, "x-ratelimit-reset")
        if reset is None:
            reset = _header(headers, "retry-after")
        if self.restoring or reset is None or not self._fits(reset):
            when = time.strftime("%H:%M:%S", time.localtime(time.time() + reset)) if reset is not None else None
            self.stop(
                "the server answered 429: the account's rate-limit quota is spent"
                + (f"; it resets in {reset} s, try again after {when}" if when else "; try again in an hour")
            )
            raise StopRun(self.stopped)
        self.sleep(reset + 1)
        with self._lock:
            self.waited += reset + 1
            self.remaining = None
        return True

    def _fits(self, seconds: int) -> bool:
        if self.max_time is None:
            return seconds <= LONGEST_WAIT_WITHOUT_MAX_TIME
        return time.monotonic() - self._started + seconds < self.max_time

    def to_dict(self) -> dict[str, object]:
        return {
            "max_requests": self.max_requests,
            "rate": self.rate,
            "quota_reserve": self.quota_reserve,
            "sent": self.sent,
            "rate_limit_limit": self.limit,
            "rate_limit_remaining": self.remaining,
            "waited_for_reset": self.waited,
            "stopped": self.stopped,
        }

"""Ctrl-C and SIGTERM: stop the run at a safe point, and never cut the restore short."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from schemathesis.engine.core import EventStream


@contextlib.contextmanager
def handling_stop_signals(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """`handler` for Ctrl-C's SIGINT and SIGTERM while the block runs, the previous handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals; an embedding program handles its own
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handled_by in previous.items():
            signal.signal(sig, handled_by)


class Interruption:
    """Ctrl-C or SIGTERM: during schemathesis's phases the first asks the engine to stop at the next safe point
    (the case in flight finishes, bounded by --timeout) and a second stops at once; elsewhere the first stops at
    once. Either way the `finally` that restores the clients runs."""

    def __init__(self) -> None:
        self.requested = False
        self.stream: EventStream | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested or self.stream is None:
            # Outside schemathesis's engine (preflight, the suite's own checks) there is no safe point to wait
            # for: stop now, even in a request the server never answers; the restore runs in a `finally`.
            raise KeyboardInterrupt
        self.requested = True
        if self.stream is not None:
            self.stream.stop()

    def watch(self, stream: EventStream) -> None:
        self.stream = stream
        if self.requested:
            stream.stop()

    def installed(self) -> contextlib.AbstractContextManager[None]:
        return handling_stop_signals(self)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """While restoring, a second Ctrl-C or SIGTERM must not cut the restore short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

"""Showing progress while a run goes: a live display on a terminal (rich), a plain line every few seconds
elsewhere (CI logs: no control characters), JSON lines for a program that follows the run (the fleet follows each
of its targets so), or nothing.

A display reads rows, `(name, state)`: one unnamed row for a run (`progress.RunProgress.state()`), a row per target
for a fleet. It draws from a thread of its own, a few times a second at most, so the run's work never waits for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

Row = tuple[str, dict[str, Any]]
Rows = Callable[[], list[Row]]

MODES = ("auto", "live", "plain", "json", "off")
LIVE_REFRESHES_PER_SECOND = 4
# A plain line this often: enough to see a CI job is alive, few enough to read the log.
PLAIN_INTERVAL = 5.0
JSON_INTERVAL = 0.5
# A fleet's targets at work (the others are waiting, or have ended).
ACTIVE = ("running", "finishing")


def resolve(mode: str, stream: TextIO) -> str:
    """`auto`: live on a terminal, plain lines anywhere else."""
    if mode != "auto":
        return mode
    # TERM: `dumb` (as Emacs' shell sets it) turns the live display into plain lines, even on a terminal
    interactive = hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"
    return "live" if interactive else "plain"


@contextlib.contextmanager
def shown(rows: Rows, mode: str, stream: TextIO) -> Iterator[None]:
    """The rows shown on `stream` in `mode` until the block ends (a live display is then taken away)."""
    mode = resolve(mode, stream)
    if mode == "live":
        console = Console(file=stream, force_terminal=True, highlight=False)
        with Live(
            get_renderable=lambda: render(rows()),
            console=console,
            refresh_per_second=LIVE_REFRESHES_PER_SECOND,
            transient=True,
        ):
            yield
    elif mode in ("plain", "json"):
        with _ticking(rows, mode, stream):
            yield
    else:
        yield


@contextlib.contextmanager
def _ticking(rows: Rows, mode: str, stream: TextIO) -> Iterator[None]:
    stop = threading.Event()
    interval = PLAIN_INTERVAL if mode == "plain" else JSON_INTERVAL
    last: list[str] = []

    def tick() -> None:
        while not stop.wait(interval):
            if mode == "plain":  # the targets of a fleet still at work; each says itself when it ends
                lines = [plain_line(name, state) for name, state in rows() if state.get("status", ACTIVE[0]) in ACTIVE]
            else:
                lines = _json_lines(rows())
            if mode == "json" and lines == last:
                continue  # nothing new to say
            last[:] = lines
            for text in lines:
                print(text, file=stream, flush=True)

    ticker = threading.Thread(target=tick, name="pbx-conformance progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        if mode == "json":
            for text in _json_lines(rows()):  # the last word, however short the run
                print(text, file=stream, flush=True)


def _json_lines(rows: list[Row]) -> list[str]:
    return [json.dumps({"progress": {**({"target": name} if name else {}), **state}}) for name, state in rows]


def clock(seconds: float | None) -> str:
    """`1:05` for 65 seconds, `1:02:05` past the hour; `-` when not known."""
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _printable(text: str) -> str:
    """Text for a log line: no control characters, whatever a server's name holds."""
    return "".join(character if character.isprintable() else "?" for character in text)


def plain_line(name: str, state: dict[str, Any]) -> str:
    """One line for a log: `progress: fuzzing PUT /client/{client_id}/client/; 412/2000 requests; ...`."""
    status = state.get("status")
    where = " ".join(
        part for part in (status if status != "running" else None, state["stage"], state["operation"]) if part
    )
    quota = state["quota_left"]
    parts = [
        f"{state['sent']}/{state['max_requests']} requests",
        f"quota left {quota if quota is not None else 'unknown'}",
        f"{state['failing']} failing",
        f"{clock(state['elapsed'])} elapsed",
    ]
    if state.get("left") is not None:
        parts.append(f"about {clock(state['left'])} left")
    return _printable(f"progress: {name + ': ' if name else ''}{where}; {'; '.join(parts)}")


def render(rows: list[Row]) -> Group | Table:
    """The live display: two lines for one run, a table of targets for a fleet."""
    if len(rows) == 1 and not rows[0][0]:
        state = rows[0][1]
        heading = Text.assemble(("pbx-conformance ", "bold"), (state["stage"], "cyan"), "  ", state["operation"])
        counts = Text.assemble(*_counts(state))
        for line in (heading, counts):
            line.no_wrap, line.overflow = True, "ellipsis"
        return Group(heading, counts)
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("target", "status", "stage", "operation", "requests", "quota left", "failing", "elapsed", "left"):
        table.add_column(column, no_wrap=True, overflow="ellipsis", max_width=40 if column == "operation" else None)
    for name, state in rows:
        table.add_row(
            name,
            state.get("status", ""),
            state["stage"],
            state["operation"],
            f"{state['sent']}/{state['max_requests']}",
            str(state["quota_left"] if state["quota_left"] is not None else "-"),
            Text(str(state["failing"]), style="bold red" if state["failing"] else ""),
            clock(state["elapsed"]),
            clock(state.get("left")),
        )
    return table


def _counts(state: dict[str, Any]) -> list[tuple[str, str] | str]:
    quota = state["quota_left"]
    return [
        ("requests ", "dim"),
        f"{state['sent']}/{state['max_requests']}",
        ("  quota left ", "dim"),
        str(quota if quota is not None else "-"),
        ("  failing ", "dim"),
        (str(state["failing"]), "bold red" if state["failing"] else ""),
        ("  elapsed ", "dim"),
        clock(state["elapsed"]),
        ("  left ", "dim"),
        "about " + clock(state["left"]) if state.get("left") is not None else "-",
    ]

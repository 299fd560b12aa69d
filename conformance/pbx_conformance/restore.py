"""Puts the client back as it was before the run: every field the run changed gets its original value.

The snapshot is taken before the first request that may write; `restore()` runs in a `finally`, so it
also runs when the run fails or is interrupted (SIGINT, SIGTERM; see run.Interruption).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pbx_conformance import spec
from pbx_conformance.context import Context
from pbx_kit import contract


@dataclass
class RestoreReport:
    changed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    not_restored: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "restored": self.restored,
            "not_restored": self.not_restored,
            "error": self.error,
        }


@dataclass
class RestoreGuard:
    ctx: Context
    snapshot: dict[str, Any] | None = None

    @property
    def write(self) -> spec.Operation:
        return spec.writes()[0]

    @property
    def read(self) -> spec.Operation:
        return spec.read_of(self.write)

    def take(self) -> None:
        response = self.ctx.call(self.read)
        if response.status_code == 200 and isinstance(response.json(), dict):
            self.snapshot = response.json()

    def restore(self) -> RestoreReport:
        report = RestoreReport()
        if self.snapshot is None:
            report.error = "no snapshot of the client was taken, so nothing could be compared or restored"
            return report
        try:
            self._restore(report)
        except Exception as error:  # the server went away mid-restore: say so, do not crash the report
            report.error = f"restore stopped: {type(error).__name__}: {error}"[:300]
        return report

    def _current(self) -> dict[str, Any]:
        response = self.ctx.call(self.read)
        return response.json() if response.status_code == 200 else {}

    def _restore(self, report: RestoreReport) -> None:
        snapshot = self.snapshot
        assert snapshot is not None  # restore() returns early without one
        current = self._current()
        if not current:
            report.error = "the client could not be read back to restore it"
            return
        changed = [name for name in snapshot if current.get(name) != snapshot[name]]
        report.changed = changed
        if not changed:
            return
        writable = [name for name in changed if name in contract.writable_fields()]
        if writable:
            self.ctx.call(self.write, json={name: snapshot[name] for name in writable})
        # A server that let read-only fields change may let them change back; try each on its own.
        for name in changed:
            if name not in writable:
                self.ctx.call(self.write, json={name: snapshot[name]})
        after = self._current()
        report.restored = [name for name in changed if after.get(name) == snapshot[name]]
        report.not_restored = [name for name in changed if name not in report.restored]

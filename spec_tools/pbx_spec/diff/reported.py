"""What the renderers (`markdown`, `html`, `json_report`) read of a report: `report.Report` is one, and the
renderers need not import it (so that `Report` can offer `to_markdown` and the rest without an import cycle)."""

from __future__ import annotations

from typing import Protocol

from pbx_spec.diff.changes import Axis, Bump
from pbx_spec.diff.findings import Finding


class Reported(Protocol):
    base: str
    revision: str
    sdk_compared: bool
    released_sdk_compared: bool
    notes: list[str]

    @property
    def findings(self) -> list[Finding]: ...

    @property
    def bump(self) -> Bump: ...

    @property
    def deciding(self) -> Finding | None: ...

    def breaking(self, axis: Axis) -> bool: ...

    def breaking_count(self, axis: Axis) -> int: ...

"""The change report: the changes found on the three axes, as findings, with the summary a reviewer reads first.

`Report` holds what the comparison found; `findings` groups it, `markdown`, `html` and `json_report` render it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pbx_spec.diff import html, json_report, markdown
from pbx_spec.diff.changes import AXIS_TITLES, Axis, Bump, Change, highest
from pbx_spec.diff.findings import Finding, findings

__all__ = ["AXIS_TITLES", "Report"]


@dataclass
class Report:
    base: str
    revision: str
    changes: list[Change]
    sdk_compared: bool = True
    released_sdk_compared: bool = False  # the released SDK's surface (released/) was compared too
    notes: list[str] = field(default_factory=list)

    @cached_property
    def findings(self) -> list[Finding]:
        return findings(self.changes)

    def extend(self, changes: list[Change]) -> None:
        self.changes.extend(changes)
        self.__dict__.pop("findings", None)  # grouped again when next asked for

    def breaking(self, axis: Axis) -> bool:
        return any(axis in finding.breaks for finding in self.findings)

    def breaking_count(self, axis: Axis) -> int:
        """How many distinct changes (findings) break `axis`."""
        return sum(axis in finding.breaks for finding in self.findings)

    @property
    def any_breaking(self) -> bool:
        return any(finding.breaks for finding in self.findings)

    def fails(self, axes: frozenset[Axis]) -> bool:
        return any(self.breaking(axis) for axis in axes)

    @property
    def bump(self) -> Bump:
        return highest(finding.bump for finding in self.findings)

    @property
    def deciding(self) -> Finding | None:
        """The first finding that asks for the suggested bump (None when nothing changed)."""
        bump = self.bump
        return next((finding for finding in self.findings if finding.bump is bump), None)

    def to_markdown(self, title: str | None = None, *, limit: int | None = None) -> str:
        """Markdown for a pull-request comment (cut to `limit` characters, with a note, when given)."""
        return markdown.render(self, title, limit=limit)

    def to_html(self, title: str | None = None) -> str:
        return html.render(self, title)

    def as_json(self) -> dict[str, Any]:
        return json_report.as_json(self)

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"

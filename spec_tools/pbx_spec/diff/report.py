"""The change report: every change on its three axes, and the suggested bump, as Markdown or as one JSON object."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pbx_spec.diff.changes import Axis, Change, Kind, suggested_bump

AXIS_TITLES = {
    Axis.WIRE: "clients on the wire",
    Axis.SERVER: "servers under conformance",
    Axis.SDK: "the generated SDK",
}


@dataclass
class Report:
    base: str
    revision: str
    changes: list[Change]
    sdk_compared: bool = True
    notes: list[str] = field(default_factory=list)

    def breaking(self, axis: Axis) -> bool:
        return any(axis in change.breaks for change in self.changes)

    @property
    def any_breaking(self) -> bool:
        return any(change.breaking for change in self.changes)

    @property
    def bump(self) -> str:
        return suggested_bump(self.changes)

    def as_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "revision": self.revision,
            "wire_breaking": self.breaking(Axis.WIRE),
            "server_breaking": self.breaking(Axis.SERVER),
            "sdk_breaking": self.breaking(Axis.SDK),
            "sdk_compared": self.sdk_compared,
            "bump": self.bump,
            "notes": self.notes,
            "changes": [change.as_json() for change in self.changes],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self, title: str | None = None) -> str:
        lines = [f"## {title or f'Changes from {self.base} to {self.revision}'}", ""]
        lines.append(f"Suggested SDK version bump: **{self.bump}**.")
        lines.append("")
        for axis, name in AXIS_TITLES.items():
            if axis is Axis.SDK and not self.sdk_compared:
                lines.append(f"- {name}: not compared")
                continue
            lines.append(f"- {name}: {'**breaks**' if self.breaking(axis) else 'nothing breaks'}")
        lines.extend(f"- note: {note}" for note in self.notes)
        lines.append("")
        if not self.changes:
            lines.append("No changes.")
            return "\n".join(lines) + "\n"
        sections = (
            ("Breaking changes", [change for change in self.changes if change.breaking]),
            (
                "Additions and other changes",
                [
                    change
                    for change in self.changes
                    if not change.breaking and change.kind in {Kind.ADDITION, Kind.CHANGE, Kind.DEPRECATION}
                ],
            ),
            (
                "Documentation",
                [change for change in self.changes if not change.breaking and change.kind is Kind.DOCUMENTATION],
            ),
        )
        for heading, members in sections:
            if not members:
                continue
            lines.extend([f"### {heading}", ""])
            lines.extend(_markdown_item(change) for change in members)
            lines.append("")
        return "\n".join(lines)


def _markdown_item(change: Change) -> str:
    where = change.where or f"`{change.pointer}`" + (f" (line {change.line} of {change.side})" if change.line else "")
    operations = f" [{', '.join(sorted(change.operations))}]" if change.operations else ""
    text = f"- **{change.rule}**{operations}: {change.message}. At {where}."
    for axis in (Axis.WIRE, Axis.SERVER, Axis.SDK):
        if axis in change.breaks:
            text += f"\n  - breaks {AXIS_TITLES[axis]}: {change.breaks[axis]}"
    return text

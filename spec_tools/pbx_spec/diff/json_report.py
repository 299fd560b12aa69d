"""The change report as JSON for tools: a documented, versioned shape (`SCHEMA`, a JSON Schema).

`format` and `version` say which shape a document has; `version` goes up whenever a field is removed or changes
meaning (adding a field does not change it). docs/maintainers/change-report.md's table of fields is written from
`SCHEMA` (`python -m pbx_spec.diff.json_report write docs/maintainers/change-report.md`); a test fails when they
differ.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pbx_spec.diff.changes import AXIS_TITLES, Axis, Bump, Change, Kind
from pbx_spec.diff.findings import Finding, Origin, Section
from pbx_spec.diff.reported import Reported

FORMAT = "pbx-spec-diff"
VERSION = 2  # 1: pbx-spec before issue 21 (a flat list of changes; no findings, no `format`)

_BREAKS = {
    "type": "object",
    "description": "Each axis it breaks (`wire`, `server`, `sdk`) and why, in one sentence.",
    "properties": {axis.value: {"type": "string"} for axis in Axis},
    "additionalProperties": False,
}
_CHANGE = {
    "type": "object",
    "required": ["rule", "message", "kind", "breaks"],
    "properties": {
        "rule": {"type": "string", "description": "The rule that found it, kebab-case (`max-length-changed`)."},
        "message": {"type": "string", "description": "What changed, for a reviewer."},
        "pointer": {"type": ["string", "null"], "description": "RFC 6901 pointer into the document it is in."},
        "side": {"enum": ["base", "revision"], "description": "The document `pointer` and `line` are in."},
        "line": {"type": ["integer", "null"], "description": "The line `pointer` is on."},
        "where": {"type": ["string", "null"], "description": "SDK changes: the Python object, its file and line."},
        "kind": {"enum": [kind.value for kind in Kind]},
        "breaks": _BREAKS,
        "operations": {"type": "array", "items": {"type": "string"}},
        "origin": {"type": ["string", "null"], "description": "SDK changes: `spec` or `released`."},
        "sdk": {
            "type": ["object", "null"],
            "description": "SDK changes: the owner, function, member (parameter or attribute) and types.",
        },
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pbx-spec diff --format json",
    "type": "object",
    "required": ["format", "version", "base", "revision", "bump", "axes", "findings"],
    "properties": {
        "format": {"const": FORMAT, "description": f"Always `{FORMAT}`."},
        "version": {"const": VERSION, "description": "The shape's version; it goes up when a field changes meaning."},
        "base": {"type": "string", "description": "BASE: a file, or `<git revision>:openapi.yaml`."},
        "revision": {"type": "string", "description": "REVISION, named as `base` is."},
        "sdk_compared": {"type": "boolean", "description": "Whether the two SDKs were generated and compared."},
        "released_sdk_compared": {
            "type": "boolean",
            "description": "Whether the released SDK's surface (released/) was compared with the current SDK.",
        },
        "bump": {"enum": [bump.value for bump in Bump], "description": "The suggested SDK version bump."},
        "decided_by": {
            "type": ["integer", "null"],
            "description": "Index in `findings` of the one that decides `bump`; null when nothing changed.",
        },
        "axes": {
            "type": "object",
            "description": "Per axis (`wire`, `server`, `sdk`): `breaks` (boolean), `changes` (how many findings "
            "break it), `title`.",
            "required": [axis.value for axis in Axis],
            "properties": {
                axis.value: {
                    "type": "object",
                    "required": ["breaks", "changes", "title"],
                    "properties": {
                        "breaks": {"type": "boolean"},
                        "changes": {"type": "integer", "minimum": 0},
                        "title": {"type": "string"},
                    },
                }
                for axis in Axis
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}, "description": "Anything the comparison noted."},
        "findings": {
            "type": "array",
            "description": "One per change to the contract, in the report's order: `title`, `rule`, `section`, "
            "`kind`, `bump`, `origin` (`contract`, `sdk` or `released`), `operations`, `breaks`, `pointer`, "
            "`line`, `sdk_summary` (one line per kind of SDK change), `changes` and `sdk_changes` (each a change "
            "as the rules and the SDK comparison found it).",
            "items": {
                "type": "object",
                "required": ["title", "rule", "section", "kind", "bump", "origin", "breaks", "changes", "sdk_changes"],
                "properties": {
                    "title": {"type": "string"},
                    "rule": {"type": "string"},
                    "section": {"enum": [section.value for section in Section]},
                    "kind": {"enum": [kind.value for kind in Kind]},
                    "bump": {"enum": [bump.value for bump in Bump]},
                    "origin": {"enum": [origin.value for origin in Origin]},
                    "operations": {"type": "array", "items": {"type": "string"}},
                    "breaks": _BREAKS,
                    "pointer": {"type": ["string", "null"]},
                    "side": {"enum": ["base", "revision", None]},
                    "line": {"type": ["integer", "null"]},
                    "sdk_summary": {"type": "array", "items": {"type": "string"}},
                    "changes": {"type": "array", "items": _CHANGE},
                    "sdk_changes": {"type": "array", "items": _CHANGE},
                },
            },
        },
    },
}


def as_json(report: Reported) -> dict[str, Any]:
    found = report.findings
    deciding = report.deciding
    return {
        "format": FORMAT,
        "version": VERSION,
        "base": report.base,
        "revision": report.revision,
        "sdk_compared": report.sdk_compared,
        "released_sdk_compared": report.released_sdk_compared,
        "bump": report.bump.value,
        "decided_by": found.index(deciding) if deciding is not None else None,
        "axes": {
            axis.value: {
                "breaks": report.breaking(axis),
                "changes": report.breaking_count(axis),
                "title": AXIS_TITLES[axis],
            }
            for axis in Axis
        },
        "notes": list(report.notes),
        "findings": [_finding(finding) for finding in found],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    first = finding.first
    return {
        "title": finding.title,
        "rule": finding.rule,
        "section": finding.section.value,
        "kind": finding.kind.value,
        "bump": finding.bump.value,
        "origin": finding.origin.value,
        "operations": finding.operations,
        "breaks": {axis.value: why for axis, why in finding.breaks.items()},
        "pointer": first.pointer if first else None,
        "side": first.side if first else None,
        "line": first.line if first else None,
        "sdk_summary": finding.sdk_summary(),
        "changes": [change.as_json() for change in finding.changes],
        "sdk_changes": [_sdk_change(change) for change in finding.sdk],
    }


def _sdk_change(change: Change) -> dict[str, Any]:
    shown = change.as_json()
    name = change.sdk
    shown["sdk"] = (
        {
            "owner": name.owner,
            "function": name.function,
            "member": name.member,
            "noun": name.noun,
            "before": name.before,
            "after": name.after,
        }
        if name
        else None
    )
    return shown


# --- the documentation's table of fields, written from SCHEMA -----------------------------------------------

BEGIN = "<!-- json-report-fields:begin (generated by `python -m pbx_spec.diff.json_report write <page>`) -->"
END = "<!-- json-report-fields:end -->"


def fields_table(schema: Mapping[str, Any] = SCHEMA) -> str:
    rows = ["| field | type | what |", "|---|---|---|"]
    for name, spec in schema["properties"].items():
        rows.append(f"| `{name}` | {_type(spec)} | {spec.get('description', '')} |")
    return "\n".join(rows)


def _type(spec: Mapping[str, Any]) -> str:
    if "const" in spec:
        return f"`{spec['const']}`"
    if "enum" in spec:
        return " or ".join(f"`{value}`" for value in spec["enum"])
    kind = spec.get("type", "")
    return " or ".join(kind) if isinstance(kind, list) else str(kind)


def with_table(page: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(page):
        raise ValueError(f"the page has no {BEGIN!r} ... {END!r} block")
    return pattern.sub(lambda _: f"{BEGIN}\n{fields_table()}\n{END}", page)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] != "write":
        print("usage: python -m pbx_spec.diff.json_report write PAGE", file=sys.stderr)
        return 2
    page = Path(argv[1])
    page.write_text(with_table(page.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

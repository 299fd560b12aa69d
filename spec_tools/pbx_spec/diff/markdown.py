"""The change report as Markdown for a pull-request comment: one screen of summary, then the findings.

What a reviewer reads first: per axis whether it breaks and how many distinct changes break it, the suggested
bump and the finding that decides it, then each finding with the operations it touches and its SDK changes in a
few lines. Long lists (every SDK change one by one, the documentation changes) are in collapsed `<details>`.

A GitHub comment holds at most 65,536 characters (`COMMENT_LIMIT`): given a `limit`, the report drops first the
one-by-one SDK lists, then the documentation list, then findings from the end, and says so at the top.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pbx_spec.diff.changes import AXIS_TITLES, Axis, Bump, Change
from pbx_spec.diff.findings import SECTION_COUNTS, Finding, Section
from pbx_spec.diff.reported import Reported

COMMENT_LIMIT = 65_536  # characters GitHub keeps of a pull-request comment
DETAILS_OPEN, DETAILS_CLOSE = "<details>", "</details>"
BUMP_MEANING = {
    Bump.MAJOR: "code written against the old SDK, or a client on the wire, can break",
    Bump.MINOR: "it adds something a caller can use, and breaks no caller",
    Bump.PATCH: "nothing a caller uses changes",
}
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# How much a cut report leaves out, in the order it is given up.
FULL, NO_SDK_LISTS, NO_DOCUMENTATION_LIST = 0, 1, 2


def render(report: Reported, title: str | None = None, *, limit: int | None = None) -> str:
    heading = title or f"Changes from {report.base} to {report.revision}"
    found = report.findings
    text = _render(report, heading, FULL, len(found))
    if limit is None or size(text) <= limit:
        return text
    for level in (NO_SDK_LISTS, NO_DOCUMENTATION_LIST):
        text = _render(report, heading, level, len(found))
        if size(text) <= limit:
            return text
    for keep in range(len(found) - 1, -1, -1):
        text = _render(report, heading, NO_DOCUMENTATION_LIST, keep)
        if size(text) <= limit:
            return text
    return text[: max(limit - 3, 0)] + "..."  # the summary alone is too long: never in practice


def size(text: str) -> int:
    """Characters as GitHub counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def visible_lines(text: str) -> list[str]:
    """The lines a reader sees before opening anything: those outside collapsed `<details>` (each one's summary
    line is seen)."""
    shown, depth = [], 0
    for line in text.splitlines():
        if line.lstrip().startswith(DETAILS_OPEN):
            if depth == 0:
                shown.append(line)
            depth += 1
        elif line.lstrip().startswith(DETAILS_CLOSE):
            depth -= 1
        elif depth == 0:
            shown.append(line)
    return shown


def safe(text: str) -> str:
    """Text from the contract or the SDK, with `<`, `>` and `&` written as entities outside code spans (inside,
    Markdown shows them as they are): a description or a value can never become HTML in the comment or the page."""
    pieces, start = [], 0
    for match in _CODE_SPAN.finditer(text):
        pieces += [_escaped(text[start : match.start()]), match.group(0)]
        start = match.end()
    return "".join([*pieces, _escaped(text[start:])])


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render(report: Reported, heading: str, level: int, keep: int) -> str:
    found = report.findings
    lines = [f"## {safe(heading)}", ""]
    if keep < len(found) or level > FULL:
        lines += [_cut_note(found, level, keep), ""]
    lines += _summary(report)
    if not found:
        return "\n".join(lines)
    number = 0
    for section in Section:
        members = [finding for finding in found[:keep] if finding.section is section]
        if not members:
            continue
        if section is Section.DOCUMENTATION:
            lines += _documentation(members, level)
            continue
        lines += [f"### {section.value} ({len(members)})", ""]
        for finding in members:
            number += 1
            lines += _finding(number, finding, level)
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: Reported) -> list[str]:
    bump = report.bump
    deciding = report.deciding
    lines = [f"**Suggested SDK version bump: {bump.value}**: {BUMP_MEANING[bump]}."]
    if deciding is not None and bump is not Bump.PATCH:
        lines.append(f"Decided by: {safe(deciding.title)}.")
    lines.append("")
    lines += ["| axis | verdict | distinct changes that break it |", "|---|---|---|"]
    for axis, name in AXIS_TITLES.items():
        if axis is Axis.SDK and not report.sdk_compared:
            lines.append(f"| {name} | not compared | |")
            continue
        count = report.breaking_count(axis)
        lines.append(f"| {name} | {'**breaks**' if count else 'nothing breaks'} | {count} |")
    counts = ", ".join(
        f"{SECTION_COUNTS[section]} {sum(finding.section is section for finding in report.findings)}"
        for section in Section
        if any(finding.section is section for finding in report.findings)
    )
    lines += ["", f"Distinct changes: {len(report.findings)} ({counts})." if report.findings else "No changes."]
    lines += [f"Note: {safe(note)}" for note in report.notes]
    lines.append("")
    return lines


def _finding(number: int, finding: Finding, level: int) -> list[str]:
    facts = [f"`{finding.rule}`"]
    if finding.operations:
        facts.append(", ".join(finding.operations))
    if finding.location:
        facts.append(finding.location)
    lines = [f"**{number}. {safe(finding.title)}** · {' · '.join(facts)}", ""]
    for axis, why in finding.breaks.items():
        if axis is not Axis.SDK:
            lines.append(f"- breaks {AXIS_TITLES[axis]}: {safe(why)}")
    if finding.sdk:
        broken = sum(Axis.SDK in change.breaks for change in finding.sdk)
        verdict = f"**breaks** ({broken} of {len(finding.sdk)} changes)" if broken else "changes, breaking nothing"
        lines.append(f"- the generated SDK {verdict}:")
        lines += [f"  - {safe(line)}" for line in finding.sdk_summary()]
    if lines[-1] != "":
        lines.append("")
    if finding.sdk and level == FULL:
        lines += _details(
            f"The {plural(len(finding.sdk), 'SDK change')} one by one", [_item(change) for change in finding.sdk]
        )
    return lines


def _documentation(members: Sequence[Finding], level: int) -> list[str]:
    heading = f"### {Section.DOCUMENTATION.value} ({len(members)})"
    what = f"{plural(len(members), 'change')} of descriptions, summaries, examples and the like"
    if level >= NO_DOCUMENTATION_LIST:
        return [heading, "", f"{what} (not listed here).", ""]
    items = [f"- {safe(finding.title)}" + (f" ({finding.location})" if finding.location else "") for finding in members]
    return [heading, "", *_details(what, items)]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _details(summary: str, items: list[str]) -> list[str]:
    return [f"{DETAILS_OPEN}<summary>{summary}</summary>", "", *items, "", DETAILS_CLOSE, ""]


def _item(change: Change) -> str:
    where = change.where or (f"`{change.pointer}`" if change.pointer else "")
    why = f" Breaks: {change.breaks[Axis.SDK]}." if Axis.SDK in change.breaks else ""
    return safe(f"- `{change.rule}`: {change.message}.{f' At {where}.' if where else ''}{why}")


def _cut_note(found: Sequence[Finding], level: int, keep: int) -> str:
    left_out = []
    if level >= NO_SDK_LISTS:
        left_out.append("the one-by-one SDK lists")
    if level >= NO_DOCUMENTATION_LIST:
        left_out.append("the documentation list")
    if keep < len(found):
        left_out.append(f"the last {len(found) - keep} of {len(found)} findings")
    return (
        f"> **Cut to fit a pull-request comment ({COMMENT_LIMIT:,} characters):** {', '.join(left_out)} left out. "
        "`pbx-spec diff --format html` or `--format json` has everything."
    )

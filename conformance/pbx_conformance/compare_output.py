"""What `compare` found, as Markdown (the console, a release ticket) and as a self-contained HTML page."""

from __future__ import annotations

import html
from collections.abc import Callable

from pbx_conformance import spec
from pbx_conformance.compare import Change, Comparison, TargetComparison
from pbx_conformance.report import STYLE, short_name

# (heading, its count's words, what it lists) in the order a reader wants them: what broke first.
SECTIONS: list[tuple[str, str, Callable[[Comparison], list[Change]]]] = [
    ("Newly failing (regressions)", "newly failing", lambda c: c.regressions),
    ("Fixed", "fixed", lambda c: c.fixed),
    ("Still failing", "still failing", lambda c: c.still_failing),
    ("Newly failing, accepted by a baseline", "accepted", lambda c: c.accepted),
    ("Newly skipped", "newly skipped", lambda c: c.newly_skipped),
    ("No longer run", "no longer run", lambda c: c.no_longer_run),
]
ALWAYS_SHOWN = ("Newly failing (regressions)", "Fixed")


def headline(comparison: Comparison) -> str:
    counts = ", ".join(f"{len(changes(comparison))} {words}" for _, words, changes in SECTIONS)
    if comparison.regressed:
        return f"REGRESSED: {counts}"
    return f"{'UNCHANGED' if comparison.unchanged else 'NO REGRESSION'}: {counts}"


def _in_order(changes: list[Change]) -> list[Change]:
    """By check, then the operations in the contract's order."""
    known = [operation.label for operation in spec.operations()] + [spec.token_label()]
    return sorted(
        changes, key=lambda c: (c.check, known.index(c.operation) if c.operation in known else 99, c.operation)
    )


def verdict(compared: list[TargetComparison]) -> str:
    """The one line that ends the console output."""
    if len(compared) == 1 and not compared[0].name and compared[0].comparison is not None:
        return headline(compared[0].comparison)
    regressed = [t.name for t in compared if t.comparison is not None and t.comparison.regressed]
    missing = [t.name for t in compared if t.comparison is None]
    text = f"REGRESSED on {', '.join(regressed)}" if regressed else "NO REGRESSION"
    text += f": {len(compared) - len(missing)} of {len(compared)} targets compared"
    return text + (f"; not compared: {', '.join(missing)}" if missing else "")


def _what(change: Change) -> str:
    if change.promise is None:
        return "-"
    return "the check" if change.promise == change.check else change.promise


def _operation(label: str) -> str:
    if label == "total":
        return "**total**"
    name = short_name(label)
    return f"`{name}` (`{label}`)" if name != label else f"`{label}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _overview_md(comparison: Comparison, old_name: str, new_name: str) -> list[str]:
    old, new = comparison.old, comparison.new
    rows = [
        ("report", f"`{old_name}`", f"`{new_name}`"),
        ("server", f"`{old.get('base_url')}`", f"`{new.get('base_url')}`"),
        ("verdict", str(old.get("verdict")), str(new.get("verdict"))),
        ("seed", str(old.get("seed")), str(new.get("seed"))),
        ("contract sha256", f"`{old['contract_sha256']}`", f"`{new['contract_sha256']}`"),
    ]
    return ["| | OLD | NEW |", "|---|---|---|", *(f"| {a} | {_cell(b)} | {_cell(c)} |" for a, b, c in rows)]


def _changes_md(comparison: Comparison, level: str) -> list[str]:
    lines = []
    for heading, _, changes in SECTIONS:
        found = _in_order(changes(comparison))
        if not found and heading not in ALWAYS_SHOWN:
            continue
        lines += ["", f"{level} {heading}", ""]
        if not found:
            lines.append("None.")
            continue
        lines += ["| check | operation | what failed | OLD | NEW |", "|---|---|---|---|---|"]
        lines += [
            f"| `{c.check}` | {_operation(c.operation)} | {_cell(_what(c))} | {_cell(c.before)} | {_cell(c.after)} |"
            for c in found
        ]
    lines += ["", f"{level} Request cost", "", "| operation | OLD | NEW | change |", "|---|---|---|---|"]
    lines += [f"| {_operation(label)} | {old} | {new} | {_delta(old, new)} |" for label, old, new in comparison.cost()]
    old_cases, new_cases = comparison.old.get("generated_cases", 0), comparison.new.get("generated_cases", 0)
    lines.append(f"| generated cases | {old_cases} | {new_cases} | {_delta(old_cases, new_cases)} |")
    return lines


def _delta(old: int, new: int) -> str:
    if old == new:
        return "0"
    share = f" ({(new - old) / old:+.0%})" if old else ""
    return f"{new - old:+d}{share}"


def markdown(compared: list[TargetComparison], old_name: str, new_name: str) -> str:
    if len(compared) == 1 and not compared[0].name and compared[0].comparison is not None:
        comparison = compared[0].comparison
        lines = ["# pbx-conformance compare", "", *_overview_md(comparison, old_name, new_name)]
        lines += ["", f"**{headline(comparison)}**", *_changes_md(comparison, "##")]
        return "\n".join(lines) + "\n"
    lines = ["# pbx-conformance compare: a fleet", "", f"OLD `{old_name}`, NEW `{new_name}`.", ""]
    lines += [
        "| target | OLD | NEW | newly failing | fixed | still failing | requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for target in compared:
        c = target.comparison
        if c is None:
            lines.append(f"| {target.name} | - | - | not compared: {_cell(target.not_compared or '')} | | | |")
            continue
        requests = c.cost()[-1]
        lines.append(
            f"| {target.name} | {c.old.get('verdict')} | {c.new.get('verdict')} | {len(c.regressions)} | "
            f"{len(c.fixed)} | {len(c.still_failing)} | {requests[1]} → {requests[2]} |"
        )
    lines += ["", f"**{verdict(compared)}**"]
    for target in compared:
        if target.comparison is not None:
            lines += ["", f"## {target.name}", "", f"**{headline(target.comparison)}**"]
            lines += _changes_md(target.comparison, "###")
    return "\n".join(lines) + "\n"


def as_html(compared: list[TargetComparison], old_name: str, new_name: str) -> str:
    e = html.escape
    parts = [f"<p>OLD <code>{e(old_name)}</code>, NEW <code>{e(new_name)}</code>.</p>"]
    fleet = not (len(compared) == 1 and not compared[0].name)
    if fleet:
        rows = "".join(
            f"<tr><th>{e(t.name)}</th><td>{e(t.not_compared or '')}</td></tr>"
            if t.comparison is None
            else f"<tr><th>{e(t.name)}</th><td class='{'failed' if t.comparison.regressed else 'passed'}'>"
            f"{e(headline(t.comparison))}</td></tr>"
            for t in compared
        )
        parts.append(f"<table><tr><th>target</th><th>what changed</th></tr>{rows}</table>")
    for target in compared:
        c = target.comparison
        if c is None:
            continue
        if fleet:
            parts.append(f"<h2>{e(target.name)}</h2>")
        parts.append(f"<p class='verdict-{'failed' if c.regressed else 'passed'}'><b>{e(headline(c))}</b></p>")
        overview = [
            ("server", c.old.get("base_url"), c.new.get("base_url")),
            ("verdict", c.old.get("verdict"), c.new.get("verdict")),
            ("seed", c.old.get("seed"), c.new.get("seed")),
            ("contract sha256", c.old["contract_sha256"], c.new["contract_sha256"]),
        ]
        parts.append(
            "<table><tr><th></th><th>OLD</th><th>NEW</th></tr>"
            + "".join(f"<tr><th>{e(a)}</th><td>{e(str(b))}</td><td>{e(str(d))}</td></tr>" for a, b, d in overview)
            + "</table>"
        )
        for heading, _, changes in SECTIONS:
            found = _in_order(changes(c))
            if not found and heading not in ALWAYS_SHOWN:
                continue
            parts.append(f"<h3>{e(heading)}</h3>")
            if not found:
                parts.append("<p>None.</p>")
                continue
            css = "failed" if heading.startswith("Newly failing (") else ""
            body = "".join(
                f"<tr><td>{e(x.check)}</td><td title='{e(x.operation)}'>{e(short_name(x.operation))}</td>"
                f"<td>{e(_what(x))}</td><td>{e(x.before)}</td><td class='{css}'>{e(x.after)}</td></tr>"
                for x in found
            )
            parts.append(
                "<table><tr><th>check</th><th>operation</th><th>what failed</th><th>OLD</th><th>NEW</th></tr>"
                f"{body}</table>"
            )
        cases = ("generated cases", c.old.get("generated_cases", 0), c.new.get("generated_cases", 0))
        cost = "".join(
            f"<tr><td title='{e(label)}'>{e(short_name(label))}</td><td>{old}</td><td>{new}</td>"
            f"<td>{e(_delta(old, new))}</td></tr>"
            for label, old, new in [*c.cost(), cases]
        )
        parts.append(
            "<h3>Request cost</h3><table><tr><th>operation</th><th>OLD</th><th>NEW</th><th>change</th></tr>"
            f"{cost}</table>"
        )
    title = e(verdict(compared))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pbx-conformance compare: {title}</title>
<style>{STYLE}td{{word-break:break-all}}</style></head><body>
<h1>pbx-conformance compare: {title}</h1>
{"".join(parts)}
</body></html>
"""

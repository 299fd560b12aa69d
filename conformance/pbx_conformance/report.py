"""The run's reports: a console summary table, JUnit XML for CI, JSON for tools, self-contained HTML for people."""

from __future__ import annotations

import html
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pbx_conformance import exchange, promises, spec
from pbx_conformance.baseline import Deviation
from pbx_conformance.budget import Budget
from pbx_conformance.restore import RestoreReport
from pbx_conformance.results import Failure, Results, Verdict
from pbx_conformance.settings import Settings
from pbx_kit import contract

CELL_TEXT = {Verdict.PASSED: "pass", Verdict.FAILED: "FAIL", Verdict.SKIPPED: "skip", Verdict.ACCEPTED: "accepted"}


def operation_order(results: Results) -> list[str]:
    """The contract's operations in its order, then the token endpoint, then anything else seen."""
    known = [operation.label for operation in spec.operations()] + [spec.token_label()]
    seen = {operation for operation, _ in results.cells} | set(results.requests)
    return [label for label in known if label in seen] + sorted(seen - set(known))


def check_order(results: Results) -> list[str]:
    return sorted({check for _, check in results.cells})


def short_name(label: str) -> str:
    """`updateClient` for `PUT /client/{client_id}/client/`: the operationId, or the label itself."""
    for operation in spec.operations():
        if operation.label == label:
            return operation.operation_id
    return "token" if label == spec.token_label() else label


def cell_text(results: Results, operation: str, check: str) -> str:
    cell = results.cells.get((operation, check))
    if cell is None:
        return "-"
    text = CELL_TEXT[cell.verdict]
    if cell.verdict in (Verdict.FAILED, Verdict.ACCEPTED):
        return f"{text} {cell.failed}/{cell.failed + cell.passed}"
    if cell.verdict is Verdict.PASSED:
        return f"{text} {cell.passed}"
    return text


def document(
    settings: Settings,
    seed: int,
    results: Results,
    restored: RestoreReport | None,
    unused: list[Deviation],
    duration: float,
    budget: Budget | None = None,
) -> dict[str, Any]:
    verdicts = results.verdicts()
    return {
        "verdict": "passed" if results.conforms else "failed",
        "base_url": settings.base_url,
        "contract_sha256": spec.contract_sha256(),
        "seed": seed,
        "duration": duration,
        "settings": {
            "phases": list(settings.phases),
            "max_examples": settings.max_examples,
            "max_time": settings.max_time,
            "no_writes": settings.no_writes,
            "identities": {
                "main": settings.main.client_id if settings.main else None,
                "other": settings.other.client_id if settings.other else None,
                "readonly": settings.readonly.client_id if settings.readonly else None,
            },
            "baseline": str(settings.baseline) if settings.baseline else None,
            "timeout": settings.timeout,
            "strict": settings.strict,
        },
        "budget": budget.to_dict() if budget is not None else None,
        "summary": {verdict.value: verdicts.get(verdict, 0) for verdict in Verdict},
        "requests": sum(results.requests.values()),
        "requests_by_operation": dict(results.requests),
        "generated_cases": results.generated_cases,
        "generated_cases_by_phase": dict(results.cases_by_phase),
        "cases_fingerprint": results.fingerprint.hexdigest(),
        "results": [
            {
                "operation": operation,
                "check": check,
                "verdict": cell.verdict.value,
                "passed": cell.passed,
                "failed": cell.failed,
                "skipped_because": cell.skipped_because,
                "accepted_because": cell.accepted_because,
                "promises": sorted(cell.promises),
            }
            for (operation, check), cell in sorted(results.cells.items())
        ],
        "failures": [
            {**failure.to_dict(), "reproduce": reproduction(failure, token_commands(settings))}
            for failure in results.failures
        ],
        "token_commands": token_commands(settings),
        "failed_checks": sorted(results.failed_checks()),
        "restore": restored.to_dict() if restored else None,
        "baseline_unused": [deviation.describe() for deviation in unused],
        "notes": results.notes + [f"baseline entry matched nothing: {d.describe()}" for d in unused],
        "warnings": results.warnings,
        "errors": results.errors,
    }


def add_coverage(
    document: dict[str, Any],
    checks: list[promises.CheckCoverage],
    found: list[promises.PromiseCoverage],
    results: Results,
) -> None:
    """What the run checked of each promise and with each check, and what each check spent: added to the report's
    document (`promises`, `checks`, `requests_by_check`, and the numbers of the promises checked thinly or left
    unchecked)."""
    document["requests_by_check"] = dict(results.requests_by_check)
    document["checks"] = [entry.to_dict() for entry in checks]
    document["promises"] = [entry.to_dict() for entry in found]
    document["promises_checked_thinly"] = promises.numbers(found, promises.Coverage.THIN)
    document["promises_left_unchecked"] = promises.numbers(found, promises.Coverage.UNCHECKED)


def _did_not_finish(document: dict[str, Any]) -> str | None:
    """What stopped a failing run, or None: exit 1 prints no one-line reason, so the console says it."""
    if document.get("could_not_finish") and document["verdict"] == "failed":
        return f"the run did not finish: {document['could_not_finish']}"
    return None


def quiet_console(document: dict[str, Any], summary: str) -> str:
    """--quiet: the verdict, the summary's last line, after what stopped a failing run (an incomplete restore
    among it), which an exit 1 says nowhere else."""
    stopped = _did_not_finish(document)
    verdict = summary.splitlines()[-1]
    return f"{stopped}\n{verdict}" if stopped else verdict


def _coverage_lines(document: dict[str, Any]) -> list[str]:
    lines = []
    stopped = _did_not_finish(document)
    if stopped:
        lines.append(stopped)
    by_number = {entry["number"]: entry for entry in document.get("promises", [])}
    thin = document.get("promises_checked_thinly", [])
    if thin:
        holders = sorted(
            {name for n in thin for name, got in by_number[n]["held_by"].items() if got == "checked thinly"}
        )
        lines.append(
            f"promises checked thinly (one case per rule: the budget left no room for more): "
            f"{', '.join(f'#{n}' for n in thin)} (by {', '.join(holders)})"
        )
    for number in document.get("promises_left_unchecked", []):
        entry = by_number[number]
        lines.append(f"PROMISE LEFT UNCHECKED: #{number} {entry['promise']} ({entry.get('why') or 'not run'})")
    if document.get("promises") and not thin and not document.get("promises_left_unchecked"):
        checkable = [entry for entry in document["promises"] if entry["coverage"] != "not checkable"]
        lines.append(f"every promise that can be checked from outside was checked ({len(checkable)})")
    spent = document.get("requests_by_check")
    if spent:
        ordered = sorted(spent.items(), key=lambda item: (-item[1], item[0]))
        lines.append("requests by check: " + ", ".join(f"{name} {count}" for name, count in ordered))
    return lines


# The CSS class of each coverage, shared by the promises' table and the checks'.
_COVERAGE_CSS = {"checked": "passed", "failed": "failed", "unchecked": "failed", "checked thinly": "accepted"}


def _promises_html(document: dict[str, Any]) -> str:
    """Every promise of the inventory, numbered as in PROMISES.md, with its coverage and the checks that hold it;
    first the numbers checked thinly and left unchecked, as the console says them."""
    e = html.escape
    found = document.get("promises", [])
    if not found:
        return "<p>None.</p>"
    lists = []
    for title, key in (("Checked thinly", "promises_checked_thinly"), ("Left unchecked", "promises_left_unchecked")):
        numbers = ", ".join(f"#{n}" for n in document.get(key, []))
        lists.append(f"<li>{title}: {e(numbers) or 'none'}</li>")
    rows = []
    for entry in found:
        held = ", ".join(f"{name} ({got})" for name, got in entry["held_by"].items()) or "-"
        rows.append(
            f"<tr><td>#{entry['number']}</td><td>{e(entry['promise'])}</td>"
            f"<td class='{_COVERAGE_CSS.get(entry['coverage'], 'skipped')}'>{e(entry['coverage'])}"
            f"{e(': ' + entry['why']) if entry.get('why') else ''}</td><td>{e(held)}</td></tr>"
        )
    return (
        f"<ul>{''.join(lists)}</ul><table><tr><th>#</th><th>promise</th><th>checked</th><th>held by</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _coverage_html(document: dict[str, Any]) -> str:
    e = html.escape
    spent = document.get("requests_by_check", {})
    rows = []
    for entry in document.get("checks", []):
        css = _COVERAGE_CSS
        requests = spent.get(entry["check"], "") if entry["requests"] is not None else "(schemathesis's cases)"
        rows.append(
            f"<tr><td>{e(entry['check'])}</td><td>{e(entry['promise'])}</td>"
            f"<td class='{css.get(entry['coverage'], 'skipped')}'>{e(entry['coverage'])}"
            f"{e(': ' + entry['why']) if entry['why'] else ''}</td><td>{e(str(requests))}</td></tr>"
        )
    parts = "".join(f"<li>{e(name)}: {count}</li>" for name, count in spent.items() if name not in {
        entry["check"] for entry in document.get("checks", [])})  # fmt: skip
    return (
        "<table><tr><th>check</th><th>promise</th><th>checked</th><th>requests</th></tr>"
        + "".join(rows)
        + f"</table><p>Requests of the run's other parts:</p><ul>{parts or '<li>None.</li>'}</ul>"
    )


def console(document: dict[str, Any], results: Results) -> str:
    operations = operation_order(results)
    headers = ["check"] + [short_name(label) for label in operations]
    rows = [[check] + [cell_text(results, label, check) for label in operations] for check in check_order(results)]
    rows.append(["requests sent"] + [str(results.requests.get(label, 0)) for label in operations])
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * width for width in widths])]
    out += [line(row) for row in rows[:-1]] + [line(["-" * width for width in widths]), line(rows[-1])]
    out.append("")
    width = max(len(short_name(label)) for label in operations)
    out += [f"{short_name(label).ljust(width)}  {label}" for label in operations]
    for check, operation, because in _skips(results):
        out.append(f"skipped: {check} on {short_name(operation)}: {because}")
    for failure in results.failures:
        mark = "accepted" if failure.accepted_because else "FAILED"
        out.append(f"{mark}: {failure.check} on {failure.operation}: {_first_line(failure.message)}")
        out += [f"    reproduce: {step}" for step in reproduction(failure, document.get("token_commands", {}))]
    for note in document["notes"] + [f"error: {error}" for error in document["errors"]]:
        out.append(note)
    out += _coverage_lines(document)
    out += [f"warning: {warning}" for warning in document.get("warnings", [])]
    restored = document.get("restore")
    if restored and restored["changed"]:
        out.append(
            f"restore: changed {', '.join(restored['changed'])}; restored {', '.join(restored['restored']) or 'none'}"
        )
    for entry in (restored or {}).get("clients", []):
        for field in entry["not_restored"]:
            out.append(f"NOT RESTORED: client {entry['client_id']} {_left_changed(field)}")
    counts = document["summary"]
    out.append(
        f"{document['verdict'].upper()}: {counts['failed']} failed, {counts['accepted']} accepted, "
        f"{counts['passed']} passed, {counts['skipped']} skipped; {document['requests']} requests, "
        f"{document['generated_cases']} generated cases, seed {document['seed']}, {document['duration']:.1f}s"
    )
    return "\n".join(out)


def _skips(results: Results) -> Iterator[tuple[str, str, str]]:
    reasons: dict[tuple[str, str], list[str]] = {}
    for (operation, check), cell in sorted(results.cells.items()):
        if cell.verdict is Verdict.SKIPPED and cell.skipped_because:
            reasons.setdefault((check, cell.skipped_because), []).append(operation)
    for (check, because), operations in reasons.items():
        yield check, operations[0] if len(operations) == 1 else f"{len(operations)} operations", because


def _first_line(text: str) -> str:
    return " ".join(text.split())[:240]


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def junit(document: dict[str, Any], results: Results) -> str:
    counts = document["summary"]
    suite = ElementTree.Element(
        "testsuite",
        name="pbx-conformance",
        tests=str(len(results.cells)),
        failures=str(counts["failed"]),
        errors=str(len(document["errors"])),
        skipped=str(counts["skipped"]),
        time=f"{document['duration']:.3f}",
    )
    for operation in operation_order(results):
        for check in check_order(results):
            cell = results.cells.get((operation, check))
            if cell is None:
                continue
            case = ElementTree.SubElement(suite, "testcase", classname=operation, name=check)
            if cell.verdict is Verdict.FAILED:
                failures = [f for f in results.failures if (f.operation, f.check) == (operation, check)]
                message = _first_line(failures[0].message) if failures else "failed"
                node = ElementTree.SubElement(case, "failure", message=message)
                node.text = "\n\n".join(f.message + (f"\nreproduce: {f.curl()}" if f.curl() else "") for f in failures)
            elif cell.verdict is Verdict.SKIPPED:
                ElementTree.SubElement(case, "skipped", message=cell.skipped_because or "not applicable")
            elif cell.verdict is Verdict.ACCEPTED:
                ElementTree.SubElement(case, "properties").append(
                    ElementTree.Element("property", name="accepted_because", value=cell.accepted_because or "")
                )
    for error in document["errors"]:
        case = ElementTree.SubElement(suite, "testcase", classname="run", name="schemathesis")
        ElementTree.SubElement(case, "error", message=_first_line(error))
    ElementTree.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suite, encoding="unicode") + "\n"


STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d232b}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .5rem;text-align:left}
td.passed{background:#e6f4ea}td.failed{background:#fde2e1;font-weight:600}td.skipped{background:#f1f1f4;color:#666}
td.accepted{background:#fff4d6}.verdict-failed{color:#b3261e}.verdict-passed{color:#1e7d32}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
details{border:1px solid #dde;border-radius:4px;padding:.4rem .8rem;margin:.6rem 0}summary{cursor:pointer}
"""


def as_html(document: dict[str, Any], results: Results) -> str:
    e = html.escape
    operations = operation_order(results)
    head = "".join(f"<th title='{e(label)}'>{e(short_name(label))}</th>" for label in operations)
    rows = []
    for check in check_order(results):
        cells = []
        for label in operations:
            cell = results.cells.get((label, check))
            css = cell.verdict.value if cell else ""
            title = (cell.skipped_because or cell.accepted_because or "") if cell else ""
            cells.append(f"<td class='{css}' title='{e(title)}'>{e(cell_text(results, label, check))}</td>")
        rows.append(f"<tr><th>{e(check)}</th>{''.join(cells)}</tr>")
    rows.append(
        "<tr><th>requests sent</th>"
        + "".join(f"<td>{results.requests.get(label, 0)}</td>" for label in operations)
        + "</tr>"
    )
    failures = []
    for failure in results.failures:
        parts = [f"<p>{e(failure.message)}</p>"]
        if failure.accepted_because:
            parts.insert(0, f"<p><b>Accepted by the baseline:</b> {e(failure.accepted_because)}</p>")
        if failure.exchange is not None:
            parts.append(_exchange_html(failure.exchange, "The request that shows it"))
        if len(failure.steps) > 1:
            steps = "".join(f"<li>{_exchange_html(step, None)}</li>" for step in failure.steps)
            parts.append(
                f"<details><summary>Every step, in order ({len(failure.steps)})</summary><ol>{steps}</ol></details>"
            )
        lines = reproduction(failure, document.get("token_commands", {}))
        if lines:
            parts.append(f"<h4>Reproduce (token first, then the call)</h4><pre>{e(chr(10).join(lines))}</pre>")
        mark = "accepted" if failure.accepted_because else "failed"
        summary = f"[{mark}] {failure.check} — {failure.operation}" + (
            f" ({failure.phase} phase)" if failure.phase else ""
        )
        failures.append(f"<details open><summary>{e(summary)}</summary>{''.join(parts)}</details>")
    skips = "".join(f"<li>{e(c)} on {e(o)}: {e(b)}</li>" for c, o, b in _skips(results))
    notes = "".join(f"<li>{e(n)}</li>" for n in document["notes"] + document["errors"])
    warnings = "".join(f"<li>{e(w)}</li>" for w in document.get("warnings", []))
    counts = document["summary"]
    verdict = e(document["verdict"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PBX API conformance: {e(document["verdict"])}</title>
<style>{STYLE}</style></head><body>
<h1>PBX API conformance report: <span class="verdict-{verdict}">{verdict.upper()}</span></h1>
<p>Server <code>{e(document["base_url"])}</code>, seed <code>{document["seed"]}</code>,
{document["requests"]} requests, {document["generated_cases"]} generated cases, {document["duration"]:.1f}s.
{counts["failed"]} failed, {counts["accepted"]} accepted, {counts["passed"]} passed, {counts["skipped"]} skipped.
{e(document.get("could_not_finish") or "")}
Each reproduction fetches its token first: <code>export PBX_CLIENT_SECRET=...</code> (and the other
applications' secrets) before running it.</p>
<h2>Operation by check</h2><table><tr><th>check</th>{head}</tr>{"".join(rows)}</table>
<h2>Failures</h2>{"".join(failures) or "<p>None.</p>"}
<h2>Skipped</h2><ul>{skips or "<li>None.</li>"}</ul>
<h2>Restore</h2>{_restore_html(document.get("restore"))}
<h2>Promises: each numbered as in PROMISES.md, how far the run got with it</h2>{_promises_html(document)}
<h2>Checks: what each holds, how far the run got with it, its requests</h2>{_coverage_html(document)}
<h2>Warnings</h2><ul>{warnings or "<li>None.</li>"}</ul>
<h2>Notes</h2><ul>{notes or "<li>None.</li>"}</ul>
</body></html>
"""


def _restore_html(restored: dict[str, Any] | None) -> str:
    """What the run changed on each client and whether it was put back, as the JSON's `restore` says."""
    e = html.escape
    if restored is None:
        return "<p>Nothing was written (--no-writes, or no snapshot could be taken).</p>"
    rows = []
    for entry in restored["clients"]:
        left = "; ".join(_left_changed(field) for field in entry["not_restored"]) or entry["error"]
        rows.append(
            f"<tr><td>{e(str(entry['client_id']))} ({e(entry['role'])})</td>"
            f"<td>{e(', '.join(entry['changed']) or '-')}</td><td>{e(', '.join(entry['restored']) or '-')}</td>"
            f"<td class='{'failed' if left else 'passed'}'>{e(left or 'none')}</td></tr>"
        )
    where = f"<p>Snapshot: <code>{e(restored['snapshot'])}</code></p>" if restored.get("snapshot") else ""
    return (
        f"{where}<table><tr><th>client</th><th>changed by the run</th><th>put back</th><th>NOT put back</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _left_changed(field: dict[str, Any]) -> str:
    original = json.dumps(field["original"], ensure_ascii=False)
    return f"{field['field']}: was {original}, now {json.dumps(field['current'], ensure_ascii=False)}"


def reproduction(failure: Failure, token_commands: dict[str, str]) -> list[str]:
    """How to reproduce a failure: the token request of each application its calls use, then the calls."""
    calls = failure.curl()
    if not calls:
        return []
    tokens = [command for variable, command in token_commands.items() if re.search(rf"\$\{{?{variable}\b", calls)]
    return [*tokens, calls]


def token_commands(settings: Settings) -> dict[str, str]:
    """A shell line per application that exports its token, the secret read from a variable, never written."""
    if settings.base_url is None:
        return {}
    token_url = settings.token_url or contract.token_url(settings.base_url)
    commands = {}
    for variable, secret, credentials in (
        ("PBX_TOKEN", "PBX_CLIENT_SECRET", settings.main),
        ("PBX_OTHER_TOKEN", "PBX_OTHER_CLIENT_SECRET", settings.other),
        ("PBX_READONLY_TOKEN", "PBX_READONLY_CLIENT_SECRET", settings.readonly),
    ):
        if credentials is None:
            continue
        commands[variable] = (
            f"export {variable}=$(curl -s {shlex.quote(token_url)} -d grant_type=client_credentials "
            f'-d client_id={shlex.quote(credentials.client_id)} -d client_secret="${secret}" '
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        )
    return commands


def _exchange_html(x: exchange.Exchange, title: str | None) -> str:
    e = html.escape
    request = f"{x.method} {x.url}\n" + "".join(f"{k}: {v}\n" for k, v in x.request_headers.items())
    request += "\n" + exchange.pretty(x.request_body)
    out = f"<h4>{e(title)}</h4>" if title else ""
    out += f"<pre>{e(request)}</pre>"
    if x.status is not None:
        response = f"HTTP {x.status}\n" + "".join(f"{k}: {v}\n" for k, v in x.response_headers.items())
        out += f"<pre>{e(response + chr(10) + exchange.pretty(x.response_body))}</pre>"
    else:
        out += "<p>No response.</p>"
    return out


def write(report_dir: Path, document: dict[str, Any], results: Results) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "report.json").write_text(as_json(document), encoding="utf-8")
    (report_dir / "junit.xml").write_text(junit(document, results), encoding="utf-8")
    (report_dir / "report.html").write_text(as_html(document, results), encoding="utf-8")

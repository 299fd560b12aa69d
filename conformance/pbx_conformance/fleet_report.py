"""A fleet's combined report, made from each target's own report beside it (`targets/NAME/`): the target by check
matrix in the console, `fleet.json`, `fleet.html`, and `junit.xml` with one test suite per target. A fleet run
writes it, and `merge` writes the same from the reports of several shards.

One entry per target says how its run ended: `conforms` (exit 0), `does not conform` (exit 1) or `could not be
tested` (exit 2, or no run at all), with the reason. The fleet's exit code: 1 when any target does not conform, else
2 when any could not be tested, else 0.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

from pbx_conformance import spec
from pbx_conformance.exit_codes import CONFORMS, COULD_NOT_RUN, DOES_NOT_CONFORM, CouldNotRun
from pbx_conformance.report import STYLE

FLEET_FILE = "fleet.json"
TARGETS_FOLDER = "targets"
REPORT_FILE = "report.json"
# What a target's run writes about its result (its console and snapshot aside).
TARGET_REPORT_FILES = (REPORT_FILE, "report.html", "junit.xml")
KIND = "pbx-conformance fleet"

CONFORMS_TEXT, DOES_NOT_CONFORM_TEXT, NOT_TESTED_TEXT = "conforms", "does not conform", "could not be tested"
STATUS_OF_EXIT = {CONFORMS: CONFORMS_TEXT, DOES_NOT_CONFORM: DOES_NOT_CONFORM_TEXT}
SHOUTED = {CONFORMS_TEXT: "PASSED", DOES_NOT_CONFORM_TEXT: "FAILED", NOT_TESTED_TEXT: "NOT TESTED"}
CSS = {CONFORMS_TEXT: "passed", DOES_NOT_CONFORM_TEXT: "failed", NOT_TESTED_TEXT: "skipped"}
CELL_CSS = {"pass": "passed", "skip": "skipped", "accepted": "accepted"}


def target_folder(report_dir: Path, name: str) -> Path:
    return report_dir / TARGETS_FOLDER / name


def target_entry(
    name: str,
    base_url: str,
    exit_code: int | None,
    reason: str | None,
    report_dir: Path,
    shard: int | None = None,
) -> dict[str, Any]:
    """How one target's run ended, with what its own report (if it wrote one) says."""
    document = read_target_report(report_dir, name)
    status = STATUS_OF_EXIT.get(exit_code, NOT_TESTED_TEXT) if exit_code is not None else NOT_TESTED_TEXT
    if status == NOT_TESTED_TEXT and reason is None:
        reason = (document or {}).get("could_not_finish") or (
            "it did not run" if exit_code is None else f"its run ended with exit status {exit_code}"
        )
    return {
        "name": name,
        "base_url": base_url,
        "shard": shard,
        "status": status,
        "exit_code": exit_code,
        "reason": reason if status == NOT_TESTED_TEXT else None,
        "report": f"{TARGETS_FOLDER}/{name}/{REPORT_FILE}" if document is not None else None,
        "verdict": document.get("verdict") if document else None,
        "summary": document.get("summary") if document else None,
        "requests": document.get("requests", 0) if document else 0,
        "failed_checks": document.get("failed_checks", []) if document else [],
        "duration": document.get("duration") if document else None,
    }


def clear_target_reports(folder: Path) -> None:
    """Remove a target's report files of an earlier run from its folder."""
    for name in TARGET_REPORT_FILES:
        (folder / name).unlink(missing_ok=True)


def read_target_report(report_dir: Path, name: str) -> dict[str, Any] | None:
    """The target's report.json, or None when its run wrote none (it could not start, or was never run)."""
    path = target_folder(report_dir, name) / REPORT_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def exit_code(entries: list[dict[str, Any]]) -> int:
    statuses = {entry["status"] for entry in entries}
    if DOES_NOT_CONFORM_TEXT in statuses:
        return DOES_NOT_CONFORM
    return COULD_NOT_RUN if NOT_TESTED_TEXT in statuses else CONFORMS


def document(entries: list[dict[str, Any]], report_dir: Path, about: dict[str, Any]) -> dict[str, Any]:
    """fleet.json: `about` (the targets file, shard, seed, duration) and each target's entry and matrix column."""
    code = exit_code(entries)
    return {
        "kind": KIND,
        "verdict": {CONFORMS: "passed", DOES_NOT_CONFORM: "failed"}.get(code, "incomplete"),
        "exit_code": code,
        "contract_sha256": spec.contract_sha256(),
        **about,
        "counts": {status: sum(1 for e in entries if e["status"] == status) for status in SHOUTED},
        "targets": entries,
        "matrix": matrix(entries, report_dir),
    }


def matrix(entries: list[dict[str, Any]], report_dir: Path) -> dict[str, dict[str, str]]:
    """check -> target -> `pass`, `FAIL n` (n operations failing), `accepted`, `skip` or `-` (not run there)."""
    cells: dict[str, dict[str, str]] = {}
    for entry in entries:
        report = read_target_report(report_dir, entry["name"]) if entry["report"] else None
        by_check: dict[str, list[str]] = {}
        for result in (report or {}).get("results", []):
            by_check.setdefault(result["check"], []).append(result["verdict"])
        for check, verdicts in by_check.items():
            cells.setdefault(check, {})[entry["name"]] = _cell(verdicts)
    return {check: cells[check] for check in sorted(cells)}


def _cell(verdicts: list[str]) -> str:
    if "failed" in verdicts:
        return f"FAIL {verdicts.count('failed')}"
    if "accepted" in verdicts:
        return "accepted"
    return "pass" if "passed" in verdicts else "skip"


def console(fleet: dict[str, Any], report_dir: Path) -> str:
    entries = fleet["targets"]
    names = [entry["name"] for entry in entries]
    rows = [[check, *(cells.get(name, "-") for name in names)] for check, cells in fleet["matrix"].items()]
    footer = [
        ["requests sent", *(str(entry["requests"]) for entry in entries)],
        ["verdict", *(SHOUTED[entry["status"]] for entry in entries)],
    ]
    headers = ["check", *names]
    widths = [max(len(row[i]) for row in [headers, *rows, *footer]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    rule = line(["-" * width for width in widths])
    out = [line(headers), rule, *(line(row) for row in rows), rule, *(line(row) for row in footer), ""]
    width = max([len(name) for name in names] or [0])
    for entry in entries:
        said = entry["status"]
        if entry["status"] == DOES_NOT_CONFORM_TEXT and entry["failed_checks"]:
            said += ": " + ", ".join(entry["failed_checks"])
        elif entry["reason"]:
            said += ": " + entry["reason"]
        out.append(f"{entry['name'].ljust(width)}  {entry['base_url']}  {said}")
    out.append(verdict_line(fleet))
    return "\n".join(out)


def verdict_line(fleet: dict[str, Any]) -> str:
    entries = fleet["targets"]

    def named(status: str) -> list[str]:
        return [entry["name"] for entry in entries if entry["status"] == status]

    failing, untested, conforming = named(DOES_NOT_CONFORM_TEXT), named(NOT_TESTED_TEXT), named(CONFORMS_TEXT)
    parts = []
    if failing:
        does = "does" if len(failing) == 1 else "do"
        parts.append(f"{len(failing)} of {len(entries)} targets {does} not conform ({', '.join(failing)})")
    if untested:
        parts.append(f"{len(untested)} could not be tested ({', '.join(untested)})")
    parts.append(f"{len(conforming)} of {len(entries)} {'conforms' if len(conforming) == 1 else 'conform'}")
    duration = fleet.get("duration")
    return f"{fleet['verdict'].upper()}: {'; '.join(parts)}" + (f"; {duration:.1f}s" if duration is not None else "")


def as_json(fleet: dict[str, Any]) -> str:
    return json.dumps(fleet, indent=2, ensure_ascii=False) + "\n"


def junit(fleet: dict[str, Any], report_dir: Path) -> str:
    """One <testsuite> per target: its own junit.xml's, named for the target, each test case's class prefixed with
    the target's name; a target that could not be tested has an error test case saying why."""
    suites = ElementTree.Element("testsuites", name="pbx-conformance fleet")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for entry in fleet["targets"]:
        suite = _target_suite(entry, report_dir)
        if entry["status"] == NOT_TESTED_TEXT:
            case = ElementTree.SubElement(suite, "testcase", classname=entry["name"], name="could not be tested")
            ElementTree.SubElement(case, "error", message=entry["reason"] or NOT_TESTED_TEXT)
            suite.set("tests", str(int(suite.get("tests", "0")) + 1))
            suite.set("errors", str(int(suite.get("errors", "0")) + 1))
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        suites.append(suite)
    for key, value in totals.items():
        suites.set(key, str(value))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


def _target_suite(entry: dict[str, Any], report_dir: Path) -> ElementTree.Element:
    name = entry["name"]
    try:
        suite = ElementTree.parse(target_folder(report_dir, name) / "junit.xml").getroot()
    except (OSError, ElementTree.ParseError):
        suite = ElementTree.Element("testsuite", tests="0", failures="0", errors="0", skipped="0")
    suite.set("name", name)
    suite.set("hostname", entry["base_url"])
    for case in suite.iter("testcase"):
        case.set("classname", f"{name}: {case.get('classname', '')}")
    return suite


def as_html(fleet: dict[str, Any]) -> str:
    e = html.escape
    entries = fleet["targets"]

    def link(entry: dict[str, Any]) -> str:
        if not entry["report"]:
            return e(entry["name"])
        return f"<a href='{e(TARGETS_FOLDER)}/{e(entry['name'])}/report.html'>{e(entry['name'])}</a>"

    head = "".join(f"<th title='{e(entry['base_url'])}'>{link(entry)}</th>" for entry in entries)
    rows = []
    for check, cells in fleet["matrix"].items():
        tds = []
        for entry in entries:
            text = cells.get(entry["name"], "-")
            css = {"pass": "passed", "skip": "skipped", "accepted": "accepted"}.get(
                text, "failed" if text != "-" else ""
            )
            tds.append(f"<td class='{css}'>{e(text)}</td>")
        rows.append(f"<tr><th>{e(check)}</th>{''.join(tds)}</tr>")
    rows.append("<tr><th>requests sent</th>" + "".join(f"<td>{entry['requests']}</td>" for entry in entries) + "</tr>")
    rows.append(
        "<tr><th>verdict</th>"
        + "".join(f"<td class='{CSS[entry['status']]}'>{SHOUTED[entry['status']]}</td>" for entry in entries)
        + "</tr>"
    )
    targets = "".join(
        f"<tr><td>{link(entry)}</td><td><code>{e(entry['base_url'])}</code></td>"
        f"<td class='{CSS[entry['status']]}'>{e(entry['status'])}</td>"
        f"<td>{e(entry['reason'] or ', '.join(entry['failed_checks']))}</td><td>{entry['requests']}</td></tr>"
        for entry in entries
    )
    verdict = e(fleet["verdict"])
    shard = fleet.get("shard")
    where = f", shard {shard['index']}/{shard['count']}" if shard else ""
    merged = fleet.get("merged_from")
    where += f", merged from {len(merged)} shards" if merged else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PBX API conformance, fleet: {verdict}</title>
<style>{STYLE}</style></head><body>
<h1>PBX API conformance, fleet: <span class="verdict-{verdict}">{verdict.upper()}</span></h1>
<p>{e(verdict_line(fleet))}</p>
<p>Targets file <code>{e(str(fleet.get("targets_file")))}</code>{e(where)},
seed <code>{e(str(fleet.get("seed")))}</code>, contract sha256 <code>{e(fleet["contract_sha256"])}</code>.
Each target's own report is linked from its name.</p>
<h2>Targets</h2>
<table><tr><th>target</th><th>base URL</th><th>status</th><th>why</th><th>requests</th></tr>{targets}</table>
<h2>Check by target</h2>
<table><tr><th>check</th>{head}</tr>{"".join(rows)}</table>
</body></html>
"""


def write(report_dir: Path, fleet: dict[str, Any]) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / FLEET_FILE).write_text(as_json(fleet), encoding="utf-8")
    (report_dir / "fleet.html").write_text(as_html(fleet), encoding="utf-8")
    (report_dir / "junit.xml").write_text(junit(fleet, report_dir), encoding="utf-8")


def load(path: Path, which: str) -> dict[str, Any]:
    """A fleet's fleet.json; CouldNotRun, one line, if it cannot be read as one."""
    try:
        fleet = json.loads((path / FLEET_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CouldNotRun(f"{which} {path}: no {FLEET_FILE} there (the --report-dir of a run with --targets)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CouldNotRun(f"{which} {path / FLEET_FILE}: cannot read it as JSON ({type(error).__name__})") from None
    if not isinstance(fleet, dict) or fleet.get("kind") != KIND or not isinstance(fleet.get("targets"), list):
        raise CouldNotRun(f"{which} {path / FLEET_FILE}: not a fleet's report")
    return fleet


def is_fleet(path: Path) -> bool:
    return (path / FLEET_FILE).is_file()


def publish(fleet: dict[str, Any], report_dir: Path, quiet: bool, out: TextIO, err: TextIO) -> int:
    """Write the combined report, print the matrix (the verdict alone when quiet) and a line on stderr for each
    target that could not be tested; the exit code."""
    write(report_dir, fleet)
    summary = console(fleet, report_dir)
    print(summary.splitlines()[-1] if quiet else summary, file=out)
    if not quiet:
        print(
            f"reports: {report_dir}/fleet.html, fleet.json, junit.xml; each target's own in "
            f"{report_dir}/{TARGETS_FOLDER}/NAME/",
            file=out,
        )
    for entry in fleet["targets"]:
        if entry["status"] == NOT_TESTED_TEXT:
            print(f"pbx-conformance: could not test target {entry['name']}: {entry['reason']}", file=err)
    code: int = fleet["exit_code"]
    return code if code in (0, 1) else COULD_NOT_RUN

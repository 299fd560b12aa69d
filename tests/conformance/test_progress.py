"""Progress while a run goes: live on a terminal, a plain line every few seconds elsewhere, JSON lines for
programs, only the verdict with --quiet."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from pbx_conformance import cli, progress_display, suite_run
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import MAX_EXAMPLES, QUICK_PHASES, settings_for

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # anything but a newline
SMALL_RUN = ["--seed", "1", "--max-examples", str(MAX_EXAMPLES), "--phases", ",".join(QUICK_PHASES)]


def test_a_plain_line_every_few_seconds_without_control_characters(monkeypatch, report_dir: Path) -> None:
    monkeypatch.setattr(progress_display, "PLAIN_INTERVAL", 0.5)
    out = io.StringIO()  # not a terminal: `auto` is plain lines
    with running_emulator(extra_args=["--latency", "10", "--quiet"]) as server:
        code = suite_run.hold_to_contract(settings_for(server, report_dir, phases=QUICK_PHASES), out)
    text = out.getvalue()
    assert code == 0, text
    assert not CONTROL.search(text), [line for line in text.split("\n") if CONTROL.search(line)][:3]
    lines = [line for line in text.splitlines() if line.startswith("progress: ")]
    assert len(lines) >= 3, text
    assert any(line.startswith("progress: suite checks ") for line in lines), lines
    assert any(line.startswith(("progress: examples", "progress: fuzzing")) for line in lines), lines
    sent = [int(re.search(r"; (\d+)/2000 requests;", line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert sent == sorted(sent) and sent[-1] > sent[0]
    assert all("quota left " in line and " failing; " in line and " elapsed" in line for line in lines)
    assert any("about " in line and line.endswith(" left") for line in lines)
    assert text.rstrip().splitlines()[-1].startswith("reports: ")


def test_json_lines_for_a_program(report_dir: Path) -> None:
    out = io.StringIO()
    with running_emulator(extra_args=["--quiet"]) as server:
        settings = settings_for(server, report_dir, phases=QUICK_PHASES, progress="json")
        assert suite_run.hold_to_contract(settings, out) == 0
    states = [json.loads(line)["progress"] for line in out.getvalue().splitlines() if line.startswith('{"progress"')]
    assert states, out.getvalue()
    assert states[-1]["sent"] == json.loads((report_dir / "report.json").read_text())["budget"]["sent"]
    assert {"stage", "operation", "sent", "max_requests", "quota_left", "failing", "elapsed", "left"} <= set(states[0])


def test_quiet_prints_only_the_verdict(capsys) -> None:
    code = cli.main(["run", *SMALL_RUN, "--quiet"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    assert len(captured.out.splitlines()) == 1, captured.out
    assert captured.out.startswith("PASSED: 0 failed, ")


def test_live_on_a_terminal() -> None:
    """Through a pseudo-terminal, as `make conformance` shows it: rich redraws the display in place."""
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "pbx_conformance", "run", *SMALL_RUN]
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
    os.close(secondary)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal closed: the run has ended
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(primary)
    assert process.wait(30) == 0
    text = output.decode("utf-8", errors="replace")
    assert "\x1b[" in text  # drawn with terminal control sequences
    assert "pbx-conformance " in text and "suite checks" in text and "requests " in text and "quota left " in text
    assert "progress: " not in text  # not the plain lines
    assert "PASSED: 0 failed" in text.splitlines()[-1]


def test_quiet_keeps_what_stopped_a_failing_run(report_dir: Path) -> None:
    """Exit 1 prints no one-line reason on stderr: under --quiet the verdict still follows what stopped the run."""
    out = io.StringIO()
    with running_emulator(faults=["put-not-stored"], extra_args=["--quiet"]) as server:
        settings = settings_for(server, report_dir, max_requests=120, quiet=True)
        assert suite_run.hold_to_contract(settings, out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("the run did not finish: stopped before the run finished: --max-requests 120")
    assert lines[1].startswith("FAILED: ")

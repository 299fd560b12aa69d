"""`pbx-conformance run --targets FILE`: every target tested at once, each by a run of its own, into one combined
report (fleet_report.py) with each target's own report beside it.

Each target's run is a process of its own, `python -m pbx_conformance run ...` with the target's settings
(targets.py): its own budget, pace and quota reserve, its own snapshot and restore, its own schemathesis (whose
hooks are global to a process) and both of the machine's cores. A target that is slow holds only its own process.
The fleet follows each one's progress (its JSON lines), and its exit code and one-line reason say how it ended.

Ctrl-C or SIGTERM: every running target is sent SIGTERM, which stops it at a safe point and restores its clients;
the fleet waits for each to finish restoring, then writes the combined report (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import IO, Any, TextIO

from pbx_conformance import fleet_report, progress_display
from pbx_conformance.interruption import handling_stop_signals
from pbx_conformance.targets import FleetSettings, TargetRun

REASON_PREFIX = "pbx-conformance: could not run: "
POLL_INTERVAL = 0.1


class TargetProcess:
    """One target's run: its process, its latest progress, how it ended."""

    def __init__(self, run: TargetRun, report_dir: Path) -> None:
        self.run = run
        self.name = run.target.name
        self.folder = fleet_report.target_folder(report_dir, self.name)
        self.process: subprocess.Popen[str] | None = None
        self.status = "waiting"
        self.reason: str | None = None
        self.progress: dict[str, Any] = {
            "stage": "waiting",
            "operation": "",
            "sent": 0,
            "max_requests": run.settings.max_requests,
            "quota_left": None,
            "failing": 0,
            "elapsed": 0.0,
            "left": None,
        }
        self._reader: threading.Thread | None = None
        self._console: IO[str] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._console = open(self.folder / "console.txt", "w", encoding="utf-8")  # noqa: SIM115 (closed in finish)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pbx_conformance", *self.run.argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**self.run.environment, "PYTHONUNBUFFERED": "1"},
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own session: Ctrl-C on the terminal reaches the fleet only, which passes one SIGTERM on.
            start_new_session=True,
        )
        self.status = "running"
        self.progress["stage"] = "starting"
        self._reader = threading.Thread(target=self._read, name=f"fleet {self.name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Its stdout: progress lines (JSON) are followed, everything else kept in console.txt; its stderr: the
        one-line reason of an exit 2."""
        assert self.process is not None and self.process.stdout is not None and self._console is not None
        errors = threading.Thread(target=self._read_errors, daemon=True)
        errors.start()
        for line in self.process.stdout:
            if line.startswith('{"progress"'):
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    self.progress = {**self.progress, **json.loads(line)["progress"]}
                continue
            self._console.write(line)
        errors.join()

    def _read_errors(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        with open(self.folder / "stderr.txt", "w", encoding="utf-8") as kept:
            for line in self.process.stderr:
                kept.write(line)
                if line.startswith(REASON_PREFIX):
                    self.reason = line.removeprefix(REASON_PREFIX).strip()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM: the run stops at its next safe point and restores what it changed."""
        if self.running:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)

    def finish(self) -> dict[str, Any]:
        """Its entry in the combined report, once its process has ended (or never started)."""
        code: int | None = None
        if self.process is not None:
            code = self.process.wait()
            if self._reader is not None:
                self._reader.join()
            if code < 0:
                self.reason = self.reason or f"its run was killed by signal {-code}"
        if self._console is not None:
            self._console.close()
        entry = fleet_report.target_entry(
            self.name,
            self.run.target.base_url,
            code,
            self.reason if code != 0 else None,
            self.folder.parent.parent,
            shard=None,
        )
        self.status = entry["status"]
        self.progress["stage"] = "done"
        return entry

    def row(self) -> tuple[str, dict[str, Any]]:
        status = self.status
        if status == "running" and not self.running:
            status = "finishing"
        return self.name, {**self.progress, "status": status}


class FleetInterruption:
    """Ctrl-C or SIGTERM: no target is started any more, and every running one is told to stop (and restore)."""

    def __init__(self, processes: list[TargetProcess]) -> None:
        self.processes = processes
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        for process in self.processes:
            process.stop()

    def installed(self) -> contextlib.AbstractContextManager[None]:
        return handling_stop_signals(self)


def run_fleet(fleet: FleetSettings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Test every target of the slice; the exit code (fleet_report.exit_code)."""
    out, err = out or sys.stdout, err or sys.stderr
    started = time.monotonic()
    fleet.report_dir.mkdir(parents=True, exist_ok=True)
    names = [target.name for target in fleet.targets_file.targets]
    in_file = [{"name": target.name, "base_url": target.base_url} for target in fleet.targets_file.targets]
    slice_text = f", shard {fleet.shard[0]}/{fleet.shard[1]}" if fleet.shard else ""
    if not fleet.quiet:
        print(
            f"fleet: {len(fleet.runs)} of {len(names)} targets of {fleet.targets_file.path}{slice_text}, seed "
            f"{fleet.seed}, {min(fleet.parallel, len(fleet.runs) or 1)} at once",
            file=out,
        )
    processes = [TargetProcess(run, fleet.report_dir) for run in fleet.runs]
    for process in processes:
        # A report an earlier run left in the folder would be read as this run's result (a target that cannot
        # even start writes none): only the snapshot stays, which `restore` may still need.
        fleet_report.clear_target_reports(process.folder)
    interruption = FleetInterruption(processes)
    mode = progress_display.resolve(fleet.progress, out)
    announced: set[str] = set()
    entries: dict[str, dict[str, Any]] = {}
    with (
        interruption.installed(),
        progress_display.shown(lambda: [process.row() for process in processes], mode, out),
    ):
        waiting = list(processes)
        while waiting or any(process.process is not None and process.name not in entries for process in processes):
            running = sum(1 for process in processes if process.running)
            while waiting and running < fleet.parallel and not interruption.requested:
                waiting.pop(0).start()
                running += 1
            for process in processes:
                if process.process is not None and not process.running and process.name not in entries:
                    entries[process.name] = process.finish()
                    if mode == "plain" and process.name not in announced:
                        announced.add(process.name)
                        print(_finished_line(entries[process.name]), file=out, flush=True)
            if interruption.requested and waiting:
                for process in waiting:
                    process.reason = "interrupted before its run started"
                waiting = []
            time.sleep(POLL_INTERVAL)
    for process in processes:
        if process.name not in entries:  # interrupted before it started
            entries[process.name] = process.finish()
    ordered = [entries[process.name] for process in processes]
    about = {
        "targets_file": str(fleet.targets_file.path),
        "targets_sha256": fleet.targets_file.sha256,
        "targets_in_file": in_file,
        "shard": {"index": fleet.shard[0], "count": fleet.shard[1]} if fleet.shard else None,
        "seed": fleet.seed,
        "duration": time.monotonic() - started,
    }
    for entry in ordered:
        entry["shard"] = fleet.shard[0] if fleet.shard else None
    fleet_document = fleet_report.document(ordered, fleet.report_dir, about)
    return fleet_report.publish(fleet_document, fleet.report_dir, fleet.quiet, out, err)


def _finished_line(entry: dict[str, Any]) -> str:
    said = entry["status"]
    if entry["reason"]:
        said += f": {entry['reason']}"
    elif entry["failed_checks"]:
        said += f": {', '.join(entry['failed_checks'])}"
    return f"finished: {entry['name']}: {said}"

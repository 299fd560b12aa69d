"""`pbx-conformance run`, one run of the suite: check the server can be reached, snapshot, run the suite's own
checks and schemathesis's engine, restore, report. Returns the exit code: 0 conforms, 1 does not, 2 could not run."""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import httpx

from pbx_conformance import (
    baseline,
    checks,
    preflight,
    progress_display,
    promises,
    report,
    restore,
    schemathesis_engine,
    spec,
)
from pbx_conformance.budget import Budget, StopRun
from pbx_conformance.connection import http_client, token_source
from pbx_conformance.exit_codes import CONFORMS, DOES_NOT_CONFORM, CouldNotRun
from pbx_conformance.interruption import Interruption, interrupts_held
from pbx_conformance.oauth import TokenRefused, Unreachable
from pbx_conformance.progress import RunProgress
from pbx_conformance.restore import ClientSnapshot, NoSnapshot, RestoreReport
from pbx_conformance.results import Failure, Results
from pbx_conformance.scenario_runner import run_scenario_checks
from pbx_conformance.session import TargetSession
from pbx_conformance.settings import DEFAULT_SNAPSHOT_DIR, Settings
from pbx_kit import contract
from pbx_kit.command_line import distribution_version


def hold_to_contract(settings: Settings, out: TextIO | None = None) -> int:
    """Hold the server the settings name (none: a local emulator this starts and stops) to the contract; the
    exit code. The progress and the summary go to `out` (default: stdout); stderr is left to the one-line reason
    of an exit 2."""
    out = out or sys.stdout
    if settings.targets_emulator:
        # Loaded only for a run of the local emulator, not to break a cycle: Hypothesis draws values from the
        # literals of every local module loaded, so loading the emulator's code would change the cases a seed
        # gives against a real server.
        try:
            from pbx_conformance import local_emulator
        except ModuleNotFoundError as missing:
            if missing.name != "pbx_emulator":
                raise
            raise CouldNotRun(
                "no --base-url, and the local emulator it would test is not installed: "
                f'pip install "pbx-conformance[emulator]=={distribution_version("pbx-conformance")}", '
                "or name a server with --base-url"
            ) from None

        with local_emulator.emulator_settings(settings) as emulator_settings:
            if not settings.quiet:
                print(f"testing the local emulator at {emulator_settings.base_url}", file=out)
            return _hold_to_contract(emulator_settings, out)
    return _hold_to_contract(settings, out)


def _hold_to_contract(settings: Settings, out: TextIO) -> int:
    deviations = baseline.load(settings.baseline) if settings.baseline else []
    seed = settings.seed if settings.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    base_url = settings.base_url
    assert base_url is not None  # settings_from() requires it; local_emulator sets it
    token_url = settings.token_url or contract.token_url(base_url)
    budget = Budget(settings.max_requests, settings.rate, settings.quota_reserve, settings.max_time)
    if not settings.quiet:
        print(f"budget: {budget.describe()}; --timeout {settings.timeout:g} s per request", file=out)
    results = Results()
    interruption = Interruption()
    outcome = Outcome()
    tracker = RunProgress.of(budget, results, settings.phases, settings.max_examples, settings.no_writes)
    display = "off" if settings.quiet else settings.progress
    with (
        progress_display.shown(lambda: [("", tracker.state())], display, out),
        interruption.installed(),
        http_client(settings.timeout, budget) as http,
    ):
        session: TargetSession | None = None
        try:
            tracker.enter("preflight")
            main = token_source(token_url, settings.main, settings.token, http, "--client-id", results, "PBX_TOKEN")
            assert main is not None
            session = TargetSession(
                base_url, token_url, http, main, results, no_writes=settings.no_writes, budget=budget
            )
            _preflight(session, settings)
            session.other = token_source(
                token_url, settings.other, settings.other_token, http, "--other-client-id", results, "PBX_OTHER_TOKEN"
            )
            session.readonly = token_source(
                token_url,
                settings.readonly,
                settings.readonly_token,
                http,
                "--readonly-client-id",
                results,
                "PBX_READONLY_TOKEN",
            )
            _checks(session, settings, seed, interruption, outcome, tracker)
        except KeyboardInterrupt:
            outcome.interrupted = True
        except StopRun as stop:
            outcome.stopped = str(stop)
        except (httpx.TransportError, TokenRefused, Unreachable, schemathesis_engine.SchemathesisStopped) as error:
            if session is None or not outcome.snapshots:
                raise CouldNotRun(str(error) or type(error).__name__) from None
            outcome.broke_off = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        finally:
            # What stopped the checks, not the restore: a restore the quota cut short is said by its own report.
            outcome.stopped = outcome.stopped or budget.stopped
            if session is not None and outcome.snapshots:
                tracker.enter("restore")
                with interrupts_held(), _counted(results, budget, "restore"):
                    budget.restoring = True
                    outcome.restored = _restore(session, outcome)
    return _conclude(settings, seed, results, outcome, deviations, budget, time.monotonic() - started, out)


class Outcome:
    """How the run went, beyond the results of its checks."""

    def __init__(self) -> None:
        self.interrupted = False
        self.stopped: str | None = None
        self.broke_off: str | None = None
        # Why no PUT was sent although writes were allowed (the main client could not be snapshotted).
        self.writes_blocked: str | None = None
        self.snapshots: list[ClientSnapshot] = []
        self.snapshot_path: Path | None = None
        self.restored: RestoreReport | None = None


def _preflight(session: TargetSession, settings: Settings) -> None:
    """One authenticated read before anything else: what cannot be the API is misconfiguration (exit 2)."""
    read = spec.reads()[0]
    url = read.url(session.base_url, contract.ME)
    try:
        response = session.call(read, contract.ME)
    except httpx.HTTPError as error:
        raise CouldNotRun(preflight.explain_transport_error(error, url, settings.timeout)) from None
    option = "--token" if session.main.credentials is None else "--client-id"
    problem = preflight.read_problem(response, url, option)
    if problem is not None:
        raise CouldNotRun(problem)


def _checks(
    session: TargetSession,
    settings: Settings,
    seed: int,
    interruption: Interruption,
    outcome: Outcome,
    tracker: RunProgress,
) -> None:
    session.results.requests_by_check["setup"] += session.budget.sent  # the token requests and the first read
    if not settings.no_writes:
        tracker.enter("snapshot")
        with _counted(session.results, session.budget, "setup"):
            _snapshot(session, settings, outcome)
            _learn_write_access(session, outcome)
    run_scenario_checks(
        session,
        stop=lambda: interruption.requested or session.budget.stopped is not None,
        on_start=tracker.scenario_started,
    )
    with _counted(session.results, session.budget, "setup"):
        information = checks.http_basic_at_the_token_endpoint(session)
    if information is not None:
        session.results.notes.append(information)
    if interruption.requested:
        raise KeyboardInterrupt
    if session.budget.stopped is not None:
        raise StopRun(session.budget.stopped)
    tracker.enter("starting schemathesis")
    schema = schemathesis_engine.load(settings, session.base_url, seed, session.main, session.results, session.budget)
    if session.no_writes and not settings.no_writes:  # writes blocked by a failed snapshot (load() covers --no-writes)
        schema = schema.include(method="GET")
    with _counted(session.results, session.budget, SCHEMATHESIS):
        schemathesis_engine.run_phases(
            schema,
            session.results,
            on_stream=interruption.watch,
            budget=session.budget,
            on_event=tracker.schemathesis_event,
        )
    if interruption.requested:
        raise KeyboardInterrupt


# The parts of a run whose requests are counted beside each check's: `setup` (token requests, the preflight read,
# the snapshot, the write-access probe), schemathesis's phases, and the restore.
SCHEMATHESIS = "schemathesis phases"


@contextlib.contextmanager
def _counted(results: Results, budget: Budget, part: str) -> Iterator[None]:
    """The requests sent within the block, counted for `part` in the report's requests by check."""
    before = budget.sent
    try:
        yield
    finally:
        results.requests_by_check[part] += budget.sent - before


def _learn_write_access(session: TargetSession, outcome: Outcome) -> None:
    """Whether the writing application may write at all, learnt harmlessly: one PUT of a value the snapshot holds.
    A "Call API" application (or one acting for a read-only user) is misconfiguration, not non-conformance."""
    if session.no_writes or not outcome.snapshots:
        return
    main = outcome.snapshots[0]
    name = next((field for field in spec.free_text_fields() if field in main.fields), None)
    if name is None:
        return
    response = session.call(spec.writes()[0], contract.ME, json={name: main.fields[name]})
    option = "--token" if session.main.credentials is None else "--client-id"
    problem = preflight.write_access_problem(response, option, session.main.name)
    if problem is not None:
        raise CouldNotRun(problem)


def _snapshot(session: TargetSession, settings: Settings, outcome: Outcome) -> None:
    """Every client the run could change, read and written to the report folder before the first write."""
    try:
        main = restore.take(session, "main", session.main)
    except NoSnapshot as reason:
        outcome.writes_blocked = f"no snapshot of the client under test: {reason}"
        session.no_writes = True
        session.no_writes_because = outcome.writes_blocked
        return
    outcome.snapshots.append(main)
    session.restorable = frozenset(main.fields)
    for role, identity in (("other", session.other), ("readonly", session.readonly)):
        if identity is None:
            continue
        try:
            snapshot = restore.take(session, role, identity)
        except NoSnapshot as reason:
            if role == "other":
                session.other_write_blocked = f"no snapshot of the other client, so no PUT is sent to it: {reason}"
            continue
        if snapshot.client_id != main.client_id:
            outcome.snapshots.append(snapshot)
    report_dir = settings.report_dir or DEFAULT_SNAPSHOT_DIR
    outcome.snapshot_path = restore.write_snapshots(report_dir, session.base_url, outcome.snapshots)
    # Enough requests kept back to read, write and read each client again, and to retry fields one by one.
    session.budget.restore_allowance = 3 * len(outcome.snapshots) + len(contract.writable_fields())
    session.on_unexpected_write = lambda: _restore(session, outcome)


def _restore(session: TargetSession, outcome: Outcome) -> RestoreReport:
    identities = {"main": session.main, "other": session.other, "readonly": session.readonly}
    return restore.restore_all(session, outcome.snapshots, identities, outcome.snapshot_path)


def _conclude(
    settings: Settings,
    seed: int,
    results: Results,
    outcome: Outcome,
    deviations: list[baseline.Deviation],
    budget: Budget,
    duration: float,
    out: TextIO,
) -> int:
    restored = outcome.restored
    if restored is not None and not restored.complete and not restored.budget_stopped:
        # A restore the quota cut short is no verdict on the server: the reason says so, with `restore --from`.
        problem = restored.error or f"fields not restored: {restored.not_restored}"
        results.failed(Failure(check="changed_fields_are_restored", operation=spec.writes()[0].label, message=problem))
    if outcome.writes_blocked:
        results.notes.append(f"{outcome.writes_blocked}; no PUT was sent, the writing checks were not run")
    if settings.no_writes or outcome.writes_blocked:
        because = "--no-writes: no PUT is sent" if settings.no_writes else str(outcome.writes_blocked)
        for operation in spec.writes():
            results.skipped(operation.label, "schemathesis phases", because)
    unused = baseline.apply(deviations, results)
    checks_covered = promises.of_checks(results, schemathesis_engine.checks_run())
    promises_covered = promises.of_promises(checks_covered)
    unchecked = [f"#{n}" for n in promises.numbers(promises_covered, promises.Coverage.UNCHECKED)]
    if outcome.stopped is not None and not unchecked:
        # Every promise was checked before the budget ran out: the stop only ended schemathesis's filling.
        results.notes.append(
            f"the budget ended the schemathesis phases ({outcome.stopped}) after {results.generated_cases} "
            "generated cases; every promise was checked first"
        )
    document = report.document(settings, seed, results, restored, unused, duration, budget)
    report.add_coverage(document, checks_covered, promises_covered, results)
    reason = _could_not_finish(results, outcome, settings, unchecked)
    failed = bool(results.failed_checks())
    if reason is not None:
        # A check that failed is a verdict on the server whatever stopped the run after it (exit 1); with none,
        # the run could not finish (exit 2).
        document["verdict"] = "failed" if failed else "interrupted" if outcome.interrupted else "incomplete"
        document["could_not_finish"] = reason
    summary = report.console(document, results)
    print(report.quiet_console(document, summary) if settings.quiet else summary, file=out)
    if settings.report_dir is not None:
        report.write(settings.report_dir, document, results)
        if not settings.quiet:
            print(f"reports: {settings.report_dir}/report.html, report.json, junit.xml", file=out)
    if reason is not None and not failed:
        raise CouldNotRun(reason)
    return CONFORMS if results.conforms else DOES_NOT_CONFORM


def _could_not_finish(
    results: Results, outcome: Outcome, settings: Settings, unchecked: list[str] | None = None
) -> str | None:
    """Why the run could not do its work, or None: an incomplete run is exit 2 unless a check failed first, never
    a verdict of conformance. A budget that ran out once every promise was checked (`unchecked` empty) ended only
    schemathesis's filling of what was left: the run finished, unless the restore was left incomplete."""
    restored = _restore_summary(outcome.restored)
    shown = ", ".join(unchecked[:SHOWN_UNCHECKED]) if unchecked else ""
    if unchecked and len(unchecked) > SHOWN_UNCHECKED:
        shown += f" and {len(unchecked) - SHOWN_UNCHECKED} more"
    left = f"; promises left unchecked: {shown} (report.json's promises)" if shown else ""
    if outcome.interrupted:
        return f"interrupted before the run finished; {restored}"
    if outcome.broke_off is not None:
        return f"the run broke off ({outcome.broke_off[:200]}); {restored}"
    if outcome.stopped is not None and (unchecked or unchecked is None):
        return f"stopped before the run finished: {outcome.stopped}{left}; {restored}"
    if outcome.restored is not None and not outcome.restored.complete:
        # Every check ran, but the client is left changed (the quota cut the restore short, or the server would not
        # take its values back): never a passing run, and the console says how to put the client back.
        return f"the checks finished, but {restored}"
    if outcome.writes_blocked is not None and not results.failed_checks():
        # With failed checks the server is already shown not to conform (exit 1); the writing checks are
        # reported not run, with this reason, either way.
        return f"{outcome.writes_blocked}; no PUT was sent, the writing checks were not run (--no-writes: read-only)"
    if results.errors and not results.failed_checks():
        return f"the test engine could not finish its work: {results.errors[0][:200]}"
    return None


# How many unchecked promises the one-line reason names; report.json lists them all.
SHOWN_UNCHECKED = 12


def _restore_summary(restored: RestoreReport | None) -> str:
    if restored is None:
        return "nothing was written"
    if restored.complete:
        return "the client was restored"
    return restored.summary()

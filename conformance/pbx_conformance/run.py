"""One run of the suite: check the server can be reached, snapshot, run the suite's own checks and
schemathesis's engine, restore, report. Returns the exit code: 0 conforms, 1 does not, 2 could not run."""

from __future__ import annotations

import contextlib
import json
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import httpx
from schemathesis.engine.core import EventStream

from pbx_conformance import baseline, checks, local, preflight, report, restore, schemathesis_engine, spec
from pbx_conformance.budget import Budget, StopRun
from pbx_conformance.context import Context
from pbx_conformance.oauth import TokenRefused, TokenSource, Unreachable
from pbx_conformance.restore import ClientSnapshot, NoSnapshot, RestoreReport
from pbx_conformance.results import Failure, Results
from pbx_conformance.scenario_runner import run_scenario_checks
from pbx_conformance.settings import Credentials, RestoreSettings, Settings
from pbx_kit import contract

CONFORMS, DOES_NOT_CONFORM, COULD_NOT_RUN = 0, 1, 2


class CouldNotRun(Exception):
    """The run cannot happen; the message is the one-line reason."""


class Interruption:
    """Ctrl-C or SIGTERM: during schemathesis's phases the first asks the engine to stop at the next safe point
    (the case in flight finishes, bounded by --timeout) and a second stops at once; elsewhere the first stops at
    once. Either way the `finally` that restores the clients runs."""

    def __init__(self) -> None:
        self.requested = False
        self.stream: EventStream | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested or self.stream is None:
            # Outside schemathesis's engine (preflight, the suite's own checks) there is no safe point to wait
            # for: stop now, even in a request the server never answers; the restore runs in a `finally`.
            raise KeyboardInterrupt
        self.requested = True
        if self.stream is not None:
            self.stream.stop()

    def watch(self, stream: EventStream) -> None:
        self.stream = stream
        if self.requested:
            stream.stop()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # only the main thread may handle signals; an embedding program handles its own
            return
        previous = {sig: signal.signal(sig, self) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """While restoring, a second Ctrl-C or SIGTERM must not cut the restore short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def execute(settings: Settings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if settings.targets_emulator:
        with local.emulator_settings(settings) as emulator_settings:
            print(f"testing the local emulator at {emulator_settings.base_url}", file=out)
            return _execute(emulator_settings, out)
    return _execute(settings, out)


def _execute(settings: Settings, out: TextIO) -> int:
    deviations = baseline.load(settings.baseline) if settings.baseline else []
    seed = settings.seed if settings.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    base_url = settings.base_url
    assert base_url is not None  # settings_from() requires it; local.py sets it
    token_url = settings.token_url or contract.token_url(base_url)
    budget = Budget(settings.max_requests, settings.rate, settings.quota_reserve, settings.max_time)
    print(f"budget: {budget.describe()}; --timeout {settings.timeout:g} s per request", file=out)
    results = Results()
    interruption = Interruption()
    outcome = Outcome()
    with interruption.installed(), _client(settings, budget) as http:
        ctx: Context | None = None
        try:
            main = _identity(token_url, settings.main, settings.token, http, "--client-id", results, "PBX_TOKEN")
            assert main is not None
            ctx = Context(base_url, token_url, http, main, results, no_writes=settings.no_writes, budget=budget)
            _preflight(ctx, settings)
            ctx.other = _identity(
                token_url, settings.other, settings.other_token, http, "--other-client-id", results, "PBX_OTHER_TOKEN"
            )
            ctx.readonly = _identity(
                token_url,
                settings.readonly,
                settings.readonly_token,
                http,
                "--readonly-client-id",
                results,
                "PBX_READONLY_TOKEN",
            )
            _checks(ctx, settings, seed, interruption, outcome)
        except KeyboardInterrupt:
            outcome.interrupted = True
        except StopRun as stop:
            outcome.stopped = str(stop)
        except (httpx.TransportError, TokenRefused, Unreachable, schemathesis_engine.SchemathesisStopped) as error:
            if ctx is None or not outcome.snapshots:
                raise CouldNotRun(str(error) or type(error).__name__) from None
            outcome.broke_off = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        finally:
            if ctx is not None and outcome.snapshots:
                with interrupts_held():
                    budget.restoring = True
                    outcome.restored = _restore(ctx, outcome)
    outcome.stopped = outcome.stopped or budget.stopped
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


def _client(settings: Settings, budget: Budget) -> contextlib.AbstractContextManager[httpx.Client]:
    return _client_with_timeout(settings.timeout, budget)


@contextlib.contextmanager
def _client_with_timeout(timeout: float, budget: Budget) -> Iterator[httpx.Client]:
    """The suite's own HTTP client: every request passes the budget, every answer reports the quota."""

    def before(request: httpx.Request) -> None:
        budget.before_request()

    def after(response: httpx.Response) -> None:
        if response.status_code != 429:  # a 429 is handled where it can be sent again (Context.call)
            budget.after_response(response.status_code, response.headers)

    hooks: dict[str, list[Callable[..., Any]]] = {"request": [before], "response": [after]}
    with httpx.Client(timeout=timeout, follow_redirects=False, event_hooks=hooks) as http:
        yield http


def _identity(
    token_url: str,
    credentials: Credentials | None,
    ready: str | None,
    http: httpx.Client,
    option: str,
    results: Results,
    variable: str,
) -> TokenSource | None:
    if credentials is None and ready is None:
        return None
    source = TokenSource(
        token_url,
        None if ready is not None else credentials,
        http,
        ready=ready,
        on_request=lambda: results.request(spec.token_label()),
        variable=variable,
    )
    try:
        source.token()
    except (TokenRefused, Unreachable) as error:
        raise CouldNotRun(f"{option}: {error}") from None
    return source


def _preflight(ctx: Context, settings: Settings) -> None:
    """One authenticated read before anything else: what cannot be the API is misconfiguration (exit 2)."""
    read = spec.reads()[0]
    url = read.url(ctx.base_url, contract.ME)
    try:
        response = ctx.call(read, contract.ME)
    except httpx.HTTPError as error:
        raise CouldNotRun(preflight.explain_transport_error(error, url, settings.timeout)) from None
    option = "--token" if ctx.main.credentials is None else "--client-id"
    problem = preflight.read_problem(response, url, option)
    if problem is not None:
        raise CouldNotRun(problem)


def _checks(ctx: Context, settings: Settings, seed: int, interruption: Interruption, outcome: Outcome) -> None:
    if not settings.no_writes:
        _snapshot(ctx, settings, outcome)
    run_scenario_checks(ctx, stop=lambda: interruption.requested or ctx.budget.stopped is not None)
    information = checks.http_basic_at_the_token_endpoint(ctx)
    if information is not None:
        ctx.results.notes.append(information)
    if interruption.requested:
        raise KeyboardInterrupt
    if ctx.budget.stopped is not None:
        raise StopRun(ctx.budget.stopped)
    schema = schemathesis_engine.load(settings, ctx.base_url, seed, ctx.main, ctx.results, ctx.budget)
    if ctx.no_writes and not settings.no_writes:  # writes blocked by a failed snapshot (load() covers --no-writes)
        schema = schema.include(method="GET")
    schemathesis_engine.run(schema, ctx.results, on_stream=interruption.watch, budget=ctx.budget)
    if interruption.requested:
        raise KeyboardInterrupt


def _snapshot(ctx: Context, settings: Settings, outcome: Outcome) -> None:
    """Every client the run could change, read and written to the report folder before the first write."""
    try:
        main = restore.take(ctx, "main", ctx.main)
    except NoSnapshot as reason:
        outcome.writes_blocked = f"no snapshot of the client under test: {reason}"
        ctx.no_writes = True
        ctx.no_writes_because = outcome.writes_blocked
        return
    outcome.snapshots.append(main)
    for role, identity in (("other", ctx.other), ("readonly", ctx.readonly)):
        if identity is None:
            continue
        try:
            snapshot = restore.take(ctx, role, identity)
        except NoSnapshot as reason:
            if role == "other":
                ctx.other_write_blocked = f"no snapshot of the other client, so no PUT is sent to it: {reason}"
            continue
        if snapshot.client_id != main.client_id:
            outcome.snapshots.append(snapshot)
    report_dir = settings.report_dir or DEFAULT_REPORT_DIR
    outcome.snapshot_path = restore.write_snapshots(report_dir, ctx.base_url, outcome.snapshots)
    # Enough requests kept back to read, write and read each client again, and to retry fields one by one.
    ctx.budget.restore_allowance = 3 * len(outcome.snapshots) + len(contract.writable_fields())
    ctx.on_unexpected_write = lambda: _restore(ctx, outcome)


DEFAULT_REPORT_DIR = Path("reports") / "conformance"


def _restore(ctx: Context, outcome: Outcome) -> RestoreReport:
    identities = {"main": ctx.main, "other": ctx.other, "readonly": ctx.readonly}
    return restore.restore_all(ctx, outcome.snapshots, identities, outcome.snapshot_path)


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
    if restored is not None and not restored.complete:
        problem = restored.error or f"fields not restored: {restored.not_restored}"
        results.failed(Failure(check="changed_fields_are_restored", operation=spec.writes()[0].label, message=problem))
    if outcome.writes_blocked:
        results.notes.append(f"{outcome.writes_blocked}; no PUT was sent, the writing checks were not run")
    if settings.no_writes or outcome.writes_blocked:
        because = "--no-writes: no PUT is sent" if settings.no_writes else str(outcome.writes_blocked)
        for operation in spec.writes():
            results.skipped(operation.label, "schemathesis phases", because)
    unused = baseline.apply(deviations, results)
    document = report.document(settings, seed, results, restored, unused, duration, budget)
    reason = _could_not_finish(results, outcome, settings)
    if reason is not None:
        document["verdict"] = "interrupted" if outcome.interrupted else "incomplete"
        document["could_not_finish"] = reason
    print(report.console(document, results), file=out)
    if settings.report_dir is not None:
        report.write(settings.report_dir, document, results)
        print(f"reports: {settings.report_dir}/report.html, report.json, junit.xml", file=out)
    if reason is not None:
        raise CouldNotRun(reason)
    return CONFORMS if results.conforms else DOES_NOT_CONFORM


def _could_not_finish(results: Results, outcome: Outcome, settings: Settings) -> str | None:
    """Why the run could not do its work, or None: an incomplete run is exit 2, never a verdict on the server."""
    restored = _restore_summary(outcome.restored)
    if outcome.interrupted:
        return f"interrupted before the run finished; {restored}"
    if outcome.broke_off is not None:
        return f"the run broke off ({outcome.broke_off[:200]}); {restored}"
    if outcome.stopped is not None:
        return f"stopped before the run finished: {outcome.stopped}; {restored}"
    if outcome.writes_blocked is not None and not results.failed_checks():
        # With failed checks the server is already shown not to conform (exit 1); the writing checks are
        # reported not run, with this reason, either way.
        return f"{outcome.writes_blocked}; no PUT was sent, the writing checks were not run (--no-writes: read-only)"
    if results.errors and not results.failed_checks():
        return f"the test engine could not finish its work: {results.errors[0][:200]}"
    return None


def _restore_summary(restored: RestoreReport | None) -> str:
    if restored is None:
        return "nothing was written"
    if restored.complete:
        return "the client was restored"
    return restored.summary()


def restore_from(settings: RestoreSettings, out: TextIO | None = None) -> int:
    """`pbx-conformance restore --from DIR`: every snapshotted client put back, saying what changed. Idempotent:
    a client already as its snapshot says gets no PUT. 0 all restored, 1 some field could not be, 2 could not run."""
    out = out or sys.stdout
    try:
        saved_url, snapshots = restore.read_snapshots(settings.from_dir)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CouldNotRun(
            f"--from {settings.from_dir}: no readable {restore.SNAPSHOT_FILE} ({type(error).__name__})"
        ) from None
    base_url = settings.base_url or saved_url
    token_url = settings.token_url or contract.token_url(base_url)
    budget = Budget(max_requests=10**6, rate=None, quota_reserve="0")
    budget.restoring = True
    results = Results()
    with interrupts_held(), _client_with_timeout(settings.timeout, budget) as http:
        main = _identity(token_url, settings.main, settings.token, http, "--client-id", results, "PBX_TOKEN")
        assert main is not None
        other = _identity(
            token_url, settings.other, settings.other_token, http, "--other-client-id", results, "PBX_OTHER_TOKEN"
        )
        ctx = Context(base_url, token_url, http, main, results, budget=budget)
        report = restore.restore_all(
            ctx, snapshots, {"main": main, "other": other}, settings.from_dir / restore.SNAPSHOT_FILE
        )
    for client in report.clients:
        who = f"client {client.client_id} ({client.role})"
        if client.error:
            print(f"{who}: NOT restored: {client.error}", file=out)
            continue
        if client.restored:
            print(f"{who}: put back {', '.join(client.restored)}", file=out)
        if not client.changed:
            print(f"{who}: already as the snapshot says, nothing sent", file=out)
        for entry in client.not_restored:
            print(
                f"{who}: could NOT put back {entry['field']}: original {json.dumps(entry['original'])}, "
                f"now {json.dumps(entry['current'])}",
                file=out,
            )
    return CONFORMS if report.complete else DOES_NOT_CONFORM

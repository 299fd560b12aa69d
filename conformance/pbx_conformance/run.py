"""One run of the suite: check the server can be reached, snapshot, run the suite's own checks and
schemathesis's engine, restore, report. Returns the exit code: 0 conforms, 1 does not, 2 could not run."""

from __future__ import annotations

import contextlib
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TextIO

import httpx
from schemathesis.engine.core import EventStream

from pbx_conformance import baseline, registry, report, schemathesis_engine, spec
from pbx_conformance.context import Context
from pbx_conformance.oauth import TokenRefused, TokenSource, Unreachable
from pbx_conformance.restore import RestoreGuard, RestoreReport
from pbx_conformance.results import Failure, Results
from pbx_conformance.settings import Credentials, Settings
from pbx_kit import contract

CONFORMS, DOES_NOT_CONFORM, COULD_NOT_RUN = 0, 1, 2
REQUEST_TIMEOUT = 30.0


class CouldNotRun(Exception):
    """The run cannot happen; the message is the one-line reason."""


class Interruption:
    """Ctrl-C or SIGTERM: the first asks the run to stop at the next safe point (schemathesis finishes the case
    in flight, the suite's own checks stop before the next one); a second one stops at once. Either way the
    `finally` that restores the client runs."""

    def __init__(self) -> None:
        self.requested = False
        self.stream: EventStream | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
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
        from pbx_conformance import local

        with local.emulator_settings(settings) as emulator_settings:
            print(f"testing the local emulator at {emulator_settings.base_url}", file=out)
            return _execute(emulator_settings, out)
    return _execute(settings, out)


def _execute(settings: Settings, out: TextIO) -> int:
    deviations = baseline.load(settings.baseline) if settings.baseline else []
    seed = settings.seed if settings.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    base_url = settings.base_url
    assert base_url is not None and settings.main is not None  # settings_from() requires both, local.py sets both
    token_url = settings.token_url or contract.token_url(base_url)
    with httpx.Client(timeout=REQUEST_TIMEOUT, follow_redirects=False) as http:
        results = Results()
        main = _identity(token_url, settings.main, http, "--client-id", results)
        assert main is not None
        ctx = Context(
            base_url=base_url,
            token_url=token_url,
            http=http,
            main=main,
            results=results,
            no_writes=settings.no_writes,
        )
        _reach(ctx)
        ctx.other = _identity(token_url, settings.other, http, "--other-client-id", results, "PBX_OTHER_TOKEN")
        ctx.readonly = _identity(
            token_url, settings.readonly, http, "--readonly-client-id", results, "PBX_READONLY_TOKEN"
        )
        interrupted, restored = _run(ctx, settings, seed)
    unused = baseline.apply(deviations, results)
    document = report.document(settings, seed, results, restored, unused, time.monotonic() - started)
    if interrupted:
        document["verdict"] = "interrupted"
    print(report.console(document, results), file=out)
    if settings.report_dir is not None:
        report.write(settings.report_dir, document, results)
        print(f"reports: {settings.report_dir}/report.html, report.json, junit.xml", file=out)
    if interrupted:
        raise CouldNotRun(f"interrupted before the run finished; {_restore_summary(restored)}")
    return CONFORMS if results.conforms else DOES_NOT_CONFORM


def _identity(
    token_url: str,
    credentials: Credentials | None,
    http: httpx.Client,
    option: str,
    results: Results,
    variable: str = "PBX_TOKEN",
) -> TokenSource | None:
    if credentials is None:
        return None
    source = TokenSource(
        token_url, credentials, http, on_request=lambda: results.request(spec.token_label()), variable=variable
    )
    try:
        source.token()
    except (TokenRefused, Unreachable) as error:
        raise CouldNotRun(f"{option}: {error}") from None
    return source


def _reach(ctx: Context) -> None:
    """One GET before anything else: a server that does not answer at all means the run cannot happen."""
    first = spec.reads()[0]
    try:
        ctx.http.get(first.url(ctx.base_url, "@me"), headers={"Authorization": f"Bearer {ctx.main.token()}"})
    except httpx.HTTPError as error:
        raise CouldNotRun(f"server {ctx.base_url} unreachable: {type(error).__name__}") from None
    ctx.results.request(first.label)


def _run(ctx: Context, settings: Settings, seed: int) -> tuple[bool, RestoreReport | None]:
    guard = None if settings.no_writes else RestoreGuard(ctx)
    broke_off = None
    restored = None
    interruption = Interruption()
    with interruption.installed():
        try:
            if guard is not None:
                guard.take()
                ctx.on_unexpected_write = guard.restore
            registry.run_scenario_checks(ctx, stop=lambda: interruption.requested)
            if not interruption.requested:
                schema = schemathesis_engine.load(settings, ctx.base_url, seed, ctx.main, ctx.results)
                schemathesis_engine.run(schema, ctx.results, on_stream=interruption.watch)
        except KeyboardInterrupt:
            interruption.requested = True
        except (httpx.TransportError, TokenRefused, Unreachable, schemathesis_engine.SchemathesisStopped) as error:
            broke_off = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        finally:
            if guard is not None:
                with interrupts_held():
                    restored = guard.restore()
    interrupted = interruption.requested
    if broke_off is not None:
        raise CouldNotRun(f"the run broke off ({broke_off[:200]}); {_restore_summary(restored)}")
    if guard is not None and restored is not None and (restored.not_restored or restored.error):
        problem = restored.error or f"fields not restored: {restored.not_restored}"
        ctx.results.failed(Failure(check="changed_fields_are_restored", operation=guard.write.label, message=problem))
    if settings.no_writes:
        for operation in spec.writes():
            ctx.results.skipped(operation.label, "schemathesis phases", "--no-writes: no PUT is sent")
    return interrupted, restored


def _restore_summary(restored: RestoreReport | None) -> str:
    if restored is None:
        return "nothing was written (--no-writes)"
    if restored.error or restored.not_restored:
        return f"the client is NOT fully restored: {restored.error or restored.not_restored}"
    return "the client was restored"

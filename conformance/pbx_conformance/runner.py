"""One run of the suite: check the server can be reached, snapshot, run schemathesis and the suite's own
checks, restore, report. Returns the exit code: 0 conforms, 1 does not, 2 could not run."""

from __future__ import annotations

import contextlib
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, TextIO

import httpx

from pbx_conformance import baseline, driver, report, scenarios, spec
from pbx_conformance.context import Context
from pbx_conformance.oauth import TokenRefused, TokenSource, Unreachable
from pbx_conformance.restore import RestoreGuard, RestoreReport
from pbx_conformance.results import Failure, Results, Verdict
from pbx_conformance.settings import Settings, default_token_url

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
        self.stream = None

    def __call__(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        if self.stream is not None:
            self.stream.stop()

    def watch(self, stream) -> None:
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
    token_url = settings.token_url or default_token_url(settings.base_url)
    with httpx.Client(timeout=REQUEST_TIMEOUT, follow_redirects=False) as http:
        results = Results()
        ctx = Context(
            base_url=settings.base_url,
            token_url=token_url,
            http=http,
            main=_identity(token_url, settings.main, http, "--client-id", results),
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
    document = _document(settings, seed, results, restored, unused, time.monotonic() - started)
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
    token_url: str, credentials, http: httpx.Client, option: str, results: Results, variable: str = "PBX_TOKEN"
) -> TokenSource | None:
    if credentials is None:
        return None
    source = TokenSource(
        token_url, credentials, http, on_request=lambda: results.request(spec.TOKEN_OPERATION), variable=variable
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
            scenarios.run_all(ctx, stop=lambda: interruption.requested)
            if not interruption.requested:
                schema = driver.load(settings, settings.base_url, seed, ctx.main, ctx.results)
                driver.run(schema, ctx.results, on_stream=interruption.watch)
        except KeyboardInterrupt:
            interruption.requested = True
        except (httpx.TransportError, TokenRefused, Unreachable, driver.SchemathesisStopped) as error:
            broke_off = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        finally:
            if guard is not None:
                with interrupts_held():
                    restored = guard.restore()
    interrupted = interruption.requested
    if broke_off is not None:
        raise CouldNotRun(f"the run broke off ({broke_off[:200]}); {_restore_summary(restored)}")
    if restored is not None and (restored.not_restored or restored.error):
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


def _document(settings, seed, results: Results, restored, unused, duration: float) -> dict[str, Any]:
    verdicts = results.verdicts()
    return {
        "verdict": "passed" if results.conforms else "failed",
        "base_url": settings.base_url,
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
        },
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
            }
            for (operation, check), cell in sorted(results.cells.items())
        ],
        "failures": [failure.to_dict() for failure in results.failures],
        "failed_checks": sorted(results.failed_checks()),
        "restore": restored.to_dict() if restored else None,
        "baseline_unused": [deviation.describe() for deviation in unused],
        "notes": results.notes + [f"baseline entry matched nothing: {d.describe()}" for d in unused],
        "errors": results.errors,
    }

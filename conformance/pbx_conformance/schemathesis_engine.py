"""Runs schemathesis on openapi.yaml against the server and turns its events into results.

Every built-in check that can apply to this contract runs (see unrunnable_checks for the ones reported
skipped, and why), in the phases asked for, with the suite's response checks added. The engine is driven
directly (`schemathesis.engine.from_schema(schema).execute()`), the way `schemathesis run` drives it, minus
the console output: its events carry every case, check result and request/response.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis import Case, engine
from schemathesis.core.failures import AcceptedNegativeData, CustomFailure
from schemathesis.core.failures import Failure as Failure_
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.engine import Status, events
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.schemas import BaseSchema

from pbx_conformance import exchange, registry, schemathesis_hooks, spec
from pbx_conformance.budget import Budget, StopRun
from pbx_conformance.oauth import TokenSource, refresh_after, schemathesis_provider
from pbx_conformance.results import Failure, Results
from pbx_conformance.settings import PHASES, Settings
from pbx_kit import contract


def unrunnable_checks() -> dict[str, str]:
    """Built-in checks that cannot apply to this contract, and why: reported as skipped, never as passed."""
    document = contract.load_document()
    schemes = {scheme.get("type") for scheme in document["components"].get("securitySchemes", {}).values()}
    methods = {operation.method for operation in contract.base_url_operations()}
    found = {
        "object_level_authorization": "needs Web Fuzzing Commons users; other_client_id_is_denied covers it",
    }
    if not schemes & {"apiKey", "http"}:
        found["ignored_auth"] = "handles apiKey and http schemes only, not oauth2; invalid_token_is_rejected covers it"
    if not methods & {"post", "delete"}:  # what those two need: an operation that creates or deletes
        for name in ("use_after_free", "ensure_resource_availability"):
            found[name] = "the API creates and deletes nothing"
    return found


# The promise each of schemathesis's checks holds for this contract (conformance/PROMISES.md says where), for the
# reports' account of what a run checked.
PROMISES = {
    "not_a_server_error": "no request, valid or not, makes the server fail (5xx)",
    "status_code_conformance": "every answer's status is one the operation documents",
    "content_type_conformance": "every answer is labelled with the documented media type",
    "response_headers_conformance": "every documented header is present and valid (X-RateLimit-*, WWW-Authenticate)",
    "response_schema_conformance": "every body matches its schema: every field present, no other fields",
    "negative_data_rejection": "a request the contract calls invalid is refused",
    "positive_data_acceptance": "a request the contract calls valid is accepted",
    "missing_required_header": "a request without a required header is refused",
    "unsupported_method": "a method a path does not document answers 405 with Allow",
    "allow_header_conformance": "an Allow header names the path's documented methods",
}


def judges(name: str, case: Case[Any]) -> bool:
    """Whether schemathesis's check `name` can find a fault in `case` (a generated case it applies to), not
    merely pass it: negative_data_rejection only judges negative cases, unsupported_method only a case of a
    method the path does not document, allow_header_conformance only an OPTIONS request."""
    meta = case.meta
    if name in ("negative_data_rejection", "positive_data_acceptance"):
        mode = meta.generation.mode if meta is not None else None
        return mode is not None and (mode.is_negative if name == "negative_data_rejection" else mode.is_positive)
    if name == "allow_header_conformance":
        return case.method.upper() == "OPTIONS"
    if name == "unsupported_method":
        data = meta.phase.data if meta is not None else None
        unspecified = isinstance(data, CoveragePhaseData) and data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD
        return unspecified and case.method.upper() != "OPTIONS"
    return True


def checks_run() -> dict[str, str]:
    """schemathesis's checks a run applies (name -> promise), those it cannot left out."""
    unrunnable = unrunnable_checks()
    return {name: promise for name, promise in PROMISES.items() if name not in unrunnable}


class SchemathesisStopped(Exception):
    """Schemathesis could not go on (a fatal engine error): the run could not happen."""


def config_document(settings: Settings, base_url: str, seed: int) -> dict[str, Any]:
    """Schemathesis settings as in a schemathesis.toml: the bench gives the bare CLI this same document."""
    document: dict[str, Any] = {
        "base-url": base_url,
        "seed": seed,
        "workers": settings.workers,
        # A fresh start every run: the same seed against the same server gives the same cases.
        "cache": {"enabled": False},
        "generation": {"max-examples": settings.max_examples, "database": "none"},
        "phases": {phase: {"enabled": phase in settings.phases} for phase in PHASES},
        "checks": {name: {"enabled": False} for name in unrunnable_checks()},
        "hooks": schemathesis_hooks.__name__,
        # Reports carry the request; let schemathesis hide credentials in its own messages as well.
        "output": {"sanitization": {"enabled": True}},
        # A server that never answers costs --timeout per request, not a hung run.
        "request-timeout": settings.timeout,
    }
    if settings.max_time is not None:
        document["max-time"] = settings.max_time
    return document


def load(
    settings: Settings, base_url: str, seed: int, source: TokenSource, results: Results, budget: Budget
) -> BaseSchema:
    config = schemathesis.Config.from_dict(config_document(settings, base_url, seed))
    schema: BaseSchema = schemathesis.openapi.from_path(contract.spec_path(), config=config)
    for path in spec.foreign_paths():
        # The token endpoint, if the document describes it: its own checks hold it, with few requests.
        schema = schema.exclude(path=path)
    if settings.no_writes:
        schema = schema.include(method="GET")

    def filter_failure(context: HookContext, failure: Failure_, case: Case[Any], response: Response) -> bool:
        if not settings.strict and is_undocumented_field(failure):
            # A field the contract does not describe: a warning by default, a failure with --strict.
            results.warn(f"{case.operation.label}: answered a field the contract does not describe ({failure.title})")
            return False
        return keep_failure(failure, case, response)

    schema.hook(filter_failure)

    def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
        # Counted as they go out, so an interrupted run still reports every request it sent.
        results.request(case.operation.label)
        with contextlib.suppress(StopRun):  # a 429 that does not fit --max-time: the engine stops at its next event
            budget.after_response(response.status_code, {k: v[0] for k, v in response.headers.items() if v})

    schema.hook(after_call)
    # Refresh a little before the token expires; a 401 also makes schemathesis fetch a new one and replay.
    schema.auth.auth(refresh_interval=refresh_after(source.lifetime))(schemathesis_provider(source))
    return schema


def is_undocumented_field(failure: Failure_) -> bool:
    """A response-schema failure that is only about a property the schema does not list."""
    path = list(getattr(failure, "schema_path", []) or [])
    return isinstance(failure, JsonSchemaError) and bool(path) and path[-1] in UNDOCUMENTED_FIELD_KEYWORDS


UNDOCUMENTED_FIELD_KEYWORDS = ("additionalProperties", "unevaluatedProperties")


def keep_failure(failure: Failure_, case: Case[Any], response: Response) -> bool:
    """Drop failures on a 429; keep a "schema-violating request accepted" failure only if the contract itself
    rejects what was sent.

    Schemathesis 4.32 now and then labels a valid body negative (seen: `null` for the nullable
    `email`, whose `format: email` applies to strings only); a server that accepts it is right.
    """
    if response.status_code == 429:
        return False  # the account's quota, never the server's failure (the budget waits or stops the run)
    if not isinstance(failure, AcceptedNegativeData) or "in body" not in failure.message:
        return True
    validator = spec.request_body_validator(case.operation.label)
    if validator is None or not isinstance(case.body, dict | list | str | int | float | bool | None):
        return True
    return not validator.is_valid(case.body)


def run_phases(
    schema: BaseSchema,
    results: Results,
    on_stream: Callable[[Any], None] | None = None,
    budget: Budget | None = None,
    on_event: Callable[[events.EngineEvent], None] | None = None,
) -> None:
    """Execute every enabled phase and fold each finished scenario into `results`; `on_event` sees every event of
    the engine first (the progress display)."""
    with registry.registered_with_schemathesis(), _budget_held(budget):
        _run(schema, results, on_stream, budget, on_event)
    for label in _labels(schema):
        for name, why in unrunnable_checks().items():
            results.skipped(label, name, why)


@contextlib.contextmanager
def _budget_held(budget: Budget | None) -> Iterator[None]:
    """The budget's hard cap, pace and quota reserve hold for schemathesis's requests too, for this run only
    (`before_call` is a global hook in schemathesis): a StopRun keeps the request from going out, and the
    engine is stopped at its next event."""
    if budget is None:
        yield
        return

    def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
        budget.before_request()

    schemathesis.hook(before_call)
    try:
        yield
    finally:
        schemathesis.hooks.unregister(before_call)


def _run(
    schema: BaseSchema,
    results: Results,
    on_stream: Callable[[Any], None] | None,
    budget: Budget | None,
    on_event: Callable[[events.EngineEvent], None] | None = None,
) -> None:
    stream = engine.from_schema(schema).execute()
    if on_stream is not None:
        on_stream(stream)
    for event in stream:
        if on_event is not None:
            on_event(event)
        if budget is not None and budget.stopped is not None:
            # Out of budget or quota: what the engine reports from here on is the stop, not the server.
            stream.stop()
            if not isinstance(event, events.ScenarioFinished):
                continue
        if isinstance(event, events.ScenarioFinished):
            _fold(event, results)
        elif isinstance(event, events.NonFatalError):
            results.errors.append(f"{event.label}: {event.info.title}: {_one_line(event.info.message)}")
        elif isinstance(event, events.FatalError):
            raise SchemathesisStopped(_one_line(str(event.exception)))
        elif isinstance(event, events.Interrupted):
            results.notes.append("interrupted: the schemathesis phases did not finish")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                results.failed(Failure(check="after_run", operation=failure.operation or "", message=failure.message))


def _labels(schema: BaseSchema) -> list[str]:
    return [result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)]


def _fold(event: events.ScenarioFinished, results: Results) -> None:
    recorder = event.recorder
    for case_id in recorder.cases:
        interaction = recorder.interactions.get(case_id)
        if interaction is None:
            continue
        results.generated_cases += 1
        results.cases_by_phase[event.phase.value] += 1
        request = interaction.request
        # The path, not the whole URL: the same server on another port still gives the same digest.
        target = urlsplit(request.uri)._replace(scheme="", netloc="").geturl()
        results.fingerprint.update(b"\0".join([request.method.encode(), target.encode(), request.body or b"", b""]))
    for case_id, check_nodes in recorder.checks.items():
        case_node = recorder.cases.get(case_id)
        label = case_node.value.operation.label if case_node else (event.label or "")
        for check in check_nodes:
            if case_node is not None and check.status in (Status.SUCCESS, Status.FAILURE):
                results.exercised[check.name] += judges(check.name, case_node.value)
            if check.status == Status.ERROR:
                results.errors.append(f"check {check.name} crashed on {label} ({event.phase.value} phase)")
            elif check.status == Status.SUCCESS:
                results.passed(label, check.name)
            elif check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                interaction = recorder.interactions.get(case_id)
                results.failed(
                    Failure(
                        check=check.name,
                        operation=failure.operation or label,
                        title=failure.title,
                        message=failure.message,
                        exchange=exchange.from_schemathesis(interaction) if interaction else None,
                        phase=event.phase.value,
                        promise=promise_of(failure),
                    ),
                    key=failure._unique_key,
                )


def promise_of(failure: Failure_) -> str:
    """What a failure of schemathesis says the server broke, free of the generated data: its title and
    schemathesis's own stable key (the schema rule, the status, the header, the content type), e.g.
    `Response violates schema: properties/id/type`. A failure of one of the suite's response checks is that
    check's own promise (""): its key names a line of code, which a new version of the suite moves."""
    if isinstance(failure, CustomFailure):
        return ""
    key = failure._unique_key
    return f"{failure.title}: {key}" if key else failure.title


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]

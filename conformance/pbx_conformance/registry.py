"""The one registry of the suite's checks: a check is one function, registered by one decorator line.

Two kinds:

- a **response check** looks at one response. It takes schemathesis's own check signature
  `(ctx, response, case)`, raises AssertionError with the reason when the response breaks the contract, and
  runs on every response: schemathesis calls it on every generated case (it is registered with schemathesis
  for the length of a run), and the suite calls it on each of its own calls;
- a **scenario check** sends its own requests: `(session: TargetSession, operation: OperationUnderTest)`, once
  per operation it applies to; it returns when the server conforms and raises CheckFailed or Skipped otherwise.

    @response_check
    def body_is_utf8(ctx, response, case) -> None: ...

    @scenario_check(spec.reads)
    def me_and_numeric_id_are_same_client(session: TargetSession, operation: OperationUnderTest) -> None: ...

Each check may say what the docs and reports say of it (`About`): the promise it holds, how a server fails it,
and what it sends; a check without them is described by its docstring's first sentence.

Checks are kept in the order they were registered: scenario checks run in that order. The registry only holds
them: the suite's own checks register when `pbx_conformance.checks` is imported (the run imports it), and other
modules run them (`scenario_runner` the scenario checks, `response_runner` the response checks on the suite's own
calls, schemathesis the response checks on its generated cases).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, overload

import httpx
import schemathesis
from schemathesis.checks import CHECKS

from pbx_conformance.spec import OperationUnderTest


class CheckFailed(Exception):
    """The server broke the contract; `response` is the call that shows it."""

    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


class Skipped(Exception):
    """The check cannot run here (an identity not given, writes not allowed); never counted as passed."""


class OperationLike(Protocol):
    @property
    def label(self) -> str: ...


class CaseLike(Protocol):
    """What a response check reads of the case: schemathesis's Case, or the suite's own call (context.OwnCase)."""

    @property
    def operation(self) -> OperationLike: ...


class ResponseLike(Protocol):
    """What a response check reads of the response: schemathesis's Response (headers lower-cased, as lists)."""

    status_code: int
    headers: Mapping[str, list[str]]
    content: bytes


ResponseCheckFunction = Callable[[Any, Any, Any], bool | None]
# A scenario check's first argument is the suite's TargetSession (session.py), which itself imports this module.
ScenarioCheckFunction = Callable[[Any, OperationUnderTest], None]
ResponseCheckT = TypeVar("ResponseCheckT", bound=ResponseCheckFunction)
ScenarioCheckT = TypeVar("ScenarioCheckT", bound=ScenarioCheckFunction)


@dataclass(frozen=True)
class About:
    """What the docs' page of a check and the reports say of it."""

    promise: str = ""  # the promise of the contract (or of a standard it cites) the check holds
    fails_when: str = ""  # how a server fails it
    sends: str = ""  # what it sends, and what must come back

    def described(self, function: Callable[..., Any]) -> About:
        """These words, the promise defaulting to the first sentence of the function's docstring."""
        if self.promise:
            return self
        doc = " ".join((function.__doc__ or function.__name__).split())
        return About(doc.split(". ")[0].rstrip("."), self.fails_when, self.sends)


@dataclass(frozen=True)
class ResponseCheck:
    function: ResponseCheckFunction
    # Whether the token endpoint's answers are held to it too (they carry no rate-limit headers, for one).
    token_endpoint: bool = True
    about: About = About()

    @property
    def name(self) -> str:
        return self.function.__name__


@dataclass(frozen=True)
class ScenarioCheck:
    function: ScenarioCheckFunction
    # The operations it runs on, read from the contract when the run starts.
    operations: Callable[[], Iterable[OperationUnderTest]]
    # Changes the client: reported skipped under --no-writes before anything is sent.
    writes: bool = False
    about: About = About()

    @property
    def name(self) -> str:
        return self.function.__name__


_RESPONSE_CHECKS: dict[str, ResponseCheck] = {}
_SCENARIO_CHECKS: dict[str, ScenarioCheck] = {}


@overload
def response_check(
    function: ResponseCheckT, *, token_endpoint: bool = True, promise: str = "", fails_when: str = "", sends: str = ""
) -> ResponseCheckT: ...
@overload
def response_check(
    *, token_endpoint: bool = True, promise: str = "", fails_when: str = "", sends: str = ""
) -> Callable[[ResponseCheckT], ResponseCheckT]: ...
def response_check(
    function: Any = None, *, token_endpoint: bool = True, promise: str = "", fails_when: str = "", sends: str = ""
) -> Any:
    """Register a response check: `@response_check`, or `@response_check(token_endpoint=False, promise=...)`."""

    def register(check: ResponseCheckT) -> ResponseCheckT:
        about = About(promise, fails_when, sends).described(check)
        _add(_RESPONSE_CHECKS, check.__name__, ResponseCheck(check, token_endpoint, about))
        return check

    return register(function) if function is not None else register


def scenario_check(
    operations: Callable[[], Iterable[OperationUnderTest]],
    *,
    writes: bool = False,
    promise: str = "",
    fails_when: str = "",
    sends: str = "",
) -> Callable[[ScenarioCheckT], ScenarioCheckT]:
    """Register a scenario check run once on each of `operations()`; `writes=True` if it sends a PUT; `promise`,
    `fails_when` and `sends` for the docs and the reports."""

    def register(check: ScenarioCheckT) -> ScenarioCheckT:
        about = About(promise, fails_when, sends).described(check)
        _add(_SCENARIO_CHECKS, check.__name__, ScenarioCheck(check, operations, writes, about))
        return check

    return register


def _add(registry: dict[str, Any], name: str, entry: Any) -> None:
    if name in _RESPONSE_CHECKS or name in _SCENARIO_CHECKS:
        raise ValueError(f"a check named {name!r} is already registered")
    registry[name] = entry


def forget(name: str) -> None:
    """Remove a check from the registry (tests that register a throwaway check)."""
    _RESPONSE_CHECKS.pop(name, None)
    _SCENARIO_CHECKS.pop(name, None)


def response_checks() -> tuple[ResponseCheck, ...]:
    return tuple(_RESPONSE_CHECKS.values())


def scenario_checks() -> tuple[ScenarioCheck, ...]:
    return tuple(_SCENARIO_CHECKS.values())


@contextlib.contextmanager
def registered_with_schemathesis() -> Iterator[None]:
    """Every response check registered with schemathesis, under its own name, until the block ends: importing
    the suite changes nothing for other users of schemathesis."""
    names = []
    try:
        for check in response_checks():
            schemathesis.check(check.function)
            names.append(check.name)
        yield
    finally:
        for name in names:
            CHECKS.unregister(name)

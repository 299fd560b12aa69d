"""The suite's way to the server: one HTTP client whose every request passes the budget, and a token source per
application, whose first token is fetched at once (a refusal is a reason the run cannot happen)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from pbx_conformance import spec
from pbx_conformance.budget import Budget
from pbx_conformance.exit_codes import CouldNotRun
from pbx_conformance.oauth import TokenRefused, TokenSource, Unreachable
from pbx_conformance.results import Results
from pbx_conformance.settings import Credentials


@contextlib.contextmanager
def http_client(timeout: float, budget: Budget) -> Iterator[httpx.Client]:
    """The suite's own HTTP client: every request passes the budget, every answer reports the quota."""

    def before(request: httpx.Request) -> None:
        budget.before_request()

    def after(response: httpx.Response) -> None:
        if response.status_code != 429:  # a 429 is handled where it can be sent again (TargetSession.call)
            budget.after_response(response.status_code, response.headers)

    hooks: dict[str, list[Callable[..., Any]]] = {"request": [before], "response": [after]}
    with httpx.Client(timeout=timeout, follow_redirects=False, event_hooks=hooks) as http:
        yield http


def token_source(
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

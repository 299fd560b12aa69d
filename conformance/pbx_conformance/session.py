"""What the suite's own checks work with: the server, the identities, and a recorded way to call it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from pbx_conformance import exchange, spec
from pbx_conformance.budget import Budget
from pbx_conformance.depth import CaseSelection
from pbx_conformance.oauth import TokenSource
from pbx_conformance.registry import CheckFailed, Skipped
from pbx_conformance.response_runner import hold_to_response_checks
from pbx_conformance.results import Results
from pbx_kit import contract

NO_TOKEN = object()
Item = TypeVar("Item")


@dataclass
class TargetSession:
    """The suite's own session with the server under test: its URLs, the applications' token sources, and a way to
    call it that records every exchange (for the report) and holds every answer to the response checks."""

    base_url: str
    token_url: str
    http: httpx.Client
    main: TokenSource
    results: Results
    other: TokenSource | None = None
    readonly: TokenSource | None = None
    no_writes: bool = False
    no_writes_because: str = "--no-writes: no PUT is sent"
    # Leave out the HTTP Basic probe of the token endpoint (information only).
    no_token_probe: bool = False
    # Why no PUT may be sent to the other client (its snapshot failed): its write checks are skipped with it.
    other_write_blocked: str | None = None
    # Counts and paces every request; a 429 waits for the reset or stops the run.
    budget: Budget = field(default_factory=lambda: Budget(max_requests=10**9, rate=None, quota_reserve="0"))
    # Set by the run: called after a write the server should have refused but stored, to restore at once.
    on_unexpected_write: Callable[[], object] | None = None
    # The fields of the main client its snapshot holds: the only ones a check may change behind the restore's back
    # (concurrent writes).
    restorable: frozenset[str] = frozenset()
    # Which of its cases the check running now goes through (depth.py): set by the scenario runner.
    selection: CaseSelection = field(default_factory=CaseSelection)
    # The exchanges of the check running now, for its report: a failure shows every step that led to it.
    trail: list[exchange.Exchange] = field(default_factory=list)
    _shown: dict[int, exchange.Exchange] = field(default_factory=dict)
    _client_ids: dict[str, Any] = field(default_factory=dict)

    def call(
        self,
        operation: spec.OperationUnderTest,
        client_id: str | int = "@me",
        *,
        identity: TokenSource | None = None,
        token: Any = None,
        json: Any = None,
        method: str | None = None,
    ) -> httpx.Response:
        """One API call, counted for `operation` and held to the response checks (rate-limit headers,
        error body schema) like every generated case; `method`: another method than the operation's, on its path."""
        source = identity or self.main
        method = method or operation.method
        response = self._send(operation, client_id, source, token, json, method)
        while response.status_code == 429 and self.budget.after_response(429, response.headers):
            # The quota is spent, never the server's failure: the budget waited for the reset; send it again.
            self.results.request(operation.label)
            response = self._send(operation, client_id, source, token, json, method)
        if token is None and response.status_code == 401:
            # The token may have expired on the server's clock: fetch a new one and try once more.
            self.results.request(operation.label)
            source.invalidate()
            response = self._send(operation, client_id, source, token, json, method)
        self.results.request(operation.label)
        hold_to_response_checks(self.results, operation.label, response, self.trail[-1])
        return response

    def _send(
        self,
        operation: spec.OperationUnderTest,
        client_id: str | int,
        source: TokenSource,
        token: Any,
        json: Any,
        method: str,
    ) -> httpx.Response:
        headers = {"Accept": "application/json"}
        shown = None
        if token is None:
            headers["Authorization"] = f"Bearer {source.token()}"
            shown = f"Bearer ${source.variable}"
        elif token is not NO_TOKEN:
            headers["Authorization"] = token
            # A deliberately bad token is shown as sent, except the part that is a real token.
            real = self.main.token()
            shown = token.replace(real, "${" + self.main.variable + "}") if real in token else token
        response = self.http.request(method, operation.url(self.base_url, client_id), headers=headers, json=json)
        self.trail.append(exchange.from_httpx(response, authorization=shown))
        self._shown[id(response)] = self.trail[-1]
        return response

    def cases(self, items: Sequence[Item], rule: Callable[[Item], Hashable]) -> list[Item]:
        """The cases of `items` the check goes through now: all of them, or one per `rule(item)` in a thin pass."""
        return self.selection.select(items, rule)

    def put_at_once(self, operation: spec.OperationUnderTest, bodies: Sequence[Any]) -> list[httpx.Response]:
        """PUTs of `bodies` with the main token, sent at the same moment from threads of their own (within the
        budget's pace: the burst waits for as many slots as it sends), each recorded and held to the response
        checks like every call. A 429 among them is the quota: the check is skipped."""
        token = self.main.token()
        headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
        url = operation.url(self.base_url, contract.ME)
        self.budget.prepay(len(bodies))
        start = threading.Barrier(len(bodies))

        def send(body: Any) -> httpx.Response:
            start.wait(self.http.timeout.read or 10)
            return self.http.request(operation.method, url, headers=headers, json=body)

        with ThreadPoolExecutor(len(bodies), thread_name_prefix="pbx-conformance-at-once") as pool:
            responses = list(pool.map(send, bodies))
        for response in responses:  # recorded in this thread: the results and the trail are not shared
            self.trail.append(exchange.from_httpx(response, authorization=f"Bearer ${self.main.variable}"))
            self._shown[id(response)] = self.trail[-1]
            self.results.request(operation.label)
            hold_to_response_checks(self.results, operation.label, response, self.trail[-1])
        if any(response.status_code == 429 for response in responses):
            raise Skipped("the server answered 429 to PUTs sent at once: the account's quota, not a verdict")
        return responses

    def send_body(self, operation: spec.OperationUnderTest, content: bytes, content_type: str) -> httpx.Response:
        """A PUT of raw bytes with the main token (a body too large, not JSON-typed, or JSON written another way),
        held to the response checks like every call."""
        headers = {"Accept": "application/json", "Content-Type": content_type}
        headers["Authorization"] = f"Bearer {self.main.token()}"
        url = operation.url(self.base_url, contract.ME)
        response = self.http.request(operation.method, url, headers=headers, content=content)
        if response.status_code == 429 and self.budget.after_response(429, response.headers):
            self.results.request(operation.label)
            response = self.http.request(operation.method, url, headers=headers, content=content)
        self.trail.append(exchange.from_httpx(response, authorization=f"Bearer ${self.main.variable}"))
        self._shown[id(response)] = self.trail[-1]
        self.results.request(operation.label)
        hold_to_response_checks(self.results, operation.label, response, self.trail[-1])
        return response

    def shown(self, response: httpx.Response | None) -> exchange.Exchange | None:
        """The exchange of a response this context sent, as the report shows it."""
        return None if response is None else self._shown.get(id(response))

    def start_trail(self) -> None:
        self.trail = []
        self._shown = {}

    def token_request(self, form: dict[str, str]) -> httpx.Response:
        if self.main.credentials is None:
            raise Skipped(f"a ready token was given (${self.main.variable}): the suite does not use the token endpoint")
        response = self.http.post(self.token_url, data=form)
        secret = self.main.credentials.client_secret
        shown = {key: value.replace(secret, "${PBX_CLIENT_SECRET}") for key, value in form.items()}
        self.trail.append(exchange.from_httpx(response, body=urlencode(shown, safe="${}")))
        self.trail[-1].response_body = exchange.redact_token(self.trail[-1].response_body)
        self._shown[id(response)] = self.trail[-1]
        self.results.request(spec.token_label())
        hold_to_response_checks(self.results, spec.token_label(), response, self.trail[-1])
        return response

    def client(self, operation: spec.OperationUnderTest, client_id: str | int = "@me", **kwargs: Any) -> dict[str, Any]:
        """A GET that must answer 200 with a client; anything else fails the check that asked."""
        return self.client_of(self.call(operation, client_id, **kwargs))

    @staticmethod
    def client_of(response: httpx.Response) -> dict[str, Any]:
        """The client a GET answered; CheckFailed unless it is 200 with a JSON object."""
        if response.status_code != 200:
            raise CheckFailed(f"reading the client answered {response.status_code}, expected 200", response)
        try:
            body = response.json()
        except ValueError:
            raise CheckFailed("reading the client answered 200 with a body that is not JSON", response) from None
        if not isinstance(body, dict):
            raise CheckFailed("reading the client answered 200 with a body that is not a JSON object", response)
        return body

    def own_id(self, identity: TokenSource | None = None) -> Any:
        """The numeric id of the identity's client, read from `@me`."""
        identity = identity or self.main
        key = identity.variable
        if key not in self._client_ids:
            body = self.client(spec.reads()[0], "@me", identity=identity)
            self._client_ids[key] = body.get(spec.identity_field() or "")
        return self._client_ids[key]

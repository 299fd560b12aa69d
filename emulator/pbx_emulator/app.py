"""The emulator's Starlette application: routes read from openapi.yaml, short handlers, few middlewares."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pbx_emulator import explorer, lax
from pbx_emulator.auth import TokenIssuer
from pbx_emulator.defaults import (
    MAX_TOKENS_PER_APPLICATION,
    MEMORY,
    RATE_LIMIT,
    SEED_PATH,
    TOKEN_FAILURE_LIMIT,
    TOKEN_LIFETIME,
)
from pbx_emulator.errors import (
    EXCEPTION_HANDLERS,
    JSON,
    ApiError,
    TokenError,
    ValidationFailed,
    client_not_found,
    forbidden,
    json_response,
    user_blocked,
)
from pbx_emulator.faults import MISSING_FIELD, UNDOCUMENTED_METHODS, UNLOCKED_WRITE_DELAY, WRONG_TYPE_FIELD, Faults
from pbx_emulator.middleware import (
    AccessLogMiddleware,
    CatchAllMiddleware,
    LatencyMiddleware,
    RateLimitHeadersMiddleware,
    WrongContentTypeMiddleware,
)
from pbx_emulator.rate_limit import FailedTokenRequests, RateLimited, RateLimiter
from pbx_emulator.store import RATE, TOKEN_FAILURES, Store
from pbx_emulator.stores import open_store
from pbx_emulator.validation import check_charset, check_update, parse_body, valid_fields
from pbx_kit.contract import (
    ME,
    SERVED_SPEC_NAME,
    api_base_path,
    load_document,
    max_body_bytes,
    operations_of,
    path_parameter_range,
    token_path,
)
from pbx_kit.seed import Application, load_seed

EXPLORER_NAME = "client_api_explorer"
CLIENT_ID = "client_id"  # the path parameter naming the client


@dataclass
class Emulator:
    """Everything the handlers share: the store, the token issuer, the rate limiter, the faults, and the contract
    (`spec`: its path; None: the default one) whose rules and words every answer follows."""

    store: Store
    issuer: TokenIssuer
    limiter: RateLimiter
    faults: Faults
    max_body: int  # the contract's `x-max-body-bytes`: larger bodies answer 413
    started_clients: dict[int, dict[str, Any]] = field(default_factory=dict)
    spec: Path | None = None

    def application_of(self, request: Request) -> Application:
        """The application that the request's token stands for (401 if none)."""
        authorization = request.headers.get("authorization")
        try:
            return self.issuer.grant(authorization).application
        except ApiError:
            if self.faults.on("no-auth"):
                return self.store.applications()[0]
            raise

    def count_call(self, request: Request, client_id: int) -> None:
        try:
            request.state.quota = self.limiter.count(client_id)
        except RateLimited as error:
            request.state.quota = error.quota
            raise

    def target(self, application: Application, raw_id: str, own_exists: bool = False) -> int:
        """The id of the client that `{client_id}` names, if the application may see it (403/404 if not);
        `own_exists`: the application's own client is known to exist (no need to ask the store again)."""
        own = application.client_id
        if raw_id == ME:
            return self._next_client(own) if self.faults.on("me-wrong-client") else own
        client_id = parse_client_id(raw_id, self.spec)
        if client_id is None or not ((own_exists and client_id == own) or self.store.client(client_id) is not None):
            raise client_not_found(self.spec)
        if client_id != own and not self.faults.on("leak-other-client"):
            raise forbidden("AccessDenied", self.spec)
        return client_id

    def _next_client(self, client_id: int) -> int:
        ids = self.store.client_ids()
        return ids[(ids.index(client_id) + 1) % len(ids)]

    def present(self, client: dict[str, Any]) -> dict[str, Any]:
        """The client as the API answers it (where a fault bends the answer, bent)."""
        if self.faults.on("missing-field"):
            client = {k: v for k, v in client.items() if k != MISSING_FIELD}
        if self.faults.on("wrong-type"):
            client = client | {WRONG_TYPE_FIELD: str(client[WRONG_TYPE_FIELD])}
        return client


def parse_client_id(raw_id: str, spec: Path | None = None) -> int | None:
    """A number within the contract's range for `{client_id}`, written in ASCII digits, or None.

    Text longer than the range's largest number (leading zeros aside) is refused before `int()` sees it: an
    id of any length costs no more than 20 digits, and never meets Python's int-conversion digit limit.
    """
    low, high = path_parameter_range(CLIENT_ID, spec)
    if not (raw_id.isascii() and raw_id.isdigit()):
        return None
    digits = raw_id.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    value = int(digits)
    return value if low <= value <= high else None


def emulator_of(request: Request) -> Emulator:
    return cast(Emulator, request.app.state.emulator)


def client_endpoint(alias: bool) -> Callable[[Request], Awaitable[Response]]:
    """The handler of one of the contract's paths to the client; `alias` for every path but the first."""

    async def client_resource(request: Request) -> Response:
        return await serve_client(request, alias)

    return client_resource


async def serve_client(request: Request, alias: bool) -> Response:
    """GET or PUT one client."""
    emulator = emulator_of(request)
    application = emulator.application_of(request)
    emulator.count_call(request, application.client_id)
    # The caller's own client, read once: whether it is blocked, and (most calls name it) the answer.
    own = emulator.store.client_state(application.client_id)
    if own is not None and own.blocked:
        raise user_blocked()
    client_id = emulator.target(application, request.path_params[CLIENT_ID], own_exists=own is not None)
    if request.method == "PUT":
        return await update_client(request, emulator, application, client_id)
    if alias and not application.may_write and emulator.faults.on("call-api-cannot-read"):
        raise forbidden("AppAccessTypeDeny", emulator.spec)
    if alias and emulator.faults.on("stale-alias"):
        client = emulator.started_clients.get(client_id)
    elif own is not None and client_id == application.client_id:
        client = own.client
    else:
        client = emulator.store.client(client_id)
    if client is None:
        raise client_not_found(emulator.spec)
    return json_response(200, emulator.present(client))


async def update_client(request: Request, emulator: Emulator, application: Application, client_id: int) -> Response:
    spec = emulator.spec
    if not application.may_write and not emulator.faults.on("call-api-can-write"):
        raise forbidden("AppAccessTypeDeny", spec)
    body = await read_json_body(request, spec)
    if emulator.faults.on("json-escapes-misread"):
        body = lax.misread_escapes(body)
    changes: Any = None
    try:
        changes = parse_body(body, spec)
        if emulator.faults.on("whole-number-float-refused"):
            lax.refuse_whole_number_floats(changes, spec)
        if emulator.faults.on("normalising-validator"):
            changes = lax.normalised(changes, spec)
        changes = check_update(changes, allow_read_only=emulator.faults.on("read-only-writable"), spec=spec)
    except ValidationFailed as error:
        if emulator.faults.on("invalid-put-partially-applied") and isinstance(changes, dict):
            emulator.store.update_client(client_id, valid_fields(changes, spec))
        if emulator.faults.on("validation-422"):
            error.status_code = 422
        raise
    if emulator.faults.on("put-not-stored"):
        stored = emulator.store.client(client_id)
        client = None if stored is None else stored | changes
    else:
        client = await store_update(emulator, client_id, changes)
    if client is None:
        raise client_not_found(spec)
    return json_response(200, emulator.present(client))


async def store_update(emulator: Emulator, client_id: int, changes: dict[str, Any]) -> dict[str, Any] | None:
    """Store a valid partial update (all or nothing, concurrent updates of other fields kept), unless a fault bends
    how it is stored; the client as the answer shows it."""
    store = emulator.store
    if emulator.faults.on("unlocked-read-modify-write"):
        # Read the whole client, let other requests run, write the whole client back: what they stored is lost.
        stale = store.client(client_id)
        await asyncio.sleep(UNLOCKED_WRITE_DELAY)
        return None if stale is None else store.update_client(client_id, stale | changes)
    if emulator.faults.on("non-bmp-replaced"):
        # The storage keeps less than it was given; the answer is built from what was sent, as before a reload.
        stored = store.update_client(client_id, lax.without_non_bmp(changes))
        return None if stored is None else stored | changes
    return store.update_client(client_id, changes)


async def read_json_body(request: Request, spec: Path | None = None) -> bytes:
    """The body of a JSON request: 413 past the contract's size limit, 415 unless JSON-typed, checked before it is
    parsed."""
    limit = emulator_of(request).max_body
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(spec)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if emulator_of(request).faults.on("json-media-type-exact"):
        media_type = request.headers.get("content-type", "")  # a parameter, or another case, is not JSON here
    if media_type != JSON:
        raise ApiError.from_example(415, "NotJson", spec)
    check_charset(request.headers.get("content-type", ""))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(spec)
        chunks.append(chunk)
    return b"".join(chunks)


async def answer_not_found(request: Request) -> Response:
    """The `undocumented-method-404` fault's answer to a method the path does not document."""
    raise client_not_found(emulator_of(request).spec)


def too_large(spec: Path | None = None) -> ApiError:
    return ApiError.from_example(413, "TooLarge", spec)


async def issue_token(request: Request) -> Response:
    """The token endpoint: the client-credentials grant."""
    body = b""
    limit = emulator_of(request).max_body
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TokenError("invalid_request", "The request body is too large.")
    answer = emulator_of(request).issuer.issue(
        request.headers.get("content-type", ""),
        body,
        request.headers.get("authorization"),
        address=request.client.host if request.client else "",
    )
    if emulator_of(request).faults.on("token-cacheable"):
        return json_response(200, answer)
    return json_response(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def contract_routes(document: Mapping[str, Any], spec_path: Path | None = None) -> list[BaseRoute]:
    """The token endpoint, and one route per API path of the contract answering the methods listed for it.

    The token endpoint may be an operation of the contract (on its own servers, the host's root): it is served by
    the route above. Any other operation off the base URL has no handler here, and start-up stops on it.
    """
    token_at = token_path(spec_path)
    routes: list[BaseRoute] = [Route(token_at, issue_token, methods=["POST"])]
    methods_at: dict[str, list[str]] = {}
    for operation in operations_of(document):
        if operation.host_path == token_at:
            continue
        if not operation.under_base_url:
            raise ValueError(f"the emulator has no handler for {operation.path} on {operation.host_path}")
        methods_at.setdefault(operation.host_path, []).append(operation.method)
    for index, (served_at, methods) in enumerate(methods_at.items()):
        unhandled = set(methods) - {"get", "put"}
        if unhandled:
            raise ValueError(f"the emulator has no handler for {', '.join(sorted(unhandled))} {served_at}")
        routes.append(Route(served_at, client_endpoint(alias=index > 0), methods=[m.upper() for m in methods]))
    return routes


def create_app(
    db_path: str | Path = MEMORY,
    seed_path: str | Path | None = None,
    faults: Iterable[str] = (),
    token_lifetime: int = TOKEN_LIFETIME,
    rate_limit: int | None = None,
    access_log: bool = True,
    spec_path: Path | None = None,
    max_tokens_per_application: int = MAX_TOKENS_PER_APPLICATION,
    token_failure_limit: int = TOKEN_FAILURE_LIMIT,
    latency_ms: int = 0,
) -> Starlette:
    """The emulator of the contract at `spec_path` (None: the default one), on the store `db_path` names: a SQLite
    file or `:memory:`, or a PostgreSQL URL (a store several workers share). `latency_ms` delays every answer."""
    active = Faults(faults)  # an unknown fault is refused before the store is opened
    store = open_store(db_path, load_seed(seed_path or SEED_PATH, spec_path))
    try:
        issuer = TokenIssuer(
            store.application,
            token_lifetime,
            check_secret=not active.on("token-ignores-secret"),
            scheme_case_sensitive=active.on("bearer-case-sensitive"),
            refuse_scope=active.on("token-refuses-scope"),
            failures=FailedTokenRequests(token_failure_limit, counts=store.counts(TOKEN_FAILURES)),
            tokens=store.tokens(max_tokens_per_application),
            spec=spec_path,
        )
        return _app(store, issuer, active, rate_limit, access_log, spec_path, latency_ms)
    except BaseException:
        store.close()  # start-up abandoned (a bad contract, a signal): the store is not left open
        raise


def _app(
    store: Store,
    issuer: TokenIssuer,
    active: Faults,
    rate_limit: int | None,
    access_log: bool,
    spec_path: Path | None,
    latency_ms: int = 0,
) -> Starlette:
    document = load_document(spec_path)
    limiter = RateLimiter(RATE_LIMIT if rate_limit is None else rate_limit, counts=store.counts(RATE))
    emulator = Emulator(
        store=store,
        issuer=issuer,
        limiter=limiter,
        faults=active,
        max_body=max_body_bytes(spec_path),
        # The `stale-alias` fault's copy of every client as it was at start; no copy without the fault.
        started_clients=store.clients() if active.on("stale-alias") else {},
        spec=spec_path,
    )
    base = api_base_path(spec_path)
    served = contract_routes(document, spec_path)
    routes = [*served, *explorer.routes(dict(document), base, SERVED_SPEC_NAME, EXPLORER_NAME)]
    if active.on("undocumented-method-404"):
        # After the contract's routes: a path they serve, asked with a method they do not, lands here, not on 405.
        token_at = token_path(spec_path)
        paths = [route.path for route in served if isinstance(route, Route) and route.path != token_at]
        routes += [Route(path, answer_not_found, methods=list(UNDOCUMENTED_METHODS)) for path in paths]
    middleware = [Middleware(AccessLogMiddleware)] if access_log else []
    if latency_ms:
        middleware.append(Middleware(LatencyMiddleware, seconds=latency_ms / 1000))
    if not active.on("no-rate-limit-headers"):
        middleware.append(Middleware(RateLimitHeadersMiddleware, limiter=limiter))
    if active.on("wrong-content-type"):
        middleware.append(Middleware(WrongContentTypeMiddleware))
    middleware.append(Middleware(CatchAllMiddleware))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    app = Starlette(
        routes=routes, middleware=middleware, exception_handlers=dict(EXCEPTION_HANDLERS), lifespan=lifespan
    )
    app.router.redirect_slashes = False  # the slash is part of every path; no redirects to guess it
    app.state.emulator = emulator
    app.state.paths = {
        "API": base,
        "token": token_path(spec_path),
        "API browser": f"{base}/{EXPLORER_NAME}/",
        "contract": f"{base}/{SERVED_SPEC_NAME}",
    }
    return app

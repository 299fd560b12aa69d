"""The emulator's Starlette application: routes read from openapi.yaml, short handlers, few middlewares."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pbx_emulator import explorer
from pbx_emulator.auth import TokenIssuer
from pbx_emulator.errors import (
    JSON,
    ApiError,
    CatchAllMiddleware,
    TokenError,
    ValidationFailed,
    client_not_found,
    forbidden,
    json_response,
    render_api_error,
    render_http_exception,
)
from pbx_emulator.faults import MISSING_FIELD, WRONG_TYPE_FIELD, Faults
from pbx_emulator.rate_limit import DEFAULT_LIMIT, RateLimited, RateLimiter
from pbx_emulator.seed import Application, load_seed
from pbx_emulator.store import MEMORY, Store
from pbx_emulator.validation import check_update, parse_body, valid_fields
from pbx_kit.contract import load_document

access_log = logging.getLogger("pbx_emulator.access")

MAX_BODY = 64 * 1024  # the contract's 64 KiB: larger bodies answer 413
ME = "@me"
INT64_MAX = 2**63 - 1
SPEC_NAME = "openapi.yaml"
EXPLORER_NAME = "client_api_explorer"


def api_base_path(document: dict[str, Any]) -> str:
    """The path of the API's base URL (`/api/ver1.0`), from the contract's first server."""
    return urlparse(document["servers"][0]["url"]).path.rstrip("/")


def token_path(document: dict[str, Any]) -> str:
    """The token endpoint's path: the client-credentials tokenUrl, relative to the served document's URL."""
    for scheme in document["components"]["securitySchemes"].values():
        flow = scheme.get("flows", {}).get("clientCredentials")
        if flow:
            served_at = f"http://emulator{api_base_path(document)}/{SPEC_NAME}"
            return urlparse(urljoin(served_at, flow["tokenUrl"])).path
    raise ValueError("the contract has no client-credentials flow")


@dataclass
class Emulator:
    """Everything the handlers share: the store, the token issuer, the rate limiter and the faults."""

    store: Store
    issuer: TokenIssuer
    limiter: RateLimiter
    faults: Faults
    started_clients: dict[int, dict[str, Any]] = field(default_factory=dict)

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

    def target(self, application: Application, raw_id: str) -> int:
        """The id of the client that `{client_id}` names, if the application may see it (403/404 if not)."""
        own = application.client_id
        if raw_id == ME:
            return self._next_client(own) if self.faults.on("me-wrong-client") else own
        client_id = parse_client_id(raw_id)
        if client_id is None or self.store.client(client_id) is None:
            raise client_not_found()
        if client_id != own and not self.faults.on("leak-other-client"):
            raise forbidden("This client belongs to another account.", "access_denied")
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


def parse_client_id(raw_id: str) -> int | None:
    """A positive int64 written in ASCII digits, or None: anything else names no client."""
    if not (raw_id.isascii() and raw_id.isdigit()):
        return None
    value = int(raw_id)
    return value if 1 <= value <= INT64_MAX else None


def emulator_of(request: Request) -> Emulator:
    return request.app.state.emulator


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
    if emulator.store.is_blocked(application.client_id):
        raise forbidden("The client is blocked by the provider.", "user_blocked")
    client_id = emulator.target(application, request.path_params["client_id"])
    if request.method == "PUT":
        return await update_client(request, emulator, application, client_id)
    if alias and emulator.faults.on("stale-alias"):
        client = emulator.started_clients.get(client_id)
    else:
        client = emulator.store.client(client_id)
    if client is None:
        raise client_not_found()
    return json_response(200, emulator.present(client))


async def update_client(request: Request, emulator: Emulator, application: Application, client_id: int) -> Response:
    if not application.may_write and not emulator.faults.on("call-api-can-write"):
        raise forbidden("The application's access level does not allow changes.", "app_access_type_deny")
    body = await read_json_body(request)
    changes: Any = None
    try:
        changes = parse_body(body)
        check_update(changes, allow_read_only=emulator.faults.on("read-only-writable"))
    except ValidationFailed as error:
        if emulator.faults.on("invalid-put-partially-applied") and isinstance(changes, dict):
            emulator.store.update_client(client_id, valid_fields(changes))
        if emulator.faults.on("validation-422"):
            error.status_code = 422
        raise
    if emulator.faults.on("put-not-stored"):
        stored = emulator.store.client(client_id)
        client = None if stored is None else stored | changes
    else:
        client = emulator.store.update_client(client_id, changes)
    if client is None:
        raise client_not_found()
    return json_response(200, emulator.present(client))


async def read_json_body(request: Request) -> bytes:
    """The body of a JSON request: 413 past 64 KiB, 415 unless JSON-typed, checked before it is parsed."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large()
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON:
        raise ApiError(415, "The request body must be application/json.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def too_large() -> ApiError:
    return ApiError(413, f"The request body is larger than {MAX_BODY} bytes.")


async def issue_token(request: Request) -> Response:
    """POST /oauth/token: the client-credentials grant."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TokenError("invalid_request", "The request body is too large.")
    answer = emulator_of(request).issuer.issue(
        request.headers.get("content-type", ""), body, request.headers.get("authorization")
    )
    return json_response(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def api_routes(document: dict[str, Any]) -> list[BaseRoute]:
    """One route per path of the contract, answering the methods the contract lists for it."""
    handled = {"get", "put"}
    base = api_base_path(document)
    routes: list[BaseRoute] = []
    api_paths = [(path, item) for path, item in document["paths"].items() if "servers" not in item]
    # A path item with its own `servers` is not under the API's base URL: the token endpoint, served on its own.
    for index, (path, item) in enumerate(api_paths):
        methods = [m for m in item if m in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}]
        unhandled = set(methods) - handled
        if unhandled:
            raise ValueError(f"the emulator has no handler for {', '.join(sorted(unhandled))} {path}")
        routes.append(Route(base + path, client_endpoint(alias=index > 0), methods=[m.upper() for m in methods]))
    return routes


class RateLimitHeadersMiddleware:
    """Adds X-RateLimit-* to every response: the calling client's quota, or the full one if unattributed."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota = state.get("quota") or self.limiter.unattributed()
                message["headers"] = [*message.get("headers", []), *quota.headers()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


TEXT = b"text/plain; charset=utf-8"


class WrongContentTypeMiddleware:
    """The `wrong-content-type` fault: JSON answers are labelled text/plain."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def relabel(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, TEXT if name.lower() == b"content-type" and value.startswith(JSON.encode()) else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, relabel)


class AccessLogMiddleware:
    """One line per request: method, path (no query string: it may hold credentials), status, time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, elapsed)


def create_app(
    db_path: str | Path = MEMORY,
    seed_path: str | Path | None = None,
    faults: Iterable[str] = (),
    token_lifetime: int = 3600,
    rate_limit: int | None = None,
    access_log: bool = True,
    spec_path: Path | None = None,
) -> Starlette:
    document = load_document(spec_path)
    active = Faults(faults)
    store = Store(db_path, load_seed(seed_path))
    limiter = RateLimiter(DEFAULT_LIMIT if rate_limit is None else rate_limit)
    emulator = Emulator(
        store=store,
        issuer=TokenIssuer(store.application, token_lifetime, check_secret=not active.on("token-ignores-secret")),
        limiter=limiter,
        faults=active,
        started_clients=store.clients(),
    )
    base = api_base_path(document)
    routes: list[BaseRoute] = [
        Route(token_path(document), issue_token, methods=["POST"]),
        *api_routes(document),
        *explorer.routes(document, base, SPEC_NAME, EXPLORER_NAME),
    ]
    middleware = [Middleware(AccessLogMiddleware)] if access_log else []
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
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: render_api_error,
            TokenError: render_api_error,
            HTTPException: render_http_exception,
        },
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # the slash is part of every path; no redirects to guess it
    app.state.emulator = emulator
    app.state.paths = {
        "API": base,
        "token": token_path(document),
        "API browser": f"{base}/{EXPLORER_NAME}/",
        "contract": f"{base}/{SPEC_NAME}",
    }
    return app

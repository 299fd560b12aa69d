"""`pbx-emulator serve`: run the emulator as an HTTP server."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from pbx_emulator.auth import MAX_TOKENS_PER_APPLICATION
from pbx_emulator.connections import (
    DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    DEFAULT_REQUEST_TIMEOUT,
    guarded_protocol,
)
from pbx_emulator.faults import FAULTS, UnknownFault
from pbx_emulator.rate_limit import DEFAULT_LIMIT, DEFAULT_TOKEN_FAILURE_LIMIT
from pbx_emulator.seed import SeedError
from pbx_emulator.store import MEMORY, StoreError
from pbx_kit.contract import DEFAULT_SEED_PATH, demo_applications


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pbx-emulator", description="A local emulator of the cloud PBX Client API.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the API, its token endpoint and the API browser",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="faults:\n" + "\n".join(f"  {name:<30} {text}" for name, text in FAULTS.items()),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--db", default=MEMORY, help=f"SQLite file, created and seeded when missing (default {MEMORY})")
    serve.add_argument("--seed", default=str(DEFAULT_SEED_PATH), help="seed YAML for a new store")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=sorted(FAULTS),
        metavar="NAME",
        help="break the contract on purpose (repeatable)",
    )
    serve.add_argument("--token-lifetime", type=_positive, default=3600, help="seconds a token lives (default 3600)")
    serve.add_argument("--rate-limit", type=_positive, default=DEFAULT_LIMIT, help="calls per client per hour")
    serve.add_argument(
        "--max-tokens-per-app",
        type=_positive,
        default=MAX_TOKENS_PER_APPLICATION,
        help=f"live tokens per application; past it the oldest is revoked (default {MAX_TOKENS_PER_APPLICATION})",
    )
    serve.add_argument(
        "--token-failure-limit",
        type=_positive,
        default=DEFAULT_TOKEN_FAILURE_LIMIT,
        help="failed token requests per App ID and per address in a minute; past it the token endpoint answers "
        f"429 until the minute ends (default {DEFAULT_TOKEN_FAILURE_LIMIT})",
    )
    serve.add_argument(
        "--request-timeout",
        type=_positive,
        default=DEFAULT_REQUEST_TIMEOUT,
        help="seconds a request (headers and body) may take to arrive; past it the connection is closed "
        f"(default {DEFAULT_REQUEST_TIMEOUT})",
    )
    serve.add_argument(
        "--max-connections-per-address",
        type=_positive,
        default=DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        help=f"open connections one client address may hold (default {DEFAULT_MAX_CONNECTIONS_PER_ADDRESS})",
    )
    serve.add_argument("--quiet", action="store_true", help="no access log")
    return top


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


class Stopped(Exception):
    """SIGTERM or SIGINT before the server runs: start-up is abandoned, and what it opened is closed."""


class Shutdown:
    """SIGTERM and SIGINT at any moment end the emulator with exit status 0 and its store closed.

    Before the server runs, the signal abandons start-up (`Stopped`); once it runs, it asks uvicorn to shut
    down as uvicorn's own handler would. uvicorn re-raises the signal to the previous handler after its
    graceful shutdown, which is this one again, so the process does not die of it (-15) afterwards.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.server: uvicorn.Server | None = None
        for number in self.SIGNALS:
            signal.signal(number, self.handle)

    def handle(self, number: int, frame: FrameType | None) -> None:
        if self.server is None:
            raise Stopped(signal.Signals(number).name)
        self.server.should_exit = True


def main(argv: Sequence[str] | None = None) -> int:
    shutdown = Shutdown()
    try:
        return serve(parser().parse_args(argv), shutdown)
    except Stopped:
        return 0


def serve(args: argparse.Namespace, shutdown: Shutdown) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    print(f"pbx-emulator starting (seed {args.seed}, store {args.db})", flush=True)
    from pbx_emulator.app import create_app  # after argument errors, which need none of it

    try:
        app = create_app(
            db_path=args.db,
            seed_path=args.seed,
            faults=args.fault,
            token_lifetime=args.token_lifetime,
            rate_limit=args.rate_limit,
            access_log=not args.quiet,
            max_tokens_per_application=args.max_tokens_per_app,
            token_failure_limit=args.token_failure_limit,
        )
    except (SeedError, StoreError, UnknownFault, OSError) as error:
        print(f"pbx-emulator: {error}", file=sys.stderr)
        return 2
    store = app.state.emulator.store
    try:
        print(banner(app, args.host, args.port, args.fault), flush=True)
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            http=guarded_protocol(args.request_timeout, args.max_connections_per_address),
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        shutdown.server = uvicorn.Server(config)
        shutdown.server.run()
    finally:
        store.close()  # also closed by the app's shutdown; closing twice is harmless
    return 0


def banner(app: Starlette, host: str, port: int, faults: Sequence[str]) -> str:
    emulator = app.state.emulator
    origin = f"http://{host}:{port}"
    lines = [f"pbx-emulator listening on {origin}"]
    lines += [f"  {name + ':':<13} {origin}{path}" for name, path in app.state.paths.items()]
    # Secrets are printed only for the bundled seed's demo applications, which the README publishes anyway;
    # any other application (another seed, or a store seeded from one) is named by its App ID alone.
    demo = {(known.app_id, known.app_secret) for known in demo_applications()}
    applications = emulator.store.applications()
    if all((application.app_id, application.app_secret) in demo for application in applications):
        lines.append("  demo credentials (App ID / App Secret, access level, client):")
    else:
        lines.append("  applications (App ID, access level, client; secrets as in the seed):")
    for application in applications:
        blocked = " (blocked)" if emulator.store.is_blocked(application.client_id) else ""
        secret = f" / {application.app_secret}" if (application.app_id, application.app_secret) in demo else ""
        lines.append(
            f"    {application.app_id}{secret}  {application.access_level}, client {application.client_id}{blocked}"
        )
    if faults:
        lines.append(f"  FAULTS ON: {', '.join(faults)}")
    return "\n".join(lines)

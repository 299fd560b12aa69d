"""`pbx-emulator serve`: run the emulator as an HTTP server."""

from __future__ import annotations

# Light imports only: the signal handlers go in before uvicorn, Starlette and the contract are loaded.
import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING

from pbx_emulator import defaults
from pbx_emulator.faults import FAULTS

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette


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
    serve.add_argument(
        "--db",
        default=defaults.MEMORY,
        help=f"SQLite file, created and seeded when missing (default {defaults.MEMORY})",
    )
    serve.add_argument("--seed", default=None, help="seed YAML for a new store (default: the bundled demo seed)")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=sorted(FAULTS),
        metavar="NAME",
        help="break the contract on purpose (repeatable)",
    )
    serve.add_argument(
        "--token-lifetime",
        type=_positive,
        default=defaults.TOKEN_LIFETIME,
        help=f"seconds a token lives (default {defaults.TOKEN_LIFETIME})",
    )
    serve.add_argument("--rate-limit", type=_positive, default=defaults.RATE_LIMIT, help="calls per client per hour")
    serve.add_argument(
        "--max-tokens-per-app",
        type=_positive,
        default=defaults.MAX_TOKENS_PER_APPLICATION,
        help="live tokens per application; past it the oldest is revoked "
        f"(default {defaults.MAX_TOKENS_PER_APPLICATION})",
    )
    serve.add_argument(
        "--token-failure-limit",
        type=_positive,
        default=defaults.TOKEN_FAILURE_LIMIT,
        help="failed token requests per App ID and per address in a minute; past it the token endpoint answers "
        f"429 until the minute ends (default {defaults.TOKEN_FAILURE_LIMIT})",
    )
    serve.add_argument(
        "--request-timeout",
        type=_positive,
        default=defaults.REQUEST_TIMEOUT,
        help="seconds a request (headers and body) may take to arrive; past it the connection is closed "
        f"(default {defaults.REQUEST_TIMEOUT})",
    )
    serve.add_argument(
        "--max-connections-per-address",
        type=_positive,
        default=defaults.MAX_CONNECTIONS_PER_ADDRESS,
        help=f"open connections one client address may hold (default {defaults.MAX_CONNECTIONS_PER_ADDRESS})",
    )
    serve.add_argument("--quiet", action="store_true", help="no access log")
    return top


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


class Stopped(Exception):
    """SIGTERM or SIGINT came during start-up: it is abandoned at the next step, and what it opened is closed."""


class Shutdown:
    """SIGTERM and SIGINT at any moment end the emulator with exit status 0 and its store closed.

    The handler only takes note (raising from a signal handler would surface inside whatever library code
    runs at that moment, wrapped in its errors): start-up checks between its steps, and once the server
    exists the note is uvicorn's own `should_exit`, which it checks before serving and while it serves.
    uvicorn re-raises a signal it caught to the previous handler after its graceful shutdown, which is this
    one again, so the process does not die of it (-15) afterwards.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.requested = False
        self.server: uvicorn.Server | None = None
        for number in self.SIGNALS:
            signal.signal(number, self.handle)

    def handle(self, number: int, frame: FrameType | None) -> None:
        self.requested = True
        if self.server is not None:
            self.server.should_exit = True

    def check(self) -> None:
        """Stopped if a signal came: start-up goes no further."""
        if self.requested:
            raise Stopped


def main(argv: Sequence[str] | None = None) -> int:
    shutdown = Shutdown()
    try:
        return serve(parser().parse_args(argv), shutdown)
    except Stopped:
        return 0


def serve(args: argparse.Namespace, shutdown: Shutdown) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    print(f"pbx-emulator starting (seed {args.seed or 'the bundled demo seed'}, store {args.db})", flush=True)
    # Loaded after the signal handlers and after argument errors, which need none of it.
    import uvicorn

    from pbx_emulator.app import create_app
    from pbx_emulator.connections import guarded_protocol
    from pbx_emulator.faults import UnknownFault
    from pbx_emulator.seed import SeedError
    from pbx_emulator.store import StoreError

    shutdown.check()
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
        shutdown.check()  # a signal from here on sets the server's should_exit
        print(banner(app, args.host, args.port, args.fault), flush=True)
        shutdown.server.run()
    finally:
        store.close()  # also closed by the app's shutdown; closing twice is harmless
    return 0


def banner(app: Starlette, host: str, port: int, faults: Sequence[str]) -> str:
    from pbx_kit.contract import demo_applications

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

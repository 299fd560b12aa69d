"""`pbx-emulator serve`: run the emulator as an HTTP server (one process, or `--workers N` on a PostgreSQL store);
`pbx-emulator tenant add|reset|remove`: the clients of a store, one per test run."""

from __future__ import annotations

# Light imports only: the signal handlers go in before uvicorn, Starlette and the contract are loaded.
import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from pbx_emulator import defaults
from pbx_emulator.faults import FAULTS
from pbx_kit.command_line import SPEC_HELP, add_version_option

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pbx-emulator", description="A local emulator of the cloud PBX Client API.")
    add_version_option(top, "pbx-emulator")
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
        help="the store: a SQLite file, created and seeded when missing (default "
        f"{defaults.MEMORY}), or postgresql://USER:PASSWORD@HOST/DATABASE, a store several workers share",
    )
    serve.add_argument("--seed", default=None, help="seed YAML for a new store (default: the bundled demo seed)")
    serve.add_argument("--spec", type=Path, default=None, help=SPEC_HELP)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes serving the one port (default 1); more than 1 needs a PostgreSQL store",
    )
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
    serve.add_argument(
        "--latency",
        type=_not_negative,
        default=0,
        metavar="MS",
        help="milliseconds every answer waits before it is handled, as a remote server's would (default 0)",
    )
    serve.add_argument("--quiet", action="store_true", help="no access log")
    _tenant_parser(commands)
    return top


def _tenant_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tenant = commands.add_parser(
        "tenant",
        help="add, reset or remove a client of a store (a tenant of a shared sandbox)",
        description="The clients of a store, one per test run. On a SQLite file, while no emulator serves it; "
        "on PostgreSQL, at any time. Exit status 2 when the store or the client cannot be had.",
    )
    actions = tenant.add_subparsers(dest="tenant_command", required=True)
    add = actions.add_parser("add", help='a new client with an "All" and a "Call API" application')
    reset = actions.add_parser("reset", help="put a client back as it was created (its tokens and counts dropped)")
    remove = actions.add_parser("remove", help="remove a client, its applications and their tokens")
    for action in (add, reset, remove):
        action.add_argument("--db", required=True, help="the store: a SQLite file or a postgresql:// URL")
        action.add_argument("--spec", type=Path, default=None, help=SPEC_HELP)
    for action in (reset, remove):
        action.add_argument("client_id", type=_positive, metavar="ID", help="the client's id")
    add.add_argument("--seed", default=None, help="seed YAML, should the store be new (default: the demo seed)")
    add.add_argument("--name", default=None, help="the client's name (default: Tenant <id>)")
    output = add.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the id and credentials as JSON")
    output.add_argument("--env", action="store_true", help="print them as `export` lines a CI job can source")
    add.add_argument(
        "--env-prefix",
        default="PBX_",
        help="prefix of the --env names (default PBX_: PBX_CLIENT_ID, PBX_CLIENT_SECRET, PBX_READONLY_CLIENT_ID, "
        "... as pbx-conformance reads them; PBX_OTHER_ for its other client)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
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
    args = parser().parse_args(argv)
    if args.command == "tenant":
        return tenant(args)
    shutdown = Shutdown()
    try:
        return serve(args, shutdown)
    except Stopped:
        return 0


def serve(args: argparse.Namespace, shutdown: Shutdown) -> int:
    from pbx_emulator.store import describe, is_postgres

    if args.workers > 1 and not is_postgres(args.db):
        print(
            f"pbx-emulator: --workers {args.workers} needs a PostgreSQL store (--db postgresql://...): a SQLite store "
            "has one writer and keeps tokens and counts in its one process's memory",
            file=sys.stderr,
        )
        return 2
    from pbx_kit.command_line import chosen_spec
    from pbx_kit.document import DocumentError

    try:
        spec = chosen_spec(args.spec)
    except DocumentError as error:
        print(f"pbx-emulator: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format=defaults.LOG_FORMAT, stream=sys.stderr)
    print(f"pbx-emulator starting (seed {args.seed or 'the bundled demo seed'}, store {describe(args.db)})", flush=True)
    # Loaded after the signal handlers and after argument errors, which need none of it.
    import uvicorn

    from pbx_emulator.app import create_app
    from pbx_emulator.connections import guarded_protocol
    from pbx_emulator.faults import UnknownFault
    from pbx_emulator.store import StoreError
    from pbx_kit.seed import SeedError

    shutdown.check()
    try:
        app = create_app(
            db_path=args.db,
            seed_path=args.seed,
            spec_path=spec,
            faults=args.fault,
            token_lifetime=args.token_lifetime,
            rate_limit=args.rate_limit,
            access_log=not args.quiet,
            max_tokens_per_application=args.max_tokens_per_app,
            token_failure_limit=args.token_failure_limit,
            latency_ms=args.latency,
        )
    except (SeedError, StoreError, UnknownFault, OSError) as error:
        print(f"pbx-emulator: {error}", file=sys.stderr)
        return 2
    store = app.state.emulator.store
    if args.workers > 1:
        return serve_with_workers(app, args, shutdown, spec)
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
        print(banner(app, args.host, args.port, args.fault, latency_ms=args.latency), flush=True)
        shutdown.server.run()
    finally:
        store.close()  # also closed by the app's shutdown; closing twice is harmless
    return 0


def serve_with_workers(app: Starlette, args: argparse.Namespace, shutdown: Shutdown, spec: Path) -> int:
    """`--workers N`: this process has made and checked the store (`app`); N workers serve it, each its own app."""
    from pbx_emulator.workers import EmulatorConfig, WorkerApp, serve_workers

    try:
        print(banner(app, args.host, args.port, args.fault, args.workers, args.latency), flush=True)
    finally:
        app.state.emulator.store.close()  # the workers open their own
    config = EmulatorConfig(
        WorkerApp(
            db_path=args.db,
            seed_path=args.seed,
            faults=tuple(args.fault),
            token_lifetime=args.token_lifetime,
            rate_limit=args.rate_limit,
            access_log=not args.quiet,
            spec_path=spec,
            max_tokens_per_application=args.max_tokens_per_app,
            token_failure_limit=args.token_failure_limit,
            latency_ms=args.latency,
        ),
        request_timeout=args.request_timeout,
        max_connections_per_address=args.max_connections_per_address,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    shutdown.check()  # from here on uvicorn's supervisor handles SIGTERM and SIGINT: it stops every worker
    serve_workers(config)
    return 0


def tenant(args: argparse.Namespace) -> int:
    """`pbx-emulator tenant add|reset|remove`: one line and exit status 2 when it cannot be done."""
    from pbx_emulator import tenants
    from pbx_emulator.store import StoreError
    from pbx_emulator.stores import open_store
    from pbx_kit.command_line import chosen_spec
    from pbx_kit.document import DocumentError
    from pbx_kit.seed import SeedError, load_seed

    if args.db == defaults.MEMORY:
        print(
            "pbx-emulator: a tenant needs a store that outlives the command: --db FILE or --db postgresql://...",
            file=sys.stderr,
        )
        return 2
    try:
        chosen_spec(args.spec)  # the contract the store's checks read: a bad one is one line here, not a traceback
        store = open_store(args.db, load_seed(getattr(args, "seed", None) or defaults.SEED_PATH))
        try:
            if args.tenant_command == "add":
                entry = tenants.add(store, args.name)
                if args.json:
                    print(tenants.as_json(entry))
                elif args.env:
                    print(tenants.as_env(entry, args.env_prefix))
                else:
                    print(tenants.as_text(entry))
            elif args.tenant_command == "reset":
                store.reset_client(args.client_id)
                print(f"tenant {args.client_id} reset")
            else:
                store.remove_client(args.client_id)
                print(f"tenant {args.client_id} removed")
        finally:
            store.close()
    except (DocumentError, SeedError, StoreError, OSError) as error:
        print(f"pbx-emulator: {error}", file=sys.stderr)
        return 2
    return 0


# Applications the banner names one by one; a shared sandbox's many tenants are counted instead.
BANNER_APPLICATIONS = 20


def banner(app: Starlette, host: str, port: int, faults: Sequence[str], workers: int = 1, latency_ms: int = 0) -> str:
    from pbx_kit.seed import demo_applications

    emulator = app.state.emulator
    origin = f"http://{host}:{port}"
    lines = [f"pbx-emulator listening on {origin}" + (f" ({workers} workers)" if workers > 1 else "")]
    lines += [f"  {name + ':':<13} {origin}{path}" for name, path in app.state.paths.items()]
    # Secrets are printed only for the bundled seed's demo applications, which the README publishes anyway;
    # any other application (another seed, or a store seeded from one) is named by its App ID alone.
    demo = {(known.app_id, known.app_secret) for known in demo_applications(defaults.SEED_PATH)}
    applications = emulator.store.applications()
    if all((application.app_id, application.app_secret) in demo for application in applications):
        lines.append("  demo credentials (App ID / App Secret, access level, client):")
    else:
        lines.append("  applications (App ID, access level, client; secrets as in the seed):")
    for application in applications[:BANNER_APPLICATIONS]:
        blocked = " (blocked)" if emulator.store.is_blocked(application.client_id) else ""
        secret = f" / {application.app_secret}" if (application.app_id, application.app_secret) in demo else ""
        lines.append(
            f"    {application.app_id}{secret}  {application.access_level}, client {application.client_id}{blocked}"
        )
    if len(applications) > BANNER_APPLICATIONS:
        lines.append(f"    ... and {len(applications) - BANNER_APPLICATIONS} more")
    if faults:
        lines.append(f"  FAULTS ON: {', '.join(faults)}")
    if latency_ms:
        lines.append(f"  LATENCY: every answer waits {latency_ms} ms")
    return "\n".join(lines)

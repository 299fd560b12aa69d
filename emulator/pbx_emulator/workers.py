"""`--workers N`: N processes serving one port, each with its own app on the one shared (PostgreSQL) store.

uvicorn's own supervisor (`uvicorn.supervisors.Multiprocess`) binds the socket once, starts the workers with
multiprocessing's spawn, replaces a worker that dies and stops them all on SIGTERM or SIGINT. A worker is
handed its configuration pickled, so what it needs is made in the worker from plain values: the app by
`WorkerApp` (create_app's arguments), the bounded HTTP protocol by `EmulatorConfig.load`.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from pbx_emulator.connections import guarded_protocol
from pbx_emulator.defaults import LOG_FORMAT


def configure_logging() -> None:
    """The emulator's log: the banner and one access line per request, on stderr."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)


@dataclass(frozen=True)
class WorkerApp:
    """The app factory a worker calls: `create_app` with these arguments."""

    db_path: str
    seed_path: str | None
    faults: tuple[str, ...]
    token_lifetime: int
    rate_limit: int | None
    access_log: bool
    spec_path: Path | None
    max_tokens_per_application: int
    token_failure_limit: int
    latency_ms: int = 0

    def __call__(self) -> Starlette:
        from pbx_emulator.app import create_app

        configure_logging()  # a spawned worker starts with no logging set up
        return create_app(**asdict(self))


class EmulatorConfig(uvicorn.Config):
    """uvicorn's configuration, with the emulator's connection bounds (`connections.guarded_protocol`) made where
    the configuration is loaded: in each worker."""

    def __init__(self, app: WorkerApp, request_timeout: float, max_connections_per_address: int, **kwargs: Any):
        super().__init__(app, factory=True, **kwargs)
        self.request_timeout = request_timeout
        self.max_connections_per_address = max_connections_per_address

    def load(self) -> None:
        super().load()
        self.http_protocol_class = guarded_protocol(self.request_timeout, self.max_connections_per_address)


def serve_workers(config: EmulatorConfig) -> None:
    """Serve with `config.workers` processes until SIGTERM or SIGINT; each worker is replaced if it dies."""
    Multiprocess(config, sockets=[config.bind_socket()]).run()

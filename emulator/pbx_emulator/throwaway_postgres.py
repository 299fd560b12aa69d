"""A throwaway PostgreSQL server, for tests and benchmarks of the shared store:

    with throwaway_postgres() as server:
        url = server.create_database("sandbox")     # postgresql://...?host=<its socket folder>

Debian's `postgresql` package's own binaries (`make postgresql` installs it): `initdb` into a scratch folder and
`pg_ctl` to start it, listening on a Unix socket in that folder and on 127.0.0.1 at a free port, and to stop it
afterwards; the folder is then deleted. Over the socket the superuser `postgres` logs in without a password
(`trust`); over TCP it needs `server.password` (scram-sha-256), so a wrong one is refused as a real server would.
PostgreSQL refuses to run as root, so as root (CI) the server runs as Debian's unprivileged `postgres` user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

from pbx_emulator.testing import free_port

SUPERUSER = "postgres"
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
# Where Debian's packages put each major version's server binaries; the newest is used.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine; `make postgresql` installs Debian's."""


@dataclass(frozen=True)
class PostgresServer:
    folder: Path
    port: int
    password: str

    def url(self, database: str = SUPERUSER) -> str:
        """A URL to `database` over the Unix socket, as the superuser."""
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(self.folder), safe='')}&port={self.port}"

    def tcp_url(self, database: str = SUPERUSER, password: str | None = None) -> str:
        """A URL to `database` over TCP on loopback, with the superuser's password (or the one given)."""
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL over the socket."""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def execute(self, database: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement in `database` as the superuser; its rows, if it returns any."""
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []


def binaries() -> Path:
    """The folder of `initdb` and `pg_ctl`: on PATH, else the newest of Debian's versions."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(os.path.realpath(on_path)).parent
    versions = sorted(
        (folder for folder in DEBIAN_BINARIES.glob("*/bin") if (folder / "pg_ctl").exists()),
        key=lambda folder: [int(part) for part in re.findall(r"\d+", folder.parent.name)],
    )
    if not versions:
        raise PostgresMissing("no PostgreSQL server binaries (initdb, pg_ctl); `make postgresql` installs them")
    return versions[-1]


def _as_owner() -> dict[str, Any]:
    """subprocess arguments that run the server as an unprivileged user when this process is root."""
    if os.geteuid() != 0:
        return {}
    owner = pwd.getpwnam(SUPERUSER if _user_exists(SUPERUSER) else "nobody")
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """A new PostgreSQL server until the block ends; then stopped at once and its files deleted."""
    bin_dir = binaries()
    owner = _as_owner()
    folder = Path(tempfile.mkdtemp(prefix="pbx-pg-"))  # short: a Unix socket's path has a 107-byte limit
    try:
        if owner:
            os.chown(folder, owner["user"], owner["group"])
        password = secrets.token_urlsafe(16)
        (folder / "pwfile").write_text(password + "\n", encoding="utf-8")
        if owner:
            os.chown(folder / "pwfile", owner["user"], owner["group"])
        data = folder / "data"
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={folder / 'pwfile'}",
             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
            owner,
        )  # fmt: skip
        port = _start(bin_dir, data, folder, owner)
        try:
            yield PostgresServer(folder, port, password)
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start(bin_dir: Path, data: Path, folder: Path, owner: dict[str, Any]) -> int:
    """Start the server on a free port (another, should one be taken meanwhile); the port."""
    log = folder / "server.log"
    for attempt in range(3):
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
        try:
            _run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", str(START_TIMEOUT),
                 "-o", options, "start"],
                owner,
            )  # fmt: skip
            return port
        except RuntimeError as error:
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if "already in use" not in text or attempt == 2:
                raise RuntimeError(f"{error}\n{text}") from None
    raise AssertionError("unreachable")


def _run(command: list[str], owner: dict[str, Any]) -> None:
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=START_TIMEOUT + 30, cwd="/", check=False, **owner
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {finished.stdout}{finished.stderr}")

"""The seed: the clients and applications a new emulator store starts with, read from YAML and checked against
the contract.

The one parser of a seed. The emulator seeds its store with it (and checks a new tenant with it), and the demo
identities below are a seed's applications as it reads them. The bundled seed is the emulator's package data
(`pbx_emulator.defaults.SEED_PATH`); this module imports nothing of the emulator and names no seed file.
Every check reads the contract document it is given (`spec`, a path; None: the default contract).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pbx_kit.contract import is_nullable, schema_properties, validator

# The provider's access levels of an application: "All" may change configuration, "Call API" may only read.
ALL, CALL_API = "All", "Call API"
ACCESS_LEVELS = (ALL, CALL_API)


class SeedError(ValueError):
    """The seed is not usable; the message says where."""


@dataclass(frozen=True)
class Application:
    app_id: str
    app_secret: str
    client_id: int
    access_level: str

    @property
    def may_write(self) -> bool:
        return self.access_level == ALL


@dataclass(frozen=True)
class SeedClient:
    """One client of the seed: the client as the API answers it, whether it is blocked, and its applications."""

    client: dict[str, Any]
    blocked: bool
    applications: tuple[Application, ...]


def load_seed(path: Path | str, spec: Path | None = None) -> list[SeedClient]:
    """The seed file's clients, checked against the contract."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError(f"{path}: cannot read the seed: {error}") from error
    return parse_seed_text(text, origin=str(path), spec=spec)


def parse_seed_text(text: str, origin: str = "seed", spec: Path | None = None) -> list[SeedClient]:
    """The clients of a seed given as YAML text."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SeedError(f"{origin}: cannot read the seed: {error}") from error
    return parse_seed(document, origin, spec)


def parse_seed(document: Any, origin: str = "seed", spec: Path | None = None) -> list[SeedClient]:
    """The clients of a parsed seed document, each completed with nulls and valid against the contract's `Client`."""
    if not isinstance(document, Mapping) or not isinstance(document.get("clients"), list):
        raise SeedError(f"{origin}: expected a mapping with a `clients` list")
    clients = [
        parse_client(entry, f"{origin}: clients[{index}]", spec) for index, entry in enumerate(document["clients"])
    ]
    _check_unique([c.client["id"] for c in clients], "client id", origin)
    _check_unique([a.app_id for c in clients for a in c.applications], "App ID", origin)
    return clients


def parse_client(entry: Any, where: str = "client", spec: Path | None = None) -> SeedClient:
    """One entry of a seed's `clients` (`client`, `blocked`, `applications`), checked against the contract."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("client"), Mapping):
        raise SeedError(f"{where}: expected a mapping with a `client` mapping")
    client = complete_client(entry["client"], spec)
    errors = sorted(validator("Client", spec).iter_errors(client), key=lambda e: list(e.path))
    if errors:
        field = ".".join(str(p) for p in errors[0].path) or "client"
        raise SeedError(f"{where}: {field}: {errors[0].message}")
    applications = []
    for index, app in enumerate(entry.get("applications") or []):
        app_where = f"{where}.applications[{index}]"
        if not isinstance(app, Mapping) or not all(isinstance(app.get(k), str) for k in ("app_id", "app_secret")):
            raise SeedError(f"{app_where}: expected `app_id` and `app_secret` strings")
        level = app.get("access_level", CALL_API)
        if level not in ACCESS_LEVELS:
            raise SeedError(f"{app_where}: access_level must be one of {', '.join(ACCESS_LEVELS)}")
        applications.append(Application(app["app_id"], app["app_secret"], client["id"], level))
    return SeedClient(client, bool(entry.get("blocked", False)), tuple(applications))


def complete_client(client: Mapping[str, Any], spec: Path | None = None) -> dict[str, Any]:
    """The client with every nullable field it leaves out set to null, in the contract's field order."""
    properties = schema_properties("Client", spec)
    completed = {name: client.get(name) for name, schema in properties.items() if name in client or is_nullable(schema)}
    completed.update({name: value for name, value in client.items() if name not in properties})
    return completed


def _check_unique(values: list[Any], what: str, origin: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise SeedError(f"{origin}: {what} {value!r} appears twice")
        seen.add(value)


# --- a seed's demo applications ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoApplication:
    """An application of a seed: its App ID and App Secret, access level and client."""

    app_id: str
    app_secret: str
    access_level: str
    client_id: int
    blocked: bool


@dataclass(frozen=True)
class DemoIdentities:
    """The three identities a conformance run uses, as a seed (the emulator's bundled one) provides them.

    main: an "All" application; readonly: a "Call API" application of the same client; other: an "All"
    application of another client. None of them belongs to a blocked client.
    """

    main: DemoApplication
    readonly: DemoApplication
    other: DemoApplication


@cache
def demo_applications(seed_path: Path) -> tuple[DemoApplication, ...]:
    """Every application of the seed at `seed_path`, in the seed's order, as `load_seed` reads and checks it."""
    return tuple(
        DemoApplication(app.app_id, app.app_secret, app.access_level, app.client_id, entry.blocked)
        for entry in load_seed(seed_path)
        for app in entry.applications
    )


def demo_application(app_id: str, seed_path: Path) -> DemoApplication:
    """The seed's application with this App ID."""
    for application in demo_applications(seed_path):
        if application.app_id == app_id:
            return application
    raise KeyError(f"the seed has no application {app_id!r}")


@cache
def demo_identities(seed_path: Path) -> DemoIdentities:
    """The seed's first usable client's "All" and "Call API" applications, and an "All" one of another client."""
    usable = [app for app in demo_applications(seed_path) if not app.blocked]
    main = next(app for app in usable if app.access_level == "All")
    readonly = next(app for app in usable if app.client_id == main.client_id and app.access_level == "Call API")
    other = next(app for app in usable if app.client_id != main.client_id and app.access_level == "All")
    return DemoIdentities(main=main, readonly=readonly, other=other)

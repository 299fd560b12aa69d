"""Tenants of a shared sandbox: a client per test run, added, reset and removed on a store (`pbx-emulator tenant`).

A new tenant is the contract's own `Client` example with the facts that name a client made its own (id, name,
domain, prefix, creation date), checked by the one seed parser like any seeded client, with one application of
each access level and fresh random App Secrets.
"""

from __future__ import annotations

import datetime
import json
import secrets
import shlex
from pathlib import Path

from pbx_emulator.store import Store
from pbx_kit.contract import example_value
from pbx_kit.seed import ACCESS_LEVELS, ALL, CALL_API, Application, SeedClient, parse_client

# How each access level's application is named: tenant-<id>-all, tenant-<id>-call-api.
APP_SUFFIX = {level: level.lower().replace(" ", "-") for level in ACCESS_LEVELS}
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"  # the form of the contract's `create_date` example


def new_tenant(client_id: int, name: str | None = None, spec: Path | None = None) -> SeedClient:
    """A new client numbered `client_id`, valid against the contract, with an "All" and a "Call API" application."""
    client = dict(example_value("Client", spec))
    domain = str(client.get("domain", "pbx.example.com"))
    client.update(
        id=client_id,
        name=name or f"Tenant {client_id}",
        domain=f"tenant-{client_id}.{domain.partition('.')[2] or domain}",
        prefix=str(client_id),
        create_date=datetime.datetime.now(datetime.UTC).strftime(DATE_FORMAT),
    )
    applications = [
        {
            "app_id": f"tenant-{client_id}-{APP_SUFFIX[level]}",
            "app_secret": secrets.token_urlsafe(24),
            "access_level": level,
        }
        for level in ACCESS_LEVELS
    ]
    return parse_client({"client": client, "applications": applications}, f"tenant {client_id}", spec)


def add(store: Store, name: str | None = None, spec: Path | None = None) -> SeedClient:
    return store.add_client(lambda client_id: new_tenant(client_id, name, spec))


def _by_level(entry: SeedClient) -> dict[str, Application]:
    return {application.access_level: application for application in entry.applications}


def as_text(entry: SeedClient) -> str:
    lines = [f"tenant {entry.client['id']} ({entry.client['name']}) added"]
    for application in entry.applications:
        lines.append(
            f"  {application.access_level + ':':<9} App ID {application.app_id}  App Secret {application.app_secret}"
        )
    return "\n".join(lines)


def as_json(entry: SeedClient) -> str:
    return json.dumps(
        {
            "client_id": entry.client["id"],
            "name": entry.client["name"],
            "applications": [
                {"app_id": a.app_id, "app_secret": a.app_secret, "access_level": a.access_level}
                for a in entry.applications
            ],
        },
        indent=2,
    )


def as_env(entry: SeedClient, prefix: str = "PBX_") -> str:
    """`export NAME=value` lines a shell (a CI job) can `source`. With the default prefix the names are the ones
    `pbx-conformance run` reads (`--client-id` is PBX_CLIENT_ID, ...); with `PBX_OTHER_`, PBX_OTHER_CLIENT_ID and
    PBX_OTHER_CLIENT_SECRET are those of the other client it needs."""
    applications = _by_level(entry)
    main, readonly = applications[ALL], applications[CALL_API]
    pairs = [
        ("TENANT_ID", str(entry.client["id"])),
        ("CLIENT_ID", main.app_id),
        ("CLIENT_SECRET", main.app_secret),
        ("READONLY_CLIENT_ID", readonly.app_id),
        ("READONLY_CLIENT_SECRET", readonly.app_secret),
    ]
    return "\n".join(f"export {prefix}{name}={shlex.quote(value)}" for name, value in pairs)

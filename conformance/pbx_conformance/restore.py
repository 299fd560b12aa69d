"""Never lose a tenant's data: snapshot every client the run could change, and put each back field by field.

Before the first write, each identity's client is read (`GET @me` with that identity's token); a write is sent
only when the main client's read answered 200 with a body that validates against the contract's `Client`. The
snapshots are written to the report folder (`snapshot.json`) before the first write, so that a run killed
with SIGKILL can be undone later by `pbx-conformance restore --from <report-dir>`.

The restore compares each client with its snapshot and sends back every field that differs: first all
writable fields in one PUT, then, if the server refuses that (a legacy value today's validation rejects), one
field at a time; a read-only field a faulty server let change is tried on its own. Each field that cannot be put
back is reported with its original value, so a person can.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pbx_conformance import spec
from pbx_conformance.budget import StopRun
from pbx_conformance.oauth import TokenRefused, TokenSource, Unreachable
from pbx_conformance.session import TargetSession
from pbx_kit import contract

SNAPSHOT_FILE = "snapshot.json"


class NoSnapshot(Exception):
    """A client could not be snapshotted: the one-line reason."""


@dataclass
class ClientSnapshot:
    # Which identity reads and writes it: main, other or readonly.
    role: str
    # The application, as the report names it (an App ID, or the shell variable of a ready token).
    application: str
    client_id: Any
    fields: dict[str, Any]


@dataclass
class ClientRestore:
    role: str
    client_id: Any
    changed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    # Each field left changed: {"field", "original", "current"}, so a person can put it back.
    not_restored: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    # The restore was cut short by the budget or the quota (a 429), not by the server's refusal.
    budget_stopped: bool = False


@dataclass
class RestoreReport:
    clients: list[ClientRestore] = field(default_factory=list)
    snapshot_path: str | None = None

    @property
    def changed(self) -> list[str]:
        return [f"{c.role}:{name}" if c.role != "main" else name for c in self.clients for name in c.changed]

    @property
    def not_restored(self) -> list[str]:
        return [
            f"{c.role}:{entry['field']}" if c.role != "main" else entry["field"]
            for c in self.clients
            for entry in c.not_restored
        ]

    @property
    def error(self) -> str | None:
        return next((c.error for c in self.clients if c.error), None)

    @property
    def budget_stopped(self) -> bool:
        """Whether what stopped the restore was the budget or the quota, not the server."""
        return any(c.budget_stopped for c in self.clients)

    @property
    def complete(self) -> bool:
        return not self.not_restored and self.error is None

    def summary(self) -> str:
        if not self.clients:
            return "nothing was written"
        if self.complete:
            return "every changed field was restored" if self.changed else "nothing needed restoring"
        folder = Path(self.snapshot_path).parent if self.snapshot_path else None
        again = f"; run `pbx-conformance restore --from {folder}`" if folder else ""
        problem = self.error or f"fields not restored: {', '.join(self.not_restored)}"
        return f"the client is NOT fully restored ({problem}){again}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "restored": [name for c in self.clients for name in c.restored],
            "not_restored": self.not_restored,
            "error": self.error,
            "snapshot": self.snapshot_path,
            "clients": [asdict(c) for c in self.clients],
        }


def _documented(body: dict[str, Any]) -> dict[str, Any]:
    """The fields the contract describes: an undocumented one is judged by the checks, not by the snapshot."""
    return {name: value for name, value in body.items() if name in contract.schema_properties("Client")}


def take(session: TargetSession, role: str, identity: TokenSource) -> ClientSnapshot:
    """The identity's client as it is now; NoSnapshot unless read as 200 and valid against `Client`."""
    read = spec.reads()[0]
    try:
        response = session.call(read, contract.ME, identity=identity)
    except httpx.HTTPError as error:
        raise NoSnapshot(f"reading {identity.name}'s client failed: {type(error).__name__}") from None
    if response.status_code != 200:
        raise NoSnapshot(f"reading {identity.name}'s client answered {response.status_code}, expected 200")
    try:
        body = response.json()
    except ValueError:
        raise NoSnapshot(f"reading {identity.name}'s client answered a body that is not JSON") from None
    if not isinstance(body, dict):
        raise NoSnapshot(f"reading {identity.name}'s client answered JSON that is not an object")
    fields = _documented(body)
    invalid = contract.validator("Client").first_error(fields)
    if invalid is not None:
        raise NoSnapshot(
            f"{identity.name}'s client does not match the Client schema at {invalid.where} ({invalid.message[:120]}), "
            "so it could not be put back"
        )
    return ClientSnapshot(role, identity.name, fields.get(spec.identity_field() or "id"), fields)


def write_snapshots(report_dir: Path, base_url: str, snapshots: list[ClientSnapshot]) -> Path:
    """The snapshots on disk, written atomically before the first write."""
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / SNAPSHOT_FILE
    document = {
        "base_url": base_url,
        "taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "clients": [asdict(snapshot) for snapshot in snapshots],
    }
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def read_snapshots(report_dir: Path) -> tuple[str, list[ClientSnapshot]]:
    document = json.loads((report_dir / SNAPSHOT_FILE).read_text(encoding="utf-8"))
    return str(document["base_url"]), [ClientSnapshot(**entry) for entry in document["clients"]]


def restore_client(session: TargetSession, snapshot: ClientSnapshot, identity: TokenSource | None) -> ClientRestore:
    """Put one client back as its snapshot says, field by field where it must."""
    outcome = ClientRestore(snapshot.role, snapshot.client_id)
    if identity is None:
        outcome.error = f"no credentials of the {snapshot.role} application ({snapshot.application}) to restore it"
        return outcome
    try:
        _restore(session, snapshot, identity, outcome)
    except (httpx.HTTPError, StopRun, TokenRefused, Unreachable, ValueError) as error:
        outcome.error = f"restore stopped: {type(error).__name__}: {error}"[:300]
        outcome.budget_stopped = isinstance(error, StopRun)
    return outcome


def _restore(session: TargetSession, snapshot: ClientSnapshot, identity: TokenSource, outcome: ClientRestore) -> None:
    read, write = spec.reads()[0], spec.writes()[0]

    def current() -> dict[str, Any]:
        response = session.call(read, contract.ME, identity=identity)
        if response.status_code != 200 or not isinstance(response.json(), dict):
            raise ValueError(f"the client could not be read back (HTTP {response.status_code})")
        body: dict[str, Any] = response.json()
        return body

    def put(body: dict[str, Any]) -> bool:
        return session.call(write, contract.ME, identity=identity, json=body).status_code == 200

    now = current()
    if now.get(spec.identity_field() or "id") != snapshot.client_id:
        outcome.error = f"{identity.name} now reads client {now.get('id')!r}, not the snapshot's {snapshot.client_id!r}"
        return
    original = snapshot.fields
    outcome.changed = [name for name in original if now.get(name) != original[name]]
    writable = [name for name in outcome.changed if name in contract.writable_fields()]
    if writable and not put({name: original[name] for name in writable}):
        for name in writable:  # one refused value must not keep the others changed
            put({name: original[name]})
    for name in outcome.changed:
        if name not in writable:  # a server that let a read-only field change may let it change back
            put({name: original[name]})
    after = current() if outcome.changed else now
    outcome.restored = [name for name in outcome.changed if after.get(name) == original[name]]
    outcome.not_restored = [
        {"field": name, "original": original[name], "current": after.get(name)}
        for name in outcome.changed
        if after.get(name) != original[name]
    ]


def restore_all(
    session: TargetSession,
    snapshots: list[ClientSnapshot],
    identities: dict[str, TokenSource | None],
    snapshot_path: Path | None,
    on_client: Callable[[ClientRestore], None] | None = None,
) -> RestoreReport:
    report = RestoreReport(snapshot_path=str(snapshot_path) if snapshot_path else None)
    for snapshot in snapshots:
        outcome = restore_client(session, snapshot, identities.get(snapshot.role))
        report.clients.append(outcome)
        if on_client is not None:
            on_client(outcome)
        if outcome.error and "restore stopped" in outcome.error:
            break  # the server stopped answering: do not wait on it once per client
    return report

"""`pbx-conformance restore --from DIR`: put back every client a run's snapshot holds, and say what it did."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from pbx_conformance import restore
from pbx_conformance.budget import Budget
from pbx_conformance.connection import http_client, token_source
from pbx_conformance.exit_codes import CONFORMS, DOES_NOT_CONFORM, CouldNotRun
from pbx_conformance.interruption import interrupts_held
from pbx_conformance.results import Results
from pbx_conformance.session import TargetSession
from pbx_conformance.settings import RestoreSettings
from pbx_kit import contract


def restore_from(settings: RestoreSettings, out: TextIO | None = None) -> int:
    """`pbx-conformance restore --from DIR`: every snapshotted client put back, saying what changed. Idempotent:
    a client already as its snapshot says gets no PUT. 0 all restored, 1 some field could not be, 2 could not run."""
    out = out or sys.stdout
    try:
        saved_url, snapshots = restore.read_snapshots(settings.from_dir)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CouldNotRun(
            f"--from {settings.from_dir}: no readable {restore.SNAPSHOT_FILE} ({type(error).__name__})"
        ) from None
    base_url = settings.base_url or saved_url
    token_url = settings.token_url or contract.token_url(base_url)
    budget = Budget(max_requests=10**6, rate=None, quota_reserve="0")
    budget.restoring = True
    results = Results()
    with interrupts_held(), http_client(settings.timeout, budget) as http:
        main = token_source(token_url, settings.main, settings.token, http, "--client-id", results, "PBX_TOKEN")
        assert main is not None
        other = token_source(
            token_url, settings.other, settings.other_token, http, "--other-client-id", results, "PBX_OTHER_TOKEN"
        )
        session = TargetSession(base_url, token_url, http, main, results, budget=budget)
        report = restore.restore_all(
            session, snapshots, {"main": main, "other": other}, settings.from_dir / restore.SNAPSHOT_FILE
        )
    for client in report.clients:
        who = f"client {client.client_id} ({client.role})"
        if client.error:
            print(f"{who}: NOT restored: {client.error}", file=out)
            continue
        if client.restored:
            print(f"{who}: put back {', '.join(client.restored)}", file=out)
        if not client.changed:
            print(f"{who}: already as the snapshot says, nothing sent", file=out)
        for entry in client.not_restored:
            print(
                f"{who}: could NOT put back {entry['field']}: original {json.dumps(entry['original'])}, "
                f"now {json.dumps(entry['current'])}",
                file=out,
            )
    return CONFORMS if report.complete else DOES_NOT_CONFORM

"""The suite against the emulator as a shared sandbox: two workers on one PostgreSQL. It passes with every phase,
with identities made by `pbx-emulator tenant add` as a CI job would; and every `--fault` is still caught there,
as tests/conformance/test_faults.py's table says."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pbx_conformance.settings import Credentials
from pbx_emulator.testing import running_emulator
from pbx_emulator.throwaway_postgres import PostgresServer, throwaway_postgres
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite
from tests.conformance.test_faults import FAULT_BREAKS

pytestmark = pytest.mark.slow

WORKERS = ["--workers", "2", "--quiet"]
_databases = itertools.count(1)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return postgres.create_database(f"suite{next(_databases)}")


def tenant(db: str) -> tuple[Credentials, Credentials]:
    """A new tenant's "All" and "Call API" credentials."""
    command = [sys.executable, "-m", "pbx_emulator", "tenant", "add", "--db", db, "--json"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    apps = {app["access_level"]: Credentials(app["app_id"], app["app_secret"])
            for app in json.loads(finished.stdout)["applications"]}  # fmt: skip
    return apps["All"], apps["Call API"]


def test_the_suite_passes_against_two_workers_on_postgresql_with_tenants(pg_url: str, tmp_path: Path) -> None:
    main, readonly = tenant(pg_url)
    other, _ = tenant(pg_url)
    with running_emulator(db_path=pg_url, extra_args=WORKERS) as server:
        outcome = run_suite(server, tmp_path / "report", main=main, readonly=readonly, other=other)
    assert outcome.code == 0, outcome.console
    document = outcome.document
    assert document["verdict"] == "passed" and document["failures"] == [] and document["errors"] == []
    assert document["restore"]["not_restored"] == [] and document["restore"]["error"] is None


@pytest.mark.parametrize("fault", sorted(FAULT_BREAKS))
def test_every_fault_is_caught_against_two_workers_on_postgresql(fault: str, pg_url: str, report_dir: Path) -> None:
    expected, also = FAULT_BREAKS[fault]
    with running_emulator(db_path=pg_url, faults=[fault], extra_args=WORKERS) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES)
    assert outcome.code == 1, outcome.console
    failed = set(outcome.document["failed_checks"])
    assert expected in failed
    assert failed <= {expected} | also, f"{fault} also failed {failed - {expected} - also}"

"""Against the emulator with no faults the suite passes, seed after seed, with every phase; and a seed
fixes the generated cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pbx_conformance import local_emulator, spec
from pbx_conformance.settings import PHASES
from pbx_emulator.testing import running_emulator
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite

SEEDS = (11, 22, 33, 44, 55)


def test_passes_with_five_seeds_in_a_row_with_every_phase(tmp_path):
    with running_emulator() as server:
        for seed in SEEDS:
            outcome = run_suite(server, tmp_path / str(seed), seed=seed)
            assert outcome.code == 0, outcome.console
            document = outcome.document
            assert document["verdict"] == "passed"
            assert document["failures"] == [] and document["errors"] == []
            assert set(document["generated_cases_by_phase"]) == set(PHASES)
            assert all(count > 0 for count in document["generated_cases_by_phase"].values())
            operations = {row["operation"] for row in document["results"]}
            assert {operation.label for operation in spec.operations()} | {spec.token_label()} <= operations
            # Every field the run changed was put back before the next seed's run.
            assert document["restore"]["not_restored"] == [] and document["restore"]["error"] is None


def _cli_run(server, report_dir, seed: int) -> dict:
    command = [sys.executable, "-m", "pbx_conformance.cli", "run", "--seed", str(seed), "--max-examples", "5"]
    command += ["--phases", ",".join(QUICK_PHASES), "--report-dir", str(report_dir)]
    environment = {
        **os.environ,
        "PBX_BASE_URL": server.api_url,
        "PBX_TOKEN_URL": server.token_url,
        "PBX_CLIENT_ID": local_emulator.DEMO.client_id,
        "PBX_CLIENT_SECRET": local_emulator.DEMO.client_secret,
    }
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_same_seed_against_the_same_server_gives_the_same_cases(tmp_path):
    fingerprints = []
    for run, seed in enumerate((5, 5, 6)):
        with running_emulator() as server:
            document = _cli_run(server, tmp_path / str(run), seed)
        fingerprints.append((document["cases_fingerprint"], document["generated_cases"]))
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[2][0] != fingerprints[0][0]

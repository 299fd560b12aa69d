"""The CI recipe cannot rot: examples/ci/conformance.sh runs as a CI job would, installing the suite at its pinned
version from a package index (the test's own, on loopback) and holding the emulator to the contract with the
secrets in the environment; the GitHub Actions workflow runs the same commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pbx_emulator.testing import demo_identities, running_emulator
from tests.distributions.dist_helpers import PackageIndex, hermetic_env, identities, ran, run
from tests.repository import ROOT

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "examples" / "ci" / "conformance.sh"
WORKFLOW = ROOT / "examples" / "github-actions" / "conformance.yml"


def script_commands() -> list[str]:
    return [
        line.strip()
        for line in SCRIPT.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def workflow_commands() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line]


def test_the_workflow_runs_the_scripts_commands_and_uploads_both_reports() -> None:
    commands = script_commands()
    assert workflow_commands() and all(command in commands for command in workflow_commands())
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    (upload,) = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload["if"] == "always()"
    assert {"reports/conformance/junit.xml", "reports/conformance/report.html"} <= set(upload["with"]["path"].split())
    secrets = {value for step in job["steps"] for value in step.get("env", {}).values()}
    assert "${{ secrets.PBX_CLIENT_SECRET }}" in secrets and "${{ secrets.PBX_OTHER_CLIENT_SECRET }}" in secrets


def test_the_shell_recipe_installs_the_pinned_suite_and_holds_the_emulator_to_the_contract(
    index: PackageIndex, tmp_path: Path
) -> None:
    with running_emulator() as emulator:
        secrets = {
            **identities(emulator.api_url),
            # a short run, unpaced: the emulator is nobody's production
            "PBX_MAX_EXAMPLES": "5",
            "PBX_SEED": "1",
            "PBX_RATE": "0",
        }
        env = hermetic_env(tmp_path / "home", PIP_INDEX_URL=index.simple, **secrets)
        result = run(["bash", str(SCRIPT)], tmp_path, env, timeout=900)
    assert result.returncode == 0, ran(result)
    reports = tmp_path / "reports" / "conformance"
    assert (reports / "junit.xml").is_file() and (reports / "report.html").is_file()
    assert result.stdout.startswith("pbx-conformance ")
    assert demo_identities().main.app_secret not in result.stdout + result.stderr

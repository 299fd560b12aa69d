"""A bare `schemathesis run` of openapi.yaml against the emulator: all checks, all phases, zero failures.

The real CLI, as a provider's QA engineer would run it, with a token from the emulator and the hooks
that teach schemathesis the contract's named formats. Bounded in examples and time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pbx_emulator.testing import running_emulator
from pbx_kit.contract import load_document, spec_path

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 100  # per operation and phase: about 15 s here
TIMEOUT = 240  # seconds; a hard stop (schemathesis's --max-time would instead run until it is spent)


def off_base_paths() -> list[str]:
    return [path for path, item in load_document()["paths"].items() if "servers" in item]


def schemathesis_run(tmp_path: Path, faults: tuple[str, ...] = (), *extra: str) -> subprocess.CompletedProcess[str]:
    with running_emulator(faults=faults, extra_args=["--quiet"]) as server:
        command = [
            str(SCHEMATHESIS),
            "run",
            str(spec_path()),
            "--url",
            server.api_url,
            "-H",
            f"Authorization: Bearer {server.token()}",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20261127",
            "--generation-database",
            "none",
            "--no-color",
            # Paths with their own `servers` are not under --url: the token endpoint, on the host's root.
            *[arg for path in off_base_paths() for arg in ("--exclude-path", path)],
            *extra,
        ]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "pbx_conformance.schemathesis_hooks"}
        return subprocess.run(
            command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )


@pytest.mark.slow
def test_schemathesis_finds_no_failure_with_all_checks_and_phases(tmp_path: Path) -> None:
    result = schemathesis_run(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No issues found" in output, output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, output


def test_the_same_run_fails_on_a_broken_emulator(tmp_path: Path) -> None:
    """The control: with a fault on, the very same command reports failures (a short run suffices)."""
    result = schemathesis_run(tmp_path, ("wrong-type",), "--phases", "examples", "--max-examples", "5")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Response violates schema" in output, output

"""Redocly CLI's recommended rules pass on openapi.yaml, fail on what they should, and only two are turned off."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.repository import ROOT

REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
SPEC = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
OFFLINE = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def redocly_problems(document: Path) -> tuple[int, list[dict[str, Any]]]:
    assert REDOCLY.exists(), "Redocly CLI is missing: run `make install` (npm ci) first"
    completed = subprocess.run(
        [str(REDOCLY), "lint", "--config", str(ROOT / "redocly.yaml"), "--format", "json", str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=document.parent,
        env=OFFLINE,
    )
    report = json.loads(completed.stdout[completed.stdout.index("{") :])
    return completed.returncode, [problem for problem in report["problems"] if not problem.get("ignored")]


def test_openapi_yaml_passes_redocly_recommended_strict() -> None:
    returncode, problems = redocly_problems(ROOT / "openapi.yaml")
    assert [(problem["ruleId"], problem["message"]) for problem in problems] == []
    assert returncode == 0


def test_only_rules_that_contradict_the_providers_paths_are_off() -> None:
    config = yaml.safe_load((ROOT / "redocly.yaml").read_text(encoding="utf-8"))
    assert config["extends"] == ["recommended-strict"]
    off = {rule for rule, setting in config["rules"].items() if setting in ("off", False)}  # YAML 1.1: off is False
    assert off == {"no-path-trailing-slash", "no-ambiguous-paths"}


def test_a_recommended_warning_fails_the_lint(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC)
    document["components"]["schemas"]["Orphan"] = {"type": "object", "description": "Used nowhere."}
    broken = tmp_path / "openapi.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    returncode, problems = redocly_problems(broken)
    assert returncode != 0
    assert any(problem["ruleId"] == "no-unused-components" and "Orphan" in problem["message"] for problem in problems)

"""Spectral with the project ruleset passes on openapi.yaml and catches each rule's breakage."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.repository import ROOT

SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SPEC = (ROOT / "openapi.yaml").read_text(encoding="utf-8")


def spectral_findings(document: Path) -> list[dict]:
    assert SPECTRAL.exists(), "Spectral is missing: run `make install` (npm ci) first"
    completed = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--quiet",
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(completed.stdout or "[]")


def test_openapi_yaml_has_no_findings_at_all(tmp_path: Path) -> None:
    findings = spectral_findings(ROOT / "openapi.yaml")
    assert [(f["code"], f["message"]) for f in findings if f["severity"] <= 1] == []


def _drop_operation_security(document: dict) -> None:
    del document["paths"]["/client/{client_id}/client/"]["get"]["security"]


def _drop_a_property_description(document: dict) -> None:
    del document["components"]["schemas"]["Error"]["properties"]["message"]["description"]


def _break_an_example(document: dict) -> None:
    document["components"]["examples"]["ChangeTimezone"]["value"]["timezone"] = 5


def _drop_a_401(document: dict) -> None:
    del document["paths"]["/client/client_info/{client_id}/"]["put"]["responses"]["401"]


def _drop_a_rate_limit_header(document: dict) -> None:
    del document["components"]["responses"]["NotFound"]["headers"]["X-RateLimit-Reset"]


BREAKAGES = {
    "operation-has-own-security": _drop_operation_security,
    "schema-property-has-description": _drop_a_property_description,
    "oas3-valid-media-example": _break_an_example,
    "operation-has-401-response": _drop_a_401,
    "every-response-has-rate-limit-headers": _drop_a_rate_limit_header,
}


@pytest.mark.parametrize("rule", BREAKAGES)
def test_each_project_rule_catches_its_breakage(rule: str, tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC)
    BREAKAGES[rule](document)
    broken = tmp_path / "openapi.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert rule in {finding["code"] for finding in spectral_findings(broken)}

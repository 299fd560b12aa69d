"""A contract the tools cannot work with, given by `--spec` or `PBX_SPEC`, is one line and exit 2 from the commands
of this checkout's .venv: a missing file, a file that is not OpenAPI, and OpenAPI that is not a usable contract (a
dangling `$ref`, a schema that is not JSON Schema, no `components`), never a traceback."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pbx_kit.command_line import chosen_spec
from pbx_kit.contract import load_document
from pbx_kit.document import DocumentError

BIN = Path(sys.executable).parent


def _dangling_ref(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Client"]["properties"]["name"] = {"$ref": "#/components/schemas/Nowhere"}


def _not_json_schema(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Client"]["properties"]["name"]["maxLength"] = "ten"


def _no_components(document: dict[str, Any]) -> None:
    del document["components"]


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "dangling-ref": _dangling_ref,
    "max-length-ten": _not_json_schema,
    "no-components": _no_components,
}


def broken_contract(folder: Path, breakage: str) -> Path:
    document: dict[str, Any] = copy.deepcopy(dict(load_document()))
    BREAKAGES[breakage](document)
    written = folder / f"{breakage}.yaml"
    written.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return written


def run(command: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], bad: Path, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    shown = f"exit {result.returncode}\n{result.stderr[-3000:]}"
    assert result.returncode == 2 and len(lines) == 1 and str(bad) in lines[0], shown
    assert all(word in lines[0] for word in words) and "Traceback" not in result.stderr, shown


def both_ways(bad: Path) -> list[tuple[list[str], dict[str, str]]]:
    """`--spec BAD` (with no PBX_SPEC), and PBX_SPEC=BAD."""
    env = {key: value for key, value in os.environ.items() if key != "PBX_SPEC"}
    return [(["--spec", str(bad)], env), ([], {**env, "PBX_SPEC": str(bad)})]


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_chosen_spec_refuses_openapi_that_is_not_a_usable_contract(tmp_path: Path, breakage: str) -> None:
    bad = broken_contract(tmp_path, breakage)
    before = os.environ.get("PBX_SPEC")
    with pytest.raises(DocumentError, match=f"^{bad}: not a usable contract: "):
        chosen_spec(bad)
    assert os.environ.get("PBX_SPEC") == before  # the process's contract is left as it was
    assert load_document()["paths"]  # and still reads


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_serve_and_run_refuse_a_contract_that_is_not_usable(tmp_path: Path, breakage: str) -> None:
    bad = broken_contract(tmp_path, breakage)
    commands = [
        ["pbx-emulator", "serve", "--port", "1", "--quiet"],
        ["pbx-conformance", "run", "--base-url", "http://127.0.0.1:1/api/ver1.0", "--token", "t"],
    ]
    for command in commands:
        for given, env in both_ways(bad):
            assert_one_line_exit_2(run([*command, *given], tmp_path, env), bad, "not a usable contract")


def test_every_tenant_command_refuses_a_bad_spec(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-spec.yaml"
    not_openapi = tmp_path / "not-openapi.yaml"
    not_openapi.write_text("title: a YAML file, not an OpenAPI document\n", encoding="utf-8")
    unusable = broken_contract(tmp_path, "no-components")
    db = tmp_path / "sandbox.sqlite3"
    for action in (["add"], ["reset", "1"], ["remove", "1"]):
        for bad in (missing, not_openapi, unusable):
            for given, env in both_ways(bad):
                result = run(["pbx-emulator", "tenant", *action, "--db", str(db), *given], tmp_path, env)
                assert_one_line_exit_2(result, bad)
    assert not db.exists()  # nothing was written before the contract was checked

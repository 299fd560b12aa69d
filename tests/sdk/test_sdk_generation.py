"""generated/pbx_api is exactly what the spec, the overlays and generator/ produce; the drift check says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pbx_generator import drift
from pbx_generator.cli import main as pbx_generate
from pbx_generator.generation import SDK_INPUT_FILE, generate, runtime_files
from pbx_kit.overlay_cli import main as pbx_overlay

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generation"))


def test_the_committed_package_is_what_generation_gives(fresh, capsys) -> None:
    assert drift.check(fresh, ROOT / "generated" / "pbx_api") == 0


def test_generation_is_deterministic(fresh, tmp_path) -> None:
    again = generate(tmp_path)
    assert drift.check(again, fresh) == 0


def test_the_sdk_input_is_what_pbx_overlay_variant_sdk_writes_byte_for_byte(fresh, tmp_path, monkeypatch) -> None:
    # One preparation (pbx_kit.variants): the file openapi-python-client read, and the command-line variant.
    monkeypatch.chdir(ROOT)
    written = tmp_path / "variant.yaml"
    assert pbx_overlay(["variant", "sdk", "-o", str(written)]) == 0
    assert written.read_bytes() == (fresh.parent / SDK_INPUT_FILE).read_bytes()
    # The step the command line used to skip: `ClientUpdate` keeps its enums, while `Client` reads tolerantly.
    schemas = yaml.safe_load(written.read_text(encoding="utf-8"))["components"]["schemas"]
    assert schemas["ClientUpdate"]["properties"]["type"]["enum"]
    assert "enum" not in schemas["Client"]["properties"]["type"]


def test_the_command_writes_the_package_and_its_distribution_files_where_it_is_told(tmp_path, capsys) -> None:
    assert pbx_generate(["--output", str(tmp_path)]) == 0
    assert drift.check(tmp_path / "pbx_api", ROOT / "generated" / "pbx_api") == 0
    assert drift.check_distribution(tmp_path, ROOT / "generated") == 0
    assert pbx_generate(["--check", "--output", str(tmp_path)]) == 0
    (tmp_path / "README.md").write_text("edited by hand\n")
    assert pbx_generate(["--check", "--output", str(tmp_path)]) == 1
    assert "generated/README.md differ" in capsys.readouterr().out


def test_a_wrong_sdk_version_stops_the_generation_with_one_line(tmp_path, capsys) -> None:
    version = tmp_path / "sdk-version"
    version.write_text("two\n")
    assert pbx_generate(["--output", str(tmp_path / "out"), "--sdk-version", str(version)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("pbx-generate: ") and "not MAJOR.MINOR.PATCH" in error and "Traceback" not in error
    assert not (tmp_path / "out").exists()


def test_a_difference_fails_with_a_short_diff_and_says_to_run_make_generate(fresh, tmp_path, capsys) -> None:
    committed = tmp_path / "pbx_api"
    shutil.copytree(fresh, committed)
    (committed / "errors.py").write_text((fresh / "errors.py").read_text() + "# edited by hand\n")
    (committed / "leftover.py").write_text("")
    (committed / "types.py").unlink()
    assert drift.check(fresh, committed) == 1
    out = capsys.readouterr().out
    assert "+++ regenerated/errors.py" in out and "-# edited by hand" in out
    assert "leftover.py" in out and "missing from generated/pbx_api: types.py" in out
    assert "Run `make generate`" in out
    assert len(out.splitlines()) < 60


def test_the_output_carries_no_formatter_cache_or_bytecode(fresh) -> None:
    assert not [path for path in fresh.rglob("*") if path.name in {".ruff_cache", "__pycache__"}]


def test_the_runtime_is_copied_into_the_package_unchanged() -> None:
    runtime = runtime_files()
    assert {module.name for module in runtime} >= {"client.py", "errors.py"}
    assert "__init__.py" not in {module.name for module in runtime}  # the runtime's own, not pbx_api's
    for module in runtime:
        copy = ROOT / "generated" / "pbx_api" / module.name
        assert copy.read_bytes() == module.read_bytes(), f"{copy} differs from {module}: run `make generate`"


def test_the_spec_facts_the_runtime_reads_come_from_pbx_kit_contract() -> None:
    from pbx_api import _spec
    from pbx_kit.contract import server_url, token_url_reference

    assert (server_url(), token_url_reference()) == (_spec.SERVER_URL, _spec.TOKEN_URL)


def test_the_docstrings_raises_come_from_the_runtimes_one_status_table() -> None:
    from pbx_api.api.client import update_client
    from pbx_api.errors import ERROR_FOR_STATUS

    documented = update_client.sync.__doc__ or ""
    raised = [status for status in ERROR_FOR_STATUS if f"{status}." in documented]
    assert raised, "the docstring names the statuses the call raises for"
    for status in raised:
        assert f"errors.{ERROR_FOR_STATUS[status].__name__}: {status}." in documented


def test_a_token_operation_in_the_contract_stays_the_runtimes_own(tmp_path) -> None:
    # The contract describes the token endpoint as an operation on the host's root (`security: []`, its own
    # servers); here it is written afresh under another operationId, so the test holds whatever the contract says.
    from pbx_kit.contract import token_path

    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    token = {
        "description": "The token.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}},
    }
    document["paths"][token_path()] = {
        "servers": [{"url": "https://{hostname}", "variables": {"hostname": {"default": "pbx.example.com"}}}],
        "post": {"operationId": "issueToken", "security": [], "responses": {"200": token}},
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    package = generate(work, spec)
    surface = (package / "api" / "__init__.py").read_text(encoding="utf-8")
    assert "def get_client(" in surface and "issue_token" not in surface
    assert not list((package / "api").rglob("*token*.py"))
    assert (package / "models" / "token.py").is_file()

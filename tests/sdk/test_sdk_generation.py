"""generated/pbx_api is exactly what the spec, the overlays and generator/ produce; the drift check says so."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("sdk_generate", ROOT / "generator" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh(generate, tmp_path_factory) -> Path:
    return generate.generate(tmp_path_factory.mktemp("generation"))


def test_the_committed_package_is_what_generation_gives(generate, fresh, capsys) -> None:
    assert generate.check(fresh, ROOT / "generated" / "pbx_api") == 0


def test_generation_is_deterministic(generate, fresh, tmp_path) -> None:
    again = generate.generate(tmp_path)
    assert generate.check(again, fresh) == 0


def test_a_difference_fails_with_a_short_diff_and_says_to_run_make_generate(generate, fresh, tmp_path, capsys) -> None:
    committed = tmp_path / "pbx_api"
    shutil.copytree(fresh, committed)
    (committed / "errors.py").write_text((fresh / "errors.py").read_text() + "# edited by hand\n")
    (committed / "leftover.py").write_text("")
    (committed / "types.py").unlink()
    assert generate.check(fresh, committed) == 1
    out = capsys.readouterr().out
    assert "+++ regenerated/errors.py" in out and "-# edited by hand" in out
    assert "leftover.py" in out and "missing from generated/pbx_api: types.py" in out
    assert "Run `make generate`" in out
    assert len(out.splitlines()) < 60


def test_the_output_carries_no_formatter_cache_or_bytecode(fresh) -> None:
    assert not [path for path in fresh.rglob("*") if path.name in {".ruff_cache", "__pycache__"}]


def test_the_runtime_is_copied_into_the_package_unchanged(generate) -> None:
    runtime = generate.runtime_files()
    assert {module.name for module in runtime} >= {"client.py", "errors.py"}
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
    for status, error in ERROR_FOR_STATUS.items():
        if f"{status}." in documented:
            assert f"errors.{error.__name__}: {status}." in documented


def test_a_token_operation_in_the_contract_stays_the_runtimes_own(generate, tmp_path, monkeypatch) -> None:
    # What the contract may describe (issue 12): the token endpoint as an operation on the host's root.
    import yaml

    from pbx_kit.contract import token_path

    document = yaml.safe_load(generate.SPEC.read_text(encoding="utf-8"))
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
    monkeypatch.setattr(generate, "SPEC", spec)
    work = tmp_path / "work"
    work.mkdir()
    package = generate.generate(work)
    surface = (package / "api" / "__init__.py").read_text(encoding="utf-8")
    assert "def get_client(" in surface and "issue_token" not in surface
    assert not list((package / "api").rglob("*token*.py"))
    assert (package / "models" / "token.py").is_file()

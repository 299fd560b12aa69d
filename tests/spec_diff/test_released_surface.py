"""The gate sees the SDK that was released: released/sdk-surface.json (a griffe dump of the released pbx_api) is
compared with today's SDK, so a change of the runtime or the templates that breaks callers fails the gate."""

from __future__ import annotations

import shutil
from pathlib import Path

import griffe
import pytest

from pbx_spec.cli import main
from pbx_spec.diff.changes import Axis
from pbx_spec.diff.revisions import CannotCompare, load_revision
from pbx_spec.diff.sdk_surface import generated_package
from pbx_spec.diff.surface import Surface, compare_surfaces, dump_package, load_dump, load_package
from pbx_spec.release import Layout, check_breaking, write_released_surface
from tests.repository import ROOT
from tests.spec_diff.gate_runs import make_check_breaking

# A public function the released SDK's runtime had and today's has not (listed in `__all__`, as the runtime's are).
REMOVED_HELPER = "\n\ndef retry_after_seconds(response: object) -> float:\n    return 0.0\n"


def _with_removed_helper(errors: Path) -> None:
    text = errors.read_text(encoding="utf-8").replace("__all__ = [", '__all__ = [\n    "retry_after_seconds",', 1)
    errors.write_text(text + REMOVED_HELPER, encoding="utf-8")


def test_a_dump_loads_back_as_the_same_surface() -> None:
    text = dump_package(ROOT / "generated")
    loaded = load_dump(text, "the dump")
    direct = load_package(ROOT / "generated")
    assert compare_surfaces(Surface(loaded), Surface(direct), "released") == []
    assert compare_surfaces(Surface(direct), Surface(load_dump(text, "the dump")), "released") == []
    # Inherited members come back too (griffe's decoder leaves class bases unattached; load_dump attaches them).
    pbx_client = loaded["api.PbxClient"]
    assert isinstance(pbx_client, griffe.Class) and "with_options" in pbx_client.all_members


def test_a_dump_is_the_same_text_wherever_it_is_made(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "generated" / "pbx_api", copy / "pbx_api", ignore=shutil.ignore_patterns("__pycache__"))
    text = dump_package(ROOT / "generated")
    assert dump_package(copy) == text
    assert str(ROOT) not in text and str(tmp_path) not in text, "no machine's paths in released/"
    assert '"docstring"' not in text, "docstrings are not the surface"


def test_something_else_is_not_taken_for_a_dump() -> None:
    with pytest.raises(CannotCompare, match="not a dump of the SDK's surface"):
        load_dump('{"format": "something else", "package": {}}', "released/sdk-surface.json")
    with pytest.raises(CannotCompare, match="not a dump of the SDK's surface"):
        load_dump("not json", "released/sdk-surface.json")


@pytest.mark.slow
def test_a_runtime_change_that_breaks_callers_fails_the_gate(tmp_path: Path) -> None:
    layout = _repository(tmp_path)
    # The released SDK as it went out: today's, with one more public function in its runtime.
    shipped = tmp_path / "shipped"
    shutil.copytree(generated_package(load_revision(str(layout.spec))), shipped)
    _with_removed_helper(shipped / "pbx_api" / "errors.py")
    layout.released_surface.write_text(dump_package(shipped), encoding="utf-8")

    verdict = check_breaking(layout)
    assert not verdict.passes and verdict.report.bump == "major"
    (finding,) = verdict.report.findings
    assert finding.rule == "sdk-since-release" and finding.breaks.keys() == {Axis.SDK}
    assert finding.sdk_summary() == ["removed: function `retry_after_seconds`, in `pbx_api.errors`"]
    failed = make_check_breaking(layout)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "the SDK changed since the release" in failed.stdout and "no major version bump" in failed.stderr

    layout.sdk_version.write_text("2.0.0\n")  # announced
    assert make_check_breaking(layout).returncode == 0


@pytest.mark.slow
def test_a_runtime_addition_passes_the_gate_as_a_minor_change(tmp_path: Path) -> None:
    layout = _repository(tmp_path)
    shipped = tmp_path / "shipped"
    shutil.copytree(generated_package(load_revision(str(layout.spec))), shipped)
    errors = shipped / "pbx_api" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8").replace("class UnexpectedStatus(", "class _Gone(", 1))
    layout.released_surface.write_text(dump_package(shipped), encoding="utf-8")
    verdict = check_breaking(layout)
    assert verdict.passes and verdict.report.bump == "minor", verdict.report.to_markdown()
    assert verdict.report.released_sdk_compared


def test_the_gate_refuses_to_run_without_the_released_surface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = _repository(tmp_path)
    layout.released_surface.unlink()
    assert main(["check-breaking", "--root", str(layout.root)]) == 2
    error = capsys.readouterr().err
    assert "sdk-surface.json: missing" in error and "Traceback" not in error


def _repository(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path / "repository")
    (layout.root / "released").mkdir(parents=True)
    (layout.root / "generator").mkdir()
    shutil.copyfile(ROOT / "openapi.yaml", layout.released_spec)
    shutil.copyfile(ROOT / "openapi.yaml", layout.spec)
    layout.released_version.write_text("1.0.0\n")
    layout.sdk_version.write_text("1.0.0\n")
    write_released_surface(layout)
    return layout

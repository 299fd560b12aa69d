"""make check-breaking fails on an unannounced change that breaks SDK users, passes once the major version is
bumped, and lets a change that breaks only servers through; release."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from pbx_spec.release import Layout, release, write_released_surface
from tests.repository import ROOT
from tests.spec_diff.gate_runs import make_check_breaking

from .revision_pairs import PAIRS, revised

pytestmark = pytest.mark.slow

BREAKING = next(pair for pair in PAIRS if pair.name == "response-field-removed")
DOCUMENTATION_ONLY = next(pair for pair in PAIRS if pair.name == "description")
SERVER_ONLY = next(pair for pair in PAIRS if pair.name == "operation-added")


def _repository(tmp_path: Path, spec_text: str, version: str = "1.0.0") -> Layout:
    layout = Layout(tmp_path)
    (tmp_path / "released").mkdir()
    (tmp_path / "generator").mkdir()
    shutil.copyfile(ROOT / "openapi.yaml", layout.released_spec)
    write_released_surface(layout, layout.released_spec)
    layout.released_version.write_text("1.0.0\n")
    layout.sdk_version.write_text(version + "\n")
    layout.spec.write_text(spec_text)
    return layout


def test_check_breaking_fails_unannounced_and_passes_after_a_major_bump(tmp_path: Path) -> None:
    layout = _repository(tmp_path, revised(BREAKING).text)
    failed = make_check_breaking(layout)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "no major version bump" in failed.stderr
    assert "required-property-removed" in failed.stdout  # the report says what broke
    assert "**Suggested SDK version bump: major**" in failed.stdout
    # The released SDK's surface is compared too, and the SDK change the removed field makes there is the same as
    # between the two contracts' SDKs: it is told once, under the contract's change, not again as the SDK's own.
    assert "released SDK was not compared" not in failed.stdout
    assert "the SDK changed since the release" not in failed.stdout, failed.stdout

    layout.sdk_version.write_text("1.1.0\n")  # a minor bump does not announce a breaking change
    assert make_check_breaking(layout).returncode != 0

    layout.sdk_version.write_text("2.0.0\n")
    passed = make_check_breaking(layout)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "announced by the major bump to 2.0.0" in passed.stderr


def test_check_breaking_passes_a_change_that_breaks_only_servers(tmp_path: Path) -> None:
    # An added operation: a BASE server does not serve it, which is the provider's to follow, not the SDK's users'.
    layout = _repository(tmp_path, revised(SERVER_ONLY).text)
    result = make_check_breaking(layout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "suggested bump: minor" in result.stderr and "break servers under conformance only" in result.stderr


def test_check_breaking_passes_a_change_that_breaks_nothing(tmp_path: Path) -> None:
    layout = _repository(tmp_path, revised(DOCUMENTATION_ONLY).text)
    result = make_check_breaking(layout)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_passes_its_own_gate() -> None:
    result = make_check_breaking(Layout())
    assert result.returncode == 0, result.stdout + result.stderr


def test_release_bumps_writes_the_changelog_and_records_the_contract(tmp_path: Path) -> None:
    layout = _repository(tmp_path, revised(BREAKING).text)
    released = release(layout, today=datetime.date(2026, 1, 2))
    assert released is not None
    version, report = released
    assert version == "2.0.0" and report.bump == "major"
    assert layout.sdk_version.read_text().strip() == "2.0.0"
    assert layout.released_version.read_text().strip() == "2.0.0"
    assert layout.released_spec.read_text() == layout.spec.read_text()
    assert "reg_status_log" not in layout.released_surface.read_text(), "the surface of the SDK it released"
    changelog = layout.changelog.read_text()
    assert changelog.startswith("# Changelog")
    assert "## pbx-api 2.0.0 (2026-01-02)" in changelog and "required-property-removed" in changelog
    assert make_check_breaking(layout).returncode == 0
    # Nothing changed since: nothing to release, and the changelog is left alone.
    assert release(layout) is None
    assert layout.changelog.read_text() == changelog


def test_release_puts_the_newest_entry_first(tmp_path: Path) -> None:
    layout = _repository(tmp_path, revised(DOCUMENTATION_ONLY).text)
    first = release(layout, today=datetime.date(2026, 1, 2))
    assert first is not None and first[0] == "1.0.1"
    layout.spec.write_text(revised(BREAKING).text)
    second = release(layout, today=datetime.date(2026, 2, 3))
    assert second is not None and second[0] == "2.0.0"
    changelog = layout.changelog.read_text()
    assert changelog.index("pbx-api 2.0.0") < changelog.index("pbx-api 1.0.1")

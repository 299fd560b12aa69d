"""`make release-tool` (`pbx-spec release-tool`) on a copy of the checkout's distributions, docs and changelog."""

from __future__ import annotations

import datetime
import shutil
import tomllib
from pathlib import Path

import pytest

from pbx_spec.cli import main
from pbx_spec.release import Layout
from pbx_spec.tool_release import release_tool
from tests.distributions.dist_helpers import distributions
from tests.repository import ROOT

TODAY = datetime.date(2027, 1, 15)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """What a tool's release reads and writes: every pyproject.toml and README, the docs, the examples, the log."""
    for distribution in distributions().values():
        folder = tmp_path / distribution.folder.name
        folder.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copyfile(distribution.folder / name, folder / name)
    for name in ("README.md", "CHANGELOG.md"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def version_of(folder: Path) -> str:
    with open(folder / "pyproject.toml", "rb") as handle:
        version: str = tomllib.load(handle)["project"]["version"]
    return version


def test_a_minor_release_bumps_the_version_writes_its_section_and_moves_the_pins(checkout: Path) -> None:
    old = version_of(checkout / "conformance")
    major, minor, _ = (int(part) for part in old.split("."))
    new = f"{major}.{minor + 1}.0"
    assert release_tool(Layout(checkout), "pbx-conformance", "minor", ["A new check."], today=TODAY) == (old, new)
    assert version_of(checkout / "conformance") == new
    changelog = (checkout / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## pbx-conformance {new} (2027-01-15)\n\n- A new check.\n\n## " in changelog
    assert changelog.index(f"## pbx-conformance {new}") < changelog.index("## pbx-api ")  # newest first
    for text in ("examples/ci/conformance.sh", "examples/github-actions/conformance.yml", "docs/install.md"):
        moved = (checkout / text).read_text(encoding="utf-8")
        assert f"pbx-conformance=={new}" in moved and f"pbx-conformance=={old}" not in moved, text
    install = (checkout / "docs" / "install.md").read_text(encoding="utf-8")
    assert f"| `pbx-conformance` | {new} |" in install and f"| `pbx-conformance` | {old} |" not in install
    readme = (checkout / "README.md").read_text(encoding="utf-8")
    assert f"`pbx-conformance` {new} |" in readme and f"`pbx-conformance` {old} |" not in readme
    assert f"pbx-conformance[emulator]=={new}" in install
    assert f"pbx-emulator=={version_of(checkout / 'emulator')}" in install  # the others' pins stay
    assert (checkout / "conformance" / "README.md").read_text(encoding="utf-8").startswith(f"# pbx-conformance {new}")


def test_a_major_release_of_the_kit_moves_every_range_for_it(checkout: Path) -> None:
    release_tool(Layout(checkout), "pbx-kit", "major", ["The contract's facts moved."], today=TODAY)
    assert version_of(checkout / "kit") == "2.0.0"
    assert '"pbx-kit>=2.0,<3"' in (checkout / "conformance" / "pyproject.toml").read_text()
    assert '"pbx-kit>=2.0,<3"' in (checkout / "emulator" / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["pbx-nothing", "minor", "--note", "x"], "pbx-nothing: not a distribution of"),
        (["pbx-api", "minor", "--note", "x"], "generator/sdk-version"),
        (["pbx-emulator", "minor"], "give at least one --note"),
    ],
)
def test_a_release_that_cannot_be_made_says_why_in_one_line_and_writes_nothing(
    checkout: Path, args: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {path: path.read_bytes() for path in checkout.rglob("*") if path.is_file()}
    assert main(["release-tool", *args, "--root", str(checkout)]) == 2
    error = capsys.readouterr().err
    assert reason in error and len(error.strip().splitlines()) == 1
    assert {path: path.read_bytes() for path in checkout.rglob("*") if path.is_file()} == before

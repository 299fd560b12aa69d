"""The versions the README, the docs and the examples pin are the distributions' own (each kept in one place: a
tool's pyproject.toml, the SDK's generator/sdk-version), and every distribution is pinned in docs/install.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.distributions.dist_helpers import distributions
from tests.repository import ROOT

DISTRIBUTIONS = distributions()
PIN = re.compile(r"(?<![\w-])(pbx-[a-z-]+)(?:\[[^\]]*\])?==(\d+\.\d+\.\d+)")
# A version named beside a distribution: a heading's `pbx-kit 1.0.0`, a `--version` line's `(pbx-kit 1.0.0)`, the
# README's table `` `pbx-kit` 1.0.0 `` and the install page's `` | `pbx-kit` | 1.0.0 | ``.
NAMED = re.compile(r"(?<![\w-])(pbx-[a-z-]+)`?(?: +| *\| *)`?(\d+\.\d+\.\d+)(?![\w.])")
CONTRACT_SHA256 = re.compile(r"contract sha256 ([0-9a-f]{64})")
TEXTS = ("README.md", "docs/**/*.md", "examples/**/*", "*/README.md")


def pinned_texts() -> list[Path]:
    found = {path for pattern in TEXTS for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(path for path in found if "node_modules" not in path.parts)


def test_every_pinned_version_is_the_distributions() -> None:
    wrong = []
    for path in pinned_texts():
        text = path.read_text(encoding="utf-8")
        for name, version in [*PIN.findall(text), *NAMED.findall(text)]:
            expected = DISTRIBUTIONS[name].version if name in DISTRIBUTIONS else "(no such distribution)"
            if version != expected:
                wrong.append(f"{path.relative_to(ROOT)}: {name} {version}, but {name} is {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_tables_name_each_distributions_version() -> None:
    """The README's and the install page's tables are found by NAMED, so a stale row fails the test above."""
    for text in ("README.md", "docs/install.md"):
        named = {name for name, _ in NAMED.findall((ROOT / text).read_text(encoding="utf-8"))}
        assert named >= set(DISTRIBUTIONS), f"{text} names no version for {set(DISTRIBUTIONS) - named}"


def test_a_contract_sha256_the_texts_show_is_the_contracts() -> None:
    """A `--version` line shown in the docs carries the sha256 of the contract pbx-kit carries, openapi.yaml's."""
    real = hashlib.sha256((ROOT / "openapi.yaml").read_bytes()).hexdigest()
    shown = {
        f"{path.relative_to(ROOT)}: {sha}"
        for path in pinned_texts()
        for sha in CONTRACT_SHA256.findall(path.read_text(encoding="utf-8"))
        if sha != real
    }
    assert not shown, f"these show a contract sha256 that is not openapi.yaml's ({real}): {sorted(shown)}"


def test_the_sdks_version_is_kept_in_generator_sdk_version() -> None:
    assert DISTRIBUTIONS["pbx-api"].version == (ROOT / "generator" / "sdk-version").read_text(encoding="utf-8").strip()


def test_the_install_page_pins_every_distribution_and_each_readme_names_its_version() -> None:
    pinned = {name for name, _ in PIN.findall((ROOT / "docs" / "install.md").read_text(encoding="utf-8"))}
    assert pinned == set(DISTRIBUTIONS)
    for name, distribution in DISTRIBUTIONS.items():
        readme = (distribution.folder / "README.md").read_text(encoding="utf-8")
        assert readme.startswith(f"# {name} {distribution.version}\n"), f"{name}'s README names another version"


def test_every_distribution_gives_the_same_project_urls_and_licence() -> None:
    import tomllib

    seen = set()
    for distribution in DISTRIBUTIONS.values():
        with open(distribution.folder / "pyproject.toml", "rb") as handle:
            project = tomllib.load(handle)["project"]
        seen.add((tuple(sorted(project["urls"].items())), project["license"], project["requires-python"]))
    assert len(seen) == 1, seen

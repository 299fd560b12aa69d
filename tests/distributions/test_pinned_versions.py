"""The versions the README, the docs and the examples pin are the distributions' own (each kept in one place: a
tool's pyproject.toml, the SDK's generator/sdk-version), and every distribution is pinned in docs/install.md."""

from __future__ import annotations

import re
from pathlib import Path

from tests.distributions.dist_helpers import distributions
from tests.repository import ROOT

DISTRIBUTIONS = distributions()
PIN = re.compile(r"(?<![\w-])(pbx-[a-z-]+)(?:\[[^\]]*\])?==(\d+\.\d+\.\d+)")
TEXTS = ("README.md", "docs/**/*.md", "examples/**/*", "*/README.md")


def pinned_texts() -> list[Path]:
    found = {path for pattern in TEXTS for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(path for path in found if "node_modules" not in path.parts)


def test_every_pinned_version_is_the_distributions() -> None:
    wrong = []
    for path in pinned_texts():
        for name, version in PIN.findall(path.read_text(encoding="utf-8")):
            expected = DISTRIBUTIONS[name].version if name in DISTRIBUTIONS else "(no such distribution)"
            if version != expected:
                wrong.append(f"{path.relative_to(ROOT)}: {name}=={version}, but {name} is {expected}")
    assert not wrong, "\n".join(wrong)


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

"""Each distribution's declared run-time dependencies against its code and against requirements.txt's lock.

deptry (per distribution, in its folder, with its pyproject.toml) fails on a module imported but not declared,
a dependency declared but not used, or one used only through another; each ignore it is told of says why in that
pyproject.toml. The check with `packaging` fails when a pin of requirements.txt lies outside a distribution's
range for it, when a dependency has no pin (.venv would not have it), when a range is not a compatible one, or when
the distributions' ranges for each other leave out the versions published together.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.distributions.dist_helpers import distributions, ran, run
from tests.repository import ROOT

DISTRIBUTIONS = distributions()
# Ranges without an upper bound, and why: tzdata is the time zone database, dated, never incompatible;
# attrs>=22.2.0 is openapi-python-client's own floor for the code it generates, written into pbx-api as it is.
OPEN_ENDED = {("pbx-kit", "tzdata"), ("pbx-api", "attrs")}


def pins() -> dict[str, Version]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"requirements.txt pins exactly: {line}"
            found[canonicalize_name(requirement.name)] = Version(specifier.version)
    return found


def declared(name: str) -> list[Requirement]:
    distribution = DISTRIBUTIONS[name]
    return [Requirement(text) for text in distribution.dependencies] + [
        Requirement(text) for extra in distribution.extras.values() for text in extra
    ]


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_deptry_finds_every_import_declared_and_every_declaration_used(name: str) -> None:
    folder = DISTRIBUTIONS[name].folder
    result = run([str(Path(sys.executable).parent / "deptry"), "--no-ansi", "."], folder, {"PATH": ""}, 300)
    assert result.returncode == 0, ran(result)


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_every_pin_lies_in_the_distributions_range_for_it(name: str) -> None:
    locked = pins()
    versions = {canonicalize_name(other): Version(d.version) for other, d in DISTRIBUTIONS.items()}
    for requirement in declared(name):
        package = canonicalize_name(requirement.name)
        if package in versions:  # another distribution of the kit: the version published beside this one
            assert requirement.specifier.contains(versions[package]), f"{name}: {requirement} leaves out {package}"
            continue
        assert package in locked, f"{name} declares {requirement}, but requirements.txt pins no {package}"
        assert requirement.specifier.contains(locked[package]), (
            f"{name} declares {requirement}: requirements.txt's {package}=={locked[package]} lies outside it"
        )
        bounded = {spec.operator for spec in requirement.specifier} & {"<", "~=", "=="}
        assert bounded or (name, package) in OPEN_ENDED, f"{name}: {requirement} is not a compatible range"


def test_the_suite_and_the_emulator_declare_no_build_lint_test_or_generator_tool() -> None:
    tools = {"build", "twine", "ruff", "mypy", "deptry", "pytest", "openapi-python-client", "pbx-generator"}
    for name in ("pbx-conformance", "pbx-emulator"):
        names = {canonicalize_name(requirement.name) for requirement in declared(name)}
        assert not names & tools, f"{name} declares {names & tools}"
    emulator = {canonicalize_name(requirement.name) for requirement in declared("pbx-emulator")}
    assert "schemathesis" not in emulator

"""The distributions built from this checkout and published to a real package index on loopback, once per run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.distributions.dist_helpers import (
    PackageIndex,
    build_all,
    hermetic_env,
    package_index,
    ran,
    require_wheelhouse,
    run,
)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every distribution's wheel and sdist, built as `make dist` builds them, and `twine check --strict` on each."""
    wheelhouse = require_wheelhouse()
    home = tmp_path_factory.mktemp("build-home")
    files = build_all(tmp_path_factory.mktemp("dist"), wheelhouse, hermetic_env(home))
    checked = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], home, hermetic_env(home))
    assert checked.returncode == 0, ran(checked)
    return files


@pytest.fixture(scope="session")
def index(built: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[PackageIndex]:
    """pypiserver on a loopback port serving the wheelhouse's third-party wheels, with every distribution uploaded
    to it by twine."""
    work = tmp_path_factory.mktemp("index")
    packages = work / "packages"
    packages.mkdir()
    env = hermetic_env(work)
    with package_index(packages, require_wheelhouse(), work / "pypiserver.log", env) as served:
        upload = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar"]
        upload += ["--repository-url", served.url + "/", "--username", "ci", "--password", "unused"]
        uploaded = run([*upload, *map(str, built)], work, env)
        assert uploaded.returncode == 0, ran(uploaded)
        assert sorted(path.name for path in packages.iterdir()) == sorted(path.name for path in built)
        yield served

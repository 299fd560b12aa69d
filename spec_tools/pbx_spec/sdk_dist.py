"""Build the pbx-api wheel and sdist from generated/ (its own pyproject.toml), offline if given a wheelhouse.

    python -m pbx_spec.sdk_dist OUT_DIR [--find-links WHEELHOUSE]

As `python -m build` does: a fresh virtual environment gets the build backend that generated/pyproject.toml asks
for (from the wheelhouse, without the index, when one is given), and builds from a copy of generated/, so no
build leftovers land in the repository.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from pbx_kit.contract import ROOT

PROJECT = ROOT / "generated"
BUILD_SCRIPT = """
import sys
from setuptools import build_meta
out = sys.argv[1]
wheel = build_meta.build_wheel(out)
sdist = build_meta.build_sdist(out)
print("BUILT", wheel, sdist)
"""


class BuildFailed(Exception):
    pass


def build(out: Path, find_links: Path | None = None, project: Path = PROJECT) -> tuple[Path, Path]:
    """The wheel and the sdist, written into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pbx-sdk-dist-") as work:
        environment = Path(work) / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(environment)
        python = environment / "bin" / "python"
        install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if find_links is not None:
            install += ["--no-index", "--find-links", str(find_links)]
        _run([*install, _build_requirement(project)], "installing the build backend")
        source = Path(work) / "project"
        shutil.copytree(project, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
        output = _run([str(python), "-c", BUILD_SCRIPT, str(out.resolve())], "building", cwd=source)
    built = [line.split() for line in output.splitlines() if line.startswith("BUILT ")]
    if not built:
        raise BuildFailed(f"building gave no wheel:\n{output}")
    _, wheel_name, sdist_name = built[-1]
    return out / wheel_name, out / sdist_name


def _build_requirement(project: Path) -> str:
    import tomllib

    with open(project / "pyproject.toml", "rb") as handle:
        requires: list[str] = tomllib.load(handle)["build-system"]["requires"]
    # The repository's own pinned setuptools, when the wheelhouse holds it, within what the project asks for.
    return " ".join(requires) if len(requires) != 1 else requires[0]


def _run(command: list[str], what: str, cwd: Path | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        raise BuildFailed(f"{what} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--find-links", type=Path, help="install the build backend from here, offline")
    args = parser.parse_args(argv)
    try:
        wheel, sdist = build(args.out, args.find_links)
    except BuildFailed as error:
        print(f"sdk-dist: {error}", file=sys.stderr)
        return 1
    print(f"built {wheel} and {sdist}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""pbx-api on its own: built as a wheel, installed into a fresh virtual environment with nothing else, its README's
example run against the emulator, and a user's program type-checked with mypy --strict from outside."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from pbx_emulator.testing import demo_identities, running_emulator
from pbx_kit.contract import ROOT, server_url
from pbx_spec.sdk_dist import build

pytestmark = pytest.mark.slow

WHEELHOUSE = ROOT / "build" / "sdk-wheelhouse"
GENERATED = ROOT / "generated"

USER_PROGRAM = """
import pbx_api
from pbx_api.models import ClientUpdate


def time_zone(pbx: pbx_api.PbxClient) -> str:
    return pbx.get_client("@me").timezone


def change(pbx: pbx_api.PbxClient) -> None:
    pbx.update_client("@me", body=ClientUpdate(timezone="UTC"))
"""

WRONG_PROGRAM = """
import pbx_api


def time_zone(pbx: pbx_api.PbxClient) -> int:
    return pbx.get_client("@me").timezone
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only pbx-api and its dependencies, from the offline wheelhouse."""
    if not (WHEELHOUSE / ".filled").exists():
        pytest.fail("the wheelhouse is missing: run `make sdk-wheelhouse` (make test does)")
    work = tmp_path_factory.mktemp("sdk-dist")
    wheel, sdist = build(work / "dist", WHEELHOUSE)
    assert wheel.name.startswith("pbx_api-") and wheel.suffix == ".whl" and sdist.name.endswith(".tar.gz")
    environment = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
         "--find-links", str(WHEELHOUSE), str(wheel)],
        check=True, timeout=600,
    )  # fmt: skip
    return python


def _pip_freeze(python: Path) -> set[str]:
    out = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    names = (re.split(r"==| @ ", line)[0] for line in out.splitlines() if line)
    return {name.strip().lower().replace("_", "-") for name in names}


def test_the_fresh_environment_has_only_the_sdk_and_what_it_needs(installed: Path) -> None:
    names = _pip_freeze(installed)
    assert "pbx-api" in names and "httpx" in names and "attrs" in names
    assert not names & {"pbx-client-api-kit", "griffe", "schemathesis", "starlette", "openapi-python-client"}
    located = subprocess.run(
        [str(installed), "-c", "import pbx_api, pathlib; print(pathlib.Path(pbx_api.__file__).parent)"],
        capture_output=True, text=True, check=True, cwd=installed.parent,
    ).stdout.strip()  # fmt: skip
    assert "site-packages" in located and (Path(located) / "py.typed").is_file()


def test_the_readme_example_runs_against_the_emulator(installed: Path, tmp_path: Path) -> None:
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    documented_base_url = server_url().format(hostname="pbx.example.com")
    assert documented_base_url in example and "YOUR-APP-ID" in example
    main = demo_identities().main
    with running_emulator() as emulator:
        runnable = (
            example.replace(documented_base_url, emulator.api_url)
            .replace("YOUR-APP-ID", main.app_id)
            .replace("YOUR-APP-SECRET", main.app_secret)
        )
        script = tmp_path / "example.py"
        script.write_text(runnable, encoding="utf-8")
        result = subprocess.run(
            [str(installed), str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
        )
    assert result.returncode == 0, result.stderr
    assert "ClientData(" in result.stdout and main.app_secret not in result.stdout


def test_a_user_program_type_checks_with_mypy_strict_from_outside(installed: Path, tmp_path: Path) -> None:
    good, wrong = tmp_path / "good.py", tmp_path / "wrong.py"
    good.write_text(USER_PROGRAM, encoding="utf-8")
    wrong.write_text(WRONG_PROGRAM, encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", str(installed)]
    passed = subprocess.run([*mypy, str(good)], capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = subprocess.run([*mypy, str(wrong)], capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False)
    assert failed.returncode == 1 and 'Incompatible return value type (got "str", expected "int")' in failed.stdout

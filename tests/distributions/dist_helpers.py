"""The pieces of the published-and-installed tests: the distributions of the checkout, a real package index on
loopback (pypiserver), fresh virtual environments outside the checkout, and commands run in them with none of this
machine's pip settings (only the index, which also serves the wheelhouse `make dist-wheelhouse` fills)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import venv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pbx_emulator.testing import demo_identities, free_port
from tests.repository import ROOT

WHEELHOUSE = ROOT / "build" / "dist-wheelhouse"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
INSTALL_TIMEOUT = 600
# What a fresh virtual environment holds before anything is installed into it.
FRESH = {"pip", "setuptools"}


@dataclass(frozen=True)
class Distribution:
    name: str
    folder: Path
    version: str
    dependencies: tuple[str, ...]
    extras: Mapping[str, tuple[str, ...]]


# The classifier every index refuses: a project of this repository only (docs_tool/), no distribution.
PRIVATE = "Private :: Do Not Upload"


def distributions() -> dict[str, Distribution]:
    """Every distribution of the checkout: each top-level folder whose pyproject.toml names a project that may be
    uploaded."""
    found = {}
    for pyproject in sorted(ROOT.glob("*/pyproject.toml")):
        with open(pyproject, "rb") as handle:
            project = tomllib.load(handle).get("project")
        if project and PRIVATE not in project.get("classifiers", ()):
            extras = {name: tuple(deps) for name, deps in project.get("optional-dependencies", {}).items()}
            found[project["name"]] = Distribution(
                project["name"], pyproject.parent, project["version"], tuple(project.get("dependencies", ())), extras
            )
    return found


def require_wheelhouse() -> Path:
    if not (WHEELHOUSE / ".filled").exists():
        pytest.fail("the wheelhouse is missing: run `make dist-wheelhouse` (make test does)")
    return WHEELHOUSE


def hermetic_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell with nothing of this machine's pip set-up, nor of this checkout's .venv:
    no pip configuration file or PIP_* variable, no VIRTUAL_ENV, PATH without .venv/bin, caches in `home`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "PIPX_", "PBX_", "XDG_")) and key not in {"VIRTUAL_ENV", "PYTHONPATH"}
    }
    own_bin = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != own_bin)
    environment.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_NO_CACHE_DIR="1",
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONUNBUFFERED="1",
        # twine asks no keyring for the index's (ignored) password
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    environment.update(extra)
    return environment


def run(
    command: list[str], cwd: Path, env: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False)


def ran(result: subprocess.CompletedProcess[str]) -> str:
    """What a command printed, for an assertion's message."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"


def build_all(out: Path, wheelhouse: Path, env: Mapping[str, str]) -> list[Path]:
    """Every distribution's sdist and wheel, as `make dist` builds them (PyPA build, the pinned backend from the
    wheelhouse, no index)."""
    offline = {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    for distribution in distributions().values():
        command = [sys.executable, "-m", "build", "--quiet", "--outdir", str(out), str(distribution.folder)]
        result = run(command, ROOT, offline, timeout=INSTALL_TIMEOUT)
        assert result.returncode == 0, f"building {distribution.name}: {ran(result)}"
    return sorted(out.iterdir())


@dataclass
class PackageIndex:
    """pypiserver on a loopback port: uploads land in `packages`, and it also serves `wheelhouse`."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def simple(self) -> str:
        return self.url + "/simple/"


@contextlib.contextmanager
def package_index(packages: Path, wheelhouse: Path, log: Path, env: Mapping[str, str]) -> Iterator[PackageIndex]:
    """A real package index: `pypi-server run`, uploads without a password (`-a . -P .`), no fallback to PyPI."""
    port = free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "--interface", "127.0.0.1", "--port", str(port)]
    command += ["--authenticate", ".", "--passwords", ".", "--disable-fallback", str(packages), str(wheelhouse)]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=dict(env))
    index = PackageIndex(f"http://127.0.0.1:{port}", process)
    try:
        _wait_for(index.simple, process, log)
        yield index
    finally:
        _stop(process)


@dataclass(frozen=True)
class Environment:
    """A fresh virtual environment outside the checkout, and the shell environment to run its commands in."""

    root: Path
    env: Mapping[str, str]

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def command(self, name: str) -> str:
        return str(self.bin / name)

    def packages(self) -> dict[str, str]:
        """What `pip list` shows, name (lower case, `-` for `_`) to version."""
        result = run([str(self.python), "-m", "pip", "list", "--format=json"], self.root, self.env)
        assert result.returncode == 0, ran(result)
        return {_canonical(entry["name"]): entry["version"] for entry in json.loads(result.stdout)}


def fresh_environment(root: Path, home: Path) -> Environment:
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    path = os.pathsep.join([str(root / "bin"), hermetic_env(home)["PATH"]])
    return Environment(root, hermetic_env(home, PATH=path, VIRTUAL_ENV=str(root)))


def pip_install(environment: Environment, index: PackageIndex, requirement: str) -> None:
    """`pip install REQUIREMENT` from the index only."""
    command = [str(environment.python), "-m", "pip", "install", "--quiet", "--index-url", index.simple, requirement]
    result = run(command, environment.root, environment.env, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, f"pip install {requirement}: {ran(result)}"


@dataclass
class ServedEmulator:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def api_url(self) -> str:
        return self.url + "/api/ver1.0"


@contextlib.contextmanager
def served_emulator(environment: Environment, cwd: Path, *args: str) -> Iterator[ServedEmulator]:
    """`pbx-emulator serve` of `environment` on a free loopback port, until the block ends."""
    port = free_port()
    command = [environment.command("pbx-emulator"), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    log = cwd / f"emulator-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=dict(environment.env), stdout=output, stderr=subprocess.STDOUT)
    served = ServedEmulator(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_for(served.api_url + "/openapi.yaml", process, log)
        yield served
    finally:
        _stop(process)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} ended with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {START_TIMEOUT:g} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def identities(base_url: str) -> dict[str, str]:
    """The suite's three applications, as environment variables: the demo seed's, which the emulator carries."""
    demo = demo_identities()
    return {
        "PBX_BASE_URL": base_url,
        "PBX_CLIENT_ID": demo.main.app_id,
        "PBX_CLIENT_SECRET": demo.main.app_secret,
        "PBX_READONLY_CLIENT_ID": demo.readonly.app_id,
        "PBX_READONLY_CLIENT_SECRET": demo.readonly.app_secret,
        "PBX_OTHER_CLIENT_ID": demo.other.app_id,
        "PBX_OTHER_CLIENT_SECRET": demo.other.app_secret,
    }

"""The tools as users get them: every distribution published to a real package index (pypiserver on loopback) with
twine, each installed from that index only into a fresh virtual environment outside the checkout (the suite also
with pipx), then used from there: the emulator served, the suite run against it and against a broken one, a spec
diff, the SDK's README example, the generator, `--version` and a bad `--spec`.

Third-party wheels come from the wheelhouse `make dist-wheelhouse` fills, served by the same index: nothing is
fetched from the network, and nothing of the checkout is on any path the installed tools see.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from pbx_emulator.testing import demo_identities
from tests.distributions.dist_helpers import (
    FRESH,
    Environment,
    PackageIndex,
    distributions,
    fresh_environment,
    hermetic_env,
    identities,
    pip_install,
    ran,
    run,
    served_emulator,
)
from tests.distributions.installed_sets import documented_sets, installed_set_block
from tests.repository import ROOT

pytestmark = pytest.mark.slow

DISTRIBUTIONS = distributions()
VERSIONS = {name: distribution.version for name, distribution in DISTRIBUTIONS.items()}
CONTRACT_SHA256 = hashlib.sha256((ROOT / "openapi.yaml").read_bytes()).hexdigest()
# The commands of each distribution, and the distribution `--version` names.
COMMANDS = {
    "pbx-kit": ["pbx-overlay"],
    "pbx-emulator": ["pbx-emulator"],
    "pbx-conformance": ["pbx-conformance"],
    "pbx-generator": ["pbx-generate"],
    "pbx-spec-tools": ["pbx-spec"],
}
# What each distribution must not pull: the suite no generator toolchain and no emulator, the emulator no
# schemathesis, the SDK nothing of the kit.
NOT_PULLED = {
    "pbx-emulator": {"schemathesis", "hypothesis", "pytest", "openapi-python-client", "ruff", "pbx-generator", "build"},
    "pbx-conformance": {"openapi-python-client", "ruff", "pbx-generator", "pbx-emulator", "starlette", "mypy", "twine"},
    "pbx-api": {"pbx-kit", "pyyaml", "schemathesis", "starlette", "openapi-python-client"},
    "pbx-kit": {"schemathesis", "starlette", "httpx", "openapi-python-client"},
}
# The suite's run against a served emulator: small but every phase, no pace (the emulator is nobody's production).
SUITE_RUN = ["run", "--seed", "1", "--max-examples", "5", "--rate", "0"]


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the checkout."""
    folder = tmp_path_factory.mktemp("outside")
    assert not folder.resolve().is_relative_to(ROOT)
    return folder


@pytest.fixture(scope="module")
def installed(index: PackageIndex, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Environment]:
    """One fresh virtual environment per distribution, each with `pip install NAME==VERSION` from the index."""
    work = tmp_path_factory.mktemp("venvs")

    def install(name: str) -> tuple[str, Environment]:
        environment = fresh_environment(work / name, work / f"{name}-home")
        pip_install(environment, index, f"{name}=={VERSIONS[name]}")
        return name, environment

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(install, sorted(DISTRIBUTIONS)))


@pytest.fixture(scope="module")
def pipx_suite(index: PackageIndex, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """The suite with its emulator extra, installed by pipx from the index (its homes in a temporary folder)."""
    home = tmp_path_factory.mktemp("pipx")
    pipx = {
        "PIPX_HOME": str(home / "pipx"),
        "PIPX_BIN_DIR": str(home / "bin"),
        "PIPX_MAN_DIR": str(home / "man"),
        "PIPX_COMPLETION_DIR": str(home / "completion"),
        "PIPX_DEFAULT_BACKEND": "pip",
        "PIPX_COOLDOWN": "0",
    }
    env = hermetic_env(home, **pipx)
    requirement = f"pbx-conformance[emulator]=={VERSIONS['pbx-conformance']}"
    command = [sys.executable, "-m", "pipx", "install", "--index-url", index.simple, requirement]
    result = run(command, home, env, timeout=600)
    assert result.returncode == 0, ran(result)
    env = {**env, "PATH": f"{home / 'bin'}:{env['PATH']}"}
    # pipx's own venv for the app: its bin/ holds the suite's and the emulator's commands
    return Environment(home / "pipx" / "venvs" / "pbx-conformance", env)


@pytest.fixture(scope="module")
def emulator(installed: dict[str, Environment], outside: Path) -> Iterator[str]:
    """The installed emulator, served from outside the checkout: its API's base URL."""
    with served_emulator(installed["pbx-emulator"], outside) as served:
        yield served.api_url


def test_each_distribution_pulls_only_what_it_needs_as_docs_install_md_lists(
    installed: dict[str, Environment],
) -> None:
    documented, differing = documented_sets(), []
    for name, environment in sorted(installed.items()):
        pulled = {package: version for package, version in environment.packages().items() if package not in FRESH}
        assert name in pulled and pulled[name] == VERSIONS[name]
        assert not pulled.keys() & NOT_PULLED.get(name, set()), f"{name} pulls {pulled.keys() & NOT_PULLED[name]}"
        if documented.get(name) != pulled:
            differing.append(installed_set_block(name, pulled))
    assert not differing, "docs/install.md's lists are not what pip pulls; they should read:\n" + "\n".join(differing)


def test_every_command_prints_its_version_and_the_contract_it_carries(
    installed: dict[str, Environment], pipx_suite: Environment, outside: Path
) -> None:
    expected_sha = f"contract sha256 {CONTRACT_SHA256}"
    for name, commands in COMMANDS.items():
        environment = installed[name]
        for command in commands:
            result = run([environment.command(command), "--version"], outside, environment.env)
            line = f"{name} {VERSIONS[name]}; {expected_sha}"
            if name != "pbx-kit":
                line += f" (pbx-kit {VERSIONS['pbx-kit']})"
            assert result.returncode == 0 and result.stdout == line + "\n", ran(result)
    result = run(["pbx-conformance", "--version"], outside, pipx_suite.env)  # pipx's, on PATH
    assert result.returncode == 0 and result.stdout.startswith(f"pbx-conformance {VERSIONS['pbx-conformance']};")
    sdk = installed["pbx-api"]
    code = "import importlib.metadata, pbx_api; print(importlib.metadata.version('pbx-api'), pbx_api.SPEC_SHA256)"
    result = run([str(sdk.python), "-c", code], outside, sdk.env)
    assert result.returncode == 0 and result.stdout.split()[0] == VERSIONS["pbx-api"], ran(result)


def test_a_bad_spec_gets_one_line_and_exit_2_from_every_tool(installed: dict[str, Environment], outside: Path) -> None:
    not_openapi = outside / "not-openapi.yaml"
    not_openapi.write_text("title: a YAML file, not an OpenAPI document\n", encoding="utf-8")
    missing = outside / "no-such-spec.yaml"
    unusable = outside / "no-components.yaml"  # OpenAPI, but not a contract the tools can work with
    without_components = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    del without_components["components"]
    unusable.write_text(yaml.safe_dump(without_components, sort_keys=False), encoding="utf-8")
    (outside / "sdk-version").write_text("1.0.0\n", encoding="utf-8")
    invocations = [
        ("pbx-kit", ["pbx-overlay", "hash", "sdk"]),
        ("pbx-emulator", ["pbx-emulator", "serve", "--port", "1"]),
        ("pbx-emulator", ["pbx-emulator", "tenant", "add", "--db", str(outside / "never.sqlite3")]),
        ("pbx-conformance", ["pbx-conformance", "run", "--base-url", "http://127.0.0.1:1/api/ver1.0", "--token", "t"]),
        ("pbx-generator", ["pbx-generate", "--output", str(outside / "never"), "--sdk-version", "sdk-version"]),
        ("pbx-spec-tools", ["pbx-spec", "diff", str(ROOT / "openapi.yaml")]),
    ]
    for name, (command, *args) in invocations:
        environment = installed[name]
        for bad in (missing, not_openapi, unusable):
            for given, env in (
                (["--spec", str(bad)], environment.env),
                ([], {**environment.env, "PBX_SPEC": str(bad)}),
            ):
                result = run([environment.command(command), *args, *given], outside, env)
                lines = result.stderr.strip().splitlines()
                assert result.returncode == 2 and len(lines) == 1 and str(bad) in lines[0], ran(result)
                assert "Traceback" not in result.stderr
    assert not (outside / "never").exists() and not (outside / "never.sqlite3").exists()


def test_the_emulator_serves_the_contract_seed_and_reference_it_carries(emulator: str) -> None:
    with httpx.Client(timeout=30) as http:
        served = yaml.safe_load(http.get(emulator + "/openapi.yaml").text)
        reference = http.get(emulator + "/reference/")
        demo = demo_identities().main
        token = http.post(
            emulator.removesuffix("/api/ver1.0") + "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": demo.app_id, "client_secret": demo.app_secret},
        )
    assert served["info"]["title"] == yaml.safe_load((ROOT / "openapi.yaml").read_text())["info"]["title"]
    assert reference.status_code == 200 and "Redoc.init(" in reference.text
    assert token.status_code == 200, token.text


def test_the_emulator_serves_a_reviewers_spec(installed: dict[str, Environment], outside: Path) -> None:
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    document["info"]["title"] = "A reviewer's branch of the contract"
    reviewers = outside / "reviewer" / "openapi.yaml"
    reviewers.parent.mkdir(exist_ok=True)
    reviewers.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with served_emulator(installed["pbx-emulator"], outside, "--spec", str(reviewers)) as served:
        title = yaml.safe_load(httpx.get(served.api_url + "/openapi.yaml", timeout=30).text)["info"]["title"]
    assert title == "A reviewer's branch of the contract"


def test_the_suite_passes_against_the_served_emulator(
    installed: dict[str, Environment], emulator: str, outside: Path
) -> None:
    suite = installed["pbx-conformance"]
    reports = outside / "reports-pass"
    env = {**suite.env, **identities(emulator)}
    result = run([suite.command("pbx-conformance"), *SUITE_RUN, "--report-dir", str(reports)], outside, env, 900)
    assert result.returncode == 0, ran(result)
    assert (reports / "junit.xml").is_file() and (reports / "report.html").is_file()


def test_the_suite_holds_the_server_to_the_spec_it_is_given(
    installed: dict[str, Environment], emulator: str, outside: Path
) -> None:
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    document["components"]["schemas"]["Client"]["properties"]["name"]["maxLength"] = 3  # the demo client's is longer
    stricter = outside / "stricter.yaml"
    stricter.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    suite = installed["pbx-conformance"]
    env = {**suite.env, **identities(emulator)}
    result = run([suite.command("pbx-conformance"), *SUITE_RUN, "--spec", str(stricter)], outside, env, 900)
    assert result.returncode == 1, ran(result)


def test_the_suite_fails_against_an_emulator_with_a_fault(installed: dict[str, Environment], outside: Path) -> None:
    suite = installed["pbx-conformance"]
    with served_emulator(installed["pbx-emulator"], outside, "--fault", "missing-field") as broken:
        env = {**suite.env, **identities(broken.api_url)}
        result = run([suite.command("pbx-conformance"), *SUITE_RUN], outside, env, 900)
    assert result.returncode == 1, ran(result)


def test_the_suite_without_its_emulator_extra_says_what_to_install(
    installed: dict[str, Environment], outside: Path
) -> None:
    suite = installed["pbx-conformance"]
    result = run([suite.command("pbx-conformance"), "run"], outside, suite.env)
    wanted = f'pip install "pbx-conformance[emulator]=={VERSIONS["pbx-conformance"]}"'
    assert result.returncode == 2 and wanted in result.stderr, ran(result)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_pipx_installs_the_suite_whose_local_default_tests_its_own_emulator(
    pipx_suite: Environment, outside: Path
) -> None:
    result = run(["pbx-conformance", *SUITE_RUN[:-2]], outside, pipx_suite.env, 900)
    assert result.returncode == 0, ran(result)
    assert "testing the local emulator at http://127.0.0.1:" in result.stdout


def test_spec_diff_reports_a_breaking_pair(installed: dict[str, Environment], outside: Path) -> None:
    tools = installed["pbx-spec-tools"]
    base = outside / "base.yaml"
    base.write_bytes((ROOT / "openapi.yaml").read_bytes())
    document = yaml.safe_load(base.read_text(encoding="utf-8"))
    del document["paths"]["/client/client_info/{client_id}/"]["put"]  # a reviewer drops an operation
    breaking = outside / "breaking.yaml"
    breaking.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    same = run([tools.command("pbx-spec"), "diff", str(base), str(base)], outside, tools.env, 600)
    assert same.returncode == 0, ran(same)
    result = run([tools.command("pbx-spec"), "diff", str(base), str(breaking)], outside, tools.env, 600)
    assert result.returncode == 1, ran(result)
    assert "**Suggested SDK version bump: major**" in result.stdout, ran(result)
    assert "operation `updateClientInfo` removed" in result.stdout
    # The SDK axis ran with the installed generator: both SDKs generated and compared.
    assert "| the generated SDK | **breaks** | 1 |" in result.stdout
    assert "removed: method `update_client_info`" in result.stdout


def test_the_sdk_readme_example_runs(installed: dict[str, Environment], emulator: str, outside: Path) -> None:
    sdk = installed["pbx-api"]
    description = run(
        [str(sdk.python), "-c", "import importlib.metadata as m; print(m.metadata('pbx-api').get_payload())"],
        outside,
        sdk.env,
    )
    assert description.returncode == 0, ran(description)
    (example,) = re.findall(r"```python\n(.*?)```", description.stdout, flags=re.S)
    demo = demo_identities().main
    documented = re.search(r'base_url="([^"]+)"', example)
    assert documented is not None and "YOUR-APP-ID" in example
    script = outside / "readme_example.py"
    script.write_text(
        example.replace(documented.group(1), emulator)
        .replace("YOUR-APP-ID", demo.app_id)
        .replace("YOUR-APP-SECRET", demo.app_secret),
        encoding="utf-8",
    )
    result = run([str(sdk.python), str(script)], outside, sdk.env)
    assert result.returncode == 0 and "ClientData(" in result.stdout, ran(result)


def test_the_generator_writes_an_sdk_outside_the_checkout(installed: dict[str, Environment], outside: Path) -> None:
    generator = installed["pbx-generator"]
    (outside / "sdk-version").write_text(VERSIONS["pbx-api"] + "\n", encoding="utf-8")
    args = ["--output", str(outside / "sdk"), "--sdk-version", "sdk-version"]
    written = run([generator.command("pbx-generate"), *args], outside, generator.env, 600)
    assert written.returncode == 0, ran(written)
    checked = run([generator.command("pbx-generate"), "--check", *args], outside, generator.env, 600)
    assert checked.returncode == 0, ran(checked)
    generated = subprocess.run(
        ["diff", "-r", "-x", "__pycache__", str(ROOT / "generated" / "pbx_api"), str(outside / "sdk" / "pbx_api")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, "the installed generator writes what generated/ holds:\n" + generated.stdout

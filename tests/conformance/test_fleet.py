"""`pbx-conformance run --targets FILE`: several emulators as a fleet (one with a fault, one unreachable), the
combined verdict and report, every target's client back as it was; bad targets files refused before any request;
SIGTERM stops and restores every target; `--shard` and `merge` end to end."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import yaml

from pbx_conformance import cli, local_emulator
from pbx_emulator.testing import RunningEmulator, free_port, running_emulator
from pbx_kit import contract

APPLICATIONS = (local_emulator.DEMO, local_emulator.DEMO_OTHER, local_emulator.DEMO_READONLY)
SECRETS = [application.client_secret for application in APPLICATIONS]
SMALL = ["--max-examples", "5", "--phases", "examples,fuzzing", "--rate", "0", "--seed", "1"]
FAULT = "wrong-content-type"  # breaks content_type_conformance, and only it


@pytest.fixture
def usual_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo applications in the usual PBX_* variables, as a fleet of the simplest targets file reads them."""
    for prefix, application in zip(("", "OTHER_", "READONLY_"), APPLICATIONS, strict=True):
        monkeypatch.setenv(f"PBX_{prefix}CLIENT_ID", application.client_id)
        monkeypatch.setenv(f"PBX_{prefix}CLIENT_SECRET", application.client_secret)


@pytest.fixture(scope="module")
def emulators() -> Iterator[tuple[RunningEmulator, RunningEmulator]]:
    """A clean emulator (its access log on: a test counts its requests) and one with a fault; each test's fleet
    leaves both as it found them."""
    with (
        running_emulator() as clean,
        running_emulator(faults=[FAULT], extra_args=["--quiet"]) as faulty,
    ):
        yield clean, faulty


def unreachable_url() -> str:
    return f"http://127.0.0.1:{free_port()}{contract.api_base_path()}"


def clients_of(server: RunningEmulator) -> list[dict[str, Any]]:
    """Every demo application's client, as the API answers it."""
    found = []
    for application in APPLICATIONS:
        token = server.token(application.client_id, application.client_secret)
        response = httpx.get(f"{server.api_url}/client/@me/client/", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        found.append(response.json())
    return found


def targets_file(path: Path, *entries: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"targets": list(entries)}), encoding="utf-8")
    return path


def fleet_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def every_text(folder: Path) -> str:
    return "".join(path.read_text(errors="replace") for path in folder.rglob("*") if path.is_file())


def test_a_fleet_with_a_fault_and_an_unreachable_target(capsys, usual_credentials, emulators, tmp_path: Path):
    clean, faulty = emulators
    before = [clients_of(clean), clients_of(faulty)]
    file = targets_file(
        tmp_path / "targets.yaml",
        {"name": "clean", "base_url": clean.api_url},
        {"name": "faulty", "base_url": faulty.api_url},
        {"name": "down", "base_url": unreachable_url()},
    )
    reports = tmp_path / "fleet"
    code, out, err = fleet_cli(capsys, "--targets", str(file), "--report-dir", str(reports), *SMALL)

    assert code == 1, out + err  # a target does not conform: 1, though another could not be tested
    assert err.splitlines() == [
        "pbx-conformance: could not test target down: --client-id: 127.0.0.1 unreachable: connection refused "
        "(is the server running, and the port right?)"
    ]
    fleet = json.loads((reports / "fleet.json").read_text())
    status = {entry["name"]: entry["status"] for entry in fleet["targets"]}
    assert status == {"clean": "conforms", "faulty": "does not conform", "down": "could not be tested"}
    assert [entry["failed_checks"] for entry in fleet["targets"][:2]] == [[], ["content_type_conformance"]]
    assert fleet["verdict"] == "failed" and fleet["exit_code"] == 1 and fleet["seed"] == 1
    assert fleet["matrix"]["content_type_conformance"] == {"clean": "pass", "faulty": "FAIL 4"}
    assert all(
        cells.get("faulty", "pass") in ("pass", "skip") for c, cells in fleet["matrix"].items() if "content" not in c
    )

    # The console: the target by check matrix, a line per target, the verdict.
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("check "))
    assert header.split() == ["check", "clean", "faulty", "down"]
    assert next(line for line in lines if line.startswith("content_type_conformance ")).split()[1:] == [
        "pass",
        "FAIL",
        "4",
        "-",
    ]
    assert "FAILED: 1 of 3 targets does not conform (faulty); 1 could not be tested (down); 1 of 3 conforms" in out
    assert "finished: faulty: does not conform: content_type_conformance\n" in out  # not a terminal: plain lines

    # Each target's own report beside the combined one; none for the target that could not be reached.
    for name in ("clean", "faulty"):
        for report in ("report.json", "report.html", "junit.xml", "snapshot.json", "console.txt"):
            assert (reports / "targets" / name / report).is_file(), (name, report)
    assert not (reports / "targets" / "down" / "report.json").exists()
    page = (reports / "fleet.html").read_text()
    assert "href='targets/clean/report.html'" in page and "href='targets/faulty/report.html'" in page
    suites = ElementTree.parse(reports / "junit.xml").getroot()
    assert suites.tag == "testsuites"
    assert [suite.get("name") for suite in suites] == ["clean", "faulty", "down"]
    assert [int(suite.get("failures", "0")) for suite in suites] == [0, 4, 0]
    assert suites[2].find("testcase/error") is not None
    assert all(case.get("classname", "").startswith("faulty: ") for case in suites[1].iter("testcase"))

    # Every target's clients are back as they were; no secret anywhere.
    assert [clients_of(clean), clients_of(faulty)] == before
    assert not any(secret in out + err + every_text(reports) for secret in SECRETS)


def test_a_fleet_with_a_target_that_could_not_be_tested_and_none_failing_is_exit_2(
    capsys, usual_credentials, emulators, tmp_path: Path
):
    clean, _ = emulators
    file = targets_file(
        tmp_path / "targets.yaml",
        {"name": "staging", "base_url": clean.api_url, "max_requests": 400, "rate": 0, "quota_reserve": "10%"},
        {"name": "eu-west", "base_url": unreachable_url()},
    )
    code, out, err = fleet_cli(capsys, "--targets", str(file), "--report-dir", str(tmp_path / "r"), *SMALL)
    assert code == 2, out + err
    assert err.startswith("pbx-conformance: could not test target eu-west: ") and len(err.splitlines()) == 1
    assert "INCOMPLETE: 1 could not be tested (eu-west); 1 of 2 conforms" in out
    staging = json.loads((tmp_path / "r" / "targets" / "staging" / "report.json").read_text())
    assert staging["budget"]["max_requests"] == 400 and staging["budget"]["quota_reserve"] == "10%"


def _most_at_work_at_once(progress_lines: list[str]) -> int:
    """From a fleet's `--progress json` lines: the most targets that were at once past their start and sending."""
    latest: dict[str, dict[str, Any]] = {}
    most = 0
    for line in progress_lines:
        state = json.loads(line)["progress"]
        latest[state["target"]] = state
        most = max(most, sum(1 for s in latest.values() if s["status"] == "running" and s["sent"] > 0))
    return most


@pytest.mark.parametrize(("parallel", "at_once"), [("2", 2), ("1", 1)])
def test_targets_are_tested_side_by_side_up_to_parallel(
    capsys, usual_credentials, emulators, tmp_path: Path, parallel: str, at_once: int
):
    """Two targets, each sending requests while the other does (--parallel 2); one after the other with
    --parallel 1, which shows the measure can tell the two apart."""
    clean, faulty = emulators
    file = targets_file(
        tmp_path / "targets.yaml",
        {"name": "clean", "base_url": clean.api_url},
        {"name": "faulty", "base_url": faulty.api_url},
    )
    argv = ["--targets", str(file), "--report-dir", str(tmp_path / "r"), "--parallel", parallel, "--progress", "json"]
    code, out, err = fleet_cli(capsys, *argv, *SMALL)
    assert code == 1, out + err
    progress = [line for line in out.splitlines() if line.startswith('{"progress"')]
    assert progress, out
    assert _most_at_work_at_once(progress) == at_once


def test_a_report_of_an_earlier_run_is_never_taken_for_this_ones(capsys, usual_credentials, emulators, tmp_path):
    """The same report folder again, the target now unreachable: it is reported not tested, with no old result."""
    clean, _ = emulators
    reports = tmp_path / "fleet"
    first = targets_file(tmp_path / "first.yaml", {"name": "staging", "base_url": clean.api_url})
    assert fleet_cli(capsys, "--targets", str(first), "--report-dir", str(reports), *SMALL)[0] == 0
    assert (reports / "targets" / "staging" / "report.json").is_file()

    again = targets_file(tmp_path / "again.yaml", {"name": "staging", "base_url": unreachable_url()})
    code, out, err = fleet_cli(capsys, "--targets", str(again), "--report-dir", str(reports), *SMALL)
    assert code == 2, out + err
    fleet = json.loads((reports / "fleet.json").read_text())
    [entry] = fleet["targets"]
    assert entry["status"] == "could not be tested" and entry["report"] is None and entry["failed_checks"] == []
    assert all("staging" not in cells for cells in fleet["matrix"].values()), fleet["matrix"]
    assert not (reports / "targets" / "staging" / "report.json").exists()
    assert (reports / "targets" / "staging" / "snapshot.json").is_file()  # kept: `restore` may still need it


def test_credentials_from_the_variables_a_target_names(capsys, monkeypatch, emulators, tmp_path: Path):
    clean, _ = emulators
    monkeypatch.setenv("BRAND_B_APP", local_emulator.DEMO.client_id)
    monkeypatch.setenv("BRAND_B_SECRET", local_emulator.DEMO.client_secret)
    for name in ("PBX_CLIENT_ID", "PBX_CLIENT_SECRET", "PBX_OTHER_CLIENT_ID", "PBX_READONLY_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    credentials = {"client_id": "BRAND_B_APP", "client_secret": "BRAND_B_SECRET"}
    file = targets_file(tmp_path / "t.yaml", {"name": "brand-b", "base_url": clean.api_url, "credentials": credentials})
    code, out, err = fleet_cli(
        capsys, "--targets", str(file), "--report-dir", str(tmp_path / "r"), *SMALL, "--phases", "examples"
    )
    assert code == 0, out + err
    report = json.loads((tmp_path / "r" / "targets" / "brand-b" / "report.json").read_text())
    assert report["settings"]["identities"] == {"main": local_emulator.DEMO.client_id, "other": None, "readonly": None}


@pytest.mark.parametrize(
    ("content", "argv", "words"),
    [
        ("targets: [name: x\n", [], ["not valid YAML (line"]),
        ("- name: a\n", [], ["expected a mapping with one key, `targets:`"]),
        ("targets: []\n", [], ["at least one target"]),
        ("targets:\n  - name: a\n", [], ["target a: `base_url` is required"]),
        ("targets:\n  - name: ../a\n    base_url: {url}\n", [], ["entry 1: `name` must be"]),
        ("targets:\n  - {{name: a, base_url: '{url}', colour: red}}\n", [], ["unknown keys ['colour']"]),
        (
            "targets:\n  - {{name: prod, base_url: '{url}'}}\n  - {{name: PROD, base_url: '{url}'}}\n",
            [],
            ["entry 2: duplicate target name 'PROD' (entry 1)"],
        ),
        (
            "targets:\n  - name: a\n    base_url: {url}\n    credentials: {{client_secret: PBX_NOT_SET_ANYWHERE}}\n",
            [],
            ["target a: credentials.client_secret names PBX_NOT_SET_ANYWHERE, which is not set"],
        ),
        (
            "targets:\n  - name: a\n    base_url: {url}\n    credentials: {{client_secret: s3cr3t-value!}}\n",
            [],
            ["credentials.client_secret must be the NAME of an environment variable"],
        ),
        ("targets:\n  - {{name: a, base_url: '{url}', rate: fast}}\n", [], ["target a: --rate must be a number"]),
        ("targets:\n  - {{name: a, base_url: '{url}'}}\n", ["--shard", "3/2"], ["--shard takes K/N"]),
        (
            "targets:\n  - {{name: a, base_url: '{url}'}}\n",
            ["--base-url", "http://x/api"],
            ["--base-url cannot be given"],
        ),
    ],
)
def test_a_bad_targets_file_is_one_line_and_exit_2_before_any_request(
    capsys, usual_credentials, emulators, tmp_path: Path, content: str, argv: list[str], words: list[str]
):
    clean, _ = emulators
    file = tmp_path / "targets.yaml"
    file.write_text(content.format(url=clean.api_url), encoding="utf-8")
    requests_before = clean.log().count("pbx_emulator.access")
    code, out, err = fleet_cli(capsys, "--targets", str(file), "--report-dir", str(tmp_path / "r"), *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("pbx-conformance: could not run: ") and "Traceback" not in err
    for word in words:
        assert word in err
    assert "s3cr3t-value" not in err
    assert out == "" and not (tmp_path / "r").exists()
    time.sleep(0.2)
    assert clean.log().count("pbx_emulator.access") == requests_before  # nothing was sent


def test_shards_merged_make_the_report_of_a_whole_run(capsys, usual_credentials, emulators, tmp_path: Path):
    clean, faulty = emulators
    file = targets_file(
        tmp_path / "targets.yaml",
        {"name": "a-clean", "base_url": clean.api_url},
        {"name": "b-faulty", "base_url": faulty.api_url},
        {"name": "c-down", "base_url": unreachable_url()},
    )
    codes = []
    for shard in ("1/2", "2/2"):
        code, _, _ = fleet_cli(
            capsys, "--targets", str(file), "--shard", shard, "--report-dir", str(tmp_path / shard[0]), *SMALL
        )
        codes.append(code)
    assert codes == [2, 1]  # slice 1: targets 1 and 3 (one unreachable); slice 2: target 2 (faulty)
    assert [e["name"] for e in json.loads((tmp_path / "1" / "fleet.json").read_text())["targets"]] == [
        "a-clean",
        "c-down",
    ]

    code = cli.main(["merge", str(tmp_path / "1"), str(tmp_path / "2"), "--report-dir", str(tmp_path / "merged")])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    merged = json.loads((tmp_path / "merged" / "fleet.json").read_text())
    assert [(e["name"], e["status"]) for e in merged["targets"]] == [
        ("a-clean", "conforms"),
        ("b-faulty", "does not conform"),
        ("c-down", "could not be tested"),
    ]
    assert [m["shard"]["index"] for m in merged["merged_from"]] == [1, 2]
    assert merged["matrix"]["content_type_conformance"] == {"a-clean": "pass", "b-faulty": "FAIL 4"}
    for name in ("a-clean", "b-faulty"):
        assert (tmp_path / "merged" / "targets" / name / "report.html").is_file()
    suites = ElementTree.parse(tmp_path / "merged" / "junit.xml").getroot()
    assert [suite.get("name") for suite in suites] == ["a-clean", "b-faulty", "c-down"]
    assert "FAILED: 1 of 3 targets does not conform (b-faulty); 1 could not be tested (c-down)" in out

    # A slice not given: its targets are not tested (exit 2); a slice given twice, or shards of another file: refused.
    code = cli.main(["merge", str(tmp_path / "1"), "--report-dir", str(tmp_path / "half")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "pbx-conformance: could not test target b-faulty: no report from shard 2/2" in err
    code = cli.main(["merge", str(tmp_path / "1"), str(tmp_path / "1"), "--report-dir", str(tmp_path / "twice")])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and "shard 1/2 is given twice" in err

    # Two fleets compared target by target: the merged shards against the first slice's run.
    code = cli.main(["compare", str(tmp_path / "merged"), str(tmp_path / "merged")])
    out, err = capsys.readouterr()
    assert code == 2  # c-down has no report in either: not compared
    assert "| a-clean | passed | passed | 0 |" in out and "| b-faulty | failed | failed | 0 |" in out
    assert "target c-down: OLD could not test it" in err


@contextlib.contextmanager
def fleet_process(argv: list[str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pbx_conformance", "run", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_sigterm_or_ctrl_c_stops_every_target_and_restores_each(usual_credentials, tmp_path: Path, stop):
    """SIGTERM (or Ctrl-C's SIGINT) to the fleet mid-run: each target stops at a safe point, puts back what it
    changed, and says so."""
    with (
        running_emulator(extra_args=["--latency", "20", "--quiet"]) as first,
        running_emulator(extra_args=["--latency", "20", "--quiet"]) as second,
    ):
        before = [clients_of(first), clients_of(second)]
        file = targets_file(
            tmp_path / "targets.yaml",
            {"name": "one", "base_url": first.api_url},
            {"name": "two", "base_url": second.api_url},
        )
        reports = tmp_path / "fleet"
        with fleet_process(
            ["--targets", str(file), "--report-dir", str(reports), "--rate", "0", "--seed", "1"]
        ) as fleet:
            deadline = time.monotonic() + 90
            snapshots = [reports / "targets" / name / "snapshot.json" for name in ("one", "two")]
            while not all(path.is_file() for path in snapshots) and time.monotonic() < deadline:
                assert fleet.poll() is None, fleet.communicate()
                time.sleep(0.1)
            assert all(path.is_file() for path in snapshots), "the targets never started writing"
            time.sleep(2)  # well into the writing checks
            fleet.send_signal(stop)
            out, err = fleet.communicate(timeout=120)
        assert fleet.returncode == 2, out + err
        after = [clients_of(first), clients_of(second)]
    assert after == before
    for name in ("one", "two"):
        report = json.loads((reports / "targets" / name / "report.json").read_text())
        assert report["verdict"] == "interrupted", report["could_not_finish"]
        assert report["restore"]["changed"] and report["restore"]["not_restored"] == []
        reason = "interrupted before the run finished; the client was restored"
        assert f"pbx-conformance: could not test target {name}: {reason}" in err
    assert json.loads((reports / "fleet.json").read_text())["verdict"] == "incomplete"


def test_shard_and_parallel_go_with_targets(capsys):
    for argv in (["--shard", "1/2"], ["--parallel", "4"]):
        code, out, err = fleet_cli(capsys, *argv)
        assert (code, out) == (2, "")
        assert err == f"pbx-conformance: could not run: {argv[0]} goes with --targets (a fleet of servers)\n"

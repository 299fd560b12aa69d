"""Exit codes and one-line reasons: 0 conforms, 1 does not, 2 could not run (unreachable, refused, bad args)."""

from __future__ import annotations

import pytest

from pbx_conformance import cli, local_emulator, restore
from pbx_conformance.settings import DEFAULT_SNAPSHOT_DIR
from pbx_emulator.testing import free_port, running_emulator
from pbx_kit import contract


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(["run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_reason(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pbx-conformance: could not run:")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0]


def credentials(server) -> list[str]:
    return ["--base-url", server.api_url, "--token-url", server.token_url, "--client-id", local_emulator.DEMO.client_id]


def test_unreachable_server_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("PBX_CLIENT_SECRET", "whatever")
    code, _, err = run_cli(
        capsys, ["--base-url", f"http://127.0.0.1:{free_port()}{contract.api_base_path()}", "--client-id", "x"]
    )
    assert code == 2
    assert_one_line_reason(err, "unreachable")


def test_unreachable_api_with_a_working_token_endpoint_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("PBX_CLIENT_SECRET", local_emulator.DEMO.client_secret)
    with running_emulator() as server:
        argv = [
            "--base-url",
            f"http://127.0.0.1:{free_port()}{contract.api_base_path()}",
            "--token-url",
            server.token_url,
        ]
        code, _, err = run_cli(capsys, [*argv, "--client-id", local_emulator.DEMO.client_id])
    assert code == 2
    assert_one_line_reason(err, "unreachable")


def test_refused_token_exits_2_without_the_secret(capsys, monkeypatch):
    monkeypatch.setenv("PBX_CLIENT_SECRET", "not-the-secret")
    with running_emulator() as server:
        code, out, err = run_cli(capsys, credentials(server))
    assert code == 2
    assert_one_line_reason(err, "refused", "--client-id")
    assert "not-the-secret" not in out + err


def test_refused_token_of_the_other_application_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("PBX_CLIENT_SECRET", local_emulator.DEMO.client_secret)
    monkeypatch.setenv("PBX_OTHER_CLIENT_ID", local_emulator.DEMO_OTHER.client_id)
    monkeypatch.setenv("PBX_OTHER_CLIENT_SECRET", "wrong")
    with running_emulator() as server:
        code, _, err = run_cli(capsys, credentials(server))
    assert code == 2
    assert_one_line_reason(err, "--other-client-id", "refused")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--base-url", "http://127.0.0.1:9" + contract.api_base_path()], ["--client-id"]),
        (["--client-id", "an-app", "--client-secret", "s"], ["--base-url"]),
        (["--base-url", "ftp://host/api", "--client-id", "a", "--client-secret", "s"], ["http"]),
        (["--max-examples", "many"], ["--max-examples"]),
        (["--max-examples", "0"], ["--max-examples"]),
        (["--phases", "examples,bogus"], ["--phases"]),
        (["--baseline", "/nonexistent/baseline.yaml"], ["--baseline"]),
        (["--other-client-id", "an-app"], ["--other-client-id"]),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, monkeypatch, argv, words):
    for name in ("PBX_BASE_URL", "PBX_CLIENT_ID", "PBX_CLIENT_SECRET", "PBX_OTHER_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run_cli(capsys, argv)
    assert code == 2
    assert_one_line_reason(err, *words)


def test_an_unknown_option_exits_2(capsys):
    code, _, err = run_cli(capsys, ["--no-such-option"])
    assert code == 2
    assert_one_line_reason(err, "--no-such-option")


def test_a_malformed_baseline_exits_2(capsys, tmp_path):
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("- check: content_type_conformance\n")  # no reason
    code, _, err = run_cli(capsys, ["--baseline", str(baseline)])
    assert code == 2
    assert_one_line_reason(err, "reason")


def test_options_come_from_environment_variables(capsys, monkeypatch, tmp_path):
    with running_emulator() as server:
        monkeypatch.setenv("PBX_BASE_URL", server.api_url)
        monkeypatch.setenv("PBX_TOKEN_URL", server.token_url)
        monkeypatch.setenv("PBX_CLIENT_ID", local_emulator.DEMO.client_id)
        monkeypatch.setenv("PBX_CLIENT_SECRET", local_emulator.DEMO.client_secret)
        monkeypatch.setenv("PBX_PHASES", "examples")
        monkeypatch.setenv("PBX_MAX_EXAMPLES", "2")
        monkeypatch.setenv("PBX_REPORT_DIR", str(tmp_path))
        code, out, _ = run_cli(capsys, [])
    assert code == 0, out
    assert server.api_url in (tmp_path / "report.json").read_text()


def test_with_no_server_named_it_tests_the_local_emulator(capsys, monkeypatch, tmp_path):
    for name in ("PBX_BASE_URL", "PBX_CLIENT_ID", "PBX_CLIENT_SECRET", "PBX_REPORT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, ["--phases", "examples", "--max-examples", "2"])
    assert code == 0, out
    assert "testing the local emulator" in out and "PASSED" in out
    # Without --report-dir no report is written, as its --help says; the snapshot still is, for `restore --from`.
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert written == [str(DEFAULT_SNAPSHOT_DIR / restore.SNAPSHOT_FILE)], written
    assert "reports:" not in out

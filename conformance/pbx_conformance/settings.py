"""What a run is asked to do: the command-line options, each also read from an environment variable."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from pbx_conformance.progress_display import MODES as PROGRESS_MODES
from pbx_kit import contract
from pbx_kit.command_line import add_version_option

PHASES = ("examples", "coverage", "fuzzing", "stateful")
ENV_PREFIX = "PBX_"
# Our decisions, since the provider documents none of these numbers: a few seconds per request; room for the
# ~800 requests of a default run and its restore; a gentle pace against a named server; a fifth of the hourly
# quota left to the client's real integrations.
DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_REQUESTS = 2000
DEFAULT_RATE = 10.0
DEFAULT_QUOTA_RESERVE = "20%"
# Where the snapshot goes without --report-dir: a run that writes always leaves one, for `restore --from`.
DEFAULT_SNAPSHOT_DIR = Path("reports") / "conformance"
# With --targets: the combined report and each target's own, without --report-dir; and how many targets at once
# (each is a process of its own, about 115 MB; the work is network-bound).
DEFAULT_FLEET_DIR = Path("reports") / "fleet"
DEFAULT_PARALLEL = 8


class UsageError(Exception):
    """Bad arguments: the run cannot start."""


@dataclass(frozen=True)
class Credentials:
    """An application's App ID and App Secret."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    base_url: str | None
    token_url: str | None
    main: Credentials | None
    other: Credentials | None
    readonly: Credentials | None
    report_dir: Path | None
    seed: int | None
    max_examples: int
    max_time: int | None
    phases: tuple[str, ...]
    baseline: Path | None
    no_writes: bool
    workers: int = 1
    # Ready tokens, for targets whose token endpoint the suite cannot reach: used instead of fetching one.
    token: str | None = field(default=None, repr=False)
    other_token: str | None = field(default=None, repr=False)
    readonly_token: str | None = field(default=None, repr=False)
    # Seconds any one request may take before it counts as unanswered.
    timeout: float = DEFAULT_TIMEOUT
    # Hard cap on every request the run sends, token requests and the restore included.
    max_requests: int = DEFAULT_MAX_REQUESTS
    # Requests per second at most; None: no limit (the local emulator).
    rate: float | None = None
    # Stop before X-RateLimit-Remaining falls below this: a share of X-RateLimit-Limit ("20%") or a count ("50").
    quota_reserve: str = DEFAULT_QUOTA_RESERVE
    # Undocumented response fields fail the run instead of being a warning.
    strict: bool = False
    # How the run shows its progress (progress_display.MODES); quiet: no progress, and of the summary only the verdict
    # (after what stopped a failing run).
    progress: str = "auto"
    quiet: bool = False

    @property
    def targets_emulator(self) -> bool:
        """Run with no server named: the suite starts the project's own emulator."""
        return self.base_url is None


# The help texts read the contract pbx-kit carries, not $PBX_SPEC: options are parsed before a --spec is checked.
_CARRIED = contract.DEFAULT_SPEC_PATH
# (option, environment variable, help). The variable is the option's name in capitals with PBX_ in front.
OPTIONS: list[tuple[str, dict[str, str]]] = [
    (
        "--base-url",
        {"help": f"the API's base URL, https://HOST{contract.api_base_path(_CARRIED)} (none: the local emulator)"},
    ),
    ("--spec", {"help": "the contract to hold the server to, an OpenAPI document (default: the one pbx-kit carries)"}),
    ("--client-id", {"help": 'App ID of an "All" application of the client under test'}),
    ("--client-secret", {"help": "its App Secret"}),
    (
        "--token-url",
        {
            "help": "the OAuth 2.0 token endpoint (default: "
            f"{contract.token_url('https://HOST' + contract.api_base_path(_CARRIED), _CARRIED)})"
        },
    ),
    ("--other-client-id", {"help": "App ID of an application of ANOTHER client, for the isolation checks"}),
    ("--other-client-secret", {"help": "its App Secret"}),
    ("--readonly-client-id", {"help": 'App ID of a "Call API" application of the same client'}),
    ("--readonly-client-secret", {"help": "its App Secret"}),
    ("--token", {"help": "a ready access token of the --client-id application, instead of fetching one"}),
    ("--other-token", {"help": "a ready access token of the --other-client-id application"}),
    ("--readonly-token", {"help": "a ready access token of the --readonly-client-id application"}),
    (
        "--report-dir",
        {
            "help": "write the snapshot, junit.xml, report.json and report.html here (default: no reports; "
            f"a run that writes still leaves its snapshot in {DEFAULT_SNAPSHOT_DIR})"
        },
    ),
    ("--seed", {"help": "seed of the generated cases (same seed, same server: same cases)"}),
    ("--max-examples", {"help": "cases per operation in the fuzzing and stateful phases (default 25)"}),
    ("--max-time", {"help": "seconds the schemathesis phases may take in all (default: no limit)"}),
    ("--phases", {"help": f"comma-separated schemathesis phases (default {','.join(PHASES)})"}),
    ("--baseline", {"help": "YAML file of accepted deviations (its format: docs/qa/baseline.md)"}),
    ("--timeout", {"help": f"seconds one request may take (default {DEFAULT_TIMEOUT:g})"}),
    ("--max-requests", {"help": f"most requests the run sends, all included (default {DEFAULT_MAX_REQUESTS})"}),
    ("--rate", {"help": f"most requests per second (default {DEFAULT_RATE:g} against --base-url, 0: no limit)"}),
    (
        "--quota-reserve",
        {
            "help": "stop before X-RateLimit-Remaining falls below N, or N%% of the limit "
            f"(default {DEFAULT_QUOTA_RESERVE.replace('%', '%%')})"
        },
    ),
]


def env_name(option: str) -> str:
    return ENV_PREFIX + option.removeprefix("--").replace("-", "_").upper()


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in UsageError: one line, exit code 2, like every other reason a run cannot happen."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def parser() -> argparse.ArgumentParser:
    root = _Parser(
        prog="pbx-conformance",
        description="Hold a server of the cloud PBX Client API to openapi.yaml.",
    )
    add_version_option(root, "pbx-conformance")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser(
        "run",
        help="run the conformance suite",
        description="Run the suite. Every option can also be given as the environment variable shown.",
    )
    for option, kwargs in OPTIONS:
        run.add_argument(option, default=None, help=f"{kwargs['help']} [{env_name(option)}]")
    run.add_argument(
        "--no-writes",
        action="store_true",
        default=None,
        help=f"send no PUT at all; the writing checks are reported skipped [{env_name('--no-writes')}]",
    )
    run.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help=f"fail on response fields the contract does not describe (default: a warning) [{env_name('--strict')}]",
    )
    run.add_argument(
        "--targets",
        default=None,
        metavar="FILE",
        help="test a fleet: every target the YAML file names, concurrently, into one combined report "
        f"(docs/qa/fleet.md) [{env_name('--targets')}]",
    )
    run.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help=f"with --targets: only the K-th of N slices of the file's targets (CI matrices) [{env_name('--shard')}]",
    )
    run.add_argument(
        "--parallel",
        default=None,
        metavar="N",
        help=f"with --targets: targets tested at once (default {DEFAULT_PARALLEL}) [{env_name('--parallel')}]",
    )
    run.add_argument(
        "--progress",
        default=None,
        help="how to show progress: auto (live on a terminal, a plain line every few seconds elsewhere), live, "
        f"plain, json (a JSON object a line, for programs), off [{env_name('--progress')}]",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        default=None,
        help=f"print only the verdict (and what stopped a failing run): no progress, no summary table (the reports "
        "are written as usual) "
        f"[{env_name('--quiet')}]",
    )
    restore = commands.add_parser(
        "restore",
        help="put back every client a run snapshotted (a run that was killed, a machine that died)",
        description="Put back every client whose snapshot a run wrote to its report folder. Idempotent.",
    )
    restore.add_argument("--from", dest="from_dir", required=True, help="the report folder of the run")
    for option, kwargs in OPTIONS:
        if option in RESTORE_OPTIONS:
            restore.add_argument(option, default=None, help=f"{kwargs['help']} [{env_name(option)}]")
    compare = commands.add_parser(
        "compare",
        help="what changed between two runs: newly failing, fixed, still failing, skipped, request cost",
        description="Compare two runs of the same contract, check by check and operation by operation: exit 1 "
        "when anything newly fails, 0 otherwise, 2 when a report cannot be read or the contracts differ.",
    )
    compare.add_argument("old", metavar="OLD", help="the earlier run: its report folder or report.json (or a fleet's)")
    compare.add_argument("new", metavar="NEW", help="the later run, likewise")
    compare.add_argument(
        "--baseline",
        default=None,
        help="YAML file of accepted deviations: a newly failing check it names is no regression",
    )
    compare.add_argument("--markdown", default=None, metavar="FILE", help="also write the Markdown here")
    compare.add_argument("--html", default=None, metavar="FILE", help="write a self-contained HTML page here")
    merge = commands.add_parser(
        "merge",
        help="combine the reports of a fleet's shards (run --targets FILE --shard K/N) into one",
        description="Combine the report folders of the shards of one targets file into the combined report a "
        "whole run would have written: exit 0 when every target conforms, 1 when one does not, 2 when one could "
        "not be tested (a shard not given included) or the folders are not shards of one file.",
    )
    merge.add_argument("shards", metavar="DIR", nargs="+", help="a shard's --report-dir")
    merge.add_argument(
        "--report-dir", default=None, help=f"where the combined report goes (default {DEFAULT_FLEET_DIR})"
    )
    merge.add_argument("--quiet", action="store_true", help="print only the verdict")
    return root


# What `restore` needs: where the server is (default: the snapshot's) and the identities that can write.
RESTORE_OPTIONS = {
    "--base-url",
    "--spec",
    "--token-url",
    "--client-id",
    "--client-secret",
    "--token",
    "--other-client-id",
    "--other-client-secret",
    "--other-token",
    "--timeout",
}


def _value(namespace: argparse.Namespace, option: str, environ: dict[str, str]) -> str | None:
    given = getattr(namespace, option.removeprefix("--").replace("-", "_"))
    if given is not None:
        return str(given)
    return environ.get(env_name(option)) or None


def option_value(namespace: argparse.Namespace, option: str, environ: dict[str, str]) -> str | None:
    """The option as given, else its environment variable, else None."""
    return _value(namespace, option, environ)


def option_flag(namespace: argparse.Namespace, option: str, environ: dict[str, str]) -> bool:
    return _flag(namespace, option, environ)


def integer(text: str | None, option: str, *, minimum: int) -> int | None:
    return _integer(text, option, minimum=minimum)


def _integer(text: str | None, option: str, *, minimum: int) -> int | None:
    if text is None:
        return None
    try:
        number = int(text)
    except ValueError:
        raise UsageError(f"{option} must be an integer, got {text!r}") from None
    if number < minimum:
        raise UsageError(f"{option} must be at least {minimum}, got {number}")
    return number


def _credentials(namespace: argparse.Namespace, environ: dict[str, str], prefix: str, what: str) -> Credentials | None:
    client_id = _value(namespace, f"--{prefix}client-id", environ)
    secret = _value(namespace, f"--{prefix}client-secret", environ)
    if client_id is None and secret is None:
        return None
    if client_id is None or secret is None:
        given, missing = ("id", "secret") if secret is None else ("secret", "id")
        raise UsageError(f"{what}: the client {given} is given but not the client {missing}")
    return Credentials(client_id, secret)


def _flag(namespace: argparse.Namespace, option: str, environ: dict[str, str]) -> bool:
    if getattr(namespace, option.removeprefix("--").replace("-", "_")):
        return True
    return environ.get(env_name(option), "").strip().lower() in {"1", "true", "yes", "on"}


def _number(text: str | None, option: str, *, minimum: float) -> float | None:
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise UsageError(f"{option} must be a number, got {text!r}") from None
    if number < minimum:
        raise UsageError(f"{option} must be at least {minimum:g}, got {text}")
    return number


def _quota_reserve(text: str | None) -> str:
    if text is None:
        return DEFAULT_QUOTA_RESERVE
    number = text.strip().removesuffix("%")
    if not number.isdigit() or (text.strip().endswith("%") and int(number) > 100):
        raise UsageError(f"--quota-reserve takes a count (50) or a share of the limit (20%), got {text!r}")
    return text.strip()


def settings_from(namespace: argparse.Namespace, environ: dict[str, str] | None = None) -> Settings:
    """The run's settings from parsed options, falling back to environment variables."""
    environ = dict(os.environ if environ is None else environ)
    for option in ("--shard", "--parallel"):
        if getattr(namespace, option.removeprefix("--"), None) is not None or environ.get(env_name(option)):
            raise UsageError(f"{option} goes with --targets (a fleet of servers)")
    base_url = _value(namespace, "--base-url", environ)
    main = _credentials(namespace, environ, "", "--client-id/--client-secret")
    token = _value(namespace, "--token", environ)
    if base_url is not None and main is None and token is None:
        raise UsageError("--client-id and --client-secret (or a ready --token) are required with --base-url")
    if base_url is None and (main is not None or token is not None):
        raise UsageError("--base-url is required with --client-id (leave both out to test the local emulator)")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url must be an http:// or https:// URL, got {base_url!r}")
    phases_text = _value(namespace, "--phases", environ)
    phases = tuple(p.strip() for p in phases_text.split(",") if p.strip()) if phases_text else PHASES
    unknown = [phase for phase in phases if phase not in PHASES]
    if unknown or not phases:
        raise UsageError(f"--phases takes a comma-separated subset of {','.join(PHASES)}, got {phases_text!r}")
    baseline = _value(namespace, "--baseline", environ)
    if baseline is not None and not Path(baseline).is_file():
        raise UsageError(f"--baseline: no such file {baseline!r}")
    report_dir = _value(namespace, "--report-dir", environ)
    return Settings(
        base_url=base_url.rstrip("/") if base_url else None,
        token_url=_value(namespace, "--token-url", environ),
        main=main,
        other=_credentials(namespace, environ, "other-", "--other-client-id/--other-client-secret"),
        readonly=_credentials(namespace, environ, "readonly-", "--readonly-client-id/--readonly-client-secret"),
        report_dir=Path(report_dir) if report_dir else None,
        seed=_integer(_value(namespace, "--seed", environ), "--seed", minimum=0),
        max_examples=_integer(_value(namespace, "--max-examples", environ), "--max-examples", minimum=1) or 25,
        max_time=_integer(_value(namespace, "--max-time", environ), "--max-time", minimum=1),
        phases=phases,
        baseline=Path(baseline) if baseline else None,
        no_writes=_flag(namespace, "--no-writes", environ),
        token=token,
        other_token=_value(namespace, "--other-token", environ),
        readonly_token=_value(namespace, "--readonly-token", environ),
        timeout=_number(_value(namespace, "--timeout", environ), "--timeout", minimum=0.1) or DEFAULT_TIMEOUT,
        max_requests=_integer(_value(namespace, "--max-requests", environ), "--max-requests", minimum=10)
        or DEFAULT_MAX_REQUESTS,
        rate=_rate(_value(namespace, "--rate", environ), against_emulator=base_url is None),
        quota_reserve=_quota_reserve(_value(namespace, "--quota-reserve", environ)),
        strict=_flag(namespace, "--strict", environ),
        progress=progress_mode(namespace, environ),
        quiet=_flag(namespace, "--quiet", environ),
    )


def progress_mode(namespace: argparse.Namespace, environ: dict[str, str]) -> str:
    mode = _value(namespace, "--progress", environ) or "auto"
    if mode not in PROGRESS_MODES:
        raise UsageError(f"--progress takes one of {', '.join(PROGRESS_MODES)}, got {mode!r}")
    return mode


def _rate(text: str | None, *, against_emulator: bool) -> float | None:
    rate = _number(text, "--rate", minimum=0)
    if rate is None:
        # The emulator the suite starts itself is nobody's production: no pace.
        return None if against_emulator else DEFAULT_RATE
    return rate or None


@dataclass(frozen=True)
class RestoreSettings:
    """What `pbx-conformance restore` is asked to do: put back the clients a run's snapshot holds."""

    from_dir: Path
    base_url: str | None
    token_url: str | None
    main: Credentials | None
    token: str | None = field(repr=False)
    other: Credentials | None
    other_token: str | None = field(repr=False)
    timeout: float


def restore_settings_from(namespace: argparse.Namespace, environ: dict[str, str] | None = None) -> RestoreSettings:
    environ = dict(os.environ if environ is None else environ)
    from_dir = Path(namespace.from_dir)
    if not from_dir.is_dir():
        raise UsageError(f"--from: no such folder {str(from_dir)!r} (the --report-dir of the run)")
    main = _credentials(namespace, environ, "", "--client-id/--client-secret")
    token = _value(namespace, "--token", environ)
    if main is None and token is None:
        raise UsageError("--client-id and --client-secret (or a ready --token) are needed to write the client back")
    base_url = _value(namespace, "--base-url", environ)
    return RestoreSettings(
        from_dir=from_dir,
        base_url=base_url.rstrip("/") if base_url else None,
        token_url=_value(namespace, "--token-url", environ),
        main=main,
        token=token,
        other=_credentials(namespace, environ, "other-", "--other-client-id/--other-client-secret"),
        other_token=_value(namespace, "--other-token", environ),
        timeout=_number(_value(namespace, "--timeout", environ), "--timeout", minimum=0.1) or DEFAULT_TIMEOUT,
    )

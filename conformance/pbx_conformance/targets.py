"""The targets file of `pbx-conformance run --targets FILE`, and each target's run as the fleet will start it.

    targets:
      - name: staging                      # the simplest entry: credentials from the usual PBX_* variables
        base_url: https://staging.pbx.example.com/api/ver1.0
      - name: brand-b
        base_url: https://pbx.brand-b.example/api/ver1.0
        token_url: https://auth.brand-b.example/oauth/token
        credentials:                       # NAMES of environment variables, never a secret
          client_id: BRAND_B_CLIENT_ID
          client_secret: BRAND_B_CLIENT_SECRET
        max_requests: 800                  # its own budget, pace and quota reserve
        rate: 5
        quota_reserve: 30%

Everything is checked before any request is sent: a file that cannot be read, an unknown key, a duplicate name, a
variable named but not set, or an option a target's run would refuse is one line and exit 2. Each target's run is
checked by the very settings_from() its own process will apply.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pbx_conformance.settings import (
    DEFAULT_FLEET_DIR,
    DEFAULT_PARALLEL,
    OPTIONS,
    Settings,
    UsageError,
    env_name,
    integer,
    option_flag,
    option_value,
    parser,
    progress_mode,
    settings_from,
)

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Upper case, as environment variables are named: a value that is not such a name is refused rather than looked up
# (and never echoed), so a secret pasted into the file is not printed back.
VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")
SHARD = re.compile(r"(\d+)/(\d+)")

# What a target says about where it is and who it is, and the suite's option each key stands for.
WHERE = {"base_url": "--base-url", "token_url": "--token-url"}
CREDENTIAL_OPTIONS = tuple(
    option for option, _ in OPTIONS if option.endswith(("-id", "-secret", "-token")) or option == "--token"
)
CREDENTIALS = {option.removeprefix("--").replace("-", "_"): option for option in CREDENTIAL_OPTIONS}
# A target's own budget, pace, quota reserve, timeout and baseline (each as the run's option of that name).
PER_TARGET = {
    key: f"--{key.replace('_', '-')}" for key in ("max_requests", "rate", "quota_reserve", "timeout", "baseline")
}
TARGET_KEYS = {"name", *WHERE, "credentials", "no_writes", *PER_TARGET}
# Options the fleet passes to every target's run as the command line or the environment gave them.
FLEET_WIDE = tuple(
    option
    for option, _ in OPTIONS
    if option not in (*WHERE.values(), *CREDENTIAL_OPTIONS, "--report-dir") and option != "--seed"
)
# Every variable the suite reads: a target's process gets only those the fleet sets for it.
SUITE_VARIABLES = {env_name(option) for option, _ in OPTIONS} | {
    env_name(flag)
    for flag in ("--no-writes", "--strict", "--progress", "--quiet", "--targets", "--shard", "--parallel")
}


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    # Its place in the file, from 1: what --shard slices by.
    position: int
    token_url: str | None = None
    # The suite's option ("--client-secret") -> the NAME of the environment variable holding its value.
    credentials: dict[str, str] = field(default_factory=dict)
    # The suite's option ("--rate") -> its value for this target.
    options: dict[str, str] = field(default_factory=dict)
    no_writes: bool | None = None


@dataclass(frozen=True)
class TargetsFile:
    path: Path
    sha256: str
    targets: list[Target]


@dataclass(frozen=True)
class TargetRun:
    """One target's run as its process is started: the arguments, the environment (with its secrets), the settings
    they make."""

    target: Target
    argv: list[str]
    environment: dict[str, str] = field(repr=False)
    settings: Settings


@dataclass(frozen=True)
class FleetSettings:
    targets_file: TargetsFile
    shard: tuple[int, int] | None
    parallel: int
    report_dir: Path
    seed: int
    progress: str
    quiet: bool
    runs: list[TargetRun]


def load(path: Path) -> TargetsFile:
    """The targets file, checked; UsageError, one line naming the file and the entry, if anything is wrong."""
    try:
        text = path.read_bytes()
        data = yaml.safe_load(text)
    except OSError as error:
        raise UsageError(f"--targets {path}: cannot read it ({error.strerror or type(error).__name__})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UsageError(f"--targets {path}: not valid YAML{where}") from None
    if not isinstance(data, dict) or set(data) != {"targets"}:
        raise UsageError(f"--targets {path}: expected a mapping with one key, `targets:`, a list of targets")
    entries = data["targets"]
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"--targets {path}: `targets:` must be a list of at least one target")
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries, 1):
        target = _target(path, position, entry)
        folded = target.name.lower()
        if folded in seen:
            raise UsageError(
                f"--targets {path}: entry {position}: duplicate target name {target.name!r} (entry {seen[folded]})"
            )
        seen[folded] = position
        targets.append(target)
    return TargetsFile(path, hashlib.sha256(text).hexdigest(), targets)


def _target(path: Path, position: int, entry: Any) -> Target:
    where = f"--targets {path}: entry {position}"
    if not isinstance(entry, dict):
        raise UsageError(f"{where}: expected a mapping with at least `name` and `base_url`")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise UsageError(f"{where}: `name` must be letters, digits, '.', '_' or '-' (a folder's name), got {name!r}")
    where = f"--targets {path}: target {name}"
    unknown = sorted(set(entry) - TARGET_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown keys {unknown} (known: {', '.join(sorted(TARGET_KEYS))})")
    for key in WHERE:
        if key in entry and not isinstance(entry[key], str):
            raise UsageError(f"{where}: `{key}` must be a URL")
    if not isinstance(entry.get("base_url"), str):
        raise UsageError(f"{where}: `base_url` is required (https://HOST/api/ver1.0)")
    credentials = entry.get("credentials") or {}
    if not isinstance(credentials, dict):
        raise UsageError(f"{where}: `credentials` must map {', '.join(CREDENTIALS)} to environment variables' names")
    for key, variable in credentials.items():
        if key not in CREDENTIALS:
            raise UsageError(f"{where}: credentials: unknown key {key!r} (known: {', '.join(CREDENTIALS)})")
        if not isinstance(variable, str) or not VARIABLE.fullmatch(variable):
            raise UsageError(
                f"{where}: credentials.{key} must be the NAME of an environment variable (capitals, digits, '_'), "
                "never a value"
            )
    options = {}
    for key, option in PER_TARGET.items():
        if key in entry:
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise UsageError(f"{where}: `{key}` must be a number or text, got {value!r}")
            options[option] = str(value)
    if "baseline" in options:  # relative to the targets file, as a reader of the file expects
        options["--baseline"] = str((path.parent / options["--baseline"]).resolve())
    no_writes = entry.get("no_writes")
    if no_writes is not None and not isinstance(no_writes, bool):
        raise UsageError(f"{where}: `no_writes` must be true or false")
    return Target(
        name=name,
        base_url=entry["base_url"],
        position=position,
        token_url=entry.get("token_url"),
        credentials={CREDENTIALS[key]: variable for key, variable in credentials.items()},
        options=options,
        no_writes=no_writes,
    )


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    found = SHARD.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N (the K-th of N slices), got {text!r}")
    return int(found.group(1)), int(found.group(2))


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Target 1 goes to slice 1, target 2 to slice 2, ..., target N+1 to slice 1 again: by place in the file."""
    return shard is None or (target.position - 1) % shard[1] == shard[0] - 1


def fleet_settings_from(namespace: argparse.Namespace, environ: dict[str, str] | None = None) -> FleetSettings:
    """A fleet run's settings: the targets file, the slice of it, and every target's run, checked."""
    environ = dict(os.environ if environ is None else environ)
    for option in (*WHERE.values(), *CREDENTIAL_OPTIONS):
        if getattr(namespace, option.removeprefix("--").replace("-", "_")) is not None:
            raise UsageError(
                f"{option} cannot be given with --targets: each target names its own base_url, token_url and "
                "credentials in the file (or takes the PBX_* variables)"
            )
    targets_file = load(Path(str(option_value(namespace, "--targets", environ))))
    shard = parse_shard(option_value(namespace, "--shard", environ))
    parallel = integer(option_value(namespace, "--parallel", environ), "--parallel", minimum=1) or DEFAULT_PARALLEL
    report_dir = Path(option_value(namespace, "--report-dir", environ) or DEFAULT_FLEET_DIR)
    seed = integer(option_value(namespace, "--seed", environ), "--seed", minimum=0)
    # One seed for every target, so that each is sent the same cases (and the combined report has one seed).
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    fleet_wide = []
    for option in FLEET_WIDE:
        value = option_value(namespace, option, environ)
        if value is not None:
            fleet_wide += [option, value]
    no_writes, strict = option_flag(namespace, "--no-writes", environ), option_flag(namespace, "--strict", environ)
    runs = []
    for target in targets_file.targets:
        if not in_shard(target, shard):
            continue
        argv = ["run", "--base-url", target.base_url, "--seed", str(seed), *fleet_wide]
        argv += ["--report-dir", str(report_dir / "targets" / target.name), "--progress", "json"]
        if target.token_url:
            argv += ["--token-url", target.token_url]
        for option, value in target.options.items():
            argv += [option, value]
        if target.no_writes if target.no_writes is not None else no_writes:
            argv.append("--no-writes")
        if strict:
            argv.append("--strict")
        environment = _environment(targets_file.path, target, environ)
        try:
            settings = settings_from(parser().parse_args(argv), environ=environment)
        except UsageError as error:
            raise UsageError(f"--targets {targets_file.path}: target {target.name}: {error}") from None
        runs.append(TargetRun(target, argv, environment, settings))
    return FleetSettings(
        targets_file=targets_file,
        shard=shard,
        parallel=parallel,
        report_dir=report_dir,
        seed=seed,
        progress="off" if option_flag(namespace, "--quiet", environ) else progress_mode(namespace, environ),
        quiet=option_flag(namespace, "--quiet", environ),
        runs=runs,
    )


def _environment(path: Path, target: Target, environ: dict[str, str]) -> dict[str, str]:
    """The target's process's environment: the suite's variables only as the fleet sets them, the credentials from
    the variables the target names, or, when it names none, from the usual PBX_* ones."""
    environment = {name: value for name, value in environ.items() if name not in SUITE_VARIABLES}
    if not target.credentials:
        for option in CREDENTIAL_OPTIONS:
            if env_name(option) in environ:
                environment[env_name(option)] = environ[env_name(option)]
        return environment
    for option, variable in target.credentials.items():
        if not environ.get(variable):
            key = option.removeprefix("--").replace("-", "_")
            raise UsageError(
                f"--targets {path}: target {target.name}: credentials.{key} names {variable}, which is not set"
            )
        environment[env_name(option)] = environ[variable]
    return environment

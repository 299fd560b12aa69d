"""Every command's options, read from its own argparse parser, and every make target from the Makefiles.

The commands are the console scripts installed for this repository (`pbx-*` entry points, so a new command
appears here by being declared). Each is asked for its parser the way a user's shell would reach it: its `main`
is called with no arguments while `ArgumentParser.parse_args` is replaced for the length of the call by one that
hands the parser back instead of parsing, so no command needs a parser factory of its own.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from unittest import mock

from pbx_docs.markdown import GENERATED_NOTE, code, table

PREFIX = "pbx-"
ROOT = Path(__file__).resolve().parents[2]


class _Captured(BaseException):
    """Carries the parser out of `main` (a BaseException, so a command's own `except Exception` lets it pass)."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__(parser.prog)
        self.parser = parser


def _capture(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
    raise _Captured(self)


@dataclass(frozen=True)
class Command:
    name: str
    target: str  # module:function
    parser: argparse.ArgumentParser


def commands() -> list[Command]:
    found = []
    # One row per command: a name that two distributions declare is a stale install beside the current one.
    points = {point.name: point for point in entry_points(group="console_scripts") if point.name.startswith(PREFIX)}
    for point in sorted(points.values(), key=lambda point: point.name):
        main = point.load()
        with mock.patch.object(argparse.ArgumentParser, "parse_args", _capture):
            try:
                main([])
            except _Captured as captured:
                found.append(Command(point.name, point.value, captured.parser))
                continue
        raise RuntimeError(f"{point.name} ({point.value}) parsed no arguments with argparse")
    return found


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    return str(parser._get_formatter()._expand_help(action))


def _default(action: argparse.Action) -> str:
    if action.required:
        return "required"
    if action.default in (None, False, [], argparse.SUPPRESS) or isinstance(action, argparse._StoreTrueAction):
        return ""
    shown = str(action.default)
    if Path(shown).is_absolute() and Path(shown).resolve().is_relative_to(ROOT):
        # A path in the checkout the command runs from: shown relative to it, the same in every clone.
        shown = Path(shown).resolve().relative_to(ROOT).as_posix() or "."
    return code(shown)


def _usage(action: argparse.Action) -> str:
    if not action.option_strings:
        name = action.metavar or action.dest
        return code(f"{name} ..." if action.nargs in ("+", "*") else str(name))
    names = ", ".join(action.option_strings)
    if action.nargs == 0:
        return code(names)
    metavar = action.metavar or action.dest.upper()
    return code(f"{names} {metavar}")


def _options_table(parser: argparse.ArgumentParser) -> str | None:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        meaning = _help(parser, action)
        if action.choices and not isinstance(action, argparse._SubParsersAction):
            meaning += f" (one of: {', '.join(code(str(choice)) for choice in action.choices)})"
        rows.append((_usage(action), _default(action), meaning))
    return table(("option", "default", "meaning"), rows) if rows else None


def _sections(prog: str, parser: argparse.ArgumentParser, help_text: str, depth: int) -> list[str]:
    lines = [f"{'#' * depth} `{prog}`", ""]
    description = parser.description or help_text
    if description:
        lines += [" ".join(description.split()), ""]
    options = _options_table(parser)
    if options:
        lines += [options, ""]
    subs = list(_subcommands(parser))
    if subs:
        lines += [f"Commands: {', '.join(code(f'{prog} {name}') for name, _, _ in subs)}.", ""]
    for name, sub_help, sub in subs:
        lines += _sections(f"{prog} {name}", sub, sub_help, min(depth + 1, 4))
    return lines


def commands_page() -> str:
    found = commands()
    lines = [
        GENERATED_NOTE,
        "",
        "# Commands",
        "",
        "Every command's options as its own parser declares them (what `--help` prints). The environment "
        "variables some options fall back to are on [their own page](environment.md).",
        "",
        table(("command", "entry point"), ((code(c.name), code(c.target)) for c in found)),
        "",
    ]
    for command in found:
        lines += _sections(command.name, command.parser, "", 2)
    lines += ["## make targets", "", "Every target with a purpose, as `make help` lists them:", "", make_targets(), ""]
    return "\n".join(lines)


TARGET = re.compile(r"^([a-zA-Z0-9_-]+):.*## (.*)$")


def make_targets(root: Path | None = None) -> str:
    root = root or ROOT
    rows = []
    for makefile in [root / "Makefile", *sorted((root / "mk").glob("*.mk"))]:
        for line in makefile.read_text(encoding="utf-8").splitlines():
            match = TARGET.match(line)
            if match:
                rows.append(
                    (code(f"make {match.group(1)}"), match.group(2), code(makefile.relative_to(root).as_posix()))
                )
    return table(("target", "what it does", "defined in"), rows)

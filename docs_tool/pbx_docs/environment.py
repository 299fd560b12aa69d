"""Every environment variable a piece reads, from where it reads it.

- the commands' options that fall back to a variable: their help ends in `[PBX_NAME]` (the suite's convention,
  written by `pbx_conformance.settings`), read from each command's own parser (see `commands`);
- the SDK's: `pbx_api.client.ENVIRONMENT`, the variables a client made without arguments reads;
- the reference's samples: the variables `pbx_kit.reference`'s own documentation lists;
- the pieces' own: every `os.environ.get("NAME")` in their code, its meaning from the module's `# NAME: ...` comment;
- the benchmarks': every `os.environ.get("NAME", default)` in bench/*/*.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pbx_api.client
from pbx_docs.commands import _help, _subcommands, commands
from pbx_docs.markdown import GENERATED_NOTE, code, table
from pbx_kit import reference

ROOT = Path(__file__).resolve().parents[2]
OPTION_VARIABLE = re.compile(r"\s*\[(PBX_[A-Z0-9_]+)(?:=1)?\]$")
# The pieces whose code may read a variable of its own, beside its options' [PBX_NAME].
PIECES = (
    "kit/pbx_kit",
    "emulator/pbx_emulator",
    "conformance/pbx_conformance",
    "generator/pbx_generator",
    "spec_tools/pbx_spec",
)
DOCUMENTED_VARIABLE = re.compile(r"^\s+(PBX_[A-Z0-9_]+)\s+(.+)$", re.MULTILINE)

# What each of the SDK's variables holds. The drift test fails when pbx_api.client.ENVIRONMENT names a variable
# missing here, or this names one it does not read.
SDK: dict[str, str] = {
    "PBX_HOSTNAME": "the provider's host name, such as `pbx.example.com` (the API is then `https://HOST/api/ver1.0`)",
    "PBX_BASE_URL": "instead of PBX_HOSTNAME: the API's full base URL, such as `http://127.0.0.1:8000/api/ver1.0`",
    "PBX_APP_ID": "the application's App ID",
    "PBX_APP_SECRET": "its App Secret",
}


def command_variables() -> list[tuple[str, str, str]]:
    rows = []
    for command in commands():
        stack = [(command.name, command.parser)]
        while stack:
            prog, parser = stack.pop(0)
            stack += [(f"{prog} {name}", sub) for name, _, sub in _subcommands(parser)]
            for action in parser._actions:
                match = OPTION_VARIABLE.search(_help(parser, action))
                if match and action.option_strings:
                    meaning = OPTION_VARIABLE.sub("", _help(parser, action))
                    rows.append((match.group(1), f"{prog} {action.option_strings[-1]}", meaning))
    merged: dict[str, tuple[list[str], str]] = {}
    for variable, where, meaning in rows:
        merged.setdefault(variable, ([], meaning))[0].append(where)
    return [(variable, ", ".join(code(w) for w in wheres), meaning) for variable, (wheres, meaning) in merged.items()]


def sdk_variables() -> list[tuple[str, str, str]]:
    if set(SDK) != set(pbx_api.client.ENVIRONMENT):
        raise RuntimeError(f"pbx_docs.environment.SDK names {sorted(SDK)}; the SDK reads {pbx_api.client.ENVIRONMENT}")
    return [
        (name, "`pbx_api.PbxClient()`, `pbx_api.AsyncPbxClient()`", SDK[name]) for name in pbx_api.client.ENVIRONMENT
    ]


def reference_variables() -> list[tuple[str, str, str]]:
    found = DOCUMENTED_VARIABLE.findall(reference.__doc__ or "")
    return [(name, "the reference's cURL and Python samples", meaning) for name, meaning in found]


def _environment_reads(source: str) -> list[tuple[str, ast.Call]]:
    """Every `os.environ.get("NAME", ...)` (or `os.getenv`) of a module, with NAME written out: (NAME, the call)."""
    return [
        (str(node.args[0].value), node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"get", "getenv"}
        and "environ" in ast.unparse(node.func.value) + node.func.attr
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def piece_variables() -> list[tuple[str, str, str]]:
    rows = []
    for module in sorted(path for piece in PIECES for path in (ROOT / piece).rglob("*.py")):
        source = module.read_text(encoding="utf-8")
        for name, _ in _environment_reads(source):
            said = re.search(rf"^\s*# {re.escape(name)}: (.+(?:\n\s*# (?![A-Z_]+: ).+)*)", source, re.MULTILINE)
            if said is None:
                raise RuntimeError(f"{module.relative_to(ROOT)} reads ${name} without a `# {name}: ...` comment")
            meaning = " ".join(line.strip().lstrip("# ").strip() for line in said.group(1).splitlines())
            rows.append((name, code(module.relative_to(ROOT).as_posix()), meaning))
    return rows


def bench_variables() -> list[tuple[str, str, str]]:
    rows = []
    for script in sorted(ROOT.glob("bench/*/*.py")):
        for name, node in _environment_reads(script.read_text(encoding="utf-8")):
            default = ast.unparse(node.args[1]) if len(node.args) > 1 else "none"
            rows.append((name, code(script.relative_to(ROOT).as_posix()), f"default {default}"))
    return rows


def environment_page() -> str:
    def rows(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        return [(code(name), where, meaning) for name, where, meaning in found]

    header = ("variable", "read by", "meaning")
    return "\n".join(
        [
            GENERATED_NOTE,
            "",
            "# Environment variables",
            "",
            "Every variable a piece of the kit reads. An option given on the command line wins over its variable; "
            "secrets are best given as variables, which keeps them out of shell history and `ps`.",
            "",
            "## The commands",
            "",
            table(header, rows(command_variables())),
            "",
            "## The pieces' own",
            "",
            "Read by a piece's code beside its options.",
            "",
            table(header, rows(piece_variables())),
            "",
            "## The SDK",
            "",
            "Read by a client made without arguments; arguments given win ([configuration](../sdk/configuration.md)).",
            "",
            table(header, rows(sdk_variables())),
            "",
            "## The reference's samples",
            "",
            "Read by every cURL and Python sample of the [rendered reference](../reviewers/reference.md).",
            "",
            table(header, rows(reference_variables())),
            "",
            "## The benchmarks",
            "",
            table(header, rows(bench_variables())),
            "",
        ]
    )

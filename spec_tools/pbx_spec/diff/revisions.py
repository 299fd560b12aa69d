"""A revision of the contract to compare: a file, or a git revision of openapi.yaml (`HEAD~1`, a tag, a commit).

Each revision keeps its text as well as its parsed document, so a change can be shown with the line it is on.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pbx_kit.contract import ROOT
from pbx_kit.document import escape

# libyaml's parser when PyYAML has it: a revision is parsed twice (values, and nodes for the lines).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CannotCompare(Exception):
    """The two revisions could not be compared (exit 2); the message says why, in one line."""


@dataclass(frozen=True)
class Revision:
    label: str
    text: str
    document: Mapping[str, Any]
    _lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line(self, pointer: str) -> int | None:
        """The 1-based line of the node at `pointer` (an RFC 6901 JSON pointer), or of its nearest parent."""
        if not self._lines:
            self._lines.update(_line_index(self.text))
        while True:
            if pointer in self._lines:
                return self._lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def load_revision(name: str, spec_in_repo: str = "openapi.yaml", repo: Path = ROOT) -> Revision:
    """`name` is a path to an OpenAPI document or a git revision whose `spec_in_repo` is read with `git show`."""
    path = Path(name)
    if path.is_file():
        resolved = path.resolve()
        label = str(resolved.relative_to(repo)) if resolved.is_relative_to(repo) else name
        return parse_revision(label, path.read_text(encoding="utf-8"))
    if path.suffix in {".yaml", ".yml", ".json"}:
        raise CannotCompare(f"{name}: no such file")
    return parse_revision(f"{name}:{spec_in_repo}", _git_show(name, spec_in_repo, repo))


def _git_show(revision: str, spec_in_repo: str, repo: Path) -> str:
    if revision.startswith("-"):
        raise CannotCompare(f"{revision}: not a file nor a git revision")
    try:
        result = subprocess.run(
            ["git", "show", f"{revision}:{spec_in_repo}"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CannotCompare(f"{revision}: git could not be run ({error})") from error
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise CannotCompare(f"{revision}: not a file, and git cannot read {spec_in_repo} at that revision ({reason})")
    return result.stdout


def parse_revision(label: str, text: str) -> Revision:
    try:
        document = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise CannotCompare(f"{label}: not YAML ({_first_line(error)})") from error
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise CannotCompare(f"{label}: not an OpenAPI document (no `paths` object)")
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        raise CannotCompare(f"{label}: not an OpenAPI 3 document (openapi: {version or 'missing'})")
    return Revision(label, text, document)


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _line_index(text: str) -> dict[str, int]:
    """Every node's JSON pointer and the line it starts on (a mapping value's line is its key's line)."""
    lines: dict[str, int] = {}
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, pointer: str, line: int) -> None:
        lines[pointer] = line
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{pointer}/{escape(str(key.value))}", key.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{pointer}/{index}", item.start_mark.line + 1)

    if root is not None:
        walk(root, "", root.start_mark.line + 1)
    return lines

"""A release of one of the kit's tools in a checkout: its version bumped where it is kept, a CHANGELOG.md section,
and every pinned install command the README, the docs and the examples show moved to the new version.

Each tool's version is kept in one place, its folder's pyproject.toml (`version = "1.0.0"`); the installed tools
read it back from their metadata (`--version`). pbx-api is not one of them: its version is generator/sdk-version,
which `release` (pbx_spec.release) sets from the change report. A major bump also moves the range by which the
other distributions depend on the bumped one (`pbx-kit>=1.0,<2` -> `pbx-kit>=2.0,<3`).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pbx_spec.diff.revisions import CannotCompare
from pbx_spec.release import CHANGELOG_HEADER, Layout, bumped, parse_version, shown

SDK_DISTRIBUTION = "pbx-api"
PARTS = ("major", "minor", "patch")
# The classifier every index refuses: a project of the checkout only (docs_tool/), no tool to release.
PRIVATE = "Private :: Do Not Upload"
# Where a user reads an install command with a pinned version: moved to the new version by a release.
PINNED_TEXTS = ("README.md", "docs/**/*.md", "examples/**/*", "*/README.md")


@dataclass(frozen=True)
class Tool:
    """A distribution of the checkout: its name, its folder, and the version its pyproject.toml gives."""

    name: str
    folder: Path
    version: str

    @property
    def pyproject(self) -> Path:
        return self.folder / "pyproject.toml"


def tools(root: Path) -> dict[str, Tool]:
    """Every distribution of the checkout at `root`: each top-level folder whose pyproject.toml names a project that
    may be uploaded."""
    found = {}
    for pyproject in sorted(root.glob("*/pyproject.toml")):
        with open(pyproject, "rb") as handle:
            project = tomllib.load(handle).get("project", {})
        if "name" in project and "version" in project and PRIVATE not in project.get("classifiers", ()):
            found[project["name"]] = Tool(project["name"], pyproject.parent, project["version"])
    return found


def release_tool(
    layout: Layout, name: str, part: str, notes: Sequence[str], *, today: datetime.date | None = None
) -> tuple[str, str]:
    """Bump tool `name` by `part` and record it; the old and the new version. CannotCompare (one line) when it
    cannot be done; nothing is written then."""
    known = tools(layout.root)
    if name == SDK_DISTRIBUTION:
        raise CannotCompare(f"{name}'s version is generator/sdk-version, set by `make release` from the change report")
    if name not in known:
        raise CannotCompare(f"{name}: not a distribution of {layout.root} (known: {', '.join(sorted(known))})")
    if part not in PARTS:
        raise CannotCompare(f"{part}: not one of {', '.join(PARTS)}")
    if not [note for note in notes if note.strip()]:
        raise CannotCompare("a release says what changed: give at least one --note")
    tool = known[name]
    old = parse_version(tool.version, str(tool.pyproject))
    new = shown(bumped(old, part))
    writes = {tool.pyproject: _with_version(tool.pyproject.read_text(encoding="utf-8"), tool.version, new)}
    if part == "major":
        for other in known.values():
            text = writes.get(other.pyproject) or other.pyproject.read_text(encoding="utf-8")
            moved = _with_major_range(text, name, bumped(old, part)[0])
            if moved != text:
                writes[other.pyproject] = moved
    writes.update(pins_moved(layout.root, name, tool.version, new))
    date = (today or datetime.date.today()).isoformat()
    writes[layout.changelog] = _with_section(layout, f"{name} {new} ({date})", notes)
    for path, text in writes.items():  # everything was made before anything is written
        path.write_text(text, encoding="utf-8")
    return tool.version, new


def pins_moved(root: Path, name: str, old: str, new: str) -> dict[Path, str]:
    """The README, docs and examples whose pinned install commands of `name` name `old`, as they read with `new`."""
    moved = {}
    for path in _pinned_texts(root):
        text = path.read_text(encoding="utf-8")
        if (changed := _with_pins(text, name, old, new)) != text:
            moved[path] = changed
    return moved


def _with_version(text: str, old: str, new: str) -> str:
    pattern = re.compile(rf'^version = "{re.escape(old)}"$', re.M)
    if len(pattern.findall(text)) != 1:
        raise CannotCompare(f'expected one line `version = "{old}"` in the pyproject.toml')
    return pattern.sub(f'version = "{new}"', text)


def _with_major_range(text: str, name: str, major: int) -> str:
    """`name>=X.Y,<Z` in a dependency list as `name>=major.0,<major+1`, extras kept."""
    pattern = re.compile(rf'"{re.escape(name)}(\[[^\]]*\])?>=[^",]+,<[^",;]+')
    return pattern.sub(lambda match: f'"{name}{match.group(1) or ""}>={major}.0,<{major + 1}', text)


def _with_pins(text: str, name: str, old: str, new: str) -> str:
    """`name==old` (with or without extras) as the new version, and the forms that name a version: the heading's
    `name old`, the README's table `` `name` old `` and the install page's table `` | `name` | old | ``."""
    pinned = re.compile(rf"(?<![\w-]){re.escape(name)}(\[[^\]]*\])?=={re.escape(old)}(?![\w.])")
    text = pinned.sub(lambda match: f"{name}{match.group(1) or ''}=={new}", text)
    named = re.compile(rf"(?<![\w-]){re.escape(name)}(?:`?(?: +| *\| *))`?{re.escape(old)}(?![\w.])")
    return named.sub(lambda match: match.group(0)[: -len(old)] + new, text)


def _pinned_texts(root: Path) -> Iterator[Path]:
    seen = set()
    for pattern in PINNED_TEXTS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and path not in seen and "node_modules" not in path.parts:
                seen.add(path)
                yield path


def _with_section(layout: Layout, title: str, notes: Sequence[str]) -> str:
    old = layout.changelog.read_text(encoding="utf-8") if layout.changelog.exists() else CHANGELOG_HEADER
    head, _, rest = old.partition("\n## ")
    entry = f"## {title}\n\n" + "".join(f"- {note.strip()}\n" for note in notes if note.strip())
    return f"{head.rstrip()}\n\n{entry}" + (f"\n## {rest}" if rest else "")

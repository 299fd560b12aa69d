"""The drift check: is what generated/ holds exactly what a fresh generation writes? If not, a short diff."""

from __future__ import annotations

import difflib
import filecmp
from pathlib import Path

from pbx_generator.distribution import DISTRIBUTION_FILES
from pbx_generator.generation import IGNORED, PACKAGE

DIFF_LINES = 40
COMMITTED = f"generated/{PACKAGE}"  # how the committed package is named in the diff, wherever it is checked


def check(fresh: Path, committed: Path, spec_sha256: str = "") -> int:
    """0 when `committed` holds exactly the files of `fresh`; else a short diff and what to do."""
    differences = _differences(fresh, committed)
    if not differences:
        made_from = f" (spec sha256 {spec_sha256})" if spec_sha256 else ""
        print(f"{shown(committed)} is up to date{made_from}")
        return 0
    printed = 0
    for relative in differences:
        if printed >= DIFF_LINES:
            break
        if not (fresh / relative).is_file():
            diff = [f"only in {COMMITTED} (not generated any more): {relative}"]
        elif not (committed / relative).is_file():
            diff = [f"missing from {COMMITTED}: {relative}"]
        else:
            old, new = _lines(committed / relative), _lines(fresh / relative)
            diff = list(difflib.unified_diff(old, new, f"{COMMITTED}/{relative}", f"regenerated/{relative}"))
        for line in diff[: DIFF_LINES - printed]:
            print(line.rstrip("\n"))
        printed += len(diff)
    if printed >= DIFF_LINES:
        print("... (diff cut short)")
    print(
        f"\n{COMMITTED} differs from what openapi.yaml, overlays/ and generator/ produce "
        f"({len(differences)} file(s)). Run `make generate` and commit the result."
    )
    return 1


def check_distribution(fresh: Path, committed: Path) -> int:
    """0 when the committed pyproject.toml, README.md and LICENSE are what generation writes; else name them."""
    stale = [
        name
        for name in DISTRIBUTION_FILES
        if (fresh / name).is_file() != (committed / name).is_file()
        or ((fresh / name).is_file() and not filecmp.cmp(fresh / name, committed / name, shallow=False))
    ]
    if stale:
        print(f"generated/{', generated/'.join(stale)} differ from what generation writes; run `make generate`.")
        for name in stale:
            print(_diff(committed / name, fresh / name, f"generated/{name}"), end="")
        return 1
    return 0


def _diff(committed: Path, fresh: Path, label: str) -> str:
    """What generation would change in a committed file, as a unified diff (an absent file reads as empty)."""
    old, new = _lines(committed), _lines(fresh)
    return "".join(difflib.unified_diff(old, new, f"{label} (committed)", f"{label} (generated)"))


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it is under it."""
    resolved = path.resolve()
    return str(resolved.relative_to(Path.cwd())) if resolved.is_relative_to(Path.cwd()) else str(path)


def _differences(fresh: Path, committed: Path) -> list[str]:
    names = set(_files(fresh)) | set(_files(committed))
    return sorted(
        name
        for name in names
        if not ((fresh / name).is_file() and (committed / name).is_file())
        or not filecmp.cmp(fresh / name, committed / name, shallow=False)
    )


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(folder).parts)
    ]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []

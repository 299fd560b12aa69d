"""What `python -m pbx_docs write` writes: whole pages, and blocks inside hand-written pages.

A block sits between `<!-- pbx-docs:begin NAME -->` and `<!-- pbx-docs:end NAME -->` in any page under docs/;
its text is BLOCKS[NAME](). A page whose text is wholly generated is a key of `whole_pages()` (its path under
docs/). Everything else under docs/ is hand-written and left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pbx_docs import checks, commands, decisions, emulator, environment, faults, sdk

DOCS = Path(__file__).resolve().parents[2] / "docs"

BLOCKS: dict[str, Callable[[], str]] = {
    "decision-table": decisions.decision_block,
    "fault-table": faults.fault_table,
    "demo-credentials": emulator.demo_credentials,
    "sdk-errors": sdk.error_table,
    "sdk-retry-defaults": sdk.retry_table,
    "sdk-options": sdk.options_table,
    "make-targets": commands.make_targets,
}
BLOCK = re.compile(r"(<!-- pbx-docs:begin ([a-z0-9-]+) -->\n)(.*?)(<!-- pbx-docs:end \2 -->)", re.DOTALL)


def whole_pages() -> dict[str, str]:
    return {
        **checks.pages(),
        "reference/commands.md": commands.commands_page(),
        "reference/environment.md": environment.environment_page(),
    }


def with_blocks(text: str, where: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in BLOCKS:
            raise KeyError(f"{where}: no generated block named {name!r} (known: {', '.join(BLOCKS)})")
        return f"{match.group(1)}{BLOCKS[name]().rstrip()}\n{match.group(4)}"

    return BLOCK.sub(fill, text)


def expected(docs: Path = DOCS) -> dict[Path, str]:
    """Every generated file under `docs` with the text it should have (pages with no block are left out)."""
    found = {docs / relative: text.rstrip() + "\n" for relative, text in whole_pages().items()}
    for page in sorted(docs.rglob("*.md")):
        if page in found:
            continue
        text = page.read_text(encoding="utf-8")
        if BLOCK.search(text):
            found[page] = with_blocks(text, page.relative_to(docs).as_posix())
    return found


def stale(docs: Path = DOCS) -> list[Path]:
    """The generated files that differ from what `write` would write (or are missing), and generated check pages
    left behind by a check that is gone."""
    wanted = expected(docs)
    found = [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    return found + _orphans(docs, wanted)


def _orphans(docs: Path, wanted: dict[Path, str]) -> list[Path]:
    folder = docs / checks.FOLDER
    return sorted(path for path in folder.glob("*.md") if path not in wanted) if folder.exists() else []


def write(docs: Path = DOCS) -> list[Path]:
    """Write every generated file that differs; remove the pages of checks that are gone. The files changed."""
    wanted = expected(docs)
    changed = []
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for orphan in _orphans(docs, wanted):
        orphan.unlink()
        changed.append(orphan)
    return changed

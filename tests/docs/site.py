"""What the site's tests share: where the site's sources are, building it as `make docs` does, its runnable blocks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pbx_kit.contract import ROOT

DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
README = ROOT / "README.md"
# A code block is run by the tests when the line before its fence says so.
RUNNABLE = re.compile(r"<!-- runnable: emulator -->\n```(python|sh)\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Block:
    page: str
    language: str
    code: str


def runnable_blocks() -> list[Block]:
    """Every block marked runnable, in the README and in the site's pages."""
    return [
        Block(page.relative_to(ROOT).as_posix(), language, code)
        for page in [README, *sorted(DOCS.rglob("*.md"))]
        for language, code in RUNNABLE.findall(page.read_text(encoding="utf-8"))
    ]


def build_site(site_dir: Path) -> Path:
    """The site, with the Redoc reference in api/, in `site_dir`, as `make docs` builds it: mkdocs --strict must
    pass (and without --quiet, which would stop it counting warnings)."""
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(MKDOCS_YML),
            "--site-dir",
            str(site_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "WARNING" not in finished.stderr, finished.stderr
    return site_dir

"""docs/install.md's lists of what `pip install` of each distribution pulls into an empty virtual environment.

Each list sits between `<!-- installed:NAME:begin ... -->` and `<!-- installed:NAME:end -->` as comma-separated
`package version` entries; tests/distributions/test_published.py compares it with what pip installed, and on a
difference prints the block to paste.
"""

from __future__ import annotations

import re
import textwrap

from tests.repository import ROOT

INSTALL_PAGE = ROOT / "docs" / "install.md"
_BLOCK = re.compile(r"<!-- installed:([a-z-]+):begin[^>]*-->\n(.*?)\n<!-- installed:\1:end -->", re.S)


def documented_sets() -> dict[str, dict[str, str]]:
    """Distribution name to {package: version}, as docs/install.md lists them."""
    found = {}
    for name, body in _BLOCK.findall(INSTALL_PAGE.read_text(encoding="utf-8")):
        entries = [entry.split() for entry in body.replace("\n", " ").split(",") if entry.strip()]
        found[name] = {package: version for package, version in entries}
    return found


def installed_set_block(name: str, packages: dict[str, str]) -> str:
    """The block docs/install.md shows for `name`, from the packages pip installed."""
    listed = ", ".join(f"{package} {packages[package]}" for package in sorted(packages))
    body = textwrap.fill(listed, width=116, break_long_words=False, break_on_hyphens=False)
    return (
        f"<!-- installed:{name}:begin (what pip pulls; tests/distributions/test_published.py holds it) -->\n"
        f"{body}\n<!-- installed:{name}:end -->"
    )

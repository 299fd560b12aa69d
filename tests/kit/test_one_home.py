"""Facts with one home each: a search of our Python for a second copy of them finds nothing.

Each fact lives in pbx_kit (`contract` for the API's, `document` for JSON Pointers); the pieces ask it. These
searches are the ones a reviewer would run; a copy pasted back into a piece makes them fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIECES = ("kit", "emulator", "conformance", "generator", "spec_tools", "bench")
HOMES = {
    "the list of HTTP methods": (r"""["']trace["']""", {"kit/pbx_kit/contract.py"}),
    "JSON Pointer escaping": (r"""replace\(\s*["']~[01]?["']|["']~1["']""", {"kit/pbx_kit/document.py"}),
    "the body size limit": (r"64\s*\*\s*1024|65536|64 KiB", set()),
    "server variable defaults": (r"""\[["']variables["']\]|get\(\s*["']variables["']""", {"kit/pbx_kit/contract.py"}),
    "the token renewal margin": (r"lifetime\s*/\s*10|lifetime\s*//\s*4", set()),
}


def sources() -> list[Path]:
    return sorted(path for piece in PIECES if (ROOT / piece).is_dir() for path in (ROOT / piece).rglob("*.py"))


@pytest.mark.parametrize("fact", sorted(HOMES))
def test_a_fact_is_written_in_its_home_only(fact: str) -> None:
    pattern, homes = HOMES[fact]
    found = {str(path.relative_to(ROOT)) for path in sources() if re.search(pattern, path.read_text(encoding="utf-8"))}
    assert found == homes, f"{fact}: written in {sorted(found - homes)}; ask its home {sorted(homes)} instead"

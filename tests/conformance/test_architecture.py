"""The suite's modules import each other in one direction only, and the import graph shows every dependency.

import-linter (pyproject.toml's `[tool.importlinter]`) holds the rule "no import cycle inside any package"
(contract `no-cycles`), pbx_conformance among them.
No import may hide a dependency from the rule: none under `if TYPE_CHECKING:`, no module loaded by name
(`importlib`), and every import at the top of its module but the one listed in DEFERRED (import-linter sees that
one too: it reads imports inside functions as well).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

import pbx_conformance

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(pbx_conformance.__file__).resolve().parent
# The one module that starts the emulator, through its public face `pbx_emulator.testing`.
EMULATOR_FACE = "pbx_conformance.local_emulator"
# (file, module) of each import made inside a function, and why. Not to break a cycle: a run against a real server
# leaves the emulator's code unloaded, since Hypothesis draws values from the literals of every local module loaded.
DEFERRED = {("suite_run.py", EMULATOR_FACE)}


def test_the_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    command = [str(lint_imports), "--no-cache", "--no-logo", "--contract", "no-cycles"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout, result.stdout


def test_every_import_of_the_suite_is_at_the_top_of_its_module():
    hidden = []
    for path in sorted(SUITE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top_level:
                names = (
                    {f"{node.module}.{alias.name}" for alias in node.names}
                    if isinstance(node, ast.ImportFrom)
                    else set()
                )
                if not {(path.name, name) for name in names} <= DEFERRED or not names:
                    hidden.append(f"{where}: an import inside a block or function")
            if isinstance(node, ast.Import) and any(alias.name == "importlib" for alias in node.names):
                hidden.append(f"{where}: importlib")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("importlib"):
                hidden.append(f"{where}: importlib")
            if isinstance(node, ast.Name) and node.id in {"TYPE_CHECKING", "__import__"}:
                hidden.append(f"{where}: {node.id}")
    assert not hidden, hidden


def test_only_the_local_default_imports_the_emulator_and_only_its_public_face():
    graph = grimp.build_graph("pbx_conformance", include_external_packages=True, cache_dir=None)
    assert graph.find_modules_that_directly_import("pbx_emulator") == {EMULATOR_FACE}
    lines = [
        detail["line_contents"] for detail in graph.get_import_details(importer=EMULATOR_FACE, imported="pbx_emulator")
    ]
    assert lines and all(line.startswith("from pbx_emulator.testing import ") for line in lines), lines

"""The checkout the tests run in: its root, for the tests that read the repository's own files (the README, the
linters' settings, generated/, node_modules/). The tools themselves find their data as package data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

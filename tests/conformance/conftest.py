"""Fixtures of the conformance suite's tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "report"

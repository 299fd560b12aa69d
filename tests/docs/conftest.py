"""The built site, once per test session, in a folder of its own (so `make docs`'s build/docs is left alone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .site import build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site"))

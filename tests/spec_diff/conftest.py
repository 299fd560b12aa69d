"""The revision pairs' SDKs are generated once, in parallel, and cached by the inputs' hash in the repository's
build/spec-diff-sdk (as $PBX_SPEC_CACHE, which the tools' subprocesses read too), not in the user's ~/.cache."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pbx_spec.diff import sdk_surface
from pbx_spec.diff.revisions import Revision
from pbx_spec.diff.sdk_surface import generated_package

from .revision_pairs import PAIRS, base_revision, revised

# Generation is a subprocess (openapi-python-client, then ruff): threads overlap them.
GENERATION_WORKERS = 3
TEST_CACHE = Path(__file__).resolve().parents[2] / "build" / "spec-diff-sdk"


@pytest.fixture(scope="session", autouse=True)
def sdk_cache() -> Iterator[Path]:
    """The session's SDK cache, for this process (sdk_surface.CACHE) and the commands it runs ($PBX_SPEC_CACHE)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PBX_SPEC_CACHE", str(TEST_CACHE))
        patch.setattr(sdk_surface, "CACHE", TEST_CACHE)
        yield TEST_CACHE


@pytest.fixture(scope="session")
def base() -> Revision:
    return base_revision()


@pytest.fixture(scope="session")
def revisions(base: Revision) -> dict[str, Revision]:
    made = {pair.name: revised(pair) for pair in PAIRS}
    with ThreadPoolExecutor(GENERATION_WORKERS) as pool:
        list(pool.map(generated_package, [base, *made.values()]))
    return made

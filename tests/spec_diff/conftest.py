"""The revision pairs' SDKs are generated once, in parallel, and cached under build/ (by the inputs' hash)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pbx_spec.diff.revisions import Revision
from pbx_spec.diff.sdk_surface import generated_package

from .revision_pairs import PAIRS, base_revision, revised

# Generation is a subprocess (openapi-python-client, then ruff): threads overlap them.
GENERATION_WORKERS = 3


@pytest.fixture(scope="session")
def base() -> Revision:
    return base_revision()


@pytest.fixture(scope="session")
def revisions(base: Revision) -> dict[str, Revision]:
    made = {pair.name: revised(pair) for pair in PAIRS}
    with ThreadPoolExecutor(GENERATION_WORKERS) as pool:
        list(pool.map(generated_package, [base, *made.values()]))
    return made

"""One seed parser (`pbx_kit.seed`): the emulator seeds its store with it, and the demo identities are the bundled
seed as it reads them, so the two cannot disagree about a seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pbx_emulator.defaults import SEED_PATH
from pbx_emulator.testing import demo_applications, demo_identities
from pbx_kit.seed import SeedError, demo_application, load_seed, parse_seed_text

BAD_SEED = "clients:\n  - client: {id: 5, name: Nameless}\n    applications: [{app_id: a, app_secret: s}]\n"


def test_the_demo_identities_are_the_bundled_seed_as_the_parser_reads_it() -> None:
    parsed = [(a.app_id, a.app_secret, a.access_level, a.client_id, entry.blocked)
              for entry in load_seed(SEED_PATH) for a in entry.applications]  # fmt: skip
    demo = [(a.app_id, a.app_secret, a.access_level, a.client_id, a.blocked) for a in demo_applications()]
    assert demo == parsed and len(demo) == 4


def test_a_seed_the_emulator_refuses_gives_no_demo_identities_either(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(BAD_SEED, encoding="utf-8")
    with pytest.raises(SeedError) as from_the_kit:
        demo_applications(seed)
    served = subprocess.run(
        [sys.executable, "-m", "pbx_emulator", "serve", "--seed", str(seed), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert served.returncode == 2
    assert str(from_the_kit.value) in served.stderr  # the same words: the same parser


def test_the_parser_takes_the_seed_as_text() -> None:
    with pytest.raises(SeedError, match=r"text: clients\[0\]"):
        parse_seed_text(BAD_SEED, origin="text")
    assert parse_seed_text(Path(SEED_PATH).read_text(encoding="utf-8")) == load_seed(SEED_PATH)


def test_demo_identities_come_from_the_bundled_seed() -> None:
    identities = demo_identities()
    assert identities.main.access_level == "All" and not identities.main.blocked
    assert identities.readonly.access_level == "Call API"
    assert identities.readonly.client_id == identities.main.client_id
    assert identities.other.client_id != identities.main.client_id and identities.other.access_level == "All"
    assert demo_application(identities.main.app_id, SEED_PATH) == identities.main
    with pytest.raises(KeyError):
        demo_application("no-such-app", SEED_PATH)

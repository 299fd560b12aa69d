"""One validator: a value the seed accepts is one a PUT accepts and one the suite calls valid, and the other way
round.

The seed was once checked by Python `jsonschema`'s lax `email` format and a PUT by jsonschema-rs (RFC 5321),
so `a..b@x` loaded from a seed and was refused when written back unchanged. The seed, the PUT and the
conformance suite's false-positive filter (which keeps a "schema-violating request accepted" failure only when
the contract itself rejects the body) all ask `pbx_kit.contract`'s validator; the same values go through each,
with the same verdict.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from pbx_conformance import spec
from pbx_emulator.app import create_app
from pbx_emulator.defaults import SEED_PATH
from pbx_emulator.errors import ValidationFailed
from pbx_emulator.validation import check_update
from pbx_kit.contract import path_parameter_range
from pbx_kit.seed import SeedError, parse_seed
from tests.emulator.emulator_helpers import MAIN

EMAILS = [
    "a..b@x",
    ".a@x",
    "a.@x",
    "a(b)@x",
    "a b@x",
    '"a b"@x',
    "a@b",
    "a@b@c",
    "plain",
    "a@[127.0.0.1]",
    "office@acme.example",
    "user+tag@example.com",
    "ünï@example.com",
]
VALUES: list[tuple[str, Any]] = [
    *[("email", address) for address in EMAILS],
    *[("disk_space_notify_email", address) for address in EMAILS[:4]],
    ("timezone", "Mars/Olympus"),
    ("timezone", "UTC"),
    ("language", "en\n"),
    ("language", "de"),
    ("dial_rule_id", path_parameter_range("client_id")[1] + 1),
    ("hold_music", 0),
]


def seed_with(field: str, value: Any) -> dict[str, Any]:
    seed: dict[str, Any] = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    seed = copy.deepcopy(seed)
    seed["clients"][0]["client"][field] = value
    return seed


def seed_accepts(field: str, value: Any) -> bool:
    try:
        parse_seed(seed_with(field, value))
    except SeedError:
        return False
    return True


def suite_calls_valid(field: str, value: Any) -> bool:
    """What the suite's false-positive filter judges a PUT body by."""
    (write, *_) = spec.writes()
    validator = spec.request_body_validator(write.label)
    assert validator is not None
    return validator.is_valid({field: value})


def put_accepts(field: str, value: Any) -> bool:
    try:
        check_update({field: value})
    except ValidationFailed:
        return False
    return True


@pytest.mark.parametrize(("field", "value"), VALUES, ids=[f"{f}={v!r}" for f, v in VALUES])
def test_the_seed_a_put_and_the_suite_give_the_same_verdict(field: str, value: Any) -> None:
    assert seed_accepts(field, value) == put_accepts(field, value) == suite_calls_valid(field, value)


def test_the_values_hold_both_verdicts() -> None:
    # A table of values all accepted (or all refused) could not show the three disagreeing.
    verdicts = {put_accepts(field, value) for field, value in VALUES}
    assert verdicts == {True, False}


@pytest.mark.parametrize("address", [address for address in EMAILS if seed_accepts("email", address)])
def test_a_seeded_value_written_back_unchanged_is_accepted(tmp_path: Path, address: str) -> None:
    # Only the addresses the seed accepts: those it refuses, a PUT refuses too (the test above).
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(seed_with("email", address)), encoding="utf-8")
    app = create_app(seed_path=seed, access_log=False)
    path = app.state.paths["API"] + "/client/@me/client/"

    async def round_trip() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            grant = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
            token = (await http.post(app.state.paths["token"], data=grant)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            client = (await http.get(path, headers=headers)).json()
            return await http.put(path, headers=headers, json={"email": client["email"]})

    response = asyncio.run(round_trip())
    assert response.status_code == 200, response.text

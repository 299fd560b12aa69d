"""`create_app(spec_path=...)` serves the document it was given in every part: its routes, the rules a PUT is
validated by, the words of its error examples, the range of `{client_id}` and the seed's check."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from pbx_emulator.app import create_app
from pbx_kit.contract import load_document
from pbx_kit.seed import SeedError
from tests.emulator.emulator_helpers import MAIN

NAME_LIMIT = 14  # the length of the seed's longest name, "Acme Logistics"
NOT_FOUND = "No client has that id, says the modified contract."
HIGHEST_ID = 5000


def modified_contract(tmp_path: Path, name_limit: int = NAME_LIMIT) -> Path:
    document: dict[str, Any] = copy.deepcopy(dict(load_document()))
    schemas = document["components"]["schemas"]
    schemas["Client"]["properties"]["name"]["maxLength"] = name_limit
    document["components"]["examples"]["ClientNotFound"]["value"]["message"] = NOT_FOUND
    document["components"]["parameters"]["ClientId"]["schema"]["oneOf"][0]["maximum"] = HIGHEST_ID
    written = tmp_path / "modified-openapi.yaml"
    written.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return written


def answers(spec: Path | None, requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
    app = create_app(spec_path=spec, access_log=False)
    api = app.state.paths["API"]

    async def send() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            grant = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
            token = (await http.post(app.state.paths["token"], data=grant)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            return [await http.request(m, api + path, headers=headers, **kw) for m, path, kw in requests]

    return asyncio.run(send())


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("PUT", "/client/@me/client/", {"json": {"name": "Acme Logistics Ltd"}}),
    ("PUT", "/client/@me/client/", {"json": {"name": "Acme"}}),
    ("GET", f"/client/{HIGHEST_ID + 1}/client/", {}),
    ("GET", "/client/999/client/", {}),
]


def test_the_modified_contract_is_what_validation_examples_and_the_id_range_follow(tmp_path: Path) -> None:
    too_long, short, past_range, unknown = answers(modified_contract(tmp_path), REQUESTS)
    assert too_long.status_code == 400
    assert too_long.json()["field"] == "name" and f"at most {NAME_LIMIT} characters" in too_long.json()["message"]
    assert short.status_code == 200 and short.json()["name"] == "Acme"
    assert (past_range.status_code, past_range.json()["message"]) == (404, NOT_FOUND)
    assert (unknown.status_code, unknown.json()["message"]) == (404, NOT_FOUND)


def test_the_default_contract_still_accepts_what_the_modified_one_refuses() -> None:
    too_long, _, _, unknown = answers(None, REQUESTS)
    assert too_long.status_code == 200
    assert unknown.status_code == 404 and unknown.json()["message"] != NOT_FOUND


def test_the_seed_is_checked_against_the_modified_contract(tmp_path: Path) -> None:
    # The default seed's first client is "Acme Logistics": longer than this modified contract allows.
    with pytest.raises(SeedError, match=r"clients\[0\]: name"):
        create_app(spec_path=modified_contract(tmp_path, name_limit=5), access_log=False)

"""Routes come from the contract: an operation with its own `servers` (the token endpoint, described as an
operation on the host's root) is served where that server puts it, not under the API's base path."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from pbx_emulator.app import create_app
from pbx_kit.contract import api_base_path, load_document, token_path
from tests.emulator.emulator_helpers import MAIN

HOST_ROOT = [{"url": "https://{hostname}", "variables": {"hostname": {"default": "pbx.example.com"}}}]


def contract_with(tmp_path: Path, path: str, item: dict[str, Any]) -> Path:
    document = copy.deepcopy(dict(load_document()))
    document["paths"] = {**document["paths"], path: item}
    written = tmp_path / "openapi.yaml"
    written.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return written


def call(spec: Path, method: str, url: str, **kwargs: Any) -> httpx.Response:
    app = create_app(spec_path=spec, access_log=False)

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(send())


@pytest.mark.parametrize("servers_on", ["path item", "operation"])
def test_the_token_endpoint_as_an_operation_is_served_at_the_hosts_root(tmp_path: Path, servers_on: str) -> None:
    operation: dict[str, Any] = {
        "operationId": "issueToken",
        "security": [],
        "responses": {"200": {"description": "A token."}},
    }
    item: dict[str, Any] = {"post": operation}
    (item if servers_on == "path item" else operation)["servers"] = HOST_ROOT
    spec = contract_with(tmp_path, token_path(), item)
    grant = {"grant_type": "client_credentials", "client_id": MAIN.app_id, "client_secret": MAIN.app_secret}
    response = call(spec, "POST", token_path(), data=grant)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    assert call(spec, "POST", api_base_path() + token_path(), data=grant).status_code == 404


def test_a_path_elsewhere_on_the_host_without_a_handler_is_refused_at_start(tmp_path: Path) -> None:
    spec = contract_with(tmp_path, "/elsewhere", {"servers": HOST_ROOT, "get": {"responses": {}}})
    with pytest.raises(ValueError, match="no handler for /elsewhere"):
        create_app(spec_path=spec, access_log=False)

"""The emulator serves the same reference beside its API browser, with samples that name the emulator itself."""

from __future__ import annotations

import json

import httpx

from pbx_emulator.testing import running_emulator
from pbx_kit import contract
from pbx_kit.reference import REDOC_OPTIONS


def test_the_emulator_serves_the_reference_beside_the_api_browser() -> None:
    with running_emulator() as server, httpx.Client(timeout=30) as http:
        page = http.get(server.api_url + "/reference/")
        redirect = http.get(server.api_url + "/reference")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Redoc.init(" in page.text
    assert "cdn.redoc.ly" not in page.text
    spec = json.loads(page.text.split("Redoc.init(", 1)[1].rsplit(", " + json.dumps(REDOC_OPTIONS), 1)[0])
    assert spec["servers"][0]["url"] == server.api_url
    for operation in contract.operations():
        node = spec["paths"][operation.path][operation.method]
        curl = node["x-codeSamples"][0]["source"]
        assert f"PBX_URL=${{PBX_URL:-{server.url}}}" in curl, "the samples default to the emulator"
        assert "**Documented by the provider:**" in node["description"] or "**Decided" in node["description"]
    assert redirect.status_code in (302, 307)

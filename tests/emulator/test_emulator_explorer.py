"""The served contract and the API browser's page and assets (the browser itself: test_browser.py)."""

from __future__ import annotations

import re

import httpx
import yaml

from pbx_emulator.testing import RunningEmulator
from pbx_kit import contract
from pbx_kit.contract import load_document
from tests.emulator.emulator_helpers import API_BASE


def test_the_served_contract_is_openapi_yaml_with_this_emulator_as_server(shared_emulator: RunningEmulator) -> None:
    response = httpx.get(shared_emulator.api_url + "/openapi.yaml")
    assert response.status_code == 200
    assert "yaml" in response.headers["content-type"]
    served = yaml.safe_load(response.text)
    assert served["servers"] == [{"url": shared_emulator.api_url, "description": "This emulator."}]
    original = dict(load_document())
    assert {k: v for k, v in served.items() if k not in {"servers", "paths"}} == {
        k: v for k, v in original.items() if k not in {"servers", "paths"}
    }
    # A path with servers of its own (the token endpoint, on the host's root) is served by this emulator too.
    token_path = contract.token_path()
    assert served["paths"][token_path]["servers"] == [{"url": shared_emulator.url, "description": "This emulator."}]
    assert original["paths"][token_path]["servers"][0]["url"] != shared_emulator.url
    for path, item in original["paths"].items():
        assert {k: v for k, v in served["paths"][path].items() if k != "servers"} == {
            k: v for k, v in item.items() if k != "servers"
        }
    assert httpx.post(
        served["paths"][token_path]["servers"][0]["url"] + token_path, data={"grant_type": "client_credentials"}
    ).status_code in {400, 401}, "the token endpoint answers where the served document says it is"


def test_the_server_follows_the_host_the_emulator_is_reached_by(shared_emulator: RunningEmulator) -> None:
    url = shared_emulator.url.replace("127.0.0.1", "localhost")
    served = yaml.safe_load(httpx.get(url + f"{API_BASE}/openapi.yaml").text)
    assert served["servers"][0]["url"] == url + API_BASE


def test_the_explorer_page_loads_swagger_ui_from_the_emulator_only(shared_emulator: RunningEmulator) -> None:
    page = httpx.get(shared_emulator.api_url + "/client_api_explorer/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert f'url: "{API_BASE}/openapi.yaml"' in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith(f"{API_BASE}/client_api_explorer/static/") for a in assets), assets
    for asset in assets:
        assert httpx.get(shared_emulator.url + asset).status_code == 200, asset
    bundle = httpx.get(shared_emulator.api_url + "/client_api_explorer/static/swagger-ui-bundle.js").text
    assert re.search(r'"5\.\d+\.\d+"', bundle), "Swagger UI 5"


def test_the_explorer_without_its_slash_redirects_to_it(shared_emulator: RunningEmulator) -> None:
    response = httpx.get(shared_emulator.api_url + "/client_api_explorer")
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"].endswith(f"{API_BASE}/client_api_explorer/")

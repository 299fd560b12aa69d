"""The reference `make docs` builds, opened in a real headless Chromium: every operation and its samples are shown.

Debian's Chromium (`make browser` installs it) driven by Playwright. Every request the page makes is answered
only if it stays in build/docs/api; anything else (a CDN, a web font) is refused and fails the test, since the
reference must work offline. The screenshot goes to reports/screenshots/. The fixture builds build/docs/api as
`make docs` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pbx_kit.contract import ROOT, load_document, operations_of
from pbx_kit.reference import SAMPLES, build
from pbx_kit.sdk_names import method_name

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REFERENCE = ROOT / "build" / "docs" / "api" / "index.html"
REFERENCE_DOCUMENT = ROOT / "build" / "docs" / "api" / "openapi.yaml"
SCREENSHOTS = ROOT / "reports" / "screenshots"
TIMEOUT_MS = 20_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: run `make browser`"),
]


@pytest.fixture(scope="module")
def reference_page() -> Any:
    from playwright.sync_api import sync_playwright

    build(REFERENCE.parent)  # what `make docs` runs, so the page tested is the page of this openapi.yaml
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)

            def only_local(route: Any) -> None:
                url = route.request.url
                if url.startswith(("file://", "data:", "blob:")):
                    route.continue_()
                else:
                    refused.append(url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(REFERENCE.as_uri())
            page.locator("[data-section-id*='/operation/']").first.wait_for()
            yield page, refused
        finally:
            browser.close()


def test_the_reference_loads_nothing_from_the_network(reference_page: Any) -> None:
    page, refused = reference_page
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_every_operation_is_shown_with_its_curl_and_python_samples(reference_page: Any) -> None:
    page, _ = reference_page
    document = load_document()
    shown = []
    for operation in operations_of(document):
        operation_id = operation.operation_id
        section = page.locator(f"[data-section-id$='/operation/{operation_id}']")
        assert section.count() == 1, f"{operation_id} is not in the reference"
        section.scroll_into_view_if_needed()
        panel = section.locator("[role='tablist']").filter(has_text="cURL")
        assert panel.count() == 1, f"{operation_id}: no code samples shown"
        labels = [text.strip() for text in panel.locator("[role='tab']").all_inner_texts()]
        python_label = "Python (pbx_api)" if operation.needs_token(document) else "Python (httpx)"
        assert labels[-2:] == ["cURL", python_label], f"{operation_id}: sample tabs {labels}"
        panel.locator("[role='tab']", has_text="cURL").click()
        curl = panel.locator("xpath=..").locator("[role='tabpanel'][class*='selected']").inner_text()
        token = operation.needs_token(document)
        expected = f"-X {operation.method.upper()} " if token else "grant_type=client_credentials"
        assert expected in curl, curl
        panel.locator("[role='tab']", has_text="Python").click()
        python = panel.locator("xpath=..").locator("[role='tabpanel'][class*='selected']").inner_text()
        assert (f"pbx.{method_name(operation_id)}(" if token else "httpx.post(") in python, python
        shown.append(operation_id)
    assert len(shown) == len(operations_of(document)) >= 4
    page.locator(f"[data-section-id$='/operation/{shown[1]}']").evaluate(
        "element => element.scrollIntoView({block: 'start'})"
    )
    page.screenshot(path=str(SCREENSHOTS / "reference-update-client.png"))


def test_descriptions_show_their_provenance(reference_page: Any) -> None:
    page, _ = reference_page
    text = page.locator("body").inner_text()
    assert "Documented by the provider:" in text
    assert "Decided by this contract:" in text
    assert "The provider states no size limit" in text  # the 413's decision, rendered in its response


def test_the_rendered_document_has_samples_on_every_operation() -> None:
    import yaml

    document = yaml.safe_load(REFERENCE_DOCUMENT.read_text(encoding="utf-8"))
    for operation in operations_of(document):
        labels = [sample["label"] for sample in operation.node[SAMPLES]]
        assert labels == ["cURL", "Python (pbx_api)" if operation.needs_token(document) else "Python (httpx)"]

"""The API browser in a real headless Chromium: Authorize with the demo credentials, run getClient, then a PUT.

Debian's Chromium (`make browser` installs it) driven by Playwright; a screenshot is kept in
reports/screenshots/ as the test's artifact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pbx_emulator.testing import running_emulator
from tests.emulator.emulator_helpers import API_BASE, MAIN, TOKEN_PATH
from tests.repository import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
TIMEOUT_MS = 20_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: run `make browser`"),
]


def test_authorize_then_get_and_put_the_client_in_the_api_browser() -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with running_emulator() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(server.api_url + "/client_api_explorer/")

            page.locator(".auth-wrapper .authorize").click()
            page.locator("input[id^='client_id']").fill(MAIN.app_id)
            page.locator("input[id^='client_secret']").fill(MAIN.app_secret)
            page.locator(".auth-btn-wrapper .authorize").click()
            expect(page.locator(".auth-container").first).to_contain_text("Authorized")
            page.locator(".auth-btn-wrapper .btn-done").click()

            operation = page.locator("#operations-client-getClient")
            operation.locator(".opblock-summary").click()
            client_id = operation.locator("tr[data-param-name='client_id'] input")
            if client_id.count():
                client_id.first.fill("@me")
            operation.locator("button.execute").click()

            response = operation.locator(".live-responses-table td.response-col_description:not(.col_header)")
            expect(response).to_contain_text("Acme Logistics")
            expect(operation.locator(".live-responses-table td.response-col_status:not(.col_header)")).to_contain_text(
                "200"
            )
            # The viewport from the operation's header down to the live response: request, curl and body.
            operation.evaluate("element => element.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(SCREENSHOTS / "api-explorer-get-client.png"))

            # A change through the other path, with the contract's first example body (a new time zone).
            update = page.locator("#operations-client-updateClientInfo")
            update.locator(".opblock-summary").click()
            param = update.locator("tr[data-param-name='client_id'] input")
            if param.count():
                param.first.fill("@me")
            update.locator("button.execute").click()
            expect(update.locator(".live-responses-table td.response-col_status:not(.col_header)")).to_contain_text(
                "200"
            )
            expect(
                update.locator(".live-responses-table td.response-col_description:not(.col_header)")
            ).to_contain_text("Europe/Vilnius")
        finally:
            browser.close()
        log = server.wait_for_log(f"PUT {API_BASE}/client/client_info/@me/ 200")
    # Swagger UI sends the client credentials with HTTP Basic for this flow.
    assert f"POST {TOKEN_PATH} 200" in log
    assert f"GET {API_BASE}/client/@me/client/ 200" in log
    assert f"PUT {API_BASE}/client/client_info/@me/ 200" in log

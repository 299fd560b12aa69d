"""The site in a real headless Chromium, opened from disk: the home page and one page per section show, search
finds a page by a word, and nothing is fetched from outside the built files.

Debian's Chromium (`make browser` installs it) driven by Playwright, as the reference's test does. Every request a
page makes is answered only when it is a file of the built site; anything else (a CDN, a web font, analytics) is
refused and fails the test. Screenshots of the home page and of one page per kind of user go to
reports/screenshots/site-*.png for a reviewer to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pbx_kit.contract import ROOT

from .test_reference_browser import CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = ROOT / "reports" / "screenshots"
TIMEOUT_MS = 20_000
# One page per section of the navigation: (section, page, a heading it shows, the screenshot's name or None).
PAGES = [
    ("SDK users", "sdk/install.html", "Install the SDK", "site-sdk-users"),
    ("Provider QA", "qa/staging.html", "Against a staging server, safely", "site-provider-qa"),
    ("API reviewers", "reviewers/decisions.html", "The decisions", "site-api-reviewers"),
    ("SDK maintainers", "maintainers/changing-the-spec.html", "Changing the spec", "site-sdk-maintainers"),
    ("Contributors", "contributors/adding-a-check.html", "Adding a check", "site-contributors"),
    ("Reference", "reference/commands.html", "Commands", None),
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: run `make browser`"),
]


@pytest.fixture(scope="module")
def browser_page(built_site: Path) -> Iterator[tuple[Any, list[str], Path]]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site = built_site.resolve()
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)

            def only_the_site(route: Any) -> None:
                url = route.request.url
                if url.startswith(("data:", "blob:")) or url.startswith(site.as_uri() + "/"):
                    route.continue_()
                else:
                    refused.append(url)
                    route.abort()

            page.route("**/*", only_the_site)
            yield page, refused, site
        finally:
            browser.close()


def _open(page: Any, site: Path, relative: str) -> None:
    page.goto((site / relative).as_uri())
    page.locator("article.md-content__inner h1").first.wait_for()


def _heading(page: Any) -> str:
    """The page's title as shown, without the permalink sign after it."""
    return str(page.locator("article h1").first.inner_text()).removesuffix("¶").strip()


def test_the_home_page_shows_the_way_for_each_kind_of_user(browser_page: Any) -> None:
    page, refused, site = browser_page
    _open(page, site, "index.html")
    assert _heading(page) == "Cloud PBX Client API kit"
    table = page.locator("article table").first.inner_text()
    for kind in ("SDK user", "provider QA", "API reviewer", "SDK maintainer", "contributor"):
        assert kind in table
    navigation = page.locator("nav.md-nav--primary").first.inner_text()
    for section, _, _, _ in PAGES:
        assert section in navigation
    page.screenshot(path=str(SCREENSHOTS / "site-home.png"), full_page=False)
    assert refused == []


@pytest.mark.parametrize(("section", "relative", "heading", "screenshot"), PAGES, ids=[p[0] for p in PAGES])
def test_one_page_per_section_shows(
    browser_page: Any, section: str, relative: str, heading: str, screenshot: str | None
) -> None:
    page, refused, site = browser_page
    _open(page, site, relative)
    assert _heading(page) == heading
    # The navigation marks the page's own section as the active one.
    assert section in page.locator("nav.md-nav--primary .md-nav__item--active").first.inner_text()
    if screenshot:
        page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=False)
    assert refused == []


def test_search_finds_the_page_about_restore(browser_page: Any) -> None:
    page, refused, site = browser_page
    _open(page, site, "index.html")
    search = page.locator("input.md-search__input")
    search.click()
    page.keyboard.type("restore", delay=30)  # typed as a person does: the search listens to the keys
    results = page.locator(".md-search-result__item a")
    results.first.wait_for()
    targets = [results.nth(index).get_attribute("href") or "" for index in range(results.count())]
    assert any("qa/restore.html" in target for target in targets), targets
    page.screenshot(path=str(SCREENSHOTS / "site-search-restore.png"), full_page=False)
    page.locator(".md-search-result__item a[href*='qa/restore.html']").first.click()
    page.locator("article h1").first.wait_for()
    assert _heading(page) == "Restoring what a run changed"
    assert refused == []


def test_a_request_that_leaves_the_site_is_refused_and_seen(browser_page: Any) -> None:
    """The guard itself: a page that asks for something from elsewhere does not get it, and the test sees it."""
    page, refused, site = browser_page
    _open(page, site, "index.html")
    page.evaluate(
        "() => { const image = new Image(); image.src = 'https://cdn.example.com/logo.png'; "
        "document.body.appendChild(image); }"
    )
    page.wait_for_timeout(500)
    assert refused == ["https://cdn.example.com/logo.png"]
    refused.clear()

"""A link check over the built site: every internal link and anchor resolves, and nothing is loaded from elsewhere.

Every `href` and `src` of every built page is followed: a relative one must name a file of the site (a folder
means its index.html) and, with a `#fragment`, an element of that page with that id. Links out of the site (an
`https://` page such as the Overlay specification) are only links; an asset (script, stylesheet, image, font)
loaded from anywhere but the site itself fails the test.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .site import DOCS


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag.attribute, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in {"id", "name"} and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in {"href", "src"}:
                self.links.append((f"{tag}.{name}", value))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    pages = {path.resolve(): _parse(path) for path in site.rglob("*.html")}
    problems = []
    for path, page in pages.items():
        where = path.relative_to(site.resolve()).as_posix()
        for kind, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in {"http", "https", "mailto"} or url.startswith("//"):
                if kind != "a.href":
                    problems.append(f"{where}: {kind} loads {url} from elsewhere")
                continue
            if parts.scheme in {"data", "blob", "javascript"}:
                continue
            if not parts.path:
                target = path.resolve()
            elif parts.path.startswith("/"):  # 404.html names the site's files from its root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents:
                problems.append(f"{where}: {kind} {url} names no file of the site")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(
                        f"{where}: {kind} {url}: no #{parts.fragment} in {target.relative_to(site.resolve())}"
                    )
    return problems


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    assert broken_links(built_site) == []
    # Every page is reached and checked: the site has a page for every Markdown file of docs/.
    built = {path.relative_to(built_site).with_suffix(".md").as_posix() for path in built_site.rglob("*.html")}
    assert {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")} <= built


def test_the_check_finds_a_broken_link_and_a_missing_anchor(tmp_path: Path, built_site: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    home = site / "index.html"
    text = home.read_text(encoding="utf-8")
    home.write_text(
        text.replace(
            "</body>",
            '<a href="qa/nowhere.html">x</a><a href="qa/staging.html#no-such-part">y</a>'
            '<img src="https://cdn.example.com/logo.png"></body>',
        ),
        encoding="utf-8",
    )
    assert broken_links(site) == [
        "index.html: a.href qa/nowhere.html names no file of the site",
        "index.html: a.href qa/staging.html#no-such-part: no #no-such-part in qa/staging.html",
        "index.html: img.src loads https://cdn.example.com/logo.png from elsewhere",
    ]

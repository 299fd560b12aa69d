"""The README stays short: what the kit is, the two commands, how to install each tool, one example per kind of
user, and links into the site, each of which resolves (to a page of the built site, and to its anchor)."""

from __future__ import annotations

import re
from pathlib import Path

from .site import DOCS, README
from .test_site_links import _parse

MOST_LINES = 150
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_readme_is_at_most_150_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MOST_LINES, f"README.md has {len(lines)} lines; move the detail to a page under docs/"


def test_the_readme_names_each_kind_of_user_and_links_each_section_of_the_site() -> None:
    text = README.read_text(encoding="utf-8")
    for kind in ("SDK users", "Provider QA", "API reviewers", "SDK maintainers", "Contributors"):
        assert f"**{kind}**" in text
    for section in ("sdk", "qa", "reviewers", "maintainers", "contributors", "reference"):
        assert f"](docs/{section}/" in text, section
    assert "make conformance" in text and "make test" in text
    assert "pip install pbx-api==" in text and "pipx install pbx-conformance==" in text


def test_every_link_of_the_readme_resolves(built_site: Path) -> None:
    root = README.parent
    for target in LINK.findall(README.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        assert (root / path).exists(), target
        if path.startswith("docs/") and path.endswith(".md"):
            page = built_site / Path(path).relative_to(DOCS.name).with_suffix(".html")
            assert page.is_file(), target
            if anchor:
                assert anchor in _parse(page).ids, target


def test_the_readme_says_how_to_install_from_an_index_before_how_to_work_on_the_kit() -> None:
    text = README.read_text(encoding="utf-8")
    install, two_commands = text.index("\n## Install\n"), text.lower().index("two commands\n")
    assert install < two_commands and text.index("pipx install pbx-conformance==") < text.index("make install")

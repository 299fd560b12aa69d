"""The change report as one HTML page for a browser: the Markdown report, never cut, rendered by markdown-it-py
(CommonMark with tables; the `<details>` blocks fold as they do on GitHub), with a small style of its own and
nothing loaded from the network."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt

from pbx_spec.diff import markdown
from pbx_spec.diff.reported import Reported

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
code { font: 13px ui-monospace, monospace; background: #eff1f3; padding: 0 .25em; border-radius: 4px; }
table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: .25rem .75rem; text-align: left; }
details { margin: .5rem 0 1rem; } summary { cursor: pointer; color: #0969da; }
blockquote { margin: 0; padding: 0 1rem; border-left: .25rem solid #d1d9e0; color: #59636e; }
"""


def render(report: Reported, title: str | None = None) -> str:
    heading = title or f"Changes from {report.base} to {report.revision}"
    # html=True: the report's own <details> and <summary> are passed through; everything it quotes from the
    # contract or the SDK is inside Markdown code spans or text, which markdown-it escapes.
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown.render(report, title))
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(heading)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )

"""Server rules: the document's base URLs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Axis, Change, Kind
from pbx_spec.diff.rules.context import Comparison


def server_url_removed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    new_urls = _urls(new)
    for url in _urls(old):
        if url not in new_urls:
            yield comparison.change(
                "server-url-removed",
                f"server URL `{url}` removed",
                "/servers",
                breaks={Axis.WIRE: "a client configured with that base URL no longer reaches the API"},
            )


def server_url_added(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_urls = _urls(old)
    for url in _urls(new):
        if url not in old_urls:
            yield comparison.change("server-url-added", f"server URL `{url}` added", "/servers", kind=Kind.ADDITION)


def _urls(document: Mapping[str, Any]) -> list[Any]:
    return [server.get("url") for server in document.get("servers", [])]

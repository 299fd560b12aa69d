"""The SDK reference page shows every public class of pbx_api, rendered by mkdocstrings from its own docstrings,
with the methods PbxClient has: a public class added to the SDK and left off docs/sdk/reference.md fails here."""

from __future__ import annotations

import inspect
from pathlib import Path

import pbx_api
from pbx_api import errors, models

from .test_site_links import _parse


def _public_classes() -> set[str]:
    found = set()
    for module in (pbx_api, models, errors):
        names = getattr(module, "__all__", None) or [name for name in vars(module) if not name.startswith("_")]
        for name in names:
            value = getattr(module, name)
            if inspect.isclass(value) and value.__module__.startswith("pbx_api"):
                found.add(value.__name__)
    return found


def test_every_public_class_and_method_is_on_the_reference_page(built_site: Path) -> None:
    ids = _parse(built_site / "sdk" / "reference.html").ids
    shown = {identifier.rsplit(".", 1)[-1] for identifier in ids if identifier.startswith("pbx_api.")}
    assert _public_classes() - shown == set()
    methods = inspect.getmembers(pbx_api.PbxClient, inspect.isfunction)
    for method in (name for name, _ in methods if not name.startswith("_")):
        assert f"pbx_api.PbxClient.{method}" in ids, method
    # The docstrings are the SDK's own: the page shows what help(pbx_api.PbxClient) starts with.
    text = (built_site / "sdk" / "reference.html").read_text(encoding="utf-8")
    assert pbx_api.PbxClient.__doc__ is not None
    assert " ".join(pbx_api.PbxClient.__doc__.split()[:6]) in " ".join(text.split())

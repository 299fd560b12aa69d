"""The generator's public face: what other pieces (the spec tools) use of pbx_generator, and all they use.

    package = generate(work, spec)        # work/pbx_api, generated from the spec file `spec`
    document = sdk_input(source)          # what openapi-python-client reads for the OpenAPI document `source`
    for name, data in source_files():     # the generator's own files, which shape every package it makes
        ...

`GenerationFailed` is what a generation raises besides the kit's OverlayError (a variant that cannot be made).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pbx_generator import generation
from pbx_generator import sdk_input as preparation
from pbx_generator.generation import PACKAGE, GenerationFailed
from pbx_kit.contract import overlays_path

__all__ = ["PACKAGE", "GenerationFailed", "generate", "sdk_input", "source_files"]


def generate(work: Path, spec: Path, overlays: Path | None = None) -> Path:
    """`work`/pbx_api generated from the spec file `spec` with the overlays (the repository's by default)."""
    return generation.generate(work, spec, overlays or overlays_path())


def sdk_input(source: Mapping[str, Any], overlays: Path | None = None) -> dict[str, Any]:
    """The document openapi-python-client gets for `source`; `source` is not changed."""
    return preparation.sdk_input(source, overlays or overlays_path())


def source_files() -> Iterator[tuple[str, bytes]]:
    """Each file of the generator (its modules, config, templates and runtime) by its name in the package."""
    yield from _walk(files("pbx_generator"), "pbx_generator")


def _walk(folder: Traversable, name: str) -> Iterator[tuple[str, bytes]]:
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.is_file() and not entry.name.endswith(".pyc"):
            yield f"{name}/{entry.name}", entry.read_bytes()
        elif entry.is_dir() and entry.name not in generation.IGNORED:
            yield from _walk(entry, f"{name}/{entry.name}")

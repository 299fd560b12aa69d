"""The variants of the contract, as overlays/variants.yaml lists them, each made by one function.

A variant is openapi.yaml made into what one consumer reads; `sdk` is the document openapi-python-client gets.
For each variant, variants.yaml names the steps to run before the overlays (`before`), the overlays in order
(`overlays`) and the steps to run after them (`after`); the steps are pbx_kit.variant_steps's. `variant_document`
runs them all, and the generator, `pbx-overlay variant` and `pbx-spec diff` each call it, so they make the same
document, byte for byte once dumped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbx_kit.document import fresh_copy
from pbx_kit.overlay import apply_overlays, load_overlay, read_input
from pbx_kit.variant_steps import STEPS, VariantError

VARIANTS_FILE = "variants.yaml"
"""The file in an overlays folder that names each variant and what makes it, in order."""

__all__ = [
    "VARIANTS_FILE",
    "Variant",
    "VariantError",
    "read_variant",
    "variant_document",
    "variant_file_document",
    "variant_overlays",
]


@dataclass(frozen=True)
class Variant:
    """One variant as variants.yaml states it: its steps and overlay files, in the order they run."""

    name: str
    before: tuple[str, ...]
    overlays: tuple[Path, ...]
    after: tuple[str, ...]


def read_variant(folder: Path | str, name: str) -> Variant:
    """The variant `name` of the overlays folder `folder`; VariantError, one line, if it is not stated right."""
    listing_path = Path(folder) / VARIANTS_FILE
    listing = read_input(listing_path)
    if not isinstance(listing, dict) or not isinstance(listing.get(name), dict):
        known = ", ".join(sorted(listing)) if isinstance(listing, dict) else "none"
        raise VariantError(f"{listing_path}: no variant {name!r} (known: {known})")
    entry = listing[name]
    overlays = entry.get("overlays")
    if not isinstance(overlays, list) or not all(isinstance(n, str) and n.endswith(".overlay.yaml") for n in overlays):
        raise VariantError(f"{listing_path}: {name}.overlays must list *.overlay.yaml file names")
    steps = {part: entry.get(part, []) for part in ("before", "after")}
    for part, names in steps.items():
        if not isinstance(names, list) or not all(isinstance(step, str) for step in names):
            raise VariantError(f"{listing_path}: {name}.{part} must list step names")
        unknown = [step for step in names if step not in STEPS]
        if unknown:
            raise VariantError(
                f"{listing_path}: {name}.{part} names no step {unknown[0]!r} (known: {', '.join(sorted(STEPS))})"
            )
    return Variant(name, tuple(steps["before"]), tuple(Path(folder) / file for file in overlays), tuple(steps["after"]))


def variant_overlays(folder: Path | str, name: str) -> list[Path]:
    """The overlay files that make the variant `name`, in the order variants.yaml states."""
    return list(read_variant(folder, name).overlays)


def variant_document(source: Mapping[str, Any], folder: Path | str, name: str) -> dict[str, Any]:
    """`source` made into the variant `name`: the `before` steps, the overlays, the `after` steps, in order.

    `source` itself is not changed; any failure is an OverlayError (VariantError for a step), one line, and
    nothing is returned half made.
    """
    variant = read_variant(folder, name)
    overlays = [load_overlay(path, _shown(path)) for path in variant.overlays]
    document: dict[str, Any] = fresh_copy(dict(source))
    for step in variant.before:
        document = STEPS[step](document)
    document = apply_overlays(document, overlays)
    for step in variant.after:
        document = STEPS[step](document)
    return document


def variant_file_document(spec: Path | str, folder: Path | str, name: str) -> dict[str, Any]:
    """The variant `name` of the OpenAPI document in the file `spec`."""
    source = read_input(spec)
    if not isinstance(source, dict):
        raise VariantError(f"{spec}: not an OpenAPI document (a mapping at its top)")
    return variant_document(source, folder, name)


def _shown(path: Path) -> str:
    """An overlay's name in messages: relative to the working folder when it is under it."""
    resolved = path.resolve()
    return str(resolved.relative_to(Path.cwd())) if resolved.is_relative_to(Path.cwd()) else str(path)

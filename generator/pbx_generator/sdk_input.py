"""The document openapi-python-client reads: the contract's `sdk` variant, as pbx_kit.variants makes it.

The preparation itself (references into properties inlined, the variant's overlays, parameters' descriptions on
their schemas, every property typed) is the kit's, stated in overlays/variants.yaml, so `pbx-overlay variant sdk`
and `pbx-spec diff` make the same document the SDK is generated from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pbx_kit.overlay import inputs_sha256
from pbx_kit.variants import variant_document, variant_file_document, variant_overlays

VARIANT = "sdk"


def sdk_input(source: Mapping[str, Any], overlays: Path) -> dict[str, Any]:
    """`source` (an OpenAPI document) made into what openapi-python-client gets; `source` is not changed."""
    return variant_document(source, overlays, VARIANT)


def sdk_input_document(spec: Path, overlays: Path) -> dict[str, Any]:
    """The document openapi-python-client gets from the spec file `spec`."""
    return variant_file_document(spec, overlays, VARIANT)


def spec_sha256(spec: Path, overlays: Path) -> str:
    """sha256 of the spec and the variant's overlays: what the generated files say they were made from."""
    return inputs_sha256(spec, variant_overlays(overlays, VARIANT))

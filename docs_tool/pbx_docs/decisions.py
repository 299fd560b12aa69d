"""The decision table, as `pbx_kit.provenance` writes it from openapi.yaml (between its own markers, so that
`python -m pbx_kit.provenance check` reads the same page)."""

from __future__ import annotations

from pbx_kit import provenance
from pbx_kit.contract import load_document


def decision_block() -> str:
    return f"{provenance.TABLE_BEGIN}\n{provenance.decision_table(load_document())}\n{provenance.TABLE_END}"

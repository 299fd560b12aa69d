"""Teaches schemathesis the contract's named formats, so the cases it calls valid carry valid values.

Without it schemathesis generates `iana-time-zone` values as any string, which a faithful server rejects.
Importing this module registers the strategies; it is the hooks module of the conformance suite and of a
bare run: `SCHEMATHESIS_HOOKS=pbx_conformance.schemathesis_hooks schemathesis run openapi.yaml ...`.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

from pbx_kit import formats

schemathesis.openapi.format(formats.TIME_ZONE_FORMAT, st.sampled_from(formats.time_zones()))

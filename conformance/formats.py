"""Teaches schemathesis the contract's named formats, so valid cases carry valid values.

Importing this module registers them; it is also the `hooks` module of the bare `schemathesis run` that
`make bench-conformance` compares the suite with.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st
from pbx_kit import formats

schemathesis.openapi.format(formats.TIME_ZONE_FORMAT, st.sampled_from(formats.time_zones()))

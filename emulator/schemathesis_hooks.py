"""Schemathesis hooks for a bare `schemathesis run` of openapi.yaml.

Load with `SCHEMATHESIS_HOOKS=pbx_emulator.schemathesis_hooks`.

It teaches schemathesis the contract's named string formats, which it would otherwise generate as any
string (and a faithful server rejects). The values come from pbx_kit.formats, as the emulator's checks do.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st
from pbx_kit.formats import TIME_ZONE_FORMAT, time_zones

schemathesis.openapi.format(TIME_ZONE_FORMAT, st.sampled_from(time_zones()))

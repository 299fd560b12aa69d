"""Named formats that openapi.yaml uses beyond JSON Schema's own: `iana-time-zone` and OpenAPI's int32/int64.

The emulator validates with these and the conformance suite generates from them, so both agree on
what a valid value is.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

TIME_ZONE_FORMAT = "iana-time-zone"

# OpenAPI's integer formats bound the value; JSON Schema validators leave them unchecked.
INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@cache
def time_zones() -> tuple[str, ...]:
    """Every name of the IANA time zone database known here, sorted, plus `UTC`."""
    return tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))


def is_time_zone(value: object) -> bool:
    """Whether `value` names a time zone of the IANA database (`Europe/Minsk`, `UTC`)."""
    return isinstance(value, str) and value in _time_zone_set()


@cache
def _time_zone_set() -> frozenset[str]:
    return frozenset(time_zones())

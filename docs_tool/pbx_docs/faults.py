"""The emulator's faults, from `pbx_emulator.faults.FAULTS` (the table `pbx-emulator serve --help` prints too)."""

from __future__ import annotations

from pbx_docs.markdown import code, table
from pbx_emulator.faults import FAULTS


def fault_table() -> str:
    return table(("fault", "what it breaks"), ((code(name), effect) for name, effect in FAULTS.items()))

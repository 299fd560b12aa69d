"""The gate as CI runs it: `make check-breaking` on a repository laid out like this one (RELEASE_ROOT)."""

from __future__ import annotations

import subprocess

from pbx_spec.release import Layout
from tests.repository import ROOT


def make_check_breaking(layout: Layout) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "check-breaking", f"RELEASE_ROOT={layout.root}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

"""Every distribution carries the licence's text, not only the `License-Expression` its metadata states."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from tests.distributions.dist_helpers import distributions
from tests.repository import ROOT


def test_every_wheel_and_sdist_carries_the_license(built: list[Path]) -> None:
    """Every wheel has the repository's LICENSE in its .dist-info/licenses, every sdist at its top."""
    text = (ROOT / "LICENSE").read_bytes()
    assert b"Apache License" in text and b"END OF TERMS AND CONDITIONS" in text
    assert len([file for file in built if file.suffix == ".whl"]) == len(distributions())
    for file in built:
        if file.suffix == ".whl":
            with zipfile.ZipFile(file) as wheel:
                found = [name for name in wheel.namelist() if name.endswith(".dist-info/licenses/LICENSE")]
                assert [wheel.read(name) for name in found] == [text], f"{file.name}: {found}"
        else:
            with tarfile.open(file) as sdist:
                top = sdist.getnames()[0].split("/")[0]
                member = sdist.extractfile(f"{top}/LICENSE")
                assert member is not None and member.read() == text, f"{file.name} has no LICENSE at {top}/"

"""Where the files a distribution carries as package data are: found with importlib.resources, never by walking
from the source tree or the working directory.

pbx-kit carries the contract (`contract_data/openapi.yaml`), its overlays (`contract_data/overlays/`), the Overlay
schemas and Redoc's bundle (`redoc/`); pbx-emulator carries the default seed. In a checkout the kit's are symlinks
to the repository's files (openapi.yaml and overlays/ stay where reviewers and git history see them; Redoc's bundle
comes from the pinned npm package), which the build follows: an sdist and a wheel hold the real files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Names another contract file than the one pbx-kit carries, for every tool and the processes a tool starts.
SPEC_VARIABLE = "PBX_SPEC"


class MissingPackageData(LookupError):
    """A package's data file cannot be had: the package is not installed, or not as files on disk."""


def data_path(package: str, *parts: str) -> Path:
    """The file or folder `parts` of installed `package`'s data, as a real path (symlinks followed)."""
    try:
        resource = files(package).joinpath(*parts)
    except ModuleNotFoundError as error:
        raise MissingPackageData(f"{'/'.join(parts)} is package data of {package}, which is not installed") from error
    if not isinstance(resource, Path):  # a zip import: every tool of the kit reads its data as files on disk
        raise MissingPackageData(f"{package} is not installed as files on disk, so {'/'.join(parts)} has no path")
    return resource.resolve()

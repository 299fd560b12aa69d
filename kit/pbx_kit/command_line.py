"""What every command of the kit's tools shares: `--version` and `--spec PATH` (or `PBX_SPEC`).

`--version` prints the distribution's version and the sha256 of the contract it carries (pbx-kit's
openapi.yaml, the bytes `sha256sum openapi.yaml` reads in the checkout it was built from), so a CI log tells
which contract a run held a server to. `--spec` points a tool at another revision of the contract, such as a
reviewer's branch; `chosen_spec` checks it is a usable OpenAPI document before anything else runs (DocumentError,
one line, exit 2 in every command) and makes it the contract of the process and of the processes it starts.

    add_version_option(parser, "pbx-emulator")
    parser.add_argument("--spec", type=Path, help=SPEC_HELP)
    ...
    spec = chosen_spec(args.spec)   # DocumentError -> print it, exit 2
"""

from __future__ import annotations

# Light imports only (the contract, its validators and importlib.metadata load when asked for): a command such as
# pbx-emulator puts its signal handlers in before anything heavy is loaded.
import argparse
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pbx_kit.package_data import SPEC_VARIABLE

KIT = "pbx-kit"
SPEC_HELP = (
    f"the contract to work against, an OpenAPI document (default: ${SPEC_VARIABLE} when set, "
    "else the contract pbx-kit carries)"
)


def distribution_version(distribution: str) -> str:
    """The installed version of `distribution` (its pyproject.toml's, as the install recorded it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(not installed as a distribution)"


def contract_sha256() -> str:
    """The sha256 of the contract pbx-kit carries, as hex."""
    from pbx_kit import contract

    return hashlib.sha256(contract.DEFAULT_SPEC_PATH.read_bytes()).hexdigest()


def version_line(distribution: str) -> str:
    """`pbx-emulator 1.0.0; contract sha256 9f2c... (pbx-kit 1.0.0)`: what `--version` prints."""
    line = f"{distribution} {distribution_version(distribution)}; contract sha256 {contract_sha256()}"
    return line if distribution == KIT else f"{line} ({KIT} {distribution_version(KIT)})"


class _VersionAction(argparse.Action):
    """argparse's `version` action, with the line made only when asked for (it reads and hashes the contract)."""

    def __init__(self, option_strings: Sequence[str], dest: str, distribution: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, **kwargs)
        self.distribution = distribution

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        print(version_line(self.distribution))
        parser.exit()


def add_version_option(parser: argparse.ArgumentParser, distribution: str) -> None:
    """`--version`: the distribution's version and the sha256 of the contract it carries, then exit 0."""
    parser.add_argument(
        "--version",
        action=_VersionAction,
        distribution=distribution,
        help="print the version and the sha256 of the contract it carries, and exit",
    )


def chosen_spec(given: Path | str | None) -> Path:
    """The contract a command works against: `given` (its --spec), else $PBX_SPEC, else the one pbx-kit carries.

    DocumentError (one line) when it is missing, not an OpenAPI document or not a usable contract. A given path
    becomes the contract of this process and of those it starts (an emulator the suite starts reads the same one)."""
    from pbx_kit import contract

    if given:
        return contract.use_spec(Path(given))
    path = contract.spec_path()
    contract.load_document()  # read (and cached) once: a missing or wrong file is a DocumentError here
    contract.check_usable()  # and one the tools cannot work with
    return path

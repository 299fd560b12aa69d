"""pbx-generate: generate the SDK (generated/pbx_api and its distribution files), or check what is committed.

    pbx-generate            # write generated/ (make generate)
    pbx-generate --check    # regenerate in a temporary folder and compare with generated/ (make check-generated)

Exits 0 when done (or up to date), 1 when generation fails or generated/ differs (with the reason, or a short
diff), 2 for a wrong command line or a --spec that is not an OpenAPI document.

The output folder and the SDK's version file are a checkout's (`generated/`, `generator/sdk-version`, relative to
the working directory, as `make generate` runs it from the repository's root); elsewhere, name both.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pbx_generator.distribution import DISTRIBUTION_FILES, write_distribution
from pbx_generator.drift import check, check_distribution, shown
from pbx_generator.generation import IGNORED, PACKAGE, GenerationFailed, generate_package
from pbx_generator.sdk_input import sdk_input_document, spec_sha256
from pbx_kit.command_line import SPEC_HELP, add_version_option, chosen_spec
from pbx_kit.contract import overlays_path
from pbx_kit.document import DocumentError
from pbx_kit.overlay import OverlayError

DEFAULT_OUTPUT = Path("generated")
DEFAULT_SDK_VERSION = Path("generator") / "sdk-version"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.spec = chosen_spec(args.spec)
    except DocumentError as error:
        print(f"pbx-generate: {error}", file=sys.stderr)
        return 2
    output: Path = args.output
    with tempfile.TemporaryDirectory(prefix="pbx-sdk-") as work:
        try:
            sdk_input = sdk_input_document(args.spec, args.overlays)
            sha256 = spec_sha256(args.spec, args.overlays)
            package = generate_package(Path(work), sdk_input, sha256)
            write_distribution(package.parent, sdk_input, args.sdk_version)
        except (OverlayError, GenerationFailed) as error:
            print(f"pbx-generate: {error}", file=sys.stderr)
            return 1
        if args.check:
            return max(check(package, output / PACKAGE, sha256), check_distribution(package.parent, output))
        # The package is replaced as a whole, so no stale module survives.
        if (output / PACKAGE).exists():
            shutil.rmtree(output / PACKAGE)
        shutil.copytree(package, output / PACKAGE, ignore=shutil.ignore_patterns(*IGNORED))
        for name in DISTRIBUTION_FILES:
            if (package.parent / name).exists():
                shutil.copyfile(package.parent / name, output / name)
            else:
                (output / name).unlink(missing_ok=True)
        print(f"generated {shown(output / PACKAGE)} (spec sha256 {sha256})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pbx-generate", description=__doc__.splitlines()[0])
    add_version_option(parser, "pbx-generator")
    parser.add_argument("--check", action="store_true", help="compare a fresh generation with the output folder")
    parser.add_argument("--spec", type=Path, default=None, help=SPEC_HELP)
    parser.add_argument(
        "--overlays",
        type=Path,
        default=overlays_path(),
        help="the overlays and variants.yaml (default: the overlays pbx-kit carries)",
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="the SDK's project folder (default: %(default)s)"
    )
    parser.add_argument(
        "--sdk-version", type=Path, default=DEFAULT_SDK_VERSION, help="the SDK's version file (default: %(default)s)"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())

"""`pbx-overlay`: apply OpenAPI Overlay documents to a spec.

pbx-overlay apply openapi.yaml overlays/a.overlay.yaml overlays/b.overlay.yaml -o out.yaml
pbx-overlay variant sdk -o out.yaml        # the variant `sdk` as overlays/variants.yaml makes it: its steps
                                           # and overlays, in order (what the SDK is generated from)
pbx-overlay hash sdk                       # sha256 of openapi.yaml and the variant's overlays

`variant` and `hash` work on the contract and the overlays pbx-kit carries unless told otherwise (`--spec` or
$PBX_SPEC, `--overlays-dir`). Exit 1 when an overlay cannot be applied, 2 when a document (the spec, an overlay,
variants.yaml) cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pbx_kit.command_line import KIT, SPEC_HELP, add_version_option, chosen_spec
from pbx_kit.contract import overlays_path
from pbx_kit.document import DocumentError, dump_document
from pbx_kit.overlay import OverlayError, UnreadableInput, apply_files, inputs_sha256
from pbx_kit.variants import variant_file_document, variant_overlays


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command != "apply":
            args.spec = chosen_spec(args.spec)
    except DocumentError as error:
        print(f"pbx-overlay: {error}", file=sys.stderr)
        return 2
    try:
        if args.command == "apply":
            return _write(dump_document(apply_files(args.spec, args.overlays, Path.cwd())), args.output)
        if args.command == "hash":
            print(inputs_sha256(args.spec, variant_overlays(args.overlays_dir, args.variant)))
            return 0
        return _write(dump_document(variant_file_document(args.spec, args.overlays_dir, args.variant)), args.output)
    except UnreadableInput as error:
        print(f"pbx-overlay: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # an overlay variants.yaml names, read for its hash
        print(f"pbx-overlay: {error.filename}: cannot read it: {error.strerror}", file=sys.stderr)
        return 2
    except OverlayError as error:
        print(f"pbx-overlay: {error}", file=sys.stderr)
        return 1


def _write(text: str, output: str | None) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a document.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pbx-overlay", description="Apply OpenAPI Overlay documents to a spec.")
    add_version_option(parser, KIT)
    commands = parser.add_subparsers(dest="command", required=True)

    apply = commands.add_parser("apply", help="apply overlay files, in the order given")
    apply.add_argument("spec", help="the OpenAPI document")
    apply.add_argument("overlays", nargs="+", help="*.overlay.yaml files, applied in this order")
    apply.add_argument("-o", "--output", help="where to write the result (default: standard output)")

    for name, help_text in (
        ("variant", "make a variant as variants.yaml states it: its steps and overlays, in order"),
        ("hash", "print the sha256 of the spec and a variant's overlays"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("variant", help="a variant named in variants.yaml, such as sdk")
        command.add_argument("--spec", type=Path, default=None, help=SPEC_HELP)
        command.add_argument(
            "--overlays-dir",
            type=Path,
            default=overlays_path(),
            help="folder with variants.yaml (default: the overlays pbx-kit carries)",
        )
        if name == "variant":
            command.add_argument("-o", "--output", help="where to write the result (default: standard output)")
    return parser


if __name__ == "__main__":
    sys.exit(main())

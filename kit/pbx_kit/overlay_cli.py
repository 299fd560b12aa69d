"""`pbx-overlay`: apply OpenAPI Overlay documents to a spec.

pbx-overlay apply openapi.yaml overlays/a.overlay.yaml overlays/b.overlay.yaml -o out.yaml
pbx-overlay variant sdk -o out.yaml        # the variant `sdk` as overlays/variants.yaml makes it: its steps
                                           # and overlays, in order (what the SDK is generated from)
pbx-overlay hash sdk                       # sha256 of openapi.yaml and the variant's overlays
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pbx_kit.document import dump_document
from pbx_kit.overlay import OverlayError, apply_files, inputs_sha256
from pbx_kit.variants import variant_file_document, variant_overlays


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "apply":
            return _write(dump_document(apply_files(args.spec, args.overlays, Path.cwd())), args.output)
        if args.command == "hash":
            print(inputs_sha256(args.spec, variant_overlays(args.overlays_dir, args.variant)))
            return 0
        return _write(dump_document(variant_file_document(args.spec, args.overlays_dir, args.variant)), args.output)
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
        command.add_argument("--spec", default="openapi.yaml", help="the OpenAPI document (default: openapi.yaml)")
        command.add_argument("--overlays-dir", default="overlays", help="folder with variants.yaml (default: overlays)")
        if name == "variant":
            command.add_argument("-o", "--output", help="where to write the result (default: standard output)")
    return parser


if __name__ == "__main__":
    sys.exit(main())

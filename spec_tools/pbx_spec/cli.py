"""pbx-spec: what a change to openapi.yaml breaks, the breaking-change gate, and the release step.

    pbx-spec diff BASE [REVISION] [--format markdown|json] [--no-sdk]
    pbx-spec check-breaking       the working tree against released/ (CI's gate)
    pbx-spec release              the SDK version, CHANGELOG.md and released/ for a release

`diff` exits 0 when nothing breaks, 1 when something does, 2 when it could not compare (with the reason).

BASE and REVISION are each a file or a git revision of openapi.yaml (`HEAD~1`, a tag, a commit); REVISION
defaults to the working tree's openapi.yaml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pbx_spec.diff.compare import compare_names
from pbx_spec.diff.revisions import CannotCompare
from pbx_spec.release import Layout, check_breaking, release

EXIT_OK, EXIT_BREAKING, EXIT_CANNOT_COMPARE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pbx-spec", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="the change report between two revisions")
    diff.add_argument("base", help="a file, or a git revision of openapi.yaml (HEAD~1, a tag)")
    diff.add_argument("revision", nargs="?", default=str(Layout().spec), help="default: the working tree's spec")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.add_argument("--no-sdk", action="store_true", help="skip the SDK axis (no generation)")
    check = commands.add_parser("check-breaking", help="fail on a breaking change without a major version bump")
    check.add_argument("--no-sdk", action="store_true", help="skip the SDK axis (no generation)")
    release_command = commands.add_parser("release", help="set the SDK version, write CHANGELOG.md and released/")
    for command in (check, release_command):
        command.add_argument("--root", type=Path, default=Layout().root, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "diff":
            report = compare_names(args.base, args.revision, sdk=not args.no_sdk)
            sys.stdout.write(report.to_json() if args.format == "json" else report.to_markdown())
            return EXIT_BREAKING if report.any_breaking else EXIT_OK
        if args.command == "check-breaking":
            verdict = check_breaking(Layout(args.root), sdk=not args.no_sdk)
            if not verdict.passes:
                sys.stdout.write(verdict.report.to_markdown())
            print(f"check-breaking: {verdict.explain()}", file=sys.stderr)
            return EXIT_OK if verdict.passes else EXIT_BREAKING
        result = release(Layout(args.root))
        if result is None:
            print("release: nothing changed since the released contract; nothing to release", file=sys.stderr)
            return EXIT_OK
        version, report = result
        print(
            f"release: pbx-api {version} ({report.bump}); CHANGELOG.md, generator/sdk-version and "
            f"released/ written; run `make generate` and commit",
            file=sys.stderr,
        )
        return EXIT_OK
    except CannotCompare as error:
        print(f"pbx-spec: cannot compare: {error}", file=sys.stderr)
        return EXIT_CANNOT_COMPARE
    except KeyboardInterrupt:
        print("pbx-spec: interrupted", file=sys.stderr)
        return EXIT_CANNOT_COMPARE


if __name__ == "__main__":
    sys.exit(main())

"""pbx-spec: what a change to openapi.yaml breaks, the breaking-change gate, and the release step.

    pbx-spec diff BASE [REVISION] [--format markdown|html|json] [--fail-on wire,sdk,server] [--no-sdk] [-o FILE]
    pbx-spec check-breaking       the working tree against released/ (CI's gate)
    pbx-spec release              the SDK version, CHANGELOG.md and released/ for a release

`diff` exits 0 when no axis of --fail-on breaks (all three by default), 1 when one does, 2 when it could not
compare (with the reason). `check-breaking` exits 1 when the suggested bump is major and the SDK's major version
was not raised. Markdown fits a pull-request comment (65,536 characters, with a note when cut); HTML and JSON
are never cut.

BASE and REVISION are each a file or a git revision of openapi.yaml (`HEAD~1`, a tag, a commit); REVISION
defaults to the working tree's openapi.yaml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pbx_spec.diff.changes import Axis
from pbx_spec.diff.compare import compare_names
from pbx_spec.diff.markdown import COMMENT_LIMIT
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import CannotCompare
from pbx_spec.release import Layout, check_breaking, release

EXIT_OK, EXIT_BREAKING, EXIT_CANNOT_COMPARE = 0, 1, 2


def axes(text: str) -> frozenset[Axis]:
    """`wire,sdk,server` (any of them, comma-separated), or `none`."""
    if text.strip() == "none":
        return frozenset()
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in {axis.value for axis in Axis}]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{', '.join(unknown) or 'nothing'}: not an axis (give some of wire, sdk, server, or none)"
        )
    return frozenset(Axis(name) for name in names)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pbx-spec", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="the change report between two revisions")
    diff.add_argument("base", help="a file, or a git revision of openapi.yaml (HEAD~1, a tag)")
    diff.add_argument("revision", nargs="?", default=str(Layout().spec), help="default: the working tree's spec")
    diff.add_argument("--format", choices=("markdown", "html", "json"), default="markdown")
    diff.add_argument(
        "--fail-on",
        type=axes,
        metavar="AXES",
        help="exit 1 when one of these axes breaks: wire, sdk, server, comma-separated, or none (default: all)",
    )
    diff.add_argument("--no-sdk", action="store_true", help="skip the SDK axis (no generation)")
    diff.add_argument("-o", "--output", type=Path, help="write the report to this file instead of stdout")
    check = commands.add_parser("check-breaking", help="fail on a major change without a major version bump")
    check.add_argument("--no-sdk", action="store_true", help="skip the SDK axis (no generation)")
    release_command = commands.add_parser("release", help="set the SDK version, write CHANGELOG.md and released/")
    for command in (check, release_command):
        command.add_argument("--root", type=Path, default=Layout().root, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "diff":
            report = compare_names(args.base, args.revision, sdk=not args.no_sdk)
            _write(_rendered(report, args.format), args.output)
            fail_on = frozenset(Axis) if args.fail_on is None else args.fail_on
            return EXIT_BREAKING if report.fails(fail_on) else EXIT_OK
        if args.command == "check-breaking":
            verdict = check_breaking(Layout(args.root), sdk=not args.no_sdk)
            if not verdict.passes:
                sys.stdout.write(verdict.report.to_markdown(limit=COMMENT_LIMIT))
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
    except OSError as error:
        print(f"pbx-spec: {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_CANNOT_COMPARE
    except KeyboardInterrupt:
        print("pbx-spec: interrupted", file=sys.stderr)
        return EXIT_CANNOT_COMPARE


def _rendered(report: Report, form: str) -> str:
    if form == "json":
        return report.to_json()
    if form == "html":
        return report.to_html()
    return report.to_markdown(limit=COMMENT_LIMIT)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

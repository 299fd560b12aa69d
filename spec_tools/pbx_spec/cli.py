"""pbx-spec: what a change to openapi.yaml breaks, the breaking-change gate, and the release step.

    pbx-spec diff BASE [REVISION] [--format markdown|html|json] [--fail-on wire,sdk,server] [--no-sdk] [-o FILE]
    pbx-spec check-breaking       the working tree against released/ (CI's gate)
    pbx-spec release              the SDK version, CHANGELOG.md and released/ for a release
    pbx-spec release-tool NAME PART --note TEXT    a tool's version bumped, its CHANGELOG.md section

`diff` exits 0 when no axis of --fail-on breaks (all three by default), 1 when one does, 2 when it could not
compare (with the reason). `check-breaking` exits 1 when the suggested bump is major and the SDK's major version
was not raised, 2 when it cannot compare (released/sdk-surface.json, the released SDK's surface, missing or
unreadable; a contract that cannot be read). Markdown fits a pull-request comment (65,536 characters, with a note
when cut); HTML and JSON are never cut.

BASE and REVISION are each a file or a git revision of openapi.yaml (`HEAD~1`, a tag, a commit) in the git
repository of the working directory; REVISION defaults to `--spec` (or $PBX_SPEC), else the contract pbx-kit
carries (in a checkout, the working tree's openapi.yaml). `check-breaking` and `release` work on a checkout,
`--root` (default: the working directory).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pbx_kit.command_line import SPEC_HELP, add_version_option, chosen_spec
from pbx_kit.document import DocumentError
from pbx_spec.diff.changes import Axis
from pbx_spec.diff.compare import compare_names
from pbx_spec.diff.markdown import COMMENT_LIMIT
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import CannotCompare
from pbx_spec.release import Layout, check_breaking, read_version, release, shown
from pbx_spec.tool_release import PARTS, SDK_DISTRIBUTION, pins_moved, release_tool

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
    add_version_option(parser, "pbx-spec-tools")
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="the change report between two revisions")
    diff.add_argument("base", help="a file, or a git revision of openapi.yaml (HEAD~1, a tag)")
    diff.add_argument("revision", nargs="?", default=None, help="default: --spec")
    diff.add_argument("--spec", type=Path, default=None, help=f"the default REVISION: {SPEC_HELP}")
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
    tool_command = commands.add_parser("release-tool", help="bump a tool's version, write its CHANGELOG.md section")
    tool_command.add_argument("name", help="the distribution, such as pbx-emulator")
    tool_command.add_argument("part", choices=PARTS, help="which part of its version to bump")
    tool_command.add_argument("--note", action="append", default=[], help="what changed (repeatable; one at least)")
    for command in (check, release_command, tool_command):
        command.add_argument(
            "--root", type=Path, default=Layout().root, help="the repository (default: the working directory)"
        )
    args = parser.parse_args(argv)
    try:
        if args.command == "diff":
            if args.no_sdk and args.fail_on and Axis.SDK in args.fail_on:
                print(
                    "pbx-spec: --fail-on sdk with --no-sdk: the SDK is not compared, so it never fails", file=sys.stderr
                )
            revision = args.revision or str(chosen_spec(args.spec))
            report = compare_names(args.base, revision, sdk=not args.no_sdk)
            _write(_rendered(report, args.format), args.output)
            fail_on = frozenset(Axis) if args.fail_on is None else args.fail_on
            return EXIT_BREAKING if report.fails(fail_on) else EXIT_OK
        if args.command == "check-breaking":
            verdict = check_breaking(Layout(args.root), sdk=not args.no_sdk)
            if not verdict.passes:
                sys.stdout.write(verdict.report.to_markdown(limit=COMMENT_LIMIT))
            print(f"check-breaking: {verdict.explain()}", file=sys.stderr)
            return EXIT_OK if verdict.passes else EXIT_BREAKING
        if args.command == "release-tool":
            return _release_tool(args)
        sdk_version_before = shown(read_version(Layout(args.root).sdk_version))
        result = release(Layout(args.root))
        if result is None:
            print("release: nothing changed since the released contract; nothing to release", file=sys.stderr)
            return EXIT_OK
        version, report = result
        for path, text in pins_moved(args.root, SDK_DISTRIBUTION, sdk_version_before, version).items():
            path.write_text(text, encoding="utf-8")
        print(
            f"release: pbx-api {version} ({report.bump}); CHANGELOG.md, generator/sdk-version and "
            f"released/ written; run `make generate` and commit",
            file=sys.stderr,
        )
        return EXIT_OK
    except (CannotCompare, DocumentError) as error:
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


def _release_tool(args: argparse.Namespace) -> int:
    try:
        old, new = release_tool(Layout(args.root), args.name, args.part, args.note)
    except CannotCompare as error:
        print(f"pbx-spec release-tool: {error}", file=sys.stderr)
        return EXIT_CANNOT_COMPARE
    print(f"release-tool: {args.name} {old} -> {new}; its pyproject.toml, CHANGELOG.md and pinned commands written")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The last released contract, the SDK's version, and the changelog.

- `released/openapi.yaml`: the contract as last released; `released/sdk-version`: the SDK version it went out as;
  `released/sdk-surface.json`: the public API of the SDK it went out as (a griffe dump, `surface.dump_package`).
- `generator/sdk-version`: the version the next `make generate` gives the SDK (generated/pyproject.toml). Bumping
  its major number is how a breaking change is announced.
- `CHANGELOG.md`: one section per release, newest first, each the change report from the release before.

`check_breaking` is the CI gate: a change whose suggested bump is major (it breaks clients on the wire or code
using the SDK) needs a major bump over the released version. It compares the released contract with the working
tree's (both SDKs made by today's generator), and the released SDK's surface with today's SDK, so a change of the
runtime or the templates that breaks callers fails it too. `release` records a release: the version (bumped as
the report suggests, unless it was bumped further by hand), the changelog entry, the released contract and the
released SDK's surface.
"""

from __future__ import annotations

import datetime
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pbx_spec.diff.changes import Axis, Bump, Change
from pbx_spec.diff.compare import compare
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import CannotCompare, Revision, load_revision
from pbx_spec.diff.sdk_surface import generated_package, surface_of
from pbx_spec.diff.surface import Surface, compare_surfaces, dump_package, load_dump

VERSION_PATTERN = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "One section per distribution and version, newest first. A `pbx-api` section (the generated SDK) is the change\n"
    "report (`pbx-spec diff`) from the release before, written by `make release`; a tool's section (`pbx-kit`,\n"
    "`pbx-emulator`, `pbx-conformance`, `pbx-generator`, `pbx-spec-tools`) is written by `make release-tool`.\n"
)


@dataclass(frozen=True)
class Layout:
    """Where a repository keeps its contract, its last release and its changelog: a checkout, by default the
    working directory (`make release` and `make check-breaking` run from the repository's root; tests point it
    elsewhere)."""

    root: Path = Path(".")

    @property
    def spec(self) -> Path:
        return self.root / "openapi.yaml"

    @property
    def released_spec(self) -> Path:
        return self.root / "released" / "openapi.yaml"

    @property
    def released_version(self) -> Path:
        return self.root / "released" / "sdk-version"

    @property
    def released_surface(self) -> Path:
        return self.root / "released" / "sdk-surface.json"

    @property
    def sdk_version(self) -> Path:
        return self.root / "generator" / "sdk-version"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"


def read_version(path: Path) -> tuple[int, int, int]:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CannotCompare(f"{path}: cannot be read ({error.strerror})") from error
    return parse_version(text, str(path))


def parse_version(text: str, where: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as three numbers; CannotCompare naming `where` when `text` is not one."""
    match = VERSION_PATTERN.match(text)
    if not match:
        raise CannotCompare(f"{where}: {text!r} is not a version MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def shown(version: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in version)


def bumped(version: tuple[int, int, int], bump: str) -> tuple[int, int, int]:
    major, minor, patch = version
    if bump == "major":
        return major + 1, 0, 0
    if bump == "minor":
        return major, minor + 1, 0
    return major, minor, patch + 1


@dataclass
class Verdict:
    report: Report
    released: tuple[int, int, int]
    current: tuple[int, int, int]

    @property
    def major(self) -> bool:
        return self.report.bump is Bump.MAJOR

    @property
    def passes(self) -> bool:
        return not self.major or self.current[0] > self.released[0]

    def explain(self) -> str:
        servers = self.report.breaking_count(Axis.SERVER)
        provider = (
            f"; {servers} change(s) break servers under conformance only (the provider's to follow, no reason "
            f"for a major release)"
            if servers and not self.major
            else ""
        )
        if not self.major:
            return (
                f"nothing breaks clients on the wire or code using the SDK since the release (SDK "
                f"{shown(self.released)}; suggested bump: {self.report.bump}){provider}"
            )
        if self.passes:
            return (
                f"breaking changes since SDK {shown(self.released)}, announced by the major bump to "
                f"{shown(self.current)}; `make release` records the release and writes the changelog"
            )
        return (
            f"changes since the release (SDK {shown(self.released)}) that break clients on the wire or code using "
            f"the SDK, and no major version bump: undo them, or announce them by bumping the SDK's major version "
            f"(`make release` does it and writes the changelog; or edit generator/sdk-version to "
            f"{shown(bumped(self.released, 'major'))})"
        )


def check_breaking(layout: Layout = Layout(), *, sdk: bool = True, surface_required: bool = True) -> Verdict:
    released, current = load_revision(str(layout.released_spec)), load_revision(str(layout.spec))
    report = compare(released, current, sdk=sdk)
    report.base, report.revision = "the released contract", "the working tree"
    if sdk:
        since_release = released_sdk_changes(layout, current, report.changes, required=surface_required)
        if since_release is None:
            report.notes.append(f"{layout.released_surface.name} is missing: the released SDK was not compared")
        else:
            report.extend(since_release)
            report.released_sdk_compared = True
    return Verdict(report, read_version(layout.released_version), read_version(layout.sdk_version))


def released_sdk_changes(
    layout: Layout, current: Revision, found: list[Change], *, required: bool = True
) -> list[Change] | None:
    """The changes from the released SDK's surface to the SDK today's generator makes of `current`, less those the
    comparison of the two contracts already `found`: what the runtime, the templates or the generator changed."""
    try:
        text = layout.released_surface.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise CannotCompare(
                f"{layout.released_surface}: missing; it holds the released SDK's surface (`make release` writes "
                f"it), without which the gate cannot see a change of the SDK's runtime or templates"
            ) from None
        return None
    except OSError as error:
        raise CannotCompare(f"{layout.released_surface}: cannot be read ({error.strerror})") from error
    old = Surface(load_dump(text, str(layout.released_surface)))
    new = surface_of(generated_package(current))
    seen = {(change.rule, change.message) for change in found if change.sdk is not None}
    return [change for change in compare_surfaces(old, new, "released") if (change.rule, change.message) not in seen]


def release(layout: Layout = Layout(), *, today: datetime.date | None = None) -> tuple[str, Report] | None:
    """Record a release; returns the new version and its report, or None when nothing changed."""
    verdict = check_breaking(layout, surface_required=False)
    report = verdict.report
    if not report.changes:
        return None
    suggested = bumped(verdict.released, report.bump)
    version = max(suggested, verdict.current)
    title = f"pbx-api {shown(version)} ({(today or datetime.date.today()).isoformat()})"
    entry = report.to_markdown(title)
    old = layout.changelog.read_text(encoding="utf-8") if layout.changelog.exists() else CHANGELOG_HEADER
    head, _, rest = old.partition("\n## ")
    changelog = f"{head.rstrip()}\n\n{entry.rstrip()}\n" + (f"\n## {rest}" if rest else "")
    layout.changelog.write_text(changelog, encoding="utf-8")
    layout.sdk_version.write_text(shown(version) + "\n", encoding="utf-8")
    layout.released_version.write_text(shown(version) + "\n", encoding="utf-8")
    shutil.copyfile(layout.spec, layout.released_spec)
    write_released_surface(layout)
    return shown(version), report


def write_released_surface(layout: Layout, spec: Path | None = None) -> None:
    """released/sdk-surface.json: the public API of the SDK the release ships, generated from its contract
    (`spec`, the working tree's by default)."""
    package = generated_package(load_revision(str(spec or layout.spec)))
    layout.released_surface.write_text(dump_package(package), encoding="utf-8")

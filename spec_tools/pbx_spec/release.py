"""The last released contract, the SDK's version, and the changelog.

- `released/openapi.yaml`: the contract as last released; `released/sdk-version`: the SDK version it went out as.
- `generator/sdk-version`: the version the next `make generate` gives the SDK (generated/pyproject.toml). Bumping
  its major number is how a breaking change is announced.
- `CHANGELOG.md`: one section per release, newest first, each the change report from the release before.

`check_breaking` is the CI gate: a change that breaks any axis needs a major bump over the released version.
`release` records a release: the version (bumped as the report suggests, unless it was bumped further by hand),
the changelog entry and the released contract.
"""

from __future__ import annotations

import datetime
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pbx_kit.contract import ROOT
from pbx_spec.diff.compare import compare
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import CannotCompare, load_revision

VERSION_PATTERN = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
CHANGELOG_HEADER = (
    "# Changelog of pbx-api, the generated SDK\n\n"
    "Each section is the change report (`pbx-spec diff`) from the release before; `make release` writes it.\n"
)


@dataclass(frozen=True)
class Layout:
    """Where a repository keeps its contract, its last release and its changelog (tests point it elsewhere)."""

    root: Path = ROOT

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
    match = VERSION_PATTERN.match(text)
    if not match:
        raise CannotCompare(f"{path}: {text!r} is not a version MAJOR.MINOR.PATCH")
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
    def passes(self) -> bool:
        return not self.report.any_breaking or self.current[0] > self.released[0]

    def explain(self) -> str:
        if not self.report.any_breaking:
            return f"nothing breaks since the released contract (SDK {shown(self.released)})"
        if self.passes:
            return (
                f"breaking changes since SDK {shown(self.released)}, announced by the major bump to "
                f"{shown(self.current)}; `make release` records the release and writes the changelog"
            )
        return (
            f"breaking changes since the released contract (SDK {shown(self.released)}) and no major version bump: "
            f"undo them, or announce them by bumping the SDK's major version (`make release` does it and writes "
            f"the changelog; or edit generator/sdk-version to {shown(bumped(self.released, 'major'))})"
        )


def check_breaking(layout: Layout = Layout(), *, sdk: bool = True) -> Verdict:
    report = compare(load_revision(str(layout.released_spec)), load_revision(str(layout.spec)), sdk=sdk)
    report.base, report.revision = "the released contract", "the working tree"
    return Verdict(report, read_version(layout.released_version), read_version(layout.sdk_version))


def release(layout: Layout = Layout(), *, today: datetime.date | None = None) -> tuple[str, Report] | None:
    """Record a release; returns the new version and its report, or None when nothing changed."""
    verdict = check_breaking(layout)
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
    return shown(version), report

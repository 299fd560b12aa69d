"""Compare two revisions on all three axes: the wire and server rules, then the two generated SDKs."""

from __future__ import annotations

from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import Revision, load_revision
from pbx_spec.diff.rules import compare_documents
from pbx_spec.diff.sdk_surface import compare_sdks


def compare(base: Revision, revision: Revision, *, sdk: bool = True) -> Report:
    changes = compare_documents(base, revision)
    if sdk:
        changes.extend(compare_sdks(base, revision))
    return Report(base.label, revision.label, changes, sdk_compared=sdk)


def compare_names(base: str, revision: str, *, sdk: bool = True) -> Report:
    """`base` and `revision` each a file or a git revision of openapi.yaml (raises CannotCompare)."""
    return compare(load_revision(base), load_revision(revision), sdk=sdk)

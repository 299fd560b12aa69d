"""pbx-spec diff on the labelled set (revision_pairs.PAIRS): each pair classified on the three axes, with its bump."""

from __future__ import annotations

import pytest

from pbx_spec.diff.changes import Axis
from pbx_spec.diff.compare import compare
from pbx_spec.diff.findings import Origin
from pbx_spec.diff.markdown import visible_lines
from pbx_spec.diff.revisions import Revision

from .revision_pairs import PAIRS, Pair

pytestmark = pytest.mark.slow


def test_the_set_covers_every_axis_and_bump() -> None:
    assert len({pair.edit for pair in PAIRS}) == len(PAIRS) >= 100
    assert len({pair.name for pair in PAIRS}) == len(PAIRS)
    assert {pair.bump for pair in PAIRS} == {"major", "minor", "patch"}
    for axis in ("wire", "server", "sdk"):
        assert {getattr(pair, axis) for pair in PAIRS} == {True, False}, f"pairs both break and keep {axis}"
    assert all(pair.why.strip() for pair in PAIRS), "every label says why"


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_pair_is_classified_on_every_axis(pair: Pair, base: Revision, revisions: dict[str, Revision]) -> None:
    report = compare(base, revisions[pair.name])
    shown = report.to_markdown()
    assert report.breaking(Axis.WIRE) is pair.wire, shown
    assert report.breaking(Axis.SERVER) is pair.server, shown
    assert report.breaking(Axis.SDK) is pair.sdk, shown
    assert report.bump == pair.bump, shown
    rules = {change.rule for change in report.changes}
    assert set(pair.rules) <= rules, shown
    if pair.no_changes:
        assert report.changes == [], shown
    for change in report.changes:
        if change.pointer is not None:
            assert change.line is not None, f"{change.rule} at {change.pointer} has no line"
        else:
            assert change.where, f"{change.rule} says neither pointer nor where"
        for why in change.breaks.values():
            assert why and why[0].islower(), "each broken axis says why"
    # One edit reads in one screen, and its SDK changes are traced to the change on the wire when there is one.
    assert len(visible_lines(shown)) <= 40, shown
    if pair.rules:
        assert not [finding for finding in report.findings if finding.origin is Origin.SDK], shown

"""pbx-spec diff on revision pairs made from openapi.yaml: each classified on the three axes, with its bump."""

from __future__ import annotations

import pytest

from pbx_spec.diff.changes import Axis
from pbx_spec.diff.compare import compare
from pbx_spec.diff.revisions import Revision

from .revision_pairs import PAIRS, Pair

pytestmark = pytest.mark.slow


def test_there_are_at_least_thirty_kinds_of_change() -> None:
    assert len({pair.edit for pair in PAIRS}) >= 30
    assert {pair.bump for pair in PAIRS} == {"major", "minor", "patch"}
    for axis in ("wire", "server", "sdk"):
        assert {getattr(pair, axis) for pair in PAIRS} == {True, False}, f"pairs both break and keep {axis}"


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

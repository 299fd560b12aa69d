"""A thin pass goes through one case per rule, the rules shared out among the check's operations; the second pass
goes through exactly the cases the first left out; a full pass through every case."""

from __future__ import annotations

from pbx_conformance.depth import CaseSelection, Depth

CASES = [("a", 1), ("a", 2), ("b", 3), ("c", 4), ("c", 5), ("a", 6)]


def rule(case: tuple[str, int]) -> str:
    return case[0]


def test_a_full_pass_goes_through_every_case():
    assert CaseSelection(Depth.FULL).select(CASES, rule) == CASES


def test_a_thin_pass_shares_one_case_per_rule_out_among_the_operations():
    first = CaseSelection(Depth.THIN, slot=0, slots=2)
    second = CaseSelection(Depth.THIN, slot=1, slots=2)
    assert first.select(CASES, rule) == [("a", 1), ("c", 4)]
    assert second.select(CASES, rule) == [("b", 3)]
    assert (first.chosen, first.left_out) == (2, 4)
    alone = CaseSelection(Depth.THIN, slot=0, slots=1)
    assert alone.select(CASES, rule) == [("a", 1), ("b", 3), ("c", 4)]


def test_an_operation_past_the_rules_still_gets_one_case():
    selection = CaseSelection(Depth.THIN, slot=3, slots=4)
    assert selection.select(CASES, rule) == [("a", 1)]
    assert CaseSelection(Depth.THIN, slot=0, slots=4).select([], rule) == []


def test_the_rest_pass_goes_through_what_the_thin_pass_left_out():
    for slot in range(3):
        thin = CaseSelection(Depth.THIN, slot, 3).select(CASES, rule)
        rest = CaseSelection(Depth.REST, slot, 3).select(CASES, rule)
        assert sorted(thin + rest) == sorted(CASES) and not set(thin) & set(rest)

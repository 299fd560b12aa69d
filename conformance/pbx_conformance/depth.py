"""How deep a scenario check goes: every case, one case per rule (thin), or the cases a thin pass left out (rest).

A check that tries many cases (fields, values, tokens, applications) asks `session.cases(items, rule)`, where
`rule(item)` names the rule the case holds (a kind of text, a kind of near-miss, a way to write the scheme). A run
first goes through every check thinly, so each promise is checked at least once however small the budget; then,
while the budget allows, it goes through each check again for the cases it left out (see scenario_runner).

Thin means one case per rule, the rules shared out among the operations of one method the check runs on: with
rules a, b, c on two operations, the first gets a and c, the second b; an operation that would get none gets one
anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

Item = TypeVar("Item")


class Depth(StrEnum):
    FULL = "full"  # every case
    THIN = "thin"  # one case per rule, shared out among the check's operations
    REST = "rest"  # the cases the thin pass left out


@dataclass
class CaseSelection:
    """Which cases a check runs now: its depth, and the operation's place (`slot`) among the `slots` it runs on."""

    depth: Depth = Depth.FULL
    slot: int = 0
    slots: int = 1
    # Cases the thin pass chose and left out on this operation, summed over every `select` of the check.
    chosen: int = 0
    left_out: int = 0

    def select(self, items: Sequence[Item], rule: Callable[[Item], Hashable]) -> list[Item]:
        if self.depth is Depth.FULL:
            return list(items)
        thin = self._thin(items, rule)
        if self.depth is Depth.THIN:
            self.chosen += len(thin)
            self.left_out += len(items) - len(thin)
            return [items[index] for index in thin]
        return [item for index, item in enumerate(items) if index not in thin]

    def _thin(self, items: Sequence[Item], rule: Callable[[Item], Hashable]) -> set[int]:
        first: dict[Hashable, int] = {}
        for index, item in enumerate(items):
            first.setdefault(rule(item), index)
        rules = list(first.values())
        if not rules:
            return set()
        mine = {rules[index] for index in range(self.slot, len(rules), self.slots)}
        return mine or {rules[self.slot % len(rules)]}

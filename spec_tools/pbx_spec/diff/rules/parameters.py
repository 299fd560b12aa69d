"""Parameter rules: the path, query, header and cookie parameters of an operation (its own and its path item's).

A parameter is known by where it goes and its name (a header's name in lower case). A path parameter goes with its
path, which the operation rules compare.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Axis, Change, Direction, Effect, Kind
from pbx_spec.diff.normalized import follow
from pbx_spec.diff.rules.context import Comparison, OperationPair, Pair
from pbx_spec.diff.rules.documentation import deprecation_changed, documentation_changed
from pbx_spec.diff.rules.schemas import compare_schemas

SERIALIZATION_KEYWORDS = ("style", "explode", "allowReserved")
Parameters = dict[tuple[str, str], tuple[Mapping[str, Any], str]]  # (in, name) -> (parameter, pointer)


def parameters_changed(operation: OperationPair) -> Iterator[Change]:
    old = _parameters(operation.comparison.old_document, operation.old_item, operation.old, operation.old_at)
    new = _parameters(operation.comparison.new_document, operation.new_item, operation.new, operation.new_at)
    request = operation.comparison.at(direction=Direction.REQUEST)
    yield from parameter_removed(request, old, new)
    yield from parameter_added(request, old, new)
    for key in sorted(old.keys() & new.keys()):
        (old_parameter, old_pointer), (new_parameter, new_pointer) = old[key], new[key]
        yield from parameter_changed(request, key, Pair(old_parameter, new_parameter, old_pointer, new_pointer))


def parameter_removed(request: Comparison, old: Parameters, new: Parameters) -> Iterator[Change]:
    for key in old.keys() - new.keys():
        where, name = key
        if where == "path":
            continue  # a path parameter only goes with its path, compared with the operation
        yield request.change(
            "parameter-removed",
            f"{where} parameter `{name}` removed",
            old[key][1],
            side="base",
            breaks={Axis.WIRE: "a client still sending it may be refused"},
        )


def parameter_added(request: Comparison, old: Parameters, new: Parameters) -> Iterator[Change]:
    for key in new.keys() - old.keys():
        where, name = key
        parameter, pointer = new[key]
        if parameter.get("required"):
            yield request.schema_change(
                "required-parameter-added", f"required {where} parameter `{name}` added", pointer, Effect.NARROWED
            )
        else:
            yield request.change(
                "optional-parameter-added",
                f"optional {where} parameter `{name}` added",
                pointer,
                kind=Kind.ADDITION,
                breaks={
                    Axis.SERVER: "the suite sends invalid values of it "
                    "and a BASE server, not knowing it, does not reject them"
                },
            )


def parameter_changed(request: Comparison, key: tuple[str, str], parameter: Pair) -> Iterator[Change]:
    """One parameter in both revisions: its documentation, whether it is required, how it is written, its schema."""
    where, name = key
    yield from documentation_changed(request, parameter)
    yield from deprecation_changed(request, parameter)
    was, now = bool(parameter.old.get("required")), bool(parameter.new.get("required"))
    if was != now:
        yield request.schema_change(
            "parameter-became-required" if now else "parameter-became-optional",
            f"{where} parameter `{name}` became {'required' if now else 'optional'}",
            parameter.new_at,
            Effect.NARROWED if now else Effect.WIDENED,
        )
    for keyword in SERIALIZATION_KEYWORDS:
        if parameter.old.get(keyword) != parameter.new.get(keyword):
            yield request.schema_change(
                f"parameter-{keyword.lower()}-changed",
                f"{where} parameter `{name}`: `{keyword}` changed",
                parameter.new_at,
                Effect.BOTH,
            )
    if "schema" in parameter.old and "schema" in parameter.new:
        compare_schemas(
            request,
            parameter.old["schema"],
            f"{parameter.old_at}/schema",
            parameter.new["schema"],
            f"{parameter.new_at}/schema",
        )


def _parameters(
    document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any], operation_at: str
) -> Parameters:
    """The parameters that apply to an operation: its path item's, then its own (which override them)."""
    found: Parameters = {}
    for source, at in ((item, operation_at.rsplit("/", 1)[0]), (operation, operation_at)):
        for index, raw in enumerate(source.get("parameters", [])):
            parameter, pointer = follow(document, raw, f"{at}/parameters/{index}")
            key = (parameter.get("in", ""), parameter.get("name", ""))
            if key[0] == "header":
                key = (key[0], key[1].lower())
            found[key] = (parameter, pointer)
    return found

"""Operation rules: operations added, removed or moved, and what each operation in both revisions says.

Paths are matched by their shape (`/client/{id}/` is `/client/{client_id}/`), operations by path and method; an
operation left over on each side with the same method and `operationId` has moved to another path. An operation
in both revisions goes through OPERATION_RULES, each given the pair of operations being compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pbx_kit.contract import HTTP_METHODS
from pbx_spec.diff.changes import Axis, Change, Kind
from pbx_spec.diff.normalized import follow
from pbx_spec.diff.rules.bodies import request_body_changed
from pbx_spec.diff.rules.context import Comparison, OperationPair, pointer_to
from pbx_spec.diff.rules.documentation import deprecation_changed, documentation_changed
from pbx_spec.diff.rules.parameters import parameters_changed
from pbx_spec.diff.rules.responses import responses_changed
from pbx_spec.diff.rules.security import security_requirements_changed

_PATH_PARAMETER = re.compile(r"\{[^}/]+\}")
OperationRule = Callable[[OperationPair], Iterator[Change]]


def paths_changed(comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for old_path, new_path, method in _matched_operations(old, new):
        yield from operation_changed(comparison, old_path, new_path, method)


def _matched_operations(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str | None, str | None, str]]:
    """(BASE's path, REVISION's path, method) of every operation; None where the operation is not."""
    old_paths = {_path_shape(path): path for path in old.get("paths", {})}
    new_paths = {_path_shape(path): path for path in new.get("paths", {})}
    matched: list[tuple[str | None, str | None, str]] = []
    for shape in sorted(old_paths.keys() | new_paths.keys()):
        old_path, new_path = old_paths.get(shape), new_paths.get(shape)
        old_item = _item(old, old_path)
        new_item = _item(new, new_path)
        for method in HTTP_METHODS:
            if method in old_item or method in new_item:
                was = old_path if method in old_item else None
                matched.append((was, new_path if method in new_item else None, method))
    removed = {
        (method, _operation_id(old, path, method)): index
        for index, (path, now, method) in enumerate(matched)
        if now is None
    }
    for index, (was, path, method) in enumerate(matched):
        key = (method, _operation_id(new, path, method))
        if was is None and key[1] is not None and key in removed:  # moved: the same operation at another path
            old_index = removed.pop(key)
            matched[index] = (matched[old_index][0], path, method)
            matched[old_index] = (None, None, method)
    return [entry for entry in matched if entry[0] is not None or entry[1] is not None]


def _item(document: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    return follow(document, document["paths"][path], "")[0] if path is not None else {}


def _operation_id(document: Mapping[str, Any], path: str | None, method: str) -> str | None:
    operation = _item(document, path).get(method)
    return operation.get("operationId") if isinstance(operation, Mapping) else None


def _path_shape(path: str) -> str:
    # `/client/{id}/` and `/client/{client_id}/` are the same endpoint.
    return _PATH_PARAMETER.sub("{}", path)


def operation_changed(
    comparison: Comparison, old_path: str | None, new_path: str | None, method: str
) -> Iterator[Change]:
    """The operation `method` of a path in both revisions (`None`: the path is not in that revision)."""
    old_item = comparison.old_document["paths"][old_path] if old_path else {}
    new_item = comparison.new_document["paths"][new_path] if new_path else {}
    old_operation, new_operation = old_item.get(method), new_item.get(method)
    label = f"{method.upper()} {new_path or old_path}"
    if old_operation is None:
        operation_id = (new_operation or {}).get("operationId", label)
        yield comparison.at(operation=operation_id).change(
            "operation-added",
            f"operation `{operation_id}` added",
            pointer_to("paths", str(new_path), method),
            kind=Kind.ADDITION,
            breaks={Axis.SERVER: "a BASE server does not serve it, and the suite calls it"},
        )
        return
    operation_id = old_operation.get("operationId", label)
    here = comparison.at(operation=operation_id)
    old_at, new_at = pointer_to("paths", str(old_path), method), pointer_to("paths", str(new_path), method)
    if new_operation is None:
        yield here.change(
            "operation-removed",
            f"operation `{operation_id}` removed",
            old_at,
            side="base",
            breaks={Axis.WIRE: "a client calling it gets an error"},
        )
        return
    operation = OperationPair(
        old_operation, new_operation, old_at, new_at, str(old_path), str(new_path), old_item, new_item, here
    )
    for rule in OPERATION_RULES:
        yield from rule(operation)


def path_moved(operation: OperationPair) -> Iterator[Change]:
    if _path_shape(operation.old_path) != _path_shape(operation.new_path):
        yield operation.comparison.change(
            "operation-moved",
            f"`{operation.new_at.rsplit('/', 1)[-1].upper()}` moved from `{operation.old_path}` to "
            f"`{operation.new_path}`",
            operation.new_at,
            breaks={
                Axis.WIRE: "a client calling the old path gets an error",
                Axis.SERVER: "a BASE server serves the old path, and the suite calls the new one",
            },
        )


def path_parameter_renamed(operation: OperationPair) -> Iterator[Change]:
    # Only the names between braces differ: the URLs are the same, the SDK's parameter names may not be.
    was, now = _PATH_PARAMETER.findall(operation.old_path), _PATH_PARAMETER.findall(operation.new_path)
    if _path_shape(operation.old_path) == _path_shape(operation.new_path) and was != now:
        renamed = ", ".join(f"`{old}` to `{new}`" for old, new in zip(was, now, strict=True) if old != new)
        yield operation.comparison.change(
            "path-parameter-renamed",
            f"path parameter renamed from {renamed} (the same URLs; the SDK axis decides)",
            pointer_to("paths", operation.new_path),
            subjects=tuple(name.strip("{}") for name in now),
        )


def operation_id_changed(operation: OperationPair) -> Iterator[Change]:
    was, now = operation.old.get("operationId"), operation.new.get("operationId")
    if was != now:
        yield operation.comparison.change(
            "operation-id-changed",
            f"`operationId` changed from `{was}` to `{now}` (nothing on the wire; the SDK axis decides)",
            f"{operation.new_at}/operationId",
            subjects=(str(now),),
        )


def operation_documentation_changed(operation: OperationPair) -> Iterator[Change]:
    yield from documentation_changed(operation.comparison, operation)


def operation_deprecation_changed(operation: OperationPair) -> Iterator[Change]:
    yield from deprecation_changed(operation.comparison, operation)


def operation_tags_changed(operation: OperationPair) -> Iterator[Change]:
    was, now = operation.old.get("tags") or [], operation.new.get("tags") or []
    if was != now:
        # Documentation on the wire, but the SDK groups its modules by tag (the SDK axis decides).
        yield operation.comparison.change(
            "operation-tags-changed",
            f"tags changed from {was} to {now}",
            f"{operation.new_at}/tags",
            kind=Kind.DOCUMENTATION,
            subjects=tuple(str(tag) for tag in [*was, *now]),
        )


OPERATION_RULES: tuple[OperationRule, ...] = (
    path_moved,
    path_parameter_renamed,
    operation_id_changed,
    operation_documentation_changed,
    operation_deprecation_changed,
    operation_tags_changed,
    security_requirements_changed,
    parameters_changed,
    request_body_changed,
    responses_changed,
)

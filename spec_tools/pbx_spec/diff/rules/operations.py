"""Operation rules: operations added, removed or moved, and what each operation in both revisions says.

Paths are matched by their shape (`/client/{id}/` is `/client/{client_id}/`), operations by path and method. An
operation in both revisions goes through OPERATION_RULES, each given the pair of operations being compared.
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
    old_paths = {_path_shape(path): path for path in old.get("paths", {})}
    new_paths = {_path_shape(path): path for path in new.get("paths", {})}
    for shape in old_paths.keys() | new_paths.keys():
        old_path, new_path = old_paths.get(shape), new_paths.get(shape)
        old_item = follow(old, old["paths"][old_path], "")[0] if old_path else {}
        new_item = follow(new, new["paths"][new_path], "")[0] if new_path else {}
        for method in HTTP_METHODS:
            if method in old_item or method in new_item:
                yield from operation_changed(comparison, old_path, new_path, method)


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
            f"operation `{operation_id}` ({label}) added",
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
            f"operation `{operation_id}` ({label}) removed",
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


def path_renamed(operation: OperationPair) -> Iterator[Change]:
    if operation.old_path != operation.new_path:
        yield operation.comparison.change(
            "path-renamed",
            f"path `{operation.old_path}` is now `{operation.new_path}`",
            pointer_to("paths", operation.new_path),
            breaks={
                Axis.WIRE: "a client calling the old path gets an error",
                Axis.SERVER: "a BASE server serves the old path",
            },
        )


def operation_id_changed(operation: OperationPair) -> Iterator[Change]:
    was, now = operation.old.get("operationId"), operation.new.get("operationId")
    if was != now:
        yield operation.comparison.change(
            "operation-id-changed",
            f"`operationId` changed from `{was}` to `{now}` (nothing on the wire; the SDK axis decides)",
            f"{operation.new_at}/operationId",
        )


def operation_documentation_changed(operation: OperationPair) -> Iterator[Change]:
    yield from documentation_changed(operation.comparison, operation)


def operation_deprecation_changed(operation: OperationPair) -> Iterator[Change]:
    yield from deprecation_changed(operation.comparison, operation)


def operation_tags_changed(operation: OperationPair) -> Iterator[Change]:
    if operation.old.get("tags") != operation.new.get("tags"):
        yield operation.comparison.change(
            "operation-tags-changed", "tags changed", f"{operation.new_at}/tags", kind=Kind.DOCUMENTATION
        )


OPERATION_RULES: tuple[OperationRule, ...] = (
    path_renamed,
    operation_id_changed,
    operation_documentation_changed,
    operation_deprecation_changed,
    operation_tags_changed,
    security_requirements_changed,
    parameters_changed,
    request_body_changed,
    responses_changed,
)

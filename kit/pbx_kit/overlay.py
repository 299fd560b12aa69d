"""A small, strict applier of OpenAPI Overlay documents (Overlay 1.0, plus the `copy` action of 1.1).

Targets are RFC 9535 JSONPath queries, evaluated by python-jsonpath in its strict mode. Each overlay is
validated against the official Overlay schema of its version before anything is applied. Rules:

- actions run in order, each on the result of the previous one;
- `update` merges objects recursively (a primitive replaces a primitive, arrays are concatenated, objects are
  merged) and appends its value to a target array; any other combination is a type conflict, hence an error;
- `copy` (1.1) merges the single node its query selects into every target, with the same rules as `update`;
- `remove: true` deletes every matched node from its parent (array items highest index first);
- every merged value is a fresh copy per target, so the output shares no nodes and dumps without YAML anchors;
- a target that matches nothing is an error naming the overlay file and the action, unless the action says
  `x-allow-no-match: true`.

The input document is never changed: the applier works on its own copy, and an error leaves no half-applied output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonpath
import jsonschema_rs
import yaml

from pbx_kit.document import DocumentError, fresh_copy, read_document
from pbx_kit.package_data import data_path

ALLOW_NO_MATCH = "x-allow-no-match"
"""Action extension: the action may match nothing (it is then skipped instead of failing)."""

_SCHEMAS = data_path("pbx_kit", "overlay_schemas")
_SCHEMA_BY_VERSION = {"1.0": _SCHEMAS / "v1.0" / "schema.yaml", "1.1": _SCHEMAS / "v1.1" / "schema.yaml"}
_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """An overlay that cannot be applied: invalid, or an action that does not fit the document."""


class UnreadableInput(OverlayError):
    """A spec, overlay or variants list that cannot be read at all (missing, unreadable, not YAML): bad input, which
    a command answers with exit 2, not an overlay that does not fit (exit 1)."""


@dataclass(frozen=True)
class Overlay:
    """A parsed, schema-valid overlay document and the name it is reported under."""

    name: str
    document: dict[str, Any]

    @property
    def actions(self) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = self.document["actions"]
        return actions


def load_overlay(path: Path | str, name: str | None = None) -> Overlay:
    """Read and validate one overlay file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UnreadableInput(f"{name or path}: cannot read the overlay: {error.strerror}") from error
    return parse_overlay(text, name or str(path))


def parse_overlay(text: str, name: str) -> Overlay:
    """Parse and validate an overlay given as YAML or JSON text."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise OverlayError(f"{name}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise OverlayError(f"{name}: an overlay must be a mapping with `overlay`, `info` and `actions`")
    version = str(document.get("overlay", ""))
    schema_path = _SCHEMA_BY_VERSION.get(".".join(version.split(".")[:2]))
    if schema_path is None:
        supported = ", ".join(f"{v}.x" for v in _SCHEMA_BY_VERSION)
        raise OverlayError(f"{name}: unsupported overlay version {version!r} (supported: {supported})")
    problems = sorted(
        _schema_validator(schema_path).iter_errors(document), key=lambda e: list(map(str, e.instance_path))
    )
    if problems:
        where = "/".join(str(part) for part in problems[0].instance_path) or "(document)"
        raise OverlayError(f"{name}: does not follow the Overlay {version} schema at {where}: {problems[0].message}")
    for index, action in enumerate(document["actions"]):
        _check_action_shape(name, index, action)
    return Overlay(name, document)


@cache
def _schema_validator(path: Path) -> jsonschema_rs.Validator:
    schema = yaml.safe_load(path.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def _check_action_shape(name: str, index: int, action: dict[str, Any]) -> None:
    """Exactly one of update, copy and remove: an action that does two things, or none, is a mistake."""
    kinds: list[str] = [kind for kind in ("update", "copy") if kind in action]
    if action.get("remove") is True:
        kinds.append("remove")
    if len(kinds) != 1:
        found = " and ".join(kinds) or "none of them"
        raise OverlayError(f"{_where(name, index, action)}: needs exactly one of update, copy, remove: true ({found})")
    for query in (action["target"], action.get("copy")):
        if query is not None:
            _compile(name, index, action, query)


def apply_overlays(document: Any, overlays: Iterable[Overlay]) -> Any:
    """The document with every overlay applied in order; `document` itself is left untouched."""
    result = fresh_copy(document)
    for overlay in overlays:
        for index, action in enumerate(overlay.actions):
            result = _apply_action(result, overlay.name, index, action)
    return result


def apply_overlay(document: Any, overlay: Overlay) -> Any:
    return apply_overlays(document, [overlay])


def _apply_action(document: Any, name: str, index: int, action: dict[str, Any]) -> Any:
    matches = list(_compile(name, index, action, action["target"]).finditer(document))
    if not matches:
        if action.get(ALLOW_NO_MATCH) is True:
            return document
        raise OverlayError(
            f"{_where(name, index, action)}: the target matches nothing (mark the action "
            f"`{ALLOW_NO_MATCH}: true` if that is expected)"
        )
    if action.get("remove") is True:
        return _remove(document, name, index, action, matches)
    if "copy" in action:
        sources = list(_compile(name, index, action, action["copy"]).finditer(document))
        if len(sources) != 1:
            raise OverlayError(
                f"{_where(name, index, action)}: the copy source {action['copy']} must match exactly one node, "
                f"it matches {len(sources)}"
            )
        value = fresh_copy(sources[0].obj)
    else:
        value = action["update"]
    for match in _distinct(matches):
        _merge_into(match.obj, value, lambda detail, m=match: f"{_where(name, index, action)}: {detail} at {m.path}")
    return document


def _merge_into(target: Any, value: Any, error: Any) -> None:
    if isinstance(target, list):
        target.append(fresh_copy(value))
    elif isinstance(target, dict):
        if not isinstance(value, dict):
            raise OverlayError(error(f"cannot merge {_kind(value)} into an object"))
        _merge_objects(target, value, error, "")
    else:
        raise OverlayError(error(f"the target is {_kind(target)}; only objects and arrays can be updated"))


def _merge_objects(target: dict[str, Any], value: dict[str, Any], error: Any, path: str) -> None:
    for key, new in value.items():
        here = f"{path}[{key!r}]"
        if key not in target:
            target[key] = fresh_copy(new)
            continue
        old = target[key]
        if isinstance(old, dict) and isinstance(new, dict):
            _merge_objects(old, new, error, here)
        elif isinstance(old, list) and isinstance(new, list):
            old.extend(fresh_copy(new))
        elif not isinstance(old, dict | list) and not isinstance(new, dict | list):
            target[key] = new
        else:
            raise OverlayError(error(f"cannot merge {_kind(new)} into {_kind(old)} (member {here})"))


def _remove(document: Any, name: str, index: int, action: dict[str, Any], matches: list[Any]) -> Any:
    # Locate every parent before deleting anything, then delete array items highest index first,
    # so earlier deletions never shift the positions of later ones.
    removals: dict[tuple[int, Any], tuple[Any, Any]] = {}
    for match in matches:
        if not match.parts:
            raise OverlayError(f"{_where(name, index, action)}: cannot remove the document's root")
        parent = document
        for part in match.parts[:-1]:
            parent = parent[part]
        removals[(id(parent), match.parts[-1])] = (parent, match.parts[-1])
    ordered = sorted(removals.values(), key=lambda item: item[1] if isinstance(item[0], list) else -1, reverse=True)
    for parent, key in ordered:
        del parent[key]
    return document


def _distinct(matches: list[Any]) -> list[Any]:
    """Each matched node once, even when the query selects it more than once."""
    seen: set[int] = set()
    unique = []
    for match in matches:
        if id(match.obj) not in seen or not isinstance(match.obj, dict | list):
            seen.add(id(match.obj))
            unique.append(match)
    return unique


def _compile(name: str, index: int, action: dict[str, Any], query: str) -> Any:
    try:
        return _compiled(query)
    except jsonpath.JSONPathError as error:
        first_line = str(error).splitlines()[0]
        message = f"{_where(name, index, action)}: not an RFC 9535 JSONPath query: {query}: {first_line}"
        raise OverlayError(message) from None


@cache
def _compiled(query: str) -> Any:
    return _JSONPATH.compile(query)


def _where(name: str, index: int, action: dict[str, Any]) -> str:
    return f"{name}: action {index} (target {action.get('target')})"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return f"a {type(value).__name__} value"


def read_input(path: Path | str) -> Any:
    """A document an overlay works on (a spec, a variants list); OverlayError naming the file if it cannot be read."""
    try:
        return read_document(path)
    except DocumentError as error:
        raise UnreadableInput(str(error)) from error


def apply_files(spec: Path | str, overlay_paths: Sequence[Path | str], root: Path | None = None) -> Any:
    """Apply overlay files to a spec file; overlays are named relative to `root` in errors."""
    overlays = [load_overlay(path, _display(Path(path), root)) for path in overlay_paths]
    return apply_overlays(read_input(spec), overlays)


def inputs_sha256(spec: Path | str, overlay_paths: Sequence[Path | str]) -> str:
    """sha256 over the spec's bytes and each overlay's bytes, in order: what a variant is made from."""
    digest = hashlib.sha256()
    for path in [spec, *overlay_paths]:
        data = Path(path).read_bytes()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)

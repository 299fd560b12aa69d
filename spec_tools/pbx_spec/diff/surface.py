"""The SDK's public Python surface as griffe reads it: loaded from a generated `pbx_api`, or from a dump of one (the
released SDK's, `released/sdk-surface.json`), and two surfaces compared.

griffe's `find_breaking_changes` finds removed objects, changed kinds, and parameters removed, added as required,
made required, moved or changed in kind or default. It does not compare annotations, and it does not see the
`__init__` that attrs writes for a model, so this module adds both:

- each `@attrs.define` class gets the `__init__` attrs would write, its fields as keyword parameters (a field
  without a default is required). Decision: keyword-only, because the spec's property order is not a contract and
  the SDK's pages build models by keyword; a new required field, a removed one or one made required still breaks;
- a parameter breaks when its new annotation no longer accepts all the old one did (an `int` is a `float`, as
  type checkers take it); a return value breaks when it may now be something the old one never was; a `Literal`
  alias breaks when it loses a value;
- a model's attribute: a wider type breaks code that reads it, a narrower one code that sets it. Models only ever
  passed in (`ClientUpdate`, in no return type) are set, not read, so a wider type there is an addition;
  models that come back from a call are read (their constructors are still checked, as `__init__`).

Each change says where it is (`SdkName`: the owner, the function, the parameter or attribute), so the report can
say "16 keyword parameters of `update_client` and `update_client_info`, in all 4 classes of `pbx_api.api`".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from pbx_spec.diff.changes import Axis, Change, Kind, SdkName
from pbx_spec.diff.revisions import CannotCompare

PACKAGE = "pbx_api"
DUMP_FORMAT = "griffe 2 JSON of pbx_api's public API, docstrings left out (pbx_spec.diff.surface)"
BREAKAGE_REASONS = {
    griffe.BreakageKind.OBJECT_REMOVED: "code importing or using it fails",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: "code using it as what it was fails",
    griffe.BreakageKind.PARAMETER_REMOVED: "a call passing it fails",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "a call without the new argument fails",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "a call leaving it out fails",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "a call passing it as before fails",
    griffe.BreakageKind.PARAMETER_MOVED: "a call passing it by position passes another parameter",
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: "a call leaving it out behaves differently",
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "a caller using the result was written for the old type",
}
_ATTRS_DEFINE = ("attrs.define", "attr.define", "attr.s", "attrs.frozen", "attr.attrs")
# What type checkers accept in place of each type (PEP 484's numeric tower).
_ACCEPTS = {"float": {"int"}, "complex": {"int", "float"}}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# --- loading ------------------------------------------------------------------------------------------------


def load_package(folder: Path) -> griffe.Module:
    """`folder`/pbx_api as griffe reads it, with attrs' `__init__`s."""
    return complete(_griffe_load(folder))


def _griffe_load(folder: Path) -> griffe.Module:
    package = griffe.load(PACKAGE, search_paths=[str(folder)], allow_inspection=False, resolve_aliases=True)
    if not isinstance(package, griffe.Module):
        raise CannotCompare(f"{folder}: griffe did not load {PACKAGE} as a package")
    return package


def dump_package(folder: Path) -> str:
    """The public API of `folder`/pbx_api as JSON: griffe's own dump (`griffe.JSONEncoder`), without docstrings,
    file paths relative to `folder`, keys sorted: the same package gives the same text anywhere."""
    package = _griffe_load(folder)
    for obj in _all_objects(package):
        obj.docstring = None
    data = {"format": DUMP_FORMAT, "package": _relative_paths(package.as_dict(full=False), folder.resolve())}
    return json.dumps(data, cls=griffe.JSONEncoder, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_dump(text: str, label: str) -> griffe.Module:
    """A surface written by `dump_package`, with attrs' `__init__`s (raises CannotCompare if it is not one)."""
    try:
        data = json.loads(text, object_hook=griffe.json_decoder)
    except (ValueError, KeyError, TypeError) as error:
        raise CannotCompare(f"{label}: not a dump of the SDK's surface ({error})") from error
    package = data.get("package") if isinstance(data, dict) else None
    if not isinstance(package, griffe.Module) or data.get("format") != DUMP_FORMAT:
        raise CannotCompare(f"{label}: not a dump of the SDK's surface (`format` is not {DUMP_FORMAT!r})")
    collection = griffe.ModulesCollection()
    collection.set_member(package.name, package)
    package._modules_collection = collection  # what griffe's loader does for a package it loads
    for cls in _classes(package):
        _reattach_bases(cls)
    return complete(package)


def _reattach_bases(cls: griffe.Class) -> None:
    # griffe 2.4's json_decoder gives every expression its parent except a class's bases: without it, names in
    # `class PbxClient(_Operations)` cannot be resolved and inherited members are lost.
    parent = cls.parent
    for base in cls.bases:
        if isinstance(base, griffe.Expr) and parent is not None:
            for element in base:
                if isinstance(element, griffe.ExprName):
                    element.parent = parent


def _relative_paths(node: Any, root: Path) -> Any:
    if isinstance(node, dict):
        return {
            key: _relative_path(value, root) if key == "filepath" else _relative_paths(value, root)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_relative_paths(item, root) for item in node]
    return node


def _relative_path(value: Any, root: Path) -> Any:
    if isinstance(value, list):
        return [_relative_path(item, root) for item in value]
    path = Path(str(value))
    return str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else value


def complete(package: griffe.Module) -> griffe.Module:
    for cls in _classes(package):
        if "__init__" not in cls.members and _is_attrs_class(cls):
            cls.set_member("__init__", _attrs_init(cls))
    return package


def _all_objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _all_objects(member)


def _classes(obj: griffe.Object, seen: set[str] | None = None) -> Iterator[griffe.Class]:
    seen = set() if seen is None else seen
    for member in obj.members.values():
        if member.is_alias or member.path in seen:
            continue
        seen.add(member.path)
        if isinstance(member, griffe.Class):
            yield member
            yield from _classes(member, seen)
        elif isinstance(member, griffe.Module):
            yield from _classes(member, seen)


def _is_attrs_class(cls: griffe.Class) -> bool:
    for decorator in cls.decorators:
        value = decorator.value
        path = value.canonical_path if isinstance(value, griffe.Expr) else str(value)
        if path in _ATTRS_DEFINE:
            return True
    return False


def _attrs_init(cls: griffe.Class) -> griffe.Function:
    parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
    for member in cls.members.values():
        if member.is_alias or not isinstance(member, griffe.Attribute) or member.annotation is None:
            continue
        if "property" in member.labels:
            continue  # a @property is read from the model, not passed to it
        value = member.value
        if isinstance(value, griffe.ExprCall) and "init=False" in str(value).replace(" ", ""):
            continue  # `attrs.field(init=False)`: not a parameter
        if isinstance(value, griffe.ExprCall) and _text(value.function).endswith("field"):
            value = "..." if "default" in str(value) or "factory" in str(value) else None
        parameters.append(
            griffe.Parameter(
                member.name, annotation=member.annotation, kind=griffe.ParameterKind.keyword_only, default=value
            )
        )
    return griffe.Function(
        "__init__", lineno=cls.lineno, endlineno=cls.lineno, parent=cls, parameters=griffe.Parameters(*parameters)
    )


# --- comparing ----------------------------------------------------------------------------------------------


@dataclass
class Surface:
    """A loaded package and what the comparison asks of it, worked out once."""

    package: griffe.Module
    _objects: dict[str, griffe.Object] = field(default_factory=dict)
    _families: dict[tuple[str, str, str], int] = field(default_factory=dict)
    _set_only: frozenset[str] | None = None

    @property
    def objects(self) -> dict[str, griffe.Object]:
        """Every public object by its path (and each `__init__`), aliases left out."""
        if not self._objects:
            _collect_public(self.package, self._objects)
        return self._objects

    def family(self, owner: griffe.Object, name: str) -> int:
        """How many public owners of `owner`'s kind in its module (itself included) have a member `name`: the
        4 client classes of `pbx_api.api` that each have `update_client`."""
        parent = owner.parent
        if parent is None:
            return 1
        kind = griffe.Class if isinstance(owner, griffe.Class) else griffe.Module
        key = (parent.path, name, kind.__name__)
        if key not in self._families:
            self._families[key] = sum(
                1
                for sibling_name, sibling in parent.members.items()
                if not sibling.is_alias
                and not sibling_name.startswith("_")
                and isinstance(sibling, kind)
                and name in sibling.all_members
            )
        return max(self._families[key], 1)

    @property
    def set_only(self) -> frozenset[str]:
        """Names of the classes only ever passed in (named by parameters, never by what a call returns)."""
        if self._set_only is None:
            self._set_only = _set_only_classes(self.objects)
        return self._set_only


def _collect_public(obj: griffe.Object, found: dict[str, griffe.Object]) -> None:
    for name, member in obj.members.items():
        if (not member.is_public and name != "__init__") or member.is_alias:
            continue
        path = f"{obj.path}.{name}"
        if path in found or not isinstance(member, griffe.Object):
            continue
        found[path] = member
        if isinstance(member, griffe.Module | griffe.Class):
            _collect_public(member, found)


def _set_only_classes(objects: Mapping[str, griffe.Object]) -> frozenset[str]:
    classes = {obj.name: obj for obj in objects.values() if isinstance(obj, griffe.Class)}
    read: set[str] = set()
    passed: set[str] = set()
    for obj in objects.values():
        if isinstance(obj, griffe.Function) and obj.name != "__init__":
            read |= _names(obj.returns) & classes.keys()
            for parameter in obj.parameters:
                passed |= _names(parameter.annotation) & classes.keys()
    pending = list(read)
    while pending:  # what a returned model holds is read too
        for member in classes[pending.pop()].members.values():
            if isinstance(member, griffe.Attribute):
                for name in (_names(member.annotation) & classes.keys()) - read:
                    read.add(name)
                    pending.append(name)
    return frozenset(passed - read)


def compare_surfaces(old: Surface, new: Surface, origin: str) -> list[Change]:
    """Every change of the public API from `old` to `new`: breakages, then additions."""
    changes = [*_griffe_breakages(old, new), *_annotation_changes(old, new), *_additions(old, new)]
    for change in changes:
        change.origin = origin
    return changes


def _griffe_breakages(old: Surface, new: Surface) -> Iterator[Change]:
    for breakage in griffe.find_breaking_changes(old.package, new.package):
        obj = breakage.obj
        surface = old if breakage.kind is griffe.BreakageKind.OBJECT_REMOVED else new
        name = _parameter_name(breakage) if breakage.kind.name.startswith("PARAMETER_") else None
        before, after = _plain(breakage.old_value), _plain(breakage.new_value)
        if breakage.kind is griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT:
            before = _plain(getattr(breakage.old_value, "default", None))
            after = _plain(getattr(breakage.new_value, "default", None))
        elif name is not None or breakage.kind is griffe.BreakageKind.OBJECT_REMOVED:
            before = after = None
        yield _sdk_change(
            f"sdk-{_slug(breakage.kind.value)}",
            f"`{obj.path}{f'({name})' if name else ''}`: {breakage.kind.value.lower()}" + _values(before, after),
            obj,
            BREAKAGE_REASONS.get(breakage.kind, breakage.kind.value.lower()) + " (griffe)",
            _sdk_name(surface, obj, name, _parameter_noun(breakage), before, after),
        )


def _annotation_changes(old: Surface, new: Surface) -> Iterator[Change]:
    old_objects, new_objects = old.objects, new.objects
    for path in sorted(old_objects.keys() & new_objects.keys()):
        was, now = old_objects[path], new_objects[path]
        if isinstance(was, griffe.Attribute) and isinstance(now, griffe.Attribute):
            yield from _attribute_changes(new, path, was, now)
        if isinstance(was, griffe.Function) and isinstance(now, griffe.Function):
            yield from _function_changes(new, path, was, now)


def _attribute_changes(new: Surface, path: str, was: griffe.Attribute, now: griffe.Attribute) -> Iterator[Change]:
    before, after = _text(was.annotation), _text(now.annotation)
    if was.annotation is not None and before != after:
        old_types, new_types = _union(was.annotation), _union(now.annotation)
        wider, narrower = _accepts(new_types, old_types), _accepts(old_types, new_types)
        owner = now.parent
        set_only = isinstance(owner, griffe.Class) and owner.name in new.set_only
        name = _sdk_name(new, now, None, "attribute", before, after)
        message = f"`{path}`: type changed from `{before}` to `{after}`"
        if wider and not narrower and set_only:
            yield _sdk_addition("sdk-attribute-type-widened", message, now, name)  # only ever set: more to set
        elif narrower and not wider and not set_only:
            yield _sdk_addition("sdk-attribute-type-narrowed", message, now, name, Kind.CHANGE)  # read: fine
        else:
            who = "code reading it" if wider else "code setting it" if narrower else "code reading or setting it"
            yield _sdk_change("sdk-attribute-type-changed", message, now, f"{who} was written for the old type", name)
    old_literal, new_literal = _literal_values(was.value), _literal_values(now.value)
    if old_literal is None or new_literal is None:
        return
    if old_literal - new_literal:
        lost = ", ".join(sorted(old_literal - new_literal))
        name = _sdk_name(new, now, None, "value", lost, None)
        yield _sdk_change(
            "sdk-literal-value-removed",
            f"`{path}`: no longer allows {lost}",
            now,
            "code passing or comparing with that value no longer type-checks",
            name,
        )
    if new_literal - old_literal:
        gained = ", ".join(sorted(new_literal - old_literal))
        name = _sdk_name(new, now, None, "value", None, gained)
        yield _sdk_addition("sdk-literal-value-added", f"`{path}`: now also allows {gained}", now, name)


def _function_changes(new: Surface, path: str, was: griffe.Function, now: griffe.Function) -> Iterator[Change]:
    new_parameters = {parameter.name: parameter for parameter in now.parameters}
    old_names = {parameter.name for parameter in was.parameters}
    for parameter in was.parameters:
        current = new_parameters.get(parameter.name)
        if current is None or parameter.annotation is None:
            continue
        if not _accepts(_union(current.annotation), _union(parameter.annotation)):
            before, after = _text(parameter.annotation), _text(current.annotation)
            yield _sdk_change(
                "sdk-parameter-type-narrowed",
                f"`{path}({parameter.name})`: type changed from `{before}` to `{after}`",
                now,
                "a caller passing what the old type allowed no longer type-checks",
                _sdk_name(new, now, parameter.name, _noun(current), before, after),
            )
    for parameter in now.parameters:
        if parameter.name not in old_names and not parameter.required:
            yield _sdk_addition(
                "sdk-parameter-added",
                f"`{path}({parameter.name})`: optional parameter added",
                now,
                _sdk_name(new, now, parameter.name, _noun(parameter)),
            )
    if was.returns is not None and now.returns is not None and not _accepts(_union(was.returns), _union(now.returns)):
        before, after = _text(was.returns), _text(now.returns)
        yield _sdk_change(
            "sdk-return-type-changed",
            f"`{path}`: returns `{after}` instead of `{before}`",
            now,
            "a caller using the result was written for the old type",
            _sdk_name(new, now, None, "return type", before, after),
        )


def _additions(old: Surface, new: Surface) -> Iterator[Change]:
    old_objects, new_objects = old.objects, new.objects
    added = new_objects.keys() - old_objects.keys()
    for path in sorted(added):
        obj = new_objects[path]
        if path.rsplit(".", 1)[0] in added:
            continue  # shown with its parent
        yield _sdk_addition(
            "sdk-object-added", f"`{path}` added ({obj.kind.value})", obj, _sdk_name(new, obj, None, obj.kind.value)
        )


# --- naming -------------------------------------------------------------------------------------------------


def _sdk_name(
    surface: Surface,
    obj: griffe.Object,
    parameter: str | None,
    noun: str,
    before: str | None = None,
    after: str | None = None,
) -> SdkName:
    """`obj` (a function, an attribute, a class or a module) as the report groups it."""
    if isinstance(obj, griffe.Function) and obj.parent is not None:
        owner = obj.parent
        member = parameter
        if parameter is None and noun not in {"return type"}:
            noun = "method" if isinstance(owner, griffe.Class) else "function"
        return SdkName(owner.path, obj.name, member, noun, surface.family(owner, obj.name), before, after)
    parent = obj.parent
    contents = tuple(obj.members) if isinstance(obj, griffe.Module | griffe.Class) else ()
    return SdkName(parent.path if parent else obj.path, None, obj.name, noun, 1, before, after, contents)


def _parameter_name(breakage: griffe.Breakage) -> str | None:
    for value in (breakage.old_value, breakage.new_value):
        name = getattr(value, "name", None)
        if isinstance(name, str):
            return name
    return None


def _parameter_noun(breakage: griffe.Breakage) -> str:
    for value in (breakage.new_value, breakage.old_value):
        if isinstance(value, griffe.Parameter):
            return _noun(value)
    obj = breakage.obj
    return str(obj.kind.value) if isinstance(obj, griffe.Object) else "name"  # an alias: a name imported


def _noun(parameter: griffe.Parameter) -> str:
    return "keyword parameter" if parameter.kind is griffe.ParameterKind.keyword_only else "parameter"


def _sdk_change(rule: str, message: str, obj: Any, why: str, name: SdkName) -> Change:
    return Change(rule=rule, message=message, where=_where(obj), breaks={Axis.SDK: why}, sdk=name)


def _sdk_addition(rule: str, message: str, obj: Any, name: SdkName, kind: Kind = Kind.ADDITION) -> Change:
    return Change(rule=rule, message=message, where=_where(obj), kind=kind, sdk=name)


def _where(obj: Any) -> str:
    try:
        filepath = str(obj.relative_package_filepath)
    except Exception:  # griffe raises for objects without a file, or with the relative paths of a dump
        filepath = str(getattr(obj, "filepath", "") or "")
        if not filepath:
            return f"`{obj.path}`"
    return f"`{obj.path}` ({filepath}:{obj.lineno or 0})"


def _text(annotation: Any) -> str:
    return "" if annotation is None else str(annotation)


def _names(annotation: Any) -> set[str]:
    return set(_IDENTIFIER.findall(_text(annotation)))


def _union(annotation: Any) -> frozenset[str]:
    """The members of a `A | B | None` annotation (top level only), as text."""
    text = _text(annotation)
    members, depth, current = [], 0, ""
    for char in text:
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and depth == 0:
            members.append(current.strip())
            current = ""
        else:
            current += char
    members.append(current.strip())
    return frozenset(member for member in members if member)


def _accepts(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Whether a value of the union `narrow` is always a value of the union `wide`."""
    return all(member in wide or any(member in _ACCEPTS.get(other, ()) for other in wide) for member in narrow)


def _literal_values(value: Any) -> frozenset[str] | None:
    text = _text(value)
    if not text.startswith("Literal[") or not text.endswith("]"):
        return None
    return frozenset(part.strip() for part in text[len("Literal[") : -1].split(","))


def _values(before: str | None, after: str | None) -> str:
    parts = ([f"was `{before}`"] if before is not None else []) + ([f"now `{after}`"] if after is not None else [])
    return f" ({'; '.join(parts)})" if parts else ""


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else str(value)


def _slug(text: str) -> str:
    return "-".join("".join(char if char.isalnum() else " " for char in text.lower()).split())

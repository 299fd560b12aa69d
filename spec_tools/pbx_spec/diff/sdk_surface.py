"""The SDK axis: generate `pbx_api` from both revisions and compare their public Python API with griffe.

The packages come from the project's own generator (`pbx_generator.face.generate`), so whatever the generator
makes of a spec is what is compared, never a guess from the spec. griffe's `find_breaking_changes` finds
removed objects, changed kinds, and parameters removed, added as required, made required, moved or changed in
kind or default. It does not compare annotations yet, and it does not see the `__init__` that attrs writes for a
model, so this module adds both:

- each `@attrs.define` class gets the `__init__` attrs would write, its fields as keyword parameters (a field
  without a default is required). Decision: keyword-only, because the spec's property order is not a contract and
  the README builds models by keyword; a new required field, a removed one or one made required still breaks;
- an attribute whose annotation changed breaks (models are both built and read by users); a parameter breaks when
  its new annotation no longer accepts all the old one did; a return value breaks when it may now be something the
  old one never was; a `Literal` alias breaks when it loses a value.

Generation costs a few seconds, so packages are cached under build/spec-diff/sdk by the sha256 of everything that
goes into them (the document openapi-python-client reads, the generator's files, the overlays and the kit's
modules that make the SDK's input, the tools' versions), and two revisions whose generator input is the same are
not generated at all. Documentation (descriptions, summaries,
examples) becomes docstrings only, so it is left out of the input: a description-only change changes no package.
"""

from __future__ import annotations

import hashlib
import inspect
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import griffe
import yaml

import pbx_kit.overlay
import pbx_kit.variant_steps
import pbx_kit.variants
from pbx_generator import face as generator
from pbx_kit.contract import ROOT, overlays_path
from pbx_spec.diff.changes import Axis, Change, Kind
from pbx_spec.diff.revisions import CannotCompare, Revision

PACKAGE = generator.PACKAGE
# The kit's modules that make the SDK's input (the variant, its steps, the overlay applier): their code shapes it.
SDK_INPUT_MODULES = (pbx_kit.variants, pbx_kit.variant_steps, pbx_kit.overlay)
CACHE = ROOT / "build" / "spec-diff" / "sdk"
TEXT_KEYS = frozenset({"description", "summary"})
EXAMPLE_KEYS = frozenset({"example", "examples"})
# Maps whose keys are names the author chose (a property called `description`), not keywords.
NAME_MAPS = frozenset({"properties", "examples", "schemas", "responses", "parameters", "headers", "links"})
# libyaml when PyYAML has it: each revision is dumped and read a few times to find its generator input.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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


def compare_sdks(base: Revision, revision: Revision) -> list[Change]:
    """Every change of `pbx_api`'s public API from `base` to `revision`: breakages, then additions."""
    old_input, new_input = generator_input(base), generator_input(revision)
    if old_input.key == new_input.key:
        return []  # the same generator input gives the same package: nothing to generate
    with ThreadPoolExecutor(max_workers=2) as pool:
        old_path, new_path = pool.map(_generated, (old_input, new_input))
    old, new = load_surface(old_path), load_surface(new_path)
    return [*breakages(old, new), *additions(old, new)]


@dataclass(frozen=True)
class GeneratorInput:
    label: str
    spec_text: str  # the spec handed to the generator: the revision without its documentation
    key: str  # sha256 of what openapi-python-client will read, and of everything else the package depends on


def generator_input(revision: Revision) -> GeneratorInput:
    text = yaml.dump(without_documentation(revision.document), Dumper=_DUMPER, sort_keys=True, allow_unicode=True)
    return GeneratorInput(revision.label, text, _inputs_key(_as_the_generator_sees_it(text)))


def generated_package(revision: Revision) -> Path:
    """The folder holding `pbx_api` generated from `revision` (cached by its inputs' hash)."""
    return _generated(generator_input(revision))


def _generated(given: GeneratorInput) -> Path:
    folder = CACHE / given.key
    if (folder / PACKAGE / "__init__.py").is_file():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pbx-spec-") as work:
        spec = Path(work) / "openapi.yaml"
        spec.write_text(given.spec_text, encoding="utf-8")
        (Path(work) / "out").mkdir()
        try:
            package = generator.generate(Path(work) / "out", spec)
        except Exception as error:  # the generator's own errors (overlay, openapi-python-client) and its bugs
            first = str(error).strip().splitlines()[:3]
            raise CannotCompare(f"{given.label}: the SDK could not be generated: {' '.join(first)}") from error
        staging = Path(tempfile.mkdtemp(prefix=f"{given.key}-", dir=CACHE))
        shutil.copytree(package, staging / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        try:
            staging.rename(folder)
        except OSError:  # another thread or process cached the same inputs first: theirs is as good
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def _as_the_generator_sees_it(spec_text: str) -> str:
    """The document as the generator hands it to openapi-python-client (pbx_generator.face.sdk_input): two
    revisions that differ only in how they are written (a `$ref` or its copy, an `allOf` wrapper) give the same
    text, and one package."""
    try:
        document = generator.sdk_input(yaml.load(spec_text, Loader=_LOADER))
    except Exception:  # the generation itself will report what is wrong, with the revision's name
        return spec_text
    return str(yaml.dump(document, Dumper=_DUMPER, sort_keys=True, allow_unicode=True))


def without_documentation(node: Any, parent_key: str | None = None) -> Any:
    """The document with every description and summary emptied (a response needs one) and examples left out."""
    if isinstance(node, Mapping):
        if parent_key in NAME_MAPS:
            return {key: without_documentation(value) for key, value in node.items()}
        return {
            key: "" if key in TEXT_KEYS and isinstance(value, str) else without_documentation(value, key)
            for key, value in node.items()
            if key not in EXAMPLE_KEYS
        }
    if isinstance(node, list):
        return [without_documentation(item) for item in node]
    return node


def _inputs_key(spec_text: str) -> str:
    digest = hashlib.sha256(spec_text.encode("utf-8"))
    for tool in ("openapi-python-client", "ruff", "griffe"):
        digest.update(f"{tool}=={version(tool)}\n".encode())
    for name, data in _generator_sources():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:32]


@cache
def _generator_sources() -> tuple[tuple[str, bytes], ...]:
    """The files besides the spec that shape a generated package, read once per process."""
    overlays = overlays_path()
    found = list(generator.source_files())
    found += [
        (f"overlays/{path.relative_to(overlays)}", path.read_bytes())
        for path in sorted(overlays.rglob("*"))
        if path.is_file()
    ]
    found += [(module.__name__, inspect.getsource(module).encode()) for module in SDK_INPUT_MODULES]
    return tuple(found)


# --- the surface --------------------------------------------------------------------------------------------


def load_surface(folder: Path) -> griffe.Object:
    package = griffe.load(PACKAGE, search_paths=[str(folder)], allow_inspection=False, resolve_aliases=True)
    if not isinstance(package, griffe.Object):
        raise CannotCompare(f"{folder}: griffe did not load {PACKAGE} as a package")
    for cls in _classes(package):
        if "__init__" not in cls.members and _is_attrs_class(cls):
            cls.set_member("__init__", _attrs_init(cls))
    return package


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


def _public_objects(package: griffe.Object) -> dict[str, griffe.Object]:
    found: dict[str, griffe.Object] = {}

    def walk(obj: griffe.Object) -> None:
        for name, member in obj.members.items():
            if not member.is_public and name != "__init__":
                continue
            path = f"{obj.path}.{name}"
            if path in found:
                continue
            if member.is_alias:
                continue
            found[path] = member  # type: ignore[assignment]  # griffe types members as Object | Alias
            if isinstance(member, griffe.Module | griffe.Class):
                walk(member)

    walk(package)
    return found


def breakages(old: griffe.Object, new: griffe.Object) -> Iterator[Change]:
    for breakage in griffe.find_breaking_changes(old, new):
        yield _sdk_change(
            f"sdk-{_slug(breakage.kind.value)}",
            f"`{breakage.obj.path}`: {breakage.kind.value}{_values(breakage.old_value, breakage.new_value)}",
            breakage.obj,
            BREAKAGE_REASONS.get(breakage.kind, breakage.kind.value.lower()) + " (griffe)",
        )
    old_objects, new_objects = _public_objects(old), _public_objects(new)
    for path in sorted(old_objects.keys() & new_objects.keys()):
        yield from _annotation_breakages(path, old_objects[path], new_objects[path])


def additions(old: griffe.Object, new: griffe.Object) -> Iterator[Change]:
    old_objects, new_objects = _public_objects(old), _public_objects(new)
    added = new_objects.keys() - old_objects.keys()
    for path in sorted(added):
        obj = new_objects[path]
        if path.rsplit(".", 1)[0] in added:
            continue  # shown with its parent
        yield Change(
            rule="sdk-object-added",
            message=f"`{path}` added ({obj.kind.value})",
            where=_where(obj),
            kind=Kind.ADDITION,
        )


def _annotation_breakages(path: str, old: griffe.Object, new: griffe.Object) -> Iterator[Change]:
    if isinstance(old, griffe.Attribute) and isinstance(new, griffe.Attribute):
        if _text(old.annotation) != _text(new.annotation) and old.annotation is not None:
            yield _sdk_change(
                "sdk-attribute-type-changed",
                f"`{path}`: type changed from `{_text(old.annotation)}` to `{_text(new.annotation)}`",
                new,
                "code reading or setting it was written for the old type",
            )
        old_literal, new_literal = _literal_values(old.value), _literal_values(new.value)
        if old_literal is not None and new_literal is not None and old_literal - new_literal:
            lost = ", ".join(sorted(old_literal - new_literal))
            yield _sdk_change(
                "sdk-literal-value-removed",
                f"`{path}`: no longer allows {lost}",
                new,
                "code passing that value no longer type-checks",
            )
        if old_literal is not None and new_literal is not None and new_literal - old_literal:
            gained = ", ".join(sorted(new_literal - old_literal))
            yield Change(
                rule="sdk-literal-value-added",
                message=f"`{path}`: now also allows {gained}",
                where=_where(new),
                kind=Kind.ADDITION,
            )
    if isinstance(old, griffe.Function) and isinstance(new, griffe.Function):
        new_parameters = {parameter.name: parameter for parameter in new.parameters}
        for parameter in old.parameters:
            now = new_parameters.get(parameter.name)
            if now is None or parameter.annotation is None:
                continue
            was_types, now_types = _union(parameter.annotation), _union(now.annotation)
            if not was_types <= now_types:
                yield _sdk_change(
                    "sdk-parameter-type-narrowed",
                    f"`{path}({parameter.name})`: type changed from `{_text(parameter.annotation)}` "
                    f"to `{_text(now.annotation)}`",
                    new,
                    "a caller passing what the old type allowed no longer type-checks",
                )
        if old.returns is not None and new.returns is not None and not _union(new.returns) <= _union(old.returns):
            yield _sdk_change(
                "sdk-return-type-changed",
                f"`{path}`: returns `{_text(new.returns)}` instead of `{_text(old.returns)}`",
                new,
                "a caller using the result was written for the old type",
            )


def _sdk_change(rule: str, message: str, obj: Any, why: str) -> Change:
    return Change(rule=rule, message=message, where=_where(obj), breaks={Axis.SDK: why})


def _where(obj: Any) -> str:
    try:
        filepath = obj.relative_package_filepath
    except Exception:  # griffe raises for objects without a file (builtins, synthesized members)
        return f"`{obj.path}`"
    return f"`{obj.path}` ({filepath}:{obj.lineno or 0})"


def _text(annotation: Any) -> str:
    return "" if annotation is None else str(annotation)


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


def _literal_values(value: Any) -> frozenset[str] | None:
    text = _text(value)
    if not text.startswith("Literal[") or not text.endswith("]"):
        return None
    return frozenset(part.strip() for part in text[len("Literal[") : -1].split(","))


def _values(old: Any, new: Any) -> str:
    parts = []
    if old is not None and not hasattr(old, "path"):
        parts.append(f"was {_shown(old)}")
    if new is not None and not hasattr(new, "path"):
        parts.append(f"now {_shown(new)}")
    return f" ({'; '.join(parts)})" if parts else ""


def _shown(value: Any) -> str:
    name = getattr(value, "name", None)
    return f"`{name}`" if isinstance(name, str) else f"`{value}`"


def _slug(text: str) -> str:
    return "-".join("".join(char if char.isalnum() else " " for char in text.lower()).split())

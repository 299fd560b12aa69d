"""The SDK axis: generate `pbx_api` from both revisions and compare their public Python API (`surface`).

The packages come from the project's own generator (`pbx_generator.face.generate`), so whatever the generator
makes of a spec is what is compared, never a guess from the spec. The released SDK's surface, kept as a dump in
released/ (`surface.dump_package`), is compared with the current one as well (`release.check_breaking`), so a
change of the runtime or the templates is seen like a change of the spec.

Generation costs a few seconds, so packages are cached in the user's cache folder (`$XDG_CACHE_HOME/pbx-spec/sdk`,
by default `~/.cache/pbx-spec/sdk`; an installed tool has no build folder of its own; or $PBX_SPEC_CACHE) by the
sha256 of everything that goes into them (the document openapi-python-client reads, the generator's files, the
overlays and the kit's modules that make the SDK's input, the tools' versions), and two revisions whose generator
input is the same are not generated at all. Documentation (descriptions, summaries, examples) becomes docstrings
only, so it is left out of the input: a description-only change changes no package.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

import pbx_kit.overlay
import pbx_kit.variant_steps
import pbx_kit.variants
from pbx_generator import face as generator
from pbx_kit.contract import overlays_path
from pbx_spec.diff.changes import Change
from pbx_spec.diff.revisions import CannotCompare, Revision
from pbx_spec.diff.surface import Surface, compare_surfaces, load_package

PACKAGE = generator.PACKAGE
# The kit's modules that make the SDK's input (the variant, its steps, the overlay applier): their code shapes it.
SDK_INPUT_MODULES = (pbx_kit.variants, pbx_kit.variant_steps, pbx_kit.overlay)
# PBX_SPEC_CACHE: the folder where `pbx-spec` keeps the SDKs it generated, to reuse them (the benchmark times a
# cold cache with an empty one)
# XDG_CACHE_HOME: the user's cache folder (default ~/.cache); `pbx-spec` keeps generated SDKs in its pbx-spec/sdk
CACHE = Path(
    os.environ.get("PBX_SPEC_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pbx-spec" / "sdk"
)
TEXT_KEYS = frozenset({"description", "summary"})
EXAMPLE_KEYS = frozenset({"example", "examples"})
# Maps whose keys are names the author chose (a property called `description`), not keywords.
NAME_MAPS = frozenset({"properties", "examples", "schemas", "responses", "parameters", "headers", "links"})
# libyaml when PyYAML has it: each revision is dumped and read a few times to find its generator input.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


ORIGIN = "spec"  # SDK changes between the SDKs today's generator makes of the two revisions


def compare_sdks(base: Revision, revision: Revision) -> list[Change]:
    """Every change of `pbx_api`'s public API from `base` to `revision`: breakages, then additions."""
    old_input, new_input = generator_input(base), generator_input(revision)
    if old_input.key == new_input.key:
        return []  # the same generator input gives the same package: nothing to generate
    with ThreadPoolExecutor(max_workers=2) as pool:
        old_path, new_path = pool.map(_generated, (old_input, new_input))
    return compare_surfaces(surface_of(old_path), surface_of(new_path), ORIGIN)


@cache
def surface_of(folder: Path) -> Surface:
    """The surface of a cached package, loaded once per process (a cached folder never changes: its name is the
    hash of what made it)."""
    return Surface(load_package(folder))


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
            raise CannotCompare(f"{given.label}: the SDK could not be generated: {_reason(error)}") from error
        staging = Path(tempfile.mkdtemp(prefix=f"{given.key}-", dir=CACHE))
        shutil.copytree(package, staging / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        try:
            staging.rename(folder)
        except OSError:  # another thread or process cached the same inputs first: theirs is as good
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def _reason(error: Exception) -> str:
    """The lines of a generation failure that say what went wrong (openapi-python-client puts them last)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    telling = [line for line in lines if not line.startswith(("Generating ", "If you believe", "Error(s) encountered"))]
    return " ".join((telling or lines or [type(error).__name__])[:4])


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
    for tool in ("openapi-python-client", "ruff", "griffelib"):  # griffelib: the distribution of the griffe module
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

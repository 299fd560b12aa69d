"""Generate the SDK (generated/pbx_api) from openapi.yaml, or check that what is committed is what it gives.

    python generator/generate.py            # write generated/pbx_api
    python generator/generate.py --check    # regenerate in a temp folder and compare with generated/pbx_api

Steps: apply the overlays of the `sdk` variant (overlays/variants.yaml) in order; hand the templates the facts
openapi-python-client does not read from the spec (the server URL, the token URL, the spec's hash) through a
generated `_spec.jinja`; run the pinned openapi-python-client, whose post hooks run the pinned ruff (this
interpreter's bin/ goes first on PATH); add the hand-written runtime (generator/runtime, copied unchanged) and the
spec facts it reads (`_spec.py`); then replace generated/pbx_api as a whole, so no stale module survives.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import filecmp
import functools
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

from pbx_kit.contract import (
    TOKEN_RENEWAL_FRACTION,
    TOKEN_RENEWAL_MAX_SECONDS,
    default_server_url,
    resolve,
    server_url,
    token_url_reference,
)
from pbx_kit.document import dump_document
from pbx_kit.overlay import (
    OverlayError,
    apply_overlays,
    inputs_sha256,
    load_document,
    load_overlay,
    variant_overlays,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
OVERLAYS = ROOT / "overlays"
VARIANT = "sdk"
CONFIG = ROOT / "generator" / "config.yaml"
TEMPLATES = ROOT / "generator" / "templates"
RUNTIME = ROOT / "generator" / "runtime"
PACKAGE = "pbx_api"
TARGET = ROOT / "generated" / PACKAGE
IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache"}
DIFF_LINES = 40


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh generation with generated/pbx_api")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pbx-sdk-") as work:
        try:
            package = generate(Path(work))
            write_distribution(package.parent, SPEC)
        except (OverlayError, GenerationFailed) as error:
            print(f"generate: {error}", file=sys.stderr)
            return 1
        if args.check:
            return max(check(package, TARGET), check_distribution(package.parent, TARGET.parent))
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(package, TARGET, ignore=shutil.ignore_patterns(*IGNORED))
        for name in DISTRIBUTION_FILES:
            shutil.copyfile(package.parent / name, TARGET.parent / name)
        print(f"generated {TARGET.relative_to(ROOT)} (spec sha256 {spec_sha256()})")
    return 0


class GenerationFailed(Exception):
    pass


def spec_sha256() -> str:
    return inputs_sha256(SPEC, variant_overlays(OVERLAYS, VARIANT))


def generate(work: Path, spec_path: Path = SPEC) -> Path:
    """Generate the package from `spec_path` (openapi.yaml by default) into `work`/pbx_api; return that folder."""
    overlays = variant_overlays(OVERLAYS, VARIANT)
    document = sdk_input_document(spec_path)
    spec = work / "openapi.sdk.yaml"
    spec.write_text(dump_document(document), encoding="utf-8")
    templates = work / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "_spec.jinja").write_text(_spec_facts(spec, inputs_sha256(spec_path, overlays)), encoding="utf-8")
    output = work / PACKAGE
    bin_dir = Path(sys.executable).parent
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path", str(spec),
        "--config", str(CONFIG),
        "--custom-template-path", str(templates),
        "--output-path", str(output),
        "--meta", "none",
        "--overwrite",
        "--fail-on-warning",
    ]  # fmt: skip
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (output / "__init__.py").exists():
        raise GenerationFailed(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
    add_runtime(output, spec)
    mark_typed(output)
    return output


def sdk_input_document(spec_path: Path = SPEC) -> dict[str, Any]:
    """The document openapi-python-client gets from the spec file at `spec_path` (see prepare_sdk_input)."""
    return prepare_sdk_input(load_document(spec_path))


def prepare_sdk_input(source: dict[str, Any]) -> dict[str, Any]:
    """`source` made into what openapi-python-client gets: references into properties inlined, then the `sdk`
    variant's overlays applied, parameters' descriptions given to their schemas; GenerationFailed if a property is
    left untyped. `source` itself is not changed."""
    # Inlined before the overlays run, so they work on each schema's own copy: the tolerant-reading overlay loosens
    # `Client`'s enums, not those `ClientUpdate` refers to.
    overlays = [
        load_overlay(path, str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
        for path in variant_overlays(OVERLAYS, VARIANT)
    ]
    document: dict[str, Any] = apply_overlays(inline_property_references(source), overlays)
    describe_parameter_schemas(document)
    check_every_property_typed(document)
    return document


def describe_parameter_schemas(document: dict[str, Any]) -> None:
    """Give each parameter's schema the parameter's description, where the schema has none.

    openapi-python-client documents a parameter from its schema's description only, so without this `client_id`
    would have no docstring; the contract describes parameters where OpenAPI puts it, on the parameter.
    """
    parameters = list(document.get("components", {}).get("parameters", {}).values())
    for path_item in document.get("paths", {}).values():
        parameters += path_item.get("parameters", [])
        parameters += [
            p
            for operation in path_item.values()
            if isinstance(operation, dict)
            for p in operation.get("parameters", [])
        ]
    for parameter in parameters:
        schema = parameter.get("schema") if isinstance(parameter, dict) else None
        if isinstance(schema, dict) and parameter.get("description") and "description" not in schema:
            schema["description"] = parameter["description"]


def inline_property_references(document: dict[str, Any]) -> dict[str, Any]:
    """Every `$ref` into part of a schema (`#/components/schemas/Client/properties/timezone`) replaced by a copy.

    openapi-python-client resolves `$ref` only to whole schemas under `#/components/schemas`; any other reference
    makes it drop the schema holding it (and every operation using that schema), or type the field `Any`. The
    contract keeps such references so each rule is written once; the SDK's input gets a copy in place, with the
    referring node's own keywords (a description, say) laid over it. References to whole schemas stay: they
    become the SDK's named models.
    """

    def inline(node: Any, depth: int) -> Any:
        if depth > 64:
            raise GenerationFailed("references nest too deep to inline (a cycle through a property?)")
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and not _WHOLE_SCHEMA.match(reference) and reference.startswith("#/"):
                target = copy.deepcopy(_resolve(document, reference))
                siblings = {key: value for key, value in node.items() if key != "$ref"}
                return inline({**target, **siblings} if isinstance(target, dict) else target, depth + 1)
            inlined = {key: inline(value, depth) for key, value in node.items()}
            wrapped = inlined.get("allOf")
            if (
                isinstance(wrapped, list)
                and len(wrapped) == 1
                and isinstance(wrapped[0], dict)
                and "$ref" not in wrapped[0]
            ):
                # `allOf: [X]` around an inline X is X: the generator would make a new named model of it.
                siblings = {key: value for key, value in inlined.items() if key != "allOf"}
                return {**wrapped[0], **siblings}
            return inlined
        if isinstance(node, list):
            return [inline(item, depth) for item in node]
        return node

    return inline(document, 0)  # type: ignore[no-any-return]


_WHOLE_SCHEMA = re.compile(r"^#/components/(schemas|responses|parameters|requestBodies|headers|examples|links|"
                           r"securitySchemes)/[^/]+$")  # fmt: skip


def _resolve(document: dict[str, Any], reference: str) -> Any:
    try:
        return resolve(document, reference)
    except (KeyError, IndexError, ValueError, TypeError) as error:
        raise GenerationFailed(f"the SDK's input refers to {reference}, which does not exist") from error


def check_every_property_typed(document: dict[str, Any]) -> None:
    """No property may reach openapi-python-client without a type: it would become `Any` without a warning."""
    untyped = [
        f"{name}.{prop}"
        for name, schema in document.get("components", {}).get("schemas", {}).items()
        for prop, value in (schema.get("properties") or {}).items()
        if not (isinstance(value, dict) and set(value) & _TYPING_KEYWORDS)
    ]
    if untyped:
        raise GenerationFailed(f"properties without a type would be `Any` in the SDK: {', '.join(untyped)}")


_TYPING_KEYWORDS = {"type", "$ref", "allOf", "anyOf", "oneOf", "enum", "const"}


# --- the SDK as its own distribution (generated/ is its project folder) ---------------------------------------

SDK_VERSION = ROOT / "generator" / "sdk-version"
DISTRIBUTION_FILES = ("pyproject.toml", "README.md")
# What the generated code imports, with ranges a user's project can live with (openapi-python-client's own).
SDK_DEPENDENCIES = ("httpx>=0.23.0,<0.29.0", "attrs>=22.2.0")
SDK_PYTHON = ">=3.11"  # the models use typing.Self


def mark_typed(package: Path) -> None:
    """PEP 561's marker: type checkers read the package's own annotations where it is installed."""
    (package / "py.typed").write_text("", encoding="utf-8")


def write_distribution(folder: Path, spec_path: Path = SPEC) -> None:
    """pyproject.toml and README.md beside `folder`/pbx_api: a project pip can build and install."""
    document = load_document(spec_path)
    info = document.get("info", {})
    version = SDK_VERSION.read_text(encoding="utf-8").strip()
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise GenerationFailed(f"generator/sdk-version holds {version!r}, not MAJOR.MINOR.PATCH")
    license_id = info.get("license", {}).get("identifier")
    lines = [
        "# Generated by generator/generate.py from openapi.yaml and generator/sdk-version; do not edit.",
        "[build-system]",
        'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f'name = "{PACKAGE.replace("_", "-")}"',
        f'version = "{version}"',
        f"description = {_toml_string(str(info.get('summary') or info.get('title', PACKAGE)))}",
        'readme = "README.md"',
        f'requires-python = "{SDK_PYTHON}"',
        *([f"license = {_toml_string(license_id)}"] if license_id else []),
        "dependencies = [" + ", ".join(_toml_string(dependency) for dependency in SDK_DEPENDENCIES) + "]",
        "",
        "[tool.setuptools.packages.find]",
        f'include = ["{PACKAGE}*"]',
        "",
        "[tool.setuptools.package-data]",
        f'{PACKAGE} = ["py.typed"]',
        "",
    ]
    (folder / "pyproject.toml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "README.md").write_text(_sdk_readme(document, version), encoding="utf-8")


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sdk_readme(document: dict[str, Any], version: str) -> str:
    """A short README from the spec: what it is, how to install it, and one call of its first read operation."""
    info = document.get("info", {})
    base_url = default_server_url(document["servers"][0])
    first_get = next(
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method == "get" and isinstance(operation, dict)
    )
    method = re.sub(r"(?<!^)(?=[A-Z])", "_", first_get["operationId"]).lower()
    operations = [
        f"- `{re.sub(r'(?<!^)(?=[A-Z])', '_', operation['operationId']).lower()}`: {method_name.upper()} `{path}`, "
        f"{operation.get('summary', '').rstrip('.')}"
        for path, item in document["paths"].items()
        for method_name, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    return "\n".join(
        [
            f"# {PACKAGE.replace('_', '-')} {version}",
            "",
            f"Python SDK of {info.get('title', 'the API')}: {info.get('summary', '').rstrip('.')}.",
            "Generated from its OpenAPI document; typed (`py.typed`), sync and async.",
            "",
            "```sh",
            f"pip install {PACKAGE.replace('_', '-')}=={version}",
            "```",
            "",
            "With an application's App ID and App Secret:",
            "",
            "```python",
            f"import {PACKAGE}",
            "",
            f"with {PACKAGE}.PbxClient.from_credentials(",
            f'    base_url="{base_url}", app_id="YOUR-APP-ID", app_secret="YOUR-APP-SECRET"',
            ") as pbx:",
            f'    print(pbx.{method}("@me"))',
            "```",
            "",
            "Operations (methods of `PbxClient`, and coroutines of `AsyncPbxClient`):",
            "",
            *operations,
            "",
        ]
    )


def check_distribution(fresh: Path, committed: Path) -> int:
    """0 when generated/'s pyproject.toml and README.md are what generation writes; else name them."""
    stale = [
        name
        for name in DISTRIBUTION_FILES
        if not (committed / name).is_file() or not filecmp.cmp(fresh / name, committed / name, shallow=False)
    ]
    if stale:
        print(f"generated/{', generated/'.join(stale)} differ from what generation writes; run `make generate`.")
        return 1
    return 0


def _spec_facts(spec: Path, sha256: str) -> str:
    """What the templates need that openapi-python-client does not read: hashes, servers, security, errors."""
    facts = {
        "spec_sha256": sha256,
        "generator_version": version("openapi-python-client"),
        "server_url": server_url(spec),
        "token_url": token_url_reference(spec),
    }
    for name, value in facts.items():
        if any(char in value for char in '"\\\n'):
            raise GenerationFailed(f"the spec's {name} cannot be used as is: {value!r}")
    lines = [f'{{% set {name} = "{value}" %}}' for name, value in facts.items()]
    # The runtime's one table of statuses and exceptions, for the docstrings' "Raises:" sections.
    classes = {status: cls.__name__ for status, cls in _runtime_errors().ERROR_FOR_STATUS.items()}
    lines.append("{% set error_classes = " + repr(classes) + " %}")
    return "{# Written by generator/generate.py from the sdk variant of openapi.yaml; not a source file. #}\n" + (
        "\n".join(lines) + "\n"
    )


_RUNTIME_ERRORS_LOCK = threading.Lock()


@functools.cache
def _runtime_errors() -> ModuleType:
    """generator/runtime/errors.py, imported from its file (it needs only httpx), once per process.

    Loaded once under a lock: `pbx-spec diff` generates several SDKs at a time in threads, and the module is
    registered in sys.modules while it executes (dataclasses look their module up there).
    """
    with _RUNTIME_ERRORS_LOCK:
        loaded = importlib.util.spec_from_file_location("pbx_sdk_runtime_errors", RUNTIME / "errors.py")
        if loaded is None or loaded.loader is None:
            raise GenerationFailed(f"cannot load {RUNTIME / 'errors.py'}")
        module = importlib.util.module_from_spec(loaded)
        sys.modules[loaded.name] = module
        try:
            loaded.loader.exec_module(module)
        finally:
            sys.modules.pop(loaded.name, None)
        return module


def runtime_files() -> list[Path]:
    """The hand-written runtime's modules, copied into the package as they are."""
    return sorted(RUNTIME.glob("*.py"))


def add_runtime(package: Path, spec: Path) -> None:
    """Copy generator/runtime into the package unchanged, and write `_spec.py`, the spec facts it imports."""
    for module in runtime_files():
        shutil.copyfile(module, package / module.name)
    (package / "_spec.py").write_text(_spec_module(spec, _header_lines(package / "__init__.py")), encoding="utf-8")


def _spec_module(spec: Path, header: str) -> str:
    """`pbx_api._spec`: the server URL and the token URL, as the sdk variant of the spec writes them."""
    return (
        header
        + '"""What the runtime reads: where the API and its token endpoint are, and when to renew a token."""\n\n'
        + f"SERVER_URL = {json.dumps(server_url(spec))}\n"
        + '"""The API\'s base URL from the spec\'s `servers`; `{hostname}` is the provider\'s API server."""\n\n'
        + f"TOKEN_URL = {json.dumps(token_url_reference(spec))}\n"
        + '"""`tokenUrl` of the spec\'s client-credentials flow, relative to <base URL>/openapi.yaml."""\n\n'
        + f"TOKEN_RENEWAL_FRACTION = {TOKEN_RENEWAL_FRACTION!r}\n"
        + f"TOKEN_RENEWAL_MAX_SECONDS = {TOKEN_RENEWAL_MAX_SECONDS!r}\n"
        + '"""A token is renewed this part of its lifetime before it runs out, at most this many seconds\n'
        + '(pbx_kit.contract.token_renewal_margin: the conformance suite follows the same rule)."""\n'
    )


def _header_lines(package_init: Path) -> str:
    """The generated-file header the templates write (`_header.jinja`), as the package's __init__.py has it."""
    lines = package_init.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines[:3] if line.startswith("#"))


def check(fresh: Path, committed: Path) -> int:
    """0 when `committed` holds exactly the files of `fresh`; else a short diff and what to do."""
    differences = list(_differences(fresh, committed))
    if not differences:
        print(f"{_shown(committed)} is up to date (spec sha256 {spec_sha256()})")
        return 0
    shown = 0
    for relative in differences:
        if shown >= DIFF_LINES:
            break
        if not (fresh / relative).is_file():
            diff = [f"only in generated/{PACKAGE} (not generated any more): {relative}"]
        elif not (committed / relative).is_file():
            diff = [f"missing from generated/{PACKAGE}: {relative}"]
        else:
            old, new = _lines(committed / relative), _lines(fresh / relative)
            diff = list(difflib.unified_diff(old, new, f"generated/{PACKAGE}/{relative}", f"regenerated/{relative}"))
        for line in diff[: DIFF_LINES - shown]:
            print(line.rstrip("\n"))
        shown += len(diff)
    if shown >= DIFF_LINES:
        print("... (diff cut short)")
    print(
        f"\ngenerated/{PACKAGE} differs from what openapi.yaml, overlays/ and generator/ produce "
        f"({len(differences)} file(s)). Run `make generate` and commit the result."
    )
    return 1


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _differences(fresh: Path, committed: Path) -> list[str]:
    names = set(_files(fresh)) | set(_files(committed))
    return sorted(
        name
        for name in names
        if not ((fresh / name).is_file() and (committed / name).is_file())
        or not filecmp.cmp(fresh / name, committed / name, shallow=False)
    )


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(folder).parts)
    ]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []


if __name__ == "__main__":
    sys.exit(main())

"""Running openapi-python-client on the SDK's input, then adding the hand-written runtime and the spec facts.

Steps: write the SDK's input (the `sdk` variant) where openapi-python-client reads it; hand the templates the facts
it does not read from the spec (the server URL, the token URL, the spec's hash, the runtime's error classes)
through a generated `_spec.jinja`; run the pinned openapi-python-client, whose post hooks run the pinned ruff
(this interpreter's bin/ goes first on PATH); copy the hand-written runtime (`pbx_generator.runtime`) into the
package unchanged and write the spec facts it reads (`_spec.py`). The config and the templates are package data,
written into the work folder first, so a generation reads nothing of the repository but its spec and overlays.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from importlib.metadata import version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pbx_generator.runtime import errors as runtime_errors
from pbx_generator.sdk_input import sdk_input_document, spec_sha256
from pbx_kit.contract import (
    TOKEN_RENEWAL_FRACTION,
    TOKEN_RENEWAL_MAX_SECONDS,
    overlays_path,
    server_url,
    spec_path,
    token_url_reference,
)
from pbx_kit.document import dump_document

PACKAGE = "pbx_api"
SDK_INPUT_FILE = "openapi.sdk.yaml"
"""The SDK's input, as written beside the generated package (what openapi-python-client read)."""
IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache"}


class GenerationFailed(Exception):
    """openapi-python-client failed, or the spec cannot be used as it is; the message says which."""


def generate(work: Path, spec: Path | None = None, overlays: Path | None = None) -> Path:
    """Generate the package from the spec file `spec` (the contract by default) into `work`/pbx_api; return it."""
    spec, overlays = spec or spec_path(), overlays or overlays_path()
    return generate_package(work, sdk_input_document(spec, overlays), spec_sha256(spec, overlays))


def generate_package(work: Path, sdk_input: Mapping[str, Any], sha256: str) -> Path:
    """Generate `work`/pbx_api from the SDK's input document; `sha256` names what it was made from."""
    spec = work / SDK_INPUT_FILE
    spec.write_text(dump_document(sdk_input), encoding="utf-8")
    templates = _copy_tree(files("pbx_generator") / "templates", work / "templates")
    (templates / "_spec.jinja").write_text(_spec_facts(spec, sha256), encoding="utf-8")
    config = work / "config.yaml"
    config.write_bytes((files("pbx_generator") / "config.yaml").read_bytes())
    output = work / PACKAGE
    bin_dir = Path(sys.executable).parent
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path", str(spec),
        "--config", str(config),
        "--custom-template-path", str(templates),
        "--output-path", str(output),
        "--meta", "none",
        "--overwrite",
        "--fail-on-warning",
    ]  # fmt: skip
    # PATH: this interpreter's bin/ is put first, so openapi-python-client formats with this environment's ruff
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (output / "__init__.py").exists():
        raise GenerationFailed(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
    add_runtime(output, spec)
    mark_typed(output)
    return output


def _copy_tree(source: Traversable, target: Path) -> Path:
    """Package data (a folder of files) written out where a tool can read it as files."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.is_file():
            (target / entry.name).write_bytes(entry.read_bytes())
        elif entry.name not in IGNORED:
            _copy_tree(entry, target / entry.name)
    return target


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
    classes = {status: cls.__name__ for status, cls in runtime_errors.ERROR_FOR_STATUS.items()}
    lines.append("{% set error_classes = " + repr(classes) + " %}")
    return "{# Written by pbx_generator.generation from the sdk variant of openapi.yaml; not a source file. #}\n" + (
        "\n".join(lines) + "\n"
    )


def runtime_files() -> list[Traversable]:
    """The hand-written runtime's modules, copied into the package as they are (not the runtime's __init__.py)."""
    runtime = files("pbx_generator.runtime")
    return sorted(
        (entry for entry in runtime.iterdir() if entry.name.endswith(".py") and entry.name != "__init__.py"),
        key=lambda entry: entry.name,
    )


def add_runtime(package: Path, spec: Path) -> None:
    """Copy the runtime into the package unchanged, and write `_spec.py`, the spec facts it imports."""
    for module in runtime_files():
        (package / module.name).write_bytes(module.read_bytes())
    (package / "_spec.py").write_text(_spec_module(spec, _header_lines(package / "__init__.py")), encoding="utf-8")


def mark_typed(package: Path) -> None:
    """PEP 561's marker: type checkers read the package's own annotations where it is installed."""
    (package / "py.typed").write_text("", encoding="utf-8")


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

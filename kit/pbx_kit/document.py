"""Reading, writing and pointing into YAML/JSON documents: the one loader every piece uses.

`read_document` parses any document (an overlay, a variants list, a seed) and `read_openapi` an OpenAPI one; both
answer a file that is missing, unreadable, not YAML or of the wrong shape with a `DocumentError` whose message is
one line naming the file, so a command can print it and exit 2. `pbx_kit.contract.load_document` is the cached,
read-only view of the contract built on `read_openapi`.

JSON Pointers (RFC 6901) are built and followed here too: `pointer`, `escape`, `unescape`, `resolve`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml


class DocumentError(Exception):
    """A document that cannot be read, or is not the kind of document asked for; the message is one line."""


def read_document(path: Path | str) -> Any:
    """The parsed YAML (or JSON) document at `path`, a fresh object the caller may change."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise DocumentError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise DocumentError(f"{path}: is a folder, not a document") from error
    except OSError as error:
        raise DocumentError(f"{path}: cannot read the document: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise DocumentError(f"{path}: not UTF-8 text") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise DocumentError(f"{path}: not valid YAML{where}: {problem}") from error


def read_openapi(path: Path | str) -> dict[str, Any]:
    """The OpenAPI 3.x document at `path`; DocumentError when the file is not one (no `openapi: 3.x`, no `paths`)."""
    document = read_document(path)
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise DocumentError(f"{path}: not an OpenAPI 3 document (no `openapi: 3.x` at its top)")
    if not isinstance(document.get("paths"), dict):
        raise DocumentError(f"{path}: an OpenAPI document without `paths`")
    return document


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no anchors or aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_document(document: Any) -> str:
    """The document as YAML text: same document, same bytes; keys in document order."""
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False
    )
    return text


def fresh_copy(value: Any) -> Any:
    """A deep copy that shares nothing, not even nodes the source shared (YAML aliases), unlike copy.deepcopy."""
    if isinstance(value, dict):
        return {key: fresh_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fresh_copy(item) for item in value]
    return value


# --- JSON Pointer (RFC 6901) --------------------------------------------------------------------------------


def escape(token: str | int) -> str:
    """One reference token as a pointer writes it: `~` as `~0`, `/` as `~1` (in that order)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The reference token a pointer's part stands for: `~1` as `/`, then `~0` as `~`."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer(tokens: Iterable[str | int]) -> str:
    """The JSON Pointer to the node these tokens lead to (`/paths/~1client~1/get`); `""` for the document."""
    return "".join("/" + escape(token) for token in tokens)


def resolve(document: Mapping[str, Any], ref: str) -> Any:
    """The node a local reference such as `#/components/schemas/Client` points to (a JSON Pointer after `#`;
    `#` alone is the document). KeyError or IndexError when it points at nothing."""
    if ref != "#" and not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/") if ref != "#" else []:
        key = unescape(part)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node

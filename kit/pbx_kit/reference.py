"""The reference readers see: openapi.yaml with its provenance rendered and cURL and Python samples per operation.

The samples are generated from the contract and the SDK's naming, never written by hand: the URL from `servers`
(and the token URL from the security scheme), the path parameters and the body from the document's first examples,
the Python method and its keyword arguments as the generated SDK names them (pbx_kit.sdk_names: `getClient` ->
`get_client`, `type` -> `type_`). A renamed operation, a new example or a new operation changes the samples on the
next `make docs`. Both kinds read the same environment:

    PBX_URL         the provider's host, such as https://pbx.example.com (the server's default when unset)
    PBX_APP_ID      the application's App ID
    PBX_APP_SECRET  its App Secret

The page is Redoc (the npm package `redoc`, pinned in package.json) with its standalone bundle and the document
inlined into one HTML file: it loads nothing from the network (no CDN, no web fonts), so it opens from disk.

    python -m pbx_kit.reference build/docs/api  # write openapi.yaml and index.html there (make docs)
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pbx_kit.contract import ROOT, Operation, default_server_url, load_document, operations_of, token_path
from pbx_kit.document import resolve
from pbx_kit.provenance import with_provenance_rendered
from pbx_kit.sdk_names import argument_name, method_name

REDOC_BUNDLE = ROOT / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js"
# Redoc's sidebar credit shows Redocly's logo from Redocly's CDN; the page must load nothing from the network, so
# the image is an empty inline SVG instead (the credit's words and link stay).
REDOC_LOGO_URL = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
# Redoc's options: nothing fetched from elsewhere, the samples' tabs and every response shown.
REDOC_OPTIONS = {
    "hideDownloadButton": False,
    "expandResponses": "all",
    "pathInMiddlePanel": True,
    "nativeScrollbars": True,
}
SDK_PACKAGE = "pbx_api"
SDK_CLIENT = "PbxClient"
SAMPLES = "x-codeSamples"


def host_and_base_path(document: Mapping[str, Any]) -> tuple[str, str]:
    """The default host (`https://pbx.example.com`) and the API's base path (`/api/ver1.0`) from `servers`."""
    parts = urlsplit(default_server_url(document["servers"][0]))
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def followed(document: Mapping[str, Any], node: Any) -> Any:
    """`node` with its `$ref`s followed in `document` until a node without one."""
    while isinstance(node, Mapping) and "$ref" in node:
        node = resolve(document, node["$ref"])
    return node


def first_example(document: Mapping[str, Any], node: Mapping[str, Any]) -> Any:
    """The value of a parameter's or media type's first example."""
    if "example" in node:
        return node["example"]
    example = followed(document, next(iter(node["examples"].values())))
    return example["value"]


def path_arguments(document: Mapping[str, Any], operation: Operation) -> dict[str, Any]:
    """Each path parameter's first example, by name (the path item's parameters, then the operation's own)."""
    parameters = [
        followed(document, parameter)
        for parameter in [*operation.path_item.get("parameters", []), *operation.node.get("parameters", [])]
    ]
    return {
        parameter["name"]: first_example(document, parameter) for parameter in parameters if parameter["in"] == "path"
    }


def request_example(document: Mapping[str, Any], operation: Operation) -> Any:
    """The JSON request body's first example, or None for an operation without a JSON body."""
    if "requestBody" not in operation.node:
        return None
    media = followed(document, operation.node["requestBody"])["content"].get("application/json")
    return None if media is None else first_example(document, media)


TOKEN_FORM = '-d grant_type=client_credentials -d client_id="$PBX_APP_ID" -d client_secret="$PBX_APP_SECRET"'


def curl_sample(document: Mapping[str, Any], operation: Operation) -> str:
    host, base = host_and_base_path(document)
    if not operation.needs_token(document):
        return f'PBX_URL=${{PBX_URL:-{host}}}\ncurl -sS --fail-with-body "$PBX_URL{token_path()}" \\\n  {TOKEN_FORM}\n'

    path = operation.path
    for name, value in path_arguments(document, operation).items():
        path = path.replace("{" + name + "}", str(value))
    lines = [
        f"PBX_URL=${{PBX_URL:-{host}}}",
        f'TOKEN=$(curl -sS --fail-with-body "$PBX_URL{token_path()}" \\',
        f"  {TOKEN_FORM} \\",
        """  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')""",
    ]
    call = f'curl -sS --fail-with-body -X {operation.method.upper()} "$PBX_URL{base}{path}" \\\n'
    call += '  -H "Authorization: Bearer $TOKEN"'
    body = request_example(document, operation)
    if body is not None:
        call += " -H 'Content-Type: application/json' \\\n  -d " + shlex.quote(json.dumps(body))
    return "\n".join([*lines, call]) + "\n"


def python_sample(document: Mapping[str, Any], operation: Operation) -> str:
    """The call with pbx_api: the body's fields as keyword arguments, as the SDK's update methods take them."""
    host, base = host_and_base_path(document)
    if not operation.needs_token(document):
        return python_token_sample(host)
    arguments = [literal(value) for value in path_arguments(document, operation).values()]
    body = request_example(document, operation)
    if body is not None:
        arguments += [f"{argument_name(name)}={literal(value)}" for name, value in body.items()]
    return (
        "\n".join(
            [
                "import json",
                "import os",
                "",
                f"import {SDK_PACKAGE}",
                "",
                f'base_url = os.environ.get("PBX_URL", {literal(host)}) + {literal(base)}',
                f"with {SDK_PACKAGE}.{SDK_CLIENT}.from_credentials(",
                '    base_url=base_url, app_id=os.environ["PBX_APP_ID"], app_secret=os.environ["PBX_APP_SECRET"]',
                ") as pbx:",
                f"    answer = pbx.{method_name(operation.operation_id)}({', '.join(arguments)})",
                "print(json.dumps(answer.to_dict(), indent=2))",
            ]
        )
        + "\n"
    )


def python_token_sample(host: str) -> str:
    """The token request by hand, with httpx (pbx_api.PbxClient fetches and renews its tokens itself)."""
    return (
        "\n".join(
            [
                "import json",
                "import os",
                "",
                "import httpx",
                "",
                f'url = os.environ.get("PBX_URL", {literal(host)}) + {literal(token_path())}',
                'form = {"grant_type": "client_credentials", "client_id": os.environ["PBX_APP_ID"],',
                '        "client_secret": os.environ["PBX_APP_SECRET"]}',
                "answer = httpx.post(url, data=form).raise_for_status().json()",
                "print(json.dumps(answer, indent=2))",
            ]
        )
        + "\n"
    )


def literal(value: Any) -> str:
    """A Python literal of a JSON value, strings in double quotes as ruff formats them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{literal(key)}: {literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return repr(value)


def code_samples(document: Mapping[str, Any], operation: Operation) -> list[dict[str, str]]:
    """The operation's `x-codeSamples`, in the form Redoc and Scalar render."""
    python_label = f"Python ({SDK_PACKAGE})" if operation.needs_token(document) else "Python (httpx)"
    return [
        {"lang": "Shell", "label": "cURL", "source": curl_sample(document, operation)},
        {"lang": "Python", "label": python_label, "source": python_sample(document, operation)},
    ]


def reference_document(document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The document readers see: provenance rendered into the descriptions, samples on every operation."""
    source = document if document is not None else load_document()
    rendered = with_provenance_rendered(source)
    for operation in operations_of(source):
        rendered["paths"][operation.path][operation.method][SAMPLES] = code_samples(source, operation)
    return rendered


def html_page(document: Mapping[str, Any]) -> str:
    """One self-contained HTML page rendering `document` with Redoc's standalone bundle."""
    if not REDOC_BUNDLE.exists():
        raise FileNotFoundError(f"{REDOC_BUNDLE} is missing: run `make install` (npm ci) first")
    title = str(document["info"]["title"]).replace("&", "&amp;").replace("<", "&lt;")

    bundle = REDOC_BUNDLE.read_text(encoding="utf-8")
    if "</script" in bundle.lower():
        raise ValueError(f"{REDOC_BUNDLE} would close its own <script> element")
    if REDOC_LOGO_URL not in bundle:
        raise ValueError(f"{REDOC_BUNDLE} no longer loads {REDOC_LOGO_URL}: check what it fetches now")
    bundle = bundle.replace(REDOC_LOGO_URL, EMPTY_IMAGE)
    spec = json.dumps(document).replace("</", "<\\/")  # a JSON string may escape "/"; no "</script" gets through

    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>body {{ margin: 0; padding: 0; }}</style>\n</head>\n<body>\n"
        '<div id="redoc"></div>\n'
        f"<script>{bundle}</script>\n"
        f"<script>Redoc.init({spec}, {json.dumps(REDOC_OPTIONS)}, "
        'document.getElementById("redoc"));</script>\n</body>\n</html>\n'
    )


def build(target_dir: Path) -> None:
    """Write the reference document and its HTML page into `target_dir`."""
    document = reference_document()
    target_dir.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    (target_dir / "openapi.yaml").write_text(text, encoding="utf-8")
    (target_dir / "index.html").write_text(html_page(document), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    build(Path(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The contract served as a document, the interactive API browser (Swagger UI 5 from swagger-ui-py), and beside
it the reference `make docs` builds (pbx_kit.reference: Redoc, provenance, cURL and Python samples).

The served document is openapi.yaml with one change: every `servers` names this emulator's own origin (the
document's, and a path's own, such as the token endpoint's on the host's root), so the browser's "Try it out"
and its Authorize (the relative tokenUrl, resolved against that server) call the emulator rather than the
provider.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui.core import ApplicationDocument  # type: ignore[import-untyped]  # swagger-ui-py ships no types

from pbx_kit import reference
from pbx_kit.contract import HTTP_METHODS

REFERENCE_NAME = "reference"


def served_document(document: dict[str, Any], origin: str, base: str) -> dict[str, Any]:
    """The contract as this emulator serves it: its own origin as the only server, for the API and for each path
    or operation that names servers of its own (the token endpoint, on the host's root)."""
    paths = {path: _served_here(item, origin) for path, item in document.get("paths", {}).items()}
    return {**document, "servers": [{"url": origin + base, "description": "This emulator."}], "paths": paths}


def _served_here(item: dict[str, Any], origin: str) -> dict[str, Any]:
    """A path item (or operation) whose own `servers` point at this origin, the path each server names kept."""
    served: dict[str, Any] = {
        key: _served_here(value, origin) if key in HTTP_METHODS and isinstance(value, dict) else value
        for key, value in item.items()
    }
    if "servers" in served:
        served["servers"] = [
            {"url": origin + urlsplit(str(server["url"])).path.rstrip("/"), "description": "This emulator."}
            for server in served["servers"]
        ]
    return served


def routes(document: dict[str, Any], base: str, spec_name: str, explorer_name: str) -> list[BaseRoute]:
    spec_url = f"{base}/{spec_name}"
    explorer_url = f"{base}/{explorer_name}"
    rendered: dict[str, bytes] = {}  # one YAML text per origin the emulator is reached at

    async def spec(request: Request) -> Response:
        origin = f"{request.url.scheme}://{request.url.netloc}"
        text = rendered.get(origin)
        if text is None:
            text = yaml.safe_dump(served_document(document, origin, base), sort_keys=False, allow_unicode=True).encode()
            if len(rendered) < 16:  # any Host header makes an origin: keep a few, not every one
                rendered[origin] = text
        return Response(text, media_type="application/yaml")

    ui = ApplicationDocument(
        app=None,
        url_prefix=explorer_url,
        title="Cloud PBX API — Client resources: API explorer",
        config_rel_url=f"/../{spec_name}",
        parameters={
            "layout": json.dumps("BaseLayout"),
            "tryItOutEnabled": "true",
            "persistAuthorization": "false",
        },
    )
    # swagger-ui-py derives the spec's URL from its own prefix; name it outright instead.
    ui.parameters["url"] = json.dumps(spec_url)
    page = ui.doc_html.encode()

    async def explorer_page(request: Request) -> Response:
        return HTMLResponse(page)

    async def to_explorer(request: Request) -> Response:
        return RedirectResponse(explorer_url + "/")

    reference_url = f"{base}/{REFERENCE_NAME}"
    references: dict[str, bytes] = {}  # one page per origin, as for the document

    async def reference_page(request: Request) -> Response:
        origin = f"{request.url.scheme}://{request.url.netloc}"
        page = references.get(origin)
        if page is None:
            try:
                served = served_document(document, origin, base)
                # about a megabyte of Redoc and the document: built off the event loop, once per origin
                page = (await run_in_threadpool(reference.html_page, reference.reference_document(served))).encode()
            except FileNotFoundError as missing:  # Redoc's bundle comes with `make install`
                return Response(f"The reference cannot be built here: {missing}\n", status_code=404)
            if len(references) < 4:
                references[origin] = page
        return HTMLResponse(page)

    async def to_reference(request: Request) -> Response:
        return RedirectResponse(reference_url + "/")

    return [
        Route(spec_url, spec, methods=["GET"]),
        Route(explorer_url + "/", explorer_page, methods=["GET"]),
        Route(explorer_url, to_explorer, methods=["GET"]),
        Route(reference_url + "/", reference_page, methods=["GET"]),
        Route(reference_url, to_reference, methods=["GET"]),
        Mount(explorer_url + "/static", StaticFiles(directory=ui.static_dir), name="explorer-static"),
    ]

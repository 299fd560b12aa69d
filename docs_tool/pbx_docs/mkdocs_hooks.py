"""MkDocs hooks (mkdocs.yml's `hooks:`): the Redoc reference is one section of the site, and the site loads
nothing from elsewhere.

- The reference for API reviewers (`pbx_kit.reference.build`: the Redoc page and the document it renders) is
  written into the site as its own files under api/, so pages link to it and `mkdocs build --strict` checks
  those links like any other.
- Material's offline plugin makes search work opened from disk with the iframe-worker shim, which it would load
  from a CDN unless a polyfill named iframe-worker is already listed. The shim comes from the npm package
  `iframe-worker` (pinned in package.json) and is written into the site as one of its own files, which mkdocs.yml
  lists as that polyfill (in mkdocs.yml, since the plugin's own configuration step runs before any hook's).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from pbx_kit import reference

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
REFERENCE_FOLDER = "api"


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    polyfills = config.extra.get("polyfills", [])
    if polyfills != [SHIM_URI]:
        raise ValueError(f"mkdocs.yml: extra.polyfills must be [{SHIM_URI}], not {polyfills}")
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    if not SHIM.is_file():
        raise FileNotFoundError(f"{SHIM} is missing: run `make install` (npm ci)")
    files.append(File.generated(config, SHIM_URI, content=SHIM.read_bytes()))
    with tempfile.TemporaryDirectory() as folder:
        reference.build(Path(folder))
        for built in sorted(Path(folder).iterdir()):
            files.append(File.generated(config, f"{REFERENCE_FOLDER}/{built.name}", content=built.read_bytes()))
    return files

"""MkDocs hooks (mkdocs.yml's `hooks:`): the Redoc reference is one section of the site, and the site loads
nothing from elsewhere.

- The reference for API reviewers (`pbx_kit.reference.build`: the Redoc page and the document it renders) is
  written into the site as its own files under api/, so pages link to it and `mkdocs build --strict` checks
  those links like any other.
- A page may link to a file of the repository outside docs/ (a module, a config file), which the site does not
  hold: such a link is shown as the file's path, and a link to a file the repository does not have is left for
  `--strict` to refuse.
- Material's offline plugin makes search work opened from disk with the iframe-worker shim, which it would load
  from a CDN unless a polyfill named iframe-worker is already listed. The shim comes from the npm package
  `iframe-worker` (pinned in package.json) and is written into the site as one of its own files, which mkdocs.yml
  lists as that polyfill (in mkdocs.yml, since the plugin's own configuration step runs before any hook's).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from pbx_kit import reference

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
REFERENCE_FOLDER = "api"
DOCS = ROOT / "docs"
LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+)\)")


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


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    folder = (Path(config.docs_dir) / page.file.src_path).parent

    def repository_path(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        path = (folder / target).resolve()
        if path.is_relative_to(Path(config.docs_dir).resolve()) or not path.exists():
            return match.group(0)
        shown = f"`{path.relative_to(ROOT).as_posix()}`"
        return shown if text.strip("`") == path.relative_to(ROOT).as_posix() else f"{text} ({shown})"

    return LINK.sub(repository_path, markdown)

# The documentation site (MkDocs with Material for MkDocs, mkdocs.yml; pages in docs/) and the reference for API
# reviewers (openapi.yaml with its provenance rendered and generated x-codeSamples, as one self-contained HTML page:
# Redoc's standalone bundle from the pinned npm package `redoc`, inlined: no CDN, no fonts).
#   make docs          -> build/docs/index.html (the site) and build/docs/api/index.html (the reference) with
#                         build/docs/api/openapi.yaml, the document it renders (pbx_kit.reference, written into the
#                         site by the hook in docs_tool/pbx_docs/mkdocs_hooks.py); fails when a generated page
#                         differs. No --quiet: mkdocs 1.6 then stops counting warnings, and --strict fails on none.
#   make docs-pages    rewrite docs/'s generated pages and tables from the code and the spec (python -m pbx_docs)
# Redocly CLI lints openapi.yaml in `make lint-spec` (the top Makefile) with redocly.yaml.
.PHONY: docs docs-pages

DOCS_DIR ?= build/docs
# Redocly CLI sends usage data and checks for updates unless told not to: lint stays offline.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
# Material prints a notice about its successor on every build; the build's output is kept to what matters.
export NO_MKDOCS_2_WARNING := 1

docs: $(PYTHON_DEPS) $(NODE_DEPS) ## build the documentation site and the Redoc reference into build/docs
	$(PY) -m pbx_docs check
	$(VENV)/bin/mkdocs build --strict --site-dir $(DOCS_DIR)

docs-pages: $(PYTHON_DEPS) ## rewrite the site's generated pages (checks, faults, decisions, commands, ...) from the code
	$(PY) -m pbx_docs write

TEST_PREREQUISITES += docs

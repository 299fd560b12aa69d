# The reference for API reviewers: openapi.yaml with its provenance rendered and generated x-codeSamples, as one
# self-contained HTML page (Redoc's standalone bundle from the pinned npm package `redoc`, inlined: no CDN, no fonts).
#   make docs     -> build/docs/index.html (and build/docs/openapi.yaml, the document it renders)
# Redocly CLI lints openapi.yaml in `make lint-spec` (the top Makefile) with redocly.yaml.
.PHONY: docs


DOCS_DIR ?= build/docs
# Redocly CLI sends usage data and checks for updates unless told not to: lint stays offline.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

docs: $(PYTHON_DEPS) $(NODE_DEPS) ## build the reference for API reviewers into build/docs
	$(PY) -m pbx_kit.reference $(DOCS_DIR)

TEST_PREREQUISITES += docs

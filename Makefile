# One entry point for everything: `make conformance` (the main job) and `make test`.
# The first target that needs them creates .venv from requirements.txt and node_modules from package-lock.json.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
PYTEST  := $(PY) -m pytest
SPECTRAL := node_modules/.bin/spectral
REDOCLY  := node_modules/.bin/redocly
SPEC    := openapi.yaml

PYTHON_DEPS := $(VENV)/.installed
NODE_DEPS   := node_modules/.installed

.PHONY: help install lint lint-spec lint-python lint-imports typecheck test test-tools bench

# Every target with a `## purpose` comment on its line, in this Makefile and mk/*.mk, in file order.
help: ## list every target and what it does
	@awk -F':.*## ' '/^[a-zA-Z0-9_-]+:.*## / { printf "  make %-20s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

install: $(PYTHON_DEPS) $(NODE_DEPS) ## create .venv (requirements.txt) and node_modules (package-lock.json)

# Each piece is its own distribution (its folder's pyproject.toml): the pins first, then every piece in editable
# mode without its dependencies, so .venv holds exactly requirements.txt's versions. (setuptools' notice that an
# editable install of a flat layout can be shadowed by a folder of the package's name is silenced: it cannot, here.)
PIECES := $(patsubst %/pyproject.toml,%,$(wildcard */pyproject.toml))
$(PYTHON_DEPS): requirements.txt pyproject.toml $(wildcard */pyproject.toml)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip uninstall --quiet --yes pbx-client-api-kit 2>/dev/null || true  # the one distribution before the split
	rm -rf pbx_client_api_kit.egg-info  # its metadata in the checkout's root, where `python -m` from here still finds it
	PYTHONWARNINGS="ignore:Editable installation" \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(addprefix -e ,$(PIECES))
	touch $@

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: lint-python lint-imports lint-spec ## ruff, the architecture contracts, and the spec linters on openapi.yaml

lint-python: $(PYTHON_DEPS) ## ruff check and ruff format --check over our Python
	$(VENV)/bin/ruff check kit emulator conformance generator spec_tools bench docs_tool tests
	$(VENV)/bin/ruff format --check kit emulator conformance generator spec_tools bench docs_tool tests

# The layers and faces of pyproject.toml's [tool.importlinter]: what each piece may import.
lint-imports: $(PYTHON_DEPS) ## import-linter: the kit imports no piece, pieces only each other's faces, no cycles
	$(VENV)/bin/lint-imports --no-logo

# mypy --strict (pyproject.toml's [tool.mypy]) over every piece's package, the generator's with its runtime; each
# benchmark is a script of its own (they share a file name, so one mypy run would see two modules called `bench`).
typecheck: $(PYTHON_DEPS) ## mypy --strict over every piece's package and each benchmark script
	$(VENV)/bin/mypy kit/pbx_kit emulator/pbx_emulator conformance/pbx_conformance generator/pbx_generator spec_tools/pbx_spec docs_tool/pbx_docs
	for script in bench/*/*.py; do $(VENV)/bin/mypy "$$script" || exit 1; done

# Zero errors and zero warnings: Spectral's --fail-severity=warn; Redocly's recommended-strict (redocly.yaml) makes
# every recommended rule an error. Redocly's offline settings are in mk/docs.mk.
lint-spec: $(PYTHON_DEPS) $(NODE_DEPS) ## openapi-spec-validator, Spectral and Redocly on openapi.yaml, zero warnings
	$(VENV)/bin/openapi-spec-validator $(SPEC)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=warn $(SPEC)
	$(REDOCLY) lint --config redocly.yaml $(SPEC)

# Each piece adds its own targets, prerequisites of `test` (TEST_PREREQUISITES), what the tests need installed
# beyond .venv and node_modules (TEST_TOOLS: Debian packages, downloaded wheels; each says what and why as it
# installs) and benchmarks (BENCHES).
TEST_PREREQUISITES :=
TEST_TOOLS :=
BENCHES :=
include mk/*.mk

test-tools: $(TEST_TOOLS) ## install what the tests need beyond .venv: each step prints what it installs and why

test: $(PYTHON_DEPS) $(NODE_DEPS) test-tools lint typecheck $(TEST_PREREQUISITES) ## what CI runs: lint, types, drift, gate, every test
	$(PYTEST)

bench: $(PYTHON_DEPS) $(NODE_DEPS) $(BENCHES) ## every benchmark, each side by side with its peer, as ratios

# One entry point for everything: `make conformance` (the main job) and `make test`.
# The first target that needs them creates .venv from requirements.txt and node_modules from package-lock.json.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
PYTEST  := $(PY) -m pytest
SPECTRAL := node_modules/.bin/spectral
SPEC    := openapi.yaml

PYTHON_DEPS := $(VENV)/.installed
NODE_DEPS   := node_modules/.installed

.PHONY: help install lint lint-spec lint-python typecheck test bench
help:
	@echo "make conformance   run the conformance suite against a fresh local emulator (the main job)"
	@echo "make test          every test, the spec lint and the generated-code drift check"
	@echo "make lint          ruff on our Python, openapi-spec-validator and Spectral on openapi.yaml"
	@echo "make typecheck     mypy --strict over all our Python (kit, emulator, conformance, generator, bench)"
	@echo "make emulator      serve the emulator on http://127.0.0.1:8000 with the default seed"
	@echo "make generate      apply overlays and regenerate the SDK under generated/"
	@echo "make bench         benchmarks, each side by side with its peer"

install: $(PYTHON_DEPS) $(NODE_DEPS)

$(PYTHON_DEPS): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: lint-python lint-spec

lint-python: $(PYTHON_DEPS)
	$(VENV)/bin/ruff check kit emulator conformance generator bench tests
	$(VENV)/bin/ruff format --check kit emulator conformance generator bench tests

# mypy --strict (pyproject.toml's [tool.mypy]) over every piece's package and the generator; each benchmark is a
# script of its own (they share a file name, so one mypy run would see two modules called `bench`).
typecheck: $(PYTHON_DEPS)
	$(VENV)/bin/mypy kit/pbx_kit emulator/pbx_emulator conformance/pbx_conformance generator
	for script in bench/*/*.py; do $(VENV)/bin/mypy "$$script" || exit 1; done

# Zero errors and zero warnings: Spectral's --fail-severity=warn; Redocly's recommended-strict (redocly.yaml) makes
# every recommended rule an error. $(REDOCLY) and its offline settings are in mk/docs.mk.
lint-spec: $(PYTHON_DEPS) $(NODE_DEPS)
	$(VENV)/bin/openapi-spec-validator $(SPEC)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=warn $(SPEC)
	$(REDOCLY) lint --config redocly.yaml $(SPEC)

# Each piece adds its own targets, prerequisites of `test` (TEST_PREREQUISITES) and benchmarks (BENCHES).
TEST_PREREQUISITES :=
BENCHES :=
include mk/*.mk

test: $(PYTHON_DEPS) $(NODE_DEPS) lint typecheck $(TEST_PREREQUISITES)
	$(PYTEST)

bench: $(PYTHON_DEPS) $(NODE_DEPS) $(BENCHES)

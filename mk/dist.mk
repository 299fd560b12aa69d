# The tools as distributions: one per piece (each folder with a pyproject.toml but docs_tool/, a repository tool).
#   make dist                 every piece's wheel and sdist into build/dist/ (PyPA build, pinned, offline from the
#                             wheelhouse), then `twine check --strict` on each
#   make dist-wheelhouse      the distributions' third-party wheels at requirements.txt's pins, downloaded once
#   make release-tool TOOL=pbx-emulator PART=minor NOTE="what changed"
#                             bump a tool's version (its pyproject.toml), write its CHANGELOG.md section and move the
#                             pinned install commands of the README, docs/ and examples/ to it
# pbx-api's version is generator/sdk-version, set by `make release` (mk/spec.mk) from the change report.
.PHONY: dist dist-wheelhouse release-tool

DIST_DIR ?= build/dist
# The pieces that are distributions: not the repository's own projects, which every index refuses (docs_tool/).
DISTRIBUTED := $(patsubst %/pyproject.toml,%,$(shell grep -L "Private :: Do Not Upload" $(wildcard */pyproject.toml)))
DIST_WHEELHOUSE := build/dist-wheelhouse
DIST_WHEELHOUSE_STAMP := $(DIST_WHEELHOUSE)/.filled
# The build backend every piece names (kit/pyproject.toml's [build-system], the same pin in each).
BUILD_BACKEND = $(shell sed -n 's/^requires = \["\(setuptools==[^"]*\)"\]/\1/p' kit/pyproject.toml)

# Offline: each build's isolated environment gets the pinned setuptools from the wheelhouse, not from an index.
# kit's Redoc bundle is a symlink into node_modules, which the build follows (hence $(NODE_DEPS)).
dist: $(PYTHON_DEPS) $(NODE_DEPS) $(DIST_WHEELHOUSE_STAMP) ## build every piece's wheel and sdist into build/dist, twine check
	rm -rf $(DIST_DIR)
	for piece in $(DISTRIBUTED); do \
	  PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_FIND_LINKS=$(abspath $(DIST_WHEELHOUSE)) \
	    $(PY) -m build --quiet --outdir $(DIST_DIR) $$piece || exit 1; \
	done
	$(VENV)/bin/twine check --strict $(DIST_DIR)/*
	@ls $(DIST_DIR)

# What `pip install` of every distribution (the suite with its emulator extra) pulls from PyPI, resolved by pip
# with requirements.txt's pins as constraints, so each wheel is the pinned version (a range that excludes a pin
# fails here); the pinned setuptools that builds the pieces, and pip, which pipx installs into its shared venv.
dist-wheelhouse: $(DIST_WHEELHOUSE_STAMP) ## download the distributions' dependencies once, for the offline installed test
$(DIST_WHEELHOUSE_STAMP): requirements.txt $(wildcard */pyproject.toml) | $(PYTHON_DEPS)
	@echo "make dist-wheelhouse: downloading the distributions' third-party wheels at requirements.txt's pins, setuptools and pip, from PyPI into $(DIST_WHEELHOUSE) (the offline installed test and make dist)"
	rm -rf $(DIST_WHEELHOUSE) && mkdir -p $(DIST_WHEELHOUSE)
	$(PY) -m pip download --quiet --disable-pip-version-check --dest $(DIST_WHEELHOUSE) --constraint requirements.txt \
	  $(addprefix ./,$(DISTRIBUTED)) "./conformance[emulator]" "$(BUILD_BACKEND)" pip
	touch $@

TOOL ?=
PART ?= patch
NOTE ?=
release-tool: $(PYTHON_DEPS) ## bump TOOL's version by PART, write its CHANGELOG.md section (NOTE) and the docs' pins
	$(VENV)/bin/pbx-spec release-tool "$(TOOL)" "$(PART)" --note "$(NOTE)" --root $(RELEASE_ROOT)

TEST_TOOLS += dist-wheelhouse

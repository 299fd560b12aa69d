# Spec changes: the change report, the breaking-change gate, the release step and the SDK's own distribution.
#   make diff BASE=HEAD~1     the change report from a git revision (or a file) to the working tree's openapi.yaml
#   make diff BASE=HEAD~1 DIFF_ARGS="--format html -o build/change.html"   the same report as a page
#   make check-breaking       fails on a major change since released/ (the contract, and the released SDK's surface)
#                             without a major SDK version bump
#   make release              sets the SDK version, writes CHANGELOG.md and released/, regenerates generated/
#   make sdk-dist             builds the pbx-api wheel and sdist from generated/ into build/sdk-dist/
#   make bench-spec-diff      how long `pbx-spec diff` takes on the real spec, both SDK generations included
space := $(subst ,, )
.PHONY: diff check-breaking release sdk-dist sdk-wheelhouse bench-spec-diff

BASE ?= HEAD
DIFF_ARGS ?=
SDK_DIST := build/sdk-dist
# The SDK's runtime dependencies, pinned as requirements.txt pins them, downloaded once for the offline wheel test.
SDK_WHEELHOUSE := build/sdk-wheelhouse
SDK_WHEELHOUSE_STAMP := $(SDK_WHEELHOUSE)/.filled

diff: $(PYTHON_DEPS) ## the change report from BASE (a git revision or a file) to openapi.yaml
	$(VENV)/bin/pbx-spec diff $(BASE) $(SPEC) $(DIFF_ARGS)

# RELEASE_ROOT: the repository whose openapi.yaml, released/ and generator/sdk-version are read (tests use a copy).
RELEASE_ROOT ?= .
check-breaking: $(PYTHON_DEPS) ## fail on a major change since released/ (spec and SDK surface) without a major bump
	$(VENV)/bin/pbx-spec check-breaking --root $(RELEASE_ROOT)

release: $(PYTHON_DEPS) ## set the SDK version, write CHANGELOG.md and released/, regenerate
	$(VENV)/bin/pbx-spec release --root $(RELEASE_ROOT)
	$(VENV)/bin/pbx-generate --spec $(RELEASE_ROOT)/openapi.yaml --sdk-version $(RELEASE_ROOT)/generator/sdk-version \
	  --output $(RELEASE_ROOT)/generated

# The wheel and the sdist of pbx-api, built from generated/ (its own pyproject.toml) with the pinned setuptools.
sdk-dist: $(SDK_WHEELHOUSE_STAMP) ## build the pbx-api wheel and sdist into build/sdk-dist
	rm -rf $(SDK_DIST)
	$(PY) -m pbx_spec.sdk_dist $(SDK_DIST) --find-links $(SDK_WHEELHOUSE)

# httpx and attrs and what they need, at requirements.txt's pins, and the build backend at the pieces' pin
# (kit/pyproject.toml's, the setuptools every distribution of the kit builds with):
# the wheel test builds and installs from here with --no-index, so it runs offline.
SDK_WHEELHOUSE_PACKAGES := httpx httpcore h11 anyio idna certifi attrs typing_extensions
sdk-wheelhouse: $(SDK_WHEELHOUSE_STAMP) ## download the SDK's dependencies once, for the offline wheel test
$(SDK_WHEELHOUSE_STAMP): requirements.txt kit/pyproject.toml | $(PYTHON_DEPS)
	@echo "make sdk-wheelhouse: downloading pbx-api's dependencies at their pins from PyPI into $(SDK_WHEELHOUSE) (the offline wheel test)"
	mkdir -p $(SDK_WHEELHOUSE)
	grep -iE '^($(subst $(space),|,$(SDK_WHEELHOUSE_PACKAGES)))==' requirements.txt > $(SDK_WHEELHOUSE)/requirements.txt
	sed -n 's/^requires = \["\(setuptools==[^"]*\)"\]/\1/p' kit/pyproject.toml >> $(SDK_WHEELHOUSE)/requirements.txt
	@grep -q '^setuptools==' $(SDK_WHEELHOUSE)/requirements.txt || \
	  { echo "make sdk-wheelhouse: no setuptools pin found in kit/pyproject.toml's build-system" >&2; exit 1; }
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps -d $(SDK_WHEELHOUSE) \
	  -r $(SDK_WHEELHOUSE)/requirements.txt
	touch $@

bench-spec-diff: $(PYTHON_DEPS) ## how long `pbx-spec diff` takes on the real spec, cold and warm
	$(PY) bench/spec_diff/bench.py

TEST_PREREQUISITES += check-breaking
TEST_TOOLS += sdk-wheelhouse
BENCHES += bench-spec-diff

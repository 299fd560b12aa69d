# The SDK: overlays applied to openapi.yaml, openapi-python-client (pinned, with the pinned ruff) into generated/.
.PHONY: generate check-generated typecheck-sdk bench-sdk

generate: $(PYTHON_DEPS) ## apply the overlays and regenerate the SDK under generated/
	$(VENV)/bin/pbx-generate

# Regenerates in a temp folder and compares with generated/: fails with a short diff when they differ.
check-generated: $(PYTHON_DEPS) ## fail with a short diff when generated/ is not what generation writes
	$(VENV)/bin/pbx-generate --check

# mypy --strict on the generated SDK, the SDK benchmark and a user program over the whole public surface
# (tests/sdk/user_program.py); the pieces they import (pbx_kit, the emulator) are checked by their own targets, and
# the generator with its runtime (generator/pbx_generator/runtime) by `make typecheck`.
typecheck-sdk: $(PYTHON_DEPS) ## mypy --strict on the generated SDK and a user program over its surface
	$(VENV)/bin/mypy --strict --follow-imports=silent generated/pbx_api bench/sdk tests/sdk/user_program.py

# The SDK's cost per GET next to plain httpx, over loopback (the emulator) and client-side only (MockTransport).
bench-sdk: $(PYTHON_DEPS) ## the SDK's cost per GET next to plain httpx
	$(PY) bench/sdk/bench_get.py

TEST_PREREQUISITES += check-generated typecheck-sdk
BENCHES += bench-sdk

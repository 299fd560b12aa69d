# The emulator: serve it, install what its browser test and benchmark need, benchmark it against Prism.
.PHONY: emulator browser wrk bench-emulator

EMULATOR_DB ?= var/emulator.sqlite3
EMULATOR_ARGS ?=

# Serve on http://127.0.0.1:8000 with the default seed; the store lives under var/ (gitignored).
emulator: $(PYTHON_DEPS) ## serve the emulator on http://127.0.0.1:8000 with the default seed
	mkdir -p $(dir $(EMULATOR_DB))
	$(VENV)/bin/pbx-emulator serve --host 127.0.0.1 --port 8000 --db $(EMULATOR_DB) $(EMULATOR_ARGS)

# Debian's Chromium, which the browser test drives through Playwright (no browser download).
browser: ## install Debian's chromium when missing (the browser tests drive it through Playwright)
	@test -x /usr/bin/chromium || { echo "make browser: installing Debian's chromium with apt-get (the browser tests drive it)"; \
	  apt-get update && apt-get install -y --no-install-recommends chromium; }

# wrk from Debian, for the benchmark.
wrk: ## install Debian's wrk when missing (the emulator benchmark's load generator)
	@command -v wrk >/dev/null || { echo "make wrk: installing Debian's wrk with apt-get (the emulator benchmark's load)"; \
	  apt-get update && apt-get install -y --no-install-recommends wrk; }

TEST_TOOLS += browser

# The emulator side by side with Prism's mock of the same openapi.yaml, under the same wrk load.
bench-emulator: $(PYTHON_DEPS) $(NODE_DEPS) wrk ## the emulator next to Prism under the same wrk load
	$(PY) bench/emulator/bench.py

BENCHES += bench-emulator

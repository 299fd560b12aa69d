# The emulator: serve it, install what its browser test, its shared-store tests and its benchmark need, benchmark
# it against Prism.
.PHONY: emulator browser wrk postgresql bench-emulator

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

# Debian's PostgreSQL server, for the tests and the benchmark of the shared store (`--db postgresql://...`): they
# start a throwaway server of their own with its initdb and pg_ctl (pbx_emulator.throwaway_postgres).
postgresql: ## install Debian's postgresql when missing (the shared-store tests start a throwaway server of it)
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || { \
	  echo "make postgresql: installing Debian's postgresql with apt-get (the shared-store tests and benchmark)"; \
	  apt-get update && apt-get install -y --no-install-recommends postgresql; }

# wrk from Debian, for the benchmark.
wrk: ## install Debian's wrk when missing (the emulator benchmark's load generator)
	@command -v wrk >/dev/null || { echo "make wrk: installing Debian's wrk with apt-get (the emulator benchmark's load)"; \
	  apt-get update && apt-get install -y --no-install-recommends wrk; }

TEST_TOOLS += browser postgresql

# The emulator side by side with Prism's mock of the same openapi.yaml, under the same wrk load; and the shared
# store: one worker on PostgreSQL against one on SQLite, two workers on PostgreSQL against one.
bench-emulator: $(PYTHON_DEPS) $(NODE_DEPS) wrk postgresql ## the emulator next to Prism, and the shared store's cost and scaling
	$(PY) bench/emulator/bench.py

BENCHES += bench-emulator

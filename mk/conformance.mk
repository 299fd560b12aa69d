# The conformance suite (pbx_conformance): the project's main job.
#   make conformance          fresh emulator on a free loopback port, the suite with the demo applications,
#                             the emulator stopped, the summary printed; reports in $(CONFORMANCE_REPORTS)
#   make bench-conformance    the suite's cost per generated case vs a bare `schemathesis run` (goal <= 1.25x)
#   make bench-fleet          a fleet of 8 targets at 50 ms latency vs one such target, wall times (goal <= 1.5x)
# CONFORMANCE_ARGS passes extra options, e.g. `make conformance CONFORMANCE_ARGS="--seed 7 --max-examples 50"`.
CONFORMANCE_REPORTS ?= reports/conformance
CONFORMANCE_ARGS ?=

.PHONY: conformance bench-conformance bench-fleet

# With no --base-url, `pbx-conformance run` starts the emulator itself (pbx_conformance/local_emulator.py, through
# pbx_emulator.testing.running_emulator, fresh in-memory store) with the default seed's demo-app, other-app and
# demo-readonly, and stops it after.
conformance: $(PYTHON_DEPS) ## the main job: the suite against a fresh local emulator, reports in reports/conformance
	$(VENV)/bin/pbx-conformance run --report-dir $(CONFORMANCE_REPORTS) $(CONFORMANCE_ARGS)

bench-conformance: $(PYTHON_DEPS) ## the suite's cost per case next to a bare `schemathesis run`
	$(PY) bench/conformance/bench.py

BENCHES += bench-conformance

bench-fleet: $(PYTHON_DEPS) ## a fleet of 8 targets at 50 ms latency next to one such target, as a ratio of wall times
	$(PY) bench/conformance/fleet.py

BENCHES += bench-fleet

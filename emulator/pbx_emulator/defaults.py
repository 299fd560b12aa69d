"""The emulator's bounds and their defaults, in one place: the modules that enforce them and `--help` read them.

This module imports nothing but the standard library, so the command line can install its signal handlers and
show its help before the rest of the emulator (uvicorn, Starlette, the contract) is loaded.
"""

from importlib.resources import files
from pathlib import Path

# API calls per client per hour (the contract's X-RateLimit-*); high enough never to disturb tests.
RATE_LIMIT = 1_000_000
# Failed token requests (wrong secret, unknown App ID, malformed) one App ID, or one address, may make in a
# window; past it the token endpoint answers 429 until the window ends. The provider documents no such limit:
# our decision, generous enough for a conformance run's handful of deliberate failures.
TOKEN_FAILURE_LIMIT = 100
TOKEN_FAILURE_WINDOW = 60
# Live tokens one application may hold; past it its oldest is revoked.
MAX_TOKENS_PER_APPLICATION = 1000
# Seconds a request (headers and body) may take to arrive, and open connections per client address.
REQUEST_TIMEOUT = 10
MAX_CONNECTIONS_PER_ADDRESS = 100
TOKEN_LIFETIME = 3600
MEMORY = ":memory:"  # the SQLite store in memory
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"
# The bundled demo seed (package data): a new store starts with its clients and applications, and its demo
# applications are the identities of `make conformance` and of the examples.
SEED_PATH = Path(str(files("pbx_emulator") / "seed.yaml"))

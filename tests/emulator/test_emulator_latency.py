"""`--latency MS`: every answer waits that long, as a remote server's would; concurrent requests wait side by side."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from pbx_emulator.testing import running_emulator
from pbx_kit.contract import SERVED_SPEC_NAME

LATENCY_MS = 300


def _timed_get(url: str) -> float:
    started = time.perf_counter()
    httpx.get(url, timeout=10).raise_for_status()
    return time.perf_counter() - started


def test_every_answer_waits_the_latency_and_the_banner_says_so() -> None:
    with running_emulator(extra_args=["--latency", str(LATENCY_MS)]) as server:
        url = f"{server.api_url}/{SERVED_SPEC_NAME}"
        token_started = time.perf_counter()
        server.token()
        token_took = time.perf_counter() - token_started
        took = [_timed_get(url) for _ in range(3)]
        log = server.log()
    assert min(took) >= LATENCY_MS / 1000, took
    assert token_took >= LATENCY_MS / 1000  # the token endpoint too: every answer
    assert f"LATENCY: every answer waits {LATENCY_MS} ms" in log


def test_concurrent_requests_wait_side_by_side() -> None:
    """Eight requests at once take about one latency, not eight: the wait does not hold the server."""
    with running_emulator(extra_args=["--latency", str(LATENCY_MS), "--quiet"]) as server:
        url = f"{server.api_url}/{SERVED_SPEC_NAME}"
        _timed_get(url)  # the first answer builds the served document
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(_timed_get, [url] * 8))
        elapsed = time.perf_counter() - started
    assert elapsed < 4 * LATENCY_MS / 1000, f"8 concurrent requests took {elapsed:.2f}s"


def test_no_latency_by_default_and_a_negative_one_is_refused() -> None:
    with running_emulator() as server:
        log = server.log()
    assert "LATENCY" not in log
    refused = subprocess.run(
        [sys.executable, "-m", "pbx_emulator", "serve", "--latency", "-5"], capture_output=True, text=True, timeout=30
    )
    assert refused.returncode == 2
    assert "--latency" in refused.stderr and "Traceback" not in refused.stderr

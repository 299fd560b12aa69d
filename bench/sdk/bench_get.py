"""The SDK's cost per GET next to plain httpx doing the same request and JSON parse, in one run.

Two settings, each as a ratio SDK / plain httpx (goal: at most 1.2):
- loopback: both against the same local emulator over real HTTP on 127.0.0.1;
- client-side only: both through an httpx.MockTransport that hands back the same prepared answer, so only the
  client's own work is measured.

Both sides send the same Bearer token (the SDK fetches and caches it; plain httpx gets one up front) and parse the
JSON body; the SDK also builds its ClientData model. Batches alternate between the two; the median batch is kept.
A benchmark, not a test: it prints figures and never fails on them.

    .venv/bin/python bench/sdk/bench_get.py [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import httpx

import pbx_api
from pbx_emulator.testing import demo_identities, running_emulator
from pbx_kit.contract import load_document, token_path

DEMO = demo_identities().main
GOAL = 1.2


def per_call(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def compare(sdk: Callable[[], object], plain: Callable[[], object], calls: int, rounds: int) -> tuple[float, float]:
    """Median seconds per call of each over `rounds` batches of `calls`, the two alternating batch by batch so both
    see the same machine (this is a 2-core box: the server and the client share it)."""
    for call in (sdk, plain):  # warm up: connections, token, caches
        per_call(call, calls)
    sdk_times, plain_times = [], []
    for _ in range(rounds):
        sdk_times.append(per_call(sdk, calls))
        plain_times.append(per_call(plain, calls))
    return statistics.median(sdk_times), statistics.median(plain_times)


def loopback(calls: int, rounds: int) -> tuple[float, float]:
    with running_emulator(rate_limit=10**9) as server:
        pbx = pbx_api.PbxClient.from_credentials(
            base_url=server.api_url, app_id=DEMO.app_id, app_secret=DEMO.app_secret
        )
        token = server.token(DEMO.app_id, DEMO.app_secret)
        plain = httpx.Client(headers={"Authorization": f"Bearer {token}"})
        url = server.api_url + "/client/@me/client/"

        def plain_get() -> object:
            response = plain.get(url)
            response.raise_for_status()
            return response.json()

        try:
            return compare(lambda: pbx.get_client("@me"), plain_get, calls, rounds)
        finally:
            pbx.close()
            plain.close()


def client_side(calls: int, rounds: int) -> tuple[float, float]:
    body = json.dumps(load_document()["components"]["examples"]["Client"]["value"]).encode()
    token = json.dumps({"access_token": "t" * 43, "token_type": "Bearer", "expires_in": 3600, "scope": "all"}).encode()
    headers = {"Content-Type": "application/json"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=token if request.url.path == token_path() else body, headers=headers)

    pbx = pbx_api.PbxClient.from_credentials(
        hostname="pbx.example.com",
        app_id=DEMO.app_id,
        app_secret=DEMO.app_secret,
        transport=httpx.MockTransport(answer),
    )
    plain = httpx.Client(transport=httpx.MockTransport(answer), headers={"Authorization": "Bearer " + "t" * 43})
    url = pbx_api.client.base_url_for("pbx.example.com") + "/client/@me/client/"

    def plain_get() -> object:
        response = plain.get(url)
        response.raise_for_status()
        return response.json()

    return compare(lambda: pbx.get_client("@me"), plain_get, calls, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description="The SDK's cost per GET next to plain httpx.")
    parser.add_argument("--calls", type=int, default=50, help="calls per batch over loopback (x4 client-side)")
    parser.add_argument("--rounds", type=int, default=40, help="batches of each, alternating")
    args = parser.parse_args()
    rows = [
        ("loopback (emulator)", *loopback(args.calls, args.rounds)),
        ("client-side (MockTransport)", *client_side(args.calls * 4, args.rounds)),
    ]
    print(f"SDK GET vs plain httpx GET + JSON parse (median of {args.rounds} alternating batches; goal <= {GOAL}x)")
    print(f"{'setting':<30}{'SDK µs/GET':>12}{'httpx µs/GET':>14}{'ratio':>8}")
    for name, sdk, plain in rows:
        print(f"{name:<30}{sdk * 1e6:>12.1f}{plain * 1e6:>14.1f}{sdk / plain:>8.2f}")


if __name__ == "__main__":
    main()

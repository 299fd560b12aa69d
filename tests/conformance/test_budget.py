"""The account's quota is respected: --max-requests is a hard cap on everything sent, --rate paces, the run
stops before X-RateLimit-Remaining falls below --quota-reserve, and a 429 is never the server's failure."""

from __future__ import annotations

import pytest

from pbx_conformance.budget import Budget, StopRun
from pbx_emulator.testing import running_emulator
from pbx_kit import contract
from tests.conformance.conformance_helpers import QUICK_PHASES, run_suite
from tests.conformance.stub_servers import Request, reply, stub_server, token_reply


def api_requests(log: str) -> list[str]:
    return [line for line in log.splitlines() if "pbx_emulator.access" in line]


def test_max_requests_is_a_hard_cap_on_everything_sent(report_dir):
    with running_emulator() as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES, max_requests=120)
        sent = api_requests(server.log())
    assert outcome.code == 2
    assert len(sent) <= 120, len(sent)
    assert outcome.document["budget"]["max_requests"] == 120
    assert "--max-requests 120 reached" in outcome.document["could_not_finish"]
    # The requests kept back for the restore put the client back.
    assert outcome.document["restore"]["not_restored"] == [] and outcome.document["restore"]["error"] is None


def test_the_run_stops_at_the_quota_reserve_without_meeting_a_429(report_dir):
    with running_emulator(rate_limit=400) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES, quota_reserve="350")
        log = server.log()
    assert outcome.code == 2
    assert "X-RateLimit-Remaining is" in outcome.document["could_not_finish"]
    assert " 429 " not in log
    assert outcome.document["budget"]["rate_limit_remaining"] is not None
    assert 340 <= outcome.document["budget"]["rate_limit_remaining"] <= 350  # the restore may dip below


def test_a_429_is_not_a_failure_and_says_when_to_try_again(report_dir):
    """Another integration spends the quota mid-run: the server answers 429 although Remaining looked fine."""
    client = contract.example_value("Client")
    answered = []

    def respond(request: Request) -> bytes:
        if request.method == "POST":
            return token_reply()
        answered.append(request.method)
        if len(answered) > 12:
            return reply(429, {"message": "later", "status": "rate_limit_exceeded"}, X_RateLimit_Reset="1200")
        quota = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "1200"}
        return reply(200, client, **quota)

    with stub_server(respond) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES, token_url=server.token_url)
    assert outcome.code == 2
    reason = outcome.document["could_not_finish"]
    assert "429" in reason and "resets in 1200 s, try again after" in reason
    failures = outcome.document["failures"]
    assert not any(failure["response"] and failure["response"]["status"] == 429 for failure in failures)


def test_a_429_that_fits_waits_for_the_reset_and_goes_on():
    slept: list[float] = []
    budget = Budget(max_requests=100, rate=None, quota_reserve="0", max_time=60, sleep=slept.append)
    assert budget.after_response(429, {"X-RateLimit-Reset": "5"}) is True
    assert slept == [6] and budget.stopped is None


def test_a_429_that_does_not_fit_stops_the_run():
    budget = Budget(max_requests=100, rate=None, quota_reserve="0", max_time=10, sleep=lambda s: None)
    with pytest.raises(StopRun, match="resets in 1200 s"):
        budget.after_response(429, {"x-ratelimit-reset": "1200"})
    with pytest.raises(StopRun):
        budget.before_request()


def test_the_rate_paces_requests():
    slept: list[float] = []
    budget = Budget(max_requests=100, rate=4, quota_reserve="0", sleep=slept.append)
    for _ in range(5):
        budget.before_request()
    # The clock stands still under the fake sleep: each request waits until its slot, 1/rate after the last.
    assert slept == pytest.approx([0.25, 0.5, 0.75, 1.0], abs=0.05)


def test_the_reserve_is_a_share_of_the_limit_or_a_count():
    budget = Budget(max_requests=100, rate=None, quota_reserve="20%")
    budget.after_response(200, {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "201"})
    budget.before_request()
    budget.after_response(200, {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "200"})
    with pytest.raises(StopRun, match="reserve of 200"):
        budget.before_request()
    assert Budget(max_requests=1, rate=None, quota_reserve="7").reserve() == 7

"""The account's quota is respected: --max-requests is a hard cap on everything sent, --rate paces, the run
stops before X-RateLimit-Remaining falls below --quota-reserve, and a 429 is never the server's failure.

And the budget is spent where it catches the most: a capped run checks every promise one case per rule first,
goes deeper while it can, lets schemathesis fill what is left, and says what each check spent; a check that failed
makes the run fail (exit 1) whatever stopped it, and a run that could not check every promise exits 2 naming them."""

from __future__ import annotations

import threading

import httpx
import pytest

from pbx_conformance import report, suite_run
from pbx_conformance.budget import Budget, StopRun
from pbx_conformance.progress import RunProgress
from pbx_conformance.restore import ClientRestore, RestoreReport
from pbx_conformance.results import Failure, Results
from pbx_conformance.settings import Settings
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
    reason = outcome.document["could_not_finish"]
    assert "--max-requests 120 reached" in reason and "promises left unchecked: #" in reason
    unchecked = outcome.document["promises_left_unchecked"]
    assert unchecked and all(f"#{number}," in reason or f"#{number} " in reason for number in unchecked[:12])
    assert len(unchecked) <= 12 or f"and {len(unchecked) - 12} more" in reason
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
    """Another integration spends the quota mid-run: the server answers 429 although Remaining looked fine, to the
    restore as well. A server that stores its PUTs, so nothing it answered before fails a check: exit 2."""
    client = dict(contract.example_value("Client"))
    answered = []

    def respond(request: Request) -> bytes:
        if request.method == "POST":
            return token_reply()
        answered.append(request.method)
        if len(answered) > 12:
            return reply(429, {"message": "later", "status": "rate_limit_exceeded"}, X_RateLimit_Reset="1200")
        if request.method == "PUT":
            client.update(request.json())
        quota = {"X_RateLimit_Limit": "1000", "X_RateLimit_Remaining": "900", "X_RateLimit_Reset": "1200"}
        return reply(200, client, **quota)

    with stub_server(respond) as server:
        outcome = run_suite(server, report_dir, phases=QUICK_PHASES, token_url=server.token_url)
    assert outcome.code == 2
    reason = outcome.document["could_not_finish"]
    assert "429" in reason and "resets in 1200 s, try again after" in reason
    assert "NOT fully restored" in reason and "restore --from" in reason
    failures = outcome.document["failures"]
    assert not any(failure["response"] and failure["response"]["status"] == 429 for failure in failures)
    assert outcome.document["failed_checks"] == []


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


def test_a_run_capped_at_300_requests_checks_every_promise_and_passes(report_dir):
    with running_emulator() as server:
        outcome = run_suite(server, report_dir, max_requests=300)
        sent = api_requests(server.log())
    assert outcome.code == 0, outcome.console
    document = outcome.document
    assert len(sent) <= 300 and document["failures"] == []
    assert document["promises_left_unchecked"] == [], document["promises_left_unchecked"]
    assert {entry["coverage"] for entry in document["promises"]} <= {"checked", "checked thinly", "not checkable"}
    assert document["promises_checked_thinly"], "300 requests cannot take every case of every check"
    assert "promises checked thinly" in outcome.console and "--max-requests 300 reached" in outcome.console
    page = (report_dir / "report.html").read_text(encoding="utf-8")  # the HTML says the same, by number
    thin = ", ".join(f"#{number}" for number in document["promises_checked_thinly"])
    assert f"<li>Checked thinly: {thin}</li>" in page and "<li>Left unchecked: none</li>" in page
    assert all(f"<tr><td>#{entry['number']}</td>" in page for entry in document["promises"])
    # Every check of the suite ran, and the report says what each spent; schemathesis filled what was left.
    spent = document["requests_by_check"]
    for entry in document["checks"]:
        if entry["requests"] is not None:
            assert entry["coverage"] in ("checked", "checked thinly"), entry
            assert spent.get(entry["check"], 0) > 0, entry["check"]
    assert spent["schemathesis phases"] > 0 and document["generated_cases"] > 0
    assert sum(spent.values()) == document["budget"]["sent"]


@pytest.mark.parametrize("max_requests", [300, 120])
def test_a_server_that_failed_a_check_is_a_failing_run_whatever_the_budget(max_requests, report_dir):
    with running_emulator(faults=["put-not-stored"]) as server:
        outcome = run_suite(server, report_dir, max_requests=max_requests)
    assert outcome.code == 1, outcome.console
    assert outcome.document["verdict"] == "failed"
    assert "put_is_persisted_and_keeps_unsent_fields" in outcome.document["failed_checks"]
    if max_requests == 120:  # the failure came before the budget ran out, and the report says what was left
        assert "promises left unchecked" in outcome.document["could_not_finish"]
        assert "the run did not finish: stopped before the run finished: --max-requests 120" in outcome.console


def test_a_burst_waits_for_its_share_of_the_pace_and_goes_out_at_once():
    slept: list[float] = []
    budget = Budget(max_requests=100, rate=4, quota_reserve="0", sleep=slept.append)
    budget.before_request()
    budget.prepay(4)
    for _ in range(4):
        budget.before_request()  # prepaid: no wait
    budget.before_request()
    # The clock stands still under the fake sleep: the burst waits for its first slot, the next request for the
    # four slots the burst took.
    assert slept == pytest.approx([0.25, 1.25], abs=0.05)
    assert budget.sent == 6


def test_a_burst_that_does_not_fit_the_cap_is_not_sent_at_all():
    budget = Budget(max_requests=10, rate=None, quota_reserve="0")
    for _ in range(8):
        budget.before_request()
    with pytest.raises(StopRun, match="--max-requests 10 reached"):
        budget.prepay(3)
    assert budget.sent == 8


def test_a_deeper_pass_must_leave_schemathesis_its_share_and_the_restore_its_allowance():
    budget = Budget(max_requests=300, rate=None, quota_reserve="0")
    budget.restore_allowance = 22
    for _ in range(150):
        budget.before_request()
    room = 300 - 22 - 150 - budget.fuzzing_floor()
    assert budget.can_afford(room) and not budget.can_afford(room + 1)
    budget.after_response(200, {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "100"})
    assert not budget.can_afford(room)  # the quota's remaining is lower than the cap's


def test_a_restore_the_quota_cut_short_is_never_a_passing_run(report_dir, monkeypatch):
    """Every check ran and passed, then the quota ran out under the restore: its PUTs answer 429. The client is left
    changed, so the run did not finish its work: exit 2 with the command that puts the client back."""
    quota_spent = threading.Event()
    enter = RunProgress.enter

    def entering(self: RunProgress, stage: str) -> None:
        if stage == "restore":
            quota_spent.set()
        enter(self, stage)

    monkeypatch.setattr(RunProgress, "enter", entering)
    with running_emulator() as emulator, httpx.Client(base_url=emulator.url, timeout=10) as upstream:

        def respond(request: Request) -> bytes:
            if request.method == "PUT" and quota_spent.is_set():
                return reply(429, {"message": "later", "status": "rate_limit_exceeded"}, X_RateLimit_Reset="1200")
            try:
                answer = upstream.request(
                    request.method, request.target, content=request.body, headers=forwarded(request.headers)
                )
            except httpx.LocalProtocolError:  # a header h11 will not send: refused as the emulator's uvicorn does
                return reply(400, b"Invalid HTTP request received.", "text/plain; charset=utf-8")
            kept = {name.replace("-", "_"): value for name, value in answer.headers.items() if forwardable(name)}
            return reply(answer.status_code, answer.content, answer.headers.get("content-type", ""), **kept)

        with stub_server(respond) as proxy:
            outcome = run_suite(proxy, report_dir, phases=QUICK_PHASES)
    assert quota_spent.is_set()
    assert outcome.document["failed_checks"] == [], outcome.console
    assert outcome.document["promises_left_unchecked"] == []
    assert outcome.document["restore"]["changed"], "the checks left nothing to restore: the test shows nothing"
    assert outcome.code == 2, outcome.console
    reason = outcome.document["could_not_finish"]
    assert "NOT fully restored" in reason and f"restore --from {report_dir}" in reason, reason
    assert outcome.document["verdict"] == "incomplete"


def forwarded(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in ("host", "content-length", "connection")}


def forwardable(name: str) -> bool:
    return name.lower() not in ("content-type", "content-length", "connection", "transfer-encoding", "date", "server")


def test_a_failing_run_whose_restore_was_cut_short_still_says_so():
    """Exit 1 prints no one-line reason: the console's `the run did not finish` line carries the restore command."""
    results = Results()
    results.failed(Failure(check="not_a_server_error", operation="GET /x/", message="500"))
    outcome = suite_run.Outcome()
    cut = ClientRestore("main", 1, changed=["name"], error="restore stopped: StopRun: 429", budget_stopped=True)
    outcome.restored = RestoreReport(clients=[cut], snapshot_path="/tmp/r/snapshot.json")
    settings = Settings(None, None, None, None, None, None, None, 1, None, ("examples",), None, False)
    reason = suite_run._could_not_finish(results, outcome, settings, [])
    assert reason is not None and "NOT fully restored" in reason and "restore --from /tmp/r" in reason
    document = {"verdict": "failed", "could_not_finish": reason}
    assert report._coverage_lines(document)[0] == f"the run did not finish: {reason}"

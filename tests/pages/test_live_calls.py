"""analysis.pages.live_calls: notebook 05's counts reconciled across its header, tables and findings (issue 11).

The page said 57 attempts in its header while its requests table summed to 48, and 4 failed requests in its
errors table beside "3 of 48" in the findings (the fourth was the router's request, named nowhere). One
session is run on the local emulator (seeded faults, the router's first choice dropped once) and every count
the page shows is summed here.
"""

from __future__ import annotations

import re

import pytest

from analysis.calls.policy import RetryPolicy
from analysis.calls.session import run_session
from analysis.calls.stats import error_counts, percentile_table
from analysis.data.gateway import load_gateway_models, load_prompts
from analysis.pages import live_calls as pages_live_calls


@pytest.fixture(scope="module")
def session():
    from analysis.traffic.router import load_router

    return run_session(models=["DeepSeek V4 Flash", "GPT-4o"], prompts=load_prompts(), gateway_models=load_gateway_models(),
                       router=load_router(), mode="emulated", time_scale=0.01, requests_per_model=8, seed=7,
                       fault_rate=0.25, router_fault="drop", retry=RetryPolicy(max_retries=2, backoff_base_s=0.05))


def test_counts_add_up(session):
    c = pages_live_calls.call_counts(session)
    assert c["requests"] == c["timed_requests"] + c["router_requests"] == len(session.requests)
    assert c["timed_requests"] == 16 and c["router_requests"] >= c["router_prompts"] > 0
    assert c["attempts"] == c["timed_attempts"] + c["router_attempts"] == len(session.attempts)
    assert c["failed"] == c["timed_failed"] + c["router_failed"]
    assert c["router_failed"] >= 1 and len(c["router_failures"]) == c["router_failed"]  # the injected drop
    assert c["error_attempts"] > c["failed"]  # retried errors are attempts, not failed requests


def test_requests_table_sums_to_the_header(session):
    c = pages_live_calls.call_counts(session)
    t = pages_live_calls.requests_table(session.timed_requests, session.requests[session.requests.route_task.notna()])
    body, total = t[t.model != "total"], t[t.model == "total"].iloc[0]
    assert body.model.tolist()[-1] == "router requests (all models)"
    for column, key in (("requests", "requests"), ("attempts", "attempts")):
        assert body[column].sum() == total[column] == c[key]
    assert body.failed.sum() + body.incomplete.sum() == c["failed"]
    header = pages_live_calls.session_markdown(session)
    assert (f"{c['requests']} requests: {c['timed_requests']} timed ({c['timed_attempts']} attempts) and "
            f"{c['router_requests']} router requests") in header
    assert f"{c['attempts']} attempts in all, {c['error_attempts']} ended in an error" in header


def test_errors_table_and_findings_agree_with_the_requests_table(session):
    c = pages_live_calls.call_counts(session)
    t = pages_live_calls.errors_table(error_counts(session.attempts), session.attempts)
    body, total = t[t.error_class != "total"], t[t.error_class == "total"].iloc[0]
    assert body.attempts.sum() == total.attempts == c["error_attempts"]
    assert body.requests_failed.sum() == total.requests_failed == c["failed"]
    assert (body.timed_failed + body.router_failed == body.requests_failed).all()
    assert total.timed_failed == c["timed_failed"] and total.router_failed == c["router_failed"]
    best = {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.25 / 88}
    texts = [t for t, _ in pages_live_calls.findings(session, percentile_table(session.timed_requests, n_boot=50),
                                                     error_counts(session.attempts), best)]
    [line] = [t for t in texts if "timed requests failed" in t]
    numbers = [int(x) for x in re.findall(r"(\d+) of (\d+)", line) for x in x]
    assert numbers == [c["timed_failed"], c["timed_requests"], c["router_failed"], c["router_requests"],
                       c["failed"], c["requests"], c["error_attempts"], c["attempts"]]
    first = c["router_failures"][0]  # the router request that fails is named as such
    assert f"{first['model']} for {first['prompt_id']} (" in line and "the router fell back to" in line

"""The latency harness, over real HTTP against the local emulator (no patching of any HTTP library).

Timing checks use the emulator's own request log (arrival times on its clock) and the emulator's
injected TTFTs, with tolerances; nothing asserts how fast this machine is. The emulator runs a
hundred times faster than the published speeds (``SCALE``); the harness divides every duration
by the same factor, so the figures read in model seconds.
"""

from __future__ import annotations

import json
import re
import threading
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.calls.attempt_log import read_log
from analysis.calls.emulator import Emulator
from analysis.calls.harness import Harness, run_sync
from analysis.calls.policy import ERROR_CLASSES, Call, RetryPolicy, Timeouts, parse_retry_after
from analysis.calls.stats import (
    bootstrap_percentiles,
    error_counts,
    final_requests,
    percentile_table,
    records_frame,
)
from analysis.data.load import load_pricing
from analysis.pages.live_calls import html_table

SCALE = 0.01
TOL_S = 0.003  # wall-clock tolerance on waits measured from the emulator's log


@pytest.fixture(scope="module")
def pricing():
    return load_pricing()


def harness(emu, pricing=None, log=None, idle_s=100.0, total_s=6000.0, **retry):
    """A harness for the emulator; its default timeouts are a second (idle) and a minute (total, deadline)
    of wall time at ``SCALE``, so that a busy machine never turns a healthy stream into a timeout."""
    retry = {"max_retries": 3, "deadline_s": 6000.0, **retry}
    return Harness(emu.base_url, "test-key", mode="emulated", time_scale=emu.time_scale,
                   timeouts=Timeouts(idle_s=idle_s, total_s=total_s), retry=RetryPolicy(**retry),
                   pricing=pricing, log_path=log)


def call(key="GPT-4o|code-1|0", model="GPT-4o", gid="gpt-4o", max_tokens=24, text="Write a haiku."):
    return Call(key, model, gid, key.split("|")[1] if "|" in key else "p", "code", text, max_tokens)


def arrivals(emu, key):
    return [r["t"] for r in emu.requests if r["request"] == key]


# --------------------------------------------------------------------------- a healthy stream


def test_ttft_is_the_first_content_not_the_role_chunk(pricing):
    """The emulator sends the role-only chunk and a keep-alive at once; the first word comes after
    the injected TTFT. The harness's TTFT is the word's, not the role chunk's: at least the injected
    TTFT, and at most when the emulator really sent the word (its own clock) plus a bounded overhead."""
    with Emulator(seed=2, time_scale=0.1) as emu:
        recs = harness(emu, pricing).run_blocking([call()])
        e = emu.requests[0]
    injected = e["ttft_s"] / 0.1  # model seconds
    sent = (e["first_content_monotonic"] - e["t_monotonic"]) / 0.1  # when the word left, on its clock
    r = recs[0]
    assert r["status"] == "ok" and r["final"] and r["attempt"] == 0
    assert r["ttft_s"] > 0.3  # the role chunk came ~0.001 model-s in
    # the harness's clock starts once the request is written, a little after the emulator saw it arrive
    assert injected - 0.1 <= r["ttft_s"] <= sent + 1.0


def test_tokens_come_from_usage_not_from_chunks(pricing):
    """At this speed every token is due at once and the emulator sends them in one chunk; the
    harness still reports the server's count, and TPOT/tok/s follow their definitions."""
    with Emulator(seed=4, time_scale=0.0005) as emu:
        # timeouts scale with the emulator: give this very fast run seconds of wall time anyway
        recs = harness(emu, pricing, idle_s=120_000, total_s=240_000, deadline_s=240_000).run_blocking([call(max_tokens=20)])
        sent = emu.requests[-1]["completion_tokens"]
    r = recs[-1]
    assert r["status"] == "ok" and len(recs) == 1
    assert r["usage"] == "reported" and r["output_tokens"] == sent
    assert len(r["reply"].split()) == sent
    assert r["tpot_s"] == pytest.approx((r["e2e_s"] - r["ttft_s"]) / (sent - 1))
    assert r["tok_per_s"] == pytest.approx(1 / r["tpot_s"])


def test_output_speed_is_bounded_by_the_emulators_schedule(pricing):
    """The emulator schedules token i at TTFT + i / 60 s (60 tok/s published for V4 Flash) and never
    sends one early, so the stream the harness times cannot end before the last token was due; how
    much later it ends depends on how busy the machine is, and is not asserted."""
    with Emulator(seed=5, time_scale=0.1) as emu:
        recs = harness(emu, pricing).run_blocking(
            [call("DeepSeek V4 Flash|code-1|0", "DeepSeek V4 Flash", "deepseek-v4-flash", max_tokens=48)])
        e = emu.requests[0]
    r = recs[0]
    n, injected = e["completion_tokens"], e["ttft_s"] / 0.1
    assert r["status"] == "ok" and r["output_tokens"] == n
    assert (e["last_content_monotonic"] - e["t_monotonic"]) / 0.1 >= injected + (n - 1) / 60 - 1e-3  # its clock
    assert r["e2e_s"] >= injected + (n - 1) / 60 - 0.1  # ours: never earlier than the schedule
    assert r["tok_per_s"] == pytest.approx((n - 1) / (r["e2e_s"] - r["ttft_s"]))


def test_cost_is_usage_times_list_prices(emulator, pricing):
    recs = harness(emulator, pricing).run_blocking([call(), call("Qwen3.5-397B|code-1|0", "Qwen3.5-397B",
                                                                  "qwen3.5-397b")])
    gpt, qwen = sorted(recs, key=lambda r: r["model"])
    assert gpt["cost_usd"] == pytest.approx((gpt["input_tokens"] * 2.50 + gpt["output_tokens"] * 10.00) / 1e6)
    # Qwen3.5-397B has no published input price: its cost is unknown, never a partial sum
    assert qwen["cost_usd"] is None
    assert qwen["output_cost_usd"] == pytest.approx(qwen["output_tokens"] * 2.34 / 1e6)


def test_same_seed_same_injected_timings_and_replies(pricing):
    def once():
        with Emulator(seed=9, time_scale=0.05) as emu:
            return harness(emu, pricing).run_blocking([call()])[0], emu.requests[0]["ttft_s"]

    (a, ta), (b, tb) = once(), once()
    assert a["output_tokens"] == b["output_tokens"] and a["reply"] == b["reply"]
    assert ta == tb  # the emulator's TTFT is the seed's
    assert a["ttft_s"] >= ta / 0.05 - 0.1 and b["ttft_s"] >= tb / 0.05 - 0.1


# --------------------------------------------------------------------------- every fault of section 4

RETRIED = [
    # kind, fault settings, expected wait (model seconds) before each retry
    ("rate_limit", {"times": 2, "retry_after_s": 20}, 20),
    ("rate_limit", {"times": 1, "retry_after_s": 15, "retry_after_ms": True}, 15),
    ("server_error", {"times": 1, "status": 503, "retry_after_s": 12}, 12),
    ("server_error", {"times": 2, "status": 502}, None),  # no Retry-After: exponential backoff
]


@pytest.mark.parametrize("kind,settings_,wait_s", RETRIED, ids=["429", "429-ms", "503", "502-backoff"])
def test_retried_faults_wait_as_told_then_succeed(emulator, kind, settings_, wait_s):
    emulator.inject(kind, model="gpt-4o", **settings_)
    h = harness(emulator, backoff_base_s=10.0, backoff_cap_s=40.0)
    recs = h.run_blocking([call()])
    n = settings_["times"]
    assert [r["status"] for r in recs] == ["error"] * n + ["ok"]  # outcome
    assert [r["attempt"] for r in recs] == list(range(n + 1))  # retry count
    assert [r["final"] for r in recs] == [False] * n + [True]
    status = {"rate_limit": 429}.get(kind, settings_.get("status"))
    assert all(r["error_class"] == kind and r["http_status"] == status for r in recs[:n])
    times = arrivals(emulator, "GPT-4o|code-1|0")
    assert len(times) == n + 1
    for i, (r, gap) in enumerate(zip(recs, np.diff(times))):
        expected = wait_s if wait_s is not None else RetryPolicy(backoff_base_s=10.0, backoff_cap_s=40.0).backoff_s(
            i, "GPT-4o|code-1|0")
        assert r["next_wait_s"] == pytest.approx(expected)
        if wait_s is not None:
            assert r["retry_after_s"] == pytest.approx(wait_s)  # as the server said, in model seconds
        assert gap >= expected * SCALE - TOL_S  # honoured, on the emulator's own clock
        assert gap <= expected * SCALE + 1.0  # and not wildly more


NOT_RETRIED = [
    ("bad_request", "bad_request", 400, "rejected the request"),
    ("unauthorized", "auth", 401, "Check GLOBAL_API_KEY"),
    ("forbidden", "forbidden", 403, "access denied"),
    ("not_found", "not_found", 404, "does not know the model id 'gpt-4o'"),
]


@pytest.mark.parametrize("kind,error_class,status,says", NOT_RETRIED, ids=[k for k, *_ in NOT_RETRIED])
def test_client_errors_are_not_retried_even_with_retry_after(emulator, kind, error_class, status, says):
    emulator.inject(kind, model="gpt-4o", times=None, retry_after_s=1)
    recs = harness(emulator).run_blocking([call()])
    assert len(recs) == 1 and len(arrivals(emulator, "GPT-4o|code-1|0")) == 1  # no retry
    r = recs[0]
    assert (r["status"], r["error_class"], r["http_status"], r["final"]) == ("error", error_class, status, True)
    assert r["next_wait_s"] is None
    assert says in r["message"] and "GPT-4o (gpt-4o), request GPT-4o|code-1|0, attempt 1" in r["message"]


STREAM_FAULTS = [
    # kind, fault settings, status, error class, what the message says, retried
    ("stall", {"after_tokens": 3, "stall_s": 10_000}, "error", "idle_timeout",
     "no data for 100 s (the idle timeout) while streaming", True),
    ("slow", {"tok_per_s": 0.5}, "error", "total_timeout", "not finished within the total timeout (30 s) while streaming",
     True),
    ("silent_headers", {"stall_s": 10_000}, "error", "header_timeout",
     "no data for 100 s (the idle timeout) while waiting for the response headers", True),
    ("silent_first_chunk", {"stall_s": 10_000}, "error", "first_token_timeout",
     "no data for 100 s (the idle timeout) while waiting for the first token", True),
    ("incomplete", {"after_tokens": 3}, "incomplete", "incomplete_stream", "without a finish reason and [DONE]", True),
    ("drop", {"after_tokens": 3}, "error", "dropped_connection", "connection was dropped while streaming", True),
    ("malformed", {"after_tokens": 3}, "error", "malformed_chunk", "not valid JSON", True),
    ("stream_error", {"after_tokens": 3, "message": "upstream overloaded"}, "error", "stream_error",
     "error inside the 200 stream: upstream overloaded", False),
    ("finish_error", {"after_tokens": 3}, "error", "finish_error", "finish_reason 'error'", False),
]


def _timeouts(kind: str) -> dict:
    """Timeouts that decide which one fires by construction, however late a busy machine runs: for
    ``slow`` the idle timeout is longer than the total one (so the total fires); for every other kind
    the total timeout is out of reach (10,000 s, 100 s of wall time) and the idle one a full second of
    wall time, longer than a busy machine keeps a healthy stream waiting."""
    return {"idle_s": 1000.0, "total_s": 30.0} if kind == "slow" else {"idle_s": 100.0, "total_s": 10_000.0}


@pytest.mark.parametrize("kind,settings_,status,error_class,says,retried", STREAM_FAULTS,
                         ids=[k for k, *_ in STREAM_FAULTS])
def test_stream_faults_are_caught_and_named(emulator, kind, settings_, status, error_class, says, retried):
    """Which timer fired is known from the phase and the deadline armed (:func:`_timeouts`), never
    from how late the machine woke us."""
    emulator.inject(kind, model="gpt-4o", **settings_)
    recs = harness(emulator, **_timeouts(kind), max_retries=0).run_blocking([call(max_tokens=40)])
    assert len(recs) == 1 and len(arrivals(emulator, "GPT-4o|code-1|0")) == 1
    r = recs[0]
    assert (r["status"], r["error_class"], r["final"]) == (status, error_class, True)
    assert says in r["message"]
    assert r["message"].startswith("GPT-4o (gpt-4o), request GPT-4o|code-1|0, attempt 1:")  # model and request
    assert r["tok_per_s"] is None  # never a success
    assert (r["ttft_s"] is None) == (kind in ("silent_headers", "silent_first_chunk"))
    if error_class.endswith("_timeout"):
        assert r["e2e_s"] >= (30.0 if kind == "slow" else 100.0) - 0.5  # a timer never fires early


@pytest.mark.parametrize("kind,settings_,status,error_class,says,retried", STREAM_FAULTS,
                         ids=[k for k, *_ in STREAM_FAULTS])
def test_stream_faults_are_retried_as_the_policy_says(emulator, kind, settings_, status, error_class, says, retried):
    emulator.inject(kind, model="gpt-4o", times=1, **settings_)
    recs = harness(emulator, **_timeouts(kind), max_retries=2, backoff_base_s=1.0).run_blocking([call(max_tokens=40)])
    assert [r["error_class"] for r in recs] == ([error_class, None] if retried else [error_class])
    assert len(arrivals(emulator, "GPT-4o|code-1|0")) == len(recs)
    assert recs[-1]["final"] and (recs[-1]["status"] == "ok") == retried


def test_finish_reason_error_with_usage_is_a_costed_failure(emulator, pricing):
    emulator.inject("finish_error", model="gpt-4o", after_tokens=4)
    r = harness(emulator, pricing, max_retries=0).run_blocking([call()])[0]
    assert (r["status"], r["error_class"], r["finish_reason"], r["done"]) == ("error", "finish_error", "error", True)
    assert r["tok_per_s"] is None and r["output_tokens"] == 4  # the tokens the server reported, costed
    assert r["cost_usd"] == pytest.approx((r["input_tokens"] * 2.50 + 4 * 10.00) / 1e6)


def _wall(h, c):
    t = time.perf_counter()
    recs = h.run_blocking([c])
    return recs, time.perf_counter() - t


@pytest.mark.parametrize("kind", ["silent_headers", "silent_first_chunk"])
def test_deadlines_hold_before_the_first_chunk(kind):
    """Issue 12's case: --total-timeout 3 --idle-timeout 10 --deadline 4 --max-retries 0 against a server
    silent before its headers (or before its first chunk) ends the attempt at 3 s, not the 20 s of the
    SDK's read timeout. Bounded by the configured deadline (a timer never fires early) and by the
    overhead of a healthy call measured on this machine just before."""
    scale = 0.1
    with Emulator(seed=3, time_scale=scale) as emu:
        def h(**kw):
            return Harness(emu.base_url, "k", mode="emulated", time_scale=scale,
                           timeouts=Timeouts(idle_s=10, total_s=3), retry=RetryPolicy(max_retries=0, deadline_s=4))

        healthy, wall_ok = _wall(h(), call("GPT-4o|ok|0", max_tokens=4))
        overhead = wall_ok - healthy[0]["e2e_s"] * scale  # client start-up, loop and thread hand-overs
        emu.inject(kind, stall_s=10_000)
        recs, wall = _wall(h(), call())
    r = recs[0]
    assert healthy[0]["status"] == "ok" and len(recs) == 1
    assert r["error_class"] == {"silent_headers": "header_timeout", "silent_first_chunk": "first_token_timeout"}[kind]
    assert "not finished within the total timeout (3 s)" in r["message"]
    assert wall >= 3 * scale  # the total timeout, never early
    assert wall <= 3 * scale + 3 * overhead + 0.25  # and not the 10 s idle nor the 20 s of the SDK


def test_the_request_deadline_bounds_an_attempt_from_the_start():
    scale = 0.1
    with Emulator(seed=3, time_scale=scale) as emu:
        emu.inject("silent_headers", stall_s=10_000)
        h = Harness(emu.base_url, "k", mode="emulated", time_scale=scale,
                    timeouts=Timeouts(idle_s=10, total_s=10), retry=RetryPolicy(max_retries=3, deadline_s=4))
        recs, wall = _wall(h, call())
    assert [r["error_class"] for r in recs][0] == "header_timeout"
    assert "not finished within the request deadline (4 s" in recs[0]["message"]
    assert wall >= 4 * scale and recs[-1]["final"]


def test_connect_timeout_only_when_no_connection_was_made():
    """A listening socket that never accepts (backlog full) leaves the connection unmade."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    fillers = []
    for _ in range(8):  # fill the accept queue so that the next connect hangs
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(srv.getsockname())
        fillers.append(s)
    try:
        url = f"http://127.0.0.1:{srv.getsockname()[1]}/v1"
        h = Harness(url, "k", mode="emulated", time_scale=0.1, timeouts=Timeouts(connect_s=0.3, idle_s=1, total_s=2),
                    retry=RetryPolicy(max_retries=0))
        r = h.run_blocking([call()])[0]
    finally:
        for s in fillers:
            s.close()
        srv.close()
    assert r["error_class"] in ("connect_timeout", "header_timeout")  # the kernel may accept into its queue
    assert r["ttft_s"] is None


def test_missing_usage_gives_na_speed_and_cost_but_a_success(emulator, pricing):
    emulator.inject("no_usage", model="gpt-4o")
    r = harness(emulator, pricing).run_blocking([call()])[0]
    assert r["status"] == "ok" and r["usage"] == "missing"
    assert r["ttft_s"] is not None and r["e2e_s"] is not None
    assert r["output_tokens"] is None and r["tok_per_s"] is None and r["tpot_s"] is None and r["cost_usd"] is None


def test_retries_stop_at_max_retries(emulator):
    emulator.inject("rate_limit", model="gpt-4o", times=None, retry_after_s=1)
    recs = harness(emulator, max_retries=2).run_blocking([call()])
    assert [r["attempt"] for r in recs] == [0, 1, 2] and recs[-1]["final"]
    assert "gave up after 3 attempts (max_retries = 2)" in recs[-1]["message"]


def test_a_retry_after_beyond_the_deadline_gives_up_at_once(emulator):
    emulator.inject("rate_limit", model="gpt-4o", times=None, retry_after_s=500)
    t = time.perf_counter()
    recs = harness(emulator, deadline_s=100).run_blocking([call()])
    assert len(recs) == 1 and recs[0]["final"] and recs[0]["error_class"] == "rate_limit"
    assert "would start after the request deadline (100 s)" in recs[0]["message"]
    assert time.perf_counter() - t < 500 * SCALE  # it did not sit out the Retry-After


def test_connection_refused_is_retried_then_recorded(pricing):
    with Emulator(time_scale=SCALE) as emu:
        url = emu.base_url
    # the emulator is gone: nothing listens on that port any more
    h = Harness(url, "k", mode="emulated", time_scale=SCALE, retry=RetryPolicy(max_retries=2, backoff_base_s=1))
    recs = h.run_blocking([call()])
    assert [r["error_class"] for r in recs] == ["connect_error"] * 3
    assert "could not connect to http://127.0.0.1:" in recs[-1]["message"]


def test_an_outside_address_fails_inside_the_test_suite():
    h = Harness("http://203.0.113.7/v1", "k", mode="live", retry=RetryPolicy(max_retries=0))
    r = h.run_blocking([call()])[0]
    assert r["error_class"] == "connect_error" and "test suite is offline" in r["message"]


def test_every_error_class_used_is_documented():
    classes = {c for _, _, _, c, _, _ in STREAM_FAULTS} | {c for _, c, *_ in NOT_RETRIED} | {"rate_limit", "server_error"}
    assert classes <= set(ERROR_CLASSES)


# --------------------------------------------------------------------------- the key never leaks


def test_401_message_and_log_never_show_the_key(tmp_path):
    key = "SENTINEL-pricepoint-ABCDEF0123456789"
    log = tmp_path / "attempts.jsonl"
    with Emulator(time_scale=SCALE, api_key="the-right-one", echo_key_in_errors=True) as emu:
        h = Harness(emu.base_url, key, mode="live", time_scale=SCALE, log_path=log)
        r = h.run_blocking([call()])[0]
    assert r["error_class"] == "auth" and "Check GLOBAL_API_KEY" in r["message"]
    assert key not in json.dumps(r)
    assert key not in log.read_text() and "ABCDEF0123456789" not in log.read_text()


# --------------------------------------------------------------------------- the JSONL log


def test_each_attempt_is_in_the_log_as_soon_as_it_completes(tmp_path, pricing):
    log = tmp_path / "a.jsonl"
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("stall", model="gpt-4o", request="GPT-4o|slow|0", stall_s=10_000, after_tokens=1)
        h = harness(emu, pricing, log=log, idle_s=300)  # the stalled request waits 3 s of wall time
        calls = [call(f"GPT-4o|fast|{i}") for i in range(3)] + [call("GPT-4o|slow|0")]
        box = {}
        worker = threading.Thread(target=lambda: box.setdefault("recs", h.run_blocking(calls, concurrency=4)))
        worker.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(read_log(log)) < 3:
            time.sleep(0.02)
        in_log_while_running = {r["request"] for r in read_log(log)}
        still_running = worker.is_alive()
        worker.join(15)
    assert still_running and in_log_while_running == {f"GPT-4o|fast|{i}" for i in range(3)}
    assert {r["request"] for r in read_log(log)} == {c.key for c in calls}


def test_a_run_resumes_where_the_log_stopped(tmp_path, pricing):
    log = tmp_path / "a.jsonl"
    calls = [call(f"GPT-4o|p|{i}") for i in range(6)]
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("rate_limit", model="gpt-4o", request="GPT-4o|p|1", times=1, retry_after_s=1)
        harness(emu, pricing, log=log).run_blocking(calls[:4])
        # an interrupted run: keep only the first lines, with a torn last line
        lines = log.read_text().splitlines()
        assert len(lines) == 5  # four requests, one of them retried once
        log.write_text("\n".join(lines[:3]) + "\n" + lines[3][:20])
        survivors = {json.loads(x)["request"] for x in lines[:3] if json.loads(x)["final"]}
        emu.clear_log()
        recs = harness(emu, pricing, log=log).run_blocking(calls)
        remade = {r["request"] for r in emu.requests}
    assert remade == {c.key for c in calls} - survivors
    finals = final_requests(records_frame(recs))
    assert sorted(finals.request) == sorted(c.key for c in calls)
    assert (finals.status == "ok").all()


def test_a_kill_during_a_retry_wait_leaves_no_row_that_resume_duplicates(tmp_path, pricing):
    """The run is killed while it sits out a Retry-After: the log holds attempt 1, not final. Resume
    goes on with attempt 2; every (request, attempt) is in the log exactly once."""
    import subprocess
    import sys

    log = tmp_path / "a.jsonl"
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("rate_limit", model="gpt-4o", request="GPT-4o|p|0", times=1, retry_after_s=100_000)
        script = (f"from analysis.calls.harness import Harness\nfrom analysis.calls.policy import Call, RetryPolicy\n"
                  f"h = Harness({emu.base_url!r}, 'k', mode='emulated', time_scale={SCALE}, log_path={str(log)!r},"
                  f" retry=RetryPolicy(deadline_s=10**7))\n"
                  f"h.run_blocking([Call('GPT-4o|p|0', 'GPT-4o', 'gpt-4o', 'p', 'code', 'hi', 8)])\n")
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=str(tmp_path.parent))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not read_log(log):
            time.sleep(0.05)
        proc.kill()  # during the 1,000 s wait
        proc.wait(10)
        assert [(r["attempt"], r["final"]) for r in read_log(log)] == [(0, False)]
        recs = harness(emu, pricing, log=log).run_blocking([call("GPT-4o|p|0")])
        served = [(r["request"], r["attempt"]) for r in emu.requests]
    rows = [(r["request"], r["attempt"]) for r in read_log(log)]
    assert rows == [("GPT-4o|p|0", 0), ("GPT-4o|p|0", 1)] and len(set(rows)) == len(rows)
    assert served == [("GPT-4o|p|0", "0"), ("GPT-4o|p|0", "1")]
    assert [(r["attempt"], r["status"], r["final"]) for r in recs] == [(0, "error", False), (1, "ok", True)]


def test_resume_false_makes_every_request_again(tmp_path, pricing):
    log = tmp_path / "a.jsonl"
    with Emulator(seed=1, time_scale=SCALE) as emu:
        harness(emu, pricing, log=log).run_blocking([call()])
        harness(emu, pricing, log=log).run_blocking([call()], resume=False)
        assert len(emu.requests) == 2
    assert len(read_log(log)) == 2


# --------------------------------------------------------------------------- failover


def test_failover_records_who_answered_and_why_others_did_not(emulator):
    emulator.inject("drop", model="deepseek-v4-flash", times=None, after_tokens=1)
    ids = {"DeepSeek V4 Flash": "deepseek-v4-flash", "GPT-4o": "gpt-4o", "Kimi K2.5": "kimi-k2.5"}
    h = harness(emulator)

    async def go():
        async with h:
            return await h.routed(call("x|code-1|0", "DeepSeek V4 Flash", ""), ["DeepSeek V4 Flash", "GPT-4o",
                                                                                  "Kimi K2.5"], ids)

    out = run_sync(go())
    assert out["answered_by"] == "GPT-4o" and out["fallback_used"]
    tried = {t["model"]: t for t in out["tried"]}
    assert tried["DeepSeek V4 Flash"]["outcome"] == "failed"
    assert tried["DeepSeek V4 Flash"]["error_class"] == "dropped_connection"
    assert "connection was dropped" in tried["DeepSeek V4 Flash"]["message"]
    assert tried["GPT-4o"]["outcome"] == "answered" and tried["Kimi K2.5"]["outcome"] == "not needed"
    assert [r["route_rank"] for r in out["records"]] == [1, 1, 1, 1, 2]  # a drop is retried (3 retries), then GPT-4o


def test_failover_after_rate_limits_exhaust_their_retries(emulator):
    emulator.inject("rate_limit", model="deepseek-v4-flash", times=None, retry_after_s=1)
    h = harness(emulator, max_retries=1)

    async def go():
        async with h:
            return await h.routed(call("x|chinese-1|0"), ["DeepSeek V4 Flash", "GPT-4o"],
                                  {"DeepSeek V4 Flash": "deepseek-v4-flash", "GPT-4o": "gpt-4o"})

    out = run_sync(go())
    first = out["tried"][0]
    assert (first["error_class"], first["attempts"], out["answered_by"]) == ("rate_limit", 2, "GPT-4o")


def test_when_every_model_fails_nobody_answers(emulator):
    emulator.inject("unauthorized", times=None)
    h = harness(emulator)

    async def go():
        async with h:
            return await h.routed(call("x|code-1|0"), ["DeepSeek V4 Flash", "GPT-4o"],
                                  {"DeepSeek V4 Flash": "deepseek-v4-flash", "GPT-4o": "gpt-4o"})

    out = run_sync(go())
    assert out["answered_by"] is None and [t["error_class"] for t in out["tried"]] == ["auth", "auth"]


# --------------------------------------------------------------------------- statistics


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.floats(0.001, 100), st.just(float("nan"))), min_size=0, max_size=60))
def test_bootstrap_percentiles_count_ordering_and_bounds(values):
    r = bootstrap_percentiles(values, n_boot=200)
    known = [v for v in values if v == v]
    assert r["n"] == len(known)
    if not known:
        assert all(v != v for k, v in r.items() if k != "n")
        return
    assert [r["p50"], r["p90"], r["p95"], r["p99"]] == pytest.approx(list(np.percentile(known, [50, 90, 95, 99])))
    assert r["p50"] <= r["p90"] <= r["p95"] <= r["p99"]
    for q in (50, 90, 95, 99):
        assert min(known) <= r[f"p{q}_ci_low"] <= r[f"p{q}_ci_high"] <= max(known)
    assert bootstrap_percentiles(values, n_boot=200) == r  # seeded


def test_percentile_table_counts_only_successes():
    recs = [{"request": f"r{i}", "model": "M", "attempt": 0, "final": True, "status": "ok", "ttft_s": float(i)}
            for i in range(1, 11)]
    recs.append({"request": "bad", "model": "M", "attempt": 0, "final": True, "status": "incomplete", "ttft_s": 99.0})
    t = percentile_table(final_requests(records_frame(recs)), metrics=["ttft_s"])
    row = t.iloc[0]
    assert row.n == 10 and row.p50 == pytest.approx(5.5) and row.p99 == pytest.approx(np.percentile(range(1, 11), 99))


def test_error_counts_separate_attempts_from_failed_requests():
    recs = [{"request": "a", "attempt": 0, "final": False, "error_class": "rate_limit"},
            {"request": "a", "attempt": 1, "final": True, "status": "ok"},
            {"request": "b", "attempt": 0, "final": True, "error_class": "idle_timeout"}]
    e = error_counts(records_frame(recs)).set_index("error_class")
    assert e.loc["rate_limit", ["attempts", "requests_failed"]].tolist() == [1, 0]
    assert e.loc["idle_timeout", ["attempts", "requests_failed"]].tolist() == [1, 1]


def test_parse_retry_after_forms():
    from email.utils import formatdate

    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    in_ten = parse_retry_after({"retry-after": formatdate(time.time() + 10, usegmt=True)})
    assert 8 <= in_ten <= 10
    assert parse_retry_after({}) is None


# --------------------------------------------------------------------------- model output is escaped


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_html_table_escapes_any_reply(text):
    out = html_table(records_frame([{"request": "r", "model": "M", "reply": text}])[["model", "reply"]], "SIMULATED")
    body = re.sub(r"<style[^>]*>[^<]*</style>|</?(table|caption|thead|tbody|tr|th|td)[^>]*>", "", out)
    assert "<" not in body and ">" not in body


def test_a_script_reply_is_shown_as_text(emulator):
    with Emulator(time_scale=SCALE, reply="<script>alert('owned')</script> fine") as emu:
        r = harness(emu).run_blocking([call()])[0]
    assert r["reply"] == "<script>alert('owned')</script> fine"
    out = html_table(records_frame([r])[["model", "reply"]], "SIMULATED (local emulator)")
    assert "<script>" not in out and "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in out


# --------------------------------------------------------------------------- a whole session


def test_session_leaves_out_ids_the_gateway_does_not_list(monkeypatch, emulator, pricing):
    from analysis.calls.session import run_session
    from analysis.data.gateway import load_gateway_models, load_prompts
    from analysis.traffic.router import load_router

    monkeypatch.setenv("GLOBAL_API_KEY", "any")
    ids = load_gateway_models()
    ids.loc[ids.model == "GPT-4o", "gateway_model_id"] = "gpt-4o-typo"  # the emulator serves the shipped ids
    s = run_session(models=["GPT-4o", "DeepSeek V4 Flash"], prompts=load_prompts().head(2), gateway_models=ids,
                    router=load_router(), pricing=pricing, requests_per_model=2, mode="live",
                    base_url=emulator.base_url)
    assert s.label.startswith("LIVE (127.0.0.1:")
    assert s.skipped_models == {"GPT-4o": "gpt-4o-typo"}
    assert "does not know 1 of the 2 mapped model ids" in s.check.message() and "'gpt-4o-typo'" in s.check.message()
    assert set(s.requests.model) == {"DeepSeek V4 Flash"}
    # the router skips the unknown fallback and says so; V4 Flash still answers the code prompts
    assert [r["answered_by"] for r in s.routed] == ["DeepSeek V4 Flash", "DeepSeek V4 Flash"]


def test_session_with_a_refused_key_calls_nothing_and_says_what_to_do(monkeypatch, pricing):
    from analysis.calls.session import run_session
    from analysis.data.gateway import load_gateway_models, load_prompts
    from analysis.traffic.router import load_router

    monkeypatch.setenv("GLOBAL_API_KEY", "wrong-key-0123456789abcdef")
    with Emulator(time_scale=SCALE, api_key="the-right-one") as emu:
        s = run_session(models=["GPT-4o"], prompts=load_prompts().head(1), gateway_models=load_gateway_models(),
                        router=load_router(), pricing=pricing, mode="live", base_url=emu.base_url)
        assert emu.requests == []  # no chat completion was attempted
    assert s.mode == "live" and s.label.startswith("LIVE (127.0.0.1:")
    assert "Check GLOBAL_API_KEY" in s.check.message() and "wrong-key" not in s.check.message()
    assert len(s.attempts) == 0 and s.routed[0]["answered_by"] is None


def test_a_log_from_a_different_run_is_not_resumed(tmp_path, pricing):
    log = tmp_path / "a.jsonl"
    with Emulator(seed=1, time_scale=SCALE) as emu:
        Harness(emu.base_url, "k", mode="emulated", time_scale=SCALE, log_path=log, run_tag="seed=1").run_blocking(
            [call()])
        again = Harness(emu.base_url, "k", mode="emulated", time_scale=SCALE, log_path=log, run_tag="seed=2")
        again.run_blocking([call()])
        assert len(emu.requests) == 2 and again.resumed_requests == 0
        same = Harness(emu.base_url, "k", mode="emulated", time_scale=SCALE, log_path=log, run_tag="seed=2")
        same.run_blocking([call()])
        assert len(emu.requests) == 2 and same.resumed_requests == 1


def test_pricepoint_calls_times_and_routes_against_the_emulator(tmp_path, capsys):
    from analysis.cli import main

    log = tmp_path / "calls.jsonl"
    argv = ["calls", "--mode", "emulated", "--models", "GPT-4o", "--requests", "3", "--prompts", "code-1",
            "--route", "--time-scale", "0.01", "--log", str(log)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIMULATED (local emulator)")
    assert re.search(r"GPT-4o\s+3/3 ", out)
    assert "routed code-1 (code): DeepSeek V4 Flash > GPT-4o -> DeepSeek V4 Flash" in out
    assert len(read_log(log)) == 4  # three timed requests and one routed one, each a line
    assert main(argv) == 0  # again: the timed requests come from the log
    assert "3 request(s) resumed" in capsys.readouterr().out


# --------------------------------------------------------------------------- notebook 05's tables, results, findings


def _session(mode="emulated", label="SIMULATED (local emulator)", routed=(), skipped=None, error=None):
    from analysis.calls import session as calls_session
    from analysis.calls.gateway import ModelCheck

    recs = [{"request": f"GPT-4o|code-1|{i}", "model": "GPT-4o", "prompt_id": "code-1", "attempt": 0, "final": True,
             "status": "ok", "ttft_s": 1.0 + i / 10, "tok_per_s": 50.0, "cost_usd": 0.001 * (i + 1),
             "reply": "<i>hi</i>"} for i in range(3)]
    recs += [{"request": "GPT-4o|code-1|3", "model": "GPT-4o", "prompt_id": "code-1", "attempt": 0, "final": False,
              "status": "error", "error_class": "rate_limit", "message": "429, attempt 1"},
             {"request": "GPT-4o|code-1|3", "model": "GPT-4o", "prompt_id": "code-1", "attempt": 1, "final": True,
              "status": "error", "error_class": "server_error", "message": "500, attempt 2"}]
    check = ModelCheck("http://127.0.0.1:9/v1", ["gpt-4o"], {"GPT-4o": "gpt-4o"}, dict(skipped or {}), error=error)
    return calls_session.Session(mode, label, "http://127.0.0.1:9/v1", 0.05, records_frame(recs), check,
                           routed=list(routed), skipped_models=dict(skipped or {}))


def test_notebook_05_findings_figures_and_kinds():
    from analysis.pages import live_calls as pages_live_calls

    routed = [{"task_type": "code", "prompt_id": "code-1", "route": ["DeepSeek V4 Flash", "GPT-4o"],
               "answered_by": "GPT-4o", "fallback_used": True,
               "tried": [{"model": "DeepSeek V4 Flash", "outcome": "failed", "error_class": "dropped_connection"}]}]
    s = _session(routed=routed, skipped={"Qwen3-32B": "qwen3-32b"})
    pct = percentile_table(s.timed_requests, n_boot=50)
    best = {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.25 / 88}
    f = pages_live_calls.findings(s, pct, error_counts(s.attempts), best)
    # TTFTs 1.0, 1.1, 1.2 s: median 1.1 s; the fourth request failed after 2 attempts ending in errors
    assert f[0] == ("SIMULATED (local emulator): GPT-4o p50 time to first token 1.1 s, p99 1.2 s (n = 3); median "
                    "output speed 50 tok/s.", "simulated")
    assert f[1] == ("SIMULATED (local emulator): 1 of 4 timed requests failed or came back incomplete; 2 of 5 "
                    "attempts ended in an error (retries included).", "simulated")
    assert f[2][1] == "computed" and "($0.0028 per million tokens per point)" in f[2][0]
    assert f[3][0] == ("SIMULATED (local emulator): 1 routed prompt fell back past their first choice (code-1 to "
                       "GPT-4o).")
    assert f[4][0].startswith("SIMULATED (local emulator): the gateway did not list Qwen3-32B: left out")
    live = pages_live_calls.findings(_session("live", "LIVE (x)", error="401 Unauthorized"), pct, error_counts(s.attempts),
                            best)
    assert {k for _, k in live} == {"measured", "computed"}
    assert live[-1][0] == ("LIVE (x): Could not list the models of the gateway at http://127.0.0.1:9/v1: 401 "
                           "Unauthorized. The calls were made anyway: a model the gateway does not know fails with "
                           "its own row.")


def test_notebook_05_results():
    from analysis.pages import live_calls as pages_live_calls
    from analysis.traffic.router import load_router

    s = _session()
    timed = s.timed_requests
    r = pages_live_calls.results(s, ["GPT-4o"], load_router(), {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.1},
                        percentile_table(timed, n_boot=50), error_counts(s.attempts), timed)
    assert r["requests"]["GPT-4o"] == {"model": "GPT-4o", "requests": 4, "ok": 3, "failed": 1, "incomplete": 0,
                                       "attempts": 5}
    assert r["error_counts"] == {"rate_limit": {"attempts": 1, "requests_failed": 0},
                                 "server_error": {"attempts": 1, "requests_failed": 1}}
    assert r["cost_per_request_usd"]["GPT-4o"] == pytest.approx(0.002)  # median of 0.001, 0.002, 0.003 (and n/a)
    assert "emulator_profiles" not in r and r["log_file"] is None and r["router_table"]["vision"] == ["GPT-4o"]


def test_notebook_05_tables_read_for_people():
    from analysis.pages import live_calls as pages_live_calls

    s = _session()
    failures = pages_live_calls.failures_html(s.attempts, s.label)
    # attempts counted from 1 in the table, as in the messages
    assert ">1</td>" in failures and ">2</td>" in failures and ">0</td>" not in failures
    assert "error class" in pages_live_calls.errors_html(error_counts(s.attempts), s.label)
    assert "&lt;i&gt;hi&lt;/i&gt;" in pages_live_calls.replies_html(s.timed_requests, s.label)
    assert "succeeded" in pages_live_calls.requests_html(s.timed_requests, s.label)
    table = html_table(pd.DataFrame({"model": ["M"], "x": [float("nan")]}), "c")
    assert re.search(r">M</td>\s*<td[^>]*>n/a</td>", table) and "nan" not in table

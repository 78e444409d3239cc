"""A whole session: the model listing retried like a chat call, a failed listing a row, stdout safe."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.calls.emulator import Emulator
from analysis.calls.policy import RetryPolicy
from analysis.calls.session import run_session
from analysis.data.gateway import load_gateway_models, load_prompts

SCALE = 0.01


def _session(emu, **kw):
    return run_session(models=["GPT-4o"], prompts=load_prompts().head(1), gateway_models=load_gateway_models(),
                       mode="live", base_url=emu.base_url, requests_per_model=2, **kw)


def test_a_rate_limited_listing_is_retried_after_its_retry_after(monkeypatch):
    monkeypatch.setenv("GLOBAL_API_KEY", "k-for-this-test")
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("rate_limit", endpoint="models", times=2, retry_after_s=30, retry_after_ms=True)
        s = _session(emu)
        listing = [r["t"] for r in emu.requests if r.get("endpoint") == "models"]
    assert len(listing) == 2 and s.check.ok and s.check.listing_attempts == 3
    assert np.diff(listing)[0] >= 30 * SCALE - 0.003  # honoured, on the emulator's clock
    assert len(s.timed_requests) == 2 and (s.timed_requests.status == "ok").all()


def test_a_listing_that_keeps_failing_is_a_row_and_the_calls_still_run(monkeypatch):
    monkeypatch.setenv("GLOBAL_API_KEY", "k-for-this-test")
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("server_error", endpoint="models", status=502, times=None, message="bad gateway <b>x</b>")
        s = _session(emu, retry=RetryPolicy(max_retries=1, backoff_base_s=0.01))
    assert not s.check.ok and s.check.listing_attempts == 2
    assert s.check.error.startswith("the model list (GET /v1/models), attempt 2: server error (HTTP 502): bad gateway")
    assert "‹b›x‹/b›" in s.check.error and "<b>" not in s.check.message()
    assert "The calls were made anyway" in s.check.message()
    assert (s.timed_requests.status == "ok").sum() == 2


def test_a_listing_not_retried_when_the_policy_says_so(monkeypatch):
    monkeypatch.setenv("GLOBAL_API_KEY", "k-for-this-test")
    with Emulator(seed=1, time_scale=SCALE) as emu:
        emu.inject("forbidden", endpoint="models", times=None)
        s = _session(emu)
        listing = [r for r in emu.requests if r.get("endpoint") == "models"]
    assert len(listing) == 1 and s.check.listing_attempts == 1 and "HTTP 403" in s.check.error


def test_pricepoint_calls_prints_a_listing_error_without_the_key_or_markup(monkeypatch, capsys):
    from analysis.cli import main

    key = "SENTINEL-calls-stdout-5c2e"
    monkeypatch.setenv("GLOBAL_API_KEY", key)
    with Emulator(seed=1, time_scale=SCALE, api_key=key) as emu:
        emu.inject("server_error", endpoint="models", status=503, times=None,
                   message=f"down; key {key} <img src=x onerror=alert(3)>")
        code = main(["calls", "--mode", "live", "--base-url", emu.base_url, "--models", "GPT-4o", "--requests", "1",
                     "--prompts", "code-1", "--max-retries", "1"])
    out = capsys.readouterr()
    assert code == 0 and "Could not list the models" in out.out and "HTTP 503" in out.out
    assert key not in out.out + out.err and "<img" not in out.out + out.err
    assert "1/1" in out.out  # the call ran


@pytest.mark.parametrize("fault", ["drop", "silent_first_chunk"])
def test_the_router_falls_back_when_its_fault_outlasts_the_retries(monkeypatch, fault):
    from analysis.traffic.router import load_router

    monkeypatch.delenv("GLOBAL_API_KEY", raising=False)
    s = run_session(models=["GPT-4o"], prompts=load_prompts().head(1), gateway_models=load_gateway_models(),
                    router=load_router(), mode="emulated", time_scale=SCALE, requests_per_model=0,
                    router_fault=fault, retry=RetryPolicy(max_retries=2, backoff_base_s=0.1))
    first = s.routed[0]
    assert first["fallback_used"] and first["tried"][0]["attempts"] == 3

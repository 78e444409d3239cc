"""The local gateway emulator, over real HTTP on 127.0.0.1 (no patching of any HTTP library)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import httpx
import pytest

from analysis import paths
from analysis.calls.emulator import Emulator
from analysis.calls.faults import FAULT_KINDS, parse_fault
from analysis.calls.profiles import (
    DEFAULT_TOK_PER_S,
    DEFAULT_TTFT_P99_RANGE_S,
    TTFT_SIGMA,
    Z99,
    ModelProfile,
    profiles_from_data,
)

BODY = {"model": "gpt-4o", "max_tokens": 12, "messages": [{"role": "user", "content": "hello"}]}


def sse_events(text: str) -> list[str]:
    """The ``data:`` payloads and ``:`` comments of an SSE body, in order."""
    return [line for line in text.splitlines() if line.startswith(("data:", ":"))]


def test_profiles_come_from_the_data_with_documented_defaults():
    p = profiles_from_data()
    assert (p["deepseek-v4-flash"].tok_per_s, p["gpt-4o"].tok_per_s) == (60.0, 50.0)
    # the p99 is the middle of the published range: 1.2-1.8 s and 1.5-2.0 s
    assert p["deepseek-v4-flash"].ttft_p99_s == pytest.approx(1.5)
    assert p["gpt-4o"].ttft_p99_s == pytest.approx(1.75)
    assert p["deepseek-v4-flash"].tok_source == p["deepseek-v4-flash"].ttft_source == "published"
    for gid in ("qwen3-32b", "claude-3-5-sonnet", "glm-5"):
        assert p[gid].tok_per_s == DEFAULT_TOK_PER_S and p[gid].tok_source == "default"
        assert p[gid].ttft_p99_s == pytest.approx(sum(DEFAULT_TTFT_P99_RANGE_S) / 2)
    assert len(p) == 11


def test_ttft_median_puts_the_p99_at_the_published_figure():
    prof = ModelProfile("m", "m", 60, 1.5)
    assert prof.ttft_median_s * math.exp(Z99 * TTFT_SIGMA) == pytest.approx(1.5)


def test_models_endpoint_lists_every_mapped_id(emulator):
    data = httpx.get(emulator.base_url + "/models").json()["data"]
    assert {m["id"] for m in data} == set(profiles_from_data())


def test_stream_has_role_chunk_keepalive_content_usage_and_done(emulator):
    body = dict(BODY, stream=True, stream_options={"include_usage": True})
    text = httpx.post(emulator.base_url + "/chat/completions", json=body).text
    events = sse_events(text)
    first = json.loads(events[0][5:])
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert events[1] == ": keep-alive"
    assert events[-1] == "data: [DONE]"
    usage = json.loads(events[-2][5:])
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] <= 12
    finish = json.loads(events[-3][5:])
    assert finish["choices"][0]["finish_reason"] in ("stop", "length")
    content = "".join(json.loads(e[5:])["choices"][0]["delta"].get("content", "") for e in events[2:-3])
    assert len(content.split()) == usage["usage"]["completion_tokens"]


def test_without_include_usage_there_is_no_usage_chunk(emulator):
    text = httpx.post(emulator.base_url + "/chat/completions", json=dict(BODY, stream=True)).text
    assert '"usage"' not in text and text.rstrip().endswith("data: [DONE]")


def test_chinese_prompt_gets_a_chinese_reply(emulator):
    body = dict(BODY, messages=[{"role": "user", "content": "请介绍长城"}])
    reply = httpx.post(emulator.base_url + "/chat/completions", json=body).json()
    assert all("\u4e00" <= ch <= "\u9fff" for ch in reply["choices"][0]["message"]["content"])


def test_same_seed_same_request_gives_the_same_ttft_and_reply():
    def one(seed):
        with Emulator(seed=seed, time_scale=0.001) as emu:
            r = httpx.post(emu.base_url + "/chat/completions", json=BODY,
                           headers={"X-Pricepoint-Request": "k1", "X-Pricepoint-Attempt": "0"}).json()
            return r["choices"][0]["message"]["content"], emu.requests[0]["ttft_s"]

    a, b, c = one(5), one(5), one(6)
    assert a == b
    assert a != c


def test_ttft_runs_from_the_first_byte_of_the_request_not_from_when_it_was_parsed():
    """The request's head goes out, its body 1 s later (a margin for a loaded machine, where the emulator's
    thread may read the head late): the emulator's clock for it (its arrival, and
    the TTFT it injects from there) starts at the head's first byte, as a server's view of the request
    does, so a burst it parses one request at a time does not make the later ones' TTFT start late."""
    import socket
    import time

    with Emulator(seed=3, time_scale=0.2) as emu:
        body = json.dumps({**BODY, "stream": True}).encode()
        with socket.create_connection(("127.0.0.1", emu.port)) as s:
            head_sent = time.perf_counter()
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            time.sleep(1.0)
            body_sent = time.perf_counter()
            s.sendall(body)
            while s.recv(65536):
                pass
        [e] = emu.requests
    assert head_sent <= e["t_monotonic"] < body_sent  # the same clock: the emulator runs in this process
    assert e["queued_s"] >= body_sent - e["t_monotonic"]  # handled only once the body was in
    assert e["first_content_monotonic"] - e["t_monotonic"] >= e["ttft_s"]  # never early, from the first byte


def test_random_faults_are_deterministic_under_the_seed():
    def kinds(seed):
        with Emulator(seed=seed, time_scale=0.0001, fault_rate=0.5, random_faults=("rate_limit", "server_error")) as emu:
            for i in range(20):
                httpx.post(emu.base_url + "/chat/completions", json=BODY, headers={"X-Pricepoint-Request": f"r{i}"})
            return [r["fault"] for r in emu.requests]

    first = kinds(3)
    assert first == kinds(3)
    assert 3 <= sum(k is not None for k in first) <= 17


def test_unknown_model_is_a_404_and_bad_json_a_400(emulator):
    r = httpx.post(emulator.base_url + "/chat/completions", json=dict(BODY, model="nope"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    r = httpx.post(emulator.base_url + "/chat/completions", content=b"{not json")
    assert r.status_code == 400


def test_api_key_is_checked_and_not_echoed_unless_asked():
    with Emulator(time_scale=0.001, api_key="right-key") as emu:
        url = emu.base_url + "/chat/completions"
        assert httpx.post(url, json=BODY, headers={"Authorization": "Bearer right-key"}).status_code == 200
        wrong = httpx.post(url, json=BODY, headers={"Authorization": "Bearer wrong-key"})
        assert wrong.status_code == 401 and "wrong-key" not in wrong.text
    with Emulator(time_scale=0.001, api_key="right-key", echo_key_in_errors=True) as emu:
        wrong = httpx.post(emu.base_url + "/chat/completions", json=BODY, headers={"Authorization": "Bearer wrong-key"})
        assert "wrong-key" in wrong.text  # like gateways that repeat the key: the harness must redact it


@pytest.mark.parametrize("kind", sorted(FAULT_KINDS))
def test_every_fault_kind_is_injectable_by_model_and_count(emulator, kind):
    emulator.inject(kind, model="gpt-4o", times=1, stall_s=0.5)
    body = dict(BODY, stream=True, stream_options={"include_usage": True})
    try:
        httpx.post(emulator.base_url + "/chat/completions", json=body, timeout=5)
    except httpx.HTTPError:
        pass  # a dropped connection
    httpx.post(emulator.base_url + "/chat/completions", json=dict(body, model="deepseek-v4-flash"))
    httpx.post(emulator.base_url + "/chat/completions", json=body)
    log = emulator.requests
    assert [r["fault"] for r in log] == [kind, None, None]


def test_faults_can_be_set_over_http_and_the_log_read(emulator):
    root = emulator.base_url.removesuffix("/v1")
    httpx.post(root + "/_emulator/faults", json=[{"kind": "rate_limit", "times": 1, "retry_after_s": 3}])
    r = httpx.post(emulator.base_url + "/chat/completions", json=BODY)
    assert r.status_code == 429 and float(r.headers["retry-after"]) == pytest.approx(3 * 0.01)
    log = httpx.get(root + "/_emulator/requests").json()
    assert log[0]["fault"] == "rate_limit" and log[0]["retry_after_s"] == 3


def test_parse_fault_reads_every_setting_and_rejects_unknown_ones():
    f = parse_fault("server_error:model=gpt-4o:status=503:times=2:retry_after_s=1.5:retry_after_ms=true")
    assert (f.kind, f.model, f.status, f.times, f.retry_after_s, f.retry_after_ms) == \
        ("server_error", "gpt-4o", 503, 2, 1.5, True)
    with pytest.raises(ValueError, match="unknown fault"):
        parse_fault("meltdown")
    with pytest.raises(ValueError, match="unknown setting"):
        parse_fault("drop:colour=red")


def test_emulator_refuses_to_listen_beyond_this_machine():
    with pytest.raises(ValueError, match="127.0.0.1"):
        Emulator(host="0.0.0.0").start()


def test_pricepoint_emulator_command_serves_until_stopped():
    proc = subprocess.Popen([sys.executable, "-m", "analysis.cli", "emulator", "--port", "0", "--time-scale", "0.01",
                             "--fault", "rate_limit:times=1:retry_after_s=2"], stdout=subprocess.PIPE, text=True,
                            cwd=paths.ROOT)
    try:
        first = proc.stdout.readline()
        assert first.startswith("pricepoint emulator: SIMULATED gateway") and "http://127.0.0.1:" in first
        url = first.rsplit(" at ", 1)[1].strip()
        assert httpx.post(url + "/chat/completions", json=BODY).status_code == 429
        assert httpx.post(url + "/chat/completions", json=BODY).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)

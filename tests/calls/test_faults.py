"""The fault-kind registry: each kind is one class, the emulator dispatches through it, and each
kind does on the wire what its description says."""

from __future__ import annotations

import socket

import httpx
import pytest

from analysis.calls import faults
from analysis.calls.emulator import Emulator
from analysis.calls.faults import FAULT_KINDS, Fault, FaultKind, register_fault

BODY = {"model": "gpt-4o", "max_tokens": 12, "messages": [{"role": "user", "content": "hi"}], "stream": True,
        "stream_options": {"include_usage": True}}


def test_every_kind_is_registered_with_a_description_and_a_consistent_status():
    assert {"rate_limit", "server_error", "request_timeout", "conflict", "silent_headers", "silent_first_chunk",
            "stall", "finish_error"} <= set(FAULT_KINDS)
    for name, kind in FAULT_KINDS.items():
        assert kind.name == name and kind.description()
        assert (kind.status is not None) == issubclass(kind, faults.HttpError)
        assert kind.on_models == (kind.status is not None)  # only HTTP errors can hit the model list
    assert faults.random_faults() == tuple(n for n, k in FAULT_KINDS.items() if k.random_eligible)
    assert {"bad_request", "unauthorized", "slow"}.isdisjoint(faults.random_faults())  # a healthy key never meets these


@pytest.mark.parametrize("name", [n for n, k in FAULT_KINDS.items() if k.status is not None])
def test_http_kinds_answer_with_their_status(emulator, name):
    emulator.inject(name, retry_after_s=2)
    r = httpx.post(emulator.base_url + "/chat/completions", json=BODY)
    assert r.status_code == FAULT_KINDS[name].status and r.json()["error"]["code"] == name
    assert float(r.headers["retry-after"]) == pytest.approx(2 * emulator.time_scale)


def _raw(emu: Emulator, wait_s: float) -> bytes:
    """What the emulator sends within ``wait_s`` seconds of a streamed request."""
    host, port = "127.0.0.1", emu.port
    body = httpx.Request("POST", emu.base_url + "/chat/completions", json=BODY)
    with socket.create_connection((host, port)) as s:
        s.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body.content)}\r\n\r\n".encode() + body.content)
        s.settimeout(wait_s)
        got = b""
        try:
            while chunk := s.recv(65536):
                got += chunk
        except TimeoutError:
            pass
    return got


def test_silent_headers_sends_nothing_and_silent_first_chunk_only_headers():
    with Emulator(seed=1, time_scale=0.01) as emu:
        emu.inject("silent_headers", stall_s=1000)  # 10 s of wall time: longer than we listen
        assert _raw(emu, 0.3) == b""
        emu.inject("silent_first_chunk", stall_s=1000)
        got = _raw(emu, 0.3)
    assert got.startswith(b"HTTP/1.1 200 OK") and got.endswith(b"\r\n\r\n")  # the headers, then nothing


def test_finish_error_ends_with_finish_reason_error_and_no_error_object(emulator):
    emulator.inject("finish_error", after_tokens=3)
    text = httpx.post(emulator.base_url + "/chat/completions", json=BODY).text
    assert '"finish_reason":"error"' in text and '"error":' not in text and text.rstrip().endswith("data: [DONE]")
    assert '"completion_tokens":3' in text  # the usage says what was sent


def test_model_list_faults_hit_only_the_model_list(emulator):
    emulator.inject("server_error", endpoint="models", status=503, times=1)
    assert httpx.post(emulator.base_url + "/chat/completions", json=BODY).status_code == 200
    assert httpx.get(emulator.base_url + "/models").status_code == 503
    assert httpx.get(emulator.base_url + "/models").status_code == 200
    with pytest.raises(ValueError, match="cannot apply to the model list"):
        Fault("stall", endpoint="models")


def test_a_new_kind_is_one_registered_class(emulator):
    """The extension point: a kind registered here is served without any edit to the emulator."""

    @register_fault
    class ContentFilter(FaultKind):
        """the stream ends with finish_reason content_filter (a test kind)"""

        name = "content_filter_test"

        def finish_reason(self, finish: str) -> str:
            return "content_filter"

    try:
        emulator.inject("content_filter_test")
        text = httpx.post(emulator.base_url + "/chat/completions", json=BODY).text
        assert '"finish_reason":"content_filter"' in text
        assert emulator.requests[-1]["fault"] == "content_filter_test"
        with pytest.raises(ValueError, match="already registered"):
            register_fault(ContentFilter)
    finally:
        del FAULT_KINDS["content_filter_test"]

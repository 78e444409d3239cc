"""Benchmark the latency harness against the local emulator (not a test; prints figures of one run).

1. **TTFT error**: per request, the harness's time to first token (from the first byte of its request
   sent to the first content read) minus the server's own view of it: from the request's first byte
   reaching the emulator to the emulator writing its first content, both on the emulator's clock
   (the emulator logs them; on Linux ``time.perf_counter()`` is one monotonic clock for every process).
   The harness's figure is what a user sees; the error is what the harness adds to it or misses (its
   own read path) plus the time the request waited before the emulator read it. Concurrency 64, the
   emulator at the published speeds (time scale 1). Target: p99 of the absolute error <= 5 ms. Beside it:
   the error against the TTFT the emulator meant to inject (its lateness then counts too), its lateness,
   and how long requests queued in it between their first byte and their handler.
2. **Throughput**: the harness's streamed requests per second as a ratio to a bare ``httpx``
   streaming loop (no SDK, no parsing beyond finding ``[DONE]``) making the same requests to the
   same emulator at the same concurrency. Target: >= 0.8. Measured at the published speeds and
   again with the emulator 50 times faster, where the client's own CPU cost shows.

3. **Accounting under load**: 10,000 calls at concurrency 256 with 5 % of attempts given a random fault
   of every random-eligible kind (429, 5xx, 408, silence before the headers, before the first chunk
   and mid-stream, cut, dropped and malformed streams, an error object, ``finish_reason: "error"``,
   no usage), with the emulator 50 times faster: every request must end with exactly one final row,
   its attempts numbered 0..n without a gap, and the attempts the harness logged must be exactly the
   requests the emulator received (as ``(request, attempt)`` pairs).

The emulator runs in its own process (``pricepoint emulator``), as a real gateway would. The machine is
shared: the load average is printed beside the figures. ``--one-core-busy`` repeats the TTFT error with
a CPU burner running; ``--ttft-only`` measures only item 1 (about a minute).

Run: ``.venv/bin/python benchmarks/bench_gateway.py`` (a few minutes).
"""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.calls import harness as harness_module  # noqa: E402
from analysis.calls.gateway import Progress  # noqa: E402
from analysis.calls.harness import Harness  # noqa: E402
from analysis.calls.policy import Call  # noqa: E402

CONCURRENCY = 64
REQUESTS = 384
MAX_TOKENS = 32
MODELS = (("GPT-4o", "gpt-4o"), ("DeepSeek V4 Flash", "deepseek-v4-flash"))


def start_emulator(time_scale: float, fault_rate: float = 0.0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "analysis.cli", "emulator", "--port", "0", "--seed", "1",
                             "--time-scale", str(time_scale), "--fault-rate", str(fault_rate)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    line = proc.stdout.readline()
    if " at http://" not in line:
        proc.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return proc, line.rsplit(" at ", 1)[1].split()[0]


def calls(tag: str, n: int = REQUESTS) -> list[Call]:
    return [Call(f"{tag}|{i}", MODELS[i % 2][0], MODELS[i % 2][1], "bench", "code",
                 "Write a haiku about latency.", MAX_TOKENS) for i in range(n)]


#: every attempt's Progress (when its request went out), by (request, attempt): the send side of the error
SENT: dict[tuple[str, str], Progress] = {}


class _NotedProgress(Progress):
    """The harness's Progress, kept by request and attempt (read from the creating frame: a benchmark's shortcut)."""

    __slots__ = ()

    def __init__(self, on_sent=None):
        super().__init__(on_sent)
        where = sys._getframe(1).f_locals
        if "call" in where and "attempt" in where:
            SENT[(where["call"].key, str(where["attempt"]))] = self


harness_module.Progress = _NotedProgress


async def harness_run(url: str, tag: str) -> tuple[list[dict], float]:
    async with Harness(url, "bench-key", mode="emulated") as h:
        _ = h.client
        start = time.perf_counter()
        records = await h.run(calls(tag), CONCURRENCY, resume=False)
        return records, time.perf_counter() - start


async def bare_httpx_run(url: str, tag: str) -> float:
    """The reference: httpx streaming the same requests, reading lines until [DONE]."""
    todo = list(reversed(calls(tag)))
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60,
                                 headers={"Authorization": "Bearer bench-key"}) as client:
        async def worker():
            while todo:
                c = todo.pop()
                body = {"model": c.gateway_id, "messages": [{"role": "user", "content": c.text}],
                        "max_tokens": c.max_tokens, "stream": True, "stream_options": {"include_usage": True}}
                async with client.stream("POST", "/chat/completions", json=body,
                                         headers={"X-Pricepoint-Request": c.key}) as r:
                    async for line in r.aiter_lines():
                        if line == "data: [DONE]":
                            break

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - start


def ttft_errors(records: list[dict], url: str) -> dict[str, np.ndarray]:
    """Per successful request, in ms: ``error``, the harness's TTFT minus the server's own view of it (from
    the request's first byte reaching the emulator to its first content written, on the emulator's clock);
    ``vs_injected``, minus the TTFT the emulator meant to inject instead (so the emulator's own lateness
    counts as error too); ``late``, that lateness; ``queued``, from the first byte to the handler; ``first``,
    True for the first wave (the first ``CONCURRENCY`` requests to arrive)."""
    log = httpx.get(url.removesuffix("/v1") + "/_emulator/requests", timeout=30).json()
    by_key = {(r["request"], str(r["attempt"])): r for r in log}
    rows = []
    for rec in records:
        emu = by_key.get((rec["request"], str(rec["attempt"])))
        if rec["status"] != "ok" or emu is None or emu.get("first_content_monotonic") is None:
            continue
        served = emu["first_content_monotonic"] - emu["t_monotonic"]
        progress = SENT.get((rec["request"], str(rec["attempt"])))
        sent = progress.sent_at if progress is not None and progress.sent_at is not None else math.nan
        rows.append((emu["t_monotonic"], rec["ttft_s"] - served, rec["ttft_s"] - emu["ttft_s"],
                     served - emu["ttft_s"], emu.get("queued_s") or 0.0, emu["t_monotonic"] - sent,
                     sent + rec["ttft_s"] - emu["first_content_monotonic"]))  # time scale 1: ttft_s is wall time
    rows.sort()
    t = np.array(rows) * 1000
    first = np.arange(len(rows)) < CONCURRENCY
    return {"error": np.abs(t[:, 1]), "vs_injected": np.abs(t[:, 2]), "late": t[:, 3], "queued": t[:, 4],
            "send": t[:, 5], "receive": t[:, 6], "first": first}


def accounting(n: int = 10_000, concurrency: int = 256, fault_rate: float = 0.05, scale: float = 0.02) -> None:
    """Item 3 of the docstring: every request accounted for exactly once."""
    import collections
    import tempfile

    from analysis.calls.attempt_log import read_log
    from analysis.calls.policy import RetryPolicy, Timeouts

    proc, url = start_emulator(scale, fault_rate)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "attempts.jsonl"

            async def go():
                async with Harness(url, "bench-key", mode="emulated", time_scale=scale, log_path=log,
                                   # wall seconds a saturated client can keep: 5 s idle, 30 s per attempt
                                   timeouts=Timeouts(idle_s=5 / scale, total_s=30 / scale),
                                   retry=RetryPolicy(max_retries=3, deadline_s=120 / scale)) as h:
                    start = time.perf_counter()
                    records = await h.run(calls("acct", n), concurrency, resume=False)
                    return records, time.perf_counter() - start

            records, took = asyncio.run(go())
            logged = read_log(log)
        served = httpx.get(url.removesuffix("/v1") + "/_emulator/requests", timeout=60).json()
    finally:
        proc.terminate()
        proc.wait(10)
    by_request = collections.defaultdict(list)
    for r in logged:
        by_request[r["request"]].append(r)
    problems = []
    if set(by_request) != {c.key for c in calls("acct", n)}:
        problems.append(f"{len(by_request)} requests in the log, {n} made")
    for key, rows in by_request.items():
        if [r["attempt"] for r in rows] != list(range(len(rows))) or [r["final"] for r in rows][-1] is not True \
                or sum(r["final"] for r in rows) != 1:
            problems.append(f"{key}: attempts {[(r['attempt'], r['final']) for r in rows]}")
    unsent = sum(r["error_class"] in ("connect_error", "connect_timeout") for r in logged)  # never reached it
    ours = collections.Counter((r["request"], str(r["attempt"])) for r in logged
                               if r["error_class"] not in ("connect_error", "connect_timeout"))
    theirs = collections.Counter((r["request"], str(r["attempt"])) for r in served if r.get("endpoint") != "models")
    if ours != theirs:
        problems.append(f"{sum((ours - theirs).values())} attempts logged but not served, "
                        f"{sum((theirs - ours).values())} served but not logged")
    finals = [r for r in logged if r["final"]]
    outcome = collections.Counter(r["error_class"] or "ok" for r in finals)
    faults = collections.Counter(r["fault"] for r in served if r["fault"])
    classes = collections.Counter(r["error_class"] for r in logged if r["error_class"])
    print(f"\n== accounting: {n:,} calls at concurrency {concurrency}, {fault_rate:.0%} random faults, emulator "
          f"x{1 / scale:g} faster: {took:.1f} s, {n / took:.0f} requests/s")
    print(f"  attempts {len(logged):,} logged ({unsent} never connected), {sum(theirs.values()):,} served; faults injected "
          f"{sum(faults.values())} ({', '.join(f'{k} {v}' for k, v in faults.most_common())})")
    print(f"  error classes of attempts: {', '.join(f'{k} {v}' for k, v in classes.most_common())}")
    print(f"  final outcome of requests: {', '.join(f'{k} {v}' for k, v in outcome.most_common())}")
    print(f"  every request accounted exactly once: {'YES' if not problems else 'NO'}"
          + "".join(f"\n    {p}" for p in problems[:10]))


def main() -> None:
    busy = "--one-core-busy" in sys.argv
    if "--ttft-only" in sys.argv:
        print(f"bench_gateway --ttft-only: {REQUESTS} streamed requests, concurrency {CONCURRENCY}; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine: other work adds noise)")
        return ttft_only(busy)
    print(f"bench_gateway: {REQUESTS} streamed requests, concurrency {CONCURRENCY}, {MAX_TOKENS} output tokens each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine: other work adds noise)")
    for scale in (1.0, 0.02):
        proc, url = start_emulator(scale)
        try:
            asyncio.run(harness_run(url, f"warmup{scale}"))  # connections, imports, caches
            records, t_harness = asyncio.run(harness_run(url, f"h{scale}"))
            t_bare = asyncio.run(bare_httpx_run(url, f"b{scale}"))
            ok = sum(r["status"] == "ok" for r in records)
            label = "published speeds (time scale 1)" if scale == 1 else f"emulator x{1 / scale:g} faster"
            print(f"\n== {label}: {ok}/{len(records)} requests ok")
            if scale == 1.0:
                ttft_report(records, url, "")
                if busy:
                    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
                    try:
                        records, _ = asyncio.run(harness_run(url, "busy"))
                        ttft_report(records, url, f" with one core busy (load average {os.getloadavg()[0]:.1f})")
                    finally:
                        burner.kill()
                        burner.wait()
            rps_h, rps_b = len(records) / t_harness, REQUESTS / t_bare
            print(f"  throughput: harness {rps_h:.1f} req/s, bare httpx {rps_b:.1f} req/s, "
                  f"ratio {rps_h / rps_b:.2f} (target >= 0.8)")
        finally:
            proc.terminate()
            proc.wait(10)
    accounting()


def ttft_report(records: list[dict], url: str, what: str) -> None:
    e = ttft_errors(records, url)
    err, first = e["error"], e["first"]

    def p(a: np.ndarray, q: float) -> str:
        return f"{np.percentile(a, q):.2f}" if a.size else "-"

    print(f"  TTFT error |harness - server's view|{what}: p50 {p(err, 50)} ms, p99 {p(err, 99)} ms, "
          f"max {err.max():.2f} ms (n = {err.size}; target p99 <= 5 ms); first wave p99 {p(err[first], 99)} ms, "
          f"the rest p99 {p(err[~first], 99)} ms")
    print(f"    against the injected TTFT instead (the emulator's lateness counted as error): p99 "
          f"{p(e['vs_injected'], 99)} ms; the emulator's lateness: p50 {p(e['late'], 50)} ms, p99 {p(e['late'], 99)} ms; "
          f"its queue (first byte to handler): p99 {p(e['queued'], 99)} ms, max {e['queued'].max():.2f} ms")
    send, receive = e["send"][~np.isnan(e["send"])], e["receive"][~np.isnan(e["receive"])]
    print(f"    the error's two sides on the one clock: request sent -> its first byte read by the emulator p50 "
          f"{p(send, 50)} ms, p99 {p(send, 99)} ms; first content written -> its bytes read by the harness p50 "
          f"{p(receive, 50)} ms, p99 {p(receive, 99)} ms")


def ttft_only(busy: bool) -> None:
    """Only the TTFT error (``--ttft-only``): a warm-up run, then the measured one, at published speeds."""
    proc, url = start_emulator(1.0)
    try:
        asyncio.run(harness_run(url, "warmup"))
        records, _ = asyncio.run(harness_run(url, "h"))
        print(f"\n== published speeds (time scale 1): {sum(r['status'] == 'ok' for r in records)}/{len(records)} "
              f"requests ok; load average {os.getloadavg()[0]:.1f}")
        ttft_report(records, url, "")
        if busy:
            burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            try:
                time.sleep(1.0)
                records, _ = asyncio.run(harness_run(url, "busy"))
                ttft_report(records, url, f" with one core busy (load average {os.getloadavg()[0]:.1f})")
            finally:
                burner.kill()
                burner.wait()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()

"""The streaming latency harness: timed calls through the gateway, retries, failover, a JSONL log.

Each request streams with usage included and is timed on this side:

- **TTFT**: from sending the request to the first chunk with non-empty content (the role-only
  chunk and keep-alive comments do not count);
- **E2E**: from sending to the end of the stream;
- **TPOT** = (E2E - TTFT) / (output tokens - 1), and **tok/s** = 1 / TPOT, with the output tokens
  taken from the server's ``usage`` (never by counting chunks; unknown, shown *n/a*, when the
  server sends no usage);
- **cost** = usage x the prices of ``data/pricing.csv`` (unknown when a price is unknown).

Failures are rows, never crashes (:data:`ERROR_CLASSES`): 429 and 5xx are retried with backoff
that honours ``Retry-After`` within a deadline per request; 400/401/403/404 are not retried; an
idle timeout between chunks and a total timeout are ours (the SDK would wait 600 s); a stream
without a finish reason or ``[DONE]`` is *incomplete*; a dropped connection, a malformed chunk
and an error object inside a 200 stream are each named, with the model and the request.

Every attempt is appended to a JSONL log as soon as it completes; a run given the same log
resumes where it stopped. With ``time_scale`` (the emulator's speed factor) every timeout is
multiplied by it and every duration recorded is divided by it, so an emulated run at 0.1 reads
like one at real speed.

>>> from analysis.emulator import Emulator
>>> with Emulator(seed=3, time_scale=0.01) as emu:
...     h = Harness(emu.base_url, "emulator-key", mode="emulated", time_scale=0.01)
...     recs = h.run_blocking([Call("GPT-4o|code-1|0", "GPT-4o", "gpt-4o", "code-1", "code", "hi", 16)])
>>> r = recs[-1]
>>> r["status"], r["attempt"], r["final"], r["usage"], r["output_tokens"] <= 16
('ok', 0, True, 'reported', True)
>>> r["tpot_s"] == (r["e2e_s"] - r["ttft_s"]) / (r["output_tokens"] - 1)
True
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import html
import json
import math
import random
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from analysis.gateway import KEY_ENV, SENT_AT, redact

#: Every error class an attempt can end with, and what it means.
ERROR_CLASSES: dict[str, str] = {
    "rate_limit": "HTTP 429, retried with backoff (honouring Retry-After) until the deadline",
    "server_error": "HTTP 5xx, retried with backoff (honouring Retry-After) until the deadline",
    "bad_request": "HTTP 400: the gateway rejected the request; not retried",
    "auth": "HTTP 401: the gateway refused the API key; not retried",
    "forbidden": "HTTP 403: the key may not use this model; not retried",
    "not_found": "HTTP 404: the gateway does not know the model id; not retried",
    "http_error": "another HTTP status; not retried",
    "connect_error": "could not connect to the gateway; retried like a 5xx",
    "connect_timeout": "the connection was not established in time; retried like a 5xx",
    "idle_timeout": "no data for longer than the idle timeout (before or between chunks)",
    "total_timeout": "the stream did not finish within the total timeout",
    "dropped_connection": "the connection closed in the middle of the stream",
    "malformed_chunk": "a chunk of the stream was not valid JSON",
    "stream_error": "the gateway sent an error object inside the 200 stream",
    "incomplete_stream": "the stream ended without a finish reason or without [DONE]",
    "client_error": "an unexpected error on our side (named in the message)",
}
RETRYABLE = {"rate_limit", "server_error", "connect_error", "connect_timeout"}
STATUS_OK = "ok"
REQUEST_HEADER = "X-Pricepoint-Request"
ATTEMPT_HEADER = "X-Pricepoint-Attempt"
REPLY_CHARS = 400  # characters of each reply kept in the log


@dataclass(frozen=True)
class Timeouts:
    """Our own timeouts, in seconds: to connect, of silence before or between chunks, per attempt."""

    connect_s: float = 10.0
    idle_s: float = 30.0
    total_s: float = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of 429/5xx: exponential backoff with jitter, or Retry-After when the server sends it.

    ``deadline_s`` bounds a whole request (every attempt and every wait).
    """

    max_retries: int = 4
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 8.0
    deadline_s: float = 180.0

    def backoff_s(self, attempt: int, key: str) -> float:
        """The wait before retry ``attempt + 1`` when the server gave no Retry-After.

        >>> p = RetryPolicy(backoff_base_s=1, backoff_cap_s=4)
        >>> [0.5 <= p.backoff_s(0, "k") <= 1, 1 <= p.backoff_s(1, "k") <= 2, 2 <= p.backoff_s(9, "k") <= 4]
        [True, True, True]
        """
        ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2 ** attempt)
        return ceiling * random.Random(f"{key}|{attempt}").uniform(0.5, 1.0)


@dataclass(frozen=True)
class Call:
    """One request to make: which model, which prompt; ``key`` is unique in a run."""

    key: str
    model: str
    gateway_id: str
    prompt_id: str
    task_type: str
    text: str
    max_tokens: int
    rep: int = 0
    route_task: str | None = None
    route_rank: int | None = None


class StreamFault(Exception):
    """A stream that went wrong in a way we name (``error_class``)."""

    def __init__(self, error_class: str, message: str):
        super().__init__(message)
        self.error_class = error_class


def parse_retry_after(headers) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date).

    >>> parse_retry_after({"retry-after": "2"}), parse_retry_after({"retry-after-ms": "250"})
    (2.0, 0.25)
    >>> parse_retry_after({"retry-after": "soon"}) is None
    True
    """
    import email.utils

    if headers is None:
        return None
    get = headers.get
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    value = get("retry-after")
    if value:
        parsed = email.utils.parsedate_tz(value)
        if parsed is not None:
            return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    return None


def _chain(exc: BaseException | None) -> list[BaseException]:
    """The exception and its causes (``raise ... from``, the context it was raised in, or the first
    error of an exception group)."""
    out: list[BaseException] = []
    while exc is not None and all(exc is not e for e in out):
        out.append(exc)
        nxt = exc.__cause__ or exc.__context__  # a hidden context still explains the failure
        if nxt is None and isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            nxt = exc.exceptions[0]  # anyio's "all connection attempts failed" holds each attempt's error
        exc = nxt
    return out


def _describe(exc: BaseException) -> str:
    """``Type: message`` of an exception and of its root cause.

    >>> try:
    ...     try:
    ...         raise OSError("refused")
    ...     except OSError as e:
    ...         raise ValueError("cannot connect") from e
    ... except ValueError as err:
    ...     print(_describe(err))
    ValueError: cannot connect <- OSError: refused
    """
    chain = _chain(exc)
    text = [f"{type(e).__name__}: {e}" if str(e) else type(e).__name__ for e in (chain[0], chain[-1])]
    return text[0] if text[0] == text[1] else " <- ".join(text)


class AttemptLog:
    """Appends one JSON line per attempt and flushes it at once; the key never reaches the file."""

    def __init__(self, path: str | Path | None, secrets: Iterable[str | None] = ()):
        self.path = Path(path) if path else None
        self.secrets = [s for s in secrets if s]
        self._fh = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict) -> None:
        if self.path is None:
            return
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")
        line = redact(json.dumps(record, ensure_ascii=False, allow_nan=False), self.secrets)
        self._fh.write(line + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def read_log(path: str | Path | None) -> list[dict]:
    """Every record of a JSONL attempt log (a torn last line, from a killed run, is skipped).

    >>> read_log(None)
    []
    """
    if not path or not Path(path).exists():
        return []
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


class Harness:
    """Makes timed, retried, logged streaming calls with the official OpenAI client."""

    def __init__(self, base_url: str, api_key: str, *, mode: str = "live", time_scale: float = 1.0,
                 timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(),
                 pricing: pd.DataFrame | None = None, log_path: str | Path | None = None,
                 send_request_ids: bool | None = None, client=None, run_tag: str = ""):

        self.base_url = base_url
        self.mode = mode
        self.time_scale = float(time_scale)
        self.timeouts = timeouts
        self.retry = retry
        self._key = api_key
        self.send_request_ids = (mode == "emulated") if send_request_ids is None else send_request_ids
        self._client = client
        self.run_tag = run_tag  # what a log's records must match to be resumed (mode, host, seed...)
        self.prices: dict[str, tuple[float, float]] = {}
        if pricing is not None:
            for m, i, o in zip(pricing.model, pricing.input_usd_per_mtok, pricing.output_usd_per_mtok):
                self.prices[m] = (float(i), float(o))
        self.log = AttemptLog(log_path, [api_key])
        self.resumed_requests = 0

    # -- the client: made inside the event loop that uses it, closed by aclose() ------------
    @property
    def client(self):
        if self._client is None:
            from analysis.gateway import make_client

            # connecting is real network time, not emulated time: that timeout is never scaled
            self._client = make_client(self.base_url, self._key, connect_timeout_s=self.timeouts.connect_s,
                                       read_timeout_s=max(self.timeouts.idle_s * self.time_scale * 2, 1.0))
            # the SDK imports its chat types on first use: do it now, not while other streams are timed
            _ = self._client.chat.completions.with_streaming_response.create
            import openai.types.chat  # noqa: F401
        return self._client

    async def aclose(self) -> None:
        """Close the log and the client (its connections belong to the running event loop)."""
        self.log.close()
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> Harness:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    def run_blocking(self, calls: list[Call], concurrency: int = 8, resume: bool = True) -> list[dict]:
        """:meth:`run` from synchronous code (a script, a notebook cell), closing the client after."""
        async def go():
            async with self:
                return await self.run(calls, concurrency, resume)

        return run_sync(go())

    # -- one attempt ------------------------------------------------------------------
    def _secrets(self) -> list[str]:
        return [self._key]

    def _base(self, call: Call, attempt: int) -> dict[str, Any]:
        return {"request": call.key, "model": call.model, "gateway_model_id": call.gateway_id,
                "prompt_id": call.prompt_id, "task_type": call.task_type, "rep": call.rep,
                "attempt": attempt, "final": True, "status": "error", "error_class": None,
                "http_status": None, "message": None, "retry_after_s": None, "next_wait_s": None,
                "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                "ttft_s": None, "e2e_s": None, "tpot_s": None, "tok_per_s": None,
                "input_tokens": None, "output_tokens": None, "usage": "missing",
                "cost_usd": None, "output_cost_usd": None, "finish_reason": None, "done": False,
                "reply": None, "mode": self.mode, "run": self.run_tag, "time_scale": self.time_scale,
                "route_task": call.route_task, "route_rank": call.route_rank}

    def _context(self, call: Call, attempt: int) -> str:
        return f"{call.model} ({call.gateway_id}), request {call.key}, attempt {attempt + 1}"

    async def attempt(self, call: Call, attempt: int = 0, remaining_s: float | None = None) -> dict:
        """Make one streaming attempt and return its record (never raises for a failed call)."""
        rec = self._base(call, attempt)
        scale = self.time_scale
        loop = asyncio.get_running_loop()
        client = self.client  # made before the clock starts
        idle = self.timeouts.idle_s * scale
        total = self.timeouts.total_s * scale
        if remaining_s is not None:
            total = min(total, remaining_s)
        t0 = time.perf_counter()
        total_at = loop.time() + total
        first: float | None = None
        finish = None
        usage = None
        done = False
        parts: list[str] = []
        phase = "waiting for the response"
        headers = {ATTEMPT_HEADER: str(attempt), REQUEST_HEADER: call.key} if self.send_request_ids else None
        sent = [None]
        SENT_AT.set(sent)  # the client's request hook notes when the request leaves
        try:
            async with asyncio.timeout(min(loop.time() + idle, total_at)) as timer:
                async with client.chat.completions.with_streaming_response.create(
                        model=call.gateway_id, messages=[{"role": "user", "content": call.text}],
                        max_tokens=call.max_tokens, stream=True, stream_options={"include_usage": True},
                        extra_headers=headers) as response:
                    phase = "streaming"
                    buf = b""
                    async for data in response.http_response.aiter_bytes():
                        received = time.perf_counter()  # when these bytes arrived
                        timer.reschedule(min(loop.time() + idle, total_at))
                        buf += data
                        while not done:
                            cut = buf.find(b"\n")
                            if cut < 0:
                                break
                            line, buf = buf[:cut].rstrip(b"\r"), buf[cut + 1:]
                            if not line.startswith(b"data:"):
                                continue  # blank separators, ": keep-alive" comments, event:/id: fields
                            payload = line[5:].lstrip()
                            if payload == b"[DONE]":
                                done = True
                                break
                            try:
                                obj = json.loads(payload)
                            except ValueError:
                                text = payload[:80].decode("utf-8", "replace")
                                raise StreamFault("malformed_chunk", f"a chunk that is not valid JSON: "
                                                                     f"{text!r}") from None
                            if not isinstance(obj, dict):
                                text = payload[:80].decode("utf-8", "replace")
                                raise StreamFault("malformed_chunk", f"a chunk that is not a JSON object: {text!r}")
                            if obj.get("error"):
                                err = obj["error"]
                                msg = err.get("message") if isinstance(err, dict) else str(err)
                                raise StreamFault("stream_error", f"the gateway sent an error inside the 200 "
                                                                  f"stream: {msg}")
                            for choice in obj.get("choices") or ():
                                content = (choice.get("delta") or {}).get("content")
                                if content:
                                    if first is None:
                                        first = received
                                    parts.append(content)
                                if choice.get("finish_reason"):
                                    finish = choice["finish_reason"]
                            if obj.get("usage"):
                                usage = obj["usage"]
                        if done:
                            break
            end = time.perf_counter()
            if finish is None or not done:
                missing = " and ".join(x for x, ok in (("a finish reason", finish is not None),
                                                       ("[DONE]", done)) if not ok)
                rec.update(status="incomplete", error_class="incomplete_stream",
                           message=f"{self._context(call, attempt)}: the stream ended without {missing}; "
                                   f"not counted as a success")
            else:
                rec.update(status=STATUS_OK)
        except StreamFault as exc:
            end = time.perf_counter()
            rec.update(error_class=exc.error_class, message=f"{self._context(call, attempt)}: {exc}")
        except TimeoutError:
            end = time.perf_counter()
            if loop.time() >= total_at - 1e-3:
                rec.update(error_class="total_timeout",
                           message=f"{self._context(call, attempt)}: not finished within the total timeout "
                                   f"({total / scale:g} s) while {phase}")
            else:
                rec.update(error_class="idle_timeout",
                           message=f"{self._context(call, attempt)}: no data for {self.timeouts.idle_s:g} s "
                                   f"(the idle timeout) while {phase}")
        except Exception as exc:  # noqa: BLE001 - every failure becomes a row
            end = time.perf_counter()
            rec.update(self._classify(exc, call, attempt, phase))
        if sent[0] is not None:
            t0 = sent[0]
        rec["e2e_s"] = (end - t0) / scale
        if first is not None:
            rec["ttft_s"] = (first - t0) / scale
        if parts:
            rec["reply"] = "".join(parts)[:REPLY_CHARS]
        rec["finish_reason"] = finish
        rec["done"] = done
        if usage:
            self._apply_usage(rec, call, usage)
        for k in ("message", "reply"):
            if rec[k]:
                rec[k] = redact(rec[k], self._secrets())
        return rec

    def _apply_usage(self, rec: dict, call: Call, usage: dict) -> None:
        out = usage.get("completion_tokens")
        inp = usage.get("prompt_tokens")
        if out is None:
            return
        rec.update(usage="reported", output_tokens=int(out), input_tokens=None if inp is None else int(inp))
        ttft, e2e = rec["ttft_s"], rec["e2e_s"]
        if ttft is not None and out > 1 and e2e > ttft and rec["status"] == STATUS_OK:
            rec["tpot_s"] = (e2e - ttft) / (out - 1)
            rec["tok_per_s"] = 1.0 / rec["tpot_s"]
        price_in, price_out = self.prices.get(call.model, (math.nan, math.nan))
        if not math.isnan(price_out):
            rec["output_cost_usd"] = out * price_out / 1e6
            if inp is not None and not math.isnan(price_in):
                rec["cost_usd"] = rec["output_cost_usd"] + inp * price_in / 1e6

    def _classify(self, exc: BaseException, call: Call, attempt: int, phase: str) -> dict:
        """Turn an exception from the SDK or its HTTP stack into an error class and a message."""
        ctx = self._context(call, attempt)
        status = getattr(exc, "status_code", None)
        if isinstance(status, int):
            response = getattr(exc, "response", None)
            retry_after = parse_retry_after(getattr(response, "headers", None))
            body = getattr(exc, "body", None)
            server = body.get("message") if isinstance(body, dict) else None
            said = f": {server}" if server else ""
            if status == 401:
                return dict(error_class="auth", http_status=status,
                            message=f"{ctx}: the gateway refused the API key (HTTP 401). Check {KEY_ENV} "
                                    f"in your environment or .env; the key is not shown here.")
            if status == 429:
                cls, what = "rate_limit", "rate limited (HTTP 429)"
            elif status >= 500:
                cls, what = "server_error", f"server error (HTTP {status})"
            elif status == 400:
                cls, what = "bad_request", "the gateway rejected the request (HTTP 400)"
            elif status == 403:
                cls, what = "forbidden", ("access denied (HTTP 403): the key may not be allowed to use "
                                          "this model")
            elif status == 404:
                cls, what = "not_found", (f"the gateway does not know the model id {call.gateway_id!r} "
                                          f"(HTTP 404); fix it in data/gateway_models.csv")
            else:
                cls, what = "http_error", f"HTTP {status}"
            return dict(error_class=cls, http_status=status, retry_after_s=retry_after,
                        message=f"{ctx}: {what}{said}")
        chain = _chain(exc)
        names = [type(e).__name__ for e in chain]
        root = chain[-1]
        detail = _describe(exc)
        if phase == "streaming" and any(n in names for n in ("RemoteProtocolError", "ReadError",
                                                             "APIConnectionError", "IncompleteRead")):
            return dict(error_class="dropped_connection",
                        message=f"{ctx}: the connection was dropped in the middle of the stream ({detail})")
        if any("Timeout" in n for n in names):
            return dict(error_class="connect_timeout" if phase != "streaming" else "idle_timeout",
                        message=f"{ctx}: timed out while {phase} ({detail})")
        if any(n in names for n in ("APIConnectionError", "ConnectError", "OSError", "ConnectionError")) \
                or isinstance(root, OSError):
            return dict(error_class="connect_error",
                        message=f"{ctx}: could not connect to {self.base_url} ({detail})")
        return dict(error_class="client_error", message=f"{ctx}: {detail}")

    # -- one request, with retries ------------------------------------------------------
    async def request(self, call: Call) -> list[dict]:
        """Attempts until success, a non-retryable failure, the retry limit or the deadline."""
        records = []
        scale = self.time_scale
        _ = self.client  # made before the deadline starts
        start = time.perf_counter()
        deadline = start + self.retry.deadline_s * scale
        attempt = 0
        while True:
            remaining = deadline - time.perf_counter()
            rec = await self.attempt(call, attempt, remaining_s=max(remaining, 0.0))
            wait = None
            server_wait = rec["retry_after_s"]  # wall seconds, as the server sent it
            if server_wait is not None:
                rec["retry_after_s"] = server_wait / scale
            if rec["error_class"] in RETRYABLE and attempt < self.retry.max_retries:
                wait = server_wait if server_wait is not None else self.retry.backoff_s(attempt, call.key) * scale
                if time.perf_counter() + wait >= deadline:
                    rec["message"] += (f"; gave up: the next attempt (after a {wait / scale:g} s wait) would "
                                       f"start after the request deadline ({self.retry.deadline_s:g} s)")
                    wait = None
            elif rec["error_class"] in RETRYABLE:
                rec["message"] += f"; gave up after {attempt + 1} attempts (max_retries = {self.retry.max_retries})"
            rec["final"] = wait is None
            rec["next_wait_s"] = None if wait is None else wait / scale
            self.log.write(rec)
            records.append(rec)
            if wait is None:
                return records
            await asyncio.sleep(wait)
            attempt += 1

    # -- many requests ------------------------------------------------------------------
    async def run(self, calls: list[Call], concurrency: int = 8, resume: bool = True) -> list[dict]:
        """Every call, ``concurrency`` at a time; with ``resume``, calls already final in the log (from a
        run of the same mode and ``run_tag``) are not made again and their records are returned as logged."""
        previous = [r for r in (read_log(self.log.path) if resume else [])
                    if r.get("mode") == self.mode and r.get("run", "") == self.run_tag]  # the same kind of run
        done = {r["request"]: r for r in previous if r.get("final")}
        keep = [r for r in previous if r["request"] in done]
        todo = [c for c in calls if c.key not in done]
        wanted = {c.key for c in calls}
        results: list[dict] = [r for r in keep if r["request"] in wanted]
        self.resumed_requests = len({r["request"] for r in results})
        queue = list(reversed(todo))

        async def worker():
            while queue:
                call = queue.pop()
                results.extend(await self.request(call))

        _ = self.client
        # Park every object that exists now outside the garbage collector while streams are timed:
        # a full collection of a notebook's heap (pandas, matplotlib) would stall every stream at once.
        gc.collect()
        gc.freeze()
        try:
            await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(todo))))))
        finally:
            gc.unfreeze()
            self.log.close()
        return results

    async def routed(self, call: Call, models: list[str], gateway_ids: dict[str, str]) -> dict:
        """Try ``models`` in order until one answers; record who answered and why the others did not."""
        tried, records = [], []
        answered = None
        for rank, model in enumerate(models, start=1):
            if model not in gateway_ids:
                tried.append({"model": model, "rank": rank, "outcome": "skipped", "error_class": "not_found",
                              "attempts": 0, "message": f"{model} has no gateway model id (or the gateway "
                                                        f"does not know it)"})
                continue
            c = Call(route_key(call.task_type, call.prompt_id, call.rep, model), model, gateway_ids[model],
                     call.prompt_id, call.task_type, call.text, call.max_tokens, call.rep,
                     route_task=call.task_type, route_rank=rank)
            recs = await self.request(c)
            records += recs
            last = recs[-1]
            ok = last["status"] == STATUS_OK
            tried.append({"model": model, "rank": rank, "outcome": "answered" if ok else "failed",
                          "error_class": last["error_class"], "attempts": len(recs), "message": last["message"]})
            if ok:
                answered = model
                break
        for rank, model in enumerate(models, start=1):
            if rank > len(tried):
                tried.append({"model": model, "rank": rank, "outcome": "not needed", "error_class": None,
                              "attempts": 0, "message": None})
        return {"task_type": call.task_type, "prompt_id": call.prompt_id, "route": list(models),
                "answered_by": answered, "fallback_used": answered is not None and answered != models[0],
                "tried": tried, "records": records}



def route_key(task_type: str, prompt_id: str, rep: int, model: str) -> str:
    """The request id of a routed call.

    >>> route_key("code", "code-1", 0, "GPT-4o")
    'route|code|code-1|0|GPT-4o'
    """
    return f"route|{task_type}|{prompt_id}|{rep}|{model}"


def run_sync(coro):
    """Run a coroutine to completion, also from inside Jupyter (whose event loop is already running).

    >>> async def two(): return 2
    >>> run_sync(two())
    2
    """
    try:
        asyncio.get_running_loop()
        running = True
    except RuntimeError:
        running = False
    if not running:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="pricepoint-harness")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


# --------------------------------------------------------------------------- statistics

PERCENTILES = (50, 90, 95, 99)
METRICS = {"ttft_s": "time to first token, s", "e2e_s": "end-to-end latency, s",
           "tpot_s": "time per output token, s", "tok_per_s": "output tokens per second",
           "cost_usd": "cost per request, USD"}


def bootstrap_percentiles(values, qs: Iterable[float] = PERCENTILES, n_boot: int = 2000,
                          conf: float = 0.95, seed: int = 0) -> dict[str, float]:
    """Percentiles of ``values`` with a percentile-bootstrap confidence interval for each.

    NaN values are unknown and left out; with no values every figure is NaN; ``n`` says how
    many values there were.

    >>> r = bootstrap_percentiles([1.0, 2.0, 3.0, 4.0, float("nan")], qs=(50,))
    >>> r["n"], r["p50"], r["p50_ci_low"] <= 2.5 <= r["p50_ci_high"]
    (4, 2.5, True)
    >>> bootstrap_percentiles([], qs=(99,))["p99"]
    nan
    """
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    qs = tuple(qs)
    out: dict[str, float] = {"n": int(x.size)}
    if x.size == 0:
        for q in qs:
            out.update({f"p{q:g}": math.nan, f"p{q:g}_ci_low": math.nan, f"p{q:g}_ci_high": math.nan})
        return out
    point = np.percentile(x, qs)
    rng = np.random.default_rng(seed)
    boots = np.percentile(x[rng.integers(0, x.size, size=(n_boot, x.size))], qs, axis=1)
    alpha = (1 - conf) / 2
    lows = np.quantile(boots, alpha, axis=1)
    highs = np.quantile(boots, 1 - alpha, axis=1)
    for q, p, lo, hi in zip(qs, point, lows, highs):
        out.update({f"p{q:g}": float(p), f"p{q:g}_ci_low": float(lo), f"p{q:g}_ci_high": float(hi)})
    return out


def records_frame(records: list[dict]) -> pd.DataFrame:
    """The attempt records as a table; unknown figures are NaN.

    >>> records_frame([]).columns[:3].tolist()
    ['request', 'model', 'attempt']
    """
    cols = ["request", "model", "attempt", "final", "status", "error_class", "http_status", "ttft_s", "e2e_s",
            "tpot_s", "tok_per_s", "input_tokens", "output_tokens", "usage", "cost_usd", "output_cost_usd",
            "retry_after_s", "next_wait_s", "prompt_id", "task_type", "rep", "message", "reply",
            "finish_reason", "done", "route_task", "route_rank", "mode", "time_scale"]
    frame = pd.DataFrame(records)
    for c in cols:
        if c not in frame:
            frame[c] = None
    for c in ("ttft_s", "e2e_s", "tpot_s", "tok_per_s", "input_tokens", "output_tokens", "cost_usd",
              "output_cost_usd", "retry_after_s", "next_wait_s", "http_status"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame[cols + [c for c in frame.columns if c not in cols]]


def final_requests(attempts: pd.DataFrame) -> pd.DataFrame:
    """One row per request (its final attempt) with ``attempts``, the number of attempts made.

    >>> f = final_requests(records_frame([{"request": "a", "attempt": 0, "final": False},
    ...                                   {"request": "a", "attempt": 1, "final": True}]))
    >>> f[["request", "attempts"]].values.tolist()
    [['a', 2]]
    """
    counts = attempts.groupby("request").size().rename("attempts")
    final = attempts[attempts.final.astype(bool)].drop_duplicates("request", keep="last")
    return final.merge(counts, left_on="request", right_index=True, how="left").reset_index(drop=True)


def percentile_table(requests: pd.DataFrame, metrics: Iterable[str] = ("ttft_s", "e2e_s", "tpot_s", "tok_per_s"),
                     qs: Iterable[float] = PERCENTILES, n_boot: int = 2000, seed: int = 0,
                     successful_only: bool = True) -> pd.DataFrame:
    """Per model and metric: the sample count, p50/p90/p95/p99 and a 95 % bootstrap CI for each.

    Only successful requests count (an incomplete stream is not a latency sample).
    """
    rows = []
    data = requests[requests.status == STATUS_OK] if successful_only else requests
    for model in dict.fromkeys(requests.model):
        sub = data[data.model == model]
        for metric in metrics:
            rows.append({"model": model, "metric": metric,
                         **bootstrap_percentiles(sub[metric].tolist(), qs, n_boot=n_boot, seed=seed)})
    columns = ["model", "metric", *bootstrap_percentiles([], qs)]
    return pd.DataFrame(rows, columns=columns)


def error_counts(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per error class: attempts that ended with it, and requests whose final outcome it was.

    >>> a = records_frame([{"request": "a", "attempt": 0, "final": False, "error_class": "rate_limit"},
    ...                    {"request": "a", "attempt": 1, "final": True, "status": "ok"}])
    >>> error_counts(a)[["error_class", "attempts", "requests_failed"]].values.tolist()
    [['rate_limit', 1, 0]]
    """
    errs = attempts[attempts.error_class.notna()]
    per_attempt = errs.groupby("error_class").size().rename("attempts")
    finals = errs[errs.final.astype(bool)].groupby("error_class").size().rename("requests_failed")
    table = pd.concat([per_attempt, finals], axis=1).fillna(0).astype(int).reset_index()
    table = table.rename(columns={"index": "error_class"})
    if table.empty:
        return pd.DataFrame({"error_class": pd.Series(dtype=object), "attempts": pd.Series(dtype=int),
                             "requests_failed": pd.Series(dtype=int), "meaning": pd.Series(dtype=object)})
    table["meaning"] = table.error_class.map(ERROR_CLASSES)
    return table.sort_values(["attempts", "error_class"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- showing results safely


def fmt(value, unit: str = "", digits: int = 3) -> str:
    """A figure for a table: ``n/a`` when unknown.

    >>> fmt(None), fmt(float("nan")), fmt(0.12345, " s")
    ('n/a', 'n/a', '0.123 s')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}g}{unit}"


def html_table(frame: pd.DataFrame, caption: str, columns: dict[str, str] | None = None,
               formats: dict | None = None, left: Iterable[str] | None = None) -> str:
    """An HTML table whose every cell (and the caption) is escaped: model output cannot inject markup.

    >>> html_table(pd.DataFrame({"reply": ["<script>alert(1)</script>"]}), "SIMULATED")
    ... # doctest: +ELLIPSIS
    '<table class="pricepoint"><caption>SIMULATED</caption>...&lt;script&gt;alert(1)&lt;/script&gt;...'

    ``columns`` maps the columns shown to their headings (others are left out); ``formats``
    maps a column to a function giving its text. Text columns (or those named in ``left``) are
    aligned left, numbers right; an unknown number reads ``n/a``, never ``nan``.

    >>> html_table(pd.DataFrame({"model": ["M"], "tok_per_s": [float("nan")]}), "x",
    ...            {"model": "model", "tok_per_s": "speed, tok/s"})  # doctest: +ELLIPSIS
    '...<th style="text-align: left">model</th><th>speed, tok/s</th>...<td>n/a</td>...'
    """
    columns = columns or {c: str(c) for c in frame.columns}
    formats = formats or {}
    shown = frame[list(columns)]
    if left is None:
        left = {c for c in columns
                if not pd.api.types.is_numeric_dtype(shown[c]) or pd.api.types.is_bool_dtype(shown[c])}
    left = set(left)

    def text(c, v) -> str:
        if c in formats:
            return formats[c](v)
        if v is None:
            return ""
        return "n/a" if isinstance(v, float) and math.isnan(v) else str(v)

    def cell(tag, c, v):
        style = ' style="text-align: left"' if c in left else ""
        return f"<{tag}{style}>{html.escape(v)}</{tag}>"

    head = "".join(cell("th", c, h) for c, h in columns.items())
    body = "".join("<tr>" + "".join(cell("td", c, text(c, v)) for c, v in zip(columns, row)) + "</tr>"
                   for row in shown.itertuples(index=False))
    return (f'<table class="pricepoint"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# --------------------------------------------------------------------------- a whole session


@dataclass
class Session:
    """Everything one run of the live-calls notebook produced."""

    mode: str
    label: str
    base_url: str
    time_scale: float
    attempts: pd.DataFrame
    check: Any
    routed: list[dict] = field(default_factory=list)
    profiles: pd.DataFrame | None = None
    log_path: str | None = None
    skipped_models: dict[str, str] = field(default_factory=dict)
    resumed_requests: int = 0
    emulator_requests: list[dict] = field(default_factory=list)

    @property
    def requests(self) -> pd.DataFrame:
        """Every request (timed and routed), its final attempt, with the number of attempts."""
        return final_requests(self.attempts) if len(self.attempts) else self.attempts.assign(attempts=[])

    @property
    def timed_requests(self) -> pd.DataFrame:
        """The timed requests only: N per model, not the router's."""
        requests = self.requests
        return requests[requests.route_task.isna()].reset_index(drop=True)

    def router_table(self) -> pd.DataFrame:
        """One row per routed request: the route, who answered, and why earlier models did not."""
        rows = []
        for r in self.routed:
            why = "; ".join(f"{t['model']}: {t['outcome']} ({t['error_class']})" for t in r["tried"]
                            if t["outcome"] in ("failed", "skipped"))
            rows.append({"task_type": r["task_type"], "prompt_id": r["prompt_id"], "route": " > ".join(r["route"]),
                         "answered_by": r["answered_by"] or "nobody", "fallback_used": r["fallback_used"],
                         "why_not_earlier": why or ""})
        return pd.DataFrame(rows, columns=["task_type", "prompt_id", "route", "answered_by", "fallback_used",
                                           "why_not_earlier"])


def plan_calls(models: list[str], prompts: pd.DataFrame, gateway_ids: dict[str, str],
               requests_per_model: int) -> list[Call]:
    """``requests_per_model`` calls per model, cycling through the prompts in order.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"prompt_id": ["a", "b"], "task_type": ["code", "code"], "text": ["x", "y"],
    ...                   "max_tokens": [8, 8]})
    >>> [c.key for c in plan_calls(["M"], p, {"M": "m"}, 3)]
    ['M|a|0', 'M|b|0', 'M|a|1']
    """
    rows = list(prompts.itertuples(index=False))
    calls = []
    for model in models:
        for i in range(requests_per_model):
            p = rows[i % len(rows)]
            rep = i // len(rows)
            calls.append(Call(f"{model}|{p.prompt_id}|{rep}", model, gateway_ids[model], p.prompt_id, p.task_type,
                              p.text, int(p.max_tokens), rep))
    return calls


def run_session(*, models: list[str], prompts: pd.DataFrame, gateway_models: pd.DataFrame,
                router: pd.DataFrame | None = None, pricing: pd.DataFrame | None = None,
                model_facts: pd.DataFrame | None = None, requests_per_model: int = 8, concurrency: int = 8,
                timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(), mode: str = "auto",
                base_url: str = "", time_scale: float = 0.1, seed: int = 0, fault_rate: float = 0.0,
                faults: Iterable = (), router_fault: str = "", log_path: str | Path | None = None,
                resume: bool = True, emulator_options: dict | None = None) -> Session:
    """Run the whole live-calls session: check the model ids, time the calls, route the prompts.

    ``mode``: ``auto`` (live when ``GLOBAL_API_KEY`` is set, else the emulator), ``live`` or
    ``emulated``. In emulated mode a local emulator is started on 127.0.0.1 for the session and
    ``time_scale`` speeds it up; live calls always run at ``time_scale`` 1.
    """
    from analysis import gateway
    from analysis.emulator import Emulator, profile_table, profiles_from_data

    key = gateway.api_key()
    mode = gateway.resolve_mode(mode, key)
    ids = dict(zip(gateway_models.model, gateway_models.gateway_model_id))
    unknown_names = [m for m in models if m not in ids]
    if unknown_names:
        raise ValueError(f"no gateway model id for {', '.join(map(repr, unknown_names))}; models must be named "
                         f"as in the gateway model table ({', '.join(ids)})")
    source = gateway_models.attrs.get("source_file", "data/gateway_models.csv")
    source = f"data/{Path(source).name}" if Path(source).parent == gateway.paths.DATA else str(source)
    emulator = None
    profiles = None
    switch = sys.getswitchinterval()
    if mode == "emulated":
        scale = float(time_scale)
        prof = profiles_from_data(gateway_models, model_facts)
        # the emulator runs in a thread of this process: hand the interpreter over between the two
        # threads every 0.5 ms instead of 5 ms, so neither waits long for the other (timings stay honest)
        sys.setswitchinterval(0.0005)
        profiles = profile_table(prof)
        emulator = Emulator(prof, seed=seed, time_scale=scale, fault_rate=fault_rate, faults=list(faults),
                            **(emulator_options or {})).start()
        url, secret = emulator.base_url, "emulator"
    else:
        scale = 1.0
        url, secret = gateway.resolve_base_url(base_url), key
    label = gateway.mode_label(mode, url)

    async def go():
        tag = (f"emulated seed={seed} time_scale={scale:g} fault_rate={fault_rate:g}" if mode == "emulated"
               else f"live {urlsplit(url).netloc}")
        harness = Harness(url, secret, mode=mode, time_scale=scale, timeouts=timeouts, retry=retry,
                          pricing=pricing, log_path=log_path, run_tag=tag)
        # every model this run may call: the timed ones, then the router's (in their order)
        routed_models = list(router.model) if router is not None else []
        mapping = {m: ids[m] for m in dict.fromkeys([*models, *routed_models]) if m in ids}
        try:
            try:
                check = await gateway.check_models(harness.client, mapping, source)
            except Exception as exc:  # noqa: BLE001 - reported, and every model is then skipped
                rec = harness._classify(exc, Call("models", "-", "-", "-", "-", "", 1), 0, "listing /v1/models")
                check = gateway.compare_models(mapping, [], url, source)
                check.error = rec["message"].split(": ", 1)[-1]  # without the per-request context
            usable = [m for m in models if m in check.known]
            calls = plan_calls(usable, prompts, ids, requests_per_model)
            records = await harness.run(calls, concurrency, resume=resume)
            before = harness.resumed_requests
            routed = []
            if router is not None:
                table = gateway.routes(router)
                known_ids = dict(check.known)
                todo = [(p, gateway.route_for(p.task_type, table)) for p in prompts.itertuples(index=False)]
                todo = [(p, route) for p, route in todo if route]
                if emulator is not None and router_fault and todo:
                    p, route = todo[0]
                    emulator.inject(router_fault, request=route_key(p.task_type, p.prompt_id, 0, route[0]),
                                    times=1, after_tokens=1)
                gate = asyncio.Semaphore(max(1, concurrency))

                async def one(p, route):
                    async with gate:
                        call = Call("", route[0], "", p.prompt_id, p.task_type, p.text, int(p.max_tokens))
                        return await harness.routed(call, route, known_ids)

                routed = list(await asyncio.gather(*(one(p, route) for p, route in todo)))
            return check, records, routed, before
        finally:
            await harness.aclose()

    try:
        check, records, routed, before = run_sync(go())
    finally:
        emu_log = emulator.requests if emulator is not None else []
        if emulator is not None:
            emulator.stop()
        sys.setswitchinterval(switch)
    attempts = records_frame(records + [r for x in routed for r in x["records"]])
    return Session(mode=mode, label=label, base_url=url, time_scale=scale, attempts=attempts, check=check,
                   routed=[{k: v for k, v in r.items() if k != "records"} for r in routed], profiles=profiles,
                   log_path=str(log_path) if log_path else None,
                   skipped_models={m: ids[m] for m in check.unknown},
                   resumed_requests=before, emulator_requests=emu_log)


def calls_cli(args) -> int:
    """``pricepoint calls``: time calls (or only check the model ids) and print a summary."""
    from analysis import gateway
    from analysis.data import load_benchmarks, load_model_facts, load_pricing

    pricing = load_pricing(args.pricing)
    facts = load_model_facts(args.model_facts, pricing=pricing)
    ids = gateway.load_gateway_models(args.gateway_models, pricing=pricing)
    router = gateway.load_router(args.router, pricing=pricing, benchmarks=load_benchmarks(pricing=pricing))
    prompts = gateway.select_prompts(gateway.load_prompts(args.prompts_csv), args.prompts)
    models = gateway.parse_names(args.models)
    session = run_session(
        models=models, prompts=prompts, gateway_models=ids, pricing=pricing, model_facts=facts,
        router=router if args.route and not args.check_only else None,
        requests_per_model=0 if args.check_only else args.requests, concurrency=args.concurrency,
        timeouts=Timeouts(idle_s=args.idle_timeout, total_s=args.total_timeout),
        retry=RetryPolicy(max_retries=args.max_retries, deadline_s=args.deadline), mode=args.mode,
        base_url=args.base_url, time_scale=args.time_scale, seed=args.seed, fault_rate=args.fault_rate,
        log_path=args.log, resume=not args.no_resume)
    print(f"{session.label} · {session.base_url}")
    print(session.check.message())
    if args.check_only:
        return 0 if session.check.ok else 1
    requests = session.timed_requests
    if not len(requests):
        print("No request was made.")
        return 1
    pct = percentiles_dict(percentile_table(requests, n_boot=500))
    print(f"  {'model':20s} {'ok':>7s} {'p50 TTFT':>9s} {'p99 TTFT':>9s} {'tok/s p50':>9s} {'cost/req':>10s}")
    for row in requests_by_model(requests).itertuples(index=False):
        t, s = pct[row.model]["ttft_s"], pct[row.model]["tok_per_s"]
        cost = requests.loc[requests.model == row.model, "cost_usd"].median()
        print(f"  {row.model:20s} {row.ok:>3d}/{row.requests:<3d} {fmt(t['p50'], ' s'):>9s} {fmt(t['p99'], ' s'):>9s} "
              f"{fmt(s['p50']):>9s} {'n/a' if pd.isna(cost) else f'${cost:.6f}':>10s}")
    errors = error_counts(session.attempts)
    for e in errors.itertuples(index=False):
        print(f"  {e.error_class}: {e.attempts} attempt(s), {e.requests_failed} request(s) failed")
    for r in session.router_table().itertuples(index=False):
        why = f" (not earlier: {r.why_not_earlier})" if r.why_not_earlier else ""
        print(f"  routed {r.prompt_id} ({r.task_type}): {r.route} -> {r.answered_by}{why}")
    if session.log_path:
        print(f"Every attempt is in {session.log_path}" + (f" ({session.resumed_requests} request(s) resumed "
                                                          f"from it)" if session.resumed_requests else ""))
    return 0


__all__ = ["Call", "ERROR_CLASSES", "Harness", "RetryPolicy", "Session", "Timeouts",
           "bootstrap_percentiles", "error_counts", "final_requests", "html_table", "percentile_table",
           "plan_calls", "read_log", "records_frame", "run_session", "run_sync"]


# --------------------------------------------------------------------------- tables for the notebook


def requests_by_model(requests: pd.DataFrame) -> pd.DataFrame:
    """Per model: requests, how many succeeded, failed or came back incomplete, and attempts made.

    >>> r = final_requests(records_frame([
    ...     {"request": "a", "model": "M", "attempt": 0, "final": True, "status": "ok"},
    ...     {"request": "b", "model": "M", "attempt": 0, "final": True, "status": "incomplete"}]))
    >>> requests_by_model(r).to_dict(orient="records")
    [{'model': 'M', 'requests': 2, 'ok': 1, 'failed': 0, 'incomplete': 1, 'attempts': 2}]
    """
    rows = []
    for model in dict.fromkeys(requests.model):
        sub = requests[requests.model == model]
        rows.append({"model": model, "requests": len(sub), "ok": int((sub.status == STATUS_OK).sum()),
                     "failed": int((sub.status == "error").sum()),
                     "incomplete": int((sub.status == "incomplete").sum()),
                     "attempts": int(sub.attempts.sum())})
    return pd.DataFrame(rows, columns=["model", "requests", "ok", "failed", "incomplete", "attempts"])


def percentiles_dict(table: pd.DataFrame) -> dict:
    """``percentile_table`` as model -> metric -> figures, the shape of results.json.

    >>> t = pd.DataFrame([{"model": "M", "metric": "ttft_s", "n": 2, "p50": 1.0}])
    >>> percentiles_dict(t)
    {'M': {'ttft_s': {'n': 2, 'p50': 1.0}}}
    """
    out: dict = {}
    for row in table.to_dict(orient="records"):
        model, metric = row.pop("model"), row.pop("metric")
        out.setdefault(model, {})[metric] = row
    return out


def percentile_display(table: pd.DataFrame, metric: str, unit: str = " s", digits: int = 3) -> pd.DataFrame:
    """One metric's percentiles as text, each with its 95 % CI; unknown figures read *n/a*.

    >>> t = pd.DataFrame([{"model": "M", "metric": "tok_per_s", "n": 0, "p50": float("nan"),
    ...                    "p50_ci_low": float("nan"), "p50_ci_high": float("nan")}])
    >>> percentile_display(t, "tok_per_s", "").to_dict(orient="records")
    [{'model': 'M', 'n': 0, 'p50': 'n/a'}]
    """
    sub = table[table.metric == metric]
    qs = [c for c in sub.columns if c.startswith("p") and c[1:].replace(".", "").isdigit()]
    rows = []
    for r in sub.to_dict(orient="records"):
        row = {"model": r["model"], "n": int(r["n"])}
        for q in qs:
            v = r[q]
            ci = (f" [{fmt(r[q + '_ci_low'], '', digits)}-{fmt(r[q + '_ci_high'], '', digits)}]"
                  if not pd.isna(v) else "")
            row[q] = fmt(v, unit, digits) + ci
        rows.append(row)
    return pd.DataFrame(rows, columns=["model", "n", *qs])


def published_comparison(requests: pd.DataFrame, model_facts: pd.DataFrame) -> pd.DataFrame:
    """Per model: the published speed and p99 TTFT range beside this run's median tok/s and p99 TTFT.

    >>> req = pd.DataFrame({"model": ["GPT-4o"], "status": ["ok"], "tok_per_s": [48.0], "ttft_s": [1.0]})
    >>> from analysis.data import load_model_facts
    >>> row = published_comparison(req, load_model_facts()).iloc[0]
    >>> float(row.published_tok_per_s), float(row.median_tok_per_s)
    (50.0, 48.0)
    """
    facts = model_facts.set_index("model")
    ok = requests[requests.status == STATUS_OK]
    rows = []
    for model in dict.fromkeys(requests.model):
        sub = ok[ok.model == model]
        f = facts.loc[model] if model in facts.index else None
        tok = sub.tok_per_s.dropna()
        ttft = sub.ttft_s.dropna()
        rows.append({"model": model,
                     "published_tok_per_s": f.output_tok_per_s if f is not None else math.nan,
                     "median_tok_per_s": float(tok.median()) if len(tok) else math.nan,
                     "published_ttft_p99_low_s": f.ttft_p99_low_s if f is not None else math.nan,
                     "published_ttft_p99_high_s": f.ttft_p99_high_s if f is not None else math.nan,
                     "p99_ttft_s": float(np.percentile(ttft, 99)) if len(ttft) else math.nan,
                     "n": int(len(sub))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- what notebook 05 shows and says


def session_markdown(session: Session) -> str:
    """The run in one Markdown line: LIVE or SIMULATED, how many requests and attempts, the model check.

    >>> from analysis.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED (local emulator)", "http://127.0.0.1:1/v1", 0.05,
    ...             records_frame([]), ModelCheck("http://127.0.0.1:1/v1", [], {}, {}))
    >>> session_markdown(s)
    '**SIMULATED (local emulator)** · 0 timed requests, 0 attempts in all · The gateway at http://127.0.0.1:1/v1 knows all 0 mapped model ids.'
    """
    return (f"**{session.label}** · {len(session.timed_requests)} timed requests, {len(session.attempts)} attempts "
            f"in all · {session.check.message()}")


def published_ranges(model_facts: pd.DataFrame, metric: str) -> dict[str, tuple[float, float]]:
    """The article's figure per model as a (low, high) range for a chart: the p99 TTFT range, or the speed.

    >>> from analysis.data import load_model_facts
    >>> published_ranges(load_model_facts(), "ttft_s")["GPT-4o"], published_ranges(load_model_facts(), "tok_per_s")["GPT-4o"]
    ((1.5, 2.0), (50.0, 50.0))
    """
    f = model_facts
    if metric == "ttft_s":
        return {m: (lo, hi) for m, lo, hi in zip(f.model, f.ttft_p99_low_s, f.ttft_p99_high_s)}
    if metric == "tok_per_s":
        return {m: (v, v) for m, v in zip(f.model, f.output_tok_per_s)}
    raise ValueError(f"no published figure for {metric!r}; expected ttft_s or tok_per_s")


def _count(v) -> str:
    return f"{int(v):,}"


def requests_html(requests: pd.DataFrame, label: str) -> str:
    """:func:`requests_by_model` of ``requests`` as a table for people.

    >>> r = final_requests(records_frame([{"request": "a", "model": "M", "attempt": 0, "final": True,
    ...                                    "status": "ok"}]))
    >>> "came back incomplete" in requests_html(r, "SIMULATED")
    True
    """
    return html_table(requests_by_model(requests), f"{label}: requests per model", {
        "model": "model", "requests": "requests", "ok": "succeeded", "failed": "failed",
        "incomplete": "came back incomplete", "attempts": "attempts (with retries)"})


def percentiles_html(table: pd.DataFrame, metric: str, label: str) -> str:
    """One metric's percentiles with their 95 % intervals (:func:`percentile_display`) as a table.

    >>> t = pd.DataFrame([{"model": "M", "metric": "ttft_s", "n": 2, "p50": 1.0, "p50_ci_low": 0.9,
    ...                    "p50_ci_high": 1.1}])
    >>> percentiles_html(t, "ttft_s", "SIMULATED")  # doctest: +ELLIPSIS
    '<table class="pricepoint"><caption>SIMULATED: time to first token, s (95 % CI)</caption>...<td>1 s [0.9-1.1]</td>...'
    """
    unit, what = {"ttft_s": (" s", "time to first token, s"),
                  "tok_per_s": (" tok/s", "output tokens per second")}[metric]
    shown = percentile_display(table, metric, unit)
    columns = {"model": "model", "n": "requests (n)",
               **{q: f"{q} (median)" if q == "p50" else q for q in shown.columns[2:]}}
    return html_table(shown, f"{label}: {what} (95 % CI)", columns, left=["model"])


def comparison_html(comparison: pd.DataFrame, label: str) -> str:
    """:func:`published_comparison` as a table: the article's figures beside this run's, unknown as ``n/a``.

    >>> c = pd.DataFrame([{"model": "M", "published_tok_per_s": 50.0, "median_tok_per_s": 48.04,
    ...                    "published_ttft_p99_low_s": 1.5, "published_ttft_p99_high_s": 2.0, "p99_ttft_s": 2.3,
    ...                    "n": 15}])
    >>> comparison_html(c, "SIMULATED")  # doctest: +ELLIPSIS
    '...<td>50</td><td>48</td><td>1.5-2</td><td>2.3</td><td>15</td>...'
    """
    shown = comparison.assign(published_ttft=[
        "n/a" if pd.isna(lo) and pd.isna(hi) else f"{fmt(lo)}-{fmt(hi)}"
        for lo, hi in zip(comparison.published_ttft_p99_low_s, comparison.published_ttft_p99_high_s)])
    return html_table(shown, f"{label}: this run beside the published figures", {
        "model": "model", "published_tok_per_s": "published speed, tok/s",
        "median_tok_per_s": "this run: median speed, tok/s", "published_ttft": "published p99 time to first token, s",
        "p99_ttft_s": "this run: p99 time to first token, s", "n": "requests (n)"},
        {"published_tok_per_s": fmt, "median_tok_per_s": fmt, "p99_ttft_s": fmt, "n": _count}, left=["model"])


def errors_html(errors: pd.DataFrame, label: str) -> str:
    """:func:`error_counts` as a table for people.

    >>> "requests failed" in errors_html(error_counts(records_frame([])), "SIMULATED")
    True
    """
    return html_table(errors, f"{label}: attempts and requests by error class", {
        "error_class": "error class", "attempts": "attempts", "requests_failed": "requests failed",
        "meaning": "meaning"})


def failures_html(attempts: pd.DataFrame, label: str, n: int = 12) -> str:
    """The first ``n`` failed attempts with their messages; attempts counted from 1, as in the messages.

    >>> a = records_frame([{"request": "M|p|0", "model": "M", "attempt": 0, "final": True,
    ...                     "error_class": "rate_limit", "message": "M, request M|p|0, attempt 1: 429"}])
    >>> failures_html(a, "SIMULATED")  # doctest: +ELLIPSIS
    '...<td style="text-align: left">M|p|0</td><td>1</td><td style="text-align: left">rate_limit</td>...'
    """
    failures = attempts[attempts.error_class.notna()].head(n)
    return html_table(failures, f"{label}: the first failures, with their messages", {
        "model": "model", "request": "request", "attempt": "attempt", "error_class": "error class",
        "message": "message"}, {"attempt": lambda v: f"{int(v) + 1}"})


def router_html(router: pd.DataFrame) -> str:
    """The router table (rules resolved from the data) for people.

    >>> from analysis.gateway import load_router
    >>> "choice" in router_html(load_router())
    True
    """
    return html_table(router, "Router table (rules resolved from the data)", {
        "task_type": "task type", "rank": "choice", "model": "model", "rule": "rule", "note": "note"})


def routed_html(session: Session) -> str:
    """Who answered each routed prompt (:meth:`Session.router_table`), and why earlier models did not.

    >>> from analysis.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED", "", 1.0, records_frame([]), ModelCheck("", [], {}, {}),
    ...             routed=[{"task_type": "code", "prompt_id": "code-1", "route": ["A", "B"], "answered_by": "B",
    ...                      "fallback_used": True, "tried": [{"model": "A", "outcome": "failed",
    ...                                                        "error_class": "dropped_connection"}]}])
    >>> routed_html(s)  # doctest: +ELLIPSIS
    '...<td style="text-align: left">A &gt; B</td>...<td style="text-align: left">yes</td>...'
    """
    return html_table(session.router_table(),
                      f"{session.label}: which model answered each routed prompt, and why others did not", {
                          "task_type": "task type", "prompt_id": "prompt", "route": "route, in order",
                          "answered_by": "answered by", "fallback_used": "fell back",
                          "why_not_earlier": "why not an earlier model"},
                      {"fallback_used": lambda v: "yes" if v else "no"})


def replies_html(requests: pd.DataFrame, label: str) -> str:
    """The first reply of each model, escaped: model output is shown as text, never run as HTML.

    >>> r = pd.DataFrame({"model": ["M", "M"], "prompt_id": ["a", "b"], "reply": ["<b>hi</b>", "x"]})
    >>> replies_html(r, "SIMULATED")  # doctest: +ELLIPSIS
    '...<td style="text-align: left">a</td><td style="text-align: left">&lt;b&gt;hi&lt;/b&gt;</td></tr></tbody></table>'
    """
    samples = requests[requests.reply.notna()].drop_duplicates("model")
    return html_table(samples, f"{label}: sample replies (escaped)",
                      {"model": "model", "prompt_id": "prompt", "reply": "reply"})


def results(session: Session, models: list[str], router: pd.DataFrame, best: dict, percentiles: pd.DataFrame,
            errors: pd.DataFrame, comparison: pd.DataFrame) -> dict:
    """Notebook 05's results.json entries, by name (see the README for each).

    ``models``: the models asked for; ``router``: the router table; ``best``:
    :func:`analysis.gateway.best_value` on C-Eval; ``percentiles``: :func:`percentile_table`;
    ``errors``: :func:`error_counts`; ``comparison``: :func:`published_comparison`.

    >>> from analysis.gateway import ModelCheck, load_router
    >>> s = Session("emulated", "SIMULATED", "", 0.05, records_frame([]), ModelCheck("", [], {}, {}))
    >>> r = results(s, ["GPT-4o"], load_router(), {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.0028},
    ...             percentile_table(s.timed_requests), error_counts(s.attempts), s.timed_requests)
    >>> r["mode"], r["requests"], r["router_table"]["vision"], r["log_file"]
    ('emulated', {}, ['GPT-4o'], None)
    """
    from analysis.gateway import routes

    timed = session.timed_requests
    by_model = requests_by_model(timed)
    out = {
        "mode": session.mode,
        "label": session.label,
        "time_scale": session.time_scale,
        "models": models,
        "requests": {r["model"]: r for r in by_model.to_dict(orient="records")},
        "percentiles": percentiles_dict(percentiles),
        "error_counts": {r["error_class"]: {"attempts": r["attempts"], "requests_failed": r["requests_failed"]}
                         for r in errors.to_dict(orient="records")},
        "router_table": routes(router),
        "chinese_best_value": {"model": best["model"], "usd_per_mtok_per_point": best["usd_per_mtok_per_point"]},
        "router_choices": session.routed,
        "published_vs_run": comparison,
        "cost_per_request_usd": {m: timed.loc[timed.model == m, "cost_usd"].median() for m in by_model.model},
        "unknown_gateway_models": session.skipped_models,
        "log_file": Path(session.log_path).name if session.log_path else None,
        "resumed_requests": session.resumed_requests,
    }
    if session.profiles is not None:
        out["emulator_profiles"] = session.profiles
    return out


def findings(session: Session, percentiles: pd.DataFrame, errors: pd.DataFrame, best: dict) -> list[tuple[str, str]]:
    """Notebook 05's headline findings as ``(text, kind)``: *simulated* from the emulator, *measured* when live.

    >>> from analysis.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED (local emulator)", "", 0.05, records_frame([]),
    ...             ModelCheck("", [], {}, {}))
    >>> for text, kind in findings(s, percentile_table(s.timed_requests), error_counts(s.attempts),
    ...                            {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.25 / 88}):
    ...     print(kind, "|", text)
    simulated | SIMULATED (local emulator): 0 of 0 requests failed or came back incomplete; 0 attempts ended in an error.
    computed | Chinese prompts route to DeepSeek V4 Flash, the lowest output price per C-Eval point ($0.0028 per million tokens per point), computed from the data.
    """
    label, timed = session.label, session.timed_requests
    kind = "simulated" if session.mode == "emulated" else "measured"
    out = []
    for model, figures in percentiles_dict(percentiles).items():
        t, s = figures["ttft_s"], figures["tok_per_s"]
        out.append((f"{label}: {model} p50 time to first token {fmt(t['p50'], ' s')}, p99 {fmt(t['p99'], ' s')} "
                    f"(n = {t['n']}); median output speed {fmt(s['p50'], ' tok/s')}.", kind))
    n_failed = int((timed.status != "ok").sum()) if len(timed) else 0
    out.append((f"{label}: {n_failed} of {len(timed)} requests failed or came back incomplete; "
                f"{int(errors.attempts.sum()) if len(errors) else 0} attempts ended in an error.", kind))
    out.append((f"Chinese prompts route to {best['model']}, the lowest output price per C-Eval point "
                f"(${best['usd_per_mtok_per_point']:.4f} per million tokens per point), computed from the data.",
                "computed"))
    fallbacks = [r for r in session.routed if r["fallback_used"]]
    if fallbacks:
        out.append((f"{label}: {len(fallbacks)} routed prompt{'s' if len(fallbacks) != 1 else ''} fell back past their first choice "
                    f"({', '.join(r['prompt_id'] + ' to ' + r['answered_by'] for r in fallbacks)}).", kind))
    if session.check.error:
        out.append((f"{label}: could not list the gateway models, so no model was called: {session.check.error}",
                    kind))
    elif session.skipped_models:
        out.append((f"{label}: the gateway did not list {', '.join(session.skipped_models)}: left out of the run "
                    f"(fix their ids in the gateway model table).", kind))
    return out

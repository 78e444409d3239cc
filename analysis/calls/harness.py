"""The streaming harness: every attempt timed, retried within its deadline and logged."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import math
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.calls.attempt_log import AttemptLog, read_log
from analysis.calls.gateway import KEY_ENV, SENT_AT, Progress, outside_text
from analysis.calls.policy import (
    PHASES,
    RETRYABLE,
    STATUS_OK,
    Call,
    RetryPolicy,
    StreamFault,
    Timeouts,
    _chain,
    _describe,
    _parse_chunk,
    _timeout_class,
    http_error_class,
    parse_retry_after,
)
from analysis.formatting import redact

REQUEST_HEADER = "X-Pricepoint-Request"

ATTEMPT_HEADER = "X-Pricepoint-Attempt"

REPLY_CHARS = 400

MODELS_KEY = "/v1/models"  # the request id of the model listing  # characters of each reply kept in the log


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
            from analysis.calls.gateway import make_client

            # connecting is real network time, not emulated time: that timeout is never scaled
            self._client = make_client(self.base_url, self._key, connect_timeout_s=self.timeouts.connect_s,
                                       read_timeout_s=max(self.timeouts.idle_s, self.timeouts.total_s) * self.time_scale + 1.0)
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
        if call.key == MODELS_KEY:
            return f"the model list (GET /v1/models), attempt {attempt + 1}"
        return f"{call.model} ({call.gateway_id}), request {call.key}, attempt {attempt + 1}"

    async def attempt(self, call: Call, attempt: int = 0, remaining_s: float | None = None) -> dict:
        """Make one streaming attempt and return its record (never raises for a failed call).

        The total timeout (or the request's remaining deadline, whichever is sooner) and the idle
        timeout run from the first byte of the request sent, the idle one restarted by every byte
        received; before that, the connect timeout and the request deadline. The phase a timeout
        struck in names its class (:data:`ERROR_CLASSES`).
        """
        rec = self._base(call, attempt)
        scale = self.time_scale
        loop = asyncio.get_running_loop()
        client = self.client  # made before the clock starts
        idle = self.timeouts.idle_s * scale
        total = self.timeouts.total_s * scale
        limit = f"the total timeout ({self.timeouts.total_s:g} s)"
        if remaining_s is not None and remaining_s < total:
            total = remaining_s
            limit = f"the request deadline ({self.retry.deadline_s:g} s with its retries)"
        t0 = time.perf_counter()
        deadline_at = loop.time() + (total if remaining_s is None else remaining_s)  # the request's
        # until the request goes out, getting a connection is bounded by the connect timeout (the SDK's,
        # never scaled) and the request deadline; from the first byte sent, the total and idle timeouts run
        armed = {"timer": None, "by": "total", "total_at": deadline_at, "sent": False}

        def arm() -> None:  # silence allowed from now on: the idle timeout, never past the total
            now = loop.time()
            if not armed["sent"]:
                armed["sent"] = True
                armed["total_at"] = min(now + total, deadline_at)
            idle_at = now + idle
            armed["by"] = "idle" if idle_at < armed["total_at"] else "total"
            if armed["timer"] is not None:
                armed["timer"].reschedule(min(idle_at, armed["total_at"]))

        first: float | None = None
        finish = None
        usage = None
        done = False
        parts: list[str] = []
        headers = {ATTEMPT_HEADER: str(attempt), REQUEST_HEADER: call.key} if self.send_request_ids else None
        progress = Progress(on_sent=arm)
        SENT_AT.set(progress)  # the client's hooks note when the request leaves and the headers arrive
        try:
            async with asyncio.timeout_at(armed["total_at"]) as timer:
                armed["timer"] = timer
                async with client.chat.completions.with_streaming_response.create(
                        model=call.gateway_id, messages=[{"role": "user", "content": call.text}],
                        max_tokens=call.max_tokens, stream=True, stream_options={"include_usage": True},
                        extra_headers=headers) as response:
                    progress.phase = "first_token"
                    arm()  # the headers are data too
                    buf = b""
                    async for data in response.http_response.aiter_bytes():
                        # when these bytes reached this process (the transport's read), else when they came up
                        received = progress.read_at if progress.read_at is not None else time.perf_counter()
                        arm()
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
                            obj = _parse_chunk(payload)
                            for choice in obj.get("choices") or ():
                                content = (choice.get("delta") or {}).get("content")
                                if content:
                                    if first is None:
                                        first = received
                                        progress.phase = "streaming"
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
            elif finish == "error":
                rec.update(error_class="finish_error",
                           message=f"{self._context(call, attempt)}: the stream ended with finish_reason "
                                   f"'error' (and no error object); not counted as a success")
            else:
                rec.update(status=STATUS_OK)
        except StreamFault as exc:
            end = time.perf_counter()
            rec.update(error_class=exc.error_class, message=f"{self._context(call, attempt)}: {exc}")
        except TimeoutError:
            end = time.perf_counter()
            if armed["by"] == "idle":
                what = f"no data for {self.timeouts.idle_s:g} s (the idle timeout)"
            elif not armed["sent"]:
                what = f"not connected within the request deadline ({self.retry.deadline_s:g} s with its retries)"
            else:
                what = f"not finished within {limit}"
            rec.update(error_class=_timeout_class(progress.phase, armed["by"]),
                       message=f"{self._context(call, attempt)}: {what} while {PHASES[progress.phase]}")
        except Exception as exc:  # noqa: BLE001 - every failure becomes a row
            end = time.perf_counter()
            rec.update(self._classify(exc, call, attempt, progress.phase))
        if progress.sent_at is not None:
            t0 = progress.sent_at
        rec["e2e_s"] = (end - t0) / scale
        if first is not None:
            rec["ttft_s"] = (first - t0) / scale
        if parts:
            rec["reply"] = "".join(parts)[:REPLY_CHARS]
        rec["finish_reason"] = finish
        rec["done"] = done
        if usage:
            self._apply_usage(rec, call, usage)
        if rec["message"]:
            rec["message"] = outside_text(rec["message"], self._secrets(), limit=2000)
        if rec["reply"]:
            rec["reply"] = redact(rec["reply"], self._secrets())
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
        """Turn an exception from the SDK or its HTTP stack into an error class and a message.

        ``phase``: how far the attempt got (:data:`PHASES`)."""
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
            cls, what = http_error_class(status)
            if status == 404 and call.gateway_id != "-":
                what = (f"the gateway does not know the model id {call.gateway_id!r} "
                        f"(HTTP 404); fix it in data/gateway_models.csv")
            return dict(error_class=cls, http_status=status, retry_after_s=retry_after,
                        message=f"{ctx}: {what}{said}")
        chain = _chain(exc)
        names = [type(e).__name__ for e in chain]
        root = chain[-1]
        detail = _describe(exc)
        if phase != "connecting" and any(n in names for n in ("RemoteProtocolError", "ReadError",
                                                              "APIConnectionError", "IncompleteRead")) \
                and not any("Timeout" in n for n in names):
            return dict(error_class="dropped_connection",
                        message=f"{ctx}: the connection was dropped while {PHASES[phase]} ({detail})")
        if any("Timeout" in n for n in names):
            return dict(error_class=_timeout_class(phase, "idle"),
                        message=f"{ctx}: timed out while {PHASES[phase]} ({detail})")
        if any(n in names for n in ("APIConnectionError", "ConnectError", "OSError", "ConnectionError")) \
                or isinstance(root, OSError):
            return dict(error_class="connect_error",
                        message=f"{ctx}: could not connect to {self.base_url} ({detail})")
        return dict(error_class="client_error", message=f"{ctx}: {detail}")

    # -- one request, with retries ------------------------------------------------------
    async def request(self, call: Call, first_attempt: int = 0) -> list[dict]:
        """Attempts until success, a non-retryable failure, the retry limit or the deadline.

        ``first_attempt``: the number of the first attempt (a resumed request goes on from its log)."""
        records = []
        scale = self.time_scale
        _ = self.client  # made before the deadline starts
        start = time.perf_counter()
        deadline = start + self.retry.deadline_s * scale
        attempt = first_attempt
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
        run of the same mode and ``run_tag``) are not made again and their records are returned as logged.

        A request the log holds only unfinished attempts of (the run was stopped while it waited to
        retry) goes on from its next attempt: no attempt is ever made, or written, twice."""
        previous = [r for r in (read_log(self.log.path) if resume else [])
                    if r.get("mode") == self.mode and r.get("run", "") == self.run_tag]  # the same kind of run
        wanted = {c.key for c in calls}
        by_request: dict[str, dict[int, dict]] = {}
        for r in previous:
            if r.get("request") in wanted:
                by_request.setdefault(r["request"], {})[int(r.get("attempt") or 0)] = r  # one row per attempt
        done = {k for k, rows in by_request.items() if any(r.get("final") for r in rows.values())}
        results: list[dict] = [r for k in by_request for r in sorted(by_request[k].values(), key=lambda r: r["attempt"])]
        self.resumed_requests = len(done)
        todo = [(c, max(by_request.get(c.key, {-1: None})) + 1) for c in calls if c.key not in done]
        queue = list(reversed(todo))

        async def worker():
            while queue:
                call, first = queue.pop()
                results.extend(await self.request(call, first))

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

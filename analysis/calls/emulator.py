"""A local OpenAI-compatible gateway on 127.0.0.1, for offline runs, tests and benchmarks.

It serves ``GET /v1/models`` and ``POST /v1/chat/completions`` (JSON, or SSE streaming with the
usage chunk and ``[DONE]``) over real HTTP/1.1. Each model streams like the data say it does:

- **token rate**: ``output_tok_per_s`` of ``data/model_facts.csv`` (60 tok/s for DeepSeek V4 Flash,
  50 for GPT-4o); where the article gives none, :data:`DEFAULT_TOK_PER_S`.
- **time to first token**: log-normal, spread :data:`TTFT_SIGMA`, scaled so that its p99 is the
  middle of the article's p99 range (1.2-1.8 s for DeepSeek V4 Flash, 1.5-2.0 s for GPT-4o);
  where the article gives none, :data:`DEFAULT_TTFT_P99_RANGE_S` (GPT-4o's range: the article says
  Qwen3-32B has a "comparable p99" and Claude 3.5 Sonnet a "similar p99 to GPT-4o").

Every number it produces is SIMULATED, never a measurement of the real models. Its randomness is
seeded from ``(seed, model, request id, attempt)``, so the same run gives the same TTFTs, replies
and faults. ``time_scale`` multiplies every delay (0.01 runs a hundred times faster).

It can inject, on demand, every fault the harness must survive (:data:`FAULT_KINDS`), either
scripted (``emu.inject("rate_limit", model="gpt-4o", times=2, retry_after_s=0.2)``) or at random
for a share of requests (``fault_rate``). It records every request it receives
(:attr:`Emulator.requests`) with its arrival time, so tests can check retry gaps on the
server's own clock.

>>> import httpx
>>> with Emulator(seed=1, time_scale=0.001) as emu:
...     ids = [m["id"] for m in httpx.get(emu.base_url + "/models").json()["data"]]
...     reply = httpx.post(emu.base_url + "/chat/completions", json={
...         "model": "gpt-4o", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}).json()
>>> "deepseek-v4-flash" in ids, reply["usage"]["completion_tokens"] <= 8
(True, True)
"""

from __future__ import annotations

import asyncio
import hmac
import json
import math
import random
import re
import threading
import time

from analysis.calls.faults import ATTEMPT_HEADER, REQUEST_HEADER, Fault, FaultKind
from analysis.calls.faults import random_faults as eligible_faults
from analysis.calls.profiles import TTFT_SIGMA, ModelProfile, profiles_from_data

_WORDS = ("the model returns a short answer with enough words to stream for a while and then it "
          "stops cleanly once the budget of tokens is spent so that usage can be reported").split()

_HANZI = list("长城是中国古代的军事防御工程历史悠久我们下周一在上海开会这是一个简单的回答")


# --------------------------------------------------------------------------- HTTP helpers

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _response(status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> bytes:
    head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}", "Connection: keep-alive"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _error_body(message: str, kind: str, code: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()


def _chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def _event(payload: dict) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def _count_tokens(text: str) -> int:
    """A rough token count for prompts: a token per 4 characters, one per CJK character."""
    cjk = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text))
    return max(1, cjk + math.ceil((len(text) - cjk) / 4))


# --------------------------------------------------------------------------- the server


class _ArrivalReader(asyncio.StreamReader):
    """A connection's reader that notes when the first byte of the next request arrived
    (``arrival``, ``time.perf_counter()``). It is fed by the transport's read callback, which runs before
    any request's handler: a burst of requests that the emulator parses one after the other still has
    each request's own arrival, and its TTFT runs from there (the server's view from the moment the
    request reached it), not from whenever its turn to be parsed came."""

    arrival: float | None = None

    def feed_data(self, data: bytes) -> None:
        if self.arrival is None and data:
            self.arrival = time.perf_counter()
        super().feed_data(data)

    def take_arrival(self) -> float:
        """The arrival of the request just read; the next byte fed starts the next one."""
        arrival, self.arrival = self.arrival, None
        return time.perf_counter() if arrival is None else arrival


class Emulator:
    """The emulator; ``with Emulator(...) as emu`` serves it from a background thread.

    ``api_key``: when set, requests must carry it (else HTTP 401). ``reply``: a fixed reply text
    (its whitespace-separated words are the tokens) instead of generated words.
    ``echo_key_in_errors``: a 401 body that repeats the key it got, like some gateways do.
    """

    def __init__(self, profiles: dict[str, ModelProfile] | None = None, *, seed: int = 0,
                 time_scale: float = 1.0, faults: list[Fault] | tuple = (), fault_rate: float = 0.0,
                 random_faults: tuple[str, ...] | None = None, api_key: str | None = None,
                 host: str = "127.0.0.1", port: int = 0, reply: str | None = None,
                 echo_key_in_errors: bool = False):
        self.profiles = profiles_from_data() if profiles is None else dict(profiles)
        self.seed = seed
        self.time_scale = float(time_scale)
        self.fault_rate = float(fault_rate)
        self.random_faults = eligible_faults() if random_faults is None else tuple(random_faults)
        for kind in self.random_faults:
            Fault(kind)
        self.api_key = api_key
        self.host = host
        self.port = port
        self.reply = reply
        self.echo_key_in_errors = echo_key_in_errors
        self._faults: list[Fault] = list(faults)
        self._lock = threading.Lock()
        self._log: list[dict] = []
        self._counters: dict[str, int] = {}
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.t0 = time.perf_counter()

    # -- control --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def inject(self, kind: str, **settings) -> Fault:
        """Add a fault; it hits the next ``times`` matching requests (``times=None``: all)."""
        fault = Fault(kind, **settings)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def requests(self) -> list[dict]:
        """Every request received, in order of arrival. ``t``: when its first byte arrived, in seconds since
        the emulator started; ``t_monotonic``: the same on this machine's monotonic clock
        (``time.perf_counter()``, shared by every process on Linux); ``queued_s``: from then until the
        emulator handled it (the head and body read); ``ttft_s``: the TTFT it injected, from the first
        byte; ``first_content_monotonic``: when the first content chunk was written."""
        with self._lock:
            return [dict(r) for r in self._log]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- lifecycle --------------------------------------------------------------------
    async def start_server(self) -> None:
        """Bind and start serving in the running event loop."""
        from analysis.calls.gateway import is_loopback

        if not is_loopback(f"http://{self.host}/"):
            raise ValueError(f"the emulator only listens on this machine (127.0.0.1), not {self.host!r}")
        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.StreamReaderProtocol:  # asyncio.start_server, with a reader that notes arrivals
            return asyncio.StreamReaderProtocol(_ArrivalReader(limit=1 << 20, loop=loop), self._handle, loop=loop)

        self._server = await loop.create_server(protocol, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        self.t0 = time.perf_counter()

    async def serve_forever(self) -> None:
        """Serve until cancelled (the ``pricepoint emulator`` command)."""
        if self._server is None:
            await self.start_server()
        async with self._server:
            await self._server.serve_forever()

    def start(self) -> Emulator:
        """Serve from a background thread; returns once the port is bound."""
        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._run_until_stopped())
            except BaseException as exc:  # reported to start()
                self._error = exc
                self._ready.set()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="pricepoint-emulator", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    async def _run_until_stopped(self) -> None:
        self._stop = asyncio.Event()
        await self.start_server()
        self._ready.set()
        await self._stop.wait()
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- per request ------------------------------------------------------------------
    def _rng(self, *parts) -> random.Random:
        return random.Random("|".join(map(str, (self.seed, *parts))))

    def _pick_fault(self, gid: str, key: str, attempt: str, endpoint: str = "chat") -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.endpoint != endpoint or fault.model not in (None, gid) or fault.request not in (None, key) \
                        or (fault.times is not None and fault.times <= 0):
                    continue
                if fault.rate < 1 and self._rng("fault", gid, key, attempt).random() >= fault.rate:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                return fault
        if endpoint == "chat" and self.fault_rate > 0 and self.random_faults:
            rng = self._rng("random-fault", gid, key, attempt)
            if rng.random() < self.fault_rate:
                kind = rng.choice(self.random_faults)
                return Fault(kind, retry_after_s=0.5 if kind == "rate_limit" else None,
                             after_tokens=rng.randint(1, 4), stall_s=3600.0)
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = (lines[0].split(" ") + ["", "", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, _, v = line.partition(":")
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                arrived = reader.take_arrival() if isinstance(reader, _ArrivalReader) else time.perf_counter()
                keep = await self._dispatch(method, target.split("?")[0], headers, body, writer, arrived)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:  # the emulator is stopping
            writer.transport.abort()
        finally:
            if not writer.transport.is_closing():
                writer.close()

    async def _dispatch(self, method: str, path: str, headers: dict, body: bytes,
                        writer: asyncio.StreamWriter, arrived: float) -> bool:
        if path == "/v1/models" and method == "GET":
            if not self._authorized(headers):
                writer.write(_response(401, self._auth_error(headers)))
                await writer.drain()
                return True
            fault = self._pick_fault("", headers.get(REQUEST_HEADER, "models"), headers.get(ATTEMPT_HEADER, "0"),
                                     "models")
            if fault is not None:
                entry = self._record({"t": arrived - self.t0, "model": None, "request": "/v1/models",
                                      "attempt": headers.get(ATTEMPT_HEADER, "0"), "status": None,
                                      "fault": fault.kind, "endpoint": "models"})
                ex = _Exchange(self, writer, entry)
                ex.fault = fault
                return await fault.behaviour().respond(ex)
            data = [{"id": gid, "object": "model", "created": 0, "owned_by": "pricepoint-emulator"}
                    for gid in self.profiles]
            writer.write(_response(200, json.dumps({"object": "list", "data": data}).encode()))
            await writer.drain()
            return True
        if path == "/_emulator/requests" and method == "GET":
            writer.write(_response(200, json.dumps(self.requests).encode()))
            await writer.drain()
            return True
        if path == "/_emulator/faults" and method in ("POST", "DELETE"):
            if method == "DELETE":
                self.clear_faults()
            else:
                specs = json.loads(body or b"[]")
                for spec in specs if isinstance(specs, list) else [specs]:
                    self.inject(**spec)
            writer.write(_response(200, b'{"ok":true}'))
            await writer.drain()
            return True
        if path == "/v1/chat/completions" and method == "POST":
            return await self._chat(headers, body, writer, arrived)
        writer.write(_response(404, _error_body(f"no route {method} {path}", "invalid_request_error")))
        await writer.drain()
        return True

    def _authorized(self, headers: dict) -> bool:
        if self.api_key is None:
            return True
        got = headers.get("authorization", "")
        return hmac.compare_digest(got.encode(), f"Bearer {self.api_key}".encode())

    def _auth_error(self, headers: dict) -> bytes:
        got = headers.get("authorization", "").removeprefix("Bearer ")
        shown = got if self.echo_key_in_errors else "(hidden)"
        return _error_body(f"Incorrect API key provided: {shown}.", "invalid_request_error", "invalid_api_key")

    def _record(self, entry: dict) -> dict:
        with self._lock:
            entry["n"] = len(self._log)
            self._log.append(entry)
        return entry

    async def _chat(self, headers: dict, body: bytes, writer: asyncio.StreamWriter, arrived: float) -> bool:
        """One chat request; ``arrived``: when its first byte reached the emulator (``time.perf_counter()``),
        where its TTFT starts."""
        handled = time.perf_counter()
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            req = None
        gid = str((req or {}).get("model", ""))
        key = headers.get(REQUEST_HEADER)
        attempt = headers.get(ATTEMPT_HEADER, "0")
        if key is None:
            with self._lock:
                self._counters[gid] = self._counters.get(gid, 0) + 1
                key = f"#{self._counters[gid]}"
        entry = self._record({"t": arrived - self.t0, "t_monotonic": arrived, "queued_s": handled - arrived,
                              "model": gid, "request": key,
                              "attempt": attempt, "status": None, "fault": None, "ttft_s": None,
                              "first_content_t": None, "completion_tokens": None,
                              "stream": bool((req or {}).get("stream"))})
        ex = _Exchange(self, writer, entry)

        if not self._authorized(headers):
            entry["status"] = 401
            writer.write(_response(401, self._auth_error(headers)))
            await writer.drain()
            return True
        if req is None or not isinstance(req.get("messages"), list):
            ex.send_error(400, "The request body must be JSON with a messages list.", None, {})
            await writer.drain()
            return True
        profile = self.profiles.get(gid)
        if profile is None:
            ex.send_error(404, f"The model '{gid}' does not exist or you do not have access to it.",
                          "model_not_found", {})
            await writer.drain()
            return True

        fault = self._pick_fault(gid, key, attempt)
        entry["fault"] = fault.kind if fault else None
        behaviour = fault.behaviour() if fault is not None else FaultKind(None)
        ex.fault = fault
        if fault is not None:
            entry["retry_after_s"] = fault.retry_after_s
            if fault.retry_after_s is not None:
                entry["retry_after_wall_s"] = fault.retry_after_s * self.time_scale
            answered = await behaviour.respond(ex)
            if answered is not None:
                return answered

        rng = self._rng("reply", gid, key, attempt)
        ttft = profile.ttft_median_s * math.exp(TTFT_SIGMA * rng.gauss(0.0, 1.0)) * self.time_scale
        text = " ".join(m.get("content") or "" for m in req["messages"] if isinstance(m.get("content"), str))
        max_tokens = int(req.get("max_tokens") or req.get("max_completion_tokens") or 64)
        if self.reply is not None:
            tokens = re.findall(r"\S+\s*", self.reply) or [self.reply]
        else:
            n = max(2, min(max_tokens, round(max_tokens * rng.uniform(0.5, 1.0))))
            vocab = _HANZI if re.search(r"[\u4e00-\u9fff]", text) else [w + " " for w in _WORDS]
            tokens = [vocab[rng.randrange(len(vocab))] for _ in range(n)]
        rate = behaviour.token_rate(profile.tok_per_s)
        interval = self.time_scale / rate
        finish = behaviour.finish_reason("length" if len(tokens) >= max_tokens else "stop")
        usage = {"prompt_tokens": _count_tokens(text), "completion_tokens": len(tokens),
                 "total_tokens": _count_tokens(text) + len(tokens)}
        entry.update(ttft_s=ttft, completion_tokens=len(tokens), status=200)
        cid = f"chatcmpl-emu-{rng.getrandbits(48):012x}"
        created = int(time.time())
        loop = asyncio.get_running_loop()
        start = loop.time() - (time.perf_counter() - arrived)  # the arrival on the loop's clock

        if not req.get("stream"):
            await asyncio.sleep(max(0.0, start + ttft + interval * (len(tokens) - 1) - loop.time()))
            payload = {"id": cid, "object": "chat.completion", "created": created, "model": gid,
                       "choices": [{"index": 0, "finish_reason": finish,
                                    "message": {"role": "assistant", "content": "".join(tokens)}}],
                       "usage": usage}
            writer.write(_response(200, json.dumps(payload, ensure_ascii=False).encode()))
            await writer.drain()
            return True

        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n")
        answered = await behaviour.after_headers(ex)
        if answered is not None:
            return answered
        base = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": gid}
        # the role-only chunk and a keep-alive comment come first: neither is the first token
        writer.write(_chunk(_event({**base, "choices": [{"index": 0, "delta": {"role": "assistant",
                                                                                "content": ""},
                                                         "finish_reason": None}]}) + b": keep-alive\n\n"))
        await writer.drain()
        cut = behaviour.cut(len(tokens))
        i = 0
        while i < cut:
            due = start + ttft + i * interval
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            now = loop.time()
            j = i + 1  # send every token already due in one chunk
            while j < cut and start + ttft + j * interval <= now:
                j += 1
            writer.write(_chunk(_event({**base, "choices": [{"index": 0, "delta": {"content": "".join(
                tokens[i:j])}, "finish_reason": None}]})))
            if i == 0:
                entry["first_content_t"] = time.perf_counter() - self.t0
                entry["first_content_monotonic"] = entry["first_content_t"] + self.t0
            entry["last_content_monotonic"] = time.perf_counter()
            await writer.drain()
            i = j
        if fault is not None:
            answered = await behaviour.at_cut(ex, 1.0 / rate)
            if answered is not None:
                return answered
        usage.update(completion_tokens=cut, total_tokens=usage["prompt_tokens"] + cut)  # what was sent
        tail = _event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        if include_usage and behaviour.send_usage():
            tail += _event({**base, "choices": [], "usage": usage})
        writer.write(_chunk(tail + b"data: [DONE]\n\n") + b"0\r\n\r\n")
        await writer.drain()
        return True


class _Exchange:
    """One request's connection as a fault kind sees it (:class:`analysis.calls.faults.Exchange`)."""

    def __init__(self, emu: Emulator, writer: asyncio.StreamWriter, entry: dict):
        self.fault: Fault | None = None
        self.time_scale = emu.time_scale
        self._writer = writer
        self._entry = entry

    def send_error(self, status: int, message: str, code: str | None, headers: dict[str, str]) -> None:
        self._entry["status"] = status
        kind = "server_error" if status >= 500 else "invalid_request_error"
        self._writer.write(_response(status, _error_body(message, kind, code), headers=headers))

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    async def drain(self) -> None:
        await self._writer.drain()

    async def sleep_model_s(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self.time_scale)

    def abort(self) -> None:
        self._writer.transport.abort()

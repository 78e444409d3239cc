"""The streaming latency harness: timed calls through the gateway, retries, failover, a JSONL log.

Each request streams with usage included and is timed on this side:

- **TTFT**: from sending the request to the first chunk with non-empty content (the role-only
  chunk and keep-alive comments do not count);
- **E2E**: from sending to the end of the stream;
- **TPOT** = (E2E - TTFT) / (output tokens - 1), and **tok/s** = 1 / TPOT, with the output tokens
  taken from the server's ``usage`` (never by counting chunks; unknown, shown *n/a*, when the
  server sends no usage);
- **cost** = usage x the prices of ``data/pricing.csv`` (unknown when a price is unknown).

Failures are rows, never crashes (:data:`ERROR_CLASSES`). The idle timeout (silence before the
headers, before the first token, between chunks), the total timeout of an attempt and the deadline of a
request run from the first byte sent (the SDK alone would wait 600 s). What the openai SDK retries
(408, 409, 429, 5xx, connection errors, timeouts) is retried, honouring ``retry-after-ms`` and
``Retry-After``, and so is a stream that drops, is cut short or sends a malformed chunk
(:data:`RETRYABLE`), all within the request's deadline; other 4xx, an error object inside a 200
stream and ``finish_reason: "error"`` are not. Each is named, with the model and the request.

Every attempt is appended to a JSONL log as soon as it completes; a run given the same log
resumes where it stopped. With ``time_scale`` (the emulator's speed factor) every timeout is
multiplied by it and every duration recorded is divided by it, so an emulated run at 0.1 reads
like one at real speed.

>>> from analysis.calls.harness import Harness
>>> from analysis.calls.emulator import Emulator
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

import json
import math
import random
import time
from dataclasses import dataclass

#: Every error class an attempt can end with, and what it means.
ERROR_CLASSES: dict[str, str] = {
    "rate_limit": "HTTP 429; retried, honouring retry-after-ms / Retry-After, within the deadline",
    "server_error": "HTTP 5xx; retried, honouring retry-after-ms / Retry-After, within the deadline",
    "request_timeout": "HTTP 408: the gateway timed out waiting for the request; retried",
    "conflict": "HTTP 409; retried",
    "bad_request": "HTTP 400: the gateway rejected the request; not retried",
    "auth": "HTTP 401: the gateway refused the API key; not retried",
    "forbidden": "HTTP 403: the key may not use this model; not retried",
    "not_found": "HTTP 404: the gateway does not know the model id; not retried",
    "http_error": "another HTTP status; not retried",
    "connect_error": "could not connect to the gateway; retried",
    "connect_timeout": "the connection was not made in time; retried",
    "header_timeout": "connected and the request sent, but no response headers in time (idle or total "
                      "timeout); retried",
    "first_token_timeout": "the response headers came, but no token in time (idle or total timeout); retried",
    "idle_timeout": "tokens came, then no data for longer than the idle timeout; retried",
    "total_timeout": "tokens kept coming, but the stream did not finish within the total timeout (or the "
                     "request deadline); retried if the deadline leaves time",
    "dropped_connection": "the connection closed before the stream ended; retried",
    "malformed_chunk": "a chunk of the stream was not valid JSON; retried",
    "incomplete_stream": "the stream ended without a finish reason or without [DONE]; retried",
    "stream_error": "the gateway sent an error object inside the 200 stream; not retried",
    "finish_error": "the stream ended with finish_reason 'error' (no error object); not retried",
    "client_error": "an unexpected error on our side (named in the message); not retried",
}

#: What the openai SDK retries (408, 409, 429, 5xx, connection errors and timeouts), and a stream that
#: drops, is cut short or sends a malformed chunk.
RETRYABLE = {"rate_limit", "server_error", "request_timeout", "conflict", "connect_error", "connect_timeout",
             "header_timeout", "first_token_timeout", "idle_timeout", "total_timeout", "dropped_connection",
             "malformed_chunk", "incomplete_stream"}

#: How far an attempt got, as its messages say it.
PHASES = {"connecting": "connecting", "headers": "waiting for the response headers",
          "first_token": "waiting for the first token", "streaming": "streaming"}


def _timeout_class(phase: str, by: str) -> str:
    """The error class of a timeout: the phase it struck in; once tokens flow, which limit it was.

    >>> _timeout_class("connecting", "total"), _timeout_class("headers", "idle")
    ('connect_timeout', 'header_timeout')
    >>> _timeout_class("first_token", "total"), _timeout_class("streaming", "idle"), _timeout_class("streaming", "total")
    ('first_token_timeout', 'idle_timeout', 'total_timeout')
    """
    before = {"connecting": "connect_timeout", "headers": "header_timeout", "first_token": "first_token_timeout"}
    return before.get(phase) or ("idle_timeout" if by == "idle" else "total_timeout")


def http_error_class(status: int) -> tuple[str, str]:
    """The error class of an HTTP status, and words for people.

    >>> http_error_class(429)[0], http_error_class(503)[0], http_error_class(408)[0], http_error_class(418)[0]
    ('rate_limit', 'server_error', 'request_timeout', 'http_error')
    """
    if status == 429:
        return "rate_limit", "rate limited (HTTP 429)"
    if status >= 500:
        return "server_error", f"server error (HTTP {status})"
    named = {400: ("bad_request", "the gateway rejected the request (HTTP 400)"),
             401: ("auth", "the gateway refused the API key (HTTP 401)"),
             403: ("forbidden", "access denied (HTTP 403): the key may not be allowed to use this model"),
             404: ("not_found", "not found (HTTP 404)"),
             408: ("request_timeout", "the gateway timed out waiting for the request (HTTP 408)"),
             409: ("conflict", "conflict (HTTP 409)")}
    return named.get(status, ("http_error", f"HTTP {status}"))


def _parse_chunk(payload: bytes) -> dict:
    """One ``data:`` payload of the stream as a JSON object, or the :class:`StreamFault` it is.

    >>> _parse_chunk(b'{"choices": []}')
    {'choices': []}
    >>> try:
    ...     _parse_chunk(b'{"choices": [')
    ... except StreamFault as exc:
    ...     print(exc.error_class)
    malformed_chunk
    """
    try:
        obj = json.loads(payload)
    except ValueError:
        text = payload[:80].decode("utf-8", "replace")
        raise StreamFault("malformed_chunk", f"a chunk that is not valid JSON: {text!r}") from None
    if not isinstance(obj, dict):
        text = payload[:80].decode("utf-8", "replace")
        raise StreamFault("malformed_chunk", f"a chunk that is not a JSON object: {text!r}")
    if obj.get("error"):
        err = obj["error"]
        msg = err.get("message") if isinstance(err, dict) else str(err)
        raise StreamFault("stream_error", f"the gateway sent an error inside the 200 stream: {msg}")
    return obj


STATUS_OK = "ok"


@dataclass(frozen=True)
class Timeouts:
    """Our own timeouts, in seconds: to connect, of silence before or between chunks, per attempt."""

    connect_s: float = 10.0
    idle_s: float = 30.0
    total_s: float = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of :data:`RETRYABLE` failures: exponential backoff with jitter, or the server's
    ``retry-after-ms`` / ``Retry-After`` when it sends one.

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

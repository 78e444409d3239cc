"""The emulator's fault kinds, one registered class each, and the fault specifications users write.

A fault kind says what the emulator does at the points of an exchange where a gateway can go
wrong; the emulator calls those hooks and knows nothing else about any kind:

- :meth:`FaultKind.respond`: before any response (an HTTP error, or silence before the headers);
- :meth:`FaultKind.after_headers`: after the 200 headers, before any chunk;
- :meth:`FaultKind.cut` and :meth:`FaultKind.at_cut`: where the token stream stops, and what follows;
- :meth:`FaultKind.token_rate`, :meth:`FaultKind.finish_reason`, :meth:`FaultKind.send_usage`: the
  shape of an otherwise complete stream.

Adding a kind is one class decorated with :func:`register_fault` (plus its test), usually on the base of
its family: :class:`HttpError` (one line with :func:`http_fault`), :class:`Silence` (nothing sent for a
while, somewhere) or :class:`CutShort` (the token stream stops early, and something else follows):

>>> @register_fault
... class Teapot(FaultKind):
...     "HTTP 418 (an example)"
...     name, status = "teapot_example", 418
>>> FAULT_KINDS["teapot_example"].status, Fault("teapot_example").kind
(418, 'teapot_example')
>>> del FAULT_KINDS["teapot_example"]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

REQUEST_HEADER = "x-pricepoint-request"

ATTEMPT_HEADER = "x-pricepoint-attempt"

#: Every registered fault kind, by name.
FAULT_KINDS: dict[str, type[FaultKind]] = {}


class Exchange(Protocol):
    """What the emulator hands a fault kind: the fault's settings and a way to write, wait and hang up."""

    fault: Fault
    time_scale: float

    def send_error(self, status: int, message: str, code: str | None, headers: dict[str, str]) -> None: ...

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...

    async def sleep_model_s(self, seconds: float) -> None: ...

    def abort(self) -> None: ...


class FaultKind:
    """A fault kind: its ``name``, the HTTP ``status`` it answers with (``None``: a 200 stream that goes
    wrong), whether random faults may draw it (``random_eligible``), and what the emulator does.

    The docstring's first line is the description listed by ``pricepoint emulator --help`` and the README.
    Every hook's default is "behave like a healthy gateway".
    """

    name: ClassVar[str] = ""
    status: ClassVar[int | None] = None
    random_eligible: ClassVar[bool] = False
    #: whether the fault also applies to ``GET /v1/models`` (only HTTP errors can)
    on_models: ClassVar[bool] = False

    def __init__(self, fault: Fault):
        self.fault = fault

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    async def respond(self, ex: Exchange) -> bool | None:
        """Before any response: return ``True`` (keep the connection) or ``False`` (closed) when the fault
        answered; ``None`` lets the emulator answer."""
        return None

    async def after_headers(self, ex: Exchange) -> bool | None:
        """After the 200 headers of a stream: same contract as :meth:`respond`."""
        return None

    def cut(self, n_tokens: int) -> int:
        """How many tokens to stream before :meth:`at_cut` runs."""
        return n_tokens

    async def at_cut(self, ex: Exchange, interval_s: float) -> bool | None:
        """Once ``cut`` tokens are out (``interval_s``: model seconds between tokens): end the exchange (``True``/``False`` as in :meth:`respond`), or
        ``None`` to send the tail (finish reason, usage, ``[DONE]``)."""
        return None

    def token_rate(self, tok_per_s: float) -> float:
        return tok_per_s

    def finish_reason(self, finish: str) -> str:
        return finish

    def send_usage(self) -> bool:
        return True


def register_fault(cls: type[FaultKind]) -> type[FaultKind]:
    """Register a fault kind under its ``name`` (a class decorator); names are unique."""
    if not cls.name or cls.name in FAULT_KINDS:
        raise ValueError(f"fault kind {cls.name!r} is unnamed or already registered")
    FAULT_KINDS[cls.name] = cls
    return cls


def fault_descriptions() -> dict[str, str]:
    """Every fault kind and what it does.

    >>> fault_descriptions()["rate_limit"]
    'HTTP 429 with a Retry-After header (retry_after_s)'
    """
    return {name: kind.description() for name, kind in FAULT_KINDS.items()}


def random_faults() -> tuple[str, ...]:
    """The kinds drawn at random when ``fault_rate`` > 0 (the ones a healthy key can meet)."""
    return tuple(name for name, kind in FAULT_KINDS.items() if kind.random_eligible)


# --------------------------------------------------------------------------- HTTP errors


class HttpError(FaultKind):
    """An HTTP error status, with Retry-After (and retry-after-ms) when ``retry_after_s`` is set."""

    on_models = True

    async def respond(self, ex: Exchange) -> bool:
        f = self.fault
        status = f.status or self.status
        extra = {}
        if f.retry_after_s is not None:
            wall = f.retry_after_s * ex.time_scale
            extra["Retry-After"] = f"{wall:g}"
            if f.retry_after_ms:
                extra["retry-after-ms"] = f"{wall * 1000:g}"
        ex.send_error(status, f.message or f"Emulated {self.name} (HTTP {status}).", self.name, extra)
        await ex.drain()
        return True


def http_fault(name: str, status: int, description: str, random_eligible: bool = False) -> type[HttpError]:
    """Register an HTTP error kind: a name, its status and its description are all it has of its own.

    >>> http_fault("teapot_example", 418, "HTTP 418 (an example)").description()
    'HTTP 418 (an example)'
    >>> del FAULT_KINDS["teapot_example"]
    """
    title = "".join(part.title() for part in name.split("_"))
    return register_fault(type(title, (HttpError,), {"__doc__": description, "__module__": __name__, "name": name,
                                                      "status": status, "random_eligible": random_eligible}))


RateLimit = http_fault("rate_limit", 429, "HTTP 429 with a Retry-After header (retry_after_s)", True)
ServerError = http_fault("server_error", 500, "HTTP 5xx (status, default 500), with Retry-After when retry_after_s "
                                              "is set", True)
RequestTimeout = http_fault("request_timeout", 408, "HTTP 408 (the gateway timed out waiting for the request); "
                                                    "retried", True)
Conflict = http_fault("conflict", 409, "HTTP 409 (a conflicting request in flight); retried")
BadRequest = http_fault("bad_request", 400, "HTTP 400")
Unauthorized = http_fault("unauthorized", 401, "HTTP 401")
Forbidden = http_fault("forbidden", 403, "HTTP 403")
NotFound = http_fault("not_found", 404, "HTTP 404")


# --------------------------------------------------------------------------- cut streams and silences


class CutShort(FaultKind):
    """A stream cut after ``after_tokens`` tokens. At the cut it sends :meth:`tail` (raw bytes, maybe
    none), then does what ``then`` says: ``"end"`` the body (its terminating chunk), ``"drop"`` the
    connection, or ``"resume"``: the usual tail (finish reason, usage, ``[DONE]``), one token's
    interval after a tail of its own."""

    then: ClassVar[str] = "resume"

    def cut(self, n_tokens: int) -> int:
        return min(self.fault.after_tokens, n_tokens)

    def tail(self) -> bytes:
        return b""

    async def at_cut(self, ex: Exchange, interval_s: float) -> bool | None:
        if data := self.tail():
            ex.write(data)
            await ex.drain()
        if self.then == "drop":
            ex.abort()
            return False
        if self.then == "end":
            ex.write(b"0\r\n\r\n")
            await ex.drain()
            return True
        if data:
            await ex.sleep_model_s(interval_s)
        return None


class Silence(FaultKind):
    """Nothing is sent for ``stall_s`` (model seconds), then :meth:`hang_up`: by default the body ends
    (its terminating chunk). Each kind says where the silence falls."""

    async def silence(self, ex: Exchange) -> bool:
        await ex.sleep_model_s(self.fault.stall_s)
        return await self.hang_up(ex)

    async def hang_up(self, ex: Exchange) -> bool:
        ex.write(b"0\r\n\r\n")
        await ex.drain()
        return True


@register_fault
class SilentBeforeHeaders(Silence):
    """the connection is accepted, then nothing is sent for stall_s (no headers), then it closes"""

    name, random_eligible = "silent_headers", True

    async def respond(self, ex: Exchange) -> bool:
        return await self.silence(ex)

    async def hang_up(self, ex: Exchange) -> bool:
        ex.abort()
        return False


@register_fault
class SilentBeforeFirstChunk(Silence):
    """the 200 headers are sent, then nothing for stall_s (no chunk at all), then the stream ends"""

    name, random_eligible = "silent_first_chunk", True

    async def after_headers(self, ex: Exchange) -> bool:
        return await self.silence(ex)


@register_fault
class Stall(Silence, CutShort):
    """the stream goes silent for stall_s after after_tokens tokens (an idle timeout)"""

    name, random_eligible = "stall", True

    async def at_cut(self, ex: Exchange, interval_s: float) -> bool:
        return await self.silence(ex)


@register_fault
class Slow(FaultKind):
    """the stream sends at tok_per_s (a total timeout without any idle gap)"""

    name = "slow"

    def token_rate(self, tok_per_s: float) -> float:
        return self.fault.tok_per_s or tok_per_s


@register_fault
class Incomplete(CutShort):
    """the stream ends after after_tokens tokens with no finish reason, usage or [DONE]"""

    name, random_eligible, then = "incomplete", True, "end"


@register_fault
class Drop(CutShort):
    """the connection is dropped after after_tokens tokens"""

    name, random_eligible, then = "drop", True, "drop"

    def tail(self) -> bytes:
        return b"%x\r\ndata: {\"id\":" % 200  # half a chunk, then the connection goes


@register_fault
class Malformed(CutShort):
    """a chunk that is not valid JSON after after_tokens tokens"""

    name, random_eligible = "malformed", True

    def tail(self) -> bytes:
        return _chunk(b'data: {"id":"chatcmpl-emu","choices":[{"delta":{"content":"x"\n\n')


@register_fault
class StreamError(CutShort):
    """an error object inside the 200 stream after after_tokens tokens"""

    name, random_eligible, then = "stream_error", True, "end"

    def tail(self) -> bytes:
        return _chunk(b"data: " + json.dumps({"error": {
            "message": self.fault.message or "The server had an error while processing your request.",
            "type": "server_error", "code": "stream_error"}}).encode() + b"\n\n")


@register_fault
class FinishError(CutShort):
    """after after_tokens tokens, finish_reason "error" without any error object (then usage and [DONE])"""

    name, random_eligible = "finish_error", True

    def finish_reason(self, finish: str) -> str:
        return "error"


@register_fault
class NoUsage(FaultKind):
    """a complete stream without the usage chunk"""

    name, random_eligible = "no_usage", True

    def send_usage(self) -> bool:
        return False


def _chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk."""
    return b"%x\r\n%s\r\n" % (len(data), data)


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """One fault to inject: which kind, for which model (``None``: any), how many times.

    ``endpoint``: ``chat`` (``POST /v1/chat/completions``) or ``models`` (``GET /v1/models``, HTTP
    error kinds only).
    """

    kind: str
    model: str | None = None
    request: str | None = None  # only the request with this id (the X-Pricepoint-Request header)
    times: int | None = 1  # None: every matching request
    rate: float = 1.0  # chance per matching request (seeded)
    status: int | None = None
    retry_after_s: float | None = None  # sent as Retry-After, x time_scale (seconds, may be fractional)
    retry_after_ms: bool = False  # also send retry-after-ms
    after_tokens: int = 2
    stall_s: float = 60.0  # scaled by time_scale
    tok_per_s: float | None = None  # for "slow"; scaled by time_scale
    message: str | None = None
    endpoint: str = "chat"

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; choose from {', '.join(FAULT_KINDS)}")
        if self.endpoint not in ("chat", "models"):
            raise ValueError(f"fault {self.kind!r}: endpoint {self.endpoint!r} is not chat or models")
        if self.endpoint == "models" and not FAULT_KINDS[self.kind].on_models:
            raise ValueError(f"fault {self.kind!r} cannot apply to the model list; "
                             f"HTTP error kinds can: {', '.join(k for k, v in FAULT_KINDS.items() if v.on_models)}")

    def behaviour(self) -> FaultKind:
        """The registered kind's behaviour for this fault."""
        return FAULT_KINDS[self.kind](self)


def parse_fault(spec: str) -> Fault:
    """A fault from the command line: ``KIND[:key=value...]``.

    >>> parse_fault("rate_limit:model=gpt-4o:times=2:retry_after_s=0.5")
    ... # doctest: +ELLIPSIS
    Fault(kind='rate_limit', model='gpt-4o', request=None, times=2, rate=1.0, status=None, retry_after_s=0.5, ...)
    >>> parse_fault("drop:times=none").times is None
    True
    """
    kind, *pairs = spec.strip().split(":")
    kwargs: dict[str, Any] = {}
    types = {f: t for f, t in Fault.__annotations__.items()}
    for pair in pairs:
        name, _, value = pair.partition("=")
        name = name.strip()
        if name not in types or name == "kind":
            raise ValueError(f"fault {spec!r}: unknown setting {name!r}; settings: "
                             + ", ".join(f for f in types if f != "kind"))
        if value.lower() in ("none", ""):
            kwargs[name] = None
        elif "bool" in types[name]:
            kwargs[name] = value.lower() in ("1", "true", "yes")
        elif "int" in types[name]:
            kwargs[name] = int(value)
        elif "float" in types[name]:
            kwargs[name] = float(value)
        else:
            kwargs[name] = value
    return Fault(kind.strip(), **kwargs)

"""The emulator's fault kinds and the fault specifications users write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Every fault the emulator can inject, and what it does.
FAULT_KINDS: dict[str, str] = {
    "rate_limit": "HTTP 429 with a Retry-After header (retry_after_s)",
    "server_error": "HTTP 5xx (status, default 500), with Retry-After when retry_after_s is set",
    "bad_request": "HTTP 400",
    "unauthorized": "HTTP 401",
    "forbidden": "HTTP 403",
    "not_found": "HTTP 404",
    "stall": "the stream goes silent for stall_s after after_tokens tokens (an idle timeout)",
    "slow": "the stream sends at tok_per_s (a total timeout without any idle gap)",
    "incomplete": "the stream ends after after_tokens tokens with no finish reason, usage or [DONE]",
    "drop": "the connection is dropped after after_tokens tokens",
    "malformed": "a chunk that is not valid JSON after after_tokens tokens",
    "stream_error": "an error object inside the 200 stream after after_tokens tokens",
    "no_usage": "a complete stream without the usage chunk",
}

STATUS_OF = {"rate_limit": 429, "server_error": 500, "bad_request": 400, "unauthorized": 401,
             "forbidden": 403, "not_found": 404}

#: Faults drawn at random when ``fault_rate`` > 0 (the ones a healthy key can meet).
RANDOM_FAULTS = ("rate_limit", "server_error", "stall", "incomplete", "drop", "malformed",
                 "stream_error", "no_usage")

REQUEST_HEADER = "x-pricepoint-request"

ATTEMPT_HEADER = "x-pricepoint-attempt"


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """One fault to inject: which kind, for which model (``None``: any), how many times."""

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

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; choose from {', '.join(FAULT_KINDS)}")


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

"""The gateway: its address, the API key from the environment, live or emulated mode, and the model list check."""

from __future__ import annotations

import collections
import contextvars
import ipaddress
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from analysis import paths
from analysis.data.tables import ParameterError

DEFAULT_BASE_URL = "https://global-apis.com/v1"

KEY_ENV = "GLOBAL_API_KEY"

BASE_URL_ENV = "GLOBAL_API_BASE_URL"

#: Points at the ``.env`` file to read (default: ``.env`` at the project root); tests point it nowhere.
DOTENV_ENV = "PRICEPOINT_DOTENV"

MODES = ("auto", "live", "emulated")


SIMULATED_LABEL = "SIMULATED (local emulator)"


# --------------------------------------------------------------------------- text from outside


def outside_text(text: object, secrets: list[str | None] | tuple = (), limit: int = 500) -> str:
    """Text a gateway sent (an error body, a header), safe for stdout, logs, Markdown and HTML pages.

    The key and anything shaped like a key are redacted (:func:`analysis.formatting.redact`);
    angle brackets become the look-alikes ‹ › so no markup survives in any output (not even
    unescaped Markdown); control characters become spaces; over ``limit`` characters it is cut.

    >>> outside_text("bad key KEY-123456 <img src=x onerror=alert(3)>", ["KEY-123456"])
    'bad key *** ‹img src=x onerror=alert(3)›'
    >>> outside_text("x" * 20, limit=10)
    'xxxxxxxxx…'
    """
    from analysis.formatting import redact

    out = redact(text, list(secrets) + [api_key()])
    out = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", out).replace("<", "‹").replace(">", "›")
    return out if len(out) <= limit else out[:limit - 1] + "…"


# --------------------------------------------------------------------------- key, URL, mode


def dotenv_path() -> Path:
    """The ``.env`` file that may hold ``GLOBAL_API_KEY`` (``PRICEPOINT_DOTENV`` overrides).

    >>> default = paths.ROOT / ".env"
    >>> dotenv_path() == (Path(os.environ[DOTENV_ENV]) if os.environ.get(DOTENV_ENV) else default)
    True
    """
    return Path(os.environ.get(DOTENV_ENV) or paths.ROOT / ".env")


def api_key() -> str | None:
    """``GLOBAL_API_KEY`` from the environment, else from ``.env``; ``None`` when neither has it.

    The ``.env`` file is read, not loaded: nothing is added to the environment.
    """
    key = os.environ.get(KEY_ENV, "").strip()
    if key:
        return key
    path = dotenv_path()
    if path.is_file():
        from dotenv import dotenv_values

        key = (dotenv_values(path).get(KEY_ENV) or "").strip()
        return key or None
    return None


def resolve_base_url(base_url: str | None = "") -> str:
    """The gateway URL: the parameter, else ``GLOBAL_API_BASE_URL``, else global-apis.com.

    >>> resolve_base_url("http://127.0.0.1:8000/v1/")
    'http://127.0.0.1:8000/v1'
    >>> os.environ.pop(BASE_URL_ENV, None) and None
    >>> resolve_base_url("")
    'https://global-apis.com/v1'
    """
    url = (base_url or os.environ.get(BASE_URL_ENV, "") or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError(f"base URL {url!r} is not an http(s) URL such as {DEFAULT_BASE_URL}; "
                         f"fix the base_url parameter or {BASE_URL_ENV}")
    return url


def is_loopback(url: str) -> bool:
    """True when the URL points at this machine.

    >>> is_loopback("http://127.0.0.1:9/v1"), is_loopback("https://global-apis.com/v1")
    (True, False)
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_mode(mode: str, key: str | None) -> str:
    """``live`` or ``emulated``: ``auto`` is live exactly when a key is available.

    >>> resolve_mode("auto", None), resolve_mode("auto", "k"), resolve_mode("emulated", "k")
    ('emulated', 'live', 'emulated')
    """
    mode = (mode or "auto").strip().lower()
    if mode not in MODES:
        raise ParameterError(f"mode {mode!r} is not one of {' | '.join(MODES)}")
    if mode == "auto":
        return "live" if key else "emulated"
    if mode == "live" and not key:
        raise ParameterError(f"mode live needs an API key: set {KEY_ENV} in your environment or in "
                         f"{dotenv_path()} (never as a parameter), or use mode emulated")
    return mode


def mode_label(mode: str, base_url: str | None = None) -> str:
    """The label every figure and table carries: SIMULATED or LIVE with the host.

    >>> mode_label("emulated")
    'SIMULATED (local emulator)'
    >>> mode_label("live", "https://global-apis.com/v1")
    'LIVE (global-apis.com)'
    """
    if mode == "emulated":
        return SIMULATED_LABEL
    host = urlsplit(base_url or DEFAULT_BASE_URL).netloc
    return f"LIVE ({host})"


class Progress:
    """How far one attempt got, written by the client's HTTP hooks: when its request was sent
    (``sent_at``, ``time.perf_counter()``) and its ``phase``: ``connecting``, ``headers`` (the connection
    is made and the request is going out), ``first_token`` (the response headers are in).
    ``on_sent`` is called once, when the first byte of the request is about to be written.
    ``read_at``: when the bytes of the connection's latest read reached this process (see
    :class:`ClockedStream`), ``None`` where the transport cannot say."""

    __slots__ = ("sent_at", "phase", "on_sent", "read_at")

    def __init__(self, on_sent=None):
        self.sent_at: float | None = None
        self.phase = "connecting"
        self.on_sent = on_sent
        self.read_at: float | None = None


#: Set by the harness around each call; the client's request hook reports into it (:class:`Progress`).
SENT_AT: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("pricepoint_sent_at", default=None)


async def _mark_sent(request) -> None:
    """HTTP request hook: note when the request is handed to the transport (after the SDK built it),
    and ask the transport (httpcore's ``trace`` extension) to say when the connection is made and its
    first byte is about to be written (the clock's start), and when the response headers are in."""
    box = SENT_AT.get()
    if box is None:
        return
    box.sent_at = time.perf_counter()

    async def trace(name: str, info: dict) -> None:
        if name.endswith("send_request_headers.started") and box.phase == "connecting":
            # the clock starts before the first byte is written: a thread that takes over while the
            # request is being written (the emulator, in tests) cannot make it start late
            box.sent_at = time.perf_counter()
            box.phase = "headers"
            if box.on_sent is not None:
                box.on_sent()
        elif name.endswith("receive_response_headers.complete"):
            box.phase = "first_token"

    try:
        request.extensions["trace"] = trace
    except (AttributeError, TypeError):  # an HTTP stack without extensions: the hook's time stands
        box.phase = "headers"
        if box.on_sent is not None:
            box.on_sent()


class ClockedStream:
    """A connection (an httpcore network stream) that says when the bytes each read returns reached this
    process: the transport's read callback (asyncio's ``data_received``) notes the time, before the task
    that reads them is even scheduled, so a loop busy with 63 other streams does not make a TTFT late.
    It reports into the attempt's :class:`Progress` (``read_at``). ``clocked`` is False when the stream
    below is not the asyncio socket stream it knows (TLS, another backend): reads are then timed when
    they return, as before.

    >>> import asyncio, collections
    >>> class Protocol:  # what anyio's asyncio socket stream has: a queue its data_received fills
    ...     def __init__(self): self.read_queue = collections.deque()
    ...     def data_received(self, data): self.read_queue.append(data)
    >>> class Inner:
    ...     def __init__(self): self._stream = type("Socket", (), {"_protocol": Protocol()})()
    ...     async def read(self, max_bytes, timeout=None): return self._stream._protocol.read_queue.popleft()
    >>> stream = ClockedStream(Inner())
    >>> stream._inner._stream._protocol.data_received(b"data: 1")  # the bytes arrive...
    >>> arrived, box = time.perf_counter(), Progress()
    >>> time.sleep(0.01)  # ...and the reading task's turn comes later
    >>> async def read():
    ...     SENT_AT.set(box)
    ...     return await stream.read(65536)
    >>> asyncio.run(read()), stream.clocked, box.read_at <= arrived
    (b'data: 1', True, True)
    """

    def __init__(self, inner):
        self._inner = inner
        self._arrivals: collections.deque[float] = collections.deque()  # one per chunk in the queue below
        protocol = getattr(getattr(inner, "_stream", None), "_protocol", None)
        self._queue = getattr(protocol, "read_queue", None)
        self.clocked = isinstance(self._queue, collections.deque) and callable(getattr(protocol, "data_received", None))
        if self.clocked:
            received, arrivals = protocol.data_received, self._arrivals

            def data_received(data, received=received, arrivals=arrivals, clock=time.perf_counter) -> None:
                arrivals.append(clock())
                received(data)

            protocol.data_received = data_received

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._inner.read(max_bytes, timeout)
        at = now = time.perf_counter()
        if self.clocked and self._arrivals:
            at = self._arrivals[0]  # the chunk just read was the oldest queued (a split one stays queued)
            while len(self._arrivals) > len(self._queue):
                self._arrivals.popleft()
        box = SENT_AT.get()
        if box is not None:
            box.read_at = min(at, now)
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return ClockedStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


def _sdk_http_stack():
    """The httpx and httpcore modules the openai SDK is built on (``httpx2``/``httpcore2`` in recent
    releases, ``httpx``/``httpcore`` before)."""
    import importlib

    import openai

    httpx = importlib.import_module(openai.DefaultAsyncHttpxClient.__mro__[1].__module__.split(".")[0])
    return httpx, importlib.import_module(httpx.__name__.replace("httpx", "httpcore"))


class ClockedBackend:
    """The SDK's httpcore asyncio network backend, its TCP connections wrapped in :class:`ClockedStream`."""

    def __init__(self):
        self._inner = _sdk_http_stack()[1].AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return ClockedStream(await self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                                           socket_options=socket_options))

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return await self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def clocked_transport():
    """httpx's transport with :class:`ClockedBackend` below it (the SDK's connection limits); httpx has no
    public way to choose the backend, so it is set on its pool, and left as it was if that ever changes."""
    from openai._constants import DEFAULT_CONNECTION_LIMITS

    httpx, _ = _sdk_http_stack()
    transport = httpx.AsyncHTTPTransport(limits=DEFAULT_CONNECTION_LIMITS)
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = ClockedBackend()
    return transport


def make_client(base_url: str, key: str, *, connect_timeout_s: float = 10.0, read_timeout_s: float = 60.0):
    """The official async OpenAI client for the gateway, with retries off (the harness retries).

    ``read_timeout_s`` is the SDK's own socket read timeout, a backstop behind the harness's
    idle timeout (the SDK's default would wait 600 s of silence). The client's HTTP stack
    calls a request hook just before sending, so the harness's clock starts when the first byte of
    the request goes out on the connection, not while the SDK is still building it (:data:`SENT_AT`),
    and its connections say when the bytes of each read arrived (:class:`ClockedStream`).
    """
    import openai

    timeout = openai.Timeout(connect=connect_timeout_s, read=read_timeout_s, write=connect_timeout_s,
                             pool=connect_timeout_s)
    http_client = openai.DefaultAsyncHttpxClient(timeout=timeout, event_hooks={"request": [_mark_sent]},
                                                 transport=clocked_transport())
    return openai.AsyncOpenAI(api_key=key, base_url=base_url, max_retries=0, timeout=timeout,
                              http_client=http_client)


# --------------------------------------------------------------------------- the /v1/models check


class UnknownModelsError(ValueError):
    """The gateway does not know one or more mapped model ids; the message lists them all."""


@dataclass
class ModelCheck:
    """Which mapped model ids the gateway lists, and one message naming every unknown one."""

    base_url: str
    available: list[str]
    known: dict[str, str] = field(default_factory=dict)  # model -> gateway id
    unknown: dict[str, str] = field(default_factory=dict)  # model -> gateway id
    source: str = "data/gateway_models.csv"
    error: str | None = None  # why the list could not be read, when it could not (safe to show)
    listing_attempts: int = 1  # attempts at GET /v1/models

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.error

    def message(self) -> str:
        """One message listing every unknown id, or a one-line confirmation.

        >>> ModelCheck("http://x/v1", ["a"], {"A": "a"}, {"B": "b", "C": "c"}).message().splitlines()[0]
        'The gateway at http://x/v1 does not know 2 of the 3 mapped model ids:'
        """
        n = len(self.known) + len(self.unknown)
        if self.error:
            tries = f" ({self.listing_attempts} attempts)" if self.listing_attempts > 1 else ""
            then = ("The calls were made anyway: a model the gateway does not know fails with its own row."
                    if self.known else "No call was made.")
            return f"Could not list the models of the gateway at {self.base_url}{tries}: {self.error}. {then}"
        if self.ok:
            return f"The gateway at {self.base_url} knows all {n} mapped model ids."
        lines = [f"The gateway at {self.base_url} does not know {len(self.unknown)} of the {n} mapped model ids:"]
        lines += [f"  - {model}: {gid!r}" for model, gid in self.unknown.items()]
        lines.append(f"Fix their gateway_model_id in {self.source} (or pass your own file with the "
                     f"gateway_models_csv parameter); GET {self.base_url}/models lists the ids it knows. "
                     f"These models are left out of this run.")
        return "\n".join(lines)


def compare_models(mapping: dict[str, str], available: list[str], base_url: str,
                   source: str = "data/gateway_models.csv") -> ModelCheck:
    """Split a model -> id mapping into ids the gateway lists and ids it does not.

    >>> c = compare_models({"GPT-4o": "gpt-4o", "GLM-5": "glm-5"}, ["gpt-4o"], "http://x/v1")
    >>> c.known, c.unknown
    ({'GPT-4o': 'gpt-4o'}, {'GLM-5': 'glm-5'})
    """
    have = set(available)
    check = ModelCheck(base_url, sorted(have), source=source)
    for model, gid in mapping.items():
        (check.known if gid in have else check.unknown)[model] = gid
    return check


async def check_models(client, mapping: dict[str, str], source: str = "data/gateway_models.csv",
                       strict: bool = False) -> ModelCheck:
    """List the gateway's ``/v1/models`` and compare the mapped ids; ``strict`` raises on unknown ids."""
    page = await client.models.list()
    available = [m.id for m in page.data]
    check = compare_models(mapping, available, str(client.base_url).rstrip("/"), source)
    if strict and not check.ok:
        raise UnknownModelsError(check.message())
    return check


# --------------------------------------------------------------------------- parameters


def parse_names(text: str | list | tuple) -> list[str]:
    """A list of names from a parameter: a comma-separated string or a list.

    >>> parse_names("DeepSeek V4 Flash, GPT-4o"), parse_names(["GPT-4o"])
    (['DeepSeek V4 Flash', 'GPT-4o'], ['GPT-4o'])
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    return [str(s).strip() for s in items if str(s).strip()]


def select_prompts(prompts: pd.DataFrame, spec: str | list = "all") -> pd.DataFrame:
    """The prompts named in ``spec`` (ids, comma-separated), or all of them; unknown ids are an error.

    >>> from analysis.data.gateway import load_prompts
    >>> select_prompts(load_prompts(), "code-1, chinese-1").prompt_id.tolist()
    ['code-1', 'chinese-1']
    """
    names = parse_names(spec)
    if not names or names == ["all"]:
        return prompts
    known = list(prompts.prompt_id)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ParameterError(f"unknown prompt id(s) {', '.join(unknown)}; the prompt set has: {', '.join(known)}")
    out = prompts.set_index("prompt_id").loc[names].reset_index()[prompts.columns]
    out.attrs = dict(prompts.attrs)
    return out

"""The OpenAI-compatible gateway: its client, its model ids, the router, the prompt set.

The client is the official ``openai`` SDK pointed at ``https://global-apis.com/v1`` (or
``GLOBAL_API_BASE_URL``, or a parameter). The key comes only from ``GLOBAL_API_KEY`` in the
environment or in an uncommitted ``.env`` at the project root: never from a parameter, and it
is never printed; :func:`redact` scrubs it from any text pricepoint records.

Three tables configure the calls, validated like every other table (:class:`analysis.data.DataError`
lists every problem at once):

- ``data/gateway_models.csv``: model -> the id the gateway expects (our configuration);
- ``data/router.csv``: task type -> ordered models (first choice, then fallbacks), where a model
  may be a rule such as ``best_value:ceval`` resolved from the data;
- ``data/prompts.csv``: the prompt set (code, reasoning, Chinese, extraction).

>>> ids = load_gateway_models().set_index("model").gateway_model_id
>>> ids["DeepSeek V4 Flash"], ids["GPT-4o"]
('deepseek-v4-flash', 'gpt-4o')
>>> routes(load_router())["code"]
['DeepSeek V4 Flash', 'GPT-4o']
"""

from __future__ import annotations

import contextvars
import ipaddress
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from analysis import paths
from analysis.data import (
    BENCHMARKS,
    Col,
    DataError,
    Parsed,
    Problem,
    Table,
    _finish,
    _label,
    _models_known,
    load_benchmarks,
    load_pricing,
    parse_table,
)

DEFAULT_BASE_URL = "https://global-apis.com/v1"
KEY_ENV = "GLOBAL_API_KEY"
BASE_URL_ENV = "GLOBAL_API_BASE_URL"
#: Points at the ``.env`` file to read (default: ``.env`` at the project root); tests point it nowhere.
DOTENV_ENV = "PRICEPOINT_DOTENV"
MODES = ("auto", "live", "emulated")
DEFAULT_TASK = "default"
RULE = re.compile(r"^best_value:(?P<benchmark>[a-z]+)$")

SIMULATED_LABEL = "SIMULATED (local emulator)"


# --------------------------------------------------------------------------- tables

GATEWAY_MODELS = Table(
    "gateway_models",
    "gateway_models.csv",
    (
        Col("model", expected="a model name from pricing.csv"),
        Col("gateway_model_id", expected="the model id the gateway expects (e.g. gpt-4o): text without spaces"),
    ),
    key=("model",),
)

ROUTER = Table(
    "router",
    "router.csv",
    (
        Col("task_type", expected="a task type such as code, chinese or default"),
        Col("rank", "float", ge=1, expected="a whole number >= 1 (1 is the first choice)"),
        Col("model", expected="a model name from pricing.csv, or a rule: best_value:mmlu, "
                              "best_value:humaneval or best_value:ceval"),
        Col("note", required=False, expected="text or empty"),
    ),
    key=("task_type", "rank"),
)

PROMPTS = Table(
    "prompts",
    "prompts.csv",
    (
        Col("prompt_id", expected="a short id without spaces"),
        Col("task_type", expected="a task type such as code, reasoning, chinese or extraction"),
        Col("max_tokens", "float", ge=1, expected="a whole number of output tokens >= 1"),
        Col("text", expected="the prompt text"),
    ),
    key=("prompt_id",),
)


def load_gateway_models(path: str | Path | None = None, pricing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Model -> gateway model id; every model is in pricing, every id is unique and has no spaces.

    >>> load_gateway_models().shape
    (11, 2)

    A bad file raises :class:`DataError` listing every problem:

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "ids.csv"
    >>> _ = bad.write_text("model,gateway_model_id\\nGPT-4o,gpt 4o\\nNope,x\\nGLM-5,x\\n")
    >>> try:
    ...     load_gateway_models(bad)
    ... except DataError as err:
    ...     print([(p.line, p.column) for p in err.problems])
    [(2, 'gateway_model_id'), (3, 'model'), (4, 'gateway_model_id')]
    """
    path = paths.user_or_shipped(path, GATEWAY_MODELS.file)
    label = _label(path)
    parsed = parse_table(GATEWAY_MODELS, path)
    problems = list(parsed.problems)
    if len(parsed.frame):  # the cells could be read: check them all, beside the problems already found
        pricing = load_pricing() if pricing is None else pricing
        problems += _models_known(parsed, pricing, ["model"], label)
        first: dict[str, int] = {}
        for i, gid in enumerate(parsed.frame.gateway_model_id):
            line = parsed.lines[i]
            if gid is None or pd.isna(gid):
                continue
            if re.search(r"\s", gid):
                problems.append(Problem(label, line, "gateway_model_id", gid,
                                        "a model id without spaces (e.g. gpt-4o)"))
            elif gid in first:
                problems.append(Problem(label, line, "gateway_model_id", gid,
                                        f"each id once (already on line {first[gid]})"))
            else:
                first[gid] = line
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.line or 0, p.column != "model")))
    return _finish(parsed, GATEWAY_MODELS, path)


def load_prompts(path: str | Path | None = None) -> pd.DataFrame:
    """The prompt set: ``prompt_id, task_type, max_tokens, text``; ``max_tokens`` is a whole number.

    >>> p = load_prompts()
    >>> sorted(p.task_type.unique())
    ['chinese', 'code', 'extraction', 'reasoning']
    >>> int(p.set_index("prompt_id").max_tokens["code-1"])
    128
    """
    path = paths.user_or_shipped(path, PROMPTS.file)
    label = _label(path)
    parsed = parse_table(PROMPTS, path)
    problems = list(parsed.problems)
    if len(parsed.frame):
        for i, row in parsed.frame.iterrows():
            if not pd.isna(row.max_tokens) and not float(row.max_tokens).is_integer():
                problems.append(Problem(label, parsed.lines[i], "max_tokens", f"{row.max_tokens:g}",
                                        PROMPTS.columns[2].expected))
            if row.prompt_id is not None and re.search(r"\s", row.prompt_id):
                problems.append(Problem(label, parsed.lines[i], "prompt_id", row.prompt_id,
                                        PROMPTS.columns[0].expected))
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    frame = _finish(parsed, PROMPTS, path)
    frame["max_tokens"] = frame["max_tokens"].astype(int)
    return frame


# --------------------------------------------------------------------------- the router


def best_value(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "ceval") -> dict:
    """The model with the lowest output price per benchmark point (USD/Mtok divided by the score).

    Models without a known output price or without a score are left out (unknown, not free).

    >>> b = best_value(load_pricing(), load_benchmarks(), "ceval")
    >>> b["model"], round(b["usd_per_mtok_per_point"], 6)
    ('DeepSeek V4 Flash', 0.002841)
    >>> len(b["ranking"])
    5
    """
    scores = benchmarks.loc[benchmarks.benchmark == benchmark, ["model", "score"]]
    table = scores.merge(pricing[["model", "output_usd_per_mtok"]], on="model", how="left")
    table = table.dropna(subset=["output_usd_per_mtok", "score"])
    table = table[table.score > 0]
    table["usd_per_mtok_per_point"] = table.output_usd_per_mtok / table.score
    table = table.sort_values(["usd_per_mtok_per_point", "model"]).reset_index(drop=True)
    if table.empty:
        return {"model": None, "usd_per_mtok_per_point": math.nan, "ranking": table,
                "reason": f"no model has both a {benchmark} score and an output price"}
    top = table.iloc[0]
    return {"model": top.model, "usd_per_mtok_per_point": float(top.usd_per_mtok_per_point), "ranking": table,
            "reason": f"lowest output price per {benchmark} point"}


def load_router(path: str | Path | None = None, pricing: pd.DataFrame | None = None,
                benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """The router table with every rule resolved: ``task_type, rank, model, rule, note``.

    ``rule`` keeps what the file said (``best_value:ceval``) where ``model`` was computed.
    A task type without rows of its own is served by ``default``.

    >>> r = load_router()
    >>> r.loc[r.task_type == "chinese", ["rank", "model", "rule"]].values.tolist()
    [[1, 'DeepSeek V4 Flash', 'best_value:ceval'], [2, 'GPT-4o', None]]
    """
    path = paths.user_or_shipped(path, ROUTER.file)
    label = _label(path)
    parsed = parse_table(ROUTER, path)
    problems = list(parsed.problems)
    frame = parsed.frame
    if len(frame):
        pricing = load_pricing() if pricing is None else pricing
        benchmarks = load_benchmarks(pricing=pricing) if benchmarks is None else benchmarks
        known = set(pricing.model)
        resolved, rules = [], []
        for i, row in frame.iterrows():
            line = parsed.lines[i]
            if not pd.isna(row["rank"]) and not float(row["rank"]).is_integer():
                problems.append(Problem(label, line, "rank", f"{row['rank']:g}", ROUTER.columns[1].expected))
            if row.model is None or pd.isna(row.model):
                resolved.append(None)
                rules.append(None)
                continue
            match = RULE.match(row.model)
            if match:
                bench = match["benchmark"]
                if bench not in BENCHMARKS:
                    problems.append(Problem(label, line, "model", row.model,
                                            "best_value: followed by one of " + ", ".join(BENCHMARKS)))
                    resolved.append(None)
                else:
                    choice = best_value(pricing, benchmarks, bench)
                    if choice["model"] is None:
                        problems.append(Problem(label, line, "model", row.model, f"a rule the data can answer "
                                                f"({choice['reason']})"))
                    resolved.append(choice["model"])
                rules.append(row.model)
            else:
                if row.model not in known:
                    where = Path(pricing.attrs.get("source_file", "pricing.csv")).name
                    problems.append(Problem(label, line, "model", row.model,
                                            f"a model listed in {where} or a best_value: rule"))
                resolved.append(row.model)
                rules.append(None)
        if not problems:
            frame = frame.assign(model=resolved, rule=pd.Series(rules, index=frame.index, dtype=object))
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line or 0))
    frame["rank"] = frame["rank"].astype(int)
    frame = frame.sort_values(["task_type", "rank"], kind="stable")
    frame = frame.drop_duplicates(["task_type", "model"], keep="first").reset_index(drop=True)
    frame = frame[["task_type", "rank", "model", "rule", "note"]]
    return _finish(Parsed(frame, []), ROUTER, path)


def routes(router: pd.DataFrame) -> dict[str, list[str]]:
    """Task type -> models in order of preference.

    >>> r = routes(load_router())
    >>> r["vision"], r["default"]
    (['GPT-4o'], ['GPT-4o'])
    """
    return {task: list(group.sort_values("rank").model) for task, group in router.groupby("task_type", sort=False)}


def route_for(task_type: str, table: dict[str, list[str]]) -> list[str]:
    """The ordered models for a task type, falling back to the ``default`` route.

    >>> route_for("reasoning", {"default": ["GPT-4o"], "code": ["A"]})
    ['GPT-4o']
    >>> route_for("poetry", {"code": ["A"]})
    []
    """
    return list(table.get(task_type, table.get(DEFAULT_TASK, [])))


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
        raise ValueError(f"base URL {url!r} is not an http(s) URL such as {DEFAULT_BASE_URL}; "
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
        raise ValueError(f"mode {mode!r} is not one of {' | '.join(MODES)}")
    if mode == "auto":
        return "live" if key else "emulated"
    if mode == "live" and not key:
        raise ValueError(f"mode live needs an API key: set {KEY_ENV} in your environment or in "
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


def redact(text: object, secrets: list[str | None] | tuple = ()) -> str:
    """``text`` with every secret (and any ``sk-...`` looking token) replaced by ``***``.

    >>> redact("bad key sk-abc123def456ghi789 for user", [])
    'bad key *** for user'
    >>> redact("key=s3cr3t-VALUE!", ["s3cr3t-VALUE"])
    'key=***!'
    """
    out = "" if text is None else str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "***")
    return re.sub(r"\bsk-[A-Za-z0-9_\-]{8,}", "***", out)


#: Set by the harness around each call; the client's request hook writes the send time into it.
SENT_AT: contextvars.ContextVar[list | None] = contextvars.ContextVar("pricepoint_sent_at", default=None)


async def _mark_sent(request) -> None:
    """HTTP request hook: note when the request is handed to the transport (after the SDK built it),
    and ask the transport (httpcore's ``trace`` extension) to say when its body has been written."""
    box = SENT_AT.get()
    if box is None:
        return
    box[0] = time.perf_counter()

    async def trace(name: str, info: dict) -> None:
        if name.endswith("send_request_body.complete"):
            box[0] = time.perf_counter()

    try:
        request.extensions["trace"] = trace
    except (AttributeError, TypeError):  # an HTTP stack without extensions: the hook's time stands
        pass


def make_client(base_url: str, key: str, *, connect_timeout_s: float = 10.0, read_timeout_s: float = 60.0):
    """The official async OpenAI client for the gateway, with retries off (the harness retries).

    ``read_timeout_s`` is the SDK's own socket read timeout, a backstop behind the harness's
    idle timeout (the SDK's default would wait 600 s of silence). The client's HTTP stack
    calls a request hook just before sending, so the harness's clock starts when the request
    has been written to the connection, not while the SDK is still building it (:data:`SENT_AT`).
    """
    import openai

    timeout = openai.Timeout(connect=connect_timeout_s, read=read_timeout_s, write=connect_timeout_s,
                             pool=read_timeout_s)
    http_client = openai.DefaultAsyncHttpxClient(timeout=timeout, event_hooks={"request": [_mark_sent]})
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
    error: str | None = None  # why the list could not be read, when it could not

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
            return (f"Could not list the models of the gateway at {self.base_url}: {self.error}. "
                    f"Every model is left out of this run.")
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

    >>> select_prompts(load_prompts(), "code-1, chinese-1").prompt_id.tolist()
    ['code-1', 'chinese-1']
    """
    names = parse_names(spec)
    if not names or names == ["all"]:
        return prompts
    known = list(prompts.prompt_id)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown prompt id(s) {', '.join(unknown)}; the prompt set has: {', '.join(known)}")
    out = prompts.set_index("prompt_id").loc[names].reset_index()[prompts.columns]
    out.attrs = dict(prompts.attrs)
    return out

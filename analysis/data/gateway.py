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

>>> from analysis.traffic.router import load_router, routes
>>> ids = load_gateway_models().set_index("model").gateway_model_id
>>> ids["DeepSeek V4 Flash"], ids["GPT-4o"]
('deepseek-v4-flash', 'gpt-4o')
>>> routes(load_router())["code"]
['DeepSeek V4 Flash', 'GPT-4o']
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.load import _finish, _label, _models_known, load_pricing
from analysis.data.tables import Col, DataError, Problem, Table, parse_table

DEFAULT_TASK = "default"

RULE = re.compile(r"^best_value:(?P<benchmark>[a-z]+)$")


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

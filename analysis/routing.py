"""What a month of traffic costs, at what quality, under different routing policies.

A :class:`Workload` is a mix of task types (``code``, ``reasoning``, ``chinese``, ``vision``,
``general``) with each one's share of requests and input and output tokens per request, and a
number of requests per month. A :class:`Policy` maps each task type to an ordered list of
models: a request goes to the first model in its list that can serve it. What a model can
serve comes from the data: a ``vision`` task only goes to a model whose ``vision`` is true in
``model_facts.csv`` (unknown is *not* vision), a request longer than a model's known context
window goes to the next model, and a model whose price is unknown is never priced as 0.

Quality is the published score on the benchmark that matches the task (:data:`TASK_BENCHMARK`);
``vision`` has no benchmark in the data, so its quality is unknown, flagged and left out of
expected quality, never guessed.

>>> ds_caps = capabilities()
>>> w = Workload.from_mix({"code": 1.0}, {"code": (1000, 500)}, requests_per_month=1e6)
>>> ev = evaluate(w, ds_caps, budget_usd=1000)
>>> round(float(ev.summary.set_index("policy").loc["DeepSeek V4 Flash", "monthly_cost_usd"]), 2)
305.0
>>> round(float(ev.summary.set_index("policy").loc["GPT-4o", "monthly_cost_usd"]), 2)
7500.0
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.data import DataError, Problem
from analysis.pricing import price_on_basis

TASK_TYPES = ("code", "reasoning", "chinese", "vision", "general")
#: The benchmark whose score stands for a task type's quality; ``None``: no benchmark in the data.
TASK_BENCHMARK: dict[str, str | None] = {
    "code": "humaneval",
    "reasoning": "mmlu",
    "chinese": "ceval",
    "general": "mmlu",
    "vision": None,
}
TEXT_TASKS = tuple(t for t in TASK_TYPES if t != "vision")
#: The shipped example workload (an assumption, not data from the article).
EXAMPLE_WORKLOAD = "workload-example.yml"
#: The policy savings are measured against, unless the user picks another.
DEFAULT_BASELINE = "GPT-4o"
ARTICLE_ROUTER = "article router"
THRESHOLD_POLICY = "cheapest meeting thresholds"
OPTIMISED_POLICY = "optimised within budget"
#: Example quality thresholds (an assumption): minimum score on the task's benchmark.
EXAMPLE_THRESHOLDS = {"code": 91.0, "reasoning": 87.0, "chinese": 89.0, "general": 85.0}
SHARE_TOLERANCE = 1e-3


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class KeyProblem(Problem):
    """One thing wrong with one key of a YAML file (``column`` holds the dotted key).

    >>> str(KeyProblem("w.yml", 4, "tasks.code.share", "-1", "a share from 0 to 1"))
    "w.yml, line 4, key 'tasks.code.share': got '-1'; expected a share from 0 to 1"
    """

    field_label = "key"


class WorkloadError(DataError):
    """A workload file (or mix) is invalid; ``problems`` lists every problem at once."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__(problems, subject="the workload",
                         advice=f"Fix the keys listed above and run again (data/{EXAMPLE_WORKLOAD} is a valid example).")


# --------------------------------------------------------------------------- workload


@dataclass(frozen=True)
class Workload:
    """A month of traffic: per task type its share of requests and tokens per request.

    ``tasks`` has columns ``task_type, share, input_tokens, output_tokens`` (tokens per request,
    averages); shares sum to 1.

    >>> w = Workload.from_mix({"code": 0.25, "general": 0.75}, {"code": (2000, 600), "general": (800, 300)}, 1e6)
    >>> w.frame()[["task_type", "requests_per_month", "monthly_input_tokens"]].to_dict("list")
    {'task_type': ['code', 'general'], 'requests_per_month': [250000.0, 750000.0], 'monthly_input_tokens': [500000000.0, 600000000.0]}
    """

    tasks: pd.DataFrame
    requests_per_month: float
    name: str = "workload"
    source: str | None = None
    notes: tuple[str, ...] = ()

    @classmethod
    def from_mix(cls, shares: Mapping[str, float], tokens: Mapping[str, tuple[float, float]],
                 requests_per_month: float, name: str = "workload") -> Workload:
        """A workload from ``{task: share}`` and ``{task: (input_tokens, output_tokens)}``."""
        problems = []
        for task, share in shares.items():
            if task not in TASK_TYPES:
                problems.append(KeyProblem("mix", None, task, task, "a task type: " + ", ".join(TASK_TYPES)))
            elif task not in tokens:
                problems.append(KeyProblem("mix", None, task, None,
                                           f"tokens per request for {task} (input and output)"))
            if not (isinstance(share, (int, float)) and 0 <= share <= 1):
                problems.append(KeyProblem("mix", None, task, str(share), "a share from 0 to 1"))
        if problems:
            raise WorkloadError(problems)
        total = sum(shares.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise WorkloadError([KeyProblem("mix", None, "shares", f"{total:g}", "shares summing to 1")])
        rows = [{"task_type": t, "share": s / total, "input_tokens": float(tokens[t][0]),
                 "output_tokens": float(tokens[t][1])} for t, s in shares.items()]
        return cls(_order_tasks(pd.DataFrame(rows)), float(requests_per_month), name)

    def frame(self) -> pd.DataFrame:
        """The tasks with ``requests_per_month`` and monthly input and output tokens."""
        f = self.tasks.copy()
        f["requests_per_month"] = f.share * self.requests_per_month
        f["monthly_input_tokens"] = f.requests_per_month * f.input_tokens
        f["monthly_output_tokens"] = f.requests_per_month * f.output_tokens
        return f

    def with_volume(self, requests_per_month: float) -> Workload:
        """The same mix at another monthly volume.

        >>> example_workload().with_volume(10).requests_per_month
        10.0
        """
        if not (requests_per_month >= 0 and math.isfinite(requests_per_month)):
            raise ValueError(f"requests_per_month must be a finite number >= 0, got {requests_per_month!r}")
        return replace(self, requests_per_month=float(requests_per_month))

    def with_mix(self, shares: Mapping[str, float]) -> Workload:
        """The same tokens per request with other shares; task types not named get share 0.

        >>> w = example_workload().with_mix({"code": 0.5, "general": 0.5})
        >>> w.tasks.set_index("task_type").share.to_dict()["vision"]
        0.0
        """
        known = self.tasks.set_index("task_type")
        problems = []
        for task, share in shares.items():
            if task not in known.index:
                expected = ("a task type of the workload: " + ", ".join(known.index)
                            if task in TASK_TYPES else "a task type: " + ", ".join(TASK_TYPES))
                problems.append(KeyProblem("mix", None, task, task, expected + " (its tokens per request "
                                           "come from the workload file)"))
            elif not (0 <= share <= 1):
                problems.append(KeyProblem("mix", None, task, f"{share:g}", "a share from 0 to 1"))
        total = sum(shares.values())
        if not problems and abs(total - 1) > SHARE_TOLERANCE:
            problems.append(KeyProblem("mix", None, "shares", f"{total:g}", "shares summing to 1"))
        if problems:
            raise WorkloadError(problems)
        tasks = self.tasks.copy()
        tasks["share"] = [shares.get(t, 0.0) / total for t in tasks.task_type]
        return replace(self, tasks=tasks, notes=self.notes + (f"shares set by the mix parameter: "
                                                              f"{format_mapping(shares)}",))

    def text_only(self) -> bool:
        """Whether no request of the workload needs vision."""
        return float(self.tasks.loc[self.tasks.task_type == "vision", "share"].sum()) == 0


def _order_tasks(frame: pd.DataFrame) -> pd.DataFrame:
    order = {t: i for i, t in enumerate(TASK_TYPES)}
    return frame.sort_values("task_type", key=lambda s: s.map(order)).reset_index(drop=True)


def parse_mapping(text: str | Mapping | None, what: str = "mix") -> dict[str, float]:
    """``"code:0.5, general:0.5"`` (``=`` works too, or a dict) as ``{task: number}``; empty gives ``{}``.

    >>> parse_mapping("code:0.5, general = 0.5")
    {'code': 0.5, 'general': 0.5}
    >>> parse_mapping({"code": 91})
    {'code': 91.0}
    >>> parse_mapping("code 0.5")
    Traceback (most recent call last):
    ...
    ValueError: mix: got 'code 0.5'; expected task:number pairs separated by commas, such as code:0.5, general:0.5
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    if isinstance(text, Mapping):
        items = list(text.items())
    else:
        items = []
        for part in str(text).split(","):
            if not part.strip():
                continue
            key, sep, value = part.replace("=", ":", 1).partition(":")
            if not sep:
                raise ValueError(f"{what}: got {part.strip()!r}; expected task:number pairs separated by "
                                 f"commas, such as code:0.5, general:0.5")
            items.append((key.strip(), value.strip()))
    out = {}
    for key, value in items:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: {key}:{value!r} is not a number; expected task:number") from None
        if key not in TASK_TYPES:
            raise ValueError(f"{what}: got task type {key!r}; expected one of {', '.join(TASK_TYPES)}")
        out[str(key)] = number
    return out


def format_mapping(mapping: Mapping[str, float]) -> str:
    """``{task: number}`` back as ``code:0.5, general:0.5`` (what :func:`parse_mapping` reads).

    >>> format_mapping({"code": 0.5, "general": 0.5})
    'code:0.5, general:0.5'
    """
    return ", ".join(f"{k}:{v:g}" for k, v in mapping.items())


_TOP_KEYS = {"name": "text", "description": "text", "requests_per_month": "number", "tasks": "mapping"}
_TASK_KEYS = ("share", "input_tokens", "output_tokens")


def load_workload(path: str | Path | None = None) -> Workload:
    """A workload from a YAML file (``None`` or ``""``: the shipped example, an assumption).

    Every problem is listed at once, each with the file, line, key, value and what was expected.

    >>> w = load_workload()
    >>> w.requests_per_month, list(w.tasks.task_type)
    (1000000.0, ['code', 'reasoning', 'chinese', 'vision', 'general'])

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "w.yml"
    >>> _ = bad.write_text("requests_per_month: -5\\ntasks:\\n  code: {share: 1.2, input_tokens: 10, output_tokens: x}\\n")
    >>> try:
    ...     load_workload(bad)
    ... except WorkloadError as err:
    ...     for p in err.problems: print(p.line, p.column, p.value)
    1 requests_per_month -5
    3 tasks.code.share 1.2
    3 tasks.code.output_tokens x
    """
    path = paths.user_or_shipped(path, EXAMPLE_WORKLOAD)
    label = f"data/{path.name}" if path.resolve().parent == paths.DATA.resolve() else str(path)
    if not path.exists():
        raise FileNotFoundError(f"workload file {path} does not exist: pass an existing YAML file "
                                f"(data/{EXAMPLE_WORKLOAD} is an example)")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise WorkloadError([KeyProblem(label, mark.line + 1 if mark else None, None, None,
                                        f"valid YAML ({getattr(exc, 'problem', exc)})")]) from None
    problems: list[Problem] = []

    def bad(node, key, expected, value=True):
        shown = node.value if value and isinstance(node, yaml.ScalarNode) else None
        problems.append(KeyProblem(label, node.start_mark.line + 1, key, shown, expected))

    if not isinstance(root, yaml.MappingNode):
        raise WorkloadError([KeyProblem(label, 1, None, None, "a mapping with requests_per_month and tasks")])
    top: dict[str, yaml.Node] = {}
    for knode, vnode in root.value:
        key = knode.value
        if key in top:
            bad(knode, key, f"each key once (already on line {top[key].start_mark.line + 1})", value=False)
        elif key not in _TOP_KEYS:
            bad(knode, key, "one of " + ", ".join(_TOP_KEYS), value=False)
        top[key] = vnode
    for key in ("requests_per_month", "tasks"):
        if key not in top:
            problems.append(KeyProblem(label, None, key, None, f"a {key} key"))
    rpm = None
    if "requests_per_month" in top:
        rpm = _number(top["requests_per_month"])
        if rpm is None or rpm < 0:
            bad(top["requests_per_month"], "requests_per_month", "requests per month, a number >= 0")
            rpm = None
    rows = []
    tasks_node = top.get("tasks")
    if tasks_node is not None and not isinstance(tasks_node, yaml.MappingNode):
        bad(tasks_node, "tasks", "a mapping of task type to share, input_tokens and output_tokens", value=False)
    elif tasks_node is not None:
        seen: dict[str, int] = {}
        for knode, vnode in tasks_node.value:
            task = knode.value
            where = f"tasks.{task}"
            if task in seen:
                bad(knode, where, f"each task type once (already on line {seen[task]})", value=False)
                continue
            seen[task] = knode.start_mark.line + 1
            if task not in TASK_TYPES:
                bad(knode, "tasks", "a task type: " + ", ".join(TASK_TYPES))
                continue
            if not isinstance(vnode, yaml.MappingNode):
                bad(vnode, where, "a mapping with share, input_tokens and output_tokens", value=False)
                continue
            values: dict[str, float | None] = {}
            given = {k.value: (k, v) for k, v in vnode.value}
            for k, (kn, _) in given.items():
                if k not in _TASK_KEYS:
                    bad(kn, f"{where}.{k}", "one of " + ", ".join(_TASK_KEYS), value=False)
            for k in _TASK_KEYS:
                if k not in given:
                    bad(vnode, f"{where}.{k}", f"{k} for {task}", value=False)
                    continue
                number = _number(given[k][1])
                if k == "share":
                    ok = number is not None and 0 <= number <= 1
                    expected = "a share from 0 to 1 (0.3 for 30 percent)"
                else:
                    ok = number is not None and number >= 0
                    expected = f"{k.replace('_', ' ')} per request, a number >= 0"
                if not ok:
                    bad(given[k][1], f"{where}.{k}", expected)
                values[k] = number if ok else None
            if all(v is not None for v in values.values()) and len(values) == 3:
                rows.append({"task_type": task, **values, "_line": seen[task]})
        if not seen:
            bad(tasks_node, "tasks", "at least one task type", value=False)
    if not problems and rows:
        total = sum(r["share"] for r in rows)
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(KeyProblem(label, tasks_node.start_mark.line + 1, "tasks.*.share", f"{total:g}",
                                       "shares summing to 1"))
    if problems:
        raise WorkloadError(sorted(problems, key=lambda p: p.line or 0))
    frame = pd.DataFrame(rows).drop(columns="_line")
    frame["share"] = frame.share / frame.share.sum()
    name = top["name"].value if "name" in top and isinstance(top["name"], yaml.ScalarNode) else path.stem
    return Workload(_order_tasks(frame), float(rpm), name=name, source=str(path))


def _number(node) -> float | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":bool") or node.tag.endswith(":null"):
        return None
    try:
        value = float(str(node.value).replace("_", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def example_workload() -> Workload:
    """The shipped example workload (``data/workload-example.yml``), an assumption.

    >>> example_workload().tasks.share.sum()
    np.float64(1.0)
    """
    return load_workload(None)


# --------------------------------------------------------------------------- capabilities


def capabilities(pricing: pd.DataFrame | None = None, benchmarks: pd.DataFrame | None = None,
                 model_facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each model costs, can serve and scores, one row per model (index ``model``).

    ``vision`` is true only where the data says true (``vision_known`` says whether it says
    anything); ``context_window_tokens`` is NaN where unknown; one column per benchmark.

    >>> caps = capabilities()
    >>> [caps.loc["GPT-4o", c].item() for c in ("vision", "context_window_tokens", "humaneval")]
    [True, 128000.0, 92.5]
    >>> caps.loc["Qwen3-32B", ["vision", "vision_known"]].tolist()
    [False, False]
    """
    from analysis.data import load_benchmarks, load_model_facts, load_pricing, scores_wide

    if pricing is None:
        pricing = load_pricing()
    if benchmarks is None:
        benchmarks = load_benchmarks(pricing=pricing)
    if model_facts is None:
        model_facts = load_model_facts(pricing=pricing)
    caps = pricing.set_index("model")[["provider", "origin"]].copy()
    for basis in ("input", "output"):  # the price table's own bases: unknown stays NaN, never 0
        caps[f"{basis}_usd_per_mtok"] = price_on_basis(pricing, basis).set_index("model")["usd_per_mtok"]
    facts = model_facts.set_index("model")
    vision = facts["vision"].reindex(caps.index) if "vision" in facts else pd.Series(pd.NA, index=caps.index)
    caps["vision_known"] = vision.notna().astype(bool).to_numpy()
    caps["vision"] = vision.fillna(False).astype(bool).to_numpy()
    ctx = facts["context_window_ktok"].reindex(caps.index) if "context_window_ktok" in facts else np.nan
    caps["context_window_tokens"] = pd.Series(ctx, index=caps.index, dtype=float) * 1000
    scores = scores_wide(benchmarks)
    for bench in ("mmlu", "humaneval", "ceval"):
        caps[bench] = scores[bench].reindex(caps.index) if bench in scores else np.nan
    caps.index.name = "model"
    return caps


def capability_notes(caps: pd.DataFrame) -> list[str]:
    """What the data leaves unknown about the models, in sentences for the report.

    >>> notes = capability_notes(capabilities())
    >>> any(n.startswith("Vision is unknown") for n in notes)
    True
    """
    notes = []
    unknown_vision = caps.index[~caps.vision_known].tolist()
    if unknown_vision:
        notes.append(f"Vision is unknown in the data for {len(unknown_vision)} models "
                     f"({', '.join(unknown_vision)}): they are treated as having no vision.")
    unknown_ctx = caps.index[caps.context_window_tokens.isna()].tolist()
    if unknown_ctx:
        notes.append(f"Context window unknown for {len(unknown_ctx)} models ({', '.join(unknown_ctx)}): "
                     "requests are not checked against it for them.")
    no_price = caps.index[caps.input_usd_per_mtok.isna() | caps.output_usd_per_mtok.isna()].tolist()
    if no_price:
        notes.append(f"Price unknown (input or output) for {', '.join(no_price)}: they serve no request "
                     "that needs the unknown price.")
    no_score = caps.index[caps[["mmlu", "humaneval", "ceval"]].isna().all(axis=1)].tolist()
    if no_score:
        notes.append(f"No benchmark score at all in the data for {', '.join(no_score)}: their quality is unknown.")
    notes.append("Vision has no benchmark in the data: the quality of vision requests is unknown "
                 "and left out of expected quality (not guessed).")
    return notes


def refusal(cap: pd.Series, task_type: str, needs_input_price: bool = True, needs_output_price: bool = True,
            request_tokens: float | None = None, over_context: bool | None = None) -> str | None:
    """Why model ``cap`` (a row of :func:`capabilities`) cannot serve a request, or ``None``.

    Give either ``request_tokens`` (compared with the known context window) or ``over_context``
    (already compared).

    >>> caps = capabilities()
    >>> refusal(caps.loc["DeepSeek V4 Flash"], "vision")
    'no vision (model_facts.csv says false)'
    >>> refusal(caps.loc["Qwen3-32B"], "vision")
    'vision unknown in model_facts.csv (treated as no vision)'
    >>> refusal(caps.loc["GPT-4o"], "code", request_tokens=200_000)
    'request of 200,000 tokens exceeds the 128K context window'
    >>> refusal(caps.loc["Qwen3-Coder-30B"], "code")
    'input price unknown'
    >>> refusal(caps.loc["GPT-4o"], "vision") is None
    True
    """
    if needs_input_price and pd.isna(cap.input_usd_per_mtok):
        return "input price unknown"
    if needs_output_price and pd.isna(cap.output_usd_per_mtok):
        return "output price unknown"
    if task_type == "vision" and not cap.vision:
        return ("no vision (model_facts.csv says false)" if cap.vision_known
                else "vision unknown in model_facts.csv (treated as no vision)")
    ctx = cap.context_window_tokens
    if over_context is None and request_tokens is not None and pd.notna(ctx):
        over_context = request_tokens > ctx
    if over_context:
        shown = f"request of {request_tokens:,.0f} tokens" if request_tokens is not None else "request"
        return f"{shown} exceeds the {ctx / 1000:g}K context window"
    return None


def usd_per_request(cap: pd.Series, input_tokens: float, output_tokens: float) -> float:
    """What one request costs on a model; a price not needed (0 tokens) may be unknown.

    >>> float(usd_per_request(capabilities().loc["GPT-4o"], 1000, 500))
    0.0075
    >>> float(usd_per_request(capabilities().loc["Qwen3.5-397B"], 0, 1e6))
    2.34
    """
    cost = 0.0
    for tokens, price in ((input_tokens, cap.input_usd_per_mtok), (output_tokens, cap.output_usd_per_mtok)):
        if tokens:
            cost += tokens * price / 1e6
    return cost


def task_model_table(workload: Workload, caps: pd.DataFrame) -> pd.DataFrame:
    """Every task type × model: cost per request and per month, score, and why it cannot serve.

    >>> t = task_model_table(example_workload(), capabilities())
    >>> t.query("task_type == 'vision' and eligible").model.tolist()
    ['GPT-4o']
    """
    rows = []
    cap_rows = list(zip(caps.index, caps.itertuples(index=False)))
    for task in workload.frame().itertuples(index=False):
        bench = TASK_BENCHMARK[task.task_type]
        for model, cap in cap_rows:
            reason = refusal(cap, task.task_type, request_tokens=task.input_tokens + task.output_tokens)
            per_request = np.nan if reason else usd_per_request(cap, task.input_tokens, task.output_tokens)
            rows.append({
                "task_type": task.task_type, "model": model, "origin": cap.origin,
                "share": task.share, "requests_per_month": task.requests_per_month,
                "usd_per_request": per_request, "monthly_cost_usd": per_request * task.requests_per_month,
                "benchmark": bench, "score": getattr(cap, bench) if bench else np.nan,
                "eligible": reason is None, "reason": reason,
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class Policy:
    """Where each task type goes: an ordered list of models per task (first that can serve wins).

    >>> article_router().routes["vision"], article_router().routes["code"]
    (('GPT-4o',), ('DeepSeek V4 Flash', 'GPT-4o'))
    """

    name: str
    kind: str  # single | router | threshold | optimised
    routes: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()
    details: dict = field(default_factory=dict, compare=False)


def single_model_policies(caps: pd.DataFrame) -> list[Policy]:
    """One policy per model: every task type on that model alone.

    >>> [p.name for p in single_model_policies(capabilities())][:2]
    ['GPT-4o', 'Claude 3.5 Sonnet']
    """
    return [Policy(str(m), "single", {t: (str(m),) for t in TASK_TYPES}) for m in caps.index]


def article_router() -> Policy:
    """The source article's router: DeepSeek V4 Flash for text, GPT-4o for vision.

    The article keeps "GPT-4o behind a fallback route" for requests V4 Flash cannot serve, so
    GPT-4o is the second choice for text.
    """
    text = ("DeepSeek V4 Flash", "GPT-4o")
    return Policy(ARTICLE_ROUTER, "router", {**{t: text for t in TEXT_TASKS}, "vision": ("GPT-4o",)},
                  notes=("as the article describes it: DeepSeek V4 Flash for text, GPT-4o for vision "
                         "and as the fallback",))


def threshold_policy(table: pd.DataFrame, thresholds: Mapping[str, float]) -> Policy:
    """Per task type, the models that can serve it and score at least its threshold, cheapest first.

    A task type without a benchmark (vision) cannot be checked: it goes to the cheapest model
    that can serve it, and the policy's notes say so. A task type without a threshold takes
    the cheapest model that can serve it.

    >>> t = task_model_table(example_workload(), capabilities())
    >>> p = threshold_policy(t, {"chinese": 89})
    >>> p.routes["chinese"][0], p.routes["vision"]
    ('Qwen3-32B', ('GPT-4o',))
    """
    routes, notes = {}, []
    for task, rows in table.groupby("task_type", sort=False):
        ok = rows[rows.eligible]
        bench = rows.benchmark.iloc[0]
        if pd.isna(bench):
            notes.append(f"{task}: no benchmark in the data, threshold not checked; cheapest model that "
                         "can serve it")
        elif task in thresholds:
            ok = ok[ok.score >= thresholds[task]]
            if ok.empty:
                notes.append(f"{task}: no model that can serve it scores {thresholds[task]:g} or more on "
                             f"{bench}; not served")
        ok = ok.sort_values(["usd_per_request", "score", "model"], ascending=[True, False, True])
        routes[task] = tuple(ok.model)
    return Policy(THRESHOLD_POLICY, "threshold", routes, notes=tuple(notes),
                  details={"thresholds": dict(thresholds)})


def quality_weights(workload: Workload) -> pd.Series:
    """Each task type's weight in expected quality: its share among tasks with a benchmark.

    >>> quality_weights(example_workload()).round(4).to_dict()["vision"]
    0.0
    """
    shares = workload.tasks.set_index("task_type").share
    scored = shares.where([TASK_BENCHMARK[t] is not None for t in shares.index], 0.0)
    total = scored.sum()
    return scored / total if total > 0 else scored * 0


def optimise_policy(table: pd.DataFrame, workload: Workload, budget_usd: float | None) -> Policy:
    """The assignment (one model per task type) with the highest expected quality within the budget.

    Solved exactly as an integer programme with :func:`scipy.optimize.milp`; among assignments of
    equal quality the cheapest wins. Only models with a known score on a task's benchmark are
    candidates for it (their quality would otherwise be a guess); a task type without a
    benchmark goes to a model that can serve it, adding cost but no quality. ``budget_usd``
    ``None`` (or inf) means no budget. When even the cheapest assignment exceeds the budget, the
    policy routes nothing and its notes say what the cheapest assignment costs.

    >>> t = task_model_table(example_workload(), capabilities())
    >>> p = optimise_policy(t, example_workload(), 2000)
    >>> p.details["monthly_cost_usd"] <= 2000, p.routes["vision"], p.routes["chinese"][0]
    (True, ('GPT-4o',), 'GLM-5')
    """
    budget = math.inf if budget_usd is None or (isinstance(budget_usd, float) and math.isnan(budget_usd)) \
        else float(budget_usd)
    weights = quality_weights(workload)
    active = [t for t in workload.tasks.task_type if workload.tasks.set_index("task_type").share[t] > 0]
    cand = table[table.task_type.isin(active) & table.eligible].copy()
    scored = cand.benchmark.notna()
    cand = cand[~scored | cand.score.notna()]
    cand["value"] = [weights[t] * s if pd.notna(b) else 0.0
                     for t, s, b in zip(cand.task_type, cand.score, cand.benchmark)]
    cand = cand.reset_index(drop=True)
    notes = []
    missing = [t for t in active if t not in set(cand.task_type)]
    if missing:
        return Policy(OPTIMISED_POLICY, "optimised", {}, notes=(
            f"no model can serve {', '.join(missing)} with a known score: nothing to optimise",),
            details={"status": "infeasible", "budget_usd": budget})
    cheapest = cand.groupby("task_type").monthly_cost_usd.min().sum()
    if cheapest > budget:
        return Policy(OPTIMISED_POLICY, "optimised", {}, notes=(
            f"infeasible: the cheapest assignment costs ${cheapest:,.2f} a month, above the budget "
            f"${budget:,.2f}",), details={"status": "infeasible", "budget_usd": budget,
                                          "cheapest_usd": cheapest})
    chosen = _solve_assignment(cand, active, budget)
    # the chosen model first; for a request it cannot serve (a longer one), the others by score, then cost
    routes = {t: (cand.model[i], *cand[(cand.task_type == t) & (cand.index != i)]
                  .sort_values(["score", "usd_per_request"], ascending=[False, True]).model)
              for t, i in chosen.items()}
    cost = float(sum(cand.monthly_cost_usd[i] for i in chosen.values()))
    quality = float(sum(cand.value[i] for i in chosen.values()))
    if not any(TASK_BENCHMARK[t] for t in active):
        notes.append("no task type of the workload has a benchmark: the cheapest assignment")
    return Policy(OPTIMISED_POLICY, "optimised", routes, notes=tuple(notes), details={
        "status": "optimal", "budget_usd": budget, "monthly_cost_usd": cost, "objective_quality": quality})


def _solve_assignment(cand: pd.DataFrame, tasks: list[str], budget: float) -> dict[str, int]:
    """Max total value, then min cost at that value, one candidate per task, cost <= budget."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(cand)
    cost = cand.monthly_cost_usd.to_numpy(float)
    value = cand.value.to_numpy(float)
    a_eq = np.array([(cand.task_type == t).to_numpy(float) for t in tasks])
    scale = max(1.0, float(cost.max()))
    integrality = np.ones(n)
    bounds = Bounds(0, 1)
    one = LinearConstraint(a_eq, 1, 1)

    def solve(c, extra):
        res = milp(c, constraints=[one, *extra], integrality=integrality, bounds=bounds,
                   options={"mip_rel_gap": 0})
        if res.x is None:
            return None
        return np.round(res.x).astype(bool)

    limit = budget
    for _ in range(5):
        cons = [] if math.isinf(limit) else [LinearConstraint(cost / scale, -np.inf, limit / scale)]
        x = solve(-value, cons)
        if x is None:
            break
        best = value[x].sum()
        floor = best - 1e-9 * max(1.0, abs(best))
        x2 = solve(cost / scale, cons + [LinearConstraint(value, floor, np.inf)])
        if x2 is not None and value[x2].sum() >= floor:
            x = x2
        spent = cost[x].sum()
        if spent <= budget:
            return {cand.task_type[i]: int(i) for i in np.flatnonzero(x)}
        limit -= (spent - budget) + 1e-9 * max(1.0, budget)  # solver tolerance: tighten and retry
    raise RuntimeError("the optimiser found no assignment within the budget although one exists; "
                       "please report this with the workload")


# --------------------------------------------------------------------------- evaluation


def _lookup(table: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """``{task: {model: row}}`` of a :func:`task_model_table`, as plain dicts (fast to read)."""
    out: dict[str, dict[str, dict]] = {}
    for row in table.to_dict("records"):
        out.setdefault(row["task_type"], {})[row["model"]] = row
    return out


def assign(policy: Policy, table: pd.DataFrame, lookup: dict | None = None) -> pd.DataFrame:
    """Where each task type of the workload goes under ``policy``, with its cost and score.

    A task type no model in its list can serve is ``model`` None, with the reason.

    >>> t = task_model_table(example_workload(), capabilities())
    >>> a = assign(single_model_policies(capabilities())[4], t).set_index("task_type")   # DeepSeek V4 Flash
    >>> a.loc["vision", "reason"]
    'DeepSeek V4 Flash: no vision (model_facts.csv says false)'
    """
    return pd.DataFrame(_assign_records(policy, lookup if lookup is not None else _lookup(table)))


def _assign_records(policy: Policy, lookup: dict[str, dict[str, dict]]) -> list[dict]:
    rows = []
    for task, options in lookup.items():
        first = next(iter(options.values()))
        base = {"policy": policy.name, "kind": policy.kind, "task_type": task, "share": first["share"],
                "requests_per_month": first["requests_per_month"], "benchmark": first["benchmark"]}
        route = policy.routes.get(task, ())
        reasons = []
        for model in route:
            row = options.get(model)
            if row is None:
                reasons.append(f"{model}: not in the pricing table")
                continue
            if row["eligible"]:
                rows.append({**base, "model": model, "origin": row["origin"],
                             "usd_per_request": row["usd_per_request"],
                             "monthly_cost_usd": row["monthly_cost_usd"], "score": row["score"], "reason": None})
                break
            reasons.append(f"{model}: {row['reason']}")
        else:
            if not route:
                reasons.append("the policy routes it nowhere" + (f" ({policy.notes[0]})" if policy.notes else ""))
            rows.append({**base, "model": None, "origin": None, "usd_per_request": np.nan,
                         "monthly_cost_usd": np.nan, "score": np.nan, "reason": "; ".join(reasons)})
    return rows


def summarise(policy: Policy, assignment: pd.DataFrame | list[dict], workload: Workload,
              weights: Mapping[str, float] | None = None) -> dict:
    """One policy's monthly cost, expected quality and what it cannot serve.

    ``monthly_cost_usd`` is the month's bill when the policy serves every request and NaN when it
    cannot (``unserved`` says which task types fail and why); ``served_cost_usd`` is the bill of
    the requests it does serve. ``expected_quality`` is the share-weighted score over the task
    types that have a benchmark; it is NaN (with ``quality_note``) when a served task's model
    has no score.
    """
    records = assignment.to_dict("records") if isinstance(assignment, pd.DataFrame) else assignment
    a = [r for r in records if r["share"] > 0]
    weights = quality_weights(workload).to_dict() if weights is None else weights
    served = [r for r in a if isinstance(r["model"], str)]
    unserved = [r for r in a if not isinstance(r["model"], str)]
    scored = [r for r in a if isinstance(r["benchmark"], str)]
    unknown = [r for r in scored if isinstance(r["model"], str) and pd.isna(r["score"])]
    note = None
    quality = np.nan
    if not scored:
        note = "no task type with a benchmark"
    elif any(not isinstance(r["model"], str) for r in scored):
        note = "some scored task types are not served"
    elif unknown:
        note = "no score in the data for " + ", ".join(f"{r['model']} on {r['benchmark']} ({r['task_type']})"
                                                         for r in unknown)
    else:
        quality = float(sum(weights[r["task_type"]] * r["score"] for r in scored))
    served_cost = float(sum(r["monthly_cost_usd"] for r in served)) if served else np.nan
    return {
        "policy": policy.name, "kind": policy.kind,
        "monthly_cost_usd": served_cost if not unserved else np.nan,
        "served_cost_usd": served_cost,
        "served_share": float(sum(r["share"] for r in served)),
        "serves_all": not unserved,
        "unserved": ", ".join(f"{r['task_type']} ({r['reason']})" for r in unserved) or None,
        "expected_quality": quality, "quality_note": note,
        "models": ", ".join(dict.fromkeys(r["model"] for r in served)),
    }


@dataclass
class Evaluation:
    """Every policy on one workload: ``summary`` (one row per policy), ``assignments`` (per task)."""

    workload: Workload
    policies: list[Policy]
    summary: pd.DataFrame
    assignments: pd.DataFrame
    table: pd.DataFrame
    baseline: str
    notes: list[str]

    def policy(self, name: str) -> Policy:
        """The policy called ``name`` (or ``"optimised"``, ``"threshold"``, ``"router"`` by kind)."""
        for p in self.policies:
            if p.name == name:
                return p
        for p in self.policies:
            if p.kind == {"optimised": "optimised", "threshold": "threshold", "router": "router"}.get(name):
                return p
        raise ValueError(f"no policy {name!r}; choose one of: {', '.join(p.name for p in self.policies)}")


def build_policies(table: pd.DataFrame, workload: Workload, caps: pd.DataFrame,
                   thresholds: Mapping[str, float] | None = None, budget_usd: float | None = None) -> list[Policy]:
    """The shipped policies: every model alone, the article's router, thresholds, optimised."""
    thresholds = EXAMPLE_THRESHOLDS if thresholds is None else thresholds
    return [*single_model_policies(caps), article_router(), threshold_policy(table, thresholds),
            optimise_policy(table, workload, budget_usd)]


def evaluate(workload: Workload, caps: pd.DataFrame, thresholds: Mapping[str, float] | None = None,
             budget_usd: float | None = None, baseline: str = DEFAULT_BASELINE,
             extra_policies: Iterable[Policy] = ()) -> Evaluation:
    """Cost, expected quality and savings of every policy on ``workload``; a pure function.

    ``savings_usd`` and ``savings_pct`` compare with ``baseline`` (a policy name); they are NaN
    when the policy or the baseline does not serve every request (the bills would cover
    different traffic).

    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> s = ev.summary.set_index("policy")
    >>> bool(s.loc["DeepSeek V4 Flash", "serves_all"]), s.loc["GPT-4o", "savings_usd"]
    (False, np.float64(0.0))
    >>> bool(s.loc[OPTIMISED_POLICY, "monthly_cost_usd"] <= 2000)
    True
    """
    table = task_model_table(workload, caps)
    policies = build_policies(table, workload, caps, thresholds, budget_usd) + list(extra_policies)
    names = [p.name for p in policies]
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} is not a policy; choose one of: {', '.join(names)}")
    lookup = _lookup(table)
    records = [_assign_records(p, lookup) for p in policies]
    assignments = pd.DataFrame([r for recs in records for r in recs])
    weights = quality_weights(workload).to_dict()
    rows = [summarise(p, recs, workload, weights) for p, recs in zip(policies, records)]
    summary = pd.DataFrame(rows)
    base = summary.set_index("policy").loc[baseline]
    comparable = summary.serves_all & bool(base.serves_all)
    summary["savings_usd"] = (base.monthly_cost_usd - summary.monthly_cost_usd).where(comparable)
    summary["savings_pct"] = (100 * summary.savings_usd / base.monthly_cost_usd).where(
        comparable & (base.monthly_cost_usd > 0))
    summary["notes"] = ["; ".join(p.notes) or None for p in policies]
    summary["origin"] = [caps.origin.get(p.name, "mixed") if p.kind == "single" else "mixed" for p in policies]
    summary.attrs.update(baseline=baseline, requests_per_month=workload.requests_per_month)
    notes = capability_notes(caps)
    if not base.serves_all:
        notes.append(f"The baseline {baseline} does not serve every request ({base.unserved}): "
                     "savings are not comparable and left empty.")
    return Evaluation(workload, policies, summary, assignments, table, baseline, notes)


def policy_frontier(summary: pd.DataFrame) -> pd.DataFrame:
    """The cost-quality frontier of the policies (cheaper and better is better).

    Built on :func:`analysis.frontier.pareto_frontier`; a policy that does not serve every
    request, or whose quality is unknown, is off the frontier with ``excluded_reason``.

    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> f = policy_frontier(ev.summary).set_index("policy")
    >>> f.loc[ARTICLE_ROUTER, "on_frontier"], f.loc["GPT-4o", "on_frontier"]
    (np.True_, np.True_)
    >>> f.loc["DeepSeek V4 Flash", "excluded_reason"][:40]
    'does not serve: vision (DeepSeek V4 Flas'
    """
    from analysis.frontier import pareto_frontier

    frame = summary.copy()
    frame["excluded_reason"] = [
        f"does not serve: {u}" if not ok else (f"expected quality unknown: {n}" if pd.isna(q) else None)
        for ok, u, q, n in zip(frame.serves_all, frame.unserved, frame.expected_quality, frame.quality_note)]
    return pareto_frontier(frame, price_col="monthly_cost_usd", score_col="expected_quality", name_col="policy")


def routing_table(evaluation: Evaluation, policy: str) -> pd.DataFrame:
    """The per-task routing table of one policy: model, tokens, cost, score, reason.

    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> routing_table(ev, ARTICLE_ROUTER).set_index("task_type").loc["vision", "model"]
    'GPT-4o'
    """
    name = evaluation.policy(policy).name
    a = evaluation.assignments[evaluation.assignments.policy == name].drop(columns=["policy", "kind"])
    tokens = evaluation.workload.tasks.set_index("task_type")[["input_tokens", "output_tokens"]]
    return a.join(tokens, on="task_type")[["task_type", "share", "requests_per_month", "input_tokens",
                                           "output_tokens", "model", "usd_per_request", "monthly_cost_usd",
                                           "benchmark", "score", "reason"]].reset_index(drop=True)


def volume_sweep(workload: Workload, caps: pd.DataFrame, volumes: Iterable[float],
                 thresholds: Mapping[str, float] | None = None, budget_usd: float | None = None,
                 baseline: str = DEFAULT_BASELINE) -> pd.DataFrame:
    """Cost, quality and savings of every policy at each monthly volume (requests per month).

    The optimised policy is re-solved at each volume: with a fixed budget it trades quality
    for cost as the volume grows.

    >>> s = volume_sweep(example_workload(), capabilities(), [1e5, 1e6], budget_usd=2000)
    >>> s.query("policy == 'GPT-4o'").monthly_cost_usd.round(2).tolist()
    [758.75, 7587.5]
    """
    frames = []
    for v in volumes:
        ev = evaluate(workload.with_volume(v), caps, thresholds, budget_usd, baseline)
        frames.append(ev.summary.assign(requests_per_month=float(v)))
    return pd.concat(frames, ignore_index=True)[
        ["requests_per_month", "policy", "kind", "monthly_cost_usd", "served_cost_usd", "serves_all",
         "expected_quality",
         "savings_usd", "savings_pct"]]


def brute_force_optimum(table: pd.DataFrame, workload: Workload, budget_usd: float) -> tuple[float, float] | None:
    """The best (quality, cost) over every assignment by enumeration: a check on the optimiser.

    Exponential in the number of task types: for small instances only.

    >>> t = task_model_table(example_workload(), capabilities())
    >>> q, c = brute_force_optimum(t, example_workload(), 2000)
    >>> p = optimise_policy(t, example_workload(), 2000)
    >>> bool(abs(q - p.details["objective_quality"]) < 1e-9)
    True
    """
    weights = quality_weights(workload)
    shares = workload.tasks.set_index("task_type").share
    active = [t for t in shares.index if shares[t] > 0]
    options = []
    for t in active:
        rows = table[(table.task_type == t) & table.eligible]
        if TASK_BENCHMARK[t] is not None:
            rows = rows[rows.score.notna()]
        options.append([(weights[t] * r.score if TASK_BENCHMARK[t] else 0.0, r.monthly_cost_usd)
                        for r in rows.itertuples()])
    best = None
    for combo in itertools.product(*options):
        cost = sum(c for _, c in combo)
        if cost > budget_usd:
            continue
        quality = sum(q for q, _ in combo)
        if best is None or quality > best[0] + 1e-9 or (abs(quality - best[0]) <= 1e-9 and cost < best[1]):
            best = (quality, cost)
    return best


# --------------------------------------------------------------------------- for people


def scenario(workload: Workload, caps: pd.DataFrame, requests_per_month: float | None = None,
             mix: Mapping[str, float] | None = None, thresholds: Mapping[str, float] | None = None,
             budget_usd: float | None = None, baseline: str = DEFAULT_BASELINE) -> Evaluation:
    """:func:`evaluate` after setting the volume and the mix: one call for a notebook or a widget.

    ``requests_per_month`` ``None`` or 0 and ``mix`` empty keep the workload's own.

    >>> ev = scenario(example_workload(), capabilities(), requests_per_month=1e5, mix={"code": 1.0})
    >>> ev.workload.requests_per_month, ev.summary.set_index("policy").loc["GPT-4o", "monthly_cost_usd"].round(2)
    (100000.0, np.float64(1100.0))
    """
    if mix:
        workload = workload.with_mix(mix)
    if requests_per_month:
        workload = workload.with_volume(requests_per_month)
    return evaluate(workload, caps, thresholds, budget_usd, baseline)


def sweep_volumes(requests_per_month: float, points: int = 9, decades: float = 2.0) -> np.ndarray:
    """Monthly volumes for :func:`volume_sweep`: ``decades`` either side of the workload's own, and it.

    >>> [round(v) for v in sweep_volumes(1e6)]
    [10000, 31623, 100000, 316228, 1000000, 3162278, 10000000, 31622777, 100000000]
    >>> 2e6 in sweep_volumes(2e6)   # the workload's own volume is always one of them
    True
    >>> sweep_volumes(0)[[0, -1]].tolist()   # no volume: 1,000 to 10 million requests a month
    [1000.0, 10000000.0]
    """
    if requests_per_month > 0:
        centre = np.log10(requests_per_month)
        return np.unique(np.r_[np.logspace(centre - decades, centre + decades, points), requests_per_month])
    return np.logspace(3, 7, points)


def daily_scenarios(daily: pd.DataFrame, baseline: str) -> list[str]:
    """The few scenarios the daily-cost chart draws: as logged, the baseline, the router and the policies.

    >>> daily_scenarios(pd.DataFrame({"scenario": ["as logged", "GPT-4o", ARTICLE_ROUTER, "GLM-5"]}), "GPT-4o")
    ['as logged', 'GPT-4o', 'article router']
    """
    from analysis.usage import AS_LOGGED

    shown = [AS_LOGGED, baseline, ARTICLE_ROUTER, THRESHOLD_POLICY, OPTIMISED_POLICY]
    present = set(daily.scenario)
    return [s for s in dict.fromkeys(shown) if s in present]


def workload_markdown(workload: Workload) -> str:
    """The workload's name, monthly volume and notes, as Markdown.

    >>> print(workload_markdown(example_workload().with_volume(2e6)))
    **example workload (assumption)**: 2,000,000 requests a month.
    """
    return (f"**{workload.name}**: {workload.requests_per_month:,.0f} requests a month."
            + "".join(f"\n\n*{n}*" for n in workload.notes))


def policy_markdown(policy: Policy) -> str:
    """A policy's name and notes, as Markdown.

    >>> policy_markdown(article_router())
    '**article router**  \\n*as the article describes it: DeepSeek V4 Flash for text, GPT-4o for vision and as the fallback*'
    """
    return f"**{policy.name}**" + "".join(f"  \n*{n}*" for n in policy.notes)


def _usd2(v: float) -> str:
    from analysis.pricing import format_usd

    return format_usd(v, 2)


def _pct(v: float) -> str:
    return f"{v:.1f}%"


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def styled_workload(workload: Workload):
    """The workload's task mix for people: share, tokens per request, requests a month.

    >>> html = styled_workload(example_workload()).to_html()
    >>> "input tokens per request" in html and ">35%<" in html and ">350,000<" in html
    True
    """
    from analysis.publish import styled_table

    columns = {"task_type": "task type", "share": "share of requests", "input_tokens": "input tokens per request",
               "output_tokens": "output tokens per request", "requests_per_month": "requests a month"}
    return styled_table(workload.frame(), columns, {"share": "{:.0%}", "input_tokens": "{:,.0f}",
                                                    "output_tokens": "{:,.0f}", "requests_per_month": "{:,.0f}"})


def styled_summary(summary: pd.DataFrame):
    """The policies' summary for people: dollars, percent, ``n/a`` for unknown, no index.

    >>> html = styled_summary(evaluate(example_workload(), capabilities(), budget_usd=2000).summary).to_html()
    >>> "$7,587.50" in html and "n/a" in html and ">89.9<" in html
    True
    """
    from analysis.publish import styled_table

    columns = {"policy": "policy", "monthly_cost_usd": "monthly bill",
               "expected_quality": "expected quality, benchmark points",
               "savings_usd": f"saving vs {summary.attrs.get('baseline', 'baseline')}, a month",
               "savings_pct": "saving, %", "models": "models used", "unserved": "cannot serve"}
    return styled_table(summary, columns, {"monthly_cost_usd": _usd2, "savings_usd": _usd2,
                                           "expected_quality": "{:.1f}", "savings_pct": _pct},
                        na={"unserved": "", "models": ""})


def styled_routing_table(table: pd.DataFrame):
    """A per-task routing table for people (see :func:`routing_table`).

    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> html = styled_routing_table(routing_table(ev, ARTICLE_ROUTER)).to_html()
    >>> "$250.00" in html and ">HumanEval<" in html and ">none in the data<" in html
    True
    """
    from analysis.efficiency import BENCHMARK_SHORT
    from analysis.publish import styled_table

    columns = {"task_type": "task type", "share": "share of requests", "requests_per_month": "requests a month",
               "input_tokens": "input tokens per request", "output_tokens": "output tokens per request",
               "model": "model", "usd_per_request": "cost per request", "monthly_cost_usd": "monthly cost",
               "benchmark": "quality benchmark", "score": "score", "reason": "why not served"}
    return styled_table(table, columns, {
        "share": "{:.0%}", "requests_per_month": "{:,.0f}", "input_tokens": "{:,.0f}", "output_tokens": "{:,.0f}",
        "usd_per_request": "${:.5f}".format, "monthly_cost_usd": _usd2, "score": "{:g}",
        "benchmark": lambda v: BENCHMARK_SHORT.get(v, v)},
        na={"benchmark": "none in the data", "model": "not served", "reason": ""})


def styled_usage_totals(totals: pd.DataFrame, baseline: str):
    """A re-priced usage log's totals for people (``UsageReport.table()``): dollars, percent, notes.

    >>> t = pd.DataFrame({"scenario": ["as logged", "GPT-4o"], "kind": ["as logged", "single"],
    ...                   "cost_usd": [144.13, float("nan")], "monthly_cost_usd": [146.24, float("nan")],
    ...                   "rows_unserved": [0, 996], "savings_vs_logged_pct": [0.0, float("nan")],
    ...                   "savings_vs_baseline_pct": [5.2, float("nan")], "note": [None, "not served: 996 rows"]})
    >>> html = styled_usage_totals(t, "GPT-4o").to_html()
    >>> "saving vs GPT-4o" in html and ">$146.24<" in html and ">996<" in html and ">5.2%<" in html
    True
    """
    from analysis.publish import styled_table

    columns = {"scenario": "scenario", "kind": "kind", "cost_usd": "cost of the log",
               "monthly_cost_usd": "cost a month, at the log's rate", "rows_unserved": "rows not served",
               "savings_vs_logged_pct": "saving vs as logged", "savings_vs_baseline_pct": f"saving vs {baseline}",
               "note": "note"}
    return styled_table(totals, columns, {"cost_usd": _usd2, "monthly_cost_usd": _usd2, "rows_unserved": "{:,}",
                                          "savings_vs_logged_pct": _pct, "savings_vs_baseline_pct": _pct,
                                          "note": _text}, na={"note": ""})


# --------------------------------------------------------------------------- what notebook 06 publishes


def unscored_task_types(workload: Workload) -> list[str]:
    """The workload's task types with no benchmark in the data: their quality is unknown.

    >>> unscored_task_types(example_workload())
    ['vision']
    """
    tasks = workload.tasks
    shares = tasks["share"] if "share" in tasks else pd.Series(1.0, index=tasks.index)
    return [t for t, s in zip(tasks.task_type, shares) if TASK_BENCHMARK[t] is None and s > 0]


def results(workload: Workload, summary: pd.DataFrame, frontier: pd.DataFrame, chosen: Policy,
            table: pd.DataFrame, sweep: pd.DataFrame, log, *, baseline: str, budget_usd: float,
            thresholds: Mapping[str, float], log_file: str | None, demo: dict | None) -> dict:
    """Notebook 06's results.json entries, by name (see the README for each).

    ``log`` is the re-priced usage log (:func:`analysis.usage.reprice_log`); ``log_file`` the
    user's log (``None`` for the generated one), ``demo`` the generator's ``rows`` and ``seed``
    (``None`` for a user's log).

    >>> import tempfile, pathlib
    >>> from analysis.usage import generate_usage_log, reprice_log
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> log = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=200, seed=1))
    >>> r = results(ev.workload, ev.summary, policy_frontier(ev.summary), ev.policy("optimised"),
    ...             routing_table(ev, "optimised"), ev.summary, log, baseline="GPT-4o", budget_usd=2000,
    ...             thresholds=EXAMPLE_THRESHOLDS, log_file=None, demo={"rows": 200, "seed": 1})
    >>> float(r["monthly_cost_usd"]["GPT-4o"]), r["chosen_policy"], r["usage_log"]["rows_total"]
    (7587.5, 'optimised within budget', 200)
    """
    return {
        "workload": {"name": workload.name, "source": workload.source, "assumption": True,
                     "requests_per_month": workload.requests_per_month, "tasks": workload.tasks},
        "baseline": baseline,
        "budget_usd": budget_usd,
        "quality_thresholds": thresholds,
        "policies": {r.policy: {"kind": r.kind, "monthly_cost_usd": r.monthly_cost_usd,
                                "served_cost_usd": r.served_cost_usd, "serves_all": r.serves_all,
                                "unserved": r.unserved, "expected_quality": r.expected_quality,
                                "quality_note": r.quality_note, "savings_usd": r.savings_usd,
                                "savings_pct": r.savings_pct, "models": r.models}
                     for r in summary.itertuples()},
        "monthly_cost_usd": dict(zip(summary.policy, summary.monthly_cost_usd)),
        "expected_quality": dict(zip(summary.policy, summary.expected_quality)),
        "savings_usd": dict(zip(summary.policy, summary.savings_usd)),
        "savings_pct": dict(zip(summary.policy, summary.savings_pct)),
        "frontier": frontier.loc[frontier.on_frontier.astype(bool), "policy"].tolist(),
        "chosen_policy": chosen.name,
        "routing_table": table,
        "unscored_task_types": {t: "no benchmark in the data: quality unknown, not guessed"
                                for t in unscored_task_types(workload)},
        "volume_sweep": sweep,
        "usage_log": {
            "file": log_file, "generated": demo is not None, "generator": demo,
            "format": log.format, "rows_total": log.rows_total, "rows_priced": log.rows_priced,
            "rows_set_aside": log.rows_set_aside, "set_aside_by_kind": dict(zip(log.problems.kind, log.problems.rows)),
            "first_timestamp": log.first_ts, "last_timestamp": log.last_ts,
            "totals": {r.scenario: {"cost_usd": r.cost_usd, "monthly_cost_usd": r.monthly_cost_usd,
                                    "rows_unserved": r.rows_unserved, "savings_vs_logged_pct": r.savings_vs_logged_pct,
                                    "savings_vs_baseline_pct": r.savings_vs_baseline_pct}
                       for r in log.totals.itertuples()},
            "notes": log.notes},
    }


def findings(workload: Workload, summary: pd.DataFrame, log, *, baseline: str, budget_usd: float,
             thresholds: Mapping[str, float], generated: bool) -> list[tuple[str, str]]:
    """Notebook 06's headline findings as ``(text, kind)``; ``generated``: the usage log is the demo one.

    >>> import tempfile, pathlib
    >>> from analysis.usage import generate_usage_log, reprice_log
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> log = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=200, seed=1))
    >>> f = findings(ev.workload, ev.summary, log, baseline="GPT-4o", budget_usd=2000,
    ...              thresholds=EXAMPLE_THRESHOLDS, generated=True)
    >>> print(f[1][0])
    The article's router (DeepSeek V4 Flash for text, GPT-4o for vision) costs $580.90 a month against $7,587.50 for GPT-4o: 92% less, at expected quality 87.9 against 89.9 points.
    >>> [kind for _, kind in f]
    ['assumption', 'computed', 'computed', 'computed', 'computed', 'as published', 'simulated']
    """
    from analysis.pricing import format_usd
    from analysis.usage import AS_LOGGED

    s = summary.set_index("policy")
    complete = summary[summary.serves_all & summary.monthly_cost_usd.notna()].sort_values("monthly_cost_usd")
    router, opt, base_row = s.loc[ARTICLE_ROUTER], s.loc[OPTIMISED_POLICY], s.loc[baseline]
    totals = log.totals.set_index("scenario")
    mix = ", ".join(f"{t} {sh:.0%}" for t, sh in zip(workload.tasks.task_type, workload.tasks.share))
    out = [(f"Workload: {workload.name}, {workload.requests_per_month:,.0f} requests a month ({mix}); "
            f"quality thresholds {format_mapping(thresholds)}; budget {format_usd(budget_usd)} a month.",
            "assumption")]
    if router.serves_all and base_row.serves_all and baseline != ARTICLE_ROUTER:
        out.append((f"The article's router (DeepSeek V4 Flash for text, GPT-4o for vision) costs "
                    f"{format_usd(router.monthly_cost_usd)} a month against {format_usd(base_row.monthly_cost_usd)} "
                    f"for {baseline}: {router.savings_pct:.0f}% less, at expected quality "
                    f"{router.expected_quality:.1f} against {base_row.expected_quality:.1f} points.", "computed"))
    if len(complete):
        cheapest = complete.iloc[0]
        out.append((f"Cheapest policy that serves every request: {cheapest.policy} at "
                    f"{format_usd(cheapest.monthly_cost_usd)} a month.", "computed"))
    if opt.serves_all:
        out.append((f"Best expected quality within {format_usd(budget_usd)} a month: {opt.expected_quality:.1f} "
                    f"points for {format_usd(opt.monthly_cost_usd)} ({opt.models}).", "computed"))
    else:
        out.append((f"No assignment fits the {format_usd(budget_usd)} budget: {opt.notes}.", "computed"))
    single_fail = summary[(summary.kind == "single") & ~summary.serves_all]
    if len(single_fail):
        out.append((f"{len(single_fail)} of {int((summary.kind == 'single').sum())} models cannot serve the whole "
                    f"workload alone (no vision in the data, or an unknown price).", "computed"))
    unscored = unscored_task_types(workload)
    if unscored:
        out.append((f"{', '.join(unscored).capitalize()} has no benchmark in the data: its quality is unknown and "
                    f"left out of expected quality (not guessed).", "as published"))
    logged, routed = totals.loc[AS_LOGGED], totals.loc[ARTICLE_ROUTER]
    out.append((f"{'Generated demo log (simulated)' if generated else 'Usage log'}: {log.rows_total:,} rows, "
                f"{log.rows_priced:,} priced, {log.rows_set_aside:,} set aside; as logged it cost "
                f"{format_usd(logged.cost_usd)}, under the article's router {format_usd(routed.cost_usd)}"
                + ("" if routed.rows_unserved == 0 else f" for the {routed.rows_served:,} rows it can serve")
                + ".", "simulated" if generated else "computed"))
    return out

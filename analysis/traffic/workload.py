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

>>> from analysis.traffic.capabilities import capabilities
>>> from analysis.traffic.evaluate import evaluate
>>> ds_caps = capabilities()
>>> w = Workload.from_mix({"code": 1.0}, {"code": (1000, 500)}, requests_per_month=1e6)
>>> ev = evaluate(w, ds_caps, budget_usd=1000)
>>> round(float(ev.summary.set_index("policy").loc["DeepSeek V4 Flash", "monthly_cost_usd"]), 2)
305.0
>>> round(float(ev.summary.set_index("policy").loc["GPT-4o", "monthly_cost_usd"]), 2)
7500.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.data.tables import DataError, ParameterError, Problem

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
            raise ParameterError(f"requests_per_month must be a finite number >= 0, got {requests_per_month!r}")
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
    analysis.data.tables.ParameterError: mix: got 'code 0.5'; expected task:number pairs separated by commas, such as code:0.5, general:0.5
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
                raise ParameterError(f"{what}: got {part.strip()!r}; expected task:number pairs separated by "
                                 f"commas, such as code:0.5, general:0.5")
            items.append((key.strip(), value.strip()))
    out = {}
    for key, value in items:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{what}: {key}:{value!r} is not a number; expected task:number") from None
        if key not in TASK_TYPES:
            raise ParameterError(f"{what}: got task type {key!r}; expected one of {', '.join(TASK_TYPES)}")
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

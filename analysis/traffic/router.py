"""The article's router, read from data/router.csv, with its computed best-value rule resolved."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.gateway import DEFAULT_TASK, ROUTER, RULE
from analysis.data.load import _finish, _label, load_benchmarks, load_pricing
from analysis.data.tables import BENCHMARKS, DataError, Parsed, Problem, parse_table

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

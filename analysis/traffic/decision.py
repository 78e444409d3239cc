"""The decision brief: which model or routing to pay for, for a workload, a quality floor and a latency bound.

For each task type of a workload, the recommendation is the cheapest model that can serve it (price
known, vision where needed, context window), scores at least the floor on the task's benchmark and
whose p99 time to first token is within the bound. Tasks are independent, so this per-task choice
is the cheapest routing overall. How robust it is: the share of Monte Carlo draws of noisy scores
(as in notebook 03) in which the same choice stays the cheapest one meeting the floor.

>>> from analysis.traffic.capabilities import capabilities
>>> from analysis.traffic.workload import example_workload
>>> lat = latency_table(capabilities().index)
>>> rec = recommend(example_workload(), capabilities(), parse_floor("85"), lat, 2.0)
>>> rec.routes["code"], rec.routes["vision"], round(rec.monthly_cost_usd, 2)
('DeepSeek V4 Flash', 'GPT-4o', 580.9)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.traffic.capabilities import task_model_table
from analysis.traffic.evaluate import assign, summarise
from analysis.traffic.policies import Policy
from analysis.traffic.workload import TASK_BENCHMARK, TASK_TYPES, Workload, parse_mapping

#: Where a p99 time to first token comes from.
MEASURED = "measured by 05 (live calls)"
PUBLISHED = "published (upper end of the article's range)"


def parse_floor(text: str | float | Mapping | None) -> dict[str, float]:
    """A quality floor: one number for every task type with a benchmark, or ``task:score`` pairs.

    >>> parse_floor("85")
    {'code': 85.0, 'reasoning': 85.0, 'chinese': 85.0, 'general': 85.0}
    >>> parse_floor("code:91, chinese:88")
    {'code': 91.0, 'chinese': 88.0}
    >>> parse_floor("")
    {}
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    if isinstance(text, str):
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            return {t: number for t in TASK_TYPES if TASK_BENCHMARK[t]}
    return parse_mapping(text, "quality_floor")


def read_live_results(path: str | Path | None) -> tuple[dict | None, str | None]:
    """Notebook 05's ``results`` from its results.json, and why they are not used (``None`` when they are).

    Only a live run is a measurement: an emulated run's latencies are simulated and never stand in
    for a real p99. An empty path means no run was given.

    >>> read_live_results("")
    (None, 'no results of notebook 05 given (the live_calls_results parameter)')
    """
    if not path:
        return None, "no results of notebook 05 given (the live_calls_results parameter)"
    try:
        results = json.loads(Path(path).read_text())["results"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"{Path(path).name} could not be read as 05's results.json ({type(exc).__name__})"
    if results.get("mode") != "live":
        return None, "05 ran against the local emulator: its latencies are simulated, not measured"
    return results, None


def latency_table(models: Iterable[str], model_facts: pd.DataFrame | None = None,
                  live_results: dict | None = None) -> pd.DataFrame:
    """Each model's p99 time to first token (s) and where it comes from; unknown stays NaN.

    A measured p99 (a live run of 05 with at least one request for the model) wins over the
    published one; a published range counts by its upper end.

    >>> t = latency_table(["GPT-4o", "Qwen3-32B"]).set_index("model")
    >>> float(t.loc["GPT-4o", "p99_ttft_s"]), t.loc["GPT-4o", "latency_source"] == PUBLISHED
    (2.0, True)
    >>> float(t.loc["Qwen3-32B", "p99_ttft_s"]), pd.isna(t.loc["Qwen3-32B", "latency_source"])
    (nan, True)
    >>> live = {"percentiles": {"GPT-4o": {"ttft_s": {"n": 30, "p99": 2.4}}}}
    >>> row = latency_table(["GPT-4o"], live_results=live).iloc[0]
    >>> float(row.p99_ttft_s), row.latency_source
    (2.4, 'measured by 05 (live calls)')
    """
    if model_facts is None:
        from analysis.data.load import load_model_facts

        model_facts = load_model_facts()
    facts = model_facts.set_index("model")
    high = facts["ttft_p99_high_s"] if "ttft_p99_high_s" in facts else pd.Series(dtype=float)
    measured = (live_results or {}).get("percentiles") or {}
    rows = []
    for model in models:
        ttft = (measured.get(model) or {}).get("ttft_s") or {}
        if ttft.get("n") and ttft.get("p99") is not None:
            rows.append((model, float(ttft["p99"]), MEASURED))
        elif model in high.index and pd.notna(high.get(model)):
            rows.append((model, float(high[model]), PUBLISHED))
        else:
            rows.append((model, np.nan, None))
    return pd.DataFrame(rows, columns=["model", "p99_ttft_s", "latency_source"])


def unknown_latency(latency: pd.DataFrame) -> list[str]:
    """The models of :func:`latency_table` whose p99 time to first token is unknown (a data gap), in its order.

    >>> unknown_latency(latency_table(["GPT-4o", "Qwen3-32B", "DeepSeek V4 Flash"]))
    ['Qwen3-32B']
    """
    return latency.loc[latency.p99_ttft_s.isna(), "model"].tolist()


def candidate_table(workload: Workload, caps: pd.DataFrame, floors: Mapping[str, float], latency: pd.DataFrame,
                    latency_bound_s: float, assume_unknown_latency_ok: bool = False) -> pd.DataFrame:
    """Every task type × model with why it may not serve under the brief: ``qualifies`` and ``why_not``.

    ``why_not`` is the first reason among: cannot serve (06's capabilities), latency over the bound,
    latency unknown (a data gap, unless assumed within the bound), no score on the task's benchmark,
    score under the floor. A task type without a benchmark (vision) has no floor.
    """
    table = task_model_table(workload, caps)
    table = table[table.share > 0].merge(latency, on="model", how="left")
    why = []
    for r in table.itertuples(index=False):
        floor = floors.get(r.task_type) if isinstance(r.benchmark, str) else None
        if not r.eligible:
            why.append(r.reason)
        elif pd.isna(r.p99_ttft_s) and not assume_unknown_latency_ok:
            why.append("p99 latency unknown (data gap)")
        elif pd.notna(r.p99_ttft_s) and r.p99_ttft_s > latency_bound_s:
            why.append(f"p99 {r.p99_ttft_s:g} s over the {latency_bound_s:g} s bound")
        elif floor is not None and pd.isna(r.score):
            why.append(f"no {r.benchmark} score in the data")
        elif floor is not None and r.score < floor:
            why.append(f"{r.benchmark} {r.score:g} under the floor of {floor:g}")
        else:
            why.append(None)
    table["why_not"] = why
    table["qualifies"] = table["why_not"].isna()
    table["floor"] = [floors.get(t) if isinstance(b, str) else np.nan for t, b in zip(table.task_type, table.benchmark)]
    return table.reset_index(drop=True)


def _cheapest(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values(["usd_per_request", "score", "model"], ascending=[True, False, True], na_position="last")


@dataclass
class Recommendation:
    """The brief's answer: per task type the model (``None``: nothing qualifies), the month's bill and quality."""

    routes: dict[str, str | None]
    monthly_cost_usd: float  # NaN when some task type has no qualifying model
    expected_quality: float  # share-weighted score over the task types with a benchmark (as in 06)
    unserved: dict[str, str]  # task type -> why no model qualifies
    single_model: str | None  # the cheapest one model that qualifies for every task type, if any
    single_model_cost_usd: float
    candidates: pd.DataFrame = field(repr=False)
    assignment: pd.DataFrame = field(repr=False)

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(m for m in self.routes.values() if m))

    @property
    def kind(self) -> str:
        """``single model``, ``routing`` (several models) or ``none`` (some task type unserved)."""
        if self.unserved:
            return "none"
        return "single model" if len(self.models) == 1 else "routing"


def recommend(workload: Workload, caps: pd.DataFrame, floors: Mapping[str, float], latency: pd.DataFrame,
              latency_bound_s: float, assume_unknown_latency_ok: bool = False) -> Recommendation:
    """The cheapest routing meeting the floor and the latency bound for every task type of ``workload``."""
    cand = candidate_table(workload, caps, floors, latency, latency_bound_s, assume_unknown_latency_ok)
    routes, unserved = {}, {}
    for task, rows in cand.groupby("task_type", sort=False):
        ok = _cheapest(rows[rows.qualifies])
        routes[task] = None if ok.empty else str(ok.model.iloc[0])
        if ok.empty:
            reasons = rows.why_not.value_counts()
            unserved[task] = "no model qualifies: " + "; ".join(f"{n} {'model' if n == 1 else 'models'}: {why}"
                                                                for why, n in reasons.items())
    policy = Policy("recommended", "threshold", {t: (m,) if m else () for t, m in routes.items()})
    assignment = assign(policy, cand)
    summary = summarise(policy, assignment, workload)
    single, single_cost = None, np.nan
    served = cand[cand.qualifies]
    per_model = served.groupby("model").agg(tasks=("task_type", "nunique"), cost=("monthly_cost_usd", "sum"))
    complete = per_model[per_model.tasks == cand.task_type.nunique()].sort_values(["cost"])
    if len(complete):
        single, single_cost = str(complete.index[0]), float(complete.cost.iloc[0])
    return Recommendation(routes, summary["monthly_cost_usd"] if not unserved else np.nan,
                          summary["expected_quality"], unserved, single, single_cost, cand, assignment)


def alternative_recommendation(workload: Workload, caps: pd.DataFrame, floors: Mapping[str, float],
                               latency: pd.DataFrame, latency_bound_s: float,
                               assume_unknown_latency_ok: bool = False) -> Recommendation | None:
    """What :func:`recommend` would choose if the models of unknown latency met the bound.

    ``None`` when there is nothing to compare: no model's latency is unknown, or the brief already
    assumes they meet the bound (``assume_unknown_latency_ok``).

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.workload import example_workload
    >>> caps = capabilities()
    >>> floors = parse_floor("code:91, reasoning:87, chinese:89, general:85")
    >>> lat = latency_table(caps.index)
    >>> recommend(example_workload(), caps, floors, lat, 2.0).routes["chinese"] is None  # nothing known to be fast
    True
    >>> alt = alternative_recommendation(example_workload(), caps, floors, lat, 2.0)
    >>> alt.routes["chinese"], alt.routes["reasoning"], round(alt.monthly_cost_usd, 2)
    ('Qwen3-32B', 'Kimi K2.5', 881.2)
    >>> alternative_recommendation(example_workload(), caps, floors, lat, 2.0, assume_unknown_latency_ok=True) is None
    True
    """
    if assume_unknown_latency_ok or not unknown_latency(latency):
        return None
    return recommend(workload, caps, floors, latency, latency_bound_s, assume_unknown_latency_ok=True)


def robustness(rec: Recommendation, caps: pd.DataFrame, sigma: float = 1.0, n_draws: int = 2000,
               seed: int = 0) -> dict:
    """How often the recommendation stays the cheapest choice meeting the floor when every score is noisy.

    Each draw adds normal noise of ``sigma`` benchmark points to every published score (one draw
    per model and benchmark, shared by the task types that use it; prices and latencies stay exact),
    then picks again per task type. Returns ``share`` (draws in which every task type keeps its
    model), ``by_task`` (the same per task type) and ``n_draws``; ``share`` is ``None`` when
    nothing is recommended.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.workload import example_workload
    >>> caps = capabilities()
    >>> rec = recommend(example_workload(), caps, parse_floor("85"), latency_table(caps.index), 2.0)
    >>> robustness(rec, caps, sigma=0.0, n_draws=10)["share"]
    1.0
    """
    if rec.unserved:
        return {"share": None, "by_task": {}, "n_draws": n_draws, "sigma": sigma, "seed": seed}
    rng = np.random.default_rng(seed)
    models = list(caps.index)
    col = {m: i for i, m in enumerate(models)}
    noisy = {}
    for bench in sorted({b for b in TASK_BENCHMARK.values() if b}):
        scores = caps[bench].to_numpy(dtype=float) if bench in caps else np.full(len(models), np.nan)
        noisy[bench] = scores[None, :] + rng.normal(0.0, sigma, (n_draws, len(models)))
    stays = np.ones(n_draws, dtype=bool)
    by_task = {}
    cand = rec.candidates
    for task, rows in cand.groupby("task_type", sort=False):
        floor = rows.floor.iloc[0]
        bench = rows.benchmark.iloc[0]
        if not isinstance(bench, str) or pd.isna(floor):
            by_task[task] = 1.0  # no floor to miss: the cheapest qualifying model does not depend on scores
            continue
        # the models that would qualify but for the floor, cheapest first
        pool = _cheapest(rows[rows.qualifies | rows.why_not.str.contains("under the floor", na=False)])
        idx = [col[m] for m in pool.model]
        meets = noisy[bench][:, idx] >= floor  # (draws, pool)
        first = np.where(meets.any(axis=1), meets.argmax(axis=1), -1)
        keep = first == list(pool.model).index(rec.routes[task])
        by_task[task] = float(keep.mean())
        stays &= keep
    return {"share": float(stays.mean()), "by_task": by_task, "n_draws": n_draws, "sigma": sigma, "seed": seed}


def shaped(workload: Workload, mix: Mapping[str, float] | None = None, requests_per_month: float = 0.0) -> Workload:
    """``workload`` with another mix and volume when given (empty mix and 0 keep its own), as notebook 06 does.

    >>> from analysis.traffic.workload import example_workload
    >>> shaped(example_workload(), {"code": 1.0}, 10).requests_per_month
    10.0
    """
    if mix:
        workload = workload.with_mix(mix)
    if requests_per_month:
        workload = workload.with_volume(requests_per_month)
    return workload

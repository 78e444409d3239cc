"""Routing policies: each model alone, the article router, the cheapest meeting thresholds, the best within a budget."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.traffic.workload import TASK_BENCHMARK, TASK_TYPES, TEXT_TASKS, Workload

#: The policy savings are measured against, unless the user picks another.
DEFAULT_BASELINE = "GPT-4o"

ARTICLE_ROUTER = "article router"

THRESHOLD_POLICY = "cheapest meeting thresholds"

OPTIMISED_POLICY = "optimised within budget"

#: Example quality thresholds (an assumption): minimum score on the task's benchmark.
EXAMPLE_THRESHOLDS = {"code": 91.0, "reasoning": 87.0, "chinese": 89.0, "general": 85.0}


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

    >>> from analysis.traffic.capabilities import capabilities
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

    >>> from analysis.traffic.capabilities import capabilities, task_model_table
    >>> from analysis.traffic.workload import example_workload
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

    >>> from analysis.traffic.workload import example_workload
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

    >>> from analysis.traffic.capabilities import capabilities, task_model_table
    >>> from analysis.traffic.workload import example_workload
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


def build_policies(table: pd.DataFrame, workload: Workload, caps: pd.DataFrame,
                   thresholds: Mapping[str, float] | None = None, budget_usd: float | None = None) -> list[Policy]:
    """The shipped policies: every model alone, the article's router, thresholds, optimised."""
    thresholds = EXAMPLE_THRESHOLDS if thresholds is None else thresholds
    return [*single_model_policies(caps), article_router(), threshold_policy(table, thresholds),
            optimise_policy(table, workload, budget_usd)]

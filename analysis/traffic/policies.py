"""Routing policies, from one registry: each model alone, the article router, the cheapest meeting thresholds, the best within a budget.

A policy kind is registered once with :func:`register_policy`: a builder that takes the
:class:`PolicyInputs` (capabilities, workload, thresholds, budget, router table) and returns its
policies. :func:`build_policies` calls every registered builder in registration order, and both
the workload evaluation (:func:`analysis.traffic.evaluate.evaluate`, notebook 06) and the
usage-log re-pricing (:func:`analysis.traffic.reprice.log_policies`) take their list from it.

>>> [k for k in POLICY_KINDS]
['single', 'router', 'threshold', 'optimised']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.traffic.capabilities import task_model_table
from analysis.traffic.workload import TASK_BENCHMARK, TASK_TYPES, Workload

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


def article_router(router: pd.DataFrame | None = None) -> Policy:
    """The source article's router as ``data/router.csv`` gives it, the same table notebook 05 routes by.

    ``router`` is a :func:`analysis.traffic.router.load_router` table (its ``best_value:`` rules
    already resolved); ``None`` reads the shipped ``data/router.csv`` against the shipped prices
    and scores. Every task type takes its own route, or the ``default`` route when the table has
    none for it.

    >>> p = article_router()
    >>> p.routes["chinese"], p.routes["reasoning"]
    (('DeepSeek V4 Flash', 'GPT-4o'), ('DeepSeek V4 Flash', 'GPT-4o'))
    >>> print(p.notes[0])
    as router.csv routes it: code, reasoning, chinese and general to DeepSeek V4 Flash, then GPT-4o; vision to GPT-4o (chinese: best_value:ceval is DeepSeek V4 Flash in this data)
    """
    from analysis.traffic.router import load_router, route_for, routes

    router = load_router() if router is None else router
    table = routes(router)
    task_routes = {t: tuple(route_for(t, table)) for t in TASK_TYPES}
    groups: dict[tuple[str, ...], list[str]] = {}
    for task, route in task_routes.items():
        groups.setdefault(route, []).append(task)
    said = "; ".join(f"{' and '.join(tasks) if len(tasks) < 3 else ', '.join(tasks[:-1]) + ' and ' + tasks[-1]} "
                     f"to {', then '.join(route) if route else 'nowhere'}" for route, tasks in groups.items())
    ruled = router[router.rule.notna() & router.task_type.isin(TASK_TYPES)]
    rules = "".join(f" ({r.task_type}: {r.rule} is {r.model} in this data)" for r in ruled.itertuples())
    source = Path(router.attrs.get("source_file", "router.csv")).name
    return Policy(ARTICLE_ROUTER, "router", task_routes, notes=(f"as {source} routes it: {said}{rules}",),
                  details={"source_file": source})


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


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class PolicyInputs:
    """What a policy builder is given; a builder that needs something missing returns no policy.

    ``table`` is :func:`analysis.traffic.capabilities.task_model_table` of ``workload`` (both
    ``None`` for a usage log with no priced row); ``router`` a
    :func:`analysis.traffic.router.load_router` table or ``None`` for the shipped one;
    ``budget_only``: build the optimised policy only for a budget and a known monthly rate (the
    usage-log re-pricing), rather than as "the best with no budget" when ``budget_usd`` is None.
    """

    caps: pd.DataFrame
    workload: Workload | None = None
    table: pd.DataFrame | None = None
    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(EXAMPLE_THRESHOLDS))
    budget_usd: float | None = None
    router: pd.DataFrame | None = None
    budget_only: bool = False


@dataclass(frozen=True)
class PolicyKind:
    """A registered kind of policy: its ``kind`` (the :attr:`Policy.kind` of what it builds) and builder.

    ``per_model`` marks a kind that builds one policy per model (the usage-log re-pricing prices
    every model alone on a faster path of its own and leaves such kinds out).
    """

    kind: str
    build: Callable[[PolicyInputs], list[Policy]]
    per_model: bool = False


#: Every registered policy kind, by kind, in the order their policies are listed.
POLICY_KINDS: dict[str, PolicyKind] = {}

Builder = Callable[[PolicyInputs], list[Policy]]


def register_policy(kind: str, *, per_model: bool = False) -> Callable[[Builder], Builder]:
    """Register the decorated builder (``PolicyInputs -> list[Policy]``) as the policy kind ``kind``.

    Registering a kind again replaces it; :func:`unregister_policy` removes one.

    >>> from analysis.traffic.capabilities import capabilities
    >>> @register_policy("cheapest first")
    ... def _cheapest(inputs):
    ...     order = tuple(inputs.caps.output_usd_per_mtok.dropna().sort_values().index)
    ...     return [Policy("cheapest first", "cheapest first", {t: order for t in TASK_TYPES})]
    >>> [p.name for p in build_policies(capabilities(), per_model=False)]
    ['article router', 'cheapest first']
    >>> unregister_policy("cheapest first"); "cheapest first" in POLICY_KINDS
    False
    """
    def decorate(build: Builder) -> Builder:
        POLICY_KINDS[kind] = PolicyKind(kind, build, per_model)
        return build
    return decorate


def unregister_policy(kind: str) -> None:
    """Forget the policy kind ``kind`` (for tests and plug-ins); an unknown kind is a ``KeyError``."""
    del POLICY_KINDS[kind]


def build_policies(caps: pd.DataFrame, workload: Workload | None = None,
                   thresholds: Mapping[str, float] | None = None, budget_usd: float | None = None, *,
                   table: pd.DataFrame | None = None, router: pd.DataFrame | None = None,
                   budget_only: bool = False, per_model: bool = True) -> list[Policy]:
    """Every registered kind's policies for these inputs, in registration order.

    ``thresholds`` ``None`` takes :data:`EXAMPLE_THRESHOLDS`; ``table`` is computed from
    ``workload`` when not given; ``per_model=False`` leaves out the kinds that build one policy
    per model. Without a workload only the kinds that need none (the article router) build.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.workload import example_workload
    >>> ps = build_policies(capabilities(), example_workload(), budget_usd=2000)
    >>> [p.name for p in ps if p.kind != "single"]
    ['article router', 'cheapest meeting thresholds', 'optimised within budget']
    >>> [p.name for p in build_policies(capabilities(), None, per_model=False)]
    ['article router']
    """
    thresholds = EXAMPLE_THRESHOLDS if thresholds is None else thresholds
    if table is None and workload is not None:
        table = task_model_table(workload, caps)
    inputs = PolicyInputs(caps, workload, table, thresholds, budget_usd, router, budget_only)
    return [p for k in list(POLICY_KINDS.values()) if per_model or not k.per_model for p in k.build(inputs)]


@register_policy("single", per_model=True)
def _every_model_alone(inputs: PolicyInputs) -> list[Policy]:
    return single_model_policies(inputs.caps)


@register_policy("router")
def _the_article_router(inputs: PolicyInputs) -> list[Policy]:
    return [article_router(inputs.router)]


@register_policy("threshold")
def _cheapest_meeting_thresholds(inputs: PolicyInputs) -> list[Policy]:
    return [] if inputs.table is None else [threshold_policy(inputs.table, inputs.thresholds)]


@register_policy("optimised")
def _optimised_within_budget(inputs: PolicyInputs) -> list[Policy]:
    if inputs.table is None or inputs.workload is None:
        return []
    if inputs.budget_only and (inputs.budget_usd is None or not math.isfinite(inputs.workload.requests_per_month)):
        return []
    return [optimise_policy(inputs.table, inputs.workload, inputs.budget_usd)]

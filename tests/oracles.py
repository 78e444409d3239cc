"""Test oracles: slow, obviously right answers that the package's fast ones are checked against."""

from __future__ import annotations

import itertools

import pandas as pd

from analysis.traffic.policies import quality_weights
from analysis.traffic.workload import TASK_BENCHMARK, Workload


def brute_force_optimum(table: pd.DataFrame, workload: Workload, budget_usd: float) -> tuple[float, float] | None:
    """The best (quality, cost) over every assignment by enumeration: a check on the optimiser.

    Exponential in the number of task types: for small instances only.

    >>> from analysis.traffic.capabilities import capabilities, task_model_table
    >>> from analysis.traffic.policies import optimise_policy
    >>> from analysis.traffic.workload import example_workload
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

"""A workload under every policy: the monthly bill, expected quality, saving, frontier and volume sweep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.tables import ParameterError
from analysis.traffic.capabilities import capability_notes, only_data_gaps, task_model_table
from analysis.traffic.policies import DEFAULT_BASELINE, POLICY_KINDS, Policy, build_policies, quality_weights
from analysis.traffic.workload import Workload

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

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.policies import single_model_policies
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
        # not served only for want of data (a capability the data does not state): unknown, not "cannot serve"
        "unserved_data_gap": bool(unserved) and all(only_data_gaps(r["reason"]) for r in unserved),
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
        """The policy called ``name``, or the first of kind ``name`` (``"optimised"``, ``"threshold"``, ``"router"``...).

        A kind that builds one policy per model (``"single"``) is not a name.
        """
        for p in self.policies:
            if p.name == name:
                return p
        kind = POLICY_KINDS.get(name)
        for p in self.policies:
            if kind is not None and not kind.per_model and p.kind == name:
                return p
        raise ParameterError(f"no policy {name!r}; choose one of: {', '.join(p.name for p in self.policies)}")


def evaluate(workload: Workload, caps: pd.DataFrame, thresholds: Mapping[str, float] | None = None,
             budget_usd: float | None = None, baseline: str = DEFAULT_BASELINE,
             extra_policies: Iterable[Policy] = (), router: pd.DataFrame | None = None) -> Evaluation:
    """Cost, expected quality and savings of every policy on ``workload``; a pure function.

    The policies are every registered kind's (:func:`analysis.traffic.policies.build_policies`),
    the article router read from ``router`` (a :func:`analysis.traffic.router.load_router`
    table; ``None``: the shipped ``data/router.csv``), then ``extra_policies``.
    ``savings_usd`` and ``savings_pct`` compare with ``baseline`` (a policy name); they are NaN
    when the policy or the baseline does not serve every request (the bills would cover
    different traffic).

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.policies import OPTIMISED_POLICY
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> s = ev.summary.set_index("policy")
    >>> bool(s.loc["DeepSeek V4 Flash", "serves_all"]), s.loc["GPT-4o", "savings_usd"]
    (False, np.float64(0.0))
    >>> bool(s.loc[OPTIMISED_POLICY, "monthly_cost_usd"] <= 2000)
    True
    """
    table = task_model_table(workload, caps)
    policies = build_policies(caps, workload, thresholds, budget_usd, table=table, router=router) + list(extra_policies)
    names = [p.name for p in policies]
    if baseline not in names:
        raise ParameterError(f"baseline {baseline!r} is not a policy; choose one of: {', '.join(names)}")
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

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.policies import ARTICLE_ROUTER
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> f = policy_frontier(ev.summary).set_index("policy")
    >>> f.loc[ARTICLE_ROUTER, "on_frontier"], f.loc["GPT-4o", "on_frontier"]
    (np.True_, np.True_)
    >>> f.loc["DeepSeek V4 Flash", "excluded_reason"][:40]
    'does not serve: vision (DeepSeek V4 Flas'
    """
    from analysis.value.frontier import pareto_frontier

    frame = summary.copy()
    frame["excluded_reason"] = [
        f"does not serve: {u}" if not ok else (f"expected quality unknown: {n}" if pd.isna(q) else None)
        for ok, u, q, n in zip(frame.serves_all, frame.unserved, frame.expected_quality, frame.quality_note)]
    return pareto_frontier(frame, price_col="monthly_cost_usd", score_col="expected_quality", name_col="policy")


def routing_table(evaluation: Evaluation, policy: str) -> pd.DataFrame:
    """The per-task routing table of one policy: model, tokens, cost, score, reason.

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.policies import ARTICLE_ROUTER
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
                 baseline: str = DEFAULT_BASELINE, router: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost, quality and savings of every policy at each monthly volume (requests per month).

    The optimised policy is re-solved at each volume: with a fixed budget it trades quality
    for cost as the volume grows.

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> s = volume_sweep(example_workload(), capabilities(), [1e5, 1e6], budget_usd=2000)
    >>> s.query("policy == 'GPT-4o'").monthly_cost_usd.round(2).tolist()
    [758.75, 7587.5]
    """
    frames = []
    for v in volumes:
        ev = evaluate(workload.with_volume(v), caps, thresholds, budget_usd, baseline, router=router)
        frames.append(ev.summary.assign(requests_per_month=float(v)))
    return pd.concat(frames, ignore_index=True)[
        ["requests_per_month", "policy", "kind", "monthly_cost_usd", "served_cost_usd", "serves_all",
         "expected_quality",
         "savings_usd", "savings_pct"]]


# --------------------------------------------------------------------------- for people


def scenario(workload: Workload, caps: pd.DataFrame, requests_per_month: float | None = None,
             mix: Mapping[str, float] | None = None, thresholds: Mapping[str, float] | None = None,
             budget_usd: float | None = None, baseline: str = DEFAULT_BASELINE,
             router: pd.DataFrame | None = None) -> Evaluation:
    """:func:`evaluate` after setting the volume and the mix: one call for a notebook or a widget.

    ``requests_per_month`` ``None`` or 0 and ``mix`` empty keep the workload's own.

    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> ev = scenario(example_workload(), capabilities(), requests_per_month=1e5, mix={"code": 1.0})
    >>> ev.workload.requests_per_month, ev.summary.set_index("policy").loc["GPT-4o", "monthly_cost_usd"].round(2)
    (100000.0, np.float64(1100.0))
    """
    if mix:
        workload = workload.with_mix(mix)
    if requests_per_month:
        workload = workload.with_volume(requests_per_month)
    return evaluate(workload, caps, thresholds, budget_usd, baseline, router=router)


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

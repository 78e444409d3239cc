"""Where models come from (the maker's country: US, CN, EU, other, unknown) and how the origins compare.

A model's origin is its maker's country (``data/makers.csv``, via :mod:`analysis.data.identity`); a model
whose maker is unknown is ``unknown``, counted and shown, never dropped or guessed. The article compares
US and Chinese models; a whole catalog also has European (Mistral, wherever it is hosted), other
(Cohere, AI21, Sarvam...) and unknown-origin models, so every function here takes any two origins and
:func:`origin_summary` lists all five.

>>> from analysis.data.load import load_benchmarks, load_pricing
>>> origin_counts(load_pricing()).to_dict()
{'US': 4, 'CN': 7, 'EU': 0, 'other': 0, 'unknown': 0}
"""

from __future__ import annotations

import pandas as pd

from analysis.data.tables import ORIGINS, ParameterError
from analysis.value.efficiency import benchmark_table


def check_origin(origin: str, parameter: str = "origin") -> str:
    """``origin`` if it is one of :data:`ORIGINS`, else a ``ParameterError`` (a ValueError) saying what to pass.

    >>> check_origin("EU")
    'EU'
    >>> check_origin("FR", "field_origin")
    Traceback (most recent call last):
    ...
    analysis.data.tables.ParameterError: field_origin 'FR' is not an origin: expected one of US, CN, EU, other, unknown (the maker's country)
    """
    if origin not in ORIGINS:
        raise ParameterError(f"{parameter} {origin!r} is not an origin: expected one of {', '.join(ORIGINS)} "
                         f"(the maker's country)")
    return origin


def origin_counts(pricing: pd.DataFrame) -> pd.Series:
    """Models per origin, all five origins in order (0 where none); a missing origin counts as unknown.

    >>> origin_counts(pd.DataFrame({"origin": ["EU", None, "US"]})).to_dict()
    {'US': 1, 'CN': 0, 'EU': 1, 'other': 0, 'unknown': 1}
    """
    origin = pricing["origin"].where(pricing["origin"].isin(ORIGINS), "unknown")
    return origin.value_counts().reindex(list(ORIGINS), fill_value=0).astype(int)


def origin_gaps(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, leader: str = "US",
                field_origin: str = "CN") -> pd.DataFrame:
    """Every (``leader``-origin model, ``field_origin`` model) pair on a benchmark: score gap and output price
    multiple. Both are any of US, CN, EU, other, unknown.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> g = origin_gaps(load_pricing(), load_benchmarks(), "mmlu")
    >>> g.round(2).iloc[0][["leader", "field", "score_gap", "output_price_multiple"]].tolist()
    ['Claude 3.5 Sonnet', 'Qwen3.5-397B', np.float64(1.5), np.float64(6.41)]
    >>> mine = load_pricing().assign(origin=lambda p: p.origin.where(p.model != "GLM-5", "EU"))
    >>> origin_gaps(mine, load_benchmarks(), "mmlu", "EU", "US").field.tolist()
    ['Claude 3.5 Sonnet', 'GPT-4o']
    """
    check_origin(leader, "leader")
    check_origin(field_origin, "field_origin")
    t = benchmark_table(pricing, benchmarks, benchmark, "output")
    t = t[t["score"].notna()].assign(origin=lambda f: f["origin"].where(f["origin"].isin(ORIGINS), "unknown"))
    lead = t[t["origin"] == leader]
    rest = t[t["origin"] == field_origin]
    pairs = lead.merge(rest, how="cross", suffixes=("_leader", "_field"))
    out = pd.DataFrame({
        "benchmark": benchmark,
        "leader": pairs["model_leader"], "field": pairs["model_field"],
        "leader_score": pairs["score_leader"], "field_score": pairs["score_field"],
        "score_gap": (pairs["score_leader"] - pairs["score_field"]).round(6),
        "leader_usd_per_mtok": pairs["usd_per_mtok_leader"], "field_usd_per_mtok": pairs["usd_per_mtok_field"],
    })
    out["output_price_multiple"] = out["leader_usd_per_mtok"] / out["field_usd_per_mtok"]
    out["leader_origin"], out["field_origin"] = leader, field_origin
    return out.sort_values(["leader_score", "field_score"], ascending=False).reset_index(drop=True)


def origin_summary(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """One row per origin (all five): models priced, models scored on ``benchmark``, the best scored model
    and its score, and the cheapest output price among the scored ones (NaN/None where there is none).

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> s = origin_summary(load_pricing(), load_benchmarks(), "mmlu").set_index("origin")
    >>> us = s.loc["US"]; int(us.models), int(us.scored), us.best_model, float(us.best_score)
    (4, 2, 'Claude 3.5 Sonnet', 89.0)
    >>> eu = s.loc["EU"]; int(eu.models), int(eu.scored), bool(pd.isna(eu.best_model))
    (0, 0, True)
    """
    t = benchmark_table(pricing, benchmarks, benchmark, "output")
    t = t.assign(origin=t["origin"].where(t["origin"].isin(ORIGINS), "unknown"))
    counts = origin_counts(pricing)
    rows = []
    for origin in ORIGINS:
        scored = t[(t["origin"] == origin) & t["score"].notna()]
        best = scored.loc[scored["score"].idxmax()] if len(scored) else None
        rows.append({
            "origin": origin, "models": int(counts[origin]), "scored": len(scored),
            "best_model": None if best is None else best["model"],
            "best_score": float("nan") if best is None else float(best["score"]),
            "cheapest_scored_output_usd_per_mtok": float(scored["usd_per_mtok"].min()) if len(scored) else float("nan"),
        })
    out = pd.DataFrame(rows)
    out.attrs["benchmark"] = benchmark
    return out

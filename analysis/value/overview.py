"""The report's overview: every priced and scored model on one price basis, its value, speed, vision, context and access.

Two results: :func:`overview_points` (one row per model and benchmark: blended price, score, on the
frontier) for the price-against-score figure, and :func:`overview_table` (one row per priced model,
sorted by value) for the table beside it. Nothing is invented: a model with no score, or no price on
the basis, has no point and sorts last in the table with the reason.

>>> from analysis.data.load import load_benchmarks, load_pricing
>>> p = overview_points(load_pricing(), load_benchmarks())
>>> p.groupby("benchmark").model.count().to_dict()
{'ceval': 5, 'humaneval': 3, 'mmlu': 5}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.tables import BENCHMARK_SHORT_LABELS, BENCHMARKS
from analysis.prices.bases import DEFAULT_INPUT_OUTPUT_RATIO, price_on_basis
from analysis.value.efficiency import frontiers
from analysis.value.landscape import access_scores

#: The access option of the article's matrix that stands for reaching a model directly, by origin.
DIRECT_ACCESS_OPTION = {"US": "US Models", "CN": "Chinese Models (direct)"}
GATEWAY_OPTION = "Global API"


def overview_points(pricing: pd.DataFrame, benchmarks: pd.DataFrame,
                    input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> pd.DataFrame:
    """Every model both priced on the blended basis and scored, once per benchmark, with its frontier status.

    Columns: ``benchmark, model, origin, usd_per_mtok, score, value_multiple, on_frontier``, by
    benchmark then rising price.
    """
    cols = ["benchmark", "model", "origin", "usd_per_mtok", "score", "value_multiple", "on_frontier"]
    tables = frontiers(pricing, benchmarks, "blended", input_output_ratio)
    parts = [t.loc[t["excluded_reason"].isna(), cols] for t in tables.values()]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def left_out(pricing: pd.DataFrame, benchmarks: pd.DataFrame,
             input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> dict[str, str]:
    """The priced models that have no point in the overview, and why.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> left_out(load_pricing(), load_benchmarks())["Qwen3-Coder-30B"]
    'input price unknown (needed for the blended price)'
    >>> left_out(load_pricing(), load_benchmarks())["GPT-4o-mini"]
    'no benchmark score in the data'
    """
    prices = price_on_basis(pricing, "blended", input_output_ratio).set_index("model")
    scored = set(benchmarks["model"])
    out = {}
    for model, reason in prices["excluded_reason"].items():
        if reason:
            out[str(model)] = str(reason)
        elif model not in scored:
            out[str(model)] = "no benchmark score in the data"
    return out


def model_access(pricing: pd.DataFrame, access: pd.DataFrame | None = None,
                 gateway_models: pd.DataFrame | None = None) -> pd.Series:
    """How a model can be reached: directly (the article's access matrix for its origin, factors passed)
    and through the gateway when its model table lists it.

    >>> from analysis.data.load import load_access, load_pricing
    >>> from analysis.data.gateway import load_gateway_models
    >>> a = model_access(load_pricing(), load_access(), load_gateway_models())
    >>> a["GPT-4o"], a["Qwen3-32B"]
    ('direct 7/7, gateway 7/7', 'direct 0/7, gateway 7/7')
    """
    scores = access_scores(access) if access is not None and len(access) else pd.Series(dtype=int)
    factors = access["factor"].nunique() if access is not None and len(access) else 0
    on_gateway = set(gateway_models["model"]) if gateway_models is not None else set()
    out = {}
    for model, origin in zip(pricing["model"], pricing["origin"]):
        parts = []
        option = DIRECT_ACCESS_OPTION.get(origin)
        parts.append(f"direct {scores[option]}/{factors}" if option in scores.index else "direct: unknown (data gap)")
        if model in on_gateway and GATEWAY_OPTION in scores.index:
            parts.append(f"gateway {scores[GATEWAY_OPTION]}/{factors}")
        out[model] = ", ".join(parts)
    return pd.Series(out, name="access", dtype=object)


def overview_table(pricing: pd.DataFrame, benchmarks: pd.DataFrame, model_facts: pd.DataFrame | None = None,
                   access: pd.DataFrame | None = None, gateway_models: pd.DataFrame | None = None,
                   input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> pd.DataFrame:
    """One row per priced model, best value first: prices, scores, value, published speed, vision, context, access.

    ``value_multiple`` is the model's price per point as a multiple of the best on the same benchmark
    (1 = the best value there), taken on the benchmark where the model does best (``value_benchmark``);
    models with no value (unscored, or no blended price) follow, cheapest output price first.
    ``vision`` is True/False where the data says, ``None`` where it does not (a data gap).

    >>> from analysis.data.load import load_benchmarks, load_model_facts, load_pricing
    >>> t = overview_table(load_pricing(), load_benchmarks(), load_model_facts())
    >>> t.model.head(3).tolist(), float(t.value_multiple.iloc[0])
    (['DeepSeek V4 Flash', 'Qwen3-32B', 'GLM-5'], 1.0)
    >>> row = t.set_index("model").loc["GPT-4o-mini"]
    >>> float(row.value_multiple), row.no_value_reason
    (nan, 'no benchmark score in the data')
    """
    prices = price_on_basis(pricing, "blended", input_output_ratio)
    out = pricing[["model", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    out["blended_usd_per_mtok"] = prices["usd_per_mtok"].to_numpy()
    for bench in BENCHMARKS:
        rows = benchmarks[benchmarks["benchmark"] == bench].set_index("model")["score"]
        out[bench] = out["model"].map(rows).astype(float)
    points = overview_points(pricing, benchmarks, input_output_ratio)
    best = points.sort_values(["value_multiple", "benchmark"]).drop_duplicates("model").set_index("model")
    out["value_multiple"] = out["model"].map(best["value_multiple"]).astype(float)
    out["value_benchmark"] = out["model"].map(best["benchmark"].map(BENCHMARK_SHORT_LABELS))
    frontier = points[points.on_frontier].groupby("model")["benchmark"].agg(
        lambda b: ", ".join(BENCHMARK_SHORT_LABELS[x] for x in b))
    out["on_frontier_of"] = out["model"].map(frontier)
    reasons = left_out(pricing, benchmarks, input_output_ratio)
    out["no_value_reason"] = [None if pd.notna(v) else reasons.get(m, "no value computed")
                              for m, v in zip(out.model, out.value_multiple)]
    facts = (model_facts if model_facts is not None else pd.DataFrame(columns=["model"])).set_index("model")
    for col in ("output_tok_per_s", "context_window_ktok"):
        out[col] = out["model"].map(facts[col]).astype(float) if col in facts else np.nan
    vision = facts["vision"] if "vision" in facts else pd.Series(dtype=object)
    out["vision"] = [None if m not in vision.index or pd.isna(vision[m]) else bool(vision[m]) for m in out.model]
    out["access"] = out["model"].map(model_access(pricing, access, gateway_models))
    out = out.sort_values(["value_multiple", "output_usd_per_mtok", "model"], na_position="last")
    return out.reset_index(drop=True)

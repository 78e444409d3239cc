"""Price per benchmark point, the frontier per benchmark, and the article's claims computed from data/.

One table per (benchmark, price basis, input:output ratio): every priced model with its price
on the basis, its score, its price per point and whether it is on the Pareto frontier. A model
with no score on the benchmark (GPT-4o-mini has none at all) or no price on the basis stays in
the table with ``excluded_reason`` and takes no part: nothing is scored or priced as 0.

>>> from analysis.data.load import load_benchmarks, load_pricing
>>> t = efficiency_table(load_pricing(), load_benchmarks(), "humaneval").set_index("model")
>>> t.loc[t.on_frontier].index.tolist()
['DeepSeek V4 Flash', 'GPT-4o', 'Claude 3.5 Sonnet']
>>> t.loc["GPT-4o-mini", "excluded_reason"]
'no HumanEval score in the data'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.tables import BENCHMARK_SHORT_LABELS, BENCHMARKS, ParameterError
from analysis.prices.bases import DEFAULT_INPUT_OUTPUT_RATIO, price_on_basis
from analysis.value.frontier import frontier_probability, pareto_frontier

#: An alias of :data:`analysis.data.tables.BENCHMARK_SHORT_LABELS`, kept for analysis/pages, analysis/figures
#: and notebooks 03 and 04 until they read the data table themselves.
BENCHMARK_SHORT = BENCHMARK_SHORT_LABELS


def check_benchmark(benchmark: str) -> str:
    """``benchmark`` if it is a known benchmark key, else a ``ValueError`` saying what to pass.

    >>> check_benchmark("ceval")
    'ceval'
    """
    if benchmark not in BENCHMARKS:
        raise ParameterError(f"benchmark {benchmark!r} is not one of {', '.join(BENCHMARKS)}: pass one of them")
    return benchmark


def benchmark_table(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, basis: str = "output",
                    input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                    sigma_column: str | None = None) -> pd.DataFrame:
    """Every priced model with ``usd_per_mtok`` on ``basis`` and its ``score`` on ``benchmark``.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> t = benchmark_table(load_pricing(), load_benchmarks(), "mmlu", "blended").set_index("model")
    >>> t.loc["GPT-4o", ["usd_per_mtok", "score"]].tolist()
    [4.375, 88.7]
    >>> t.loc["Qwen3.5-397B", "excluded_reason"]
    'input price unknown (needed for the blended price)'

    ``excluded_reason`` says why a model takes no part: its price is unknown on the basis
    (from :func:`analysis.pricing.price_on_basis`), or it has no score on the benchmark.
    ``sigma_column`` names a column of the benchmarks table holding each score's standard
    deviation (benchmark points); it becomes ``score_sigma`` (NaN where empty).
    """
    check_benchmark(benchmark)
    prices = price_on_basis(pricing, basis, input_output_ratio)
    rows = benchmarks[benchmarks["benchmark"] == benchmark]
    cols = ["model", "score"] + ([sigma_column] if sigma_column else [])
    if sigma_column and sigma_column not in benchmarks.columns:
        raise KeyError(f"the benchmarks table has no column {sigma_column!r} for score uncertainty; it has: "
                       f"{', '.join(benchmarks.columns)}")
    scores = rows[cols].rename(columns={sigma_column: "score_sigma"} if sigma_column else {})
    if sigma_column:
        scores["score_sigma"] = pd.to_numeric(scores["score_sigma"], errors="coerce").astype(float)
    out = prices[["model", "provider", "origin", "usd_per_mtok", "excluded_reason"]].merge(
        scores, on="model", how="left")
    no_score = out["score"].isna() & out["excluded_reason"].isna()
    out["excluded_reason"] = pd.Series(
        np.where(no_score, f"no {BENCHMARK_SHORT_LABELS[benchmark]} score in the data", out["excluded_reason"]),
        index=out.index, dtype=object).where(lambda s: s.notna(), None)
    out.insert(0, "benchmark", benchmark)
    out.attrs.update(benchmark=benchmark, basis=basis, input_output_ratio=input_output_ratio)
    return out


def price_per_point(table: pd.DataFrame) -> pd.DataFrame:
    """Adds ``usd_per_mtok_per_point`` (price ÷ score) and ``value_multiple`` (÷ the best value).

    >>> t = pd.DataFrame({"usd_per_mtok": [0.25, 15.0, float("nan")], "score": [92.0, 93.0, 90.0]})
    >>> price_per_point(t).round(4)[["usd_per_mtok_per_point", "value_multiple"]].values.tolist()
    [[0.0027, 1.0], [0.1613, 59.3548], [nan, nan]]

    Unknown price or score gives NaN (so does a score of 0, where a price per point has no
    meaning); the best value is the lowest price per point among the known ones.
    """
    out = table.copy()
    score = out["score"].where(out["score"] > 0)
    out["usd_per_mtok_per_point"] = out["usd_per_mtok"] / score
    best = out["usd_per_mtok_per_point"].min()
    out["value_multiple"] = out["usd_per_mtok_per_point"] / best if best and best > 0 else np.nan
    return out


def efficiency_table(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, basis: str = "output",
                     input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                     sigma_column: str | None = None) -> pd.DataFrame:
    """The table behind notebook 03's figures for one (benchmark, basis, ratio): price per point and frontier.

    Rows by rising price (unknown last). Columns: those of :func:`benchmark_table`, then
    ``usd_per_mtok_per_point``, ``value_multiple``, ``on_frontier``, ``dominated_by``,
    ``overpay`` (see :func:`analysis.frontier.pareto_frontier`).

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> t = efficiency_table(load_pricing(), load_benchmarks(), "ceval").set_index("model")
    >>> t.loc["GPT-4o", "dominated_by"], round(float(t.loc["GPT-4o", "overpay"]), 2)
    ('Qwen3-32B', 35.71)
    """
    table = price_per_point(benchmark_table(pricing, benchmarks, benchmark, basis, input_output_ratio,
                                            sigma_column))
    out = pareto_frontier(table)
    out = out.sort_values(["usd_per_mtok", "score", "model"], ascending=[True, False, True],
                          na_position="last").reset_index(drop=True)
    out.attrs.update(table.attrs)
    return out


def frontiers(pricing: pd.DataFrame, benchmarks: pd.DataFrame, basis: str = "output",
              input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> dict[str, pd.DataFrame]:
    """:func:`efficiency_table` for every benchmark, keyed by benchmark.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> f = frontiers(load_pricing(), load_benchmarks())
    >>> {b: int(t.on_frontier.sum()) for b, t in f.items()}
    {'mmlu': 5, 'humaneval': 3, 'ceval': 3}
    """
    present = [b for b in BENCHMARKS if b in set(benchmarks["benchmark"])]
    return {b: efficiency_table(pricing, benchmarks, b, basis, input_output_ratio) for b in present}


def price_per_point_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every scored and priced model on every benchmark: price per point and multiple of the best.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> p = price_per_point_long(frontiers(load_pricing(), load_benchmarks()))
    >>> p.groupby("benchmark").model.count().to_dict()
    {'ceval': 5, 'humaneval': 5, 'mmlu': 6}
    """
    cols = ["benchmark", "model", "origin", "usd_per_mtok", "score", "usd_per_mtok_per_point", "value_multiple",
            "on_frontier"]
    parts = [t.loc[t["excluded_reason"].isna(), cols] for t in tables.values()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def dominated_table(table: pd.DataFrame) -> pd.DataFrame:
    """The dominated models of an efficiency table, with their dominator and the overpay, dearest first.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> d = dominated_table(efficiency_table(load_pricing(), load_benchmarks(), "humaneval"))
    >>> d[["model", "dominated_by", "overpay", "points_behind"]].values.tolist()
    [['Qwen3-Coder-30B', 'DeepSeek V4 Flash', 1.4, 0.5], ['DeepSeek Coder', 'DeepSeek V4 Flash', 1.0, 1.0]]
    """
    dom = table[table["dominated_by"].notna()]
    ref = table.drop_duplicates("model").set_index("model")
    out = pd.DataFrame({
        "model": dom["model"].to_numpy(),
        "usd_per_mtok": dom["usd_per_mtok"].to_numpy(),
        "score": dom["score"].to_numpy(),
        "dominated_by": dom["dominated_by"].to_numpy(dtype=object),
        "dominator_usd_per_mtok": ref.loc[dom["dominated_by"], "usd_per_mtok"].to_numpy(),
        "dominator_score": ref.loc[dom["dominated_by"], "score"].to_numpy(),
        "overpay": dom["overpay"].to_numpy(),
    })
    out["points_behind"] = (out["dominator_score"] - out["score"]).round(6)
    return out.sort_values(["overpay", "model"], ascending=[False, True]).reset_index(drop=True)


def robustness_table(table: pd.DataFrame, sigma: float | str = 1.0, n_draws: int = 2000,
                     seed: int = 0) -> pd.DataFrame:
    """The efficiency table with each model's probability of being on the frontier under score noise.

    ``sigma``: one standard deviation (benchmark points) for every score, or the name of a
    column holding one per row (``score_sigma`` from ``benchmark_table(..., sigma_column=)``).

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> t = efficiency_table(load_pricing(), load_benchmarks(), "humaneval")
    >>> r = robustness_table(t, sigma=0.0).set_index("model")
    >>> r.frontier_probability.dropna().to_dict()
    {'DeepSeek V4 Flash': 1.0, 'DeepSeek Coder': 0.0, 'Qwen3-Coder-30B': 0.0, 'GPT-4o': 1.0, 'Claude 3.5 Sonnet': 1.0}
    """
    cols = [c for c in ("on_frontier", "dominated_by", "overpay") if c in table.columns]
    out = frontier_probability(table.drop(columns=cols), sigma=sigma, n_draws=n_draws, seed=seed)
    out.attrs.update(table.attrs, sigma=sigma, n_draws=n_draws, seed=seed)
    return out


def robust_conclusions(robust: pd.DataFrame) -> dict[str, list[str]]:
    """Models grouped by how their frontier status survives the noise.

    >>> r = pd.DataFrame({"model": ["a", "b", "c"], "robustness": ["on the frontier (robust)",
    ...                   "depends on the noise", None]})
    >>> robust_conclusions(r)
    {'on the frontier (robust)': ['a'], 'depends on the noise': ['b'], 'dominated (robust)': []}
    """
    groups = ("on the frontier (robust)", "depends on the noise", "dominated (robust)")
    return {g: robust.loc[robust["robustness"] == g, "model"].tolist() for g in groups}


def unscored_models(pricing: pd.DataFrame, benchmarks: pd.DataFrame) -> list[str]:
    """Priced models with no benchmark score at all: no frontier may place them.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> unscored_models(load_pricing(), load_benchmarks())
    ['Gemini 1.5 Pro', 'GPT-4o-mini']
    """
    scored = set(benchmarks["model"])
    return [m for m in pricing["model"] if m not in scored]


# --------------------------------------------------------------------------- what notebook 03 shows and says


def frontier_models(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The frontier models of each benchmark, cheapest first.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> frontier_models(frontiers(load_pricing(), load_benchmarks()))["humaneval"]
    ['DeepSeek V4 Flash', 'GPT-4o', 'Claude 3.5 Sonnet']
    """
    return {b: t.loc[t.on_frontier, "model"].tolist() for b, t in tables.items()}


def best_values(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """The lowest price per point of each benchmark: ``{"model", "usd_per_mtok_per_point"}``.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> best = best_values(frontiers(load_pricing(), load_benchmarks()))
    >>> best["ceval"]["model"], round(float(best["ceval"]["usd_per_mtok_per_point"]), 5)
    ('DeepSeek V4 Flash', 0.00284)

    A benchmark with no model both priced and scored has no entry (no best value is made up).
    """
    out = {}
    for b, t in tables.items():
        if t.usd_per_mtok_per_point.notna().any():
            r = t.dropna(subset=["usd_per_mtok_per_point"]).sort_values("usd_per_mtok_per_point").iloc[0]
            out[b] = {"model": r.model, "usd_per_mtok_per_point": r.usd_per_mtok_per_point}
    return out

"""Price per benchmark point, the frontier per benchmark, and the article's claims computed from data/.

One table per (benchmark, price basis, input:output ratio): every priced model with its price
on the basis, its score, its price per point and whether it is on the Pareto frontier. A model
with no score on the benchmark (GPT-4o-mini has none at all) or no price on the basis stays in
the table with ``excluded_reason`` and takes no part: nothing is scored or priced as 0.

>>> from analysis.data import load_benchmarks, load_pricing
>>> t = efficiency_table(load_pricing(), load_benchmarks(), "humaneval").set_index("model")
>>> t.loc[t.on_frontier].index.tolist()
['DeepSeek V4 Flash', 'GPT-4o', 'Claude 3.5 Sonnet']
>>> t.loc["GPT-4o-mini", "excluded_reason"]
'no HumanEval score in the data'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import BENCHMARKS
from analysis.frontier import frontier_probability, pareto_frontier
from analysis.landscape import price_multiples, rated_above_on_every_factor
from analysis.pricing import (
    DEFAULT_INPUT_OUTPUT_RATIO,
    format_multiple,
    format_price,
    format_usd,
    price_on_basis,
)
from analysis.publish import styled_table

#: Short names of the benchmarks for sentences and labels.
BENCHMARK_SHORT = {"mmlu": "MMLU-style", "humaneval": "HumanEval", "ceval": "C-Eval"}


def check_benchmark(benchmark: str) -> str:
    """``benchmark`` if it is a known benchmark key, else a ``ValueError`` saying what to pass.

    >>> check_benchmark("ceval")
    'ceval'
    """
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark {benchmark!r} is not one of {', '.join(BENCHMARKS)}: pass one of them")
    return benchmark


def benchmark_table(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, basis: str = "output",
                    input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                    sigma_column: str | None = None) -> pd.DataFrame:
    """Every priced model with ``usd_per_mtok`` on ``basis`` and its ``score`` on ``benchmark``.

    >>> from analysis.data import load_benchmarks, load_pricing
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
        np.where(no_score, f"no {BENCHMARK_SHORT[benchmark]} score in the data", out["excluded_reason"]),
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

    >>> from analysis.data import load_benchmarks, load_pricing
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

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> f = frontiers(load_pricing(), load_benchmarks())
    >>> {b: int(t.on_frontier.sum()) for b, t in f.items()}
    {'mmlu': 5, 'humaneval': 3, 'ceval': 3}
    """
    present = [b for b in BENCHMARKS if b in set(benchmarks["benchmark"])]
    return {b: efficiency_table(pricing, benchmarks, b, basis, input_output_ratio) for b in present}


def price_per_point_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every scored and priced model on every benchmark: price per point and multiple of the best.

    >>> from analysis.data import load_benchmarks, load_pricing
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

    >>> from analysis.data import load_benchmarks, load_pricing
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

    >>> from analysis.data import load_benchmarks, load_pricing
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


def prob_above(score_a: float, score_b: float, sigma_a: float, sigma_b: float | None = None) -> float:
    """Probability that A's true score is above B's, each published score off by normal noise.

    >>> round(prob_above(89.0, 88.5, 1.0), 3)
    0.638
    >>> prob_above(89.0, 88.5, 0.0), prob_above(88.5, 88.5, 0.0)
    (1.0, 0.0)
    """
    sigma_b = sigma_a if sigma_b is None else sigma_b
    sd = math.hypot(sigma_a, sigma_b)
    diff = score_a - score_b
    if sd == 0:
        return 1.0 if diff > 0 else 0.0
    return 0.5 * (1 + math.erf(diff / (sd * math.sqrt(2))))


def prob_within(score_a: float, score_b: float, points: float, sigma_a: float, sigma_b: float | None = None) -> float:
    """Probability that A's and B's true scores are within ``points`` of each other, under normal noise.

    >>> round(prob_within(92.0, 93.0, 1.0, 1.0), 3)
    0.421
    >>> prob_within(92.0, 93.0, 1.0, 0.0)
    1.0
    """
    sigma_b = sigma_a if sigma_b is None else sigma_b
    sd = math.hypot(sigma_a, sigma_b)
    diff = score_a - score_b
    if sd == 0:
        return 1.0 if abs(diff) <= points else 0.0
    cdf = lambda x: 0.5 * (1 + math.erf(x / (sd * math.sqrt(2))))  # noqa: E731
    return cdf(points - diff) - cdf(-points - diff)


# --------------------------------------------------------------------------- the article's claims


@dataclass(frozen=True)
class Claim:
    """One sentence of the article, checked against data/: ``supported`` or not, and the figures.

    ``kind`` is the report's label: "computed" when the data bears the sentence out, "not
    supported" when it does not (or when a model it names is missing from the data).

    >>> Claim("x", "A is cheaper.", False, "A is not in the data.").kind
    'not supported'
    """

    key: str
    article: str
    supported: bool
    finding: str
    numbers: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "computed" if self.supported else "not supported"

    def as_dict(self) -> dict:
        return {"key": self.key, "article": self.article, "supported": self.supported, "kind": self.kind,
                "finding": self.finding, "numbers": self.numbers}


def _lookup(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str | None, *models: str):
    """(output price, score) per model; None when the model or the figure is missing."""
    price = pricing.set_index("model")["output_usd_per_mtok"]
    scores = benchmarks[benchmarks["benchmark"] == benchmark].set_index("model")["score"] if benchmark else None
    out, missing = {}, []
    for m in models:
        p = price.get(m, np.nan)
        s = np.nan if scores is None else scores.get(m, np.nan)
        if pd.isna(p) or (scores is not None and pd.isna(s)):
            missing.append(m)
        out[m] = (float(p), float(s))
    return out, missing


def _missing(key: str, article: str, missing: list[str], benchmark: str | None) -> Claim:
    what = f"an output price and a {BENCHMARK_SHORT[benchmark]} score" if benchmark else "an output price"
    return Claim(key, article, False, f"Cannot be checked: the data has no {what} for {', '.join(missing)}.",
                 {"missing": missing})


def claim_within_points(pricing, benchmarks, benchmark, cheap, dear, points, price_fraction, key, article,
                        sigma: float = 0.0) -> Claim:
    """Whether ``cheap`` scores within ``points`` of ``dear`` at 1/``price_fraction`` of its output price.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> c = claim_within_points(load_pricing(), load_benchmarks(), "humaneval", "DeepSeek V4 Flash",
    ...                         "Claude 3.5 Sonnet", 1, 60, "k", "...")
    >>> c.supported, c.numbers["score_gap"], c.numbers["output_price_multiple"]
    (True, 1.0, 60.0)
    """
    vals, missing = _lookup(pricing, benchmarks, benchmark, cheap, dear)
    if missing:
        return _missing(key, article, missing, benchmark)
    (pc, sc), (pd_, sd) = vals[cheap], vals[dear]
    gap = round(sd - sc, 6)
    multiple = pd_ / pc if pc > 0 else math.inf
    ok = abs(gap) <= points and multiple >= price_fraction - 1e-9
    p_noise = prob_within(sc, sd, points, sigma)
    finding = (f"On {BENCHMARK_SHORT[benchmark]}, {cheap} scores {sc:g} and {dear} {sd:g}: "
               f"{abs(gap):g} point{'s' if abs(gap) != 1 else ''} apart; output price {format_usd(pc)} vs {format_usd(pd_)} per million "
               f"tokens, 1/{format_multiple(multiple).rstrip('×')} of it.")
    if sigma > 0:
        finding += (f" With a score uncertainty of {sigma:g} point (assumption), the two are within {points:g} "
                    f"point in {p_noise:.0%} of cases.")
    return Claim(key, article, ok, finding, {
        "benchmark": benchmark, "models": [cheap, dear], "scores": [sc, sd], "score_gap": gap,
        "output_usd_per_mtok": [pc, pd_], "output_price_multiple": multiple,
        "sigma": sigma, "probability_within_under_noise": p_noise})


def claim_above_cheaper(pricing, benchmarks, benchmark, cheap, dear, price_fraction, key, article,
                        sigma: float = 0.0) -> Claim:
    """Whether ``cheap`` scores above ``dear`` at under 1/``price_fraction`` of its output price.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> c = claim_above_cheaper(load_pricing(), load_benchmarks(), "ceval", "Qwen3-32B", "GPT-4o", 35, "k", "...")
    >>> c.supported, round(c.numbers["output_price_multiple"], 2)
    (True, 35.71)
    """
    vals, missing = _lookup(pricing, benchmarks, benchmark, cheap, dear)
    if missing:
        return _missing(key, article, missing, benchmark)
    (pc, sc), (pd_, sd) = vals[cheap], vals[dear]
    multiple = pd_ / pc if pc > 0 else math.inf
    ok = sc > sd and multiple > price_fraction
    p_noise = prob_above(sc, sd, sigma)
    finding = (f"On {BENCHMARK_SHORT[benchmark]}, {cheap} scores {sc:g} and {dear} {sd:g}; output price "
               f"{format_usd(pc)} vs {format_usd(pd_)} per million tokens: {dear} costs {multiple:.1f}× as much "
               f"({'more' if multiple > price_fraction else 'not more'} than {price_fraction:g}×).")
    if sigma > 0:
        finding += (f" With a score uncertainty of {sigma:g} point (assumption), {cheap} is ahead in only "
                    f"{p_noise:.0%} of cases: a {abs(sc - sd):g}-point lead is within the noise.")
    return Claim(key, article, ok, finding, {
        "benchmark": benchmark, "models": [cheap, dear], "scores": [sc, sd], "score_gap": round(sc - sd, 6),
        "output_usd_per_mtok": [pc, pd_], "output_price_multiple": multiple,
        "sigma": sigma, "probability_above_under_noise": p_noise})


def claim_head_to_head(pricing, benchmarks, matchups, matchup, model, price_fraction, key, article) -> Claim:
    """Whether ``model`` is rated above its opponent on every star factor at under 1/``price_fraction`` of its price.

    >>> from analysis.data import load_benchmarks, load_matchups, load_pricing
    >>> c = claim_head_to_head(load_pricing(), load_benchmarks(), load_matchups(), "Qwen3-32B vs GPT-4o-mini",
    ...                        "Qwen3-32B", 2, "k", "...")
    >>> c.supported, c.numbers["opponent_benchmark_scores"]
    (True, {})
    """
    rows = matchups[matchups["matchup"] == matchup]
    if rows.empty:
        return Claim(key, article, False, f"Cannot be checked: the data has no matchup {matchup!r}.",
                     {"missing": [matchup]})
    other = rows["model_b"].iloc[0] if rows["model_a"].iloc[0] == model else rows["model_a"].iloc[0]
    above = rated_above_on_every_factor(matchups, matchup, model)
    multiple = float(price_multiples(matchups).get(matchup, np.nan))
    price = rows[rows["unit"] == "usd_per_mtok"]
    mine = price["value_a"].iloc[0] if price["model_a"].iloc[0] == model else price["value_b"].iloc[0]
    theirs = price["value_b"].iloc[0] if price["model_a"].iloc[0] == model else price["value_a"].iloc[0]
    cheaper = mine < theirs
    ok = above and cheaper and multiple > price_fraction
    stars = rows[rows["unit"] == "stars"]
    factors = stars["factor"].tolist()
    other_scores = benchmarks[benchmarks["model"] == other].set_index("benchmark")["score"].to_dict()
    finding = (f"{model} is rated above {other} on {'every' if above else 'not every'} star-rated factor "
               f"({', '.join(factors)}: the author's stars, not measurements) at {format_usd(mine)} vs {format_usd(theirs)} per million "
               f"output tokens, {'under' if ok else 'not under'} 1/{price_fraction:g} of its price "
               f"({format_multiple(multiple)} cheaper).")
    if not other_scores:
        finding += f" {other} has no benchmark score in the data, so no frontier includes it."
    return Claim(key, article, ok, finding, {
        "matchup": matchup, "model": model, "opponent": other, "rated_above_on_every_factor": above,
        "factors": factors, "output_usd_per_mtok": [float(mine), float(theirs)], "output_price_multiple": multiple,
        "opponent_benchmark_scores": other_scores})


def origin_gaps(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, leader: str = "US",
                field_origin: str = "CN") -> pd.DataFrame:
    """Every (leader-origin model, field-origin model) pair on a benchmark: score gap and output price multiple.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> g = origin_gaps(load_pricing(), load_benchmarks(), "mmlu")
    >>> g.round(2).iloc[0][["leader", "field", "score_gap", "output_price_multiple"]].tolist()
    ['Claude 3.5 Sonnet', 'Qwen3.5-397B', np.float64(1.5), np.float64(6.41)]
    """
    t = benchmark_table(pricing, benchmarks, benchmark, "output")
    t = t[t["score"].notna()]
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
    return out.sort_values(["leader_score", "field_score"], ascending=False).reset_index(drop=True)


def claim_origin_edge(pricing, benchmarks, benchmark="mmlu", low=2.0, high=3.0, key="mmlu_us_edge",
                      article="") -> Claim:
    """Whether the best US model leads the best Chinese model by ``low``-``high`` points.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> c = claim_origin_edge(load_pricing(), load_benchmarks())
    >>> c.supported, c.numbers["best_vs_best_gap"], c.numbers["mean_gap"]
    (False, 1.5, 2.35)
    """
    g = origin_gaps(pricing, benchmarks, benchmark)
    if g.empty:
        return Claim(key, article, False, f"Cannot be checked: no US and Chinese {BENCHMARK_SHORT[benchmark]} "
                                          "scores to compare.", {})
    t = benchmark_table(pricing, benchmarks, benchmark, "output").dropna(subset=["score"])
    us, cn = t[t.origin == "US"], t[t.origin == "CN"]
    best_us, best_cn = us.loc[us.score.idxmax()], cn.loc[cn.score.idxmax()]
    best_gap = round(float(best_us.score - best_cn.score), 6)
    mean_gap = round(float(us.score.mean() - cn.score.mean()), 6)
    ok = bool(low <= best_gap <= high)
    finding = (f"On {BENCHMARK_SHORT[benchmark]}, the best US model ({best_us.model}, {best_us.score:g}) leads the "
               f"best Chinese one ({best_cn.model}, {best_cn.score:g}) by {best_gap:g} point"
               f"{'s' if best_gap != 1 else ''}, {'within' if ok else 'not'} the article's {low:g}-{high:g}; "
               f"the pairwise gaps run from {g.score_gap.min():g} to {g.score_gap.max():g} and the averages differ "
               f"by {mean_gap:g}.")
    return Claim(key, article, ok, finding, {
        "benchmark": benchmark, "best_us": best_us.model, "best_cn": best_cn.model,
        "best_vs_best_gap": best_gap, "mean_gap": mean_gap,
        "pairwise_gap_range": [float(g.score_gap.min()), float(g.score_gap.max())],
        "us_models": us.model.tolist(), "cn_models": cn.model.tolist()})


def claim_origin_premium(pricing, benchmarks, benchmark="mmlu", gap_low=2.0, gap_high=3.0, premium_low=20.0,
                         premium_high=60.0, key="mmlu_us_premium", article="") -> Claim:
    """Whether the US models' 2-3 point edge comes with a 20-60× output price premium.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> c = claim_origin_premium(load_pricing(), load_benchmarks())
    >>> c.supported, [round(x, 1) for x in c.numbers["premium_range_at_that_gap"]]
    (False, [5.0, 7.8])
    """
    g = origin_gaps(pricing, benchmarks, benchmark)
    if g.empty:
        return Claim(key, article, False, f"Cannot be checked: no US and Chinese {BENCHMARK_SHORT[benchmark]} "
                                          "scores to compare.", {})
    at_gap = g[(g.score_gap >= gap_low) & (g.score_gap <= gap_high)]
    in_range = g[(g.output_price_multiple >= premium_low) & (g.output_price_multiple <= premium_high)]
    rng = [float(at_gap.output_price_multiple.min()), float(at_gap.output_price_multiple.max())] if len(at_gap) else []
    ok = bool(len(at_gap)) and bool(rng[0] >= premium_low and rng[1] <= premium_high)
    scored = set(g.leader)
    us_all = pricing[pricing.origin == "US"]
    unscored = [m for m in us_all.model if m not in scored]
    parts = [f"On {BENCHMARK_SHORT[benchmark]}, "]
    if len(at_gap):
        parts.append(f"the US-Chinese pairs {gap_low:g}-{gap_high:g} points apart carry an output price premium of "
                     f"{format_multiple(rng[0])} to {format_multiple(rng[1])}, not {premium_low:g}-{premium_high:g}×")
    else:
        parts.append(f"no US-Chinese pair is {gap_low:g}-{gap_high:g} points apart")
    if len(in_range):
        gaps = in_range.score_gap
        parts.append(f"; the premiums inside {premium_low:g}-{premium_high:g}× "
                     f"({format_multiple(in_range.output_price_multiple.min())} to "
                     f"{format_multiple(in_range.output_price_multiple.max())}) go with gaps of {gaps.min():g} to "
                     f"{gaps.max():g} points")
    parts.append(".")
    if unscored:
        parts.append(f" ({', '.join(unscored)} ha{'s' if len(unscored) == 1 else 've'} no "
                     f"{BENCHMARK_SHORT[benchmark]} score.)")
    return Claim(key, article, ok, "".join(parts), {
        "benchmark": benchmark, "premium_range_at_that_gap": rng,
        "pairs_at_that_gap": at_gap[["leader", "field", "score_gap", "output_price_multiple"]].to_dict("records"),
        "pairs_in_premium_range": in_range[["leader", "field", "score_gap", "output_price_multiple"]]
        .to_dict("records"),
        "us_models_without_score": unscored})


#: The article's sentences this module checks (quoted from shared/source/article.txt).
ARTICLE = {
    "humaneval_v4flash_vs_sonnet": "DeepSeek V4 Flash scores within 1 point of Claude 3.5 Sonnet on code "
                                   "generation, and it's 60× cheaper.",
    "ceval_qwen3_32b_vs_gpt4o": "The fact that Qwen3-32B is both better and dramatically cheaper than GPT-4o "
                                "for this specific task [C-Eval] ...",
    "headtohead_qwen3_32b_vs_gpt4o_mini": "Qwen3-32B is cheaper and better in every dimension I'm measuring.",
    "mmlu_us_edge": "The US frontier models are still edging out the Chinese field by 2-3 points",
    "mmlu_us_premium": "... but that edge is no longer justifying a 20-60× price premium in most of my workloads.",
}


def article_claims(pricing: pd.DataFrame, benchmarks: pd.DataFrame, matchups: pd.DataFrame,
                   sigma: float = 0.0) -> list[Claim]:
    """The article's quantitative sentences about quality for the price, each checked against the data.

    Prices are output prices (the article's basis). ``sigma`` (benchmark points, an
    assumption) adds how often a score comparison survives normal noise on both scores.

    >>> from analysis.data import load_benchmarks, load_matchups, load_pricing
    >>> [(c.key, c.kind) for c in article_claims(load_pricing(), load_benchmarks(), load_matchups())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('humaneval_v4flash_vs_sonnet', 'computed'), ('ceval_qwen3_32b_vs_gpt4o', 'computed'),
     ('headtohead_qwen3_32b_vs_gpt4o_mini', 'computed'), ('mmlu_us_edge', 'not supported'),
     ('mmlu_us_premium', 'not supported')]
    """
    return [
        claim_within_points(pricing, benchmarks, "humaneval", "DeepSeek V4 Flash", "Claude 3.5 Sonnet", 1, 60,
                            "humaneval_v4flash_vs_sonnet", ARTICLE["humaneval_v4flash_vs_sonnet"], sigma),
        claim_above_cheaper(pricing, benchmarks, "ceval", "Qwen3-32B", "GPT-4o", 35, "ceval_qwen3_32b_vs_gpt4o",
                            ARTICLE["ceval_qwen3_32b_vs_gpt4o"], sigma),
        claim_head_to_head(pricing, benchmarks, matchups, "Qwen3-32B vs GPT-4o-mini", "Qwen3-32B", 2,
                           "headtohead_qwen3_32b_vs_gpt4o_mini", ARTICLE["headtohead_qwen3_32b_vs_gpt4o_mini"]),
        claim_origin_edge(pricing, benchmarks, "mmlu", 2, 3, "mmlu_us_edge", ARTICLE["mmlu_us_edge"]),
        claim_origin_premium(pricing, benchmarks, "mmlu", 2, 3, 20, 60, "mmlu_us_premium",
                             ARTICLE["mmlu_us_premium"]),
    ]


def unscored_models(pricing: pd.DataFrame, benchmarks: pd.DataFrame) -> list[str]:
    """Priced models with no benchmark score at all: no frontier may place them.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> unscored_models(load_pricing(), load_benchmarks())
    ['Gemini 1.5 Pro', 'GPT-4o-mini']
    """
    scored = set(benchmarks["model"])
    return [m for m in pricing["model"] if m not in scored]


# --------------------------------------------------------------------------- what notebook 03 shows and says


def frontier_models(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The frontier models of each benchmark, cheapest first.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> frontier_models(frontiers(load_pricing(), load_benchmarks()))["humaneval"]
    ['DeepSeek V4 Flash', 'GPT-4o', 'Claude 3.5 Sonnet']
    """
    return {b: t.loc[t.on_frontier, "model"].tolist() for b, t in tables.items()}


def best_values(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """The lowest price per point of each benchmark: ``{"model", "usd_per_mtok_per_point"}``.

    >>> from analysis.data import load_benchmarks, load_pricing
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


def frontiers_markdown(tables: dict[str, pd.DataFrame]) -> str:
    """One Markdown line per benchmark: its frontier, cheapest to best.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> print(frontiers_markdown(frontiers(load_pricing(), load_benchmarks())).splitlines()[1])
    - **HumanEval**: DeepSeek V4 Flash → GPT-4o → Claude 3.5 Sonnet
    """
    return "\n".join(f"- **{BENCHMARK_SHORT[b]}**: {' → '.join(m)}" for b, m in frontier_models(tables).items())


def conclusions_markdown(conclusions: dict[str, list[str]]) -> str:
    """The groups of :func:`robust_conclusions` as a Markdown list; an empty group reads *none*.

    >>> print(conclusions_markdown({"on the frontier (robust)": ["a", "b"], "dominated (robust)": []}))
    - **on the frontier (robust)**: a, b
    - **dominated (robust)**: none
    """
    return "\n".join(f"- **{k}**: {', '.join(v) or 'none'}" for k, v in conclusions.items())


def claims_markdown(claims: list[Claim]) -> str:
    """The article's claims as a Markdown list: kind, the quoted sentence, what the data says.

    >>> print(claims_markdown([Claim("k", "A is cheaper.", False, "A is not in the data.")]))
    - **not supported**: "A is cheaper." A is not in the data.
    """
    return "\n".join(f"- **{c.kind}**: \"{c.article}\" {c.finding}" for c in claims)


def styled_dominated(dominated: pd.DataFrame, benchmark: str | None = None, basis: str = "output",
                     input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO):
    """:func:`dominated_table` for people: headings with units, prices in dollars, scores to 1 decimal.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> d = dominated_table(efficiency_table(load_pricing(), load_benchmarks(), "humaneval"))
    >>> html = styled_dominated(d, "humaneval").to_html()
    >>> "HumanEval score" in html and "output price, $/M tokens" in html and ">91.5<" in html and "1.4×" in html
    True
    """
    score = f"{BENCHMARK_SHORT[benchmark]} score" if benchmark else "score"
    price = f"blended price ({input_output_ratio:g}:1 in:out)" if basis == "blended" else f"{basis} price"
    columns = {"model": "model", "usd_per_mtok": f"{price}, $/M tokens", "score": score,
               "dominated_by": "dominated by", "dominator_usd_per_mtok": "dominator's price, $/M tokens",
               "dominator_score": "dominator's score", "overpay": "overpay, × dominator's price",
               "points_behind": "points behind"}
    one = "{:.1f}".format
    return styled_table(dominated, columns, {
        "usd_per_mtok": format_price, "dominator_usd_per_mtok": format_price, "score": one,
        "dominator_score": one, "overpay": format_multiple, "points_behind": one})


def results(table: pd.DataFrame, tables: dict[str, pd.DataFrame], robust: pd.DataFrame, claims: list[Claim],
            unscored: list[str], *, benchmark: str, basis: str, input_output_ratio: float,
            score_sigma: float | str) -> dict:
    """Notebook 03's results.json entries, by name (see the README for each).

    ``table`` is the chosen benchmark's :func:`efficiency_table`, ``tables`` :func:`frontiers`,
    ``robust`` :func:`robustness_table`, ``claims`` :func:`article_claims`, ``unscored``
    :func:`unscored_models`; ``score_sigma`` is the noise used (a number, or the column name).

    >>> from analysis.data import load_benchmarks, load_matchups, load_pricing
    >>> p, b = load_pricing(), load_benchmarks()
    >>> t = efficiency_table(p, b, "humaneval")
    >>> r = results(t, frontiers(p, b), robustness_table(t, 0.0), article_claims(p, b, load_matchups()),
    ...             unscored_models(p, b), benchmark="humaneval", basis="output", input_output_ratio=3.0,
    ...             score_sigma=0.0)
    >>> r["frontier_models"]["humaneval"], r["best_value"]["humaneval"]["model"], r["excluded"]["GPT-4o-mini"]
    (['DeepSeek V4 Flash', 'GPT-4o', 'Claude 3.5 Sonnet'], 'DeepSeek V4 Flash', 'no HumanEval score in the data')
    """
    columns = ["model", "origin", "usd_per_mtok", "score", "usd_per_mtok_per_point", "value_multiple", "on_frontier",
               "dominated_by", "overpay", "excluded_reason"]
    excluded = table.loc[table.excluded_reason.notna()]
    return {
        "benchmark": benchmark,
        "basis": basis,
        "input_output_ratio": input_output_ratio,
        "score_sigma": score_sigma,
        "frontier": {b: t[columns] for b, t in tables.items()},
        "frontier_models": frontier_models(tables),
        "dominated": dominated_table(table),
        "price_per_point": price_per_point_long(tables),
        "best_value": best_values(tables),
        "excluded": dict(zip(excluded.model, excluded.excluded_reason)),
        "frontier_probability": dict(zip(robust.model, robust.frontier_probability)),
        "robust_conclusions": robust_conclusions(robust),
        "article_claims": {c.key: c.as_dict() for c in claims},
        "unscored_models": unscored,
    }


def findings(table: pd.DataFrame, tables: dict[str, pd.DataFrame], robust: pd.DataFrame, claims: list[Claim],
             unscored: list[str], *, benchmark: str, basis: str, score_sigma: float,
             score_sigma_column: str = "", n_draws: int) -> list[tuple[str, str]]:
    """Notebook 03's headline findings as ``(text, kind)``, arguments as for :func:`results`.

    >>> from analysis.data import load_benchmarks, load_matchups, load_pricing
    >>> p, b = load_pricing(), load_benchmarks()
    >>> t = efficiency_table(p, b, "humaneval")
    >>> f = findings(t, frontiers(p, b), robustness_table(t, 1.0, 200), article_claims(p, b, load_matchups()),
    ...              unscored_models(p, b), benchmark="humaneval", basis="output", score_sigma=1.0, n_draws=200)
    >>> for text, kind in f[:4]: print(kind, "|", text)
    computed | HumanEval frontier on the output price: DeepSeek V4 Flash ($0.25, 92), GPT-4o ($10.00, 92.5), Claude 3.5 Sonnet ($15.00, 93).
    computed | 2 HumanEval models are dominated; the largest overpay is Qwen3-Coder-30B, at 1.4× the price of DeepSeek V4 Flash, which scores 0.5 points higher.
    computed | Best HumanEval value: DeepSeek V4 Flash at $0.0027 per million tokens per point (output price).
    assumption | Score uncertainty: 1 point (one standard deviation, for every published score; the source states none).

    Then the robust conclusions, one finding per article claim, and the models with no score.
    """
    name = BENCHMARK_SHORT[benchmark]
    dominated = dominated_table(table)
    conclusions = robust_conclusions(robust)
    best = best_values(tables)
    on = table[table.on_frontier]
    out = [(f"{name} frontier on the {basis} price: " + ", ".join(
        f"{r.model} ({format_usd(r.usd_per_mtok)}, {r.score:g})" for r in on.itertuples()) + ".", "computed")]
    if len(dominated):
        worst = dominated.iloc[0]
        out.append((f"{len(dominated)} {name} model{'s are' if len(dominated) != 1 else ' is'} dominated; the "
                    f"largest overpay is {worst.model}, at {format_multiple(worst.overpay)} the price of "
                    f"{worst.dominated_by}, which scores {worst.points_behind:g} "
                    f"point{'s' if worst.points_behind != 1 else ''} higher.", "computed"))
    if benchmark in best:
        b = best[benchmark]
        out.append((f"Best {name} value: {b['model']} at {format_usd(b['usd_per_mtok_per_point'], 4)} per million "
                    f"tokens per point ({basis} price).", "computed"))
    noise = f"per-score column {score_sigma_column}" if score_sigma_column else f"{score_sigma:g} point{'' if score_sigma == 1 else 's'}"
    out.append((f"Score uncertainty: {noise} (one standard deviation, for every published score; the source "
                f"states none).", "assumption"))
    out.append((f"Under that noise ({n_draws:,} seeded draws): robustly on the {name} frontier: "
                f"{', '.join(conclusions['on the frontier (robust)']) or 'none'}; robustly dominated: "
                f"{', '.join(conclusions['dominated (robust)']) or 'none'}; depends on the noise: "
                f"{', '.join(conclusions['depends on the noise']) or 'none'}.", "computed"))
    out += [(f"Article: \"{c.article}\" {c.finding}", c.kind) for c in claims]
    if unscored:
        out.append((f"No benchmark score in the source for {', '.join(unscored)}: they are on no frontier "
                    f"(none is invented).", "as published"))
    return out

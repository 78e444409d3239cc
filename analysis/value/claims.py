"""The article's quality-for-price sentences, each checked against the data."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data.tables import BENCHMARK_SHORT_LABELS
from analysis.formatting import (
    format_multiple,
    format_names,
    format_points,
    format_points_range,
    format_range,
    format_usd,
)
from analysis.value.efficiency import benchmark_table
from analysis.value.landscape import rated_above_on_every_factor
from analysis.value.origins import origin_gaps, origin_summary


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


#: A claim the published figures bear out, but in fewer than this share of the noisy draws, is *fragile*.
FRAGILE_BELOW = 0.9

#: The verdict of a claim the data cannot check (a model or figure it names is missing): not a refutation.
CANNOT_CHECK = "cannot be checked (data gap)"

#: The verdicts a claim can get, in the report's words.
VERDICTS = ("supported", "fragile", "not supported", CANNOT_CHECK)


@dataclass(frozen=True)
class Claim:
    """One sentence of the article, checked against data/: its verdict and the evidence.

    ``verdict`` is one of :data:`VERDICTS`: *not supported* when the figures do not bear the
    sentence out, *fragile* when they do but only on one reading of it or not under the assumed
    score noise (``fragile`` says why), *supported* when they do, and *cannot be checked (data gap)*
    when a model or figure it names is missing (``supported`` is ``None``: unknown, not refuted).
    ``finding`` is the evidence, shown beside the verdict. ``kind`` is the provenance tag of the
    report's headline: "computed", "not supported", or "data gap".

    >>> c = Claim("x", "A is cheaper.", False, "A costs more.")
    >>> c.verdict, c.kind
    ('not supported', 'not supported')
    >>> c = Claim("x", "A is cheaper.", None, "Cannot be checked: the data has no output price for A.")
    >>> c.verdict, c.kind, c.as_dict()["supported"]
    ('cannot be checked (data gap)', 'data gap', None)
    >>> c = Claim("x", "A leads by 2-3.", True, "2.35 on average, 1.5 best against best.", fragile="one reading")
    >>> c.verdict, c.kind
    ('fragile', 'computed')
    """

    key: str
    article: str
    supported: bool | None
    finding: str
    numbers: dict = field(default_factory=dict)
    fragile: str = ""

    @property
    def verdict(self) -> str:
        if self.supported is None:
            return CANNOT_CHECK
        if not self.supported:
            return "not supported"
        return "fragile" if self.fragile else "supported"

    @property
    def kind(self) -> str:
        return {"not supported": "not supported", CANNOT_CHECK: "data gap"}.get(self.verdict, "computed")

    def evidence(self) -> str:
        """The finding, and why the verdict is *fragile* when it is."""
        return self.finding + (f" Fragile: {self.fragile}." if self.verdict == "fragile" else "")

    def as_dict(self) -> dict:
        return {"key": self.key, "article": self.article, "supported": self.supported, "verdict": self.verdict,
                "kind": self.kind, "finding": self.finding, "fragile": self.fragile, "evidence": self.evidence(),
                "numbers": self.numbers}


def article_prices_note(pricing: pd.DataFrame, models: list[str]) -> str:
    """What the article's own output prices were, when the prices this check used (a catalog's) differ from them:
    the article's figures stay labelled as the article's. Empty when they agree or the article has no price.

    >>> from analysis.data.load import load_pricing
    >>> article_prices_note(load_pricing(), ["GPT-4o", "DeepSeek V4 Flash"])
    ''
    >>> catalog = pd.DataFrame({"model": ["GPT-4o", "DeepSeek V4 Flash"], "output_usd_per_mtok": [10.0, 0.60]})
    >>> print(article_prices_note(catalog, ["DeepSeek V4 Flash", "GPT-4o"]))
     These prices are this run's pricing table's; the article's own (as published) are $0.25 for DeepSeek V4 Flash and $10.00 for GPT-4o, 40× apart.
    """
    from analysis.data.load import load_pricing

    article = load_pricing().set_index("model")["output_usd_per_mtok"]
    used = pricing.set_index("model")["output_usd_per_mtok"]
    if any(m not in article.index or pd.isna(article[m]) for m in models):
        return ""
    if all(m in used.index and used[m] == article[m] for m in models):
        return ""
    prices = [f"{format_usd(article[m])} for {m}" for m in models]
    text = " These prices are this run's pricing table's; the article's own (as published) are " + \
        (", ".join(prices[:-1]) + " and " + prices[-1] if len(prices) > 1 else prices[0])
    if len(models) == 2 and min(article[m] for m in models) > 0:
        text += f", {format_multiple(max(article[m] for m in models) / min(article[m] for m in models))} apart"
    return text + "."


def _noise_fragile(sigma: float, probability: float, what: str) -> str:
    """Why a claim the published scores bear out is fragile under score noise (empty when it is not)."""
    if sigma > 0 and probability < FRAGILE_BELOW:
        return f"under the assumed score noise {what} in only {probability:.0%} of cases (below {FRAGILE_BELOW:.0%})"
    return ""


def _lookup(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str | None, *models: str):
    """(output price, score) per model, and per model the figures the data lacks (``an output price``, ``a
    C-Eval score``).

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> _lookup(load_pricing(), load_benchmarks(), "ceval", "Qwen3-32B", "GPT-9")[1]
    {'GPT-9': ['an output price', 'a C-Eval score']}
    """
    price = pricing.set_index("model")["output_usd_per_mtok"]
    scores = benchmarks[benchmarks["benchmark"] == benchmark].set_index("model")["score"] if benchmark else None
    out, missing = {}, {}
    for m in models:
        p = price.get(m, np.nan)
        s = np.nan if scores is None else scores.get(m, np.nan)
        lacks = (["an output price"] if pd.isna(p) else []) + \
            ([f"a {BENCHMARK_SHORT_LABELS[benchmark]} score"] if scores is not None and pd.isna(s) else [])
        if lacks:
            missing[m] = lacks
        out[m] = (float(p), float(s))
    return out, missing


def _missing(key: str, article: str, missing: dict[str, list[str]]) -> Claim:
    """A claim the data cannot check: which figure is missing for which model (``missing``: model to figures).

    >>> print(_missing("k", "...", {"Qwen3-32B": ["an output price"]}).finding)
    Cannot be checked: the data has no output price for Qwen3-32B.
    >>> print(_missing("k", "...", {"A": ["an output price", "a C-Eval score"], "B": ["a C-Eval score"]}).finding)
    Cannot be checked: the data has no output price or C-Eval score for A, and no C-Eval score for B.
    """
    parts = [f"{' or '.join(w.split(' ', 1)[1] for w in what)} for {m}" for m, what in missing.items()]
    return Claim(key, article, None, "Cannot be checked: the data has no " + ", and no ".join(parts) + ".",
                 {"missing": list(missing)})


def claim_within_points(pricing, benchmarks, benchmark, cheap, dear, points, price_fraction, key, article,
                        sigma: float = 0.0) -> Claim:
    """Whether ``cheap`` scores within ``points`` of ``dear`` at 1/``price_fraction`` of its output price.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> c = claim_within_points(load_pricing(), load_benchmarks(), "humaneval", "DeepSeek V4 Flash",
    ...                         "Claude 3.5 Sonnet", 1, 60, "k", "...")
    >>> c.supported, c.numbers["score_gap"], c.numbers["output_price_multiple"]
    (True, 1.0, 60.0)
    """
    vals, missing = _lookup(pricing, benchmarks, benchmark, cheap, dear)
    if missing:
        return _missing(key, article, missing)
    (pc, sc), (pd_, sd) = vals[cheap], vals[dear]
    gap = round(sd - sc, 6)
    multiple = pd_ / pc if pc > 0 else math.inf
    ok = abs(gap) <= points and multiple >= price_fraction - 1e-9
    p_noise = prob_within(sc, sd, points, sigma)
    finding = (f"On {BENCHMARK_SHORT_LABELS[benchmark]}, {cheap} scores {sc:g} and {dear} {sd:g}: "
               f"{format_points(abs(gap))} apart; output price {format_usd(pc)} vs {format_usd(pd_)} per million "
               f"tokens, 1/{format_multiple(multiple).rstrip('×')} of it.")
    finding += article_prices_note(pricing, [cheap, dear])
    if sigma > 0:
        finding += (f" With a score uncertainty of {sigma:g} point (assumption), the two are within {points:g} "
                    f"point in {p_noise:.0%} of cases.")
    return Claim(key, article, ok, finding, {
        "benchmark": benchmark, "models": [cheap, dear], "scores": [sc, sd], "score_gap": gap,
        "output_usd_per_mtok": [pc, pd_], "output_price_multiple": multiple,
        "sigma": sigma, "probability_within_under_noise": p_noise},
        fragile=_noise_fragile(sigma, p_noise, f"the two are within {points:g} point"))


def claim_above_cheaper(pricing, benchmarks, benchmark, cheap, dear, price_fraction, key, article,
                        sigma: float = 0.0) -> Claim:
    """Whether ``cheap`` scores above ``dear`` at under 1/``price_fraction`` of its output price.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> c = claim_above_cheaper(load_pricing(), load_benchmarks(), "ceval", "Qwen3-32B", "GPT-4o", 35, "k", "...")
    >>> c.supported, round(c.numbers["output_price_multiple"], 2)
    (True, 35.71)
    """
    vals, missing = _lookup(pricing, benchmarks, benchmark, cheap, dear)
    if missing:
        return _missing(key, article, missing)
    (pc, sc), (pd_, sd) = vals[cheap], vals[dear]
    multiple = pd_ / pc if pc > 0 else math.inf
    ok = sc > sd and multiple > price_fraction
    p_noise = prob_above(sc, sd, sigma)
    finding = (f"On {BENCHMARK_SHORT_LABELS[benchmark]}, {cheap} scores {sc:g} and {dear} {sd:g}; output price "
               f"{format_usd(pc)} vs {format_usd(pd_)} per million tokens: {dear} costs {multiple:.1f}× as much "
               f"({'more' if multiple > price_fraction else 'not more'} than {price_fraction:g}×).")
    finding += article_prices_note(pricing, [cheap, dear])
    if sigma > 0:
        finding += (f" With a score uncertainty of {sigma:g} point (assumption), {cheap} is ahead in only "
                    f"{p_noise:.0%} of cases: a {abs(sc - sd):g}-point lead is within the noise.")
    return Claim(key, article, ok, finding, {
        "benchmark": benchmark, "models": [cheap, dear], "scores": [sc, sd], "score_gap": round(sc - sd, 6),
        "output_usd_per_mtok": [pc, pd_], "output_price_multiple": multiple,
        "sigma": sigma, "probability_above_under_noise": p_noise},
        fragile=_noise_fragile(sigma, p_noise, f"{cheap} is ahead"))


def claim_head_to_head(pricing, benchmarks, matchups, matchup, model, price_fraction, key, article) -> Claim:
    """Whether ``model`` is rated above its opponent on every star factor at under 1/``price_fraction`` of its price.

    >>> from analysis.data.load import load_benchmarks, load_matchups, load_pricing
    >>> c = claim_head_to_head(load_pricing(), load_benchmarks(), load_matchups(), "Qwen3-32B vs GPT-4o-mini",
    ...                        "Qwen3-32B", 2, "k", "...")
    >>> c.supported, c.numbers["opponent_benchmark_scores"]
    (True, {})
    """
    rows = matchups[matchups["matchup"] == matchup]
    if rows.empty:
        return Claim(key, article, None, f"Cannot be checked: the data has no matchup {matchup!r}.",
                     {"missing": [matchup]})
    other = rows["model_b"].iloc[0] if rows["model_a"].iloc[0] == model else rows["model_a"].iloc[0]
    above = rated_above_on_every_factor(matchups, matchup, model)
    # the prices this run uses (a catalog's, or the article's): the matchup table holds the article's, as published
    vals, missing = _lookup(pricing, benchmarks, None, model, other)
    if missing:
        return _missing(key, article, missing)
    (mine, _), (theirs, _) = vals[model], vals[other]
    multiple = max(mine, theirs) / min(mine, theirs) if min(mine, theirs) > 0 else math.inf
    cheaper = mine < theirs
    ok = above and cheaper and multiple > price_fraction
    stars = rows[rows["unit"] == "stars"]
    factors = stars["factor"].tolist()
    other_scores = benchmarks[benchmarks["model"] == other].set_index("benchmark")["score"].to_dict()
    finding = (f"{model} is rated above {other} on {'every' if above else 'not every'} star-rated factor "
               f"({', '.join(factors)}: the author's stars, not measurements) at {format_usd(mine)} vs {format_usd(theirs)} per million "
               f"output tokens, {'under' if ok else 'not under'} 1/{price_fraction:g} of its price "
               f"({format_multiple(multiple)} {'cheaper' if cheaper else 'dearer'}).")
    finding += article_prices_note(pricing, [model, other])
    if not other_scores:
        finding += f" {other} has no benchmark score in the data, so no frontier includes it."
    return Claim(key, article, ok, finding, {
        "matchup": matchup, "model": model, "opponent": other, "rated_above_on_every_factor": above,
        "factors": factors, "output_usd_per_mtok": [float(mine), float(theirs)], "output_price_multiple": multiple,
        "opponent_benchmark_scores": other_scores})


def claim_origin_edge(pricing, benchmarks, benchmark="mmlu", low=2.0, high=3.0, key="mmlu_us_edge",
                      article="") -> Claim:
    """Whether the US models lead the Chinese ones by ``low``-``high`` points.

    The sentence reads two ways: the US models on average against the Chinese field, or the best
    against the best. Both in range: *supported*; one: *fragile*, saying which; neither: *not
    supported*. On the article's MMLU scores the averages differ by 2.35 points (in range) and the
    best models by 1.5 (not):

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> c = claim_origin_edge(load_pricing(), load_benchmarks())
    >>> c.verdict, c.numbers["best_vs_best_gap"], c.numbers["mean_gap"]
    ('fragile', 1.5, 2.35)
    >>> print(c.fragile)
    the average gap (2.35 points) is within 2-3 but the best-against-best gap (1.5 points) is not
    """
    g = origin_gaps(pricing, benchmarks, benchmark)
    if g.empty:
        return Claim(key, article, None, f"Cannot be checked: no US and Chinese {BENCHMARK_SHORT_LABELS[benchmark]} "
                                          "scores to compare.", {})
    t = benchmark_table(pricing, benchmarks, benchmark, "output").dropna(subset=["score"])
    us, cn = t[t.origin == "US"], t[t.origin == "CN"]
    best_us, best_cn = us.loc[us.score.idxmax()], cn.loc[cn.score.idxmax()]
    best_gap = round(float(best_us.score - best_cn.score), 6)
    mean_gap = round(float(us.score.mean() - cn.score.mean()), 6)
    mean_ok, best_ok = bool(low <= mean_gap <= high), bool(low <= best_gap <= high)
    rng = f"{low:g}-{high:g}"

    points = format_points

    finding = (f"On {BENCHMARK_SHORT_LABELS[benchmark]}, the US models average {us.score.mean():.4g} and the Chinese "
               f"{cn.score.mean():.4g}: a {points(mean_gap)} average gap, {'within' if mean_ok else 'outside'} the "
               f"article's {rng}; the best US model ({best_us.model}, {best_us.score:g}) leads the best Chinese one "
               f"({best_cn.model}, {best_cn.score:g}) by {points(best_gap)}, "
               f"{'within' if best_ok else 'outside'} {rng}; the pairwise gaps: "
               f"{format_points_range(g.score_gap.min(), g.score_gap.max())}.")
    fragile = ""
    if mean_ok != best_ok:
        inside, beyond = (("average", mean_gap), ("best-against-best", best_gap))[::1 if mean_ok else -1]
        fragile = (f"the {inside[0]} gap ({points(inside[1])}) is within {rng} but the {beyond[0]} gap "
                   f"({points(beyond[1])}) is not")
    outside = _outside_us_cn(pricing, benchmarks, benchmark)
    if outside:
        label = {o: "unknown-origin" if o == "unknown" else o for o in outside}
        parts = [f"{n} {label[o]}" for o, (n, _) in outside.items()]
        total = sum(n for n, _ in outside.values())
        finding += (" Outside this US-China comparison: "
                    + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
                    + f" model{'s' if total != 1 else ''} with a score ("
                    + "; ".join(f"best {label[o]}: {best}" for o, (_, best) in outside.items()) + ").")
    return Claim(key, article, mean_ok or best_ok, finding, {
        "benchmark": benchmark, "best_us": best_us.model, "best_cn": best_cn.model,
        "best_vs_best_gap": best_gap, "mean_gap": mean_gap, "mean_gap_in_range": mean_ok,
        "best_vs_best_gap_in_range": best_ok,
        "pairwise_gap_range": [float(g.score_gap.min()), float(g.score_gap.max())],
        "us_models": us.model.tolist(), "cn_models": cn.model.tolist(),
        "scored_outside_us_cn": {o: n for o, (n, _) in outside.items()}}, fragile=fragile)


def _outside_us_cn(pricing, benchmarks, benchmark) -> dict[str, tuple[int, str]]:
    """Scored models of the other origins (EU, other, unknown): count and best model, where there are any.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> _outside_us_cn(load_pricing(), load_benchmarks(), "mmlu")
    {}
    """
    s = origin_summary(pricing, benchmarks, benchmark)
    s = s[~s["origin"].isin(["US", "CN"]) & (s["scored"] > 0)]
    return {o: (int(n), str(b)) for o, n, b in zip(s["origin"], s["scored"], s["best_model"], strict=True)}


def claim_origin_premium(pricing, benchmarks, benchmark="mmlu", gap_low=2.0, gap_high=3.0, premium_low=20.0,
                         premium_high=60.0, key="mmlu_us_premium", article="") -> Claim:
    """Whether the US models' 2-3 point edge comes with a 20-60× output price premium.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> c = claim_origin_premium(load_pricing(), load_benchmarks())
    >>> c.supported, [round(x, 1) for x in c.numbers["premium_range_at_that_gap"]]
    (False, [5.0, 7.8])
    """
    g = origin_gaps(pricing, benchmarks, benchmark)
    if g.empty:
        return Claim(key, article, None, f"Cannot be checked: no US and Chinese {BENCHMARK_SHORT_LABELS[benchmark]} "
                                          "scores to compare.", {})
    at_gap = g[(g.score_gap >= gap_low) & (g.score_gap <= gap_high)]
    in_range = g[(g.output_price_multiple >= premium_low) & (g.output_price_multiple <= premium_high)]
    rng = [float(at_gap.output_price_multiple.min()), float(at_gap.output_price_multiple.max())] if len(at_gap) else []
    ok = bool(len(at_gap)) and bool(rng[0] >= premium_low and rng[1] <= premium_high)
    scored = set(g.leader)
    us_all = pricing[pricing.origin == "US"]
    unscored = [m for m in us_all.model if m not in scored]
    parts = [f"On {BENCHMARK_SHORT_LABELS[benchmark]}, "]
    if len(at_gap):
        parts.append(f"the US-Chinese pairs {gap_low:g}-{gap_high:g} points apart carry an output price premium of "
                     f"{format_range(rng[0], rng[1], format_multiple)}, not {premium_low:g}-{premium_high:g}×")
    else:
        parts.append(f"no US-Chinese pair is {gap_low:g}-{gap_high:g} points apart")
    if len(in_range):
        gaps = in_range.score_gap
        parts.append(f"; the premiums inside {premium_low:g}-{premium_high:g}× "
                     f"({format_range(in_range.output_price_multiple.min(), in_range.output_price_multiple.max(), format_multiple)}) "
                     f"go with gaps of {format_points_range(gaps.min(), gaps.max())}")
    parts.append(".")
    if unscored:
        parts.append(f" ({format_names(unscored)} ha{'s' if len(unscored) == 1 else 've'} no "
                     f"{BENCHMARK_SHORT_LABELS[benchmark]} score.)")
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

    >>> from analysis.data.load import load_benchmarks, load_matchups, load_pricing
    >>> [(c.key, c.verdict) for c in article_claims(load_pricing(), load_benchmarks(), load_matchups())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('humaneval_v4flash_vs_sonnet', 'supported'), ('ceval_qwen3_32b_vs_gpt4o', 'supported'),
     ('headtohead_qwen3_32b_vs_gpt4o_mini', 'supported'), ('mmlu_us_edge', 'fragile'),
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

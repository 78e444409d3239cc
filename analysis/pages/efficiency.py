"""Notebook 03's page: frontier lists, dominated table, results.json entries and findings."""

from __future__ import annotations

import pandas as pd

from analysis.figures.value import frontier_plot, frontier_probability_bars, price_per_point_bars
from analysis.formatting import (
    escape_markdown,
    format_multiple,
    format_names,
    format_points,
    format_usd,
    price_column,
)
from analysis.pages.tables import styled_table
from analysis.prices.bases import DEFAULT_INPUT_OUTPUT_RATIO
from analysis.value.claims import Claim
from analysis.value.efficiency import (
    BENCHMARK_SHORT,
    best_values,
    dominated_table,
    frontier_models,
    price_per_point_long,
    robust_conclusions,
)


def frontiers_markdown(tables: dict[str, pd.DataFrame]) -> str:
    """One Markdown line per benchmark: its frontier, cheapest to best.

    >>> from analysis.value.efficiency import frontiers
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> print(frontiers_markdown(frontiers(load_pricing(), load_benchmarks())).splitlines()[1])
    - **HumanEval**: DeepSeek V4 Flash → GPT-4o → Claude 3.5 Sonnet
    """
    return "\n".join(f"- **{BENCHMARK_SHORT[b]}**: {' → '.join(escape_markdown(x) for x in m)}"
                     for b, m in frontier_models(tables).items())


def conclusions_markdown(conclusions: dict[str, list[str]]) -> str:
    """The groups of :func:`robust_conclusions` as a Markdown list; an empty group reads *none*.

    >>> print(conclusions_markdown({"on the frontier (robust)": ["a", "b"], "dominated (robust)": []}))
    - **on the frontier (robust)**: a, b
    - **dominated (robust)**: none
    """
    return "\n".join(f"- **{k}**: {', '.join(escape_markdown(m) for m in v) or 'none'}"
                     for k, v in conclusions.items())


def claims_markdown(claims: list[Claim]) -> str:
    """The article's claims as a Markdown list: the verdict (supported, fragile, not supported, or cannot be checked
    (data gap) when a figure is missing), the quoted sentence, and the evidence beside it.

    >>> print(claims_markdown([Claim("k", "A is cheaper.", False, "A is not in the data.")]))
    - **not supported**: "A is cheaper." Evidence: A is not in the data.
    >>> print(claims_markdown([Claim("k", "A leads.", True, "By 2.35 on average.", fragile="not best against best")]))
    - **fragile**: "A leads." Evidence: By 2.35 on average. Fragile: not best against best.
    """
    return "\n".join(f"- **{c.verdict}**: \"{escape_markdown(c.article)}\" Evidence: {escape_markdown(c.evidence())}"
                     for c in claims)


def styled_dominated(dominated: pd.DataFrame, benchmark: str | None = None, basis: str = "output",
                     input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO):
    """:func:`dominated_table` for people: headings with units, prices in dollars, scores to 1 decimal.

    >>> from analysis.value.efficiency import efficiency_table
    >>> from analysis.data.load import load_benchmarks, load_pricing
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
        "usd_per_mtok": price_column(dominated["usd_per_mtok"]),
        "dominator_usd_per_mtok": price_column(dominated["dominator_usd_per_mtok"]), "score": one,
        "dominator_score": one, "overpay": format_multiple, "points_behind": one})


def results(table: pd.DataFrame, tables: dict[str, pd.DataFrame], robust: pd.DataFrame, claims: list[Claim],
            unscored: list[str], *, benchmark: str, basis: str, input_output_ratio: float,
            score_sigma: float | str) -> dict:
    """Notebook 03's results.json entries, by name (see the README for each).

    ``table`` is the chosen benchmark's :func:`efficiency_table`, ``tables`` :func:`frontiers`,
    ``robust`` :func:`robustness_table`, ``claims`` :func:`article_claims`, ``unscored``
    :func:`unscored_models`; ``score_sigma`` is the noise used (a number, or the column name).

    >>> from analysis.value.efficiency import efficiency_table, frontiers, robustness_table, unscored_models
    >>> from analysis.value.claims import article_claims
    >>> from analysis.data.load import load_benchmarks, load_matchups, load_pricing
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

    >>> from analysis.value.efficiency import efficiency_table, frontiers, robustness_table, unscored_models
    >>> from analysis.value.claims import article_claims
    >>> from analysis.data.load import load_benchmarks, load_matchups, load_pricing
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
    out = [(f"{name} frontier on the {basis} price: " + format_names(
        f"{r.model} ({format_usd(r.usd_per_mtok)}, {r.score:g})" for r in on.itertuples()) + ".", "computed")]
    if len(dominated):
        worst = dominated.iloc[0]
        out.append((f"{len(dominated):,} {name} model{'s are' if len(dominated) != 1 else ' is'} dominated; the "
                    f"largest overpay is {worst.model}, at {format_multiple(worst.overpay)} the price of "
                    f"{worst.dominated_by}, which scores {format_points(worst.points_behind)} higher.", "computed"))
    if benchmark in best:
        b = best[benchmark]
        out.append((f"Best {name} value: {b['model']} at {format_usd(b['usd_per_mtok_per_point'], 4)} per million "
                    f"tokens per point ({basis} price).", "computed"))
    noise = f"per-score column {score_sigma_column}" if score_sigma_column else f"{score_sigma:g} point{'' if score_sigma == 1 else 's'}"
    out.append((f"Score uncertainty: {noise} (one standard deviation, for every published score; the source "
                f"states none).", "assumption"))
    out.append((f"Under that noise ({n_draws:,} seeded draws): robustly on the {name} frontier: "
                f"{format_names(conclusions['on the frontier (robust)'])}; robustly dominated: "
                f"{format_names(conclusions['dominated (robust)'])}; depends on the noise: "
                f"{format_names(conclusions['depends on the noise'])}.", "computed"))
    out += [(f"Article claim, {c.verdict}: \"{c.article}\" Evidence: {c.evidence()}", c.kind) for c in claims]
    if unscored:
        out.append((f"No benchmark score in the source for {format_names(unscored)}: they are on no frontier "
                    f"(none is invented).", "as published"))
    return out


# Figures of notebooks 03 and 04 as pure functions of the notebooks' parameters (the data tables
# plus keyword arguments named as the parameters), so that controls can redraw them.


def efficiency_frontier(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                        basis: str = "output", input_output_ratio: float = 3.0):
    """:func:`frontier_plot` for one benchmark, price basis and input:output ratio.

    >>> import matplotlib.pyplot as plt
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> fig = efficiency_frontier(load_pricing(), load_benchmarks(), "ceval", "blended", 1.0)
    >>> "C-Eval" in fig.axes[0].get_title()
    True
    >>> plt.close(fig)
    """
    from analysis.value.efficiency import efficiency_table

    return frontier_plot(efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio))


def efficiency_price_per_point(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                               basis: str = "output", input_output_ratio: float = 3.0):
    """:func:`price_per_point_bars` for one benchmark, price basis and input:output ratio."""
    from analysis.value.efficiency import efficiency_table

    return price_per_point_bars(efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio))


def efficiency_robustness(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                          basis: str = "output", input_output_ratio: float = 3.0, score_sigma: float = 1.0,
                          n_draws: int = 2000, seed: int = 0, score_sigma_column: str = ""):
    """:func:`frontier_probability_bars` for one benchmark, basis, ratio and score uncertainty (seeded)."""
    from analysis.value.efficiency import efficiency_table, robustness_table

    table = efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio, score_sigma_column or None)
    sigma = "score_sigma" if score_sigma_column else score_sigma
    return frontier_probability_bars(robustness_table(table, sigma, n_draws, seed))

"""Figures of value: the Pareto frontier, price per point, frontier probability."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis.figures.theme import (
    ORIGIN_COLORS,
    ORIGIN_LABELS,
    _label_points,
    add_source_note,
    log_price_axis,
    origin_color,
    origin_key,
    origin_legend,
    prices_source_note,
    some_names,
)
from analysis.formatting import format_multiple, format_usd


def frontier_plot(table: pd.DataFrame, title: str | None = None, price_label: str | None = None):
    """Score against price (log scale) with the Pareto frontier as a step line; every model labelled.

    ``table`` is :func:`analysis.efficiency.efficiency_table`'s (``usd_per_mtok``, ``score``,
    ``on_frontier``, ``origin``, ``model``, ``excluded_reason``). Frontier models are filled
    dots, dominated ones hollow; models left out (unknown price or no score) are listed under
    the chart, never drawn at 0.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.efficiency import efficiency_table
    >>> fig = frontier_plot(efficiency_table(load_pricing(), load_benchmarks(), "humaneval"))
    >>> fig.axes[0].get_xscale(), len(fig.axes[0].texts)
    ('log', 5)
    >>> plt.close(fig)
    """
    from analysis.prices.bases import basis_label
    from analysis.value.efficiency import BENCHMARK_SHORT
    from analysis.value.frontier import frontier_steps

    known = table[table["excluded_reason"].isna()]
    left_out = table[table["excluded_reason"].notna()]
    bench = table.attrs.get("benchmark")
    basis = table.attrs.get("basis", "output")
    ratio = table.attrs.get("input_output_ratio", 3.0)
    fig, ax = plt.subplots(figsize=(6.6, 5.0))
    if len(known):
        xs, ys = frontier_steps(known)
        if len(xs):
            ax.step(np.r_[xs, xs[-1] * 2.5], np.r_[ys, ys[-1]], where="post", color="#444444", lw=1.4, zorder=1,
                    label="Pareto frontier (nothing cheaper scores higher)")
        for on, marker_face in ((True, None), (False, "white")):
            part = known[known["on_frontier"] == on]
            colors = [origin_color(o) for o in part["origin"]]
            ax.scatter(part["usd_per_mtok"], part["score"], s=60, zorder=3, linewidths=1.6,
                       facecolors=colors if marker_face is None else marker_face, edgecolors=colors)
        _label_points(ax, known["usd_per_mtok"].to_numpy(), known["score"].to_numpy(), known["model"].tolist(),
                      [origin_color(o) for o in known["origin"]])
        lo, hi = known["usd_per_mtok"].min(), known["usd_per_mtok"].max()
        ax.set_xlim(max(lo, 1e-6) / 2, max(hi, 1e-6) * 4)
        ylo, yhi = known["score"].min(), known["score"].max()
        pad = max(0.6, 0.12 * (yhi - ylo))
        ax.set_ylim(ylo - pad, yhi + pad)
        log_price_axis(ax, "x", (price_label or basis_label(basis, ratio)) + " (log scale)")
    else:
        ax.text(0.5, 0.5, "No model has both a known price and a score here.", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_xlabel(price_label or basis_label(basis, ratio))
    ax.set_ylabel(f"{BENCHMARK_SHORT.get(bench, bench or 'benchmark')} score, points (as published)")
    handles = [matplotlib.lines.Line2D([], [], color="#444444", lw=1.4, label="Pareto frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", color="#555555", label="on the frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", markerfacecolor="white", color="#555555",
                                       label="dominated (something cheaper scores at least as high)")]
    present = {origin_key(o) for o in known["origin"]}
    handles += [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in ORIGIN_COLORS
                if o in present]
    # beside the axes, not on them: labels of the cheapest models sit in the upper left
    ax.legend(handles=handles, frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"{BENCHMARK_SHORT.get(bench, bench or '')} score against price: the frontier")
    add_source_note(fig, prices_source_note(table) + " Frontier computed by pricepoint.")
    if len(left_out):
        groups = left_out.groupby("excluded_reason", sort=False)["model"].apply(list)
        fig.text(0.01, -0.06, "Left out, not drawn: " + "; ".join(
            f"{reason[0].upper() + reason[1:]}: {some_names(models)}" for reason, models in groups.items()),
            fontsize=8, color="#555555", va="top", wrap=True)
    return fig


def price_per_point_bars(table: pd.DataFrame, title: str | None = None):
    """Dollars per million tokens per benchmark point, log scale, best value at the top.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.efficiency import efficiency_table
    >>> fig = price_per_point_bars(efficiency_table(load_pricing(), load_benchmarks(), "mmlu"))
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.prices.bases import basis_label
    from analysis.value.efficiency import BENCHMARK_SHORT

    known = table[table["usd_per_mtok_per_point"].notna()].sort_values(["usd_per_mtok_per_point", "model"])
    bench = table.attrs.get("benchmark")
    basis = table.attrs.get("basis", "output")
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.5))
    ax.barh(known["model"], known["usd_per_mtok_per_point"],
            color=[origin_color(o) for o in known["origin"]])
    ax.invert_yaxis()
    label = basis_label(basis, table.attrs.get("input_output_ratio", 3.0)).replace(
        ", USD per million tokens", "")
    log_price_axis(ax, "x", f"USD per million tokens per {BENCHMARK_SHORT.get(bench, '')} point ({label}, log scale)")
    for y, (v, m) in enumerate(zip(known["usd_per_mtok_per_point"], known["value_multiple"])):
        ax.text(v * 1.08, y, f"{format_usd(v, 4)}  ({format_multiple(m)} the best)", va="center", fontsize=8.5)
    if len(known):
        ax.set_xlim(known["usd_per_mtok_per_point"].min() / 1.6, known["usd_per_mtok_per_point"].max() * 12)
    origin_legend(ax, known["origin"], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Price per {BENCHMARK_SHORT.get(bench, '')} point")
    fig.tight_layout()
    add_source_note(fig, prices_source_note(table))
    return fig


def frontier_probability_bars(robust: pd.DataFrame, title: str | None = None):
    """Each model's probability of being on the frontier under score noise, with the robustness bands.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.efficiency import efficiency_table, robustness_table
    >>> r = robustness_table(efficiency_table(load_pricing(), load_benchmarks(), "ceval"), 1.0, 500)
    >>> fig = frontier_probability_bars(r)
    >>> [float(x) for x in fig.axes[0].get_xlim()]
    [0.0, 1.0]
    >>> plt.close(fig)
    """
    from analysis.value.efficiency import BENCHMARK_SHORT
    from analysis.value.frontier import ROBUST

    known = robust[robust["frontier_probability"].notna()].sort_values(
        ["frontier_probability", "model"], ascending=[False, True])
    sigma = robust.attrs.get("sigma", "")
    n_draws = robust.attrs.get("n_draws", "")
    bench = robust.attrs.get("benchmark")
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.6))
    ax.barh(known["model"], known["frontier_probability"],
            color=[origin_color(o) for o in known["origin"]])
    ax.invert_yaxis()
    ax.axvspan(ROBUST, 1.0, color="#2e8b57", alpha=0.08)
    ax.axvspan(0, 1 - ROBUST, color="#9e9e9e", alpha=0.12)
    for y, p in enumerate(known["frontier_probability"]):
        inside = p > 0.85
        ax.text(p - 0.01 if inside else p + 0.01, y, f"{p:.0%}", va="center", ha="right" if inside else "left",
                fontsize=8.5, color="white" if inside else "#222222")
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0%}"))
    sig = f"σ = {sigma:g} benchmark points" if isinstance(sigma, (int, float)) else f"σ from column {sigma!r}"
    ax.set_xlabel(f"probability of being on the frontier ({sig}, an assumption; {n_draws:,} draws)")
    origin_legend(ax, known["origin"], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Which {BENCHMARK_SHORT.get(bench, '')} frontier models survive score noise")
    fig.tight_layout()
    add_source_note(fig, "Shaded: robust (on the frontier in at least 95% of draws, green; in at most 5%, red). "
                         "Scores as published plus simulated noise; prices exact.")
    return fig

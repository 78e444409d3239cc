"""The report's overview figure: blended price (log) against score, one panel per benchmark, frontier drawn."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.theme import (
    ORIGIN_COLORS,
    ORIGIN_LABELS,
    add_source_note,
    article_models,
    bounded,
    left_out_note,
    log_price_axis,
)


def _labels(ax, xs, ys, names, colors) -> None:
    """Name each point to its right; a point with a dearer neighbour close by (a quarter decade, half a point)
    is named to its left instead, so that two labels never sit on each other."""
    for i, (x, y, name, color) in enumerate(zip(xs, ys, names, colors)):
        crowded = any(j != i and xs[j] >= x and abs(np.log10(xs[j] / x)) < 0.25 and abs(ys[j] - y) < 0.5
                      for j in range(len(xs)))
        ax.annotate(name, (x, y), xytext=(-6, -2) if crowded else (6, 2), textcoords="offset points", fontsize=8,
                    color=color, va="top" if crowded else "bottom", ha="right" if crowded else "left")


#: The most models one panel draws (the best values first, plus the article's models).
MAX_POINTS = 15


def overview_plot(points: pd.DataFrame, sigma: float, title: str, note: str, labels: dict[str, str] | None = None,
                  price_label: str = "blended price, USD per million tokens (log scale)",
                  max_points: int = MAX_POINTS):
    """Score against blended price for every priced and scored model, one panel per benchmark.

    ``points`` is :func:`analysis.value.overview.overview_points`'s (``benchmark, model, origin,
    usd_per_mtok, score, value_multiple, on_frontier``). Dots are coloured by origin (filled: on the
    frontier; hollow: dominated), bars show ±``sigma`` score points (an assumed uncertainty), the step
    line is each benchmark's Pareto frontier. ``note`` (the source) goes under the figure, with what
    was left out when a panel holds more than ``max_points`` models.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.overview import overview_points
    >>> fig = overview_plot(overview_points(load_pricing(), load_benchmarks()), 1.0, "t", "Source: x")
    >>> len(fig.axes), fig.axes[0].get_xscale(), sum(len(a.texts) for a in fig.axes)
    (3, 'log', 13)
    >>> plt.close(fig)
    """
    from analysis.value.frontier import frontier_steps

    labels = labels or {}
    benches = list(dict.fromkeys(points["benchmark"])) or ["(none)"]
    fig, axes = plt.subplots(1, len(benches), figsize=(min(3.7 * len(benches), 11.0), 5.0), sharex=True,
                             squeeze=False)
    axes = axes[0]
    left_total = 0
    xs_all = points["usd_per_mtok"].to_numpy(dtype=float)
    for ax, bench in zip(axes, benches):
        part = points[points["benchmark"] == bench].sort_values(["value_multiple", "model"])
        part, left = bounded(part, max_points, keep=article_models())
        left_total += left
        if part.empty:
            ax.text(0.5, 0.5, "no model priced and scored", ha="center", va="center", transform=ax.transAxes)
            continue
        fx, fy = frontier_steps(part)
        if len(fx):
            ax.step(np.r_[fx, fx[-1] * 2.5], np.r_[fy, fy[-1]], where="post", color="#444444", lw=1.3, zorder=1)
        colors = [ORIGIN_COLORS.get(o, "#555f6b") for o in part["origin"]]
        ax.errorbar(part["usd_per_mtok"], part["score"], yerr=sigma if sigma > 0 else None, fmt="none",
                    ecolor="#9aa4ae", elinewidth=1.0, capsize=3, zorder=2)
        for on, face in ((True, None), (False, "white")):
            sub = part[part["on_frontier"] == on]
            c = [ORIGIN_COLORS.get(o, "#555f6b") for o in sub["origin"]]
            ax.scatter(sub["usd_per_mtok"], sub["score"], s=55, zorder=3, linewidths=1.6,
                       facecolors=c if face is None else face, edgecolors=c)
        _labels(ax, part["usd_per_mtok"].to_numpy(dtype=float), part["score"].to_numpy(dtype=float),
                part["model"].tolist(), colors)
        lo, hi = part["score"].min() - max(sigma, 0.5), part["score"].max() + max(sigma, 0.5)
        ax.set_ylim(lo - 0.5, hi + 0.8)
        ax.set_title(labels.get(bench, bench), fontsize=11)
        ax.set_ylabel("score, points (as published)" if ax is axes[0] else "")
        log_price_axis(ax, "x", "")
    if len(xs_all) and np.isfinite(xs_all).any():
        axes[0].set_xlim(np.nanmin(xs_all) * 0.7, np.nanmax(xs_all) * 6)
        for ax in axes:
            ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    fig.supxlabel(price_label, fontsize=10, y=0.04)
    handles = [matplotlib.lines.Line2D([], [], color="#444444", lw=1.3, label="Pareto frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", color="#555555", label="on the frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", markerfacecolor="white", color="#555555",
                                       label="dominated"),
               matplotlib.lines.Line2D([], [], color="#9aa4ae", lw=1.0, label=f"±{sigma:g} points (assumed)")]
    origins = [o for o in ORIGIN_COLORS if o in set(points["origin"])] or list(ORIGIN_COLORS)
    handles += [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in origins]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.935), ncol=len(handles), frameon=False,
               fontsize=9)
    fig.suptitle(title, fontsize=12, fontweight="bold", y=0.995)
    fig.tight_layout(rect=(0, 0.05, 1, 0.9))
    if left_total:
        note += " " + left_out_note(left_total, "points", f"the {max_points} best values of each benchmark")
    add_source_note(fig, note, wrap=True)
    return fig

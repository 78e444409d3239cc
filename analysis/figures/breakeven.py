"""Figures of break-even: cost against volume, against the cost of a wrong answer, self-hosting."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis.figures.theme import (
    ORIGIN_COLORS,
    PRICES_NOTE,
    add_source_note,
    article_origins,
    log_price_axis,
    origin_color,
    prices_source_note,
)
from analysis.formatting import escape_mathtext, format_price, format_tokens, format_usd


def _no_crossover(be) -> str:
    """The note of a figure whose break-even is not drawn: unknown (a figure is missing) or no crossover."""
    head = "Break-even unknown" if be.unknown else "No crossover on this range"
    return escape_mathtext(f"{head}: {be.reason}.")


def volume_cost_plot(name_a: str, usd_per_mtok_a: float, fixed_a_usd: float, name_b: str, usd_per_mtok_b: float,
                     fixed_b_usd: float, volume_min: float = 1e6, volume_max: float = 1e11,
                     color_a: str = ORIGIN_COLORS["US"], color_b: str = ORIGIN_COLORS["CN"], break_even=None,
                     source: str | None = None):
    """Total monthly cost of two options against monthly token volume (log-log), the crossover marked.

    ``break_even`` is the :class:`~analysis.value.breakeven.BreakEven` already computed for these
    figures (:func:`~analysis.value.breakeven.volume_break_even`); without it the figure asks for it.
    ``source`` is where the prices come from (:func:`analysis.data.sources.provenance`'s line).

    >>> fig = volume_cost_plot("GPT-4o", 10.0, 0, "DeepSeek V4 Flash", 0.25, 2000)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    from analysis.value.breakeven import monthly_cost_usd, volume_break_even

    volumes = np.logspace(np.log10(volume_min), np.log10(volume_max), 200)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for name, price, fixed, color in ((name_a, usd_per_mtok_a, fixed_a_usd, color_a),
                                      (name_b, usd_per_mtok_b, fixed_b_usd, color_b)):
        if pd.isna(price):
            continue
        ax.plot(volumes, np.maximum(monthly_cost_usd(volumes, price, fixed), 1e-2), color=color, lw=2,
                label=escape_mathtext(f"{name}: {format_price(price)}/M tokens + {format_usd(fixed)} a month"))
    be = break_even if break_even is not None else volume_break_even(usd_per_mtok_a, usd_per_mtok_b, fixed_a_usd, fixed_b_usd, name_a, name_b)
    cost = monthly_cost_usd(be.value, usd_per_mtok_a, fixed_a_usd) if be.found else None
    _cost_by_volume_axes(fig, ax, be, cost, volume_min, volume_max,
                         lambda v, c: f"break-even: {format_tokens(v)} tokens a month\n({format_usd(c)} each)",
                         f"Monthly cost: {name_a} against {name_b}",
                         f"{source or PRICES_NOTE} Fixed monthly costs are assumptions you set."
                         + (" The break-even exists only because of them: per-token prices alone never cross."
                            if be.found else ""))
    return fig


def _cost_by_volume_axes(fig, ax, be, cost, volume_min: float, volume_max: float, label, title: str,
                         note: str) -> None:
    """The common finish of a monthly-cost-against-volume figure: the crossover marked (when it falls
    in the range, else the reason it does not, under the figure), log axes, legend, title, note."""
    if be.found and volume_min <= be.value <= volume_max:
        ax.axvline(be.value, color="#444444", ls="--", lw=1)
        ax.scatter([be.value], [cost], color="black", zorder=4)
        ax.annotate(label(be.value, cost), (be.value, cost), xytext=(10, -31), textcoords="offset points",
                    fontsize=8.5)
    else:
        note += f"\n{_no_crossover(be)}"
    ax.set_xscale("log")
    ax.set_xlabel("tokens per month (log scale)")
    log_price_axis(ax, "y", "total cost, USD per month (log scale)")
    # beside the axes: the dashed break-even line runs the axes' whole height and must cross no legend
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.set_title(title)
    add_source_note(fig, note, wrap=True)


def quality_cost_plot(name_a: str, cost_a_usd: float, success_a: float, name_b: str, cost_b_usd: float,
                      success_b: float, failure_cost_max_usd: float = 5.0,
                      color_a: str = ORIGIN_COLORS["US"], color_b: str = ORIGIN_COLORS["CN"], break_even=None):
    """Expected cost per task against the cost of one wrong answer, for two models; the break-even marked.

    ``break_even``: the :class:`~analysis.value.breakeven.BreakEven` already computed for these
    figures (:func:`~analysis.value.breakeven.quality_break_even_models`); without it the figure asks for it.

    >>> fig = quality_cost_plot("GPT-4o", 0.00875, 0.887, "DeepSeek V4 Flash", 0.000395, 0.855, 1.0)
    >>> fig.axes[0].get_xlabel()
    'cost of one wrong answer, USD (an assumption)'
    >>> plt.close(fig)
    """
    from analysis.value.breakeven import cost_per_task_usd, quality_break_even

    x = np.linspace(0, failure_cost_max_usd, 200)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for name, cost, success, color in ((name_a, cost_a_usd, success_a, color_a),
                                       (name_b, cost_b_usd, success_b, color_b)):
        if pd.isna(cost) or pd.isna(success):
            continue
        ax.plot(x, cost_per_task_usd(cost, success, x), color=color, lw=2,
                label=escape_mathtext(f"{name}: {format_usd(cost)} of tokens a task, {success:.1%} right"))
    be = break_even if break_even is not None else quality_break_even(cost_a_usd, success_a, cost_b_usd, success_b, name_a, name_b)
    if be.found and be.value <= failure_cost_max_usd:
        y = cost_per_task_usd(cost_a_usd, success_a, be.value)
        ax.axvline(be.value, color="#444444", ls="--", lw=1)
        ax.scatter([be.value], [y], color="black", zorder=4)
        ax.annotate(f"break-even: {format_usd(be.value)} per wrong answer", (be.value, y), xytext=(10, -25),
                    textcoords="offset points", fontsize=8.5)
    ax.set_xlim(0, failure_cost_max_usd)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("cost of one wrong answer, USD (an assumption)")
    ax.set_ylabel("expected cost per task, USD")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # clear of the break-even
    ax.set_title(f"Cost per task as wrong answers get dearer:\n{name_a} against {name_b}")
    note = "Success rate = the published benchmark score. Tokens per task and failure cost are assumptions."
    if not be.found or be.value > failure_cost_max_usd:
        note += f"\n{_no_crossover(be)}"
    add_source_note(fig, note)
    return fig


def quality_break_even_heatmap(matrix: pd.DataFrame, title: str | None = None, source: str | None = None):
    """The quality break-even of every pair of models on a benchmark: cheaper model down, dearer across.

    ``matrix`` is :func:`analysis.breakeven.quality_break_even_matrix`'s. Each cell is the
    cost of one wrong answer above which the dearer model is the cheaper one per task;
    "never" where it is not (the cheaper one is at least as accurate, or a figure is unknown).

    >>> from analysis.value.breakeven import quality_break_even_matrix
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> fig = quality_break_even_heatmap(quality_break_even_matrix(load_pricing(), load_benchmarks(), "mmlu",
    ...                                                          1500, 500))
    >>> len(fig.axes[0].texts)
    15
    >>> plt.close(fig)
    """
    from analysis.value.efficiency import BENCHMARK_SHORT

    if matrix.empty:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Fewer than two models scored on this benchmark.", ha="center", va="center")
        return fig
    order = matrix.attrs.get("order") or list(dict.fromkeys(list(matrix["cheaper"]) + list(matrix["dearer"])))
    rows, cols = order[:-1], order[1:]
    grid = np.full((len(rows), len(cols)), np.nan)
    text = [["" for _ in cols] for _ in rows]
    for r in matrix.itertuples():
        i, j = rows.index(r.cheaper), cols.index(r.dearer)
        grid[i, j] = r.failure_cost_usd
        unknown = bool(getattr(r, "unknown", False))
        text[i][j] = "unknown" if unknown else "never" if r.never else format_usd(r.failure_cost_usd)
    fig, ax = plt.subplots(figsize=(1.25 * len(cols) + 3.2, 0.6 * len(rows) + 2.2))
    finite = grid[np.isfinite(grid)]
    norm = matplotlib.colors.LogNorm(finite.min(), finite.max()) if len(finite) and finite.min() < finite.max() \
        else None
    masked = np.ma.masked_invalid(grid)
    cmap = matplotlib.colormaps["viridis_r"].with_extremes(bad="#eeeeee")
    im = ax.imshow(masked, cmap=cmap, norm=norm, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(cols)):
            if text[i][j]:
                dark = np.isfinite(grid[i, j]) and norm is not None and norm(grid[i, j]) > 0.45
                ax.text(j, i, text[i][j], ha="center", va="center", fontsize=8.5,
                        color="white" if dark else "#333333")
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("dearer model per task")
    ax.set_ylabel("cheaper model per task")
    ax.grid(False)
    if len(finite):
        bar = fig.colorbar(im, ax=ax, label="break-even cost of one wrong answer, USD (log scale)")
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
        bar.ax.yaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    bench = matrix.attrs.get("benchmark", "")
    ax.set_title(title or f"Quality break-even on {BENCHMARK_SHORT.get(bench, bench)}: "
                          f"{matrix.attrs.get('input_tokens', 0):,.0f} input + "
                          f"{matrix.attrs.get('output_tokens', 0):,.0f} output tokens a task")
    fig.tight_layout()
    add_source_note(fig, "Above the cell's cost of a wrong answer, the dearer model is cheaper per task; never: the "
                         "cheaper one is at least as accurate; unknown: a price or score is missing.\n"
                         f"Scores as success rates. {source or prices_source_note(matrix)} Tokens per task are "
                         "assumptions.")
    return fig


def self_hosting_plot(name: str, api_usd_per_mtok: float, gpu_usd_per_hour: float, gpu_tok_per_s: float,
                      utilisation: float, fixed_usd_per_month: float = 0.0, volume_min: float = 1e7,
                      volume_max: float = 1e11, break_even=None):
    """Monthly cost of an API against self-hosting on whole rented GPUs (a staircase), the break-even marked.

    ``break_even``: the :class:`~analysis.value.breakeven.BreakEven` already computed for these
    figures (:func:`~analysis.value.breakeven.self_hosting_break_even`); without it the figure asks for it.

    >>> fig = self_hosting_plot("GPT-4o", 10.0, 2.5, 1000, 0.5)
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.value.breakeven import (
        GpuAssumptions,
        monthly_cost_usd,
        self_hosting_break_even,
        self_hosting_cost_usd,
    )

    gpu = GpuAssumptions(gpu_usd_per_hour, gpu_tok_per_s, utilisation, fixed_usd_per_month)
    volumes = np.logspace(np.log10(volume_min), np.log10(volume_max), 600)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    if not pd.isna(api_usd_per_mtok):
        ax.plot(volumes, np.maximum(monthly_cost_usd(volumes, api_usd_per_mtok), 1e-2), color=origin_color(
                    article_origins().get(name)), lw=2,
                label=escape_mathtext(f"{name} API: {format_price(api_usd_per_mtok)}/M tokens"))
    ax.plot(volumes, np.maximum(self_hosting_cost_usd(volumes, gpu), 1e-2), color="#555f6b", lw=2,
            drawstyle="steps-post",
            label=escape_mathtext(f"self-hosted: {format_usd(gpu_usd_per_hour)}/GPU-hour, {gpu_tok_per_s:,.0f} tok/s at "
                           f"{utilisation:.0%} use"))
    be = break_even if break_even is not None else self_hosting_break_even(api_usd_per_mtok, gpu, name)
    cost = monthly_cost_usd(be.value, api_usd_per_mtok) if be.found else None
    _cost_by_volume_axes(fig, ax, be, cost, volume_min, volume_max,
                         lambda v, c: f"self-hosting cheaper above\n{format_tokens(v)} tokens a month",
                         f"Self-hosting against the {name} API",
                         "GPU price, speed and utilisation are example assumptions, not data; "
                         "GPUs rented by the whole month.")
    return fig

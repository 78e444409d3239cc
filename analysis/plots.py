"""One function per kind of figure, all with the same look; each returns the figure.

The theme is set in one place (:func:`apply_theme`); prices are drawn on a log scale;
every axis label carries its unit. Nothing here saves files: :class:`analysis.publish.Publisher`
does that.

>>> from analysis.data import load_pricing
>>> from analysis.pricing import price_table
>>> fig = price_bars(price_table(load_pricing()))
>>> fig.axes[0].get_xscale()
'log'
>>> plt.close(fig)
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

#: Colours by origin, used by every figure.
ORIGIN_COLORS = {"US": "#1f5fa8", "CN": "#c8362d"}
ORIGIN_LABELS = {"US": "US", "CN": "China"}
OK_COLORS = {True: "#2e8b57", False: "#c8362d"}
SOURCE_NOTE = "Source: figures as published in the source article (a promotional comparison)."


def apply_theme() -> None:
    """The one theme of every pricepoint figure.

    >>> apply_theme(); plt.rcParams["figure.dpi"]
    110.0
    """
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    plt.rcParams.update({
        "figure.dpi": 110,
        "figure.figsize": (8.5, 4.8),
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "pricepoint",  # stable SVG ids between runs
    })


apply_theme()


def usd_formatter(x: float, _pos=None) -> str:
    """Tick labels in dollars: ``$0.25``, ``$10``, ``$2,500``.

    >>> usd_formatter(0.25), usd_formatter(10), usd_formatter(2500)
    ('$0.25', '$10', '$2,500')
    """
    if x >= 100 or float(x).is_integer():
        return f"${x:,.0f}"
    if x >= 1:
        return f"${x:,.2f}".rstrip("0").rstrip(".")
    return f"${x:.2f}" if round(x, 2) == x else f"${x:.3g}"


def log_price_axis(ax, axis: str = "x", label: str = "price, USD per million tokens (log scale)") -> None:
    """Log scale with dollar ticks on one axis."""
    getattr(ax, f"set_{axis}scale")("log")
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(usd_formatter))
    getattr(ax, f"{axis}axis").set_minor_formatter(FuncFormatter(lambda *_: ""))
    getattr(ax, f"set_{axis}label")(label)


def add_source_note(fig, text: str = SOURCE_NOTE) -> None:
    """A small attribution line under the figure."""
    fig.text(0.01, -0.02, text, fontsize=7.5, color="#555555", ha="left", va="top")


def origin_legend(ax, origins=("US", "CN"), **kw) -> None:
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in origins]
    ax.legend(handles=handles, title="origin", frameon=False, **kw)


def price_bars(table: pd.DataFrame, column: str = "output_usd_per_mtok",
               label: str = "output price, USD per million tokens (log scale)",
               multiple_column: str | None = "output_multiple", title: str | None = None):
    """Horizontal bars of one price per model, log scale, coloured by origin, cheapest at the top.

    Models whose price is unknown on this column are listed under the chart, not drawn as 0.
    """
    from analysis.pricing import format_multiple

    known = table[table[column].notna()].sort_values([column, "model"])
    unknown = table.loc[table[column].isna(), "model"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    colors = [ORIGIN_COLORS.get(o, "#777777") for o in known.origin]
    ax.barh(known.model, known[column], color=colors)
    ax.invert_yaxis()
    log_price_axis(ax, "x", label)
    ax.set_ylabel("")
    for y, (_, row) in enumerate(known.iterrows()):
        text = f"${row[column]:,.2f}"
        if multiple_column and multiple_column in row and pd.notna(row[multiple_column]):
            text += f"  ({format_multiple(row[multiple_column])})"
        ax.text(row[column] * 1.08, y, text, va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 4)
    origin_legend(ax, loc="upper right")
    ax.set_title(title or "Price per million tokens by model")
    if unknown:
        fig.text(0.01, -0.06, "Unknown on this basis (not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    add_source_note(fig)
    return fig


def monthly_bill_bars(table: pd.DataFrame, monthly_tokens: float, column: str = "monthly_bill_usd"):
    """The monthly bill of a token volume per model, log scale, coloured by origin."""
    known = table[table[column].notna()].sort_values([column, "model"])
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    ax.barh(known.model, known[column], color=[ORIGIN_COLORS.get(o, "#777") for o in known.origin])
    ax.invert_yaxis()
    log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    for y, v in enumerate(known[column]):
        ax.text(v * 1.08, y, usd_formatter(round(v, 2)), va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 5)
    ax.set_title(f"Monthly bill for {monthly_tokens:,.0f} output tokens")
    origin_legend(ax, loc="upper right")
    add_source_note(fig, SOURCE_NOTE + " Volume is a parameter.")
    return fig


def access_matrix(access: pd.DataFrame):
    """The access matrix: factors down, options across, each cell its text on green (✓) or red (✗)."""
    factors = list(dict.fromkeys(access.factor))
    options = list(dict.fromkeys(access.option))
    ok = access.pivot(index="factor", columns="option", values="ok").loc[factors, options]
    text = access.pivot(index="factor", columns="option", values="text").loc[factors, options]
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(factors) + 1.2))
    grid = ok.astype(float).to_numpy()
    cmap = matplotlib.colors.ListedColormap([OK_COLORS[False], OK_COLORS[True]])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto", alpha=0.85)
    for i in range(len(factors)):
        for j in range(len(options)):
            mark = "✓" if ok.iat[i, j] else "✗"
            ax.text(j, i, f"{mark} {text.iat[i, j]}", ha="center", va="center", color="white",
                    fontsize=9, fontweight="bold")
    ax.set_xticks(range(len(options)), options)
    ax.set_yticks(range(len(factors)), factors)
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title("Access matrix: what it takes to buy each kind of API", pad=28)
    add_source_note(fig, "Source: the source article's deployment-readiness matrix, as published "
                         "(written to promote Global API, the third column).")
    return fig


def matchup_stars(matchups: pd.DataFrame):
    """The star ratings of every head-to-head as paired bars, one panel per matchup."""
    stars = matchups[matchups.unit == "stars"]
    names = list(dict.fromkeys(stars.matchup))
    fig, axes = plt.subplots(1, len(names), figsize=(4.0 * len(names), 3.4), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = stars[stars.matchup == name]
        a, b = rows.model_a.iloc[0], rows.model_b.iloc[0]
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows.value_a, 0.4, label=a, color="#c8362d")
        ax.bar(x + 0.2, rows.value_b, 0.4, label=b, color="#1f5fa8")
        ax.set_xticks(x, rows.factor)
        ax.set_ylim(0, 5.8)
        ax.set_yticks(range(0, 6))
        ax.set_title(name, fontsize=10.5)
        ax.legend(frameon=False, fontsize=8, loc="upper center", ncol=2)
    axes[0][0].set_ylabel("stars (1-5), as published")
    add_source_note(fig, "Source: the source article's head-to-head tables (the author's star ratings).")
    fig.tight_layout()
    return fig


def published_speed(facts: pd.DataFrame):
    """Published output speed and p99 time-to-first-token ranges for the models that have them."""
    known = facts[facts.output_tok_per_s.notna() | facts.ttft_p99_low_s.notna()]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 0.6 * len(known) + 1.8), sharey=True)
    ax1.barh(known.model, known.output_tok_per_s, color="#555f6b")
    ax1.set_xlabel("output speed, tokens per second")
    for y, v in enumerate(known.output_tok_per_s):
        ax1.text(v + 1, y, f"~{v:g} tok/s", va="center", fontsize=8.5)
    ax1.set_xlim(0, known.output_tok_per_s.max() * 1.35)
    for y, (_, r) in enumerate(known.iterrows()):
        ax2.plot([r.ttft_p99_low_s, r.ttft_p99_high_s], [y, y], lw=6, color="#555f6b", solid_capstyle="butt")
        ax2.text(r.ttft_p99_high_s + 0.05, y, f"{r.ttft_p99_low_s:g}-{r.ttft_p99_high_s:g} s", va="center",
                 fontsize=8.5)
    ax2.set_xlim(0, known.ttft_p99_high_s.max() * 1.4)
    ax2.set_xlabel("p99 time to first token, seconds (published range)")
    ax1.invert_yaxis()
    fig.suptitle("Speed and first-token latency, as published (one author's measurements)", fontweight="bold")
    add_source_note(fig)
    fig.tight_layout()
    return fig

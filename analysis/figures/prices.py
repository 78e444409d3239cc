"""Figures of prices and bills."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.figures.theme import (
    ORIGIN_COLORS,
    SOURCE_NOTE,
    add_source_note,
    log_price_axis,
    origin_legend,
    usd_formatter,
)


def price_bars(table: pd.DataFrame, column: str = "output_usd_per_mtok",
               label: str = "output price, USD per million tokens (log scale)",
               multiple_column: str | None = "output_multiple", title: str | None = None):
    """Horizontal bars of one price per model, log scale, coloured by origin, cheapest at the top.

    Models whose price is unknown on this column are listed under the chart, not drawn as 0.
    """
    from analysis.formatting import format_multiple

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


def traffic_bill_bars(pricing: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0):
    """The monthly bill of ``monthly_tokens`` output tokens plus ``input_output_ratio`` input tokens
    for each output token, per model, log scale; models with an unknown price are listed, not drawn.

    At a ratio of 0 it is the output-only bill of :func:`monthly_bill_bars` (the article's example).

    >>> from analysis.data.load import load_pricing
    >>> fig = traffic_bill_bars(load_pricing(), 10e9, 3.0)
    >>> bars = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    >>> bars["Claude 3.5 Sonnet"]   # 10e9 x $15/M out + 30e9 x $3/M in
    240000.0
    >>> plt.close(fig)
    """
    from analysis.prices.bases import blended_usd_per_mtok

    r = float(input_output_ratio)
    table = pricing[["model", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    blended = [blended_usd_per_mtok(i, o, r) for i, o in zip(table.input_usd_per_mtok, table.output_usd_per_mtok)]
    table["traffic_bill_usd"] = pd.Series(blended, index=table.index) * (1 + r) * (monthly_tokens / 1e6)
    known = table[table.traffic_bill_usd.notna()].sort_values(["traffic_bill_usd", "model"])
    unknown = table.loc[table.traffic_bill_usd.isna(), "model"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.4))
    if len(known):
        ax.barh(known.model, known.traffic_bill_usd, color=[ORIGIN_COLORS.get(o, "#777") for o in known.origin])
        ax.invert_yaxis()
        log_price_axis(ax, "x", "monthly bill, USD (log scale)")
        for y, v in enumerate(known.traffic_bill_usd):
            ax.text(v * 1.08, y, usd_formatter(round(v, 2)), va="center", fontsize=8.5)
        positive = known.traffic_bill_usd[known.traffic_bill_usd > 0]
        if len(positive):
            ax.set_xlim(positive.min() / 1.6, positive.max() * 5)
        origin_legend(ax, loc="upper right")
    else:
        ax.text(0.5, 0.5, "no model has the prices this mix needs", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title(f"Monthly bill: {monthly_tokens:,.0f} output + {r * monthly_tokens:,.0f} input tokens "
                 f"({r:g}:1 input:output)")
    if unknown:
        fig.text(0.01, -0.06, "Unknown price for this mix (not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    add_source_note(fig, SOURCE_NOTE + " Volume and mix are parameters.")
    return fig

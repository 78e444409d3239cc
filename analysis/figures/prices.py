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
)
from analysis.formatting import format_multiple, format_usd_tick


def price_bars(table: pd.DataFrame, column: str = "output_usd_per_mtok",
               label: str = "output price, USD per million tokens (log scale)",
               multiple_column: str | None = "output_multiple", title: str | None = None):
    """Horizontal bars of one price per model, log scale, coloured by origin, cheapest at the top.

    Models whose price is unknown on this column are listed under the chart, not drawn as 0.
    """
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
        ax.text(v * 1.08, y, format_usd_tick(round(v, 2)), va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 5)
    ax.set_title(f"Monthly bill for {monthly_tokens:,.0f} output tokens")
    origin_legend(ax, loc="upper right")
    add_source_note(fig, SOURCE_NOTE + " Volume is a parameter.")
    return fig


def traffic_bill_bars(bills: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0):
    """The monthly bill of output plus input tokens per model (``bills``, as
    :func:`analysis.pages.pricing.traffic_bill_table` computes it), log scale; models whose bill is
    unknown are listed under the chart, not drawn.

    >>> bills = pd.DataFrame({"model": ["A", "B", "C"], "origin": ["US", "CN", "CN"],
    ...                       "traffic_bill_usd": [240000.0, 2500.0, float("nan")]})
    >>> fig = traffic_bill_bars(bills, 10e9, 3.0)
    >>> [(t.get_text(), float(p.get_width())) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)]
    [('B', 2500.0), ('A', 240000.0)]
    >>> plt.close(fig)
    """
    r = float(input_output_ratio)
    known = bills[bills.traffic_bill_usd.notna()].sort_values(["traffic_bill_usd", "model"])
    unknown = bills.loc[bills.traffic_bill_usd.isna(), "model"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.4))
    if len(known):
        ax.barh(known.model, known.traffic_bill_usd, color=[ORIGIN_COLORS.get(o, "#777") for o in known.origin])
        ax.invert_yaxis()
        log_price_axis(ax, "x", "monthly bill, USD (log scale)")
        for y, v in enumerate(known.traffic_bill_usd):
            ax.text(v * 1.08, y, format_usd_tick(round(v, 2)), va="center", fontsize=8.5)
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

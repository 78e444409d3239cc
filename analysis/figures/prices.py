"""Figures of prices and bills."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.figures.theme import (
    MAX_ROWS,
    add_source_note,
    article_models,
    bounded,
    left_out_note,
    log_price_axis,
    origin_color,
    origin_legend,
    prices_source_note,
    some_names,
)
from analysis.formatting import escape_mathtext, format_multiple, price_column, usd_column
from analysis.prices.bills import MonthlyVolume


def price_bars(table: pd.DataFrame, column: str = "output_usd_per_mtok",
               label: str = "output price, USD per million tokens (log scale)",
               multiple_column: str | None = "output_multiple", title: str | None = None, keep=None):
    """Horizontal bars of one price per model, log scale, coloured by origin, cheapest at the top.

    Models whose price is unknown on this column are listed under the chart, not drawn as 0. With
    more than :data:`~analysis.figures.theme.MAX_ROWS` models (a whole catalog), the cheapest are drawn
    with the models in ``keep``, and a note says how many were left out.

    >>> many = pd.DataFrame({"model": [f"m{i:04d}" for i in range(2000)], "origin": "US",
    ...                      "output_usd_per_mtok": range(1, 2001), "output_multiple": range(1, 2001)})
    >>> fig = price_bars(many, keep=["m1999"])
    >>> len(fig.axes[0].patches), bool(fig.get_size_inches()[1] < 20)
    (21, True)
    >>> "1,979 more models" in fig.texts[0].get_text()
    True
    >>> plt.close(fig)
    """
    known = table[table[column].notna()].sort_values([column, "model"])
    unknown = table.loc[table[column].isna(), "model"].tolist()
    known, left = bounded(known, keep=article_models() if keep is None else keep)
    price_label = price_column(known[column])  # one precision for every bar's label
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    colors = [origin_color(o) for o in known.origin]
    ax.barh(known.model, known[column], color=colors)
    ax.invert_yaxis()
    log_price_axis(ax, "x", label)
    ax.set_ylabel("")
    for y, (_, row) in enumerate(known.iterrows()):
        text = price_label(row[column])
        if multiple_column and multiple_column in row and pd.notna(row[multiple_column]):
            text += f"  ({format_multiple(row[multiple_column])})"
        ax.text(row[column] * 1.08, y, text, va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 4)
    origin_legend(ax, known.origin, loc="upper right")
    ax.set_title(title or "Price per million tokens by model")
    notes = [left_out_note(left, "models", f"the {MAX_ROWS} cheapest and the models the article names")] if left else []
    if unknown:
        notes.append("Unknown on this basis (not drawn): " + some_names(unknown))
    if notes:
        fig.text(0.01, -0.06, escape_mathtext(" ".join(notes)), fontsize=8, color="#555555", wrap=True)
    add_source_note(fig, prices_source_note(table))
    return fig


def monthly_bill_bars(table: pd.DataFrame, monthly_tokens: float, column: str = "monthly_bill_usd",
                      keep=None):
    """The output-only monthly bill of ``monthly_tokens`` output tokens per model, log scale, coloured by origin
    (bounded as :func:`price_bars`); the title is the :class:`~analysis.prices.bills.MonthlyVolume`'s
    output-only label, as the table's caption gives it."""
    known = table[table[column].notna()].sort_values([column, "model"])
    known, left = bounded(known, keep=article_models() if keep is None else keep)
    bill_label = usd_column(known[column])
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    ax.barh(known.model, known[column], color=[origin_color(o) for o in known.origin])
    ax.invert_yaxis()
    log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    for y, v in enumerate(known[column]):
        ax.text(v * 1.08, y, bill_label(v), va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 5)
    ax.set_title(f"Monthly bill, {MonthlyVolume(float(monthly_tokens)).output_label()}")
    origin_legend(ax, known.origin, loc="upper right")
    if left:
        fig.text(0.01, -0.06, left_out_note(left, "models", f"the {MAX_ROWS} cheapest and the models the article names"),
                 fontsize=8, color="#555555")
    add_source_note(fig, prices_source_note(table) + " Volume is a parameter.")
    return fig


def traffic_bill_bars(bills: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0,
                      keep=None):
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
    known, left = bounded(known, keep=article_models() if keep is None else keep)
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.4))
    if len(known):
        ax.barh(known.model, known.traffic_bill_usd, color=[origin_color(o) for o in known.origin])
        ax.invert_yaxis()
        log_price_axis(ax, "x", "monthly bill, USD (log scale)")
        bill_label = usd_column(known.traffic_bill_usd)
        for y, v in enumerate(known.traffic_bill_usd):
            ax.text(v * 1.08, y, bill_label(v), va="center", fontsize=8.5)
        positive = known.traffic_bill_usd[known.traffic_bill_usd > 0]
        if len(positive):
            ax.set_xlim(positive.min() / 1.6, positive.max() * 5)
        origin_legend(ax, known.origin, loc="upper right")
    else:
        ax.text(0.5, 0.5, "no model has the prices this mix needs", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title(f"Monthly bill, {MonthlyVolume(float(monthly_tokens), r).label()}")
    notes = [left_out_note(left, "models", f"the {MAX_ROWS} cheapest and the models the article names")] if left else []
    if unknown:
        notes.append("Unknown price for this mix (not drawn): " + some_names(unknown))
    if notes:
        fig.text(0.01, -0.06, escape_mathtext(" ".join(notes)), fontsize=8, color="#555555", wrap=True)
    add_source_note(fig, prices_source_note(bills) + " Volume and mix are parameters.")
    return fig

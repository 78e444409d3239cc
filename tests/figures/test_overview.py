"""The overview figure (analysis.figures.overview)."""

from __future__ import annotations

import pandas as pd

from analysis.figures.overview import overview_plot


def _points(n):
    return pd.DataFrame({"benchmark": "mmlu", "model": [f"m{i}" for i in range(n)], "origin": "CN",
                         "usd_per_mtok": [0.1 * (i + 1) for i in range(n)], "score": [80.0 + i * 0.1 for i in range(n)],
                         "value_multiple": [1.0 + i for i in range(n)], "on_frontier": True})


def test_a_catalog_sized_panel_is_bounded_and_says_what_it_left_out():
    fig = overview_plot(_points(300), 1.0, "title", "Source: test.")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.texts) <= 15 + 11  # 15 best values, plus the article's models
    note = " ".join(t.get_text() for t in fig.texts)
    assert "Not drawn: 285 more points" in note and "Source: test." in note
    assert fig.get_figwidth() <= 11.0


def test_error_bars_are_the_assumed_sigma():
    fig = overview_plot(_points(3), 2.0, "title", "note")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "±2 points (assumed)" in labels

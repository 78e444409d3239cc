"""analysis.figures.theme: one theme, applied explicitly; log price axes with dollar ticks."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt

from analysis.figures.theme import add_source_note, apply_theme, log_price_axis, origin_legend


def test_importing_the_figures_does_not_change_the_theme():
    code = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
            "before = dict(plt.rcParams); "
            "import analysis.figures.prices, analysis.figures.value, analysis.figures.traffic, "
            "analysis.figures.breakeven, analysis.figures.calls, analysis.figures.landscape; "
            "changed = [k for k in before if plt.rcParams[k] != before[k]]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_apply_theme_sets_the_one_look():
    apply_theme()
    assert plt.rcParams["figure.dpi"] == 110
    assert plt.rcParams["axes.spines.top"] is False and plt.rcParams["svg.hashsalt"] == "pricepoint"


def test_log_price_axis_has_dollar_ticks_and_a_unit():
    fig, ax = plt.subplots()
    ax.plot([0.1, 1000], [0, 1])
    log_price_axis(ax, "x", "price, USD per million tokens (log scale)")
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "price, USD per million tokens (log scale)"
    fmt = ax.xaxis.get_major_formatter()
    assert [fmt(v) for v in (0.25, 10, 2500)] == ["$0.25", "$10", "$2,500"]


def test_source_note_and_origin_legend():
    fig, ax = plt.subplots()
    add_source_note(fig, "Source: x.")
    origin_legend(ax)
    assert [t.get_text() for t in fig.texts] == ["Source: x."]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["US", "China"]

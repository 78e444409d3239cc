"""analysis.figures.value: the frontier, price per point and frontier probability, from given tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.figures.value import frontier_plot, frontier_probability_bars, price_per_point_bars


@pytest.fixture
def table():
    t = pd.DataFrame({
        "model": ["Cheap", "Mid", "Dear", "Hollow", "NoScore"],
        "origin": ["CN", "US", "US", "CN", "US"],
        "usd_per_mtok": [0.25, 2.0, 10.0, 5.0, 1.0],
        "score": [80.0, 85.0, 90.0, 82.0, float("nan")],
        "on_frontier": [True, True, True, False, False],
        "excluded_reason": [None, None, None, None, "no HumanEval score in the data"],
        "usd_per_mtok_per_point": [0.25 / 80, 2 / 85, 10 / 90, 5 / 82, float("nan")],
        "value_multiple": [1.0, (2 / 85) / (0.25 / 80), (10 / 90) / (0.25 / 80), (5 / 82) / (0.25 / 80),
                           float("nan")],
    })
    t.attrs.update(benchmark="humaneval", basis="output", input_output_ratio=3.0)
    return t


def test_frontier_plot_labels_every_known_model_and_lists_the_left_out(table):
    fig = frontier_plot(table)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "(log scale)" in ax.get_xlabel() and "USD" in ax.get_xlabel()
    assert ax.get_ylabel() == "HumanEval score, points (as published)"
    assert sorted(t.get_text() for t in ax.texts) == ["Cheap", "Dear", "Hollow", "Mid"]
    step = ax.lines[0]
    assert list(step.get_xdata()[:3]) == [0.25, 2.0, 10.0] and list(step.get_ydata()[:3]) == [80.0, 85.0, 90.0]
    filled, hollow = ax.collections[0], ax.collections[1]
    assert len(filled.get_offsets()) == 3 and len(hollow.get_offsets()) == 1
    assert any("No HumanEval score in the data: NoScore" in t.get_text() for t in fig.texts)


def test_frontier_plot_without_known_models_says_so(table):
    empty = table.assign(excluded_reason="unknown price")
    ax = frontier_plot(empty).axes[0]
    assert "No model has both a known price and a score here." in [t.get_text() for t in ax.texts]


def test_price_per_point_bars_best_value_first(table):
    ax = price_per_point_bars(table).axes[0]
    got = {t.get_text(): float(p.get_width()) for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert list(got) == ["Cheap", "Mid", "Hollow", "Dear"]
    assert got["Cheap"] == pytest.approx(0.003125)
    assert ax.texts[0].get_text() == "$0.0031  (1× the best)"
    assert ax.get_xscale() == "log" and "per HumanEval point" in ax.get_xlabel()


def test_frontier_probability_bars_draw_the_table_they_are_given():
    robust = pd.DataFrame({"model": ["A", "B", "C"], "origin": ["US", "CN", "US"],
                           "frontier_probability": [0.5, 1.0, float("nan")]})
    robust.attrs.update(sigma=1.0, n_draws=2000, benchmark="ceval")
    ax = frontier_probability_bars(robust).axes[0]
    got = {t.get_text(): float(p.get_width()) for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert got == {"B": 1.0, "A": 0.5}
    assert [t.get_text() for t in ax.texts] == ["100%", "50%"]
    assert tuple(ax.get_xlim()) == (0.0, 1.0)
    assert ax.get_xlabel() == ("probability of being on the frontier (σ = 1 benchmark points, an assumption; "
                               "2,000 draws)")
    assert "C-Eval" in ax.get_title()

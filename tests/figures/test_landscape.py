"""analysis.figures.landscape: the access matrix, the star ratings and the published speeds, as given."""

from __future__ import annotations

import pandas as pd

from analysis.figures.landscape import access_matrix, matchup_stars, published_speed


def test_access_matrix_one_cell_per_factor_and_option():
    access = pd.DataFrame({"factor": ["Payment", "Payment", "Signup", "Signup"],
                           "option": ["US", "Gateway", "US", "Gateway"],
                           "text": ["Visa", "PayPal", "email", "phone"], "ok": [True, True, True, False]})
    ax = access_matrix(access).axes[0]
    assert [t.get_text() for t in ax.texts] == ["✓ Visa", "✓ PayPal", "✓ email", "✗ phone"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["US", "Gateway"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Payment", "Signup"]
    assert ax.images[0].get_array().tolist() == [[1.0, 1.0], [1.0, 0.0]]


def test_matchup_stars_paired_bars_per_matchup():
    m = pd.DataFrame({"matchup": ["A vs B"] * 3, "factor": ["Price", "Code", "Chinese"],
                      "model_a": ["A"] * 3, "model_b": ["B"] * 3, "unit": ["usd_per_mtok", "stars", "stars"],
                      "value_a": [0.25, 4, 5], "value_b": [10.0, 5, 3]})
    fig = matchup_stars(m)
    (ax,) = fig.axes
    assert [float(p.get_height()) for p in ax.patches] == [4.0, 5.0, 5.0, 3.0]  # stars only, A then B
    assert ax.get_title() == "A vs B" and ax.get_ylabel() == "stars (1-5), as published"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]


def test_published_speed_only_models_with_published_figures():
    facts = pd.DataFrame({"model": ["A", "B", "C"], "output_tok_per_s": [60.0, float("nan"), 110.0],
                          "ttft_p99_low_s": [1.5, float("nan"), 0.5], "ttft_p99_high_s": [2.0, float("nan"), 1.0]})
    fig = published_speed(facts)
    speed, ttft = fig.axes
    assert [t.get_text() for t in speed.get_yticklabels()] == ["A", "C"]
    assert [float(p.get_width()) for p in speed.patches] == [60.0, 110.0]
    assert [t.get_text() for t in speed.texts] == ["~60 tok/s", "~110 tok/s"]
    assert [list(ln.get_xdata()) for ln in ttft.lines] == [[1.5, 2.0], [0.5, 1.0]]
    assert speed.get_xlabel() == "output speed, tokens per second"
    assert ttft.get_xlabel() == "p99 time to first token, seconds (published range)"

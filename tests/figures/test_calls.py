"""analysis.figures.calls: latency, cost per request and errors of a run, stamped SIMULATED or LIVE."""

from __future__ import annotations

import pandas as pd

from analysis.figures.calls import cost_per_request, error_class_bars, latency_distribution

SIM = "SIMULATED (local emulator)"


def test_latency_distribution_one_row_per_model_with_the_published_range():
    df = pd.DataFrame({"model": ["A", "A", "B"], "status": ["ok", "ok", "failed"], "ttft_s": [0.5, 0.7, 1.0]})
    fig = latency_distribution(df, "ttft_s", SIM, "seconds", published={"A": (1.2, 1.8), "B": (0.4, 0.4)},
                               published_name="p99 range")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert sorted(ax.collections[0].get_offsets()[:, 0].tolist()) == [0.5, 0.7]  # only A's successes as dots
    assert "no successful request" in [t.get_text() for t in ax.texts]  # B has none
    assert [1.2, 1.8] in [list(ln.get_xdata()) for ln in ax.lines]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["p99 range (as published)"]
    assert any(t.get_text() == SIM for t in fig.texts)  # the mode stamped on the figure
    assert any(t.get_text().startswith(f"{SIM}: 2 successful requests") for t in fig.texts)


def test_cost_per_request_log_scale_unknown_listed():
    df = pd.DataFrame({"model": ["A", "A", "B"], "status": ["ok"] * 3, "cost_usd": [0.001, 0.003, float("nan")]})
    fig = cost_per_request(df, "LIVE (gateway)")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "USD" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A"]
    assert [t.get_text() for t in ax.texts] == ["median $0.002"]
    assert any("not drawn): B" in t.get_text() for t in fig.texts)


def test_error_class_bars_attempts_and_failed_requests():
    e = pd.DataFrame({"error_class": ["rate_limit", "server_error"], "attempts": [3, 2], "requests_failed": [0, 1]})
    ax = error_class_bars(e, SIM).axes[0]
    assert [float(p.get_width()) for p in ax.patches] == [3.0, 2.0, 0.0, 1.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["rate_limit", "server_error"]
    assert ax.get_xlabel() == "count"


def test_error_class_bars_without_errors():
    ax = error_class_bars(pd.DataFrame(columns=["error_class", "attempts", "requests_failed"]), SIM).axes[0]
    assert [t.get_text() for t in ax.texts] == ["no errors in this run"]

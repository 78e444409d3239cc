"""analysis.figures.traffic: bills by policy, the policy frontier, the routing grid, savings, re-priced logs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.figures.traffic import (
    policy_cost_bars,
    policy_frontier_plot,
    routing_grid,
    savings_by_volume,
    usage_cost_bars,
    usage_daily_cost,
    usage_rows_bars,
)


@pytest.fixture(scope="module")
def ev():
    from analysis.traffic.capabilities import capabilities
    from analysis.traffic.evaluate import evaluate
    from analysis.traffic.workload import example_workload

    return evaluate(example_workload(), capabilities(), budget_usd=2000)


def widths(ax) -> dict[str, float]:
    return {t.get_text(): float(p.get_width()) for t, p in zip(ax.get_yticklabels(), ax.patches)}


def test_policy_cost_bars_draw_each_served_bill_and_the_saving(ev):
    summary = ev.summary
    ax = policy_cost_bars(summary).axes[0]
    shown = summary[summary.served_cost_usd > 0]
    assert widths(ax) == pytest.approx(dict(zip(shown.policy, shown.served_cost_usd)))
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "monthly bill, USD (log scale)"
    texts = [t.get_text() for t in ax.texts]
    assert r"\$7,587.50  (baseline)" in texts  # GPT-4o alone, the baseline (formatting's one rule: cents)
    assert r"\$580.90  (saves 92% vs GPT-4o)" in texts  # the article's router, at the same precision
    partial = [p for p in ax.patches if p.get_hatch()]
    assert len(partial) == int((~shown.serves_all).sum()) > 0  # those that cannot serve vision, hatched


def test_policy_frontier_plot_one_point_per_complete_policy(ev):
    from analysis.traffic.evaluate import policy_frontier

    frontier = policy_frontier(ev.summary)
    ax = policy_frontier_plot(frontier).axes[0]
    known = frontier[frontier.excluded_reason.isna()]
    assert len(ax.collections[0].get_offsets()) == len(known)
    assert sorted(t.get_text() for t in ax.texts) == sorted(known.policy)
    assert ax.get_xscale() == "log" and ax.get_ylabel().startswith("expected quality, benchmark points")


def test_routing_grid_one_cell_per_policy_and_task(ev):
    a = ev.assignments
    policies = list(dict.fromkeys(a.loc[a.kind != "single", "policy"]))
    ax = routing_grid(a, highlight=policies[0]).axes[0]
    tasks = a.task_type.nunique()
    cells = [p for p in ax.patches if p.get_fill()]
    assert len(cells) == len(policies) * tasks
    assert len([p for p in ax.patches if not p.get_fill()]) == 1  # the highlighted policy is boxed
    assert [t.get_text() for t in ax.get_yticklabels()] == policies


def test_savings_by_volume_two_panels_baseline_dashed():
    rows = []
    for v in (1e4, 1e5):
        rows += [{"policy": "GPT-4o", "requests_per_month": v, "monthly_cost_usd": v * 0.05, "savings_pct": 0.0,
                  "serves_all": True},
                 {"policy": "router", "requests_per_month": v, "monthly_cost_usd": v * 0.005, "savings_pct": 90.0,
                  "serves_all": True},
                 {"policy": "vision-less", "requests_per_month": v, "monthly_cost_usd": float("nan"),
                  "savings_pct": float("nan"), "serves_all": False}]
    fig = savings_by_volume(pd.DataFrame(rows), "GPT-4o", 2000)
    bill, saving = fig.axes
    assert [ln.get_label() for ln in bill.lines if ln.get_label() in ("GPT-4o", "router")] == ["GPT-4o", "router"]
    assert [ln.get_linestyle() for ln in bill.lines[:2]] == ["--", "-"]
    assert [ln.get_label() for ln in saving.lines if not ln.get_label().startswith("_")] == ["router"]
    assert (bill.get_xscale(), bill.get_yscale()) == ("log", "log")
    assert saving.get_ylabel() == "saving against GPT-4o, percent"
    assert r"budget \$2,000" in [t.get_text() for t in bill.texts]


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    from analysis.traffic.demo_log import generate_usage_log
    from analysis.traffic.reprice import reprice_log

    return reprice_log(generate_usage_log(tmp_path_factory.mktemp("log") / "l.csv", rows=300, seed=1))


def test_usage_cost_bars_draw_the_totals(log):
    ax = usage_cost_bars(log.totals).axes[0]
    t = log.totals[log.totals.cost_usd > 0]
    assert widths(ax) == pytest.approx(dict(zip(t.scenario, t.cost_usd)))
    assert ax.get_xscale() == "log"


def test_usage_daily_cost_one_line_per_scenario(log):
    ax = usage_daily_cost(log.daily, ["as logged", "GPT-4o"]).axes[0]
    assert [ln.get_label() for ln in ax.lines] == ["as logged", "GPT-4o"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "cost per day, USD (log scale)"


def test_usage_rows_bars_zero_drawn_small_and_counted():
    ax = usage_rows_bars(1000, pd.DataFrame({"kind": ["negative tokens", "unknown model"], "rows": [3, 0]})).axes[0]
    assert widths(ax) == {"priced": 1000.0, "set aside: negative tokens": 3.0, "set aside: unknown model": 0.8}
    assert [t.get_text() for t in ax.texts] == ["1,000", "3", "0"]
    assert ax.get_xscale() == "log"


def test_policy_bill_says_unknown_not_cannot_serve_for_a_data_gap():
    """Issue 11: a model the data has no vision entry for is 'unknown (data gap)' on the chart, never 'cannot
    serve'; a model the data says has no vision still cannot."""
    from analysis.figures.traffic import policy_cost_bars
    from analysis.traffic.capabilities import capabilities
    from analysis.traffic.evaluate import evaluate
    from analysis.traffic.workload import example_workload

    fig = policy_cost_bars(evaluate(example_workload(), capabilities(), budget_usd=2000).summary)
    ax = fig.axes[0]
    labels = {t.get_text(): i for i, t in enumerate(ax.get_yticklabels())}
    texts = {round(t.get_position()[1]): t.get_text() for t in ax.texts}
    assert texts[labels["Claude 3.5 Sonnet"]].endswith("vision: unknown (data gap)")
    assert texts[labels["DeepSeek V4 Flash"]].endswith("cannot serve vision")
    plt.close(fig)


def test_policy_bill_legend_fits_within_a_page_column(ev):
    """Trial item 12: the legend drawn beside the chart made the figure wider than a page's column, which cut
    '(bill of the rest)' off; it is now under the chart, inside the figure, and the whole figure (note included)
    is at most 10 inches wide (a page column shows 100 px per inch)."""
    from analysis.figures.traffic import policy_cost_bars

    fig = policy_cost_bars(ev.summary)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = fig.axes[0].get_legend()
    box = legend.get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0
    assert "does not serve every request (bill of the rest)" in [t.get_text() for t in legend.get_texts()]
    assert fig.get_tightbbox(renderer).width <= 10.0
    plt.close(fig)

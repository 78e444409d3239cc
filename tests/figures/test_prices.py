"""analysis.figures.prices: bars of prices and bills drawn from the tables they are given."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.figures.prices import monthly_bill_bars, price_bars, traffic_bill_bars


def bars(ax) -> dict[str, float]:
    return {t.get_text(): float(p.get_width()) for t, p in zip(ax.get_yticklabels(), ax.patches)}


@pytest.fixture
def table():
    return pd.DataFrame({"model": ["Dear", "Cheap", "Unknown"], "origin": ["US", "CN", "CN"],
                         "output_usd_per_mtok": [10.0, 0.25, float("nan")],
                         "output_multiple": [40.0, 1.0, float("nan")],
                         "monthly_bill_usd": [100_000.0, 2_500.0, float("nan")]})


def test_price_bars_draw_the_prices_cheapest_first_and_list_the_unknown(table):
    fig = price_bars(table)
    ax = fig.axes[0]
    assert bars(ax) == {"Cheap": 0.25, "Dear": 10.0}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Cheap", "Dear"]  # cheapest at the top
    assert ax.yaxis_inverted()
    assert ax.get_xscale() == "log" and "USD per million tokens" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["$0.25  (1×)", "$10.00  (40×)"]
    assert any(t.get_text() == "Unknown on this basis (not drawn): Unknown" for t in fig.texts)
    assert [p.get_facecolor()[:3] for p in ax.patches][0] != [p.get_facecolor()[:3] for p in ax.patches][1]


def test_monthly_bill_bars_label_dollars_and_the_volume(table):
    fig = monthly_bill_bars(table, 1e9)
    ax = fig.axes[0]
    assert bars(ax) == {"Cheap": 2500.0, "Dear": 100_000.0}
    assert [t.get_text() for t in ax.texts] == ["$2,500", "$100,000"]
    assert ax.get_title() == "Monthly bill, 1 B output tokens/month (output only, input not priced)"
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "monthly bill, USD (log scale)"


def test_traffic_bill_bars_draw_the_bill_they_are_given():
    bills = pd.DataFrame({"model": ["A", "B", "C"], "origin": ["US", "CN", "US"],
                          "traffic_bill_usd": [17_500.0, 1_000.0, float("nan")]})
    fig = traffic_bill_bars(bills, 1e9, 3.0)
    ax = fig.axes[0]
    assert bars(ax) == {"B": 1_000.0, "A": 17_500.0}
    assert ax.get_title() == "Monthly bill, 1 B output + 3 B input tokens/month (3:1 input:output)"
    assert any("Unknown price for this mix (not drawn): C" == t.get_text() for t in fig.texts)


def test_traffic_bill_bars_without_any_known_bill_says_so():
    bills = pd.DataFrame({"model": ["A"], "origin": ["US"], "traffic_bill_usd": [float("nan")]})
    ax = traffic_bill_bars(bills, 1e9, 3.0).axes[0]
    assert ax.patches == [] or len(ax.patches) == 0
    assert [t.get_text() for t in ax.texts] == ["no model has the prices this mix needs"]
    assert not ax.axison

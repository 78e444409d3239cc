"""analysis.pages.pricing: notebook 01's table, and its traffic bill computed here and drawn by the figure."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from analysis.data.load import load_pricing
from analysis.figures.prices import traffic_bill_bars
from analysis.pages import pricing as pages_pricing
from analysis.prices.bills import price_table


@pytest.fixture(scope="module")
def pricing():
    return load_pricing()


def test_traffic_bill_table_adds_input_tokens_and_keeps_unknown_unknown(pricing):
    bills = pages_pricing.traffic_bill_table(pricing, 1e9, 3.0).set_index("model").traffic_bill_usd
    assert bills["GPT-4o"] == pytest.approx(1e3 * (10.00 + 3 * 2.50))
    assert np.isnan(bills["Qwen3.5-397B"])  # input price unknown: no bill, never $0
    at_zero = pages_pricing.traffic_bill_table(pricing, 10e9, 0).set_index("model").traffic_bill_usd
    assert at_zero["Qwen3.5-397B"] == pytest.approx(23_400.0) and at_zero["DeepSeek V4 Flash"] == pytest.approx(2500)


def test_traffic_bill_is_compute_then_draw(pricing):
    """The controls' entry point draws exactly what the figure draws from the computed table."""
    a = pages_pricing.traffic_bill(pricing, 2e9, 1.5).axes[0]
    b = traffic_bill_bars(pages_pricing.traffic_bill_table(pricing, 2e9, 1.5), 2e9, 1.5).axes[0]
    assert [p.get_width() for p in a.patches] == [p.get_width() for p in b.patches]
    assert [t.get_text() for t in a.get_yticklabels()] == [t.get_text() for t in b.get_yticklabels()]
    assert a.get_title() == b.get_title()


def test_styled_price_table_shows_every_column_for_people(pricing):
    out = pages_pricing.styled_price_table(price_table(pricing, input_output_ratio=1.0, monthly_tokens=1e9)).to_html()
    heads = [html.unescape(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", out)]
    assert heads == ["model", "provider", "origin", "input $/M tokens", "output $/M tokens",
                     "blended $/M (1:1 in:out)", "× cheapest output", "monthly output-only bill",
                     "monthly output + input bill"]
    row = [html.unescape(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", out)]
    assert row[:9] == ["DeepSeek Coder", "DeepSeek", "CN", "n/a", "$0.25", "n/a", "1×", "$250", "n/a"]


def test_styled_price_table_escapes_names(pricing):
    hostile = pricing.replace({"GPT-4o": "<script>alert(1)</script>"})
    out = pages_pricing.styled_price_table(price_table(hostile)).to_html()
    assert "<script" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


@pytest.mark.parametrize("tokens, ratio", [(10e9, 3.0), (2e9, 1.5), (1e9, 0.0)])
def test_table_and_charts_price_one_monthly_volume(pricing, tokens, ratio):
    """Issue 11: the table's bills and the charts' bills are the same volume, and each says what it counts.

    The table's output + input bill is the traffic chart's bill for every model (not the blended price
    times the output tokens, which read as a third volume), its output-only bill is the monthly-bill
    chart's, and the chart titles and the table's caption carry the same two labels.
    """
    from analysis.figures.prices import monthly_bill_bars
    from analysis.prices.bills import MonthlyVolume

    volume = MonthlyVolume(tokens, ratio)
    table = price_table(pricing, input_output_ratio=ratio, monthly_tokens=tokens)
    assert table.attrs["volume"] == volume
    traffic = pages_pricing.traffic_bill_table(pricing, tokens, ratio)
    assert traffic.attrs["volume"] == volume
    merged = table.merge(traffic, on="model")
    np.testing.assert_allclose(merged.monthly_bill_blended_usd, merged.traffic_bill_usd, equal_nan=True)

    chart = pages_pricing.traffic_bill(pricing, tokens, ratio).axes[0]
    drawn = dict(zip([t.get_text() for t in chart.get_yticklabels()], [p.get_width() for p in chart.patches]))
    in_table = table.set_index("model").monthly_bill_blended_usd
    assert drawn and all(v == pytest.approx(in_table[m]) for m, v in drawn.items())
    output_chart = monthly_bill_bars(table, tokens).axes[0]
    drawn = dict(zip([t.get_text() for t in output_chart.get_yticklabels()],
                     [p.get_width() for p in output_chart.patches]))
    assert all(v == pytest.approx(table.set_index("model").monthly_bill_usd[m]) for m, v in drawn.items())

    assert volume.label() in chart.get_title() and volume.output_label() in output_chart.get_title()
    caption = html.unescape(pages_pricing.styled_price_table(table).to_html())
    assert volume.label() in caption and volume.output_label() in caption
    if ratio:
        assert "input" in volume.label() and "output only" in volume.output_label()
        gpt = table.set_index("model").loc["GPT-4o"]
        assert gpt.monthly_bill_blended_usd == pytest.approx((2.50 * ratio + 10.00) * tokens / 1e6)


def test_article_volume_bills_no_longer_disagree(pricing):
    """The three GPT-4o bills of issue 11 at the article's volume: $100,000 output only and $175,000 with
    30 B input tokens in the table and in the chart (the table's $43,750 priced 10 B tokens in all)."""
    table = price_table(pricing, input_output_ratio=3.0, monthly_tokens=10e9).set_index("model")
    assert table.loc["GPT-4o", "monthly_bill_usd"] == pytest.approx(100_000)
    assert table.loc["GPT-4o", "monthly_bill_blended_usd"] == pytest.approx(175_000)
    chart = pages_pricing.traffic_bill_table(pricing, 10e9, 3.0).set_index("model")
    assert chart.loc["GPT-4o", "traffic_bill_usd"] == pytest.approx(175_000)


def test_the_bill_finding_gives_the_range_with_input_among_models_whose_input_price_is_known(pricing):
    """The finding never says a bill is "n/a": with the input tokens it ranges over the models that have a blended
    bill, cheapest to dearest, and says how many those are."""
    table = price_table(pricing, monthly_tokens=10e9)
    text = pages_pricing.findings(table)[2][0]
    known = table.dropna(subset=["monthly_bill_blended_usd"]).sort_values("monthly_bill_blended_usd")
    assert "n/a" not in text
    assert f"from ${known.monthly_bill_blended_usd.iloc[0]:,.0f} ({known.model.iloc[0]})" in text
    assert f"to ${known.monthly_bill_blended_usd.iloc[-1]:,.0f} ({known.model.iloc[-1]})" in text
    assert f"among the {len(known)} models whose input price is known" in text


def test_makers_own_column_says_yes_for_numpy_booleans():
    """A catalog's first_party column (pandas' nullable boolean) holds numpy booleans: the maker's own endpoint reads "yes", never "no"."""
    import pandas as pd

    endpoints = pd.DataFrame({"api_model_id": ["gpt-4o", "gpt-4o"], "provider": ["OpenAI", "Azure"],
                              "region": [None, "eastus"], "service_tier": ["standard", "standard"],
                              "first_party": pd.array([True, False], dtype="boolean"), "time_window": ["", ""],
                              "input_usd_per_mtok": [2.5, 2.5], "output_usd_per_mtok": [10.0, 10.0],
                              "cache_read_usd_per_mtok": [np.nan, np.nan], "context_window_tokens": [128e3, 128e3],
                              "output_multiple": [1.0, 1.0]})
    assert isinstance(endpoints.first_party.iloc[0], np.bool_)  # as the catalogs' endpoint tables hold them
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", pages_pricing.styled_endpoints(endpoints).to_html())
    assert cells.count("yes") == 1 and cells.count("no") == 1

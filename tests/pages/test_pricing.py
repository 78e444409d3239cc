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
                     "blended $/M (1:1 in:out)", "× cheapest output", "monthly bill (output)",
                     "monthly bill (blended)"]
    row = [html.unescape(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", out)]
    assert row[:9] == ["DeepSeek Coder", "DeepSeek", "CN", "n/a", "$0.25", "n/a", "1×", "$250", "n/a"]


def test_styled_price_table_escapes_names(pricing):
    hostile = pricing.replace({"GPT-4o": "<script>alert(1)</script>"})
    out = pages_pricing.styled_price_table(price_table(hostile)).to_html()
    assert "<script" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out

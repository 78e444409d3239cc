"""Price bases, multiples and bills."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.data.load import load_pricing
from analysis.formatting import format_multiple, format_usd
from analysis.prices.bases import blended_usd_per_mtok, price_on_basis
from analysis.prices.bills import monthly_bill_usd, price_table

prices = st.floats(min_value=0, max_value=1000, allow_nan=False)


@given(prices, prices, st.floats(min_value=0, max_value=100))
def test_blended_lies_between_input_and_output(i, o, ratio):
    b = blended_usd_per_mtok(i, o, ratio)
    assert min(i, o) - 1e-9 <= b <= max(i, o) + 1e-9


def test_blended_weights():
    assert blended_usd_per_mtok(1.0, 5.0, 1) == 3.0
    assert blended_usd_per_mtok(2.5, 10.0, 3) == pytest.approx(4.375)
    with pytest.raises(ValueError, match="input_output_ratio"):
        blended_usd_per_mtok(1, 2, -1)


def test_unknown_input_excluded_with_reason_never_zero():
    p = price_on_basis(load_pricing(), "input").set_index("model")
    assert math.isnan(p.loc["Qwen3-Coder-30B", "usd_per_mtok"])
    assert p.loc["Qwen3-Coder-30B", "excluded_reason"] == "input price unknown"
    assert p.loc["GPT-4o", "excluded_reason"] is None
    out = price_on_basis(load_pricing(), "output").set_index("model")
    assert out.loc["Qwen3-Coder-30B", "usd_per_mtok"] == 0.35
    assert out.excluded_reason.isna().all()


def test_bad_basis_says_what_to_pass():
    with pytest.raises(ValueError, match="input, output, blended"):
        price_on_basis(load_pricing(), "median")


def test_price_table_figures():
    t = price_table(load_pricing(), input_output_ratio=3, monthly_tokens=10e9).set_index("model")
    assert t.loc["DeepSeek V4 Flash", "monthly_bill_usd"] == 2500
    assert t.loc["Claude 3.5 Sonnet", "monthly_bill_usd"] == 150000
    assert t.loc["GPT-4o", "blended_usd_per_mtok"] == pytest.approx((3 * 2.5 + 10) / 4)
    assert pd.isna(t.loc["Qwen3.5-397B", "blended_usd_per_mtok"])
    assert pd.isna(t.loc["Qwen3.5-397B", "monthly_bill_blended_usd"])
    assert t.loc["Qwen3.5-397B", "monthly_bill_usd"] == pytest.approx(23400)


def test_formatting():
    assert format_multiple(60) == "60×" and format_multiple(7.68) == "7.7×"
    assert format_usd(2500) == "$2,500" and format_usd(float("nan")) == "n/a"
    with pytest.raises(ValueError):
        monthly_bill_usd(1.0, -5)

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


# --------------------------------------------------------------------------- the registry


def test_every_shipped_basis_is_registered_with_its_label():
    from analysis.prices.bases import BASES, BASIS_REGISTRY, basis_label

    assert tuple(BASES) == ("input", "output", "blended") == tuple(BASIS_REGISTRY)
    assert basis_label("input") == "input price, USD per million tokens"
    assert basis_label("blended", 1.5) == "blended price (1.5:1 input:output tokens), USD per million tokens"


def test_blended_at_zero_ratio_is_the_output_price_with_its_reason():
    p = price_on_basis(load_pricing(), "blended", 0).set_index("model")
    out = price_on_basis(load_pricing(), "output").set_index("model")
    assert p.usd_per_mtok.equals(out.usd_per_mtok)
    assert p.loc["Qwen3.5-397B", "excluded_reason"] is None  # its input price is unknown, but not needed


@pytest.fixture
def mid_basis():
    """A fake basis registered for one test: the mean of input and output price, needing both."""
    from analysis.prices import bases

    @bases.register_basis("midpoint", lambda ratio: f"midpoint price (ignores {ratio:g}:1), USD per million tokens")
    def midpoint(inp, outp, ratio):
        return (inp + outp) / 2, [None if pd.notna(i) and pd.notna(o) else "a price unknown (midpoint)"
                                  for i, o in zip(inp, outp)]

    yield "midpoint"
    bases.BASIS_REGISTRY.pop("midpoint", None)  # the test may have removed it already


def test_a_registered_basis_is_used_end_to_end_then_removed(mid_basis):
    from analysis.data.load import load_benchmarks
    from analysis.pages.widgets import price_basis
    from analysis.prices import bases
    from analysis.value.efficiency import benchmark_table

    assert "midpoint" in bases.BASES and bases.check_basis("midpoint") == "midpoint"
    assert bases.basis_label("midpoint", 3) == "midpoint price (ignores 3:1), USD per million tokens"
    p = price_on_basis(load_pricing(), "midpoint").set_index("model")
    assert p.loc["GPT-4o", "usd_per_mtok"] == (2.5 + 10) / 2
    assert math.isnan(p.loc["Qwen3.5-397B", "usd_per_mtok"])
    assert p.loc["Qwen3.5-397B", "excluded_reason"] == "a price unknown (midpoint)"
    assert p.loc["GPT-4o", "excluded_reason"] is None
    # what reads the registry sees it: the efficiency table and the notebooks' basis chooser
    t = benchmark_table(load_pricing(), load_benchmarks(), "humaneval", "midpoint").set_index("model")
    assert t.loc["GPT-4o", "usd_per_mtok"] == 6.25
    assert "midpoint" in price_basis().values
    bases.unregister_basis("midpoint")
    assert "midpoint" not in bases.BASES
    with pytest.raises(ValueError, match="is not one of input, output, blended"):
        price_on_basis(load_pricing(), "midpoint")

"""Multiples of the cheapest price and monthly bills at a volume."""

from __future__ import annotations

import pandas as pd

from analysis.data.tables import ParameterError
from analysis.prices.bases import DEFAULT_INPUT_OUTPUT_RATIO, price_on_basis


def multiple_of_cheapest(prices: pd.Series) -> pd.Series:
    """Each price as a multiple of the cheapest known price; unknown stays NaN.

    >>> multiple_of_cheapest(pd.Series([10.0, 0.25, float("nan")])).tolist()
    [40.0, 1.0, nan]
    """
    cheapest = prices[prices > 0].min()
    return prices / cheapest


def monthly_bill_usd(usd_per_mtok: float | pd.Series, monthly_tokens: float) -> float | pd.Series:
    """What ``monthly_tokens`` tokens cost at ``usd_per_mtok``; unknown prices give NaN.

    The article's example: 10 billion output tokens a month.

    >>> monthly_bill_usd(0.25, 10e9), monthly_bill_usd(15.00, 10e9)
    (2500.0, 150000.0)
    """
    if monthly_tokens < 0:
        raise ParameterError(f"monthly_tokens must be >= 0, got {monthly_tokens!r}")
    return usd_per_mtok * (monthly_tokens / 1e6)


def price_table(pricing: pd.DataFrame, input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                monthly_tokens: float | None = None) -> pd.DataFrame:
    """The price table with each basis, the multiple of the cheapest output price and the bill.

    ``monthly_bill_usd`` prices ``monthly_tokens`` on the output basis (the article's
    example); ``monthly_bill_blended_usd`` prices the same volume on the blended basis.

    >>> from analysis.data.load import load_pricing
    >>> t = price_table(load_pricing(), monthly_tokens=10e9).set_index("model")
    >>> t.loc["Claude 3.5 Sonnet", ["output_multiple", "monthly_bill_usd"]].tolist()
    [60.0, 150000.0]
    """
    out = pricing[["model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    out["blended_usd_per_mtok"] = price_on_basis(pricing, "blended", input_output_ratio)["usd_per_mtok"]
    out["output_multiple"] = multiple_of_cheapest(out.output_usd_per_mtok)
    if monthly_tokens is not None:
        out["monthly_bill_usd"] = monthly_bill_usd(out.output_usd_per_mtok, monthly_tokens)
        out["monthly_bill_blended_usd"] = monthly_bill_usd(out.blended_usd_per_mtok, monthly_tokens)
    out = out.sort_values(["output_usd_per_mtok", "model"], na_position="last").reset_index(drop=True)
    out.attrs.update(input_output_ratio=input_output_ratio, monthly_tokens=monthly_tokens)
    return out

"""Multiples of the cheapest price and monthly bills at a volume."""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def _tokens(v: float) -> str:
    """A token count for a label: ``10 B``, ``250 M``, ``50,000``."""
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if v >= size:
            return f"{v / size:,.3g} {unit}"
    return f"{v:,.0f}"


@dataclass(frozen=True)
class MonthlyVolume:
    """The one definition of a month of traffic that every table and chart of notebook 01 prices:
    ``output_tokens`` output tokens plus ``input_output_ratio`` input tokens for each of them.

    The *output-only* bill prices the output tokens alone (the article's example); the *traffic*
    bill prices input and output, and equals the blended price times :attr:`total_tokens`. Labels
    say what the volume counts, so no two bills of one page read as the same volume.

    >>> v = MonthlyVolume(10e9, 3.0)
    >>> v.input_tokens, v.total_tokens
    (30000000000.0, 40000000000.0)
    >>> v.label()
    '10 B output + 30 B input tokens/month (3:1 input:output)'
    >>> v.output_label()
    '10 B output tokens/month (output only, input not priced)'
    >>> v.bill_usd(2.50, 10.00), v.output_bill_usd(10.00)   # GPT-4o
    (175000.0, 100000.0)
    >>> MonthlyVolume(10e9, 0).label()
    '10 B output tokens/month (no input tokens)'

    A negative or infinite volume or ratio is refused:

    >>> MonthlyVolume(-1)
    Traceback (most recent call last):
    ...
    ValueError: output_tokens must be a finite number >= 0 (output tokens a month), got -1
    """

    output_tokens: float
    input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO

    def __post_init__(self):
        for name, value, what in (("output_tokens", self.output_tokens, "output tokens a month"),
                                  ("input_output_ratio", self.input_output_ratio, "input tokens per output token")):
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0 ({what}), got {value!r}")

    @property
    def input_tokens(self) -> float:
        return float(self.output_tokens * self.input_output_ratio)

    @property
    def total_tokens(self) -> float:
        return float(self.output_tokens + self.input_tokens)

    def label(self) -> str:
        """What the traffic bill counts."""
        if self.input_output_ratio == 0:
            return f"{_tokens(self.output_tokens)} output tokens/month (no input tokens)"
        return (f"{_tokens(self.output_tokens)} output + {_tokens(self.input_tokens)} input tokens/month "
                f"({self.input_output_ratio:g}:1 input:output)")

    def output_label(self) -> str:
        """What the output-only bill counts."""
        return f"{_tokens(self.output_tokens)} output tokens/month (output only, input not priced)"

    def bill_usd(self, input_usd_per_mtok, output_usd_per_mtok):
        """The traffic bill: input and output tokens at their prices (unknown when a price it needs is)."""
        inp = 0.0 if self.input_output_ratio == 0 else input_usd_per_mtok
        return (inp * self.input_tokens + output_usd_per_mtok * self.output_tokens) / 1e6

    def output_bill_usd(self, output_usd_per_mtok):
        """The output-only bill."""
        return monthly_bill_usd(output_usd_per_mtok, self.output_tokens)


def price_table(pricing: pd.DataFrame, input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                monthly_tokens: float | None = None) -> pd.DataFrame:
    """The price table with each basis, the multiple of the cheapest output price and the bill.

    ``monthly_tokens`` is the :class:`MonthlyVolume`'s output tokens: ``monthly_bill_usd`` prices them
    alone (the article's example), ``monthly_bill_blended_usd`` prices them with their input tokens
    (``input_output_ratio`` per output token), the blended price times the volume's total tokens,
    the same bill as notebook 01's traffic chart. ``attrs["volume"]`` is the volume.

    >>> from analysis.data.load import load_pricing
    >>> t = price_table(load_pricing(), monthly_tokens=10e9).set_index("model")
    >>> t.loc["Claude 3.5 Sonnet", ["output_multiple", "monthly_bill_usd", "monthly_bill_blended_usd"]].tolist()
    [60.0, 150000.0, 240000.0]
    """
    out = pricing[["model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    out["blended_usd_per_mtok"] = price_on_basis(pricing, "blended", input_output_ratio)["usd_per_mtok"]
    out["output_multiple"] = multiple_of_cheapest(out.output_usd_per_mtok)
    volume = None
    if monthly_tokens is not None:
        volume = MonthlyVolume(float(monthly_tokens), float(input_output_ratio))
        out["monthly_bill_usd"] = volume.output_bill_usd(out.output_usd_per_mtok)
        out["monthly_bill_blended_usd"] = monthly_bill_usd(out.blended_usd_per_mtok, volume.total_tokens)
    out = out.sort_values(["output_usd_per_mtok", "model"], na_position="last").reset_index(drop=True)
    out.attrs.update(input_output_ratio=input_output_ratio, monthly_tokens=monthly_tokens, volume=volume)
    return out

"""Prices on a chosen basis, multiples of the cheapest, and monthly bills.

A price basis is ``"input"``, ``"output"`` or ``"blended"`` (input and output prices
weighted by an input:output token ratio, default 3:1 as Artificial Analysis publishes).
A model whose price is unknown on the basis is never priced as 0: its price is ``NaN``
and :func:`price_on_basis` says why in ``excluded_reason``.

>>> from analysis.data.load import load_pricing
>>> p = price_on_basis(load_pricing(), "output").set_index("model")
>>> p.loc["GPT-4o", "usd_per_mtok"]
np.float64(10.0)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

BASES = ("input", "output", "blended")

DEFAULT_INPUT_OUTPUT_RATIO = 3.0  # input tokens per output token


def blended_usd_per_mtok(input_usd: float, output_usd: float, input_output_ratio: float = 3.0) -> float:
    """The price of one million tokens of traffic with ``ratio`` input tokens per output token.

    >>> blended_usd_per_mtok(2.50, 10.00)          # GPT-4o at 3:1
    4.375
    >>> blended_usd_per_mtok(2.50, 10.00, 0)       # all output
    10.0
    >>> math.isnan(blended_usd_per_mtok(float("nan"), 2.34))
    True
    """
    if input_output_ratio < 0 or not math.isfinite(input_output_ratio):
        raise ValueError(f"input_output_ratio must be a finite number >= 0, got {input_output_ratio!r}")
    if input_output_ratio == 0:
        return float(output_usd)
    return (input_output_ratio * input_usd + output_usd) / (input_output_ratio + 1)


def check_basis(basis: str) -> str:
    """``basis`` if it is one of :data:`BASES`, else a ``ValueError`` saying what to pass.

    >>> check_basis("blended")
    'blended'
    """
    if basis not in BASES:
        raise ValueError(f"price basis {basis!r} is not one of {', '.join(BASES)}: pass one of them")
    return basis


def price_on_basis(pricing: pd.DataFrame, basis: str = "output",
                   input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> pd.DataFrame:
    """Every model with ``usd_per_mtok`` on ``basis`` and, where unknown, ``excluded_reason``.

    >>> from analysis.data.load import load_pricing
    >>> p = price_on_basis(load_pricing(), "blended").set_index("model")
    >>> float(round(p.loc["DeepSeek V4 Flash", "usd_per_mtok"], 4))
    0.1975
    >>> p.loc["Qwen3.5-397B", "excluded_reason"]
    'input price unknown (needed for the blended price)'
    """
    check_basis(basis)
    out = pricing[["model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    inp, outp = out.input_usd_per_mtok, out.output_usd_per_mtok
    if basis == "input":
        out["usd_per_mtok"] = inp
        reason = np.where(inp.isna(), "input price unknown", None)
    elif basis == "output":
        out["usd_per_mtok"] = outp
        reason = np.where(outp.isna(), "output price unknown", None)
    else:
        out["usd_per_mtok"] = [blended_usd_per_mtok(i, o, input_output_ratio) for i, o in zip(inp, outp)]
        if input_output_ratio == 0:
            reason = np.where(outp.isna(), "output price unknown", None)
        else:
            reason = np.select(
                [inp.isna() & outp.isna(), inp.isna(), outp.isna()],
                ["input and output prices unknown (needed for the blended price)",
                 "input price unknown (needed for the blended price)",
                 "output price unknown (needed for the blended price)"],
                default=None,
            )
    out["excluded_reason"] = pd.Series(reason, index=out.index, dtype=object).where(lambda s: s.notna(), None)
    out.attrs.update(basis=basis, input_output_ratio=input_output_ratio)
    return out


def basis_label(basis: str, input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> str:
    """A human label for a price basis, naming the mix for the blended one.

    >>> basis_label("blended", 3)
    'blended price (3:1 input:output tokens), USD per million tokens'
    >>> basis_label("output")
    'output price, USD per million tokens'
    """
    check_basis(basis)
    if basis == "blended":
        return f"blended price ({input_output_ratio:g}:1 input:output tokens), USD per million tokens"
    return f"{basis} price, USD per million tokens"

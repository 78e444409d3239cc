"""Prices on a chosen basis, multiples of the cheapest, and monthly bills.

A price basis is ``"input"``, ``"output"`` or ``"blended"`` (input and output prices
weighted by an input:output token ratio, default 3:1 as Artificial Analysis publishes).
A model whose price is unknown on the basis is never priced as 0: its price is ``NaN``
and :func:`price_on_basis` says why in ``excluded_reason``.

>>> from analysis.data import load_pricing
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

    >>> from analysis.data import load_pricing
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


def multiple_of_cheapest(prices: pd.Series) -> pd.Series:
    """Each price as a multiple of the cheapest known price; unknown stays NaN.

    >>> multiple_of_cheapest(pd.Series([10.0, 0.25, float("nan")])).tolist()
    [40.0, 1.0, nan]
    """
    cheapest = prices[prices > 0].min()
    return prices / cheapest


def format_multiple(x: float) -> str:
    """A multiple the way the article prints it: one decimal, trailing ``.0`` dropped.

    >>> [format_multiple(x) for x in (40.0, 1.12, 7.68, 2.4, 1.0, 2.142857)]
    ['40×', '1.1×', '7.7×', '2.4×', '1×', '2.1×']
    >>> format_multiple(float("nan"))
    'n/a'
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    r = round(x, 1)
    return f"{r:.0f}×" if r == int(r) else f"{r:.1f}×"


def format_usd(x: float, decimals: int | None = None) -> str:
    """Dollars for people: ``$2,500``, ``$0.25``; unknown is ``n/a``, never ``$0``.

    >>> format_usd(150000.0), format_usd(0.25), format_usd(float("nan"))
    ('$150,000', '$0.25', 'n/a')
    >>> format_usd(4.375, 3), format_usd(0.28 * 10_000)
    ('$4.375', '$2,800')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if decimals is None:  # whole dollars from $100 up, judged on the cents (0.28 x 10,000 = 2800.0000000000005)
        decimals = 0 if abs(x) >= 100 and float(round(x, 2)).is_integer() else 2
    return f"${x:,.{decimals}f}"


def format_price(x: float) -> str:
    """A price per million tokens for a table: cents, or a third decimal when it matters; unknown is ``n/a``.

    >>> [format_price(x) for x in (0.25, 10.0, 4.375, 0.2275, float("nan"))]
    ['$0.25', '$10.00', '$4.375', '$0.228', 'n/a']
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    return format_usd(x, 2 if round(x, 2) == x else 3)


def monthly_bill_usd(usd_per_mtok: float | pd.Series, monthly_tokens: float) -> float | pd.Series:
    """What ``monthly_tokens`` tokens cost at ``usd_per_mtok``; unknown prices give NaN.

    The article's example: 10 billion output tokens a month.

    >>> monthly_bill_usd(0.25, 10e9), monthly_bill_usd(15.00, 10e9)
    (2500.0, 150000.0)
    """
    if monthly_tokens < 0:
        raise ValueError(f"monthly_tokens must be >= 0, got {monthly_tokens!r}")
    return usd_per_mtok * (monthly_tokens / 1e6)


def price_table(pricing: pd.DataFrame, input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
                monthly_tokens: float | None = None) -> pd.DataFrame:
    """The price table with each basis, the multiple of the cheapest output price and the bill.

    ``monthly_bill_usd`` prices ``monthly_tokens`` on the output basis (the article's
    example); ``monthly_bill_blended_usd`` prices the same volume on the blended basis.

    >>> from analysis.data import load_pricing
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


def styled_price_table(table: pd.DataFrame):
    """The price table formatted for people: dollars, multiples, ``n/a`` for unknown, no index.

    >>> from analysis.data import load_pricing
    >>> html = styled_price_table(price_table(load_pricing(), monthly_tokens=1e9)).to_html()
    >>> "$0.25" in html and "60×" in html and "n/a" in html
    True
    """
    usd_cols = [c for c in table.columns if c.endswith("usd_per_mtok")]
    bill_cols = [c for c in table.columns if c.startswith("monthly_bill")]
    ratio = table.attrs.get("input_output_ratio", DEFAULT_INPUT_OUTPUT_RATIO)
    rename = {
        "input_usd_per_mtok": "input $/M tokens",
        "output_usd_per_mtok": "output $/M tokens",
        "blended_usd_per_mtok": f"blended $/M ({ratio:g}:1 in:out)",
        "output_multiple": "× cheapest output",
        "monthly_bill_usd": "monthly bill (output)",
        "monthly_bill_blended_usd": "monthly bill (blended)",
    }
    fmt = {c: format_price for c in usd_cols}
    fmt.update({c: format_usd for c in bill_cols})
    fmt["output_multiple"] = format_multiple
    shown = table.rename(columns=rename)
    return shown.style.format({rename.get(k, k): v for k, v in fmt.items() if rename.get(k, k) in shown},
                              na_rep="n/a").hide(axis="index")


#: The article's example: 10 billion output tokens a month on these two models.
ARTICLE_EXAMPLE_TOKENS = 10e9
ARTICLE_EXAMPLE_MODELS = ("DeepSeek V4 Flash", "Claude 3.5 Sonnet")


def results(table: pd.DataFrame) -> dict:
    """Notebook 01's results.json entries, by name (see the README), from :func:`price_table`.

    >>> from analysis.data import load_pricing
    >>> r = results(price_table(load_pricing(), monthly_tokens=10e9))
    >>> r["cheapest_output"], r["article_example_10b_output_tokens_usd"]
    ({'models': ['DeepSeek Coder', 'DeepSeek V4 Flash'], 'usd_per_mtok': 0.25}, {'DeepSeek V4 Flash': 2500.0, 'Claude 3.5 Sonnet': 150000.0})
    """
    known = table.dropna(subset=["output_usd_per_mtok"])
    cheapest = known.output_usd_per_mtok.min()
    price = table.set_index("model").output_usd_per_mtok
    return {
        "input_output_ratio": table.attrs.get("input_output_ratio"),
        "monthly_tokens": table.attrs.get("monthly_tokens"),
        "cheapest_output": {"models": known.loc[known.output_usd_per_mtok == cheapest, "model"].tolist(),
                            "usd_per_mtok": float(cheapest)},
        "output_multiple": dict(zip(table.model, table.output_multiple)),
        "output_multiple_formatted": {m: format_multiple(x) for m, x in zip(table.model, table.output_multiple)},
        "blended_usd_per_mtok": dict(zip(table.model, table.blended_usd_per_mtok)),
        "monthly_bill_usd": dict(zip(table.model, table.monthly_bill_usd)),
        "article_example_10b_output_tokens_usd": {m: float(monthly_bill_usd(price[m], ARTICLE_EXAMPLE_TOKENS))
                                                  for m in ARTICLE_EXAMPLE_MODELS if m in price.index},
        "price_table": table,
    }


def findings(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Notebook 01's headline findings as ``(text, kind)``, from :func:`price_table`.

    >>> from analysis.data import load_pricing
    >>> print(findings(price_table(load_pricing(), monthly_tokens=10e9))[1][0])
    The article's example, reproduced: 10 billion output tokens a month cost $2,500 on DeepSeek V4 Flash and $150,000 on Claude 3.5 Sonnet.
    """
    r = results(table)
    known = table.dropna(subset=["output_usd_per_mtok"])
    cheapest, dearest = known.iloc[0], known.iloc[-1]
    ties, example = r["cheapest_output"]["models"], r["article_example_10b_output_tokens_usd"]
    out = [(f"Cheapest output price: {', '.join(ties)} at {format_usd(cheapest.output_usd_per_mtok)} per million "
            f"tokens; the dearest, {dearest.model}, costs {format_multiple(dearest.output_multiple)} as much "
            f"(computed from the published prices).", "computed")]
    if len(example) == len(ARTICLE_EXAMPLE_MODELS):
        a, b = ARTICLE_EXAMPLE_MODELS
        out.append((f"The article's example, reproduced: 10 billion output tokens a month cost "
                    f"{format_usd(example[a])} on {a} and {format_usd(example[b])} on {b}.", "computed"))
    out.append((f"At {r['monthly_tokens']:,.0f} output tokens a month (a parameter), the bill runs from "
                f"{format_usd(cheapest.monthly_bill_usd)} ({cheapest.model}) to "
                f"{format_usd(dearest.monthly_bill_usd)} ({dearest.model}).", "computed"))
    unknown_input = table.loc[table.input_usd_per_mtok.isna(), "model"].tolist()
    if unknown_input:
        out.append((f"Input price unknown in the source for {', '.join(unknown_input)}: no blended price for them.",
                    "as published"))
    return out

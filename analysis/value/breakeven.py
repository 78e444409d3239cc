"""Break-even points: the volume, the cost of a wrong answer, and the self-hosting volume at which two options cost the same.

Every break-even function returns a :class:`BreakEven`: a positive, finite ``value`` with a
``reason`` saying what it means, or ``value=None`` with a ``reason``: *never* (no crossing, and why)
or *unknown* (``unknown=True``: a figure it needs is missing, so nobody knows). It never returns
``inf``, ``NaN``, 0 or a negative number, and never calls an unknown *never*.

>>> be = volume_break_even(10.00, 0.25, fixed_a_usd=0, fixed_b_usd=2000, name_a="GPT-4o",
...                        name_b="DeepSeek V4 Flash")
>>> round(be.value / 1e6, 1), be.never
(205.1, False)
>>> volume_break_even(1.0, 1.0, 0, 0).reason
'A and B cost the same at every volume'

Costs are in USD; token volumes are tokens a month; prices are USD per million tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.tables import ParameterError
from analysis.formatting import format_tokens, format_usd

#: Hours in an average month (8,760 / 12), for GPU rental by the hour.
HOURS_PER_MONTH = 730.0

TOKENS_PER_MTOK = 1e6


@dataclass(frozen=True)
class BreakEven:
    """A break-even answer: ``value`` (finite, > 0) with its ``unit``; or ``None``, either *never* (the two
    options do not cross) or *unknown* (``unknown=True``: a price, cost or score it needs is missing, so
    whether they cross is not known); always a ``reason``.

    >>> b = BreakEven(None, "B is cheaper at every volume")
    >>> BreakEven(2.5e8, "above it B is cheaper").never, b.never, b.unknown, b.as_dict()["value"]
    (False, True, False, None)

    Unknown is not *never*: results.json records ``never`` as ``None`` (not known), never ``True``.

    >>> u = BreakEven(None, "the price of Qwen3-32B is unknown", unknown=True)
    >>> u.never, u.found, u.as_dict()["never"], u.as_dict()["unknown"]
    (False, False, None, True)
    >>> BreakEven(-1.0, "x")
    Traceback (most recent call last):
    ...
    ValueError: a break-even value must be finite and > 0, or None for never; got -1.0
    """

    value: float | None
    reason: str
    unit: str = ""
    unknown: bool = False

    def __post_init__(self):
        if self.value is not None:
            v = float(self.value)
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"a break-even value must be finite and > 0, or None for never; got {self.value!r}")
            if self.unknown:
                raise ValueError("a break-even with a value is not unknown")
            object.__setattr__(self, "value", v)

    @property
    def found(self) -> bool:  # there is a break-even (``value`` is a number)
        return self.value is not None

    @property
    def never(self) -> bool:  # the two options are known never to cross (False when they do, or unknown)
        return self.value is None and not self.unknown

    def as_dict(self) -> dict:
        """Plain values for results.json (``never`` is ``None`` when it is unknown)."""
        return {"value": self.value, "unit": self.unit, "never": None if self.unknown else self.never,
                "unknown": self.unknown, "reason": self.reason}


def _check_nonneg(**values: float) -> None:
    bad = {k: v for k, v in values.items() if v is not None and not pd.isna(v) and (v < 0 or math.isinf(v))}
    if bad:
        raise ValueError("expected finite numbers >= 0 (NaN for unknown): "
                         + ", ".join(f"{k}={v!r}" for k, v in bad.items()))


def _unknown(**values: float) -> list[str]:
    return [k for k, v in values.items() if v is None or pd.isna(v)]


def _unknown_reason(unknown: list[str]) -> str:
    """``the price of A is unknown``, ``the price of A and the price of B are unknown``."""
    return f"{' and '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} unknown"


# --------------------------------------------------------------------------- volume


def monthly_cost_usd(volume_tokens, usd_per_mtok: float, fixed_usd: float = 0.0):
    """Total monthly cost: the fixed cost plus ``volume_tokens`` at ``usd_per_mtok``.

    >>> monthly_cost_usd(1e9, 0.25, 2000)
    2250.0
    """
    cost = fixed_usd + np.asarray(volume_tokens, dtype=float) * usd_per_mtok / TOKENS_PER_MTOK
    return cost if np.ndim(volume_tokens) else float(cost)


def volume_break_even(usd_per_mtok_a: float, usd_per_mtok_b: float, fixed_a_usd: float = 0.0,
                      fixed_b_usd: float = 0.0, name_a: str = "A", name_b: str = "B") -> BreakEven:
    """The monthly token volume at which A's and B's total monthly costs are equal.

    Each option costs its fixed monthly amount (migration work, a gateway fee, reserved
    capacity) plus its per-token price. Above the break-even, the option with the lower
    per-token price is cheaper; below it, the one with the lower fixed cost.

    >>> round(volume_break_even(10.0, 0.25, 0, 2000).value)   # 2000 / (9.75 per million)
    205128205

    Unknown (not never) when a price or fixed cost is unknown. "Never" cases: the same per-token price (the fixed
    costs decide at every volume); the same fixed cost (the cheaper per-token price wins
    at every volume above zero: a break-even at zero volume is no break-even); one option
    both cheaper per token and no dearer fixed (it wins at every volume).

    >>> volume_break_even(0.25, 10.0, 0, 2000).reason
    'A is cheaper at every volume: lower per-token price and no higher fixed cost'
    """
    _check_nonneg(usd_per_mtok_a=usd_per_mtok_a, usd_per_mtok_b=usd_per_mtok_b, fixed_a_usd=fixed_a_usd,
                  fixed_b_usd=fixed_b_usd)
    unit = "tokens per month"
    unknown = _unknown(**{f"the price of {name_a}": usd_per_mtok_a, f"the price of {name_b}": usd_per_mtok_b,
                          f"the fixed cost of {name_a}": fixed_a_usd, f"the fixed cost of {name_b}": fixed_b_usd})
    if unknown:
        return BreakEven(None, _unknown_reason(unknown), unit, unknown=True)
    d_price = usd_per_mtok_a - usd_per_mtok_b
    d_fixed = fixed_b_usd - fixed_a_usd
    # a difference in the 12th significant digit is rounding, not a price or a cost
    if abs(d_price) <= 1e-12 * max(usd_per_mtok_a, usd_per_mtok_b):
        d_price = 0.0
    if abs(d_fixed) <= 1e-12 * max(fixed_a_usd, fixed_b_usd):
        d_fixed = 0.0
    if d_price == 0:
        if d_fixed == 0:
            return BreakEven(None, f"{name_a} and {name_b} cost the same at every volume", unit)
        cheaper = name_a if d_fixed > 0 else name_b
        return BreakEven(None, f"same per-token price: {cheaper} is cheaper at every volume, by "
                               f"{format_usd(abs(d_fixed))} a month (its lower fixed cost)", unit)
    low_price, high_price = (name_b, name_a) if d_price > 0 else (name_a, name_b)
    if d_fixed == 0:
        return BreakEven(None, f"same fixed cost: {low_price} is cheaper at every volume above zero "
                               f"(lower per-token price)", unit)
    volume = d_fixed * TOKENS_PER_MTOK / d_price
    if 0 <= volume < 1:  # under one token a month: the lower price wins at every real volume
        return BreakEven(None, f"{low_price} is cheaper at every volume of one token a month or more "
                               f"(the costs cross below one token)", unit)
    if volume < 0:
        return BreakEven(None, f"{low_price} is cheaper at every volume: lower per-token price and no higher "
                               f"fixed cost", unit)
    if not math.isfinite(volume):
        return BreakEven(None, "the prices are too close for a crossing at any representable volume", unit)
    return BreakEven(volume, f"above {format_tokens(volume)} tokens a month {low_price} is cheaper "
                             f"(lower per-token price); below it {high_price} (lower fixed cost)", unit)


# --------------------------------------------------------------------------- quality


def task_cost_usd(input_usd_per_mtok: float, output_usd_per_mtok: float, input_tokens: float,
                  output_tokens: float) -> float:
    """The token cost of one task; NaN when a price the task needs is unknown.

    >>> task_cost_usd(2.50, 10.00, 1500, 500)      # GPT-4o
    0.00875
    >>> task_cost_usd(float("nan"), 2.34, 0, 500)  # no input tokens: the input price is not needed
    0.00117
    """
    _check_nonneg(input_tokens=input_tokens, output_tokens=output_tokens)
    cost = 0.0
    for price, tokens in ((input_usd_per_mtok, input_tokens), (output_usd_per_mtok, output_tokens)):
        if tokens == 0:
            continue
        if price is None or pd.isna(price):
            return math.nan
        cost += float(price) * tokens / TOKENS_PER_MTOK
    return cost


def cost_per_task_usd(token_cost_usd: float, success_rate: float, failure_cost_usd):
    """Expected cost of one task: its tokens plus the chance of a wrong answer times what one costs.

    >>> round(cost_per_task_usd(0.00875, 0.887, 1.0), 5)
    0.12175
    """
    cost = token_cost_usd + (1 - success_rate) * np.asarray(failure_cost_usd, dtype=float)
    return cost if np.ndim(failure_cost_usd) else float(cost)


def quality_break_even(cost_a_usd: float, success_a: float, cost_b_usd: float, success_b: float,
                       name_a: str = "A", name_b: str = "B") -> BreakEven:
    """The cost of one wrong answer above which the pricier, more accurate model is cheaper per task.

    A task costs its tokens plus ``(1 - success rate) × failure cost``; the success rates
    are fractions (a benchmark score of 88.7 is 0.887). The lines cross at
    ``(cost_dear - cost_cheap) / (success_dear - success_cheap)``.

    >>> round(quality_break_even(0.00875, 0.887, 0.000395, 0.855, "GPT-4o", "DeepSeek V4 Flash").value, 4)
    0.2611

    Unknown (not never) when a cost or rate is unknown. "Never" cases: the cheaper model is at least as accurate (it is
    cheaper per task at every failure cost); the same token cost (the more accurate one is
    cheaper at any failure cost above zero); the same cost and the same accuracy.

    >>> quality_break_even(0.001, 0.9, 0.01, 0.8, "A", "B").reason
    'the cheaper model, A, is also at least as accurate: it is cheaper per task at every failure cost'
    """
    unknown = _unknown(**{f"the token cost of {name_a}": cost_a_usd, f"the success rate of {name_a}": success_a,
                          f"the token cost of {name_b}": cost_b_usd, f"the success rate of {name_b}": success_b})
    unit = "USD per wrong answer"
    if unknown:
        return BreakEven(None, _unknown_reason(unknown), unit, unknown=True)
    _check_nonneg(cost_a_usd=cost_a_usd, cost_b_usd=cost_b_usd)
    for name, rate in ((name_a, success_a), (name_b, success_b)):
        if not 0 <= rate <= 1:
            raise ValueError(f"the success rate of {name} must be a fraction from 0 to 1, got {rate!r} "
                             f"(divide a benchmark score by 100)")
    if cost_a_usd == cost_b_usd:
        if success_a == success_b:
            return BreakEven(None, f"{name_a} and {name_b} cost the same per task at every failure cost", unit)
        better = name_a if success_a > success_b else name_b
        return BreakEven(None, f"same token cost: {better} (more accurate) is cheaper per task at any failure "
                               f"cost above zero", unit)
    (dear, c_dear, s_dear), (cheap, c_cheap, s_cheap) = sorted(
        [(name_a, cost_a_usd, success_a), (name_b, cost_b_usd, success_b)], key=lambda t: -t[1])
    wrong_dear, wrong_cheap = 1 - s_dear, 1 - s_cheap  # share of wrong answers, as cost_per_task_usd uses it
    if wrong_dear >= wrong_cheap:
        return BreakEven(None, f"the cheaper model, {cheap}, is also at least as accurate: it is cheaper per task "
                               f"at every failure cost", unit)
    value = (c_dear - c_cheap) / (wrong_cheap - wrong_dear)
    if not math.isfinite(value) or value <= 0:
        return BreakEven(None, "the accuracy difference is too small for a crossing at any representable cost",
                         unit)
    return BreakEven(value, f"when a wrong answer costs more than {format_usd(value, 4 if value < 1 else 2)}, "
                            f"{dear} (pricier, more accurate) is cheaper per task than {cheap}", unit)


def model_task_figures(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, model: str,
                       input_tokens: float, output_tokens: float) -> dict:
    """A model's token cost per task, success rate (score / 100) and why either is unknown.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> f = model_task_figures(load_pricing(), load_benchmarks(), "mmlu", "GPT-4o", 1500, 500)
    >>> f["cost_usd"], f["success_rate"]
    (0.00875, 0.887)
    >>> model_task_figures(load_pricing(), load_benchmarks(), "mmlu", "GPT-4o-mini", 1500, 500)["unknown"]
    'no mmlu score for GPT-4o-mini in the data'
    """
    price = pricing.set_index("model")
    if model not in price.index:
        raise KeyError(f"no model {model!r} in the pricing table; it has: {', '.join(price.index)}")
    scores = benchmarks[(benchmarks["benchmark"] == benchmark) & (benchmarks["model"] == model)]["score"]
    cost = task_cost_usd(price.loc[model, "input_usd_per_mtok"], price.loc[model, "output_usd_per_mtok"],
                         input_tokens, output_tokens)
    success = float(scores.iloc[0]) / 100 if len(scores) else math.nan
    unknown = []
    if math.isnan(cost):
        missing = [side for side, p, t in (("input", price.loc[model, "input_usd_per_mtok"], input_tokens),
                                           ("output", price.loc[model, "output_usd_per_mtok"], output_tokens))
                   if t > 0 and pd.isna(p)]
        unknown.append(f"the {' and '.join(missing)} price of {model} {'is' if len(missing) == 1 else 'are'} "
                       f"unknown (the task has {' and '.join(missing)} tokens)")
    if math.isnan(success):
        unknown.append(f"no {benchmark} score for {model} in the data")
    return {"model": model, "cost_usd": cost, "success_rate": success, "unknown": "; ".join(unknown) or None}


def quality_break_even_models(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str, model_a: str,
                              model_b: str, input_tokens: float, output_tokens: float) -> BreakEven:
    """:func:`quality_break_even` for two models of the data, the benchmark score as the success rate.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> be = quality_break_even_models(load_pricing(), load_benchmarks(), "mmlu", "GPT-4o", "DeepSeek V4 Flash",
    ...                                1500, 500)
    >>> round(be.value, 4)
    0.2611
    >>> quality_break_even_models(load_pricing(), load_benchmarks(), "mmlu", "GPT-4o", "GPT-4o-mini", 1500, 500).reason
    'no mmlu score for GPT-4o-mini in the data'
    """
    a = model_task_figures(pricing, benchmarks, benchmark, model_a, input_tokens, output_tokens)
    b = model_task_figures(pricing, benchmarks, benchmark, model_b, input_tokens, output_tokens)
    if a["unknown"] or b["unknown"]:
        return BreakEven(None, "; ".join(x for x in (a["unknown"], b["unknown"]) if x), "USD per wrong answer",
                         unknown=True)
    return quality_break_even(a["cost_usd"], a["success_rate"], b["cost_usd"], b["success_rate"], model_a, model_b)


def quality_break_even_matrix(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str,
                              input_tokens: float, output_tokens: float) -> pd.DataFrame:
    """The quality break-even of every pair of models scored on ``benchmark``, one row per pair.

    Rows: ``cheaper`` and ``dearer`` model (by cost per task), ``failure_cost_usd`` (NaN when
    not found), ``never`` (they are known never to cross), ``unknown`` (a price or score is missing: not
    known, so not *never*) and ``reason``.
    Models whose task cost is unknown are paired too, with the reason. Ordered by the
    cheaper model's cost per task.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> m = quality_break_even_matrix(load_pricing(), load_benchmarks(), "mmlu", 1500, 500)
    >>> len(m), int(m.never.sum()), int(m.unknown.sum())   # unknown: Qwen3.5-397B, whose input price is unknown
    (15, 0, 5)
    >>> row = m[(m.cheaper == "DeepSeek V4 Flash") & (m.dearer == "GPT-4o")].iloc[0]
    >>> round(row.failure_cost_usd, 4)
    np.float64(0.2611)
    """
    priced = set(pricing["model"])  # a scored model absent from the user's pricing file takes no part
    models = [m for m in benchmarks.loc[benchmarks["benchmark"] == benchmark, "model"] if m in priced]
    figs = {m: model_task_figures(pricing, benchmarks, benchmark, m, input_tokens, output_tokens) for m in models}
    order = sorted(models, key=lambda m: (math.isnan(figs[m]["cost_usd"]), figs[m]["cost_usd"], m))
    rows = []
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            unknown = bool(figs[a]["unknown"] or figs[b]["unknown"])
            if unknown:
                be = BreakEven(None, "; ".join(x for x in (figs[a]["unknown"], figs[b]["unknown"]) if x),
                               unknown=True)
            else:
                be = quality_break_even(figs[a]["cost_usd"], figs[a]["success_rate"], figs[b]["cost_usd"],
                                        figs[b]["success_rate"], a, b)
            rows.append({"benchmark": benchmark, "cheaper": a, "dearer": b,
                         "cheaper_cost_usd": figs[a]["cost_usd"], "dearer_cost_usd": figs[b]["cost_usd"],
                         "cheaper_success_rate": figs[a]["success_rate"],
                         "dearer_success_rate": figs[b]["success_rate"],
                         "failure_cost_usd": be.value if be.found else np.nan, "never": be.never,
                         "unknown": unknown, "reason": be.reason})
    out = pd.DataFrame(rows)
    out.attrs.update(benchmark=benchmark, input_tokens=input_tokens, output_tokens=output_tokens, order=order,
                     **{k: pricing.attrs[k] for k in ("meta", "source_file") if k in pricing.attrs})  # its prices' source
    return out


# --------------------------------------------------------------------------- self-hosting


@dataclass(frozen=True)
class GpuAssumptions:
    """What one self-hosted GPU costs and serves: user-supplied assumptions, not data.

    >>> g = GpuAssumptions(usd_per_hour=2.5, tok_per_s=1000, utilisation=0.5)
    >>> g.usd_per_month, g.tokens_per_month, round(g.usd_per_mtok, 3)
    (1825.0, 1314000000.0, 1.389)
    """

    usd_per_hour: float
    tok_per_s: float
    utilisation: float
    fixed_usd_per_month: float = 0.0

    def __post_init__(self):
        _check_nonneg(usd_per_hour=self.usd_per_hour, tok_per_s=self.tok_per_s,
                      fixed_usd_per_month=self.fixed_usd_per_month)
        if not 0 < self.utilisation <= 1:
            raise ParameterError(f"GPU utilisation must be a fraction above 0 and at most 1, got {self.utilisation!r}")

    @property
    def usd_per_month(self) -> float:
        """One GPU rented for the whole month."""
        return self.usd_per_hour * HOURS_PER_MONTH

    @property
    def tokens_per_month(self) -> float:
        """Tokens one GPU serves in a month at the sustained rate and utilisation."""
        return self.tok_per_s * self.utilisation * 3600 * HOURS_PER_MONTH

    @property
    def usd_per_mtok(self) -> float:
        """Self-hosted cost per million tokens with every GPU fully used (fixed cost aside); inf when it serves none."""
        return self.usd_per_month / self.tokens_per_month * TOKENS_PER_MTOK if self.tokens_per_month else math.inf


def self_hosting_cost_usd(volume_tokens, gpu: GpuAssumptions):
    """Monthly cost of serving ``volume_tokens`` on whole GPUs rented for the month, plus the fixed cost.

    ``ceil(volume / tokens per GPU-month)`` GPUs: a GPU is rented for the month or not at all.

    >>> g = GpuAssumptions(2.5, 1000, 0.5)
    >>> self_hosting_cost_usd(1e9, g), self_hosting_cost_usd(2e9, g)
    (1825.0, 3650.0)
    """
    gpus = np.ceil(np.asarray(volume_tokens, dtype=float) / gpu.tokens_per_month)
    cost = gpus * gpu.usd_per_month + gpu.fixed_usd_per_month
    return cost if np.ndim(volume_tokens) else float(cost)


def self_hosting_break_even(api_usd_per_mtok: float, gpu: GpuAssumptions, name: str = "the API",
                            open_weights: bool | None = True) -> BreakEven:
    """The monthly volume above which self-hosting is always cheaper than the API price.

    Self-hosting rents whole GPUs by the month (:func:`self_hosting_cost_usd`): its cost
    is a staircase, the API's a straight line. With ``r`` = the API cost of one GPU's monthly
    tokens ÷ one GPU-month (plus the fixed cost ``F``), the API is dearer just above ``k``
    GPUs' capacity only once ``k ≥ (G + F) / ((r − 1) G)``; the break-even is the last
    crossing, ``((k₀ + 1) G + F) / price`` with ``k₀ = ⌈(G + F) / ((r − 1) G)⌉ − 1``.
    Below it self-hosting can still win in windows just under a GPU's capacity; above it,
    always.

    >>> g = GpuAssumptions(2.5, 1000, 0.5)          # $1.39 per million tokens with every GPU busy at 50%
    >>> be = self_hosting_break_even(10.00, g, "GPT-4o")
    >>> round(be.value / 1e6, 1), be.reason[:57]
    (182.5, 'above 182.5 million tokens a month, self-hosting on 1 GPU')

    Unknown (not never) when the API price is unknown. "Never" cases: the API price zero; a GPU serving no tokens; self-hosting
    per token, with every GPU busy at the assumed utilisation, no cheaper than the API (then the API is cheaper at every volume).

    >>> self_hosting_break_even(0.28, g, "Qwen3-32B").never
    True

    A model whose weights are closed (``open_weights`` False) cannot be self-hosted at any volume:

    >>> self_hosting_break_even(10.00, g, "GPT-4o", open_weights=False).reason
    'GPT-4o has closed weights: cannot self-host'
    """
    unit = "tokens per month"
    if open_weights is False or open_weights is np.False_:
        return BreakEven(None, f"{name} has {CLOSED_WEIGHTS}", unit)
    if api_usd_per_mtok is None or pd.isna(api_usd_per_mtok):
        return BreakEven(None, f"the price of {name} is unknown", unit, unknown=True)
    _check_nonneg(api_usd_per_mtok=api_usd_per_mtok)
    if api_usd_per_mtok == 0:
        return BreakEven(None, f"{name} costs nothing per token: self-hosting never beats it", unit)
    if gpu.tokens_per_month == 0:
        return BreakEven(None, "a GPU serving 0 tokens per second never replaces the API", unit)
    G, F, C, p = gpu.usd_per_month, gpu.fixed_usd_per_month, gpu.tokens_per_month, api_usd_per_mtok
    api_per_gpu_month = p * C / TOKENS_PER_MTOK  # what the API charges for one GPU's monthly tokens
    if G == 0:
        if F == 0:
            return BreakEven(None, "self-hosting costs nothing under these assumptions: it is cheaper at every "
                                   "volume above zero", unit)
        volume = F * TOKENS_PER_MTOK / p
        return BreakEven(volume, f"above {format_tokens(volume)} tokens a month, self-hosting (free GPUs, "
                                 f"{format_usd(F)} a month fixed) is cheaper than {name}", unit)
    r = api_per_gpu_month / G
    if r <= 1:
        return BreakEven(None, f"self-hosting costs {format_usd(gpu.usd_per_mtok, 3)} per million tokens even with "
                               f"every GPU fully used, no less than {name}'s {format_usd(p, 3)}: the API is cheaper "
                               f"at every volume", unit)
    k0 = math.ceil((G + F) / ((r - 1) * G)) - 1
    volume = ((k0 + 1) * G + F) * TOKENS_PER_MTOK / p
    gpus = k0 + 1
    return BreakEven(volume, f"above {format_tokens(volume)} tokens a month, self-hosting on {gpus} "
                             f"GPU{'s' if gpus != 1 else ''} ({format_usd(gpu.usd_per_mtok, 3)} per million tokens "
                             f"when every GPU is busy at the assumed utilisation) costs less than {name} at {format_usd(p, 3)} per million, and stays "
                             f"cheaper at any higher volume", unit)


#: What a self-hosting row says of a model whose weights are not published, or not known to be.
CLOSED_WEIGHTS = "closed weights: cannot self-host"
WEIGHTS_UNKNOWN = "open weights unknown (data gap): not computed"


def self_hosting_table(prices: pd.DataFrame, gpu: GpuAssumptions, open_weights=None) -> pd.DataFrame:
    """:func:`self_hosting_break_even` for every model of a price table (``model``, ``usd_per_mtok``) whose
    weights are published; ``open_weights`` maps a model to True, False or unknown (``model_facts.csv``).

    A model with closed weights gets no break-even but :data:`CLOSED_WEIGHTS`, one whose weights are
    not known to be published :data:`WEIGHTS_UNKNOWN` (without ``open_weights``, every model).

    >>> from analysis.data.load import load_model_facts, load_pricing
    >>> from analysis.prices.bases import price_on_basis
    >>> weights = load_model_facts().set_index("model").open_weights
    >>> t = self_hosting_table(price_on_basis(load_pricing(), "output"), GpuAssumptions(2.5, 1000, 0.5), weights)
    >>> for m in ("GPT-4o", "Qwen3-32B", "GLM-5"): print(t.set_index("model").reason[m][:62])
    closed weights: cannot self-host
    self-hosting costs $1.389 per million tokens even with every G
    above 2.85 billion tokens a month, self-hosting on 3 GPUs ($1.
    """
    weights = {} if open_weights is None else dict(open_weights)
    rows = []
    for m, p in zip(prices["model"], prices["usd_per_mtok"]):
        ow = weights.get(m)
        ow = None if ow is None or pd.isna(ow) else bool(ow)
        be = self_hosting_break_even(p, gpu, m) if ow else BreakEven(None, CLOSED_WEIGHTS if ow is False
                                                                      else WEIGHTS_UNKNOWN, unknown=ow is None)
        rows.append({"model": m, "open_weights": ow, "usd_per_mtok": p, "break_even_tokens_per_month": be.value,
                     "never": be.never, "unknown": be.unknown, "reason": be.reason})
    out = pd.DataFrame(rows, columns=["model", "open_weights", "usd_per_mtok", "break_even_tokens_per_month",
                                      "never", "unknown", "reason"])
    out["break_even_tokens_per_month"] = out["break_even_tokens_per_month"].astype(float)
    return out


# --------------------------------------------------------------------------- what notebook 04 shows and says


def check_models(pricing: pd.DataFrame, **models: str) -> None:
    """A ``ValueError`` naming every parameter whose model is missing from the pricing table, with the
    nearest names it has (a catalog has hundreds) and what to pass.

    >>> from analysis.data.load import load_pricing
    >>> check_models(load_pricing(), model_a="GPT-4o", model_b="Qwen3-32B")
    >>> check_models(load_pricing(), model_a="GPT-4o ", model_b="Grok")
    Traceback (most recent call last):
    ...
    analysis.data.tables.ParameterError: model_a: no model 'GPT-4o ' in the pricing table of 11 models (nearest: GPT-4o, GPT-4o-mini); model_b: no model 'Grok' in the pricing table of 11 models (nearest: none close): pass a model the table names, such as -p model_a GPT-4o
    """
    import difflib

    names = list(pricing.model)
    problems = []
    for param, model in models.items():
        if model not in set(names):
            near = difflib.get_close_matches(str(model), names, n=3, cutoff=0.6)
            problems.append(f"{param}: no model {model!r} in the pricing table of {len(names):,} models "
                            f"(nearest: {', '.join(near) or 'none close'})")
    if problems:
        first = next(iter(models))
        raise ParameterError("; ".join(problems) + f": pass a model the table names, such as -p {first} {names[0]}")

"""What one request costs on a tariff: the price row in force and the Decimal reference cost.

:func:`cost_usd` is the pure-Python reference for one request, in :class:`~decimal.Decimal`;
:func:`analysis.prices.tariff_costs.price_rows` is the vectorized version (DuckDB) that the tests
hold to it. Tables are in the layout of :mod:`analysis.data.tariff_tables`. A request that needs an
unknown price is set aside with a reason (:data:`SET_ASIDE_REASONS`, checked in that order), never
priced as 0.

>>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
>>> ep = endpoints_frame([dict(endpoint_key='openai/gpt-4o', input_usd_per_mtok=2.5, output_usd_per_mtok=10.0,
...     cache_read_usd_per_mtok=1.25)])
>>> cost_usd(ep, tiers_frame([]), dict(input_tokens=1_000_000, output_tokens=100_000, cache_read_tokens=500_000),
...          datetime(2026, 5, 1, 12)).cost_usd
Decimal('2.875')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.tariff_tables import TOKEN_USAGE_COLUMNS

SET_ASIDE_REASONS = (
    "usage counts missing or negative",
    "cache tokens exceed input tokens",
    "1-hour cache writes exceed cache writes",
    "reasoning tokens exceed output tokens",
    "endpoint not in catalog",
    "no price in force on that date",
    "over the model's context window",
    "no input price known",
    "no output price known",
    "no cache-read price known",
    "no cache-write price known",
    "no 1-hour cache-write price known",
    "no search price known",
)



@dataclass(frozen=True)
class Priced:
    """Result of pricing one request: ``cost_usd`` is None when set aside, and then ``set_aside_reason`` says why."""

    cost_usd: Decimal | None
    set_aside_reason: str | None
    price_row_id: int | None = None


def _dec(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return Decimal(repr(float(value))) if not isinstance(value, Decimal) else value


def _minute_weekday(ts: datetime) -> tuple[date, int, int]:
    ts = pd.Timestamp(ts)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.date(), ts.hour * 60 + ts.minute, ts.isoweekday()


def select_price_row(rows: pd.DataFrame, timestamp: datetime) -> pd.Series | None:
    """The one row of an endpoint's rows in force at ``timestamp`` (UTC), or None."""
    day, minute, weekday = _minute_weekday(timestamp)
    day64 = np.datetime64(day, "s")
    ok = (
        (rows["effective_from"].isna() | (rows["effective_from"].to_numpy() <= day64))
        & (rows["effective_to"].isna() | (rows["effective_to"].to_numpy() > day64))
        & (((rows["utc_weekday_mask"].to_numpy() >> (weekday - 1)) & 1) == 1)
        & (rows["utc_start_minute"] <= minute)
        & (rows["utc_end_minute"] > minute)
    )
    hit = rows[ok]
    return None if hit.empty else hit.iloc[0]


def _tiered_cost(
    base: Decimal | None, tiers: list[tuple[int, Decimal, str]], qty: int, total_input: int
) -> Decimal | None:
    """Cost in USD of ``qty`` tokens at ``base`` USD/MTok with long-context tiers (threshold, price, rule)."""
    if qty == 0:
        return Decimal(0)
    if not tiers:
        return None if base is None else base * qty / 1_000_000
    tiers = sorted(tiers)
    if tiers[0][2] == "whole_request":
        price = base
        for threshold, tier_price, _ in tiers:
            if total_input > threshold:
                price = tier_price
        return None if price is None else price * qty / 1_000_000
    # excess: tokens of this kind beyond each threshold pay that tier's price
    bounds = [0] + [t for t, _, _ in tiers] + [None]
    prices = [base] + [p for _, p, _ in tiers]
    total = Decimal(0)
    for lo, hi, price in zip(bounds[:-1], bounds[1:], prices, strict=True):
        part = max(0, (qty if hi is None else min(qty, hi)) - lo)
        if part:
            if price is None:
                return None
            total += price * part / 1_000_000
    return total


def cost_usd(
    rows: pd.DataFrame, tiers: pd.DataFrame, usage: Mapping[str, Any], timestamp: datetime
) -> Priced:
    """Reference cost of one request on one endpoint's tariff rows (all periods/windows of one endpoint and tier).

    >>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
    >>> ep = endpoints_frame([dict(endpoint_key='a/m', input_usd_per_mtok=3.0, output_usd_per_mtok=15.0)])
    >>> tiers = tiers_frame([dict(price_row_id=0, price_column='input_usd_per_mtok', threshold_input_tokens=200_000,
    ...     usd_per_mtok=6.0, rule='whole_request')])
    >>> cost_usd(ep, tiers, dict(input_tokens=300_000, output_tokens=1000), datetime(2026, 1, 1)).cost_usd
    Decimal('1.815')
    """
    u = {c: usage.get(c, 0) for c in TOKEN_USAGE_COLUMNS}
    if any(v is None or (isinstance(v, float) and math.isnan(v)) or v < 0 for v in u.values()):
        return Priced(None, "usage counts missing or negative")
    u = {k: int(v) for k, v in u.items()}
    if u["cache_read_tokens"] + u["cache_write_tokens"] > u["input_tokens"]:
        return Priced(None, "cache tokens exceed input tokens")
    if u["cache_write_1h_tokens"] > u["cache_write_tokens"]:
        return Priced(None, "1-hour cache writes exceed cache writes")
    if u["reasoning_tokens"] > u["output_tokens"]:
        return Priced(None, "reasoning tokens exceed output tokens")
    if rows.empty:
        return Priced(None, "endpoint not in catalog")
    row = select_price_row(rows, timestamp)
    if row is None:
        return Priced(None, "no price in force on that date")
    rid = int(row["price_row_id"])
    cw = _dec(row["context_window_tokens"])
    if cw is not None and u["input_tokens"] > cw:
        return Priced(None, "over the model's context window", rid)
    mine = tiers[tiers["price_row_id"] == rid]

    def tier_list(col: str) -> list[tuple[int, Decimal, str]]:
        sub = mine[mine["price_column"] == col]
        return [
            (int(t), _dec(p), r)
            for t, p, r in zip(sub["threshold_input_tokens"], sub["usd_per_mtok"], sub["rule"], strict=True)
        ]

    reasoning_price_known = _dec(row["reasoning_usd_per_mtok"]) is not None or bool(
        len(tier_list("reasoning_usd_per_mtok"))
    )
    reasoning = u["reasoning_tokens"] if reasoning_price_known else 0
    parts = [
        (
            "input_usd_per_mtok",
            u["input_tokens"] - u["cache_read_tokens"] - u["cache_write_tokens"],
            "no input price known",
        ),
        ("cache_read_usd_per_mtok", u["cache_read_tokens"], "no cache-read price known"),
        (
            "cache_write_5m_usd_per_mtok",
            u["cache_write_tokens"] - u["cache_write_1h_tokens"],
            "no cache-write price known",
        ),
        ("cache_write_1h_usd_per_mtok", u["cache_write_1h_tokens"], "no 1-hour cache-write price known"),
        ("output_usd_per_mtok", u["output_tokens"] - reasoning, "no output price known"),
        ("reasoning_usd_per_mtok", reasoning, "no output price known"),
    ]
    total = Decimal(0)
    for col, qty, reason in parts:
        part = _tiered_cost(_dec(row[col]), tier_list(col), qty, u["input_tokens"])
        if part is None:
            return Priced(None, reason, rid)
        total += part
    per_request = _dec(row["per_request_usd"])
    if per_request is not None:
        total += per_request
    if u["searches"]:
        per_search = _dec(row["per_search_usd"])
        if per_search is None:
            return Priced(None, "no search price known", rid)
        total += per_search * u["searches"]
    return Priced(total, None, rid)


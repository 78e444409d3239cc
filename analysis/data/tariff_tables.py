"""The tariff tables' layout: one row per endpoint x price period x daily UTC time window, plus tiers.

This is the shape every catalog source (:mod:`analysis.data.catalogs`) returns and
:mod:`analysis.prices.tariff_costs` prices. The rows of one endpoint, service tier and price period
*partition* the UTC week (``utc_weekday_mask`` x ``[utc_start_minute, utc_end_minute)``), so a usage
row matches exactly one price row, or none ("no price in force on that date").

Prices are USD per million tokens (``_usd_per_mtok``) or USD per event (``_usd``). NaN means
*unknown*, never zero. Usage rows (:data:`USAGE_COLUMNS`) follow genai-prices' convention:
``input_tokens`` counts every input token, cache reads and writes included; ``output_tokens``
counts reasoning tokens too.

>>> ep = endpoints_frame([dict(endpoint_key='openai/gpt-4o', canonical_model_id='gpt-4o', provider='openai',
...     input_usd_per_mtok=2.5, output_usd_per_mtok=10.0)])
>>> ep.loc[0, ['service_tier', 'time_window']].tolist(), int(ep.loc[0, 'utc_weekday_mask'])
(['standard', 'all day'], 127)
>>> validate_tables({'endpoints': ep, 'tiers': tiers_frame([])})
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

PRICE_COLUMNS: dict[str, str] = {
    "input_usd_per_mtok": "uncached input tokens, USD per million",
    "output_usd_per_mtok": "output tokens (reasoning included unless reasoning_usd_per_mtok is set), USD per million",
    "cache_read_usd_per_mtok": "input tokens read from the prompt cache, USD per million; NaN = unknown",
    "cache_write_5m_usd_per_mtok": "input tokens written to the cache with the provider's default TTL "
    "(5 minutes where TTLs differ), USD per million; NaN = unknown",
    "cache_write_1h_usd_per_mtok": "input tokens written to the cache with a 1-hour TTL, USD per million; NaN = unknown",
    "reasoning_usd_per_mtok": "reasoning tokens where billed differently from output, USD per million; "
    "NaN = billed as output tokens (both catalogs' convention)",
}
FEE_COLUMNS: dict[str, str] = {
    "per_request_usd": "fee per request, USD; NaN = the catalog lists no such fee (priced as none)",
    "per_search_usd": "fee per web search, USD; NaN = unknown (a row with searches is set aside)",
}
ENDPOINT_COLUMNS: dict[str, str] = {
    "price_row_id": "int64, unique id of this row (tiers refer to it)",
    "endpoint_key": "provider/api model id[@region], e.g. 'azure/eu/gpt-4o-2024-08-06', 'openai/gpt-4o'",
    "service_tier": "standard | batch | flex | priority | fast | ... (as the catalog names it)",
    "canonical_model_id": "identity.canonical_model_id() of the API id, e.g. 'gpt-4o'",
    "api_model_id": "the model id as sent to the provider's API",
    "provider": "provider id as the catalog spells it (openai, azure, bedrock, deepseek, ...)",
    "region": "region or data zone ('eu', 'us', 'us-east-1', ...); '' = global or not stated",
    "first_party": "boolean: the provider is the model maker's own API (identity.is_first_party); NA = unknown",
    "source": "catalog source name ('article', 'litellm', 'genai-prices')",
    "source_key": "the entry's key in that catalog (LiteLLM key, or genai-prices provider/model id)",
    "effective_from": "date (UTC) from which this price is in force, inclusive; NaT = since the catalog's start",
    "effective_to": "date (UTC) until which it is in force, exclusive; NaT = still in force",
    "utc_weekday_mask": "int, bit (d-1) set for ISO weekday d (Mon=1..Sun=7) the row applies to; 127 = every day",
    "utc_start_minute": "int 0..1439, first UTC minute of the day the row applies to (inclusive)",
    "utc_end_minute": "int 1..1440, end UTC minute of the day (exclusive)",
    "time_window": "'all day' or a label of the daily window, e.g. 'Mon-Fri 01:00-04:00'",
    **PRICE_COLUMNS,
    **FEE_COLUMNS,
    "context_window_tokens": "max input tokens per request; NaN = unknown (not checked)",
    "currency": "always 'USD'",
}
TIER_COLUMNS: dict[str, str] = {
    "price_row_id": "the endpoints row the tier belongs to",
    "price_column": "which price it replaces, one of PRICE_COLUMNS",
    "threshold_input_tokens": "int, the tier applies when the request's total input tokens exceed this",
    "usd_per_mtok": "price in the tier, USD per million tokens",
    "rule": "'whole_request': every token of that kind is billed at the tier price once the request is above "
    "the threshold; 'excess': only the tokens of that kind beyond the threshold are",
}
USAGE_COLUMNS: dict[str, str] = {
    "endpoint_key": "required, matches endpoints.endpoint_key",
    "timestamp": "required, UTC (naive = UTC); chooses the price period, weekday and minute of day",
    "service_tier": "optional, default 'standard'",
    "input_tokens": "all input tokens, cache reads and writes included",
    "output_tokens": "all output tokens, reasoning included",
    "cache_read_tokens": "optional, default 0",
    "cache_write_tokens": "optional, default 0; all cache writes, 1-hour writes included",
    "cache_write_1h_tokens": "optional, default 0; the 1-hour-TTL part of cache_write_tokens",
    "reasoning_tokens": "optional, default 0; part of output_tokens",
    "searches": "optional, default 0; web searches billed per search",
}
TOKEN_USAGE_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "reasoning_tokens",
    "searches",
)
TIER_RULES = ("whole_request", "excess")
ALL_DAY_MASK = 127

def endpoints_frame(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Build an ``endpoints`` table from dicts, filling defaults (all day, standard tier, unknown prices).

    >>> bool(np.isnan(endpoints_frame([dict(endpoint_key='o/m', input_usd_per_mtok=2.5)]).loc[0, 'output_usd_per_mtok']))
    True
    """
    defaults: dict[str, Any] = {
        "service_tier": "standard",
        "region": "",
        "first_party": pd.NA,
        "source": "",
        "source_key": "",
        "canonical_model_id": "",
        "api_model_id": "",
        "provider": "",
        "effective_from": pd.NaT,
        "effective_to": pd.NaT,
        "utc_weekday_mask": ALL_DAY_MASK,
        "utc_start_minute": 0,
        "utc_end_minute": 1440,
        "time_window": "all day",
        "context_window_tokens": np.nan,
        "currency": "USD",
        **{c: np.nan for c in (*PRICE_COLUMNS, *FEE_COLUMNS)},
    }
    records = [{**defaults, **row} for row in rows]
    extra = sorted({k for r in rows for k in r} - set(ENDPOINT_COLUMNS))
    columns = [c for c in ENDPOINT_COLUMNS if c != "price_row_id"] + extra
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.insert(0, "price_row_id", np.arange(len(frame), dtype="int64"))
    return _typed_endpoints(frame)


def _typed_endpoints(frame: pd.DataFrame) -> pd.DataFrame:
    for col in (*PRICE_COLUMNS, *FEE_COLUMNS, "context_window_tokens"):
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    for col in ("effective_from", "effective_to"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    for col in ("utc_weekday_mask", "utc_start_minute", "utc_end_minute", "price_row_id"):
        frame[col] = frame[col].astype("int64")
    frame["first_party"] = frame["first_party"].astype("boolean")
    return frame


def tiers_frame(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a ``tiers`` table from dicts.

    >>> tiers_frame([dict(price_row_id=0, price_column='input_usd_per_mtok', threshold_input_tokens=200_000,
    ...     usd_per_mtok=6.0, rule='whole_request')]).shape
    (1, 5)
    """
    frame = pd.DataFrame.from_records(list(rows), columns=list(TIER_COLUMNS))
    return frame.astype(
        {
            "price_row_id": "int64",
            "price_column": "object",
            "threshold_input_tokens": "int64",
            "usd_per_mtok": "float64",
            "rule": "object",
        }
    )


def renumber(
    endpoints: pd.DataFrame, tiers: pd.DataFrame, start: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give ``endpoints`` fresh ``price_row_id`` s from ``start`` and remap ``tiers`` (to concatenate catalogs)."""
    mapping = dict(zip(endpoints["price_row_id"], range(start, start + len(endpoints)), strict=True))
    endpoints = endpoints.assign(price_row_id=np.arange(start, start + len(endpoints), dtype="int64"))
    tiers = tiers.assign(price_row_id=tiers["price_row_id"].map(mapping).astype("int64"))
    return endpoints, tiers


def validate_tables(tables: Mapping[str, pd.DataFrame], name: str = "tables") -> list[str]:
    """Every problem in the tables at once, as messages naming table, row id, column, value and expectation.

    >>> ep = endpoints_frame([dict(endpoint_key='x/y', input_usd_per_mtok=-1.0)])
    >>> validate_tables({'endpoints': ep, 'tiers': tiers_frame([])})
    ["tables: endpoints price_row_id=0 endpoint_key='x/y' column input_usd_per_mtok: value -1.0, expected >= 0 or NaN"]
    """
    problems: list[str] = []
    ep, tiers = tables["endpoints"], tables["tiers"]
    missing = [c for c in ENDPOINT_COLUMNS if c not in ep.columns]
    if missing:
        return [f"{name}: endpoints: missing columns {missing}, expected all of {list(ENDPOINT_COLUMNS)}"]
    for col in (*PRICE_COLUMNS, *FEE_COLUMNS):
        bad = ep[ep[col] < 0]
        for row in bad.itertuples():
            problems.append(
                f"{name}: endpoints price_row_id={row.price_row_id} endpoint_key={row.endpoint_key!r} "
                f"column {col}: value {getattr(row, col)}, expected >= 0 or NaN"
            )
    bad = ep[
        (ep["utc_start_minute"] < 0)
        | (ep["utc_end_minute"] > 1440)
        | (ep["utc_start_minute"] >= ep["utc_end_minute"])
    ]
    for row in bad.itertuples():
        problems.append(
            f"{name}: endpoints price_row_id={row.price_row_id} endpoint_key={row.endpoint_key!r} columns "
            f"utc_start_minute/utc_end_minute: values {row.utc_start_minute}/{row.utc_end_minute}, "
            "expected 0 <= start < end <= 1440"
        )
    dup = ep["price_row_id"].duplicated()
    for rid in ep.loc[dup, "price_row_id"]:
        problems.append(f"{name}: endpoints column price_row_id: value {rid} repeated, expected unique")
    bad_cols = tiers[~tiers["price_column"].isin(list(PRICE_COLUMNS))]
    for row in bad_cols.itertuples():
        problems.append(
            f"{name}: tiers price_row_id={row.price_row_id} column price_column: value "
            f"{row.price_column!r}, expected one of {list(PRICE_COLUMNS)}"
        )
    bad_rules = tiers[~tiers["rule"].isin(TIER_RULES)]
    for row in bad_rules.itertuples():
        problems.append(
            f"{name}: tiers price_row_id={row.price_row_id} column rule: value {row.rule!r}, "
            f"expected one of {list(TIER_RULES)}"
        )
    orphans = tiers[~tiers["price_row_id"].isin(ep["price_row_id"])]
    for row in orphans.itertuples():
        problems.append(
            f"{name}: tiers column price_row_id: value {row.price_row_id}, expected an endpoints row"
        )
    mixed = tiers.groupby(["price_row_id", "price_column"])["rule"].nunique()
    for (rid, col), n in mixed[mixed > 1].items():
        problems.append(
            f"{name}: tiers price_row_id={rid} price_column={col} column rule: {n} different rules, "
            "expected one rule per price"
        )
    return problems



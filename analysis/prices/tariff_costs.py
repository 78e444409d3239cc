"""Price many usage rows at once on tariff tables, in DuckDB: one join, then arithmetic.

Tiers are pivoted into columns and "no price in force" gap rows are added, so that one equi-join on
``(endpoint_key, service_tier)`` with date and minute-of-day range predicates is enough. The
semantics are those of :func:`analysis.prices.tariffs.cost_usd` (the tests hold the two together
and to genai-prices' own ``calc_price``).

>>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
>>> ep = endpoints_frame([dict(endpoint_key='openai/gpt-4o', input_usd_per_mtok=2.5, output_usd_per_mtok=10.0,
...     cache_read_usd_per_mtok=1.25)])
>>> usage = pd.DataFrame(dict(endpoint_key=['openai/gpt-4o'], timestamp=[pd.Timestamp('2026-05-01 12:00')],
...     input_tokens=[1_000_000], output_tokens=[100_000], cache_read_tokens=[500_000]))
>>> out = price_rows(usage, {'endpoints': ep, 'tiers': tiers_frame([])})
>>> float(out.loc[0, 'cost_usd']), out.loc[0, 'set_aside_reason']
(2.875, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.tariff_tables import (
    ALL_DAY_MASK,
    FEE_COLUMNS,
    PRICE_COLUMNS,
    TOKEN_USAGE_COLUMNS,
    USAGE_COLUMNS,
)


def wide_price_table(
    tables: Mapping[str, pd.DataFrame],
) -> tuple[pd.DataFrame, dict[str, list[tuple[str, str, str]]]]:
    """Endpoints with tiers pivoted into columns ``<price>__t<k>_thr`` / ``__t<k>_usd`` / ``__t<k>_excess``.

    Returns the frame and, per price column, the list of its (threshold, price, excess-flag) column names.
    """
    ep = tables["endpoints"]
    cols = [
        "price_row_id",
        "endpoint_key",
        "service_tier",
        "effective_from",
        "effective_to",
        "utc_weekday_mask",
        "utc_start_minute",
        "utc_end_minute",
        *PRICE_COLUMNS,
        *FEE_COLUMNS,
        "context_window_tokens",
    ]
    wide = _with_gap_rows(ep[cols])
    tier_cols: dict[str, list[tuple[str, str, str]]] = {}
    tiers = tables["tiers"].sort_values(["price_row_id", "price_column", "threshold_input_tokens"])
    if not tiers.empty:
        tiers = tiers.assign(k=tiers.groupby(["price_row_id", "price_column"]).cumcount() + 1)
        for (col, k), sub in tiers.groupby(["price_column", "k"]):
            names = (f"{col}__t{k}_thr", f"{col}__t{k}_usd", f"{col}__t{k}_excess")
            sub = sub.set_index("price_row_id")
            wide[names[0]] = wide["price_row_id"].map(sub["threshold_input_tokens"]).astype("float64")
            wide[names[1]] = wide["price_row_id"].map(sub["usd_per_mtok"]).astype("float64")
            excess = sub["rule"] == "excess"
            if excess.any():  # the excess columns only exist (and cost SQL) where some tier uses the rule
                wide[names[2]] = wide["price_row_id"].map(excess).astype("boolean")
            else:
                names = (names[0], names[1], "")
            tier_cols.setdefault(col, []).append(names)
    return wide, tier_cols


LOW_DATE, HIGH_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")


def _with_gap_rows(ep: pd.DataFrame) -> pd.DataFrame:
    """Open dates become sentinel dates, and every period with no price gets a ``no_price`` row, so that a known
    endpoint always matches exactly one row (no second join needed to tell 'unknown endpoint' from 'no price')."""
    wide = ep.copy()
    wide["effective_from"] = wide["effective_from"].fillna(LOW_DATE).astype("datetime64[s]")
    wide["effective_to"] = wide["effective_to"].fillna(HIGH_DATE).astype("datetime64[s]")
    wide["no_price"] = False
    gaps = []
    periods = wide[["endpoint_key", "service_tier", "effective_from", "effective_to"]].drop_duplicates()
    for (key, tier), g in periods.sort_values("effective_from").groupby(
        ["endpoint_key", "service_tier"], sort=False
    ):
        cursor = LOW_DATE
        for start, end in zip(g["effective_from"], g["effective_to"], strict=True):
            if start > cursor:
                gaps.append((key, tier, cursor, start))
            cursor = max(cursor, end)
        if cursor < HIGH_DATE:
            gaps.append((key, tier, cursor, HIGH_DATE))
    if gaps:
        gap = pd.DataFrame(gaps, columns=["endpoint_key", "service_tier", "effective_from", "effective_to"])
        gap["price_row_id"] = -1
        gap["utc_weekday_mask"], gap["utc_start_minute"], gap["utc_end_minute"] = ALL_DAY_MASK, 0, 1440
        gap["no_price"] = True
        wide = pd.concat(
            [wide, gap.astype({"effective_from": "datetime64[s]", "effective_to": "datetime64[s]"})],
            ignore_index=True,
        )
    return wide


def _component_sql(col: str, qty: str, tier_cols: list[tuple[str, str, str]]) -> str:
    """SQL for the USD cost of ``qty`` tokens at price ``col`` with its tiers; NULL when a needed price is NULL."""
    if not tier_cols:
        return f"(CASE WHEN {qty} = 0 THEN 0.0 ELSE {qty} * e.{col} / 1e6 END)"
    # whole request: highest tier whose threshold the request's input exceeds
    whens = " ".join(
        f"WHEN e.{thr} IS NOT NULL AND u.input_tokens > e.{thr} THEN e.{usd}"
        for thr, usd, _ in reversed(tier_cols)
    )
    whole = f"{qty} * (CASE {whens} ELSE e.{col} END) / 1e6"
    if not any(ex for _, _, ex in tier_cols):
        return f"(CASE WHEN {qty} = 0 THEN 0.0 ELSE {whole} END)"
    # excess: slices of this kind's own tokens between consecutive thresholds
    thrs = [thr for thr, _, _ in tier_cols]
    pieces = [f"least({qty}, coalesce(e.{thrs[0]}, {qty})) * e.{col}"]
    for i, (thr, usd, _) in enumerate(tier_cols):
        upper = f"least({qty}, coalesce(e.{thrs[i + 1]}, {qty}))" if i + 1 < len(thrs) else qty
        pieces.append(
            f"(CASE WHEN e.{thr} IS NULL OR {qty} <= e.{thr} THEN 0.0 ELSE ({upper} - e.{thr}) * e.{usd} END)"
        )
    excess = "(" + " + ".join(pieces) + ") / 1e6"
    flags = " OR ".join(f"coalesce(e.{ex}, false)" for _, _, ex in tier_cols if ex)
    return f"(CASE WHEN {qty} = 0 THEN 0.0 WHEN {flags} THEN {excess} ELSE {whole} END)"


def pricing_sql(usage_relation: str, tier_cols: Mapping[str, list[tuple[str, str, str]]], row_id: str) -> str:
    """The DuckDB query pricing every row of ``usage_relation`` against the registered table ``e``.

    Output columns: ``row_id``, ``price_row_id``, ``cost_usd`` (NULL when set aside), ``set_aside_reason``.
    """
    comp = {
        c: _component_sql(c, q, tier_cols.get(c, []))
        for c, q in [
            ("input_usd_per_mtok", "(u.input_tokens - u.cache_read_tokens - u.cache_write_tokens)"),
            ("cache_read_usd_per_mtok", "u.cache_read_tokens"),
            ("cache_write_5m_usd_per_mtok", "(u.cache_write_tokens - u.cache_write_1h_tokens)"),
            ("cache_write_1h_usd_per_mtok", "u.cache_write_1h_tokens"),
            (
                "output_usd_per_mtok",
                "(u.output_tokens - CASE WHEN e.reasoning_usd_per_mtok IS NULL THEN 0 "
                "ELSE u.reasoning_tokens END)",
            ),
            (
                "reasoning_usd_per_mtok",
                "(CASE WHEN e.reasoning_usd_per_mtok IS NULL THEN 0 ELSE u.reasoning_tokens END)",
            ),
        ]
    }
    reason_checks = [
        ("bad_counts", "usage counts missing or negative"),
        ("cache_read_tokens + cache_write_tokens > input_tokens", "cache tokens exceed input tokens"),
        ("cache_write_1h_tokens > cache_write_tokens", "1-hour cache writes exceed cache writes"),
        ("reasoning_tokens > output_tokens", "reasoning tokens exceed output tokens"),
        ("price_row_id IS NULL", "endpoint not in catalog"),
        ("no_price", "no price in force on that date"),
        ("input_tokens > context_window_tokens", "over the model's context window"),
        ("c_input IS NULL", "no input price known"),
        ("c_cache_read IS NULL", "no cache-read price known"),
        ("c_cache_write_5m IS NULL", "no cache-write price known"),
        ("c_cache_write_1h IS NULL", "no 1-hour cache-write price known"),
        ("c_output IS NULL OR c_reasoning IS NULL", "no output price known"),
        ("c_search IS NULL", "no search price known"),
    ]
    whens = " ".join(f"WHEN {cond} THEN '{why.replace(chr(39), chr(39) * 2)}'" for cond, why in reason_checks)
    components = ",\n           ".join(
        f"{sql} AS c_{col.removesuffix('_usd_per_mtok')}" for col, sql in comp.items()
    )
    counts = ", ".join(f"coalesce(CAST({c} AS BIGINT), 0) AS {c}" for c in TOKEN_USAGE_COLUMNS)
    bad = " OR ".join(f"{c} < 0" for c in TOKEN_USAGE_COLUMNS)
    return f"""
WITH u0 AS (
    SELECT {row_id} AS row_id, endpoint_key, coalesce(service_tier, 'standard') AS service_tier,
           CAST(timestamp AS TIMESTAMP) AS ts, {counts},
           (input_tokens IS NULL OR output_tokens IS NULL) AS null_counts
    FROM {usage_relation}
), u AS (
    SELECT *, null_counts OR {bad} AS bad_counts, CAST(ts AS DATE) AS d,
           CAST(hour(ts) * 60 + minute(ts) AS INTEGER) AS minute_of_day, CAST(isodow(ts) AS INTEGER) AS dow
    FROM u0
), c AS (
    SELECT u.row_id, e.price_row_id, e.no_price, e.context_window_tokens, e.per_request_usd,
           u.bad_counts, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens,
           u.cache_write_1h_tokens, u.reasoning_tokens,
           {components},
           CASE WHEN u.searches = 0 THEN 0.0 ELSE u.searches * e.per_search_usd END AS c_search
    FROM u
    LEFT JOIN e ON u.endpoint_key = e.endpoint_key AND u.service_tier = e.service_tier
        AND u.d >= e.effective_from AND u.d < e.effective_to
        AND ((e.utc_weekday_mask >> (u.dow - 1)) & 1) = 1
        AND u.minute_of_day >= e.utc_start_minute AND u.minute_of_day < e.utc_end_minute
), r AS (
    SELECT row_id, price_row_id, CASE {whens} ELSE NULL END AS set_aside_reason,
           c_input + c_cache_read + c_cache_write_5m + c_cache_write_1h + c_output + c_reasoning + c_search
           + coalesce(per_request_usd, 0.0) AS cost
    FROM c
)
SELECT row_id, CASE WHEN no_gap THEN price_row_id END AS price_row_id, set_aside_reason,
       CASE WHEN set_aside_reason IS NULL THEN cost END AS cost_usd
FROM (SELECT *, set_aside_reason IS DISTINCT FROM 'no price in force on that date' AS no_gap FROM r)
"""


def _prepare_usage(usage: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"_row": np.arange(len(usage), dtype="int64")})
    frame["endpoint_key"] = usage["endpoint_key"].to_numpy()
    frame["service_tier"] = usage["service_tier"].to_numpy() if "service_tier" in usage else "standard"
    ts = pd.to_datetime(usage["timestamp"])
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    frame["timestamp"] = ts.to_numpy()
    for col in TOKEN_USAGE_COLUMNS:
        if col in usage:
            frame[col] = pd.to_numeric(usage[col]).astype("Int64").to_numpy()
        elif col in ("input_tokens", "output_tokens"):
            raise KeyError(f"usage frame: column {col!r} missing, expected columns {list(USAGE_COLUMNS)}")
        else:
            frame[col] = 0
    return frame


def price_rows(usage: pd.DataFrame, tables: Mapping[str, pd.DataFrame], con: Any = None) -> pd.DataFrame:
    """Cost per usage row (``cost_usd``, NaN when set aside), ``set_aside_reason`` and ``price_row_id``.

    Same index and order as ``usage``. Unknown prices never count as 0: such rows are set aside with a reason.

    >>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
    >>> ep = endpoints_frame([dict(endpoint_key='d/m', input_usd_per_mtok=1.0, output_usd_per_mtok=2.0)])
    >>> u = pd.DataFrame(dict(endpoint_key=['d/m', 'd/m', 'x/y'], timestamp=pd.to_datetime(['2026-01-01'] * 3),
    ...     input_tokens=[10**6, 10**6, 1], output_tokens=[0, 0, 1], cache_read_tokens=[0, 10, 0]))
    >>> out = price_rows(u, {'endpoints': ep, 'tiers': tiers_frame([])})
    >>> out['cost_usd'].tolist(), out['set_aside_reason'].tolist()
    ([1.0, nan, nan], [None, 'no cache-read price known', 'endpoint not in catalog'])
    """
    import duckdb

    con = con or duckdb.connect()
    wide, tier_cols = wide_price_table(tables)
    con.register("e", wide)
    con.register("usage_in", _prepare_usage(usage))
    out = con.execute(pricing_sql("usage_in", tier_cols, "_row") + " ORDER BY row_id").df()
    result = pd.DataFrame(index=usage.index)
    result["cost_usd"] = out["cost_usd"].astype("float64").to_numpy()
    reasons = out["set_aside_reason"].astype(object).to_numpy()
    result["set_aside_reason"] = pd.Series(
        [None if (r is None or r is pd.NA or r != r) else r for r in reasons], index=usage.index, dtype=object
    )
    result["price_row_id"] = out["price_row_id"].astype("Int64").to_numpy()
    return result


def price_parquet_summary(con: Any, parquet_path: str, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Price every row of a Parquet log in DuckDB and return rows, cost and set-aside counts per reason.

    Every row's cost is computed; only the aggregate leaves DuckDB (no 10^7-row frame in Python).
    """
    wide, tier_cols = wide_price_table(tables)
    con.register("e_frame", wide)
    con.execute("CREATE OR REPLACE TEMP TABLE e AS SELECT * FROM e_frame")
    rel = f"read_parquet('{parquet_path}')"
    sql = pricing_sql(rel, tier_cols, "0")
    return con.execute(
        f"SELECT set_aside_reason, count(*) AS rows, sum(cost_usd) AS cost_usd FROM ({sql}) GROUP BY ALL "
        "ORDER BY rows DESC"
    ).df()

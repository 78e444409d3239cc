"""Price many usage rows at once on tariff tables: one Ibis expression (a join, then arithmetic), any engine.

Tiers are pivoted into columns, "no price in force" gap rows are added and each price row is repeated
per weekday it applies to, so that one equi-join on ``(endpoint_key, service_tier, weekday)`` with date
and minute-of-day range predicates is enough. The expression (:func:`priced`) is written once with
Ibis and compiled for the engine that runs it (:mod:`analysis.prices.engines`: DuckDB here, Spark on a
cluster). The semantics are those of :func:`analysis.prices.tariffs.cost_usd` (the tests hold the two
together, to genai-prices' own ``calc_price``, and DuckDB to Spark).

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

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.memo import per_frames
from analysis.data.tariff_tables import (
    ALL_DAY_MASK,
    FEE_COLUMNS,
    PRICE_COLUMNS,
    TOKEN_USAGE_COLUMNS,
    USAGE_COLUMNS,
)
from analysis.prices.engines import Engine, connect

#: A row whose timestamp is missing or cannot be read has no price period: set aside with this reason
#: (before "endpoint not in catalog"; :data:`analysis.prices.tariffs.SET_ASIDE_REASONS` assumes a timestamp).
NO_TIMESTAMP = "timestamp missing or unreadable"
NO_PRICE = "no price in force on that date"


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
    endpoint always matches exactly one row (no second join needed to tell 'unknown endpoint' from 'no price').

    Per (endpoint, tier), periods sorted by start: a gap opens where a period starts after every earlier one has
    ended (the running maximum of their ends), and after the last end.

    >>> ep = pd.DataFrame(dict(endpoint_key=['a', 'a'], service_tier='standard', price_row_id=[1, 2],
    ...     effective_from=pd.to_datetime(['2026-01-01', '2026-03-01']), effective_to=pd.to_datetime(['2026-02-01', None]),
    ...     utc_weekday_mask=127, utc_start_minute=0, utc_end_minute=1440))
    >>> g = _with_gap_rows(ep)
    >>> g[g.no_price][['effective_from', 'effective_to']].astype(str).values.tolist()
    [['1900-01-01', '2026-01-01'], ['2026-02-01', '2026-03-01']]
    """
    wide = ep.copy()
    wide["effective_from"] = wide["effective_from"].fillna(LOW_DATE).astype("datetime64[s]")
    wide["effective_to"] = wide["effective_to"].fillna(HIGH_DATE).astype("datetime64[s]")
    wide["no_price"] = False
    periods = (wide[["endpoint_key", "service_tier", "effective_from", "effective_to"]].drop_duplicates()
               .sort_values(["endpoint_key", "service_tier", "effective_from"], kind="stable").reset_index(drop=True))
    group = periods.groupby(["endpoint_key", "service_tier"], sort=False)
    ended = group["effective_to"].cummax()  # where the periods so far reach
    before = ended.groupby([periods.endpoint_key, periods.service_tier], sort=False).shift().fillna(LOW_DATE)
    inner = periods[periods.effective_from > before].assign(effective_to=lambda f: f.effective_from,
                                                            effective_from=before[periods.effective_from > before])
    last = ended.groupby([periods.endpoint_key, periods.service_tier], sort=False).last()
    tail = last[last < HIGH_DATE].rename("effective_from").reset_index().assign(effective_to=HIGH_DATE)
    gap = pd.concat([inner, tail], ignore_index=True)
    if len(gap):
        gap = gap.sort_values(["endpoint_key", "service_tier", "effective_from"], kind="stable")
        gap["price_row_id"] = -1
        gap["utc_weekday_mask"], gap["utc_start_minute"], gap["utc_end_minute"] = ALL_DAY_MASK, 0, 1440
        gap["no_price"] = True
        wide = pd.concat(
            [wide, gap.astype({"effective_from": "datetime64[s]", "effective_to": "datetime64[s]"})],
            ignore_index=True,
        )
    return wide


def engine_price_table(wide: pd.DataFrame) -> pd.DataFrame:
    """The wide table with one row per weekday a price row applies to (``dow``, ISO 1..7) and dates as dates,
    ready to become a table of any engine (equi-join on the weekday: no bit arithmetic in the expression)."""
    out = wide.assign(_dows=[[d for d in range(1, 8) if (int(m) >> (d - 1)) & 1] for m in wide.utc_weekday_mask])
    out = out.explode("_dows").dropna(subset=["_dows"]).rename(columns={"_dows": "dow"})
    out["dow"] = out["dow"].astype("int32")
    for col in ("effective_from", "effective_to"):
        out[col] = out[col].dt.date
    for col in ("utc_start_minute", "utc_end_minute"):
        out[col] = out[col].astype("int32")
    out["price_row_id"] = out["price_row_id"].astype("int64")
    out = out.drop(columns=["utc_weekday_mask"])
    return out.rename(columns={c: f"e_{c}" for c in ("endpoint_key", "service_tier", "dow")}).reset_index(drop=True)


def usage_table(t: Any, row_id: str | None = None, keep: Sequence[str] = ()) -> Any:
    """A usage table of any engine (columns of :data:`USAGE_COLUMNS`, as stored) typed for :func:`priced`.

    Text columns (CSV) are read with ``try_cast`` (unreadable: NULL); a timestamp with an offset is
    converted to UTC; missing optional counts are 0; ``keep`` columns pass through (model, task_type...).
    """
    import ibis
    import ibis.expr.datatypes as dt

    def count(c: str) -> Any:
        if c not in t.columns:
            if c in ("input_tokens", "output_tokens"):
                raise KeyError(f"usage: column {c!r} missing, expected columns {list(USAGE_COLUMNS)}")
            return ibis.literal(0, "int64")
        x = t[c]
        if x.type().is_string():
            x = x.try_cast("float64")
        return x.round(0).cast("int64") if x.type().is_floating() else x.cast("int64")

    ts = t["timestamp"]
    if ts.type().is_string() or (ts.type().is_timestamp() and ts.type().timezone):
        ts = (ts.try_cast(dt.Timestamp(timezone="UTC")) if ts.type().is_string() else ts).cast(dt.Timestamp())
    elif not ts.type().is_timestamp():
        ts = ts.cast(dt.Timestamp())
    counts = {c: count(c) for c in TOKEN_USAGE_COLUMNS}
    tier = t["service_tier"].cast("string").fill_null("standard") if "service_tier" in t.columns else (
        ibis.literal("standard"))
    u = t.select(row_id=t[row_id] if row_id else ibis.literal(0, "int64"),
                 endpoint_key=t["endpoint_key"].cast("string"), service_tier=tier, ts=ts,
                 null_counts=counts["input_tokens"].isnull() | counts["output_tokens"].isnull(),
                 **{c: x.fill_null(0) for c, x in counts.items()}, **{k: t[k] for k in keep})
    bad = u.null_counts
    for c in TOKEN_USAGE_COLUMNS:
        bad = bad | (u[c] < 0)
    return u.mutate(bad_counts=bad, d=u.ts.date(), minute_of_day=(u.ts.hour() * 60 + u.ts.minute()).cast("int32"),
                    dow=(u.ts.day_of_week.index() + 1).cast("int32"))


def _component(j: Any, col: str, qty: Any, tier_cols: list[tuple[str, str, str]]) -> Any:
    """The USD cost of ``qty`` tokens at price ``col`` with its tiers; NULL when a needed price is NULL."""
    import ibis

    price = j[col]
    if not tier_cols:
        return ibis.cases((qty == 0, 0.0), else_=qty * price / 1e6)
    # whole request: highest tier whose threshold the request's input exceeds
    tier_price = ibis.cases(*[(j[thr].notnull() & (j.input_tokens > j[thr]), j[usd])
                              for thr, usd, _ in reversed(tier_cols)], else_=price)
    whole = qty * tier_price / 1e6
    if not any(ex for _, _, ex in tier_cols):
        return ibis.cases((qty == 0, 0.0), else_=whole)
    # excess: slices of this kind's own tokens between consecutive thresholds
    thrs = [thr for thr, _, _ in tier_cols]
    excess = ibis.least(qty, j[thrs[0]].fill_null(qty)) * price
    for i, (thr, usd, _) in enumerate(tier_cols):
        upper = ibis.least(qty, j[thrs[i + 1]].fill_null(qty)) if i + 1 < len(thrs) else qty
        excess = excess + ibis.cases((j[thr].isnull() | (qty <= j[thr]), 0.0), else_=(upper - j[thr]) * j[usd])
    flag = ibis.literal(False)
    for _, _, ex in tier_cols:
        if ex:
            flag = flag | j[ex].fill_null(False)
    return ibis.cases((qty == 0, 0.0), (flag, excess / 1e6), else_=whole)


def priced(u: Any, e: Any, tier_cols: Mapping[str, list[tuple[str, str, str]]]) -> Any:
    """THE pricing expression: every row of usage table ``u`` (:func:`usage_table`) priced on price table ``e``.

    ``e`` is :func:`engine_price_table` as a table of the same engine. Adds ``price_row_id``,
    ``set_aside_reason`` (NULL when priced) and ``cost_usd`` (NULL when set aside) to ``u``'s columns.
    """
    import ibis

    j = u.left_join(e, [u.endpoint_key == e.e_endpoint_key, u.service_tier == e.e_service_tier, u.dow == e.e_dow,
                        u.d >= e.effective_from, u.d < e.effective_to,
                        u.minute_of_day >= e.utc_start_minute, u.minute_of_day < e.utc_end_minute])
    reasoning = ibis.cases((j.reasoning_usd_per_mtok.isnull(), 0), else_=j.reasoning_tokens)
    quantities = {
        "input": ("input_usd_per_mtok", j.input_tokens - j.cache_read_tokens - j.cache_write_tokens),
        "cache_read": ("cache_read_usd_per_mtok", j.cache_read_tokens),
        "cache_write_5m": ("cache_write_5m_usd_per_mtok", j.cache_write_tokens - j.cache_write_1h_tokens),
        "cache_write_1h": ("cache_write_1h_usd_per_mtok", j.cache_write_1h_tokens),
        "output": ("output_usd_per_mtok", j.output_tokens - reasoning),
        "reasoning": ("reasoning_usd_per_mtok", reasoning),
    }
    comp = {k: _component(j, col, qty, tier_cols.get(col, [])) for k, (col, qty) in quantities.items()}
    comp["search"] = ibis.cases((j.searches == 0, 0.0), else_=j.searches * j.per_search_usd)
    # the components once, as columns: the reasons and the sum read them (not the expressions twice)
    c = j.select(*u.columns, "price_row_id", "no_price", "context_window_tokens", "per_request_usd",
                 **{f"_c_{k}": v for k, v in comp.items()})
    reason = ibis.cases(
        (c.bad_counts, "usage counts missing or negative"),
        (c.cache_read_tokens + c.cache_write_tokens > c.input_tokens, "cache tokens exceed input tokens"),
        (c.cache_write_1h_tokens > c.cache_write_tokens, "1-hour cache writes exceed cache writes"),
        (c.reasoning_tokens > c.output_tokens, "reasoning tokens exceed output tokens"),
        (c.ts.isnull(), NO_TIMESTAMP),
        (c.price_row_id.isnull(), "endpoint not in catalog"),
        (c.no_price.fill_null(False), NO_PRICE),
        (c.input_tokens > c.context_window_tokens, "over the model's context window"),
        (c._c_input.isnull(), "no input price known"),
        (c._c_cache_read.isnull(), "no cache-read price known"),
        (c._c_cache_write_5m.isnull(), "no cache-write price known"),
        (c._c_cache_write_1h.isnull(), "no 1-hour cache-write price known"),
        (c._c_output.isnull() | c._c_reasoning.isnull(), "no output price known"),
        (c._c_search.isnull(), "no search price known"),
        else_=ibis.null("string"),
    )
    cost = sum((c[f"_c_{k}"] for k in comp), ibis.literal(0.0)) + c.per_request_usd.fill_null(0.0)
    out = c.select(*u.columns, _pid=c.price_row_id, set_aside_reason=reason, _cost=cost)
    return out.mutate(price_row_id=ibis.cases((out.set_aside_reason.fill_null("") == NO_PRICE, ibis.null("int64")),
                                              else_=out._pid),
                      cost_usd=ibis.cases((out.set_aside_reason.isnull(), out._cost), else_=ibis.null("float64"))
                      ).drop("_pid", "_cost")


def pricing_expression(engine: Engine, usage: Any, tables: Mapping[str, pd.DataFrame], row_id: str | None = None,
                       keep: Sequence[str] = ()) -> Any:
    """:func:`priced` for ``usage`` (a table of ``engine``) on ``tables``, their price table made on ``engine``."""
    table, tier_cols = price_table(tables)
    return priced(usage_table(usage, row_id, keep), engine.table(table), tier_cols)


def price_table(tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict[str, list[tuple[str, str, str]]]]:
    """:func:`engine_price_table` of :func:`wide_price_table` and the tier columns, remembered for the lifetime of
    ``tables``' frames (a catalog is read once per process, then priced many times: a second on a full catalog).

    >>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
    >>> t = {'endpoints': endpoints_frame([dict(endpoint_key='d/m', input_usd_per_mtok=1.0)]), 'tiers': tiers_frame([])}
    >>> price_table(t)[0] is price_table(t)[0]
    True
    """
    return _price_table(tables["endpoints"], tables["tiers"])


@per_frames
def _price_table(endpoints: pd.DataFrame, tiers: pd.DataFrame):
    wide, tier_cols = wide_price_table({"endpoints": endpoints, "tiers": tiers})
    return engine_price_table(wide), tier_cols


def _prepare_usage(usage: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"_row": np.arange(len(usage), dtype="int64")})
    frame["endpoint_key"] = usage["endpoint_key"].astype(object).to_numpy()
    frame["service_tier"] = usage["service_tier"].astype(object).to_numpy() if "service_tier" in usage else "standard"
    ts = pd.to_datetime(usage["timestamp"])
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    frame["timestamp"] = ts.astype("datetime64[us]").to_numpy()
    for col in TOKEN_USAGE_COLUMNS:
        if col in usage:
            frame[col] = pd.to_numeric(usage[col]).astype("Int64").to_numpy()
        elif col in ("input_tokens", "output_tokens"):
            raise KeyError(f"usage frame: column {col!r} missing, expected columns {list(USAGE_COLUMNS)}")
        else:
            frame[col] = 0
    return frame


def price_rows(usage: pd.DataFrame, tables: Mapping[str, pd.DataFrame], con: Any = None,
               engine: Engine | None = None) -> pd.DataFrame:
    """Cost per usage row (``cost_usd``, NaN when set aside), ``set_aside_reason`` and ``price_row_id``.

    Same index and order as ``usage``. Unknown prices never count as 0: such rows are set aside with a reason.
    Runs on ``engine`` (default: DuckDB, on the ``duckdb`` connection ``con`` when given).

    >>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
    >>> ep = endpoints_frame([dict(endpoint_key='d/m', input_usd_per_mtok=1.0, output_usd_per_mtok=2.0)])
    >>> u = pd.DataFrame(dict(endpoint_key=['d/m', 'd/m', 'x/y'], timestamp=pd.to_datetime(['2026-01-01'] * 3),
    ...     input_tokens=[10**6, 10**6, 1], output_tokens=[0, 0, 1], cache_read_tokens=[0, 10, 0]))
    >>> out = price_rows(u, {'endpoints': ep, 'tiers': tiers_frame([])})
    >>> out['cost_usd'].tolist(), out['set_aside_reason'].tolist()
    ([1.0, nan, nan], [None, 'no cache-read price known', 'endpoint not in catalog'])
    """
    engine = engine or connect("duckdb", con=con)
    expr = pricing_expression(engine, engine.table(_prepare_usage(usage)), tables, row_id="_row")
    out = engine.execute(expr.select("row_id", "price_row_id", "set_aside_reason", "cost_usd").order_by("row_id"))
    result = pd.DataFrame(index=usage.index)
    result["cost_usd"] = out["cost_usd"].astype("float64").to_numpy()
    reasons = out["set_aside_reason"].astype(object).to_numpy()
    result["set_aside_reason"] = pd.Series(
        [None if (r is None or r is pd.NA or r != r) else r for r in reasons], index=usage.index, dtype=object
    )
    result["price_row_id"] = out["price_row_id"].astype("Int64").to_numpy()
    return result


def summarise(rows: Any, by: Sequence[str] = ()) -> Any:
    """Priced rows (:func:`priced`) summed by ``by`` and ``set_aside_reason``: rows, cost and token sums."""
    return rows.group_by([*by, "set_aside_reason"]).aggregate(
        rows=rows.count(), cost_usd=rows.cost_usd.sum(), input_tokens=rows.input_tokens.sum(),
        output_tokens=rows.output_tokens.sum())


def price_parquet_summary(con: Any, parquet_path: str, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Price every row of a Parquet log in DuckDB (connection ``con``) and return rows, cost and set-aside
    counts per reason.

    Every row's cost is computed; only the aggregate leaves DuckDB (no 10^7-row frame in Python).
    """
    engine = connect("duckdb", con=con)
    expr = summarise(pricing_expression(engine, engine.read(parquet_path, "parquet"), tables))
    out = engine.execute(expr.select("set_aside_reason", "rows", "cost_usd"))
    return out.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)

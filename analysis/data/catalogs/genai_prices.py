"""Catalog source ``genai-prices``: flatten the installed genai-prices package's own data structures.

genai-prices keeps ``genai_prices.data.providers``: a list of ``Provider`` with ``models: list[ModelInfo]``.
A model's ``prices`` is one ``ModelPrice`` or a list of ``ConditionalPrice(constraint, prices)`` where the
constraint is None, ``StartDateConstraint(start_date)`` (history) or ``TimeOfDateConstraint(start, end)``
(daily UTC window); the *last* active entry wins, the first is the fallback. ``price_variants`` hold
request-context overrides (``{'processing': 'batch'}``, ``{'service_tier': 'priority'}``, ``{'route': 'mistral/eu'}``)
merged key by key over the standard price. A price value is a ``Decimal`` (USD per unit ``per``) or
``TieredPrices(base, tiers=[Tier(start, price)])`` where the tier price applies to *all* units once the request's
total input tokens exceed ``start`` (whole-request rule).

We flatten by asking the model itself (``ModelInfo.get_prices``) at one timestamp inside every (price period x
time-of-day segment), so the semantics are genai-prices' own.

>>> imp = load()
>>> imp.report.entries_read > 2000, bool(imp.endpoints['source'].eq('genai-prices').all())
(True, True)

The report's ``as_of`` is the date of the newest price change in force today (the package carries
no release date; scheduled changes after today are priced from their date but do not count).
"""

from __future__ import annotations

import time as _time
import warnings
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.data.catalogs.kinds import KEPT, genai_kind, set_aside_reason
from analysis.data.catalogs.registry import CatalogImport, ImportReport, register
from analysis.data.identity import is_first_party, load_identity, resolve
from analysis.data.tariff_tables import endpoints_frame, tiers_frame

PRICE_KEY_TO_COLUMN = {
    "input_mtok": ("input_usd_per_mtok", 1),
    "output_mtok": ("output_usd_per_mtok", 1),
    "cache_read_mtok": ("cache_read_usd_per_mtok", 1),
    "cache_write_mtok": ("cache_write_5m_usd_per_mtok", 1),
    "cache_write_5m_mtok": ("cache_write_5m_usd_per_mtok", 1),
    "cache_write_1h_mtok": ("cache_write_1h_usd_per_mtok", 1),
    "output_reasoning_mtok": ("reasoning_usd_per_mtok", 1),
    "requests_kcount": ("per_request_usd", 1000),
    "web_searches_kcount": ("per_search_usd", 1000),
}
FALLBACK_DATE = date(2026, 1, 1)


def _utc_minute(t: Any) -> int:
    if t.tzinfo is not None:
        t = datetime.combine(date(1970, 1, 1), t).astimezone(UTC).time()
    return t.hour * 60 + t.minute


def _constraints(model: Any) -> list[Any]:
    out = []
    if isinstance(model.prices, list):
        out += [cp.constraint for cp in model.prices if cp.constraint is not None]
    out += [v.constraint for v in model.price_variants or [] if v.constraint is not None]
    return out


def _tier_name(when: dict[str, str]) -> tuple[str, str]:
    """(service_tier, region) for a price-variant context."""
    if when == {}:
        return "standard", ""
    if set(when) == {"route"}:
        return "standard", when["route"].rsplit("/", 1)[-1]
    if set(when) == {"processing"}:
        return when["processing"], ""
    if set(when) == {"service_tier"}:
        return when["service_tier"], ""
    return "|".join(f"{k}={v}" for k, v in sorted(when.items())), ""


def _convert(mp: Any, ignored: set[str]) -> tuple[dict[str, float], list[tuple[str, int, Decimal]]]:
    from genai_prices.types import TieredPrices

    prices: dict[str, float] = {}
    tiers: list[tuple[str, int, Decimal]] = []
    for key, value in mp.__dict__.items():
        if value is None or key.startswith("_"):
            continue
        if key not in PRICE_KEY_TO_COLUMN:
            ignored.add(key)
            continue
        col, per = PRICE_KEY_TO_COLUMN[key]
        if isinstance(value, TieredPrices):
            prices[col] = float(value.base / per)
            tiers += [(col, int(t.start), t.price / per) for t in value.tiers]
        else:
            prices[col] = float(value / per)
    return prices, tiers


def _segments(bounds: set[int]) -> list[tuple[int, int]]:
    points = sorted({0, 1440} | {b for b in bounds if 0 < b < 1440})
    return list(zip(points[:-1], points[1:], strict=True))


def _label(start: int, end: int) -> str:
    if (start, end) == (0, 1440):
        return "all day"
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d} UTC"


def flatten_model(
    provider: Any, model: Any, report: ImportReport, ident: Any
) -> tuple[list[dict], list[dict]]:
    """Endpoint rows (with a ``_tiers`` list each) for one genai-prices model, every context, period, window."""
    from genai_prices.types import StartDateConstraint, TimeOfDateConstraint

    cons = _constraints(model)
    dates = sorted({c.start_date for c in cons if isinstance(c, StartDateConstraint)})
    bounds: set[int] = set()
    for c in cons:
        if isinstance(c, TimeOfDateConstraint):
            bounds |= {_utc_minute(c.start_time), _utc_minute(c.end_time)}
    segments = _segments(bounds)
    periods = list(zip([None, *dates], [*dates, None], strict=True))
    contexts: list[dict[str, str]] = [{}]
    for v in model.price_variants or []:
        if v.when not in contexts:
            contexts.append(dict(v.when))
    canonical = resolve(model.id, ident)
    first_party = is_first_party(provider.id, canonical, ident)
    rows: list[dict] = []
    ignored: set[str] = set()
    used_tiers: set[str] = set()
    for ctx in contexts:
        service_tier, region = _tier_name(ctx)
        if service_tier in used_tiers and ctx:
            service_tier = "|".join(f"{k}={v}" for k, v in sorted(ctx.items()))
        used_tiers.add(service_tier)
        prev = None
        for start, end in periods:
            rep_day = (
                (end - timedelta(days=1)) if start is None and end is not None else (start or FALLBACK_DATE)
            )
            seg_rows = []
            for s0, s1 in segments:
                ts = datetime(rep_day.year, rep_day.month, rep_day.day, s0 // 60, s0 % 60, tzinfo=UTC)
                if ctx and not any(
                    v.when == ctx and (v.constraint is None or v.constraint.active(ts))
                    for v in model.price_variants or []
                ):
                    continue  # the variant is not in force then: unknown, not the standard price
                mp = model.get_prices(ts, ctx or None)
                prices, tiers = _convert(mp, ignored)
                seg_rows.append((s0, s1, prices, tiers))
            # merge adjacent segments with the same prices
            merged: list[list[Any]] = []
            for s0, s1, prices, tiers in seg_rows:
                if merged and merged[-1][1] == s0 and merged[-1][2] == prices and merged[-1][3] == tiers:
                    merged[-1][1] = s1
                else:
                    merged.append([s0, s1, prices, tiers])
            signature = [(m[0], m[1], m[2], m[3]) for m in merged]
            if prev is not None and prev[0] == signature and prev[1] is not None:
                for r in prev[1]:  # same prices as the previous period: extend it
                    r["effective_to"] = end
                continue
            period_rows = []
            for s0, s1, prices, tiers in merged:
                row = dict(
                    endpoint_key=f"{provider.id}/{model.id}" + (f"@{region}" if region else ""),
                    service_tier=service_tier,
                    canonical_model_id=canonical,
                    api_model_id=model.id,
                    provider=provider.id,
                    region=region,
                    first_party=first_party,
                    source="genai-prices",
                    source_key=f"{provider.id}/{model.id}",
                    source_context=repr(ctx) if ctx else "",
                    effective_from=start,
                    effective_to=end,
                    utc_start_minute=s0,
                    utc_end_minute=s1,
                    time_window=_label(s0, s1),
                    context_window_tokens=model.context_window,
                    **prices,
                    _tiers=tiers,
                )
                period_rows.append(row)
            rows += period_rows
            prev = (signature, period_rows if period_rows else None)
    report.ignored_fields.update(ignored)
    return rows, []


def price_fields(model: Any) -> set[str]:
    """The price fields a genai-prices model sets anywhere (every period and variant): what its kind is read from."""
    prices = [cp.prices for cp in model.prices] if isinstance(model.prices, list) else [model.prices]
    prices += [v.prices for v in model.price_variants or [] if getattr(v, "prices", None) is not None]
    return {k for mp in prices for k, v in vars(mp).items() if v is not None and not k.startswith("_")}


@register("genai-prices")
def load() -> CatalogImport:
    """Every provider and model of the installed genai-prices package as tariff tables."""
    from importlib.metadata import version

    t0 = _time.perf_counter()
    from genai_prices.data import providers

    ident = load_identity()
    report = ImportReport(source="genai-prices", version=version("genai-prices"))
    rows: list[dict] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for provider in providers:
            for model in provider.models:
                report.entries_read += 1
                fields = price_fields(model)
                kind = genai_kind(model.id, model.name, fields, model.description) if fields else "chat"
                if kind not in KEPT:
                    report.set_aside[set_aside_reason(kind)] += 1
                    continue
                mrows, _ = flatten_model(provider, model, report, ident)
                if not any("input_usd_per_mtok" in r or "output_usd_per_mtok" in r for r in mrows):
                    report.set_aside["no token price (input or output)"] += 1
                    continue
                rows += mrows
    tier_rows = []
    for i, r in enumerate(rows):
        for col, thr, price in r.pop("_tiers"):
            tier_rows.append(
                dict(
                    price_row_id=i,
                    price_column=col,
                    threshold_input_tokens=thr,
                    usd_per_mtok=float(price),
                    rule="whole_request",
                )
            )
    endpoints = endpoints_frame(rows)
    imp = CatalogImport(endpoints, tiers_frame(tier_rows), report).finish()
    today = pd.Timestamp(date.today())
    started = endpoints["effective_from"].dropna()
    report.as_of = str(started[started <= today].max().date()) if (started <= today).any() else ""
    report.seconds = _time.perf_counter() - t0
    report.ignored_fields = Counter(dict(report.ignored_fields))
    return imp

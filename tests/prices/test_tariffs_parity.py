"""Our costs (analysis.prices.tariff_costs) equal genai-prices' own calc_price to the cent, for every provider and model both know."""

import ast
import random
import warnings
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
from genai_prices import Usage
from genai_prices.data import providers

from analysis.prices.tariff_costs import price_rows
from analysis.prices.tariffs import cost_usd

ROWS_PER_ENDPOINT = 4  # a seeded sample: every endpoint x tier, 9,344 rows
ALLOWED_SET_ASIDE = {
    "no cache-read price known",  # genai-prices bills such tokens as plain input
    "no cache-write price known",
    "no 1-hour cache-write price known",  # genai-prices bills them at the generic cache-write price
    "no search price known",  # genai-prices bills unpriced searches as 0
    "over the model's context window",  # genai-prices does not check the context window
    "no input price known",
    "no output price known",
    "no price in force on that date",  # a variant (batch, ...) before its start date: genai falls back to standard
}


def _usage_rows(imp, seed=20261130):
    rng = random.Random(seed)
    ep = imp.endpoints
    tiers = imp.tiers
    thresholds = tiers.groupby("price_row_id")["threshold_input_tokens"].max().to_dict()
    dates = sorted({d.date() for d in ep["effective_from"].dropna()})
    rows = []
    for (key, tier), grp in ep.groupby(["endpoint_key", "service_tier"], sort=False):
        ctx = grp["source_context"].iloc[0]
        thr = max((thresholds.get(r, 0) for r in grp["price_row_id"]), default=0)
        known = {
            c: bool(grp[c].notna().any())
            for c in [
                "cache_read_usd_per_mtok",
                "cache_write_5m_usd_per_mtok",
                "cache_write_1h_usd_per_mtok",
                "per_search_usd",
            ]
        }
        for _ in range(ROWS_PER_ENDPOINT):
            # most rows use only token kinds the endpoint prices; one in six uses any kind (tests set-aside)
            free = rng.random() < 1 / 6
            # timestamps: around a price change, or anywhere in 2024-2027, any minute of the day
            if dates and rng.random() < 0.5:
                day = rng.choice(dates) + timedelta(days=rng.choice([-1, 0, 1, 30]))
                ts = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                    minutes=rng.randrange(1440)
                )
            else:
                ts = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(4 * 365 * 1440))
            top = max(thr * 2, 20_000)
            if not free and grp["context_window_tokens"].notna().any():
                top = min(top, int(grp["context_window_tokens"].min()) + 1)
            inp = rng.randrange(0, top)
            if thr and rng.random() < 0.3:
                inp = thr + rng.choice([-1, 0, 1, 2])
            cw_ok = free or known["cache_write_5m_usd_per_mtok"]
            cr = (
                rng.randrange(0, inp + 1)
                if rng.random() < 0.5 and (free or known["cache_read_usd_per_mtok"])
                else 0
            )
            cw = rng.randrange(0, inp - cr + 1) if rng.random() < 0.4 and cw_ok else 0
            cw1h = (
                rng.randrange(0, cw + 1)
                if cw and rng.random() < 0.3 and (free or known["cache_write_1h_usd_per_mtok"])
                else 0
            )
            if cw and not free and not known["cache_write_1h_usd_per_mtok"]:
                cw1h = 0
            out = rng.randrange(0, 50_000)
            reasoning = rng.randrange(0, out + 1) if rng.random() < 0.5 else 0
            searches = rng.randrange(1, 4) if rng.random() < 0.15 and (free or known["per_search_usd"]) else 0
            rows.append(
                dict(
                    endpoint_key=key,
                    service_tier=tier,
                    source_key=grp["source_key"].iloc[0],
                    context=ctx,
                    timestamp=ts,
                    input_tokens=inp,
                    output_tokens=out,
                    cache_read_tokens=cr,
                    cache_write_tokens=cw,
                    cache_write_1h_tokens=cw1h,
                    reasoning_tokens=reasoning,
                    searches=searches,
                )
            )
    return pd.DataFrame(rows)


def _genai_cost(models, row):
    provider, model = models[row.source_key]
    usage = Usage(
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        cache_read_tokens=row.cache_read_tokens,
        cache_write_tokens=row.cache_write_tokens,
        cache_write_1h_tokens=row.cache_write_1h_tokens,
        output_reasoning_tokens=row.reasoning_tokens,
        web_searches=row.searches,
    )
    ctx = ast.literal_eval(row.context) if row.context else None
    return model.calc_price(
        usage, provider, genai_request_timestamp=row.timestamp.to_pydatetime(), price_context=ctx
    ).total_price


def test_every_genai_model_matches_calc_price_to_the_cent(genai_import):
    models = {f"{p.id}/{m.id}": (p, m) for p in providers for m in p.models}
    usage = _usage_rows(genai_import)
    ours = price_rows(usage, genai_import.tables)
    priced = ours["set_aside_reason"].isna()
    assert set(ours.loc[~priced, "set_aside_reason"]) <= ALLOWED_SET_ASIDE
    mismatches = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row, cost in zip(usage[priced].itertuples(), ours.loc[priced, "cost_usd"], strict=True):
            theirs = _genai_cost(models, row)
            if abs(Decimal(repr(cost)) - theirs) >= Decimal("0.005"):
                mismatches.append((row.endpoint_key, row.service_tier, row.timestamp, cost, theirs))
    endpoints = usage[["endpoint_key", "service_tier"]].drop_duplicates().shape[0]
    print(
        f"\n{len(usage)} rows over {endpoints} endpoint x tier; priced {int(priced.sum())}; set aside:\n"
        f"{ours['set_aside_reason'].value_counts().to_string()}"
    )
    assert not mismatches, f"{len(mismatches)} rows differ by a cent or more, e.g. {mismatches[:5]}"
    assert priced.mean() > 0.5
    # every provider and model both know: each one got at least one priced row
    priced_models = set(usage.loc[priced, "source_key"])
    assert len(priced_models) >= 0.95 * usage["source_key"].nunique()


def test_reference_cost_equals_vectorized_and_genai(genai_import):
    """The pure-Python Decimal reference agrees with the vectorized pricing and with calc_price (a sample)."""
    models = {f"{p.id}/{m.id}": (p, m) for p in providers for m in p.models}
    usage = _usage_rows(genai_import, seed=7).sample(200, random_state=1)
    ours = price_rows(usage, genai_import.tables)
    ep = genai_import.endpoints
    by_key = {k: g for k, g in ep.groupby(["endpoint_key", "service_tier"])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row, vec_cost, vec_reason in zip(
            usage.itertuples(), ours["cost_usd"], ours["set_aside_reason"], strict=True
        ):
            ref = cost_usd(
                by_key[(row.endpoint_key, row.service_tier)], genai_import.tiers, row._asdict(), row.timestamp
            )
            assert ref.set_aside_reason == vec_reason, (row, ref, vec_reason)
            if ref.cost_usd is not None:
                assert abs(ref.cost_usd - Decimal(repr(vec_cost))) < Decimal("1e-9")
                assert abs(ref.cost_usd - _genai_cost(models, row)) < Decimal("1e-12")


def test_top_level_calc_price_for_first_party_ids(genai_import):
    """genai_prices.calc_price(model_ref, provider_id) resolves to the same model we priced."""
    from genai_prices import calc_price

    ts = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # a Monday, inside DeepSeek's peak window 01:00-04:00
    usage = pd.DataFrame(
        [
            dict(
                endpoint_key=k,
                service_tier="standard",
                timestamp=ts,
                input_tokens=120_000,
                output_tokens=3_000,
                cache_read_tokens=100_000,
            )
            for k in ["deepseek/deepseek-v4-flash", "openai/gpt-4o", "anthropic/claude-sonnet-4-5"]
        ]
    )
    ours = price_rows(usage, genai_import.tables)["cost_usd"].tolist()
    theirs = [
        calc_price(
            Usage(input_tokens=120_000, output_tokens=3_000, cache_read_tokens=100_000),
            m,
            provider_id=p,
            genai_request_timestamp=ts,
        ).total_price
        for p, m in [
            ("deepseek", "deepseek-v4-flash"),
            ("openai", "gpt-4o"),
            ("anthropic", "claude-sonnet-4-5"),
        ]
    ]
    assert [round(x, 9) for x in ours] == [round(float(x), 9) for x in theirs]

"""analysis.prices.tariffs and tariff_costs: reference cost (Decimal, one request) and vectorized DuckDB pricing agree; rules: excess tiers, windows, history."""

from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.data.tariff_tables import endpoints_frame, tiers_frame, validate_tables
from analysis.prices.tariff_costs import price_rows
from analysis.prices.tariffs import SET_ASIDE_REASONS, cost_usd

EP = endpoints_frame(
    [
        # history: price until 2026-06-01, then a cheaper one; the new period has an off-peak window 16:30-24:00
        dict(
            endpoint_key="p/m",
            effective_to="2026-06-01",
            input_usd_per_mtok=2.0,
            output_usd_per_mtok=8.0,
            cache_read_usd_per_mtok=0.5,
            context_window_tokens=500_000,
        ),
        dict(
            endpoint_key="p/m",
            effective_from="2026-06-01",
            utc_start_minute=0,
            utc_end_minute=990,
            input_usd_per_mtok=1.0,
            output_usd_per_mtok=4.0,
            cache_read_usd_per_mtok=0.25,
            cache_write_5m_usd_per_mtok=1.25,
            cache_write_1h_usd_per_mtok=2.0,
            reasoning_usd_per_mtok=6.0,
            per_search_usd=0.01,
            per_request_usd=0.001,
            context_window_tokens=500_000,
        ),
        dict(
            endpoint_key="p/m",
            effective_from="2026-06-01",
            utc_start_minute=990,
            utc_end_minute=1440,
            time_window="16:30-24:00 UTC",
            input_usd_per_mtok=0.5,
            output_usd_per_mtok=2.0,
            cache_read_usd_per_mtok=0.125,
            cache_write_5m_usd_per_mtok=0.625,
            reasoning_usd_per_mtok=3.0,
            per_search_usd=0.01,
            context_window_tokens=500_000,
        ),
        # excess rule: input beyond 128k billed at 2x, beyond 256k at 3x; output whole-request tier
        dict(endpoint_key="q/x", input_usd_per_mtok=1.0, output_usd_per_mtok=3.0),
    ]
)
TIERS = tiers_frame(
    [
        dict(
            price_row_id=3,
            price_column="input_usd_per_mtok",
            threshold_input_tokens=128_000,
            usd_per_mtok=2.0,
            rule="excess",
        ),
        dict(
            price_row_id=3,
            price_column="input_usd_per_mtok",
            threshold_input_tokens=256_000,
            usd_per_mtok=3.0,
            rule="excess",
        ),
        dict(
            price_row_id=3,
            price_column="output_usd_per_mtok",
            threshold_input_tokens=200_000,
            usd_per_mtok=6.0,
            rule="whole_request",
        ),
        dict(
            price_row_id=1,
            price_column="input_usd_per_mtok",
            threshold_input_tokens=200_000,
            usd_per_mtok=2.0,
            rule="whole_request",
        ),
    ]
)
TABLES = {"endpoints": EP, "tiers": TIERS}


def test_tables_valid():
    assert validate_tables(TABLES) == []


def test_excess_rule_bills_only_the_excess():
    r = cost_usd(
        EP[EP.endpoint_key == "q/x"], TIERS, dict(input_tokens=300_000, output_tokens=0), datetime(2026, 1, 1)
    )
    assert r.cost_usd == Decimal("0.128") + Decimal("0.256") + Decimal("0.132")


def test_history_and_window():
    rows = EP[EP.endpoint_key == "p/m"]
    u = dict(input_tokens=400_000, output_tokens=0)
    assert cost_usd(rows, TIERS, u, datetime(2026, 5, 31, 23, 59)).cost_usd == Decimal("0.8")
    assert cost_usd(rows, TIERS, u, datetime(2026, 6, 1, 16, 29)).cost_usd == Decimal(
        "0.801"
    )  # tier 2.0 + fee
    big = dict(input_tokens=600_000, output_tokens=0)
    assert (
        cost_usd(rows, TIERS, big, datetime(2026, 6, 1)).set_aside_reason == "over the model's context window"
    )
    u = dict(input_tokens=100_000, output_tokens=0)
    assert cost_usd(rows, TIERS, u, datetime(2026, 6, 1, 16, 29)).cost_usd == Decimal(
        "0.101"
    )  # + request fee
    assert cost_usd(rows, TIERS, u, datetime(2026, 6, 1, 16, 30)).cost_usd == Decimal("0.05")


def test_unknown_never_zero():
    rows = EP[EP.endpoint_key == "p/m"]
    late = datetime(2026, 7, 1, 20, 0)  # off-peak window has no 1-hour cache-write price
    r = cost_usd(
        rows,
        TIERS,
        dict(input_tokens=10, output_tokens=0, cache_write_tokens=5, cache_write_1h_tokens=5),
        late,
    )
    assert (r.cost_usd, r.set_aside_reason) == (None, "no 1-hour cache-write price known")
    early = datetime(2026, 1, 1)
    r = cost_usd(rows, TIERS, dict(input_tokens=10, output_tokens=0, searches=1), early)
    assert (r.cost_usd, r.set_aside_reason) == (None, "no search price known")


usage_rows = st.fixed_dictionaries(
    dict(
        endpoint_key=st.sampled_from(["p/m", "q/x", "nope/none"]),
        minutes=st.integers(0, 3 * 365 * 1440),
        input_tokens=st.integers(0, 600_000),
        cache_read=st.integers(0, 300_000),
        cache_write=st.integers(0, 100_000),
        cw1h=st.integers(0, 50_000),
        output_tokens=st.integers(0, 100_000),
        reasoning=st.integers(0, 100_000),
        searches=st.integers(0, 2),
    )
)


@settings(max_examples=30, deadline=None)
@given(st.lists(usage_rows, min_size=1, max_size=40))
def test_vectorized_equals_reference(rows):
    frame = pd.DataFrame(
        [
            dict(
                endpoint_key=r["endpoint_key"],
                timestamp=pd.Timestamp("2025-06-01") + timedelta(minutes=r["minutes"]),
                input_tokens=r["input_tokens"],
                cache_read_tokens=r["cache_read"],
                cache_write_tokens=r["cache_write"],
                cache_write_1h_tokens=r["cw1h"],
                output_tokens=r["output_tokens"],
                reasoning_tokens=r["reasoning"],
                searches=r["searches"],
            )
            for r in rows
        ]
    )
    out = price_rows(frame, TABLES)
    for row, cost, reason in zip(frame.itertuples(), out["cost_usd"], out["set_aside_reason"], strict=True):
        ref = cost_usd(EP[EP.endpoint_key == row.endpoint_key], TIERS, row._asdict(), row.timestamp)
        assert ref.set_aside_reason == reason
        assert reason is None or reason in SET_ASIDE_REASONS
        if reason is None:
            assert abs(ref.cost_usd - Decimal(repr(cost))) < Decimal("1e-9")
        else:
            assert pd.isna(cost)

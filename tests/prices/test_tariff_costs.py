"""analysis.prices.tariff_costs: the price table the pricing expression joins (its 'no price in force' gap rows),
remembered per catalog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.tariff_tables import endpoints_frame, tiers_frame
from analysis.prices.tariff_costs import HIGH_DATE, LOW_DATE, _with_gap_rows, price_rows, price_table


def _gaps_by_walking(ep: pd.DataFrame) -> set[tuple]:
    """The gaps found the plain way: per endpoint and tier, walk the periods by start with a cursor at the
    furthest end so far (the definition the vectorized code must match)."""
    start = ep.effective_from.fillna(LOW_DATE)
    end = ep.effective_to.fillna(HIGH_DATE)
    out = set()
    frame = pd.DataFrame({"k": ep.endpoint_key, "t": ep.service_tier, "s": start, "e": end}).drop_duplicates()
    for (k, t), g in frame.sort_values("s").groupby(["k", "t"]):
        cursor = LOW_DATE
        for s, e in zip(g.s, g.e, strict=True):
            if s > cursor:
                out.add((k, t, cursor, s))
            cursor = max(cursor, e)
        if cursor < HIGH_DATE:
            out.add((k, t, cursor, HIGH_DATE))
    return out


def test_gap_rows_are_exactly_the_periods_no_price_covers_on_random_histories():
    rng = np.random.default_rng(7)
    days = pd.date_range("2025-01-01", periods=400, freq="D")
    rows = []
    for _ in range(300):  # overlapping, nested, touching and open-ended periods, several tiers
        a = int(rng.integers(len(days) - 60))
        b = a + int(rng.integers(1, 60))
        rows.append(dict(endpoint_key=f"p/m{rng.integers(12)}", service_tier=["standard", "batch"][rng.integers(2)],
                         effective_from=None if rng.random() < 0.1 else days[a],
                         effective_to=None if rng.random() < 0.15 else days[b],
                         input_usd_per_mtok=1.0, output_usd_per_mtok=2.0))
    ep = endpoints_frame(rows)
    wide = _with_gap_rows(ep)
    gaps = wide[wide.no_price]
    found = {(k, t, pd.Timestamp(s), pd.Timestamp(e)) for k, t, s, e in
             zip(gaps.endpoint_key, gaps.service_tier, gaps.effective_from, gaps.effective_to, strict=True)}
    assert found == _gaps_by_walking(ep) and len(found) == len(gaps) > 20
    assert (wide[~wide.no_price].price_row_id.tolist() == ep.price_row_id.tolist())  # every price row kept, in order


def test_a_price_in_force_and_a_gap_price_as_the_walk_says():
    ep = endpoints_frame([dict(endpoint_key="d/m", effective_from="2026-01-01", effective_to="2026-02-01",
                               input_usd_per_mtok=1.0, output_usd_per_mtok=2.0),
                          dict(endpoint_key="d/m", effective_from="2026-03-01", input_usd_per_mtok=0.5,
                               output_usd_per_mtok=1.0)])
    usage = pd.DataFrame(dict(endpoint_key="d/m", timestamp=pd.to_datetime(["2026-01-15", "2026-02-15", "2026-03-15"]),
                              input_tokens=1_000_000, output_tokens=0))
    out = price_rows(usage, {"endpoints": ep, "tiers": tiers_frame([])})
    assert out.cost_usd.tolist()[0::2] == [1.0, 0.5] and np.isnan(out.cost_usd[1])
    assert out.set_aside_reason.tolist() == [None, "no price in force on that date", None]


def test_the_price_table_is_remembered_per_catalog_and_rebuilt_for_another():
    one = {"endpoints": endpoints_frame([dict(endpoint_key="d/m", input_usd_per_mtok=1.0)]), "tiers": tiers_frame([])}
    other = {"endpoints": endpoints_frame([dict(endpoint_key="d/m", input_usd_per_mtok=3.0)]), "tiers": tiers_frame([])}
    assert price_table(one)[0] is price_table(dict(one))[0]  # the same frames: built once
    assert price_table(other)[0] is not price_table(one)[0]
    assert price_table(other)[0].input_usd_per_mtok.tolist() != price_table(one)[0].input_usd_per_mtok.tolist()

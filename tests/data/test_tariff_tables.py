"""The tariff tables' layout (analysis.data.tariff_tables): defaults, renumbering, every problem at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.tariff_tables import (
    ENDPOINT_COLUMNS,
    endpoints_frame,
    renumber,
    tiers_frame,
    validate_tables,
)


def test_defaults_leave_prices_unknown_never_zero():
    ep = endpoints_frame([dict(endpoint_key="o/m", input_usd_per_mtok=2.5)])
    assert list(ep.columns) == list(ENDPOINT_COLUMNS)
    row = ep.iloc[0]
    assert row.input_usd_per_mtok == 2.5 and np.isnan(row.output_usd_per_mtok) and np.isnan(row.per_search_usd)
    assert (row.service_tier, row.utc_weekday_mask, row.utc_start_minute, row.utc_end_minute) == ("standard", 127, 0,
                                                                                                   1440)
    assert pd.isna(row.first_party) and pd.isna(row.effective_from)


def test_every_problem_named_at_once():
    ep = endpoints_frame([dict(endpoint_key="x/y", input_usd_per_mtok=-1.0, utc_start_minute=600,
                               utc_end_minute=600)])
    tiers = tiers_frame([dict(price_row_id=0, price_column="input_cost", threshold_input_tokens=1, usd_per_mtok=1.0,
                              rule="cliff"),
                         dict(price_row_id=7, price_column="input_usd_per_mtok", threshold_input_tokens=1,
                              usd_per_mtok=1.0, rule="excess")])
    problems = validate_tables({"endpoints": ep, "tiers": tiers}, name="mine")
    assert len(problems) == 5
    assert problems[0] == ("mine: endpoints price_row_id=0 endpoint_key='x/y' column input_usd_per_mtok: value -1.0, "
                           "expected >= 0 or NaN")
    assert any("utc_start_minute/utc_end_minute: values 600/600" in p for p in problems)
    assert any("price_column: value 'input_cost'" in p for p in problems)
    assert any("rule: value 'cliff'" in p for p in problems)
    assert any("price_row_id: value 7, expected an endpoints row" in p for p in problems)


def test_renumber_keeps_tiers_attached():
    ep = endpoints_frame([dict(endpoint_key="a/m"), dict(endpoint_key="b/m")])
    tiers = tiers_frame([dict(price_row_id=1, price_column="input_usd_per_mtok", threshold_input_tokens=10,
                              usd_per_mtok=2.0, rule="whole_request")])
    ep2, tiers2 = renumber(ep, tiers, start=100)
    assert ep2.price_row_id.tolist() == [100, 101] and tiers2.price_row_id.tolist() == [101]

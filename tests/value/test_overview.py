"""The overview table and points (analysis.value.overview)."""

from __future__ import annotations

import pandas as pd

from analysis.data.gateway import load_gateway_models
from analysis.data.load import load_access, load_benchmarks, load_model_facts, load_pricing
from analysis.value.overview import overview_points, overview_table


def test_unknowns_stay_unknown_in_the_table():
    t = overview_table(load_pricing(), load_benchmarks(), load_model_facts(), load_access(),
                       load_gateway_models()).set_index("model")
    assert t.loc["Qwen3-32B", "vision"] is None  # no entry in model_facts: a data gap, never "no"
    assert t.loc["GPT-4o", "vision"] is True and t.loc["DeepSeek V4 Flash", "vision"] is False
    assert pd.isna(t.loc["Qwen3.5-397B", "blended_usd_per_mtok"])
    assert t.loc["GPT-4o", "access"] == "direct 7/7, gateway 7/7"


def test_a_catalog_model_without_scores_sorts_after_every_valued_one():
    pricing = load_pricing()
    extra = pd.DataFrame([{"model": "Zeta", "provider": "Z", "origin": "US", "input_usd_per_mtok": 0.01,
                           "output_usd_per_mtok": 0.02, "price_source": "test"}])
    t = overview_table(pd.concat([pricing, extra], ignore_index=True), load_benchmarks())
    valued = t.value_multiple.notna()
    assert valued.iloc[: valued.sum()].all() and t.model.iloc[-1] != "DeepSeek V4 Flash"
    assert t.set_index("model").loc["Zeta", "no_value_reason"] == "no benchmark score in the data"
    assert "Zeta" not in set(overview_points(pd.concat([pricing, extra], ignore_index=True), load_benchmarks()).model)

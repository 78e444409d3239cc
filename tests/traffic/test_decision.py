"""The decision brief's recommendation, latency sources and robustness (analysis.traffic.decision)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.traffic import decision
from analysis.traffic.capabilities import capabilities
from analysis.traffic.workload import example_workload


@pytest.fixture(scope="module")
def caps():
    return capabilities()


def test_a_per_task_floor_with_no_qualifying_model_is_unserved_with_the_reasons(caps):
    floors = decision.parse_floor("code:91, reasoning:87, chinese:89, general:85")
    rec = decision.recommend(example_workload(), caps, floors, decision.latency_table(caps.index), 2.0)
    assert rec.routes["chinese"] is None and rec.kind == "none"
    assert pd.isna(rec.monthly_cost_usd)  # never a partial bill presented as the month's
    assert "p99 latency unknown (data gap)" in rec.unserved["chinese"]
    assert "ceval 88.5 under the floor of 89" in rec.unserved["chinese"]
    assert rec.routes["reasoning"] == "GPT-4o"  # V4 Flash's MMLU 85.5 is under 87
    assert decision.robustness(rec, caps)["share"] is None


def test_assuming_unknown_latency_opens_the_other_models(caps):
    floors = decision.parse_floor("code:91, reasoning:87, chinese:89, general:85")
    lat = decision.latency_table(caps.index)
    rec = decision.recommend(example_workload(), caps, floors, lat, 2.0, assume_unknown_latency_ok=True)
    assert rec.routes["chinese"] == "Qwen3-32B"  # 0.18/0.28 and C-Eval 89, as 06's threshold policy picks
    assert rec.routes["reasoning"] == "Kimi K2.5"  # the cheapest with MMLU >= 87 and a known input price
    assert not rec.unserved


def test_a_tight_latency_bound_leaves_only_the_fast_models(caps):
    lat = decision.latency_table(caps.index)
    rec = decision.recommend(example_workload(), caps, decision.parse_floor("85"), lat, 1.9)
    assert rec.routes["vision"] is None  # GPT-4o's published p99 reaches 2.0 s
    assert "p99 2 s over the 1.9 s bound" in rec.unserved["vision"]


def test_measured_latency_from_a_live_run_wins_and_an_emulated_one_is_refused(tmp_path, caps):
    live = {"results": {"mode": "live", "percentiles": {"GPT-4o": {"ttft_s": {"n": 20, "p99": 3.1}}}}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(live))
    results, why = decision.read_live_results(path)
    assert why is None
    lat = decision.latency_table(caps.index, live_results=results).set_index("model")
    assert lat.loc["GPT-4o", "p99_ttft_s"] == 3.1 and lat.loc["GPT-4o", "latency_source"] == decision.MEASURED
    assert lat.loc["DeepSeek V4 Flash", "latency_source"] == decision.PUBLISHED
    rec = decision.recommend(example_workload(), caps, decision.parse_floor("85"), lat.reset_index(), 2.0)
    assert rec.routes["vision"] is None  # the measured 3.1 s is over the bound
    path.write_text(json.dumps({"results": {"mode": "emulated", "percentiles": {}}}))
    results, why = decision.read_live_results(path)
    assert results is None and "simulated" in why


def test_robustness_is_one_without_noise_and_falls_when_a_score_sits_on_the_floor(caps):
    lat = decision.latency_table(caps.index)
    rec = decision.recommend(example_workload(), caps, decision.parse_floor("85.5"), lat, 2.0)
    assert decision.robustness(rec, caps, sigma=0.0, n_draws=50)["share"] == 1.0
    noisy = decision.robustness(rec, caps, sigma=1.0, n_draws=4000, seed=3)
    assert noisy["by_task"]["reasoning"] == pytest.approx(0.5, abs=0.04)  # MMLU 85.5 exactly on the floor
    assert noisy["share"] <= noisy["by_task"]["reasoning"]

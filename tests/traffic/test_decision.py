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


# --------------------------------------------------------------------------- unknown latency and the alternative

TIGHT = "code:91, reasoning:87, chinese:89, general:85"
TASK_BENCH = {"code": "humaneval", "reasoning": "mmlu", "chinese": "ceval", "general": "mmlu", "vision": None}


def _csv_oracle(floor_text: str, bound_s: float, unknown_latency_ok: bool) -> tuple[dict, float]:
    """Per task type the cheapest model meeting the floor and the bound (``None``: none does) and the month's bill
    (NaN when a task type is unserved), read from the shipped CSVs and YAML; tasks are independent, so this is the
    cheapest routing. It shares no code with analysis.traffic."""
    import yaml

    from analysis import paths

    pricing = pd.read_csv(paths.DATA / "pricing.csv").set_index("model")
    scores = pd.read_csv(paths.DATA / "benchmarks.csv").pivot(index="model", columns="benchmark", values="score")
    facts = pd.read_csv(paths.DATA / "model_facts.csv").set_index("model")
    workload = yaml.safe_load((paths.DATA / "workload-example.yml").read_text())
    floors = {k.strip(): float(v) for k, v in (pair.split(":") for pair in floor_text.split(","))}
    routes, total = {}, 0.0
    for task, t in workload["tasks"].items():
        options = []
        for model, p in pricing.iterrows():
            if pd.isna(p.input_usd_per_mtok) or pd.isna(p.output_usd_per_mtok):
                continue
            f = facts.loc[model] if model in facts.index else None
            p99 = f.ttft_p99_high_s if f is not None else float("nan")
            if (pd.isna(p99) and not unknown_latency_ok) or (pd.notna(p99) and p99 > bound_s):
                continue
            if task == "vision" and not (f is not None and f.vision is True):
                continue
            if f is not None and pd.notna(f.context_window_ktok) and \
                    t["input_tokens"] + t["output_tokens"] > f.context_window_ktok * 1000:
                continue
            bench = TASK_BENCH[task]
            if bench and not (model in scores.index and scores.loc[model, bench] >= floors[task]):
                continue
            usd = workload["requests_per_month"] * t["share"] * (
                t["input_tokens"] * p.input_usd_per_mtok + t["output_tokens"] * p.output_usd_per_mtok) / 1e6
            options.append((usd, model))
        if not options:
            routes[task], total = None, float("nan")
            continue
        usd, model = min(options)
        assert sum(1 for u, _ in options if u == usd) == 1, f"a tie for {task}: the oracle cannot choose"
        routes[task], total = model, total + usd
    return routes, total


def test_unknown_latency_lists_every_model_without_a_published_p99(caps):
    from analysis import paths

    facts = pd.read_csv(paths.DATA / "model_facts.csv").set_index("model")
    expected = [m for m in caps.index if m not in facts.index or pd.isna(facts.loc[m, "ttft_p99_high_s"])]
    assert expected  # the shipped data has gaps, so the test can tell a list from an empty one
    assert decision.unknown_latency(decision.latency_table(caps.index)) == expected
    live = {"percentiles": {m: {"ttft_s": {"n": 5, "p99": 1.0}} for m in expected[:2]}}
    assert decision.unknown_latency(decision.latency_table(caps.index, live_results=live)) == expected[2:]


def test_the_alternative_is_the_cheapest_routing_if_unknown_latencies_met_the_bound(caps):
    floors = decision.parse_floor(TIGHT)
    lat = decision.latency_table(caps.index)
    alt = decision.alternative_recommendation(example_workload(), caps, floors, lat, 2.0)
    routes, cost = _csv_oracle(TIGHT, 2.0, unknown_latency_ok=True)
    assert alt.routes == routes and alt.monthly_cost_usd == pytest.approx(cost)
    assert not alt.unserved
    rec = decision.recommend(example_workload(), caps, floors, lat, 2.0)
    assert rec.routes == _csv_oracle(TIGHT, 2.0, unknown_latency_ok=False)[0]  # the oracle agrees without the assumption
    assert rec.routes["chinese"] is None and alt.routes != rec.routes  # so the brief names the alternative


def test_no_alternative_when_it_is_already_assumed_or_no_latency_is_unknown(caps):
    floors = decision.parse_floor(TIGHT)
    lat = decision.latency_table(caps.index)
    assert decision.alternative_recommendation(example_workload(), caps, floors, lat, 2.0,
                                               assume_unknown_latency_ok=True) is None
    all_measured = {"percentiles": {m: {"ttft_s": {"n": 5, "p99": 1.0}} for m in caps.index}}
    known = decision.latency_table(caps.index, live_results=all_measured)
    assert decision.alternative_recommendation(example_workload(), caps, floors, known, 2.0) is None

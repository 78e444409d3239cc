"""Notebook 07-decision-brief under papermill, its numbers checked against an independent computation.

One papermill run, the session's run with the default parameters, is shared by every test of this module (other
parameters are covered, without a kernel, by tests/traffic/test_decision.py). The oracle reads the shipped CSV and YAML files itself and
brute-forces every assignment of a model to each task type: it shares no code with analysis/.
"""

from __future__ import annotations

import itertools
import json
import math

import pandas as pd
import pytest
import yaml

from analysis import paths

NB07 = paths.NOTEBOOKS / "07-decision-brief.ipynb"
TASK_BENCH = {"code": "humaneval", "reasoning": "mmlu", "chinese": "ceval", "general": "mmlu", "vision": None}
FLOOR, BOUND_S, SIGMA, DRAWS = 85.0, 2.0, 1.0, 2000


@pytest.fixture(scope="module")
def brief(tmp_path_factory, notebook_runs):
    out = tmp_path_factory.mktemp("nb07")
    result = notebook_runs.run(NB07, out)  # the session's run with the defaults (the default report's)
    assert result.status == "ok", result.summary()
    results = json.loads((out / NB07.stem / "results.json").read_text())
    for fig in results["figures"]:
        assert (out / fig["png"]).stat().st_size > 1000 and (out / fig["svg"]).stat().st_size > 1000
    return results, (out / f"{NB07.stem}.html").read_text()


def _data():
    pricing = pd.read_csv(paths.DATA / "pricing.csv").set_index("model")
    scores = pd.read_csv(paths.DATA / "benchmarks.csv").pivot(index="model", columns="benchmark", values="score")
    facts = pd.read_csv(paths.DATA / "model_facts.csv").set_index("model")
    workload = yaml.safe_load((paths.DATA / "workload-example.yml").read_text())
    return pricing, scores, facts, workload


def _oracle():
    """The cheapest assignment meeting every constraint, by brute force over all models for every task type."""
    pricing, scores, facts, workload = _data()
    tasks = workload["tasks"]
    n = workload["requests_per_month"]

    def cost(model, task):
        t = tasks[task]
        p = pricing.loc[model]
        if pd.isna(p.input_usd_per_mtok) or pd.isna(p.output_usd_per_mtok):
            return None
        return n * t["share"] * (t["input_tokens"] * p.input_usd_per_mtok + t["output_tokens"] * p.output_usd_per_mtok) / 1e6

    def ok(model, task):
        f = facts.loc[model] if model in facts.index else None
        if f is None or pd.isna(f.ttft_p99_high_s) or f.ttft_p99_high_s > BOUND_S:
            return False
        if task == "vision" and not (f is not None and f.vision is True):
            return False
        ctx = f.context_window_ktok
        if pd.notna(ctx) and tasks[task]["input_tokens"] + tasks[task]["output_tokens"] > ctx * 1000:
            return False
        bench = TASK_BENCH[task]
        if bench and not (model in scores.index and pd.notna(scores.loc[model, bench]) and scores.loc[model, bench] >= FLOOR):
            return False
        return cost(model, task) is not None

    names = list(tasks)
    best = None
    for combo in itertools.product(pricing.index, repeat=len(names)):
        if all(ok(m, t) for m, t in zip(combo, names)):
            total = sum(cost(m, t) for m, t in zip(combo, names))
            if best is None or total < best[0] - 1e-9:
                best = (total, dict(zip(names, combo)))
    quality_w = {t: tasks[t]["share"] for t in names if TASK_BENCH[t]}
    quality = sum(w * scores.loc[best[1][t], TASK_BENCH[t]] for t, w in quality_w.items()) / sum(quality_w.values())
    return best[0], best[1], quality


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@pytest.mark.notebook
def test_07_recommendation_is_the_brute_force_optimum(brief):
    results, _ = brief
    r = results["results"]
    cost, routes, quality = _oracle()
    rec = r["recommendation"]
    assert rec["routes"] == routes
    assert rec["monthly_cost_usd"] == pytest.approx(cost)  # $580.90 on the shipped data
    assert rec["expected_quality"] == pytest.approx(quality)
    assert rec["kind"] == "routing" and rec["unserved"] == {}
    assert rec["single_model"] == "GPT-4o" and rec["single_model_cost_usd"] == pytest.approx(7587.5)
    assert r["quality_floor"] == {"code": FLOOR, "reasoning": FLOOR, "chinese": FLOOR, "general": FLOOR}
    assert r["latency_bound_s"] == BOUND_S and "published" in r["latency_source"]


@pytest.mark.notebook
def test_07_robustness_matches_the_normal_probabilities(brief):
    """The recommended model is the cheapest one within the latency bound for every scored task, so it stays
    optimal exactly when each of its own noisy scores stays at or over the floor: a product of normal tails."""
    results, _ = brief
    _, scores, _, _ = _data()
    robust = results["results"]["robustness"]
    model = "DeepSeek V4 Flash"
    p = math.prod(_phi((scores.loc[model, b] - FLOOR) / SIGMA) for b in ("mmlu", "humaneval", "ceval"))
    se = math.sqrt(p * (1 - p) / DRAWS)
    assert robust["n_draws"] == DRAWS and robust["sigma"] == SIGMA
    assert abs(robust["share"] - p) < 4 * se  # p = 0.690; the seeded run gives 0.670
    assert abs(robust["by_task"]["reasoning"] - _phi(0.5)) < 4 * math.sqrt(0.25 / DRAWS)
    assert robust["by_task"]["vision"] == 1.0


@pytest.mark.notebook
def test_07_overview_is_sorted_by_value_and_complete(brief):
    results, _ = brief
    r = results["results"]
    pricing, scores, _, _ = _data()
    blended = (3 * pricing.input_usd_per_mtok + pricing.output_usd_per_mtok) / 4
    per_point = scores.rdiv(blended, axis=0)  # price per point, per model and benchmark
    multiple = (per_point / per_point.min()).min(axis=1).dropna().sort_values()
    table = r["overview_table"]
    valued = [row for row in table if row["value_multiple"] is not None]
    assert [row["model"] for row in valued] == list(multiple.index)
    assert [row["value_multiple"] for row in valued] == pytest.approx(list(multiple))
    assert len(table) == len(pricing)  # every priced model is a row; those without a value come last
    assert {row["model"] for row in table[len(valued):]} == set(pricing.index) - set(multiple.index)
    assert r["overview_left_out"]["GPT-4o-mini"] == "no benchmark score in the data"
    points = {(p["benchmark"], p["model"]) for p in r["overview_points"]}
    expected = {(b, m) for m in scores.index for b in scores.columns
                if pd.notna(scores.loc[m, b]) and pd.notna(blended.get(m))}
    assert points == expected
    assert [f["name"] for f in results["figures"]] == ["overview"]
    assert results["figures"][0]["title"] == "DeepSeek V4 Flash gives the most score per dollar on every benchmark"
    assert r["source"].startswith('Source: "Stop Guessing')


@pytest.mark.notebook
def test_07_page_answers_first(brief):
    results, page = brief
    first = [h["kind"] for h in results["headlines"][:3]]
    assert first == ["computed", "computed", "computed"]
    assert results["headlines"][0]["text"].startswith("Recommended: route DeepSeek V4 Flash for code, reasoning")
    assert "$580.90 a month" in results["headlines"][0]["text"]
    assert "in 67% of 2,000 draws" in results["headlines"][2]["text"]
    assert any(h["kind"] == "assumption" for h in results["headlines"])
    answer = page.index("The answer")
    assert answer < page.index("<img") and "$580.90" in page[answer:page.index("<img")]
    assert "/tmp/" not in page and "127.0.0.1" not in page

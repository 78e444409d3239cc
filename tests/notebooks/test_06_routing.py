"""Notebook 06-routing runs through papermill with its defaults and with a given usage log."""

from __future__ import annotations

import json

import pytest

from analysis import paths
from analysis.traffic import policies as traffic_policies
from analysis.traffic import workload as traffic_workload
from analysis.traffic.demo_log import generate_usage_log

NOTEBOOK = paths.NOTEBOOKS / "06-routing.ipynb"


def run(tmp_path, **parameters) -> dict:
    import papermill

    out = tmp_path / "out"
    papermill.execute_notebook(str(NOTEBOOK), str(tmp_path / "06.ipynb"), kernel_name="python3",
                               parameters={"output_dir": str(out), **parameters}, progress_bar=False,
                               cwd=str(tmp_path))
    return json.loads((out / "06-routing" / "results.json").read_text())


@pytest.mark.notebook
def test_defaults(tmp_path, run_notebook):
    doc, _ = run_notebook(NOTEBOOK, tmp_path / "out")  # the session's run with the defaults (the default report's)
    r = doc["results"]
    assert r["workload"]["assumption"] is True and r["workload"]["requests_per_month"] == 1_000_000
    assert r["monthly_cost_usd"]["GPT-4o"] == pytest.approx(7587.5)
    # the article router as data/router.csv routes it (the table notebook 05 routes by)
    assert r["monthly_cost_usd"][traffic_policies.ARTICLE_ROUTER] == pytest.approx(580.9)
    assert doc["data"]["router"]["file"].endswith("router.csv")
    assert r["monthly_cost_usd"]["DeepSeek V4 Flash"] is None  # cannot serve vision: no comparable bill
    assert r["savings_pct"][traffic_policies.ARTICLE_ROUTER] == pytest.approx(100 * (7587.5 - 580.9) / 7587.5)
    assert r["monthly_cost_usd"][traffic_policies.OPTIMISED_POLICY] <= 2000
    assert r["policies"]["DeepSeek V4 Flash"]["unserved"].startswith("vision (DeepSeek V4 Flash: no vision")
    # no vision entry in the data is a gap, not a fact (issue 11): unknown, never "cannot serve"
    claude = r["policies"]["Claude 3.5 Sonnet"]
    assert claude["unserved_data_gap"] is True and "vision unknown (data gap)" in claude["unserved"]
    assert r["policies"]["DeepSeek V4 Flash"]["unserved_data_gap"] is False
    assert not any("10 of 11" in h["text"] for h in doc["headlines"])
    assert any("6 are unknown (data gap)" in h["text"] for h in doc["headlines"])
    assert r["unscored_task_types"] == {"vision": "no benchmark in the data: quality unknown, not guessed"}
    assert set(r["frontier"]) == {"GPT-4o", traffic_policies.ARTICLE_ROUTER, traffic_policies.THRESHOLD_POLICY, traffic_policies.OPTIMISED_POLICY}
    assert [row["task_type"] for row in r["routing_table"]] == list(traffic_workload.TASK_TYPES)
    log = r["usage_log"]
    assert log["generated"] is True and log["rows_total"] == 20_000
    assert log["set_aside_by_kind"] == {k: 2 for k in ("unparsable timestamp", "unknown model",
                                                      "missing or non-numeric tokens", "negative tokens",
                                                      "unknown task_type")}
    assert log["rows_priced"] == 20_000 - 10
    tariffs = r["usage_log_tariffs"]  # on the article's tariffs: billing does not depend on the task type
    assert (tariffs["rows_total"], tariffs["rows_priced"], tariffs["cache_hit_share_assumed"]) == (20_000, 19_992, True)
    assert tariffs["set_aside_by_reason"] == {k: 2 for k in ("unparsable timestamp", "unknown model",
                                                            "missing or non-numeric tokens", "negative tokens")}
    # the two totals of one log reconcile: as billed = as logged + the 2 rows with an unknown task_type, said so
    unknown = tariffs["task_type_unknown"]
    assert unknown["rows"] == 2 and unknown["billed_cost_usd"] > 0 and "2 rows with an unknown task_type" in unknown["note"]
    logged = log["totals"]["as logged"]["cost_usd"]
    assert tariffs["billed_cost_usd"] == pytest.approx(logged + unknown["billed_cost_usd"], abs=1e-9)
    headline = next(h["text"] for h in doc["headlines"] if h["text"].startswith("On its tariffs"))
    assert "that includes 2 rows with an unknown task_type" in headline and "which the re-pricing above sets aside" in headline
    # today's prices: the same rows, the same cost per model as each model alone; vision rows set aside where the
    # model cannot serve them or its vision is unknown, so the cheapest model that prices every row is GPT-4o
    today = {row["name"]: row for row in tariffs["today"]}
    for name in ("GPT-4o", "DeepSeek V4 Flash", "Claude 3.5 Sonnet"):
        assert today[name]["cost_usd"] == pytest.approx(log["totals"][name]["cost_usd"])
        assert today[name]["rows_set_aside"] == log["totals"][name]["rows_unserved"]
    assert "no vision" in today["DeepSeek V4 Flash"]["note"] and "data gap" in today["Claude 3.5 Sonnet"]["note"]
    assert "the cheapest model that prices every row is GPT-4o" in headline
    kinds = {h["kind"] for h in doc["headlines"]}
    assert {"assumption", "computed", "as published", "simulated"} <= kinds
    names = {f["name"] for f in doc["figures"]}
    assert names == {"policy-cost", "policy-frontier", "routing-grid", "savings-by-volume", "usage-cost",
                     "usage-daily", "usage-rows"}
    assert all((tmp_path / "out" / f["png"]).stat().st_size > 0 for f in doc["figures"])


@pytest.mark.notebook
def test_with_a_given_log_and_other_parameters(tmp_path):
    log = generate_usage_log(tmp_path / "mine.parquet", rows=3000, seed=3, bad_rows={"negative tokens": 4})
    router = tmp_path / "my-router.csv"
    router.write_text("task_type,rank,model,note\ncode,1,GLM-5,mine\ndefault,1,GPT-4o,any other\n")
    doc = run(tmp_path, usage_log=str(log), mix="code:1", requests_per_month=1e5, baseline="article router",
              chosen_policy="threshold", budget_usd=500.0, router_csv=str(router))
    r = doc["results"]
    # code only, 100,000 requests of 2,000 input and 600 output tokens
    assert r["monthly_cost_usd"]["GPT-4o"] == pytest.approx(1e5 * (2000 * 2.5 + 600 * 10) / 1e6)
    assert r["monthly_cost_usd"]["DeepSeek V4 Flash"] == pytest.approx(1e5 * (2000 * 0.18 + 600 * 0.25) / 1e6)
    # code only, and the given router sends code to GLM-5: the router costs exactly what GLM-5 alone costs
    assert r["monthly_cost_usd"][traffic_policies.ARTICLE_ROUTER] == r["monthly_cost_usd"]["GLM-5"]
    assert r["monthly_cost_usd"]["GLM-5"] != r["monthly_cost_usd"]["DeepSeek V4 Flash"]
    assert doc["data"]["router"]["file"] == "my-router.csv"  # named, never this machine's path
    assert r["savings_usd"][traffic_policies.ARTICLE_ROUTER] == 0 and r["baseline"] == "article router"
    assert r["chosen_policy"] == traffic_policies.THRESHOLD_POLICY
    u = r["usage_log"]
    assert u["generated"] is False and u["file"] == str(log)
    assert (u["rows_total"], u["rows_priced"], u["set_aside_by_kind"]) == (3000, 2996, {"negative tokens": 4})
    assert doc["data"]["usage_log"]["file"] == "mine.parquet"
    assert "simulated" not in {h["kind"] for h in doc["headlines"]}

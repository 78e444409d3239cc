"""Notebook 03-efficiency-frontier under papermill: defaults, other parameters, results.json."""

from __future__ import annotations

import pytest

from analysis import paths

NB03 = paths.NOTEBOOKS / "03-efficiency-frontier.ipynb"


@pytest.mark.notebook
def test_03_defaults(tmp_path, run_notebook):
    results, _ = run_notebook(NB03, tmp_path)
    r = results["results"]
    assert r["benchmark"] == "humaneval" and r["basis"] == "output" and r["score_sigma"] == 1.0
    assert r["data_freshness"]["as_of"] == results["data_as_of"] == "2026-11-27"
    assert r["frontier_models"] == {
        "mmlu": ["DeepSeek V4 Flash", "GLM-5", "Qwen3.5-397B", "GPT-4o", "Claude 3.5 Sonnet"],
        "humaneval": ["DeepSeek V4 Flash", "GPT-4o", "Claude 3.5 Sonnet"],
        "ceval": ["DeepSeek V4 Flash", "Qwen3-32B", "GLM-5"]}
    ceval = {row["model"]: row for row in r["frontier"]["ceval"]}
    assert ceval["GPT-4o"]["dominated_by"] == "Qwen3-32B"
    assert ceval["GPT-4o"]["overpay"] == pytest.approx(10 / 0.28)
    assert ceval["GPT-4o-mini"]["score"] is None and not ceval["GPT-4o-mini"]["on_frontier"]
    assert ceval["GPT-4o-mini"]["excluded_reason"] == "no C-Eval score in the data"
    assert [d["model"] for d in r["dominated"]] == ["Qwen3-Coder-30B", "DeepSeek Coder"]
    assert r["dominated"][0]["overpay"] == pytest.approx(1.4)
    assert r["best_value"]["humaneval"] == {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.25 / 92}
    per_point = {(p["benchmark"], p["model"]): p for p in r["price_per_point"]}
    assert per_point[("humaneval", "Claude 3.5 Sonnet")]["value_multiple"] == pytest.approx((15 / 93) / (0.25 / 92))
    assert r["unscored_models"] == ["Gemini 1.5 Pro", "GPT-4o-mini"]
    assert r["frontier_probability"]["GPT-4o-mini"] is None  # never invented
    assert 0 < r["frontier_probability"]["GPT-4o"] < 1
    claims = r["article_claims"]
    assert claims["humaneval_v4flash_vs_sonnet"]["supported"] is True
    assert claims["humaneval_v4flash_vs_sonnet"]["numbers"]["output_price_multiple"] == 60.0
    assert claims["ceval_qwen3_32b_vs_gpt4o"]["supported"] is True
    assert claims["headtohead_qwen3_32b_vs_gpt4o_mini"]["supported"] is True
    assert claims["mmlu_us_edge"]["verdict"] == "fragile" and claims["mmlu_us_edge"]["kind"] == "computed"
    assert claims["mmlu_us_premium"]["verdict"] == "not supported"
    assert claims["mmlu_us_premium"]["kind"] == "not supported"
    kinds = {h["kind"] for h in results["headlines"]}
    assert {"computed", "not supported", "assumption", "as published"} <= kinds
    assert {f["name"] for f in results["figures"]} == {"frontier", "price-per-point", "frontier-probability"}


@pytest.mark.notebook
def test_03_other_benchmark_basis_and_noise(tmp_path, run_notebook):
    results, _ = run_notebook(NB03, tmp_path, benchmark="mmlu", basis="blended", input_output_ratio=1.0, score_sigma=0.0,
                   n_draws=50)
    r = results["results"]
    assert results["parameters"]["basis"] == "blended" and r["input_output_ratio"] == 1.0
    # blended 1:1 = (in + out) / 2; Qwen3.5-397B has no input price and is left out with the reason
    mmlu = {row["model"]: row for row in r["frontier"]["mmlu"]}
    assert mmlu["GPT-4o"]["usd_per_mtok"] == pytest.approx(6.25)
    assert r["excluded"]["Qwen3.5-397B"] == "input price unknown (needed for the blended price)"
    assert r["frontier_models"]["mmlu"] == ["DeepSeek V4 Flash", "GLM-5", "Kimi K2.5", "GPT-4o", "Claude 3.5 Sonnet"]
    # no noise: every frontier model is robustly on it
    assert sorted(r["robust_conclusions"]["on the frontier (robust)"]) == sorted(r["frontier_models"]["mmlu"])
    assert r["robust_conclusions"]["depends on the noise"] == []
    # the claims always use output prices, whatever the basis shown
    assert r["article_claims"]["humaneval_v4flash_vs_sonnet"]["numbers"]["output_usd_per_mtok"] == [0.25, 15.0]

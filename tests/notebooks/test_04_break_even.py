"""Notebook 04-break-even under papermill: defaults, other parameters, results.json."""

from __future__ import annotations

import pytest

from analysis import paths

NB04 = paths.NOTEBOOKS / "04-break-even.ipynb"


@pytest.mark.notebook
def test_04_defaults(tmp_path, run_notebook):
    results, _ = run_notebook(NB04, tmp_path)
    r = results["results"]
    assert r["data_freshness"]["as_of"] == "2026-11-27"
    vol = r["volume_break_even"]
    assert vol["tokens_per_month"] == pytest.approx(2000 / (10.0 - 0.25) * 1e6) and vol["never"] is False
    q = r["quality_break_even"]
    assert q["task_cost_usd_a"] == pytest.approx(0.00875) and q["task_cost_usd_b"] == pytest.approx(0.000395)
    assert q["failure_cost_usd"] == pytest.approx((0.00875 - 0.000395) / (0.887 - 0.855))
    sh = r["self_hosting_break_even"]
    assert sh["model"] == "Qwen3-32B" and sh["never"] is True and sh["tokens_per_month"] is None
    assert sh["self_hosted_usd_per_mtok_at_full_use"] == pytest.approx(2.5 * 730 / (1000 * 0.5 * 3600 * 730) * 1e6)
    by_model = {row["model"]: row for row in r["self_hosting_by_model"]}
    # closed weights: no break-even (issue 11); an open-weight model dearer than a busy GPU has one
    assert by_model["GPT-4o"]["break_even_tokens_per_month"] is None
    assert by_model["GPT-4o"]["reason"] == "closed weights: cannot self-host" and by_model["GPT-4o"]["open_weights"] is False
    assert by_model["GLM-5"]["break_even_tokens_per_month"] == pytest.approx(2_851_562_500)
    volume_headline = results["headlines"][0]
    assert volume_headline["kind"] == "assumption"
    assert "exists only because of the assumed fixed costs" in volume_headline["text"]
    assert len(r["quality_break_even_matrix"]) == 15
    assert r["assumptions"]["gpu_usd_per_hour"] == 2.5
    assumptions = [h["text"] for h in results["headlines"] if h["kind"] == "assumption"]
    assert any("example assumptions" in t for t in assumptions)
    assert {f["name"] for f in results["figures"]} == {"volume-break-even", "quality-break-even",
                                                       "quality-break-even-pairs", "self-hosting-break-even"}


@pytest.mark.notebook
def test_04_other_pair_and_gpu(tmp_path, run_notebook):
    results, _ = run_notebook(NB04, tmp_path, model_a="GPT-4o", model_b="Qwen3-32B", benchmark="ceval",
                   fixed_a_usd_per_month=500.0, fixed_b_usd_per_month=0.0, self_host_model="Claude 3.5 Sonnet",
                   gpu_tok_per_s=2000.0, gpu_utilisation=0.25, basis="blended")
    r = results["results"]
    # Qwen3-32B is cheaper per token and on fixed cost: never, with the reason
    vol = r["volume_break_even"]
    assert vol["never"] is True and vol["tokens_per_month"] is None
    assert vol["reason"].startswith("Qwen3-32B is cheaper at every volume")
    # and it is more accurate on C-Eval: the quality break-even never happens either
    q = r["quality_break_even"]
    assert q["never"] is True and "Qwen3-32B, is also at least as accurate" in q["reason"]
    sh = r["self_hosting_break_even"]
    # Claude blended 3:1 = $6.00, but its weights are closed: no self-hosting break-even, no figure of one
    assert sh["api_usd_per_mtok"] == pytest.approx(6.0)
    assert sh["tokens_per_month"] is None and sh["reason"] == "Claude 3.5 Sonnet has closed weights: cannot self-host"
    assert "self-hosting-break-even" not in {f["name"] for f in results["figures"]}


@pytest.mark.notebook
def test_04_a_self_host_model_the_table_does_not_price_is_unknown_not_a_crash(tmp_path, run_notebook):
    """A catalog lists each model at its maker's own price; a model only resellers price is not in it."""
    results, page = run_notebook(NB04, tmp_path, self_host_model="Not A Model")
    s = results["results"]["self_hosting_break_even"]
    assert s["model"] == "Not A Model" and s["api_usd_per_mtok"] is None and s["tokens_per_month"] is None
    assert "Not A Model has no price in this pricing table" in page
    assert results["results"]["self_hosting_by_model"], "the table still compares every priced model"

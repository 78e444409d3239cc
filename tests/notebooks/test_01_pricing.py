"""Notebook 01-pricing under papermill: the article's prices and its 10-billion-token example, at other volumes too."""

from __future__ import annotations

import pytest

from analysis import paths

NB01 = paths.NOTEBOOKS / "01-pricing.ipynb"


@pytest.mark.notebook
def test_01_defaults(tmp_path, run_notebook):
    results, page = run_notebook(NB01, tmp_path)
    r = results["results"]
    assert r["cheapest_output"] == {"models": ["DeepSeek Coder", "DeepSeek V4 Flash"], "usd_per_mtok": 0.25}
    assert r["article_example_10b_output_tokens_usd"] == {"DeepSeek V4 Flash": 2500.0, "Claude 3.5 Sonnet": 150000.0}
    assert r["output_multiple"]["Claude 3.5 Sonnet"] == 60.0 and r["output_multiple_formatted"]["GPT-4o"] == "40×"
    assert r["blended_usd_per_mtok"]["GPT-4o"] == pytest.approx((3 * 2.50 + 10.00) / 4)
    assert r["blended_usd_per_mtok"]["Qwen3.5-397B"] is None  # input price unknown: never 0
    assert r["monthly_bill_usd"]["GPT-4o"] == pytest.approx(100_000.0)
    assert {f["name"] for f in results["figures"]} == {"output-price", "monthly-bill", "traffic-bill"}
    assert "$150,000" in page
    ends = r["endpoints"]  # where to buy GPT-4o: the article's catalog has its one price
    assert ends["model"] == "GPT-4o" and ends["canonical_model_id"] == "gpt-4o"
    assert [(e["provider"], e["output_usd_per_mtok"], e["output_multiple"]) for e in ends["rows"]] == [("OpenAI", 10.0, 1.0)]
    assert any(h["text"].startswith("GPT-4o: 1 price in this catalog") for h in results["headlines"])
    assert "Where to buy it" in page


@pytest.mark.notebook
def test_01_other_volume_and_mix(tmp_path, run_notebook):
    results, _ = run_notebook(NB01, tmp_path, monthly_tokens=2e9, input_output_ratio=1.0)
    r = results["results"]
    assert results["parameters"]["monthly_tokens"] == 2e9 and r["input_output_ratio"] == 1.0
    assert r["monthly_bill_usd"]["DeepSeek V4 Flash"] == pytest.approx(500.0)
    assert r["blended_usd_per_mtok"]["GPT-4o"] == pytest.approx((2.50 + 10.00) / 2)
    assert r["article_example_10b_output_tokens_usd"]["Claude 3.5 Sonnet"] == 150000.0  # the example stays the article's

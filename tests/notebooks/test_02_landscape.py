"""Notebook 02-landscape under papermill: the access matrix and head-to-heads as published, their multiples computed."""

from __future__ import annotations

import pytest

from analysis import paths

NB02 = paths.NOTEBOOKS / "02-landscape.ipynb"


@pytest.mark.notebook
def test_02_defaults(tmp_path, run_notebook):
    results, _ = run_notebook(NB02, tmp_path)
    r = results["results"]
    assert r["access_factors_passed"] == {"US Models": 7, "Chinese Models (direct)": 0, "Global API": 7}
    assert r["matchup_output_price_multiple"]["DeepSeek V4 Flash vs GPT-4o"] == pytest.approx(40.0)
    assert r["matchup_output_price_multiple_formatted"]["Qwen3-32B vs GPT-4o-mini"] == "2.1×"
    assert len(r["access_matrix"]) == 21  # 7 factors x 3 options
    assert {h["kind"] for h in results["headlines"]} == {"as published", "computed"}
    assert {f["name"] for f in results["figures"]} == {"access-matrix", "matchup-stars", "published-speed"}

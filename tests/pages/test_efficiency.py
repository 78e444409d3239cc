"""analysis.pages.efficiency: notebook 03's Markdown lists escape every name."""

from __future__ import annotations

import re

from analysis.pages import efficiency as pages_efficiency
from analysis.value.claims import Claim


def test_frontier_and_conclusion_lists_escape_model_names(monkeypatch):
    monkeypatch.setattr(pages_efficiency, "frontier_models", lambda tables: {"humaneval": ["<i>A</i>", "B_1"]})
    assert pages_efficiency.frontiers_markdown({}) == r"- **HumanEval**: &lt;i&gt;A&lt;/i&gt; → B\_1"
    out = pages_efficiency.conclusions_markdown({"robust": ["[x](javascript:alert(2))"], "none": []})
    assert out == "- **robust**: \\[x\\](javascript:alert(2))\n- **none**: none"


def test_claims_escape_the_quoted_sentence_and_the_finding():
    out = pages_efficiency.claims_markdown([Claim("k", "A costs $2, B $3.", False, "<script>x</script>")])
    assert out == r'- **not supported**: "A costs \$2, B \$3." Evidence: &lt;script&gt;x&lt;/script&gt;'


def test_findings_on_a_big_catalog_name_a_few_models_and_count_the_rest():
    """Trial item 12: on genai-prices one finding listed ~260 names (2.8K characters). A finding names at most
    formatting.MAX_NAMES models and says how many more (results.json keeps them all)."""
    import pandas as pd

    from analysis.data.load import load_benchmarks, load_matchups, load_pricing
    from analysis.formatting import MAX_NAMES
    from analysis.value import claims as value_claims
    from analysis.value import efficiency as value_efficiency

    shipped, benchmarks, matchups = load_pricing(), load_benchmarks(), load_matchups()
    extra = pd.DataFrame({"model": [f"catalog-model-{i:03d}" for i in range(260)], "provider": "x", "origin": "US",
                          "input_usd_per_mtok": 1.0, "output_usd_per_mtok": 2.0})
    pricing = pd.concat([shipped, extra], ignore_index=True)
    table = value_efficiency.efficiency_table(pricing, benchmarks, "mmlu")
    tables = value_efficiency.frontiers(pricing, benchmarks, "output")
    robust = value_efficiency.robustness_table(table, 1.0, 50, 0)
    claims = value_claims.article_claims(pricing, benchmarks, matchups)
    unscored = value_efficiency.unscored_models(pricing, benchmarks)
    found = pages_efficiency.findings(table, tables, robust, claims, unscored, benchmark="mmlu", basis="output",
                                      score_sigma=1.0, score_sigma_column="", n_draws=50)
    long_ones = [t for t, _ in found if "catalog-model-" in t]
    assert len(long_ones) >= 2  # the premium claim's unscored US models, and the models with no score
    for text in long_ones:
        assert text.count("catalog-model-") <= MAX_NAMES and re.search(r" and \d{3} more", text), text
        assert len(text) < 1200

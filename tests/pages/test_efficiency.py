"""analysis.pages.efficiency: notebook 03's Markdown lists escape every name."""

from __future__ import annotations

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

"""analysis.traffic.capabilities: an unknown capability is a data gap, never "cannot serve" (issue 11)."""

from __future__ import annotations

from analysis.pages import routing as pages_routing
from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic.evaluate import evaluate
from analysis.traffic.workload import example_workload

#: the article's models whose vision the data does not state, though all three accept images
SILENT = ["Claude 3.5 Sonnet", "Gemini 1.5 Pro", "GPT-4o-mini"]


def test_unknown_vision_is_a_data_gap_not_cannot_serve():
    caps = traffic_capabilities.capabilities()
    for model in SILENT:
        assert not caps.loc[model, "vision_known"]
        assert traffic_capabilities.refusal(caps.loc[model], "vision") == "vision unknown (data gap)"
    assert traffic_capabilities.refusal(caps.loc["DeepSeek V4 Flash"], "vision") == \
        "no vision (model_facts.csv says false)"
    summary = evaluate(example_workload(), caps, budget_usd=2000).summary.set_index("policy")
    for model in SILENT:
        assert not summary.loc[model, "serves_all"] and summary.loc[model, "unserved_data_gap"]
        assert "cannot" not in summary.loc[model, "unserved"]
    assert not summary.loc["DeepSeek V4 Flash", "unserved_data_gap"]       # the data says false: cannot
    assert not summary.loc["Qwen3-Coder-30B", "unserved_data_gap"]         # an unknown price: cannot price it
    notes = traffic_capabilities.capability_notes(caps)
    assert any("unknown (data gap)" in n and "assume_unknown_capable" in n for n in notes)
    assert not any("treated as having no vision" in n for n in notes)


def test_the_models_that_cannot_serve_finding_follows_from_the_gap():
    """The page said "10 of 11 models cannot serve the workload alone"; 6 of those 10 only lack a vision entry."""
    summary = evaluate(example_workload(), traffic_capabilities.capabilities(), budget_usd=2000).summary
    [(text, kind)] = pages_routing.coverage_findings(summary)
    assert text.startswith("Of 11 models alone, 1 serves the whole workload (GPT-4o); 4 cannot (")
    assert "6 are unknown (data gap): " in text and all(m in text.split("unknown (data gap)")[1] for m in SILENT)
    assert "10 of 11" not in text and kind == "computed"
    single = summary[summary.kind == "single"]
    assert len(single) == 11 and single.serves_all.sum() + (~single.serves_all).sum() == 11


def test_assume_unknown_capable_is_a_parameter_that_serves_them():
    caps = traffic_capabilities.capabilities(assume_unknown_capable=True)
    assert caps.loc[SILENT, "vision"].all() and not caps.loc["DeepSeek V4 Flash", "vision"]
    assert all(traffic_capabilities.refusal(caps.loc[m], "vision") is None for m in SILENT)
    summary = evaluate(example_workload(), caps, budget_usd=2000).summary.set_index("policy")
    assert summary.loc[SILENT, "serves_all"].all()
    [(text, _)] = pages_routing.coverage_findings(summary.reset_index(), assume_unknown_capable=True)
    assert "unknown (data gap)" not in text  # nothing left unknown once assumed
    assert any("assumed to accept images" in n for n in traffic_capabilities.capability_notes(caps))

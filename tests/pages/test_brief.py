"""The decision brief's page (analysis.pages.brief): the overview table and the findings."""

from __future__ import annotations

import pandas as pd

from analysis.data.load import load_benchmarks, load_model_facts, load_pricing
from analysis.pages.brief import findings, styled_overview
from analysis.traffic import decision
from analysis.traffic.capabilities import capabilities
from analysis.traffic.workload import example_workload
from analysis.value.overview import overview_points, overview_table


def test_overview_table_shows_unknown_as_a_data_gap_and_bounds_a_catalog():
    pricing = load_pricing()
    many = pd.concat([pricing] + [pricing.assign(model=pricing.model + f" v{i}") for i in range(10)], ignore_index=True)
    html = styled_overview(overview_table(many, load_benchmarks(), load_model_facts()), max_rows=20).to_html()
    assert "unknown (data gap)" in html and "&lt;" not in html
    assert "more rows are left out here" in html
    assert html.count("<tr>") - 1 <= 20 + len(pricing)  # the first 20 plus the article's models


def test_the_answer_comes_first_and_says_when_nothing_qualifies():
    caps = capabilities()
    lat = decision.latency_table(caps.index)
    floors = decision.parse_floor("95")
    rec = decision.recommend(example_workload(), caps, floors, lat, 2.0)
    p, b = load_pricing(), load_benchmarks()
    out = findings(rec, decision.robustness(rec, caps), example_workload(), floors=floors, latency_bound_s=2.0,
                   latency_note="the published p99", unknown_latency=[], assume_unknown_latency_ok=False,
                   alternative=None, overview=overview_table(p, b), points=overview_points(p, b))
    assert out[0][0].startswith("No routing meets the floor") and out[0][1] == "computed"
    assert not any("How robust" in text for text, _ in out)  # nothing recommended: no robustness claimed

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


def test_the_latency_note_says_published_unless_a_live_run_of_05_is_used(tmp_path):
    import json

    from analysis.pages.brief import latency_markdown, latency_note

    caps = capabilities()
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"results": {"mode": "emulated", "percentiles": {}}}))
    emulated, why = decision.read_live_results(path)
    assert latency_note(emulated) == "the published p99, the upper end of the article's range"
    unknown = decision.unknown_latency(decision.latency_table(caps.index))
    text = latency_markdown(latency_note(emulated), why, unknown, False)
    assert text.startswith("Latency: the published p99, the upper end of the article's range (05's measured p99 not "
                           "used: 05 ran against the local emulator")
    assert f"No p99 latency in the data for {len(unknown)} models" in text
    path.write_text(json.dumps({"results": {"mode": "live", "percentiles": {"GPT-4o": {"ttft_s": {"n": 9, "p99": 1.1}}}}}))
    live, why = decision.read_live_results(path)
    assert why is None and latency_note(live) == "05's measured p99 where it ran, published elsewhere"
    assert latency_markdown(latency_note(live), why, [], False) == (
        "Latency: 05's measured p99 where it ran, published elsewhere.")


def test_the_brief_names_the_alternative_when_unknown_latencies_would_change_the_choice():
    caps = capabilities()
    lat = decision.latency_table(caps.index)
    floors = decision.parse_floor("code:91, reasoning:87, chinese:89, general:85")
    rec = decision.recommend(example_workload(), caps, floors, lat, 2.0)
    alt = decision.alternative_recommendation(example_workload(), caps, floors, lat, 2.0)
    p, b = load_pricing(), load_benchmarks()
    kwargs = dict(floors=floors, latency_bound_s=2.0, latency_note="the published p99",
                  unknown_latency=decision.unknown_latency(lat), assume_unknown_latency_ok=False,
                  overview=overview_table(p, b), points=overview_points(p, b))
    out = findings(rec, decision.robustness(rec, caps), example_workload(), alternative=alt, **kwargs)
    by_model: dict[str, list[str]] = {}
    for task, model in alt.routes.items():
        by_model.setdefault(model, []).append(task)
    routing = "; ".join(f"{m} for {ts[0] if len(ts) == 1 else ', '.join(ts[:-1]) + ' and ' + ts[-1]}"
                        for m, ts in by_model.items())
    sentence = (f"If the models of unknown latency met the bound, the cheapest routing would be {routing} at "
                f"${alt.monthly_cost_usd:,.2f} a month.")
    assert (sentence, "computed") in out
    without = findings(rec, decision.robustness(rec, caps), example_workload(), alternative=None, **kwargs)
    assert [f for f in out if f not in without] == [(sentence, "computed")]

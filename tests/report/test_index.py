"""The index opens with the decision, then the overview; run details and checksums come last (issue 11 items 1, 2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analysis.data.load import load_benchmarks, load_pricing
from analysis.report.build import write_index
from analysis.report.publish import to_jsonable
from analysis.report.runner import NotebookRun
from analysis.value.overview import overview_table

SOURCE = 'Source: "Stop Guessing" (2026), values as published.'


def _write(folder, name, headlines, results=None, figures=()):
    (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / name / "results.json").write_text(json.dumps({
        "notebook": name, "headlines": [{"text": t, "kind": "computed"} for t in headlines], "source": SOURCE,
        "figures": list(figures), "results": results or {}}))
    return NotebookRun(name, "ok", 1.0, {}, html=f"{name}.html", results=f"{name}/results.json")


def test_index_order_decision_then_overview_then_pages_then_appendix(tmp_path):
    table = to_jsonable(overview_table(load_pricing(), load_benchmarks()))
    fig = {"name": "overview", "title": "V4 Flash gives the most score per dollar",
           "png": "figures/07-b/overview.png", "svg": "figures/07-b/overview.svg"}
    runs = [_write(tmp_path, "01-a", ["a1", "a2", "a3", "a4 beyond the answer"]),
            _write(tmp_path, "07-b", ["Recommended: b1", "b2"], {"recommendation": {}, "overview_table": table,
                                                                 "source": SOURCE}, [fig])]
    page = write_index(tmp_path, runs, dt.datetime(2026, 11, 27, tzinfo=dt.UTC), 1.0, None, {}).read_text()
    marks = ['id="decision"', "Recommended: b1", "a1", 'id="overview"', fig["title"], "DeepSeek V4 Flash",
             'id="pages"', "a4 beyond the answer", 'id="appendix"', "What ran", "SHA-256"]
    at = [page.index(m) for m in marks]
    assert at == sorted(at), dict(zip(marks, at))
    decision = page[page.index('id="decision"'):page.index('id="overview"')]
    assert "a4 beyond the answer" not in decision and "1 more finding" in decision  # three answers a page
    assert decision.count('href="07-b.html"') >= 1 and 'href="01-a.html"' in decision
    overview = page[page.index('id="overview"'):page.index('id="pages"')]
    assert "Stop Guessing" in overview and 'href="figures/07-b/overview.svg"' in overview
    assert "unknown (data gap)" in overview and "Gemini 1.5 Pro" in overview  # every priced model, unknowns said
    assert page.count("Source: &#34;Stop Guessing&#34;") + page.count("Source: &quot;Stop Guessing") >= 2


def test_index_without_a_brief_says_there_is_no_overview(tmp_path):
    runs = [_write(tmp_path, "01-a", ["a1"])]
    page = write_index(tmp_path, runs, dt.datetime(2026, 11, 27, tzinfo=dt.UTC), 1.0, None, {}).read_text()
    assert "No overview: the decision brief" in page and page.index('id="decision"') < page.index('id="appendix"')


def test_the_appendix_shows_a_catalog_file_by_its_name_never_this_machine_s_path(tmp_path):
    """The trial's LiteLLM index showed `catalog /tmp/llcat/litellm-prices.csv`; pricing_csv was already shown so."""
    mine = "/home/someone/llcat/litellm-prices.csv"
    run = _write(tmp_path, "01-a", ["a1"])
    run.parameters = {"catalog": mine, "monthly_tokens": 1e9}
    other = _write(tmp_path, "02-b", ["b1"])
    other.parameters = {"catalog": "genai-prices", "pricing_csv": "/home/someone/p.csv"}
    page = write_index(tmp_path, [run, other], dt.datetime(2026, 11, 27, tzinfo=dt.UTC), 1.0, None,
                       {"catalog": mine}).read_text()
    record = (tmp_path / "run.json").read_text()
    assert "/home/someone" not in page and "/home/someone" not in record
    appendix = page[page.index('id="appendix"'):]
    assert "<code>litellm-prices.csv</code>" in appendix and "<code>genai-prices</code>" in appendix
    assert json.loads(record)["notebooks"][0]["parameters"]["catalog"] == "litellm-prices.csv"


@pytest.mark.notebook
def test_the_brief_reads_the_p99_a_live_05_measured_in_the_same_run(tmp_path, monkeypatch):
    """05 LIVE (against the local emulator, with a key) runs first; 07 then takes its measured p99."""
    from analysis import paths
    from analysis.calls.emulator import Emulator
    from analysis.report.build import build_report

    monkeypatch.setenv("GLOBAL_API_KEY", "test-key-not-a-secret")
    nbs = [paths.NOTEBOOKS / "05-live-calls.ipynb", paths.NOTEBOOKS / "07-decision-brief.ipynb"]
    with Emulator(seed=2, time_scale=0.01) as emu:
        result = build_report(notebooks=nbs, params={"05-live-calls": {
            "mode": "live", "base_url": emu.base_url, "models": "GPT-4o, DeepSeek V4 Flash", "requests_per_model": 3,
            "prompts": "code-1"}, "07-decision-brief": {"n_draws": 200}}, reports_dir=tmp_path / "reports",
            progress=False, jobs=2)
    assert result.ok, [r.summary() for r in result.failed]
    brief = json.loads((tmp_path / "reports" / "07-decision-brief" / "results.json").read_text())["results"]
    live = json.loads((tmp_path / "reports" / "05-live-calls" / "results.json").read_text())["results"]
    latency = {row["model"]: row for row in brief["latency"]}
    assert latency["GPT-4o"]["latency_source"] == "measured by 05 (live calls)"
    assert latency["GPT-4o"]["p99_ttft_s"] == pytest.approx(live["percentiles"]["GPT-4o"]["ttft_s"]["p99"])
    assert latency["GLM-5"]["latency_source"] is None  # not called: still unknown, never guessed
    assert brief["latency_source"].startswith("05's measured p99")
    params = json.loads((tmp_path / "reports" / "07-decision-brief" / "results.json").read_text())["parameters"]
    assert params["live_calls_results"] == "05-live-calls/results.json"  # relative to the report, not the staging

"""analysis.report.publish: what a notebook publishes (results.json, findings, figures), written atomically."""

from __future__ import annotations

import datetime as dt
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.report.publish import HEADLINE_KINDS, Publisher, to_jsonable, write_json_atomic


def test_record_keeps_unknown_as_null_never_zero(tmp_path):
    pub = Publisher("00-demo", tmp_path, parameters={"volume": np.float64(1e9)})
    pub.record("bill", {"A": np.float64(2500.0), "B": float("nan"), "C": float("inf")})
    pub.record("table", pd.DataFrame({"model": ["A"], "n": [np.int64(3)], "ok": [np.bool_(True)]}))
    pub.record("when", dt.date(2026, 11, 27))
    results = json.loads(pub.write().read_text())
    assert results["results"]["bill"] == {"A": 2500.0, "B": None, "C": None}
    assert results["results"]["table"] == [{"model": "A", "n": 3, "ok": True}]
    assert results["results"]["when"] == "2026-11-27"
    assert results["parameters"] == {"volume": 1e9} and results["notebook"] == "00-demo"
    assert set(results) == {"notebook", "generated_at", "parameters", "data", "data_as_of", "source", "headlines",
                            "figures", "results"}
    assert results["source"] is None  # no pricing table used: no source line is made up


def test_to_jsonable_series_and_nested():
    assert to_jsonable(pd.Series({"a": np.nan, "b": 1.5})) == {"a": None, "b": 1.5}
    assert to_jsonable({1: [np.int64(2), (pd.NA, pd.NaT)]}) == {"1": [2, [None, None]]}


def test_headline_kinds_are_the_known_ones():
    pub = Publisher("00-demo")
    for kind in HEADLINE_KINDS:
        pub.headline(f"a {kind} finding", kind)
    assert [h["kind"] for h in pub.headlines] == list(HEADLINE_KINDS)
    with pytest.raises(ValueError, match="headline kind 'guessed' is not one of as published, computed"):
        pub.headline("x", "guessed")


def test_headlines_html_escapes_every_finding():
    pub = Publisher("00-demo")
    pub.headline("<script>alert(1)</script> costs $2 and $3", "computed")
    out = pub.headlines_html()
    assert "<script" not in out and "&lt;script&gt;alert(1)&lt;/script&gt; costs $2 and $3" in out


def test_without_an_output_dir_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pub = Publisher("00-demo")
    pub.record("x", 1)
    assert pub.write() is None and list(tmp_path.iterdir()) == []


def test_write_is_atomic_a_failed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "00-demo" / "results.json"
    write_json_atomic(path, {"ok": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})  # not JSON: fails half-way through dumping
    assert json.loads(path.read_text()) == {"ok": 1}
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary file left


def test_figure_is_saved_as_png_and_svg_recorded_and_closed(tmp_path):
    pub = Publisher("00-demo", tmp_path)
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    assert pub.figure(fig, "line", "A line", show=False) is None
    [entry] = pub.figures
    assert {k: entry[k] for k in ("name", "title", "png", "svg")} == {
        "name": "line", "title": "A line", "png": "figures/00-demo/line.png", "svg": "figures/00-demo/line.svg"}
    assert (tmp_path / "figures/00-demo/line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "figures/00-demo/line.svg").read_text()
    assert not plt.fignum_exists(fig.number)


def test_figure_records_what_its_text_measures_as_displayed(tmp_path):
    """The browser test reads these to compute a figure's smallest text in CSS pixels (issue 11)."""
    from PIL import Image

    pub = Publisher("00-demo", tmp_path)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set_title("t", fontsize=14)
    fig.text(0, 0, "a note", fontsize=7.5)
    pub.figure(fig, "small", "Small", show=False)
    [entry] = pub.figures
    assert entry["min_font_pt"] == 7.5 and entry["dpi"] == 144
    assert (entry["width_px"], entry["height_px"]) == Image.open(tmp_path / entry["png"]).size
    assert entry["display_width_px"] == round(entry["width_px"] / 144 * 100)  # 100 CSS px per inch


def test_for_notebook_takes_every_declared_parameter_from_the_run():
    values = {"catalog": "article", "pricing_csv": "", "input_output_ratio": 1.0, "monthly_tokens": 2e9,
              "endpoints_model": "GPT-4o", "stale_after_days": 90, "output_dir": "", "unrelated": 5}
    pub = Publisher.for_notebook("01-pricing", values)
    assert pub.parameters == {"catalog": "article", "pricing_csv": "", "input_output_ratio": 1.0,
                              "monthly_tokens": 2e9, "endpoints_model": "GPT-4o", "stale_after_days": 90}
    with pytest.raises(NameError, match="monthly_tokens"):
        Publisher.for_notebook("01-pricing", {k: v for k, v in values.items() if k != "monthly_tokens"})


def test_use_tables_records_files_and_the_oldest_as_of(write_csv):
    from analysis.data.load import load_pricing

    pricing = load_pricing()
    older = pricing.copy()
    older.attrs = {"source_file": str(write_csv("old.csv", "x\n")), "meta": {"as_of": "2025-01-01"}}
    pub = Publisher("00-demo")
    pub.use_tables(pricing=pricing, old=older)
    assert sorted(pub.data) == ["old", "pricing"] and pub.as_of == "2025-01-01"
    assert len(pub.data["pricing"]["sha256"]) == 64


def test_use_tables_words_provenance_once_the_chart_line_apart_from_results_catalog(tmp_path):
    from analysis.data.load import load_pricing
    from analysis.data.sources import provenance

    pricing = load_pricing()
    pricing.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}, "as_of": "2026-11-09",
                             "counts": {"models_written": 266, "models_left_out": {"no first-party endpoint": 5}}}
    pub = Publisher("00-demo", tmp_path)
    pub.use_tables(pricing=pricing)
    expected = provenance(pricing)
    assert pub.source == expected.pop("source") and pub.source.startswith("Source: the genai-prices catalog")
    results = json.loads(pub.write().read_text())
    assert results["source"] == pub.source
    assert results["results"]["catalog"] == expected  # the page line and the facts; the chart line only once
    assert results["results"]["catalog"]["text"].endswith("Left out: 5 models: no first-party endpoint.")

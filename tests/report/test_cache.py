"""A report that rebuilds only what changed: pages whose inputs did not change are reused, and say so."""

from __future__ import annotations

import json

import pytest

from analysis import paths
from analysis.report import cache
from analysis.report.build import build_report

NB01 = paths.NOTEBOOKS / "01-pricing.ipynb"
NB02 = paths.NOTEBOOKS / "02-landscape.ipynb"


def test_a_key_changes_with_the_notebook_the_parameters_a_files_content_and_the_package(tmp_path, monkeypatch):
    prices = tmp_path / "prices.csv"
    prices.write_text((paths.DATA / "pricing.csv").read_text())
    base = cache.notebook_key(NB01, {"pricing_csv": str(prices), "monthly_tokens": 1e9})
    assert base == cache.notebook_key(NB01, {"monthly_tokens": 1e9, "pricing_csv": str(prices)}), "order is no change"
    assert base != cache.notebook_key(NB02, {"pricing_csv": str(prices), "monthly_tokens": 1e9})
    assert base != cache.notebook_key(NB01, {"pricing_csv": str(prices), "monthly_tokens": 2e9})
    prices.write_text(prices.read_text().replace("0.25", "0.26", 1))  # same name, new content
    assert base != cache.notebook_key(NB01, {"pricing_csv": str(prices), "monthly_tokens": 1e9})
    edited = cache.notebook_key(NB01, {"pricing_csv": str(prices), "monthly_tokens": 1e9})
    monkeypatch.setattr(cache, "package_fingerprint", lambda: "another version of analysis/")
    assert edited != cache.notebook_key(NB01, {"pricing_csv": str(prices), "monthly_tokens": 1e9})


def test_data_read_by_the_last_run_must_be_unchanged():
    pricing = "data/pricing.csv"
    good = {"data": {"pricing": {"file": pricing, "sha256": cache.sha256(paths.ROOT / pricing)}}}
    assert cache._data_unchanged(good)
    assert not cache._data_unchanged({"data": {"pricing": {"file": pricing, "sha256": "0" * 64}}})


def test_live_calls_are_never_reused(monkeypatch):
    assert cache.is_live({"mode": "live"}) and not cache.is_live({"mode": "emulated"})
    monkeypatch.setenv("GLOBAL_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("PRICEPOINT_DOTENV", "/dev/null")
    assert cache.is_live({"mode": "auto"})


@pytest.mark.notebook
def test_a_rerun_reuses_unchanged_pages_reruns_changed_ones_and_force_reruns_all(tmp_path):
    reports = tmp_path / "reports"
    # jobs=1: one pool worker for both notebooks (the suite's workers already keep the cores busy; a second pool
    # worker only adds its own start-up: Python, papermill, nbconvert, a first page export)
    first = build_report(notebooks=[NB01, NB02], reports_dir=reports, progress=False, jobs=1)
    assert first.ok and not any(r.reused for r in first.runs)
    pages = {p.name: p.read_bytes() for p in reports.glob("*.html") if p.name != "index.html"}

    again = build_report(notebooks=[NB01, NB02], reports_dir=reports, progress=False)
    assert again.ok and [r.reused for r in again.runs] == [True, True]
    assert {p.name: p.read_bytes() for p in reports.glob("*.html") if p.name != "index.html"} == pages
    assert (reports / "figures" / "01-pricing" / "output-price.png").exists()
    assert (reports / "01-pricing" / "results.json").exists()
    index = (reports / "index.html").read_text()
    assert "2 of them (01-pricing, 02-landscape) reused from the last report" in index
    record = json.loads((reports / "run.json").read_text())
    assert all(n["reused"] and n["cache_key"] for n in record["notebooks"])

    changed = build_report(notebooks=[NB01, NB02], params={"monthly_tokens": 2e9}, reports_dir=reports,
                           progress=False)
    assert [(r.notebook, r.reused) for r in changed.runs] == [("01-pricing", False), ("02-landscape", True)]
    r01 = json.loads((reports / "01-pricing" / "results.json").read_text())
    assert r01["results"]["monthly_bill_usd"]["GPT-4o"] == pytest.approx(20_000.0), "the new value, not the old page"

    forced = build_report(notebooks=[NB01, NB02], params={"monthly_tokens": 2e9}, reports_dir=reports,
                          progress=False, force=True, jobs=1)
    assert forced.ok and not any(r.reused for r in forced.runs)

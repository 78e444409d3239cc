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


def _my_catalog(folder):
    """A pricing CSV with its sidecars (.endpoints.csv, .tiers.csv, .meta.yml), as import-prices writes one."""
    from analysis.data.catalogs import load_catalog
    from analysis.data.catalogs.pricing import write_catalog

    out, _, _ = write_catalog(load_catalog("article"), folder / "my-prices.csv")
    return out


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_a_catalog_file_and_each_of_its_sidecars_enter_the_key_by_content(tmp_path):
    prices = _my_catalog(tmp_path)
    key = lambda: cache.notebook_key(NB01, {"catalog": str(prices), "monthly_tokens": 1e9})  # noqa: E731
    base = key()
    assert key() == base, "unchanged files: the same key (the page is reused)"
    seen = {base}
    for suffix, old, new in ((".csv", "GPT-4o,", "GPT-4o ,"), (".endpoints.csv", ",10.0,", ",99.0,"),
                             (".tiers.csv", "\n", "\n\n"), (".meta.yml", "as_of:", "as_of:  ")):
        _edit(prices.with_name("my-prices" + suffix), old, new)
        assert key() not in seen, f"editing only my-prices{suffix} changes the key"
        seen.add(key())
    assert base != cache.notebook_key(NB01, {"catalog": str(tmp_path / "elsewhere.csv"), "monthly_tokens": 1e9})


def test_a_catalog_named_from_the_registry_keys_on_its_version(monkeypatch):
    genai = cache.notebook_key(NB01, {"catalog": "genai-prices"})
    article = cache.notebook_key(NB01, {"catalog": "article"})
    assert genai != article
    real = cache.catalog_version
    monkeypatch.setattr(cache, "catalog_version", lambda name: "99.0" if name == "genai-prices" else real(name))
    assert cache.notebook_key(NB01, {"catalog": "genai-prices"}) != genai, "an upgraded genai-prices reruns pages"
    assert cache.notebook_key(NB01, {"catalog": "article"}) == article, "pages on the article's catalog are kept"


@pytest.mark.notebook
def test_a_rerun_after_editing_the_catalog_or_only_its_endpoints_shows_the_new_figure(tmp_path, monkeypatch):
    """The trial's case: GPT-4o's output price edited in the catalog CSV, then in its .endpoints.csv alone."""
    monkeypatch.chdir(tmp_path)
    prices = _my_catalog(tmp_path)
    reports = tmp_path / "reports"

    def build():
        result = build_report(notebooks=[NB01], params={"catalog": "my-prices.csv"}, reports_dir=reports,
                              progress=False)
        assert result.ok
        record = json.loads((reports / "01-pricing" / "results.json").read_text())
        assert record["parameters"]["catalog"] == "my-prices.csv", "by its name, never this machine's path"
        return result.runs[0].reused, record["results"]

    def gpt4o_endpoint(results):
        return results["endpoints"]["rows"][0]["output_usd_per_mtok"]

    reused, first = build()
    assert not reused and first["monthly_bill_usd"]["GPT-4o"] == pytest.approx(100_000.0)
    assert build()[0], "nothing changed: reused"

    _edit(prices, "GPT-4o,OpenAI,US,2.5,10", "GPT-4o,OpenAI,US,2.5,99")
    reused, edited = build()
    assert not reused and edited["monthly_bill_usd"]["GPT-4o"] == pytest.approx(990_000.0)
    assert gpt4o_endpoint(edited) == pytest.approx(10.0), "the endpoints sidecar still says 10"

    _edit(prices.with_name("my-prices.endpoints.csv"), ",2.5,10.0,", ",2.5,123.0,")
    reused, sidecar = build()
    assert not reused and gpt4o_endpoint(sidecar) == pytest.approx(123.0)
    assert sidecar["monthly_bill_usd"]["GPT-4o"] == pytest.approx(990_000.0)
    assert build()[0], "nothing changed since: reused"

"""The whole report (every notebook) on both real catalogs: genai-prices always, LiteLLM's JSON where it is cached.

One build per catalog (a module-scoped fixture, the import done once before the kernels start and reused
by all of them through the catalog cache); every test below reads that build. Asserts every page builds,
every figure is at most 4 megapixels and every page at most 2 MB, and the pages' provenance names the
catalog, its version and what it left out.
"""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from PIL import Image

from analysis.report.params import discover_notebooks

MAX_PIXELS = 4_000_000
MAX_PAGE_BYTES = 2_000_000

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module", params=["genai-prices", "litellm"])
def report(request, tmp_path_factory):
    """(catalog name, expected version, the published report folder, the build result)."""
    from analysis.data.catalogs.pricing import catalog_pricing_csv
    from analysis.report.build import build_report

    if request.param == "litellm":
        from analysis.data.catalogs.litellm import _version_from_path

        path = request.getfixturevalue("litellm_json")  # skipped, with the command to fetch it, when not cached
        catalog, expected = str(path), _version_from_path(path)
    else:
        catalog, expected = "genai-prices", version("genai-prices")
    catalog_pricing_csv(catalog)  # imported once here; the notebooks' kernels find it in the cache
    out = tmp_path_factory.mktemp(request.param) / "reports"
    result = build_report(params={"catalog": catalog}, reports_dir=out, progress=False, force=True)
    assert result.ok, "; ".join(r.summary() for r in result.failed)
    return request.param, expected, result.published, result


def test_every_page_builds(report):
    _, _, folder, result = report
    names = [nb.stem for nb in discover_notebooks()]
    assert [r.notebook for r in result.runs if r.status == "ok"] == names
    assert all((folder / f"{n}.html").stat().st_size > 10_000 for n in names)


def test_figures_and_pages_are_bounded(report):
    _, _, folder, _ = report
    pngs = sorted(folder.glob("figures/*/*.png"))
    assert len(pngs) >= 20
    big = {p.relative_to(folder).as_posix(): w * h for p in pngs for w, h in [Image.open(p).size] if w * h > MAX_PIXELS}
    assert big == {}
    heavy = {p.name: p.stat().st_size for p in folder.glob("*.html") if p.stat().st_size > MAX_PAGE_BYTES}
    assert heavy == {}


def test_provenance_names_the_catalog_and_its_version(report):
    name, expected, folder, _ = report
    pages = 0
    for results in sorted(folder.glob("*/results.json")):
        data = json.loads(results.read_text())
        if "pricing" not in data["data"]:
            continue
        pages += 1
        cat = data["results"]["catalog"]
        assert (cat["catalog"], cat["version"]) == (name, expected or "(version unknown)")
        assert cat["entries_set_aside"]["not a chat model: embedding"] > 40  # what was left out, by reason
        assert cat["models_left_out"]["only resellers or clouds price it (no first-party endpoint)"] > 100
        by_origin = cat["models_by_origin"]
        assert list(by_origin) == ["US", "CN", "EU", "other", "unknown"] and by_origin["EU"] > 20, by_origin
        page = (folder / f"{results.parent.name}.html").read_text()
        assert f"Prices from the {name} {expected or '(version unknown)'} catalog" in page
    assert pages >= 6


def test_the_articles_matchups_never_stop_a_page(report):
    name, _, folder, _ = report
    page = (folder / "03-efficiency-frontier.html").read_text()
    # genai-prices and LiteLLM price DeepSeek V4 Flash's output at $0.60, the article's matchups at $0.25
    assert f"the {name} " in page and "prices DeepSeek V4 Flash differently from the article" in page

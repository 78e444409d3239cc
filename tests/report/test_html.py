"""The report's HTML is self-contained: no script, no CDN, figures embedded; the index warns on stale data."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re

import matplotlib.pyplot as plt
import nbformat
import pytest

from analysis.report.build import write_index
from analysis.report.html import export_html, strip_widgets
from analysis.report.runner import NotebookRun

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def executed(tmp_path):
    """A small executed notebook: Markdown with dollar signs, a table, a figure, and a stray widget view."""
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    png = base64.b64encode(buf.getvalue()).decode()
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Prices\nFrom $0.25 to $15 per million tokens."),
        nbformat.v4.new_code_cell("secret_code_line()", execution_count=1, outputs=[
            nbformat.v4.new_output("display_data", {"text/html": "<table><tr><td>GPT-4o</td><td>$10.00</td></tr></table>",
                                                    "text/plain": "table"}),
            nbformat.v4.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", {WIDGET_VIEW: {"model_id": "abc", "version_major": 2},
                                                    "text/plain": "VBox(children=(...))"}),
        ]),
    ]
    path = tmp_path / "01-demo.ipynb"
    nbformat.write(nb, path)
    return path


def test_page_has_no_script_and_no_remote_resource(executed, tmp_path):
    page = export_html(executed, tmp_path / "01-demo.html").read_text()
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "a resource is fetched from the network"
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page)
    for cdn in ("require.js", "mathjax", "mermaid", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in page.lower()


def test_page_embeds_figures_and_drops_code_and_widgets(executed, tmp_path):
    page = export_html(executed, tmp_path / "01-demo.html").read_text()
    assert page.count('src="data:image/png;base64,') == 1
    assert "secret_code_line" not in page  # no code
    assert "VBox(children" not in page and "widget-state" not in page
    assert "$0.25 to $15" in page  # dollar signs are text, not math
    assert "<td>$10.00</td>" in page


def test_strip_widgets_keeps_richer_outputs():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", {WIDGET_VIEW: {}, "image/png": "iVBOR", "text/plain": "x"})]))
    assert strip_widgets(nb) == 0
    assert list(nb.cells[0].outputs[0].data) == ["image/png", "text/plain"]


def write_results(folder, name, freshness):
    (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / name / "results.json").write_text(json.dumps({
        "notebook": name, "data_as_of": freshness["as_of"], "headlines": [], "figures": [],
        "results": {"data_freshness": freshness}}))
    return NotebookRun(name, "ok", 1.0, {}, results=f"{name}/results.json")


def test_index_shows_as_of_and_warns_when_stale(tmp_path):
    from analysis.data.freshness import data_freshness

    fresh = write_results(tmp_path, "01-fresh", data_freshness("2026-11-20", 90, today="2026-11-27"))
    stale = write_results(tmp_path, "02-stale", data_freshness("2026-01-02", 90, today="2026-11-27"))
    page = write_index(tmp_path, [fresh, stale], dt.datetime(2026, 11, 27, tzinfo=dt.UTC), 2.0, None, {}).read_text()
    assert "Data as of 2026-11-20: 7 days old on 2026-11-27 (this page warns after 90 days)." in page
    assert re.search(r'class="asof stale" role="alert"><strong>&#9888; Stale data warning.</strong> Data as of '
                     r"2026-01-02: 329 days old", page)
    assert "The data behind 02-stale is older than" in page


def test_index_without_stale_data_has_no_banner(tmp_path):
    from analysis.data.freshness import data_freshness

    fresh = write_results(tmp_path, "01-fresh", data_freshness("2026-11-20", 90, today="2026-11-27"))
    page = write_index(tmp_path, [fresh], dt.datetime(2026, 11, 27, tzinfo=dt.UTC), 2.0, None, {}).read_text()
    assert "Stale data" not in page and 'loading="lazy"' not in page

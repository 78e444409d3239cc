"""Hostile model names go through notebooks 01, 02, 04 and 06 and come out as text, never as markup.

A pricing CSV renames three models to a script tag, an image with an event handler and a Markdown
link to ``javascript:``. Every page (the notebooks' HTML and the index built from their
results.json) must show them as text: no raw ``<script``, no tag carrying ``onerror=`` and no
``javascript:`` link. Notebook 04 also takes a hostile name as a parameter (model A), so the name
reaches figure titles, break-even sentences and headlines too.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from html.parser import HTMLParser

import pytest

from analysis import paths
from analysis.formatting import escape_html, escape_markdown

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(3)>"
LINK = "[x](javascript:alert(2))"
RENAMED = {"Gemini 1.5 Pro": SCRIPT, "Kimi K2.5": IMG, "GLM-5": LINK}


def hostile_copy(folder, name: str = "pricing"):
    """A copy of ``data/<name>.csv`` (and its sidecar) with three models renamed to hostile strings."""
    import csv

    with (paths.DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        for i, cell in enumerate(row):
            for old, new in RENAMED.items():
                cell = cell.replace(old, new)
            row[i] = cell
    target = folder / f"{name}.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    sidecar = paths.DATA / f"{name}.meta.yml"
    if sidecar.exists():
        shutil.copy(sidecar, folder / f"{name}.meta.yml")
    return target


class _Tags(HTMLParser):
    """Every start tag of a page, parsed as a browser would: name and attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unsafe: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.unsafe.append("<script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.unsafe.append(f"<{tag} {name}={value}>")


def unsafe_markup(page: str) -> list[str]:
    """What in an HTML page would run or link: script tags, event-handler attributes, javascript: links.

    Text that merely reads like markup (escaped in a cell, quoted in an ``alt`` or an ``id``) is safe.

    >>> unsafe_markup('<p id="x onerror=1" title="&lt;script&gt;">&lt;script&gt; [x](javascript:alert(2))</p>')
    []
    >>> unsafe_markup('<td><script>alert(1)</script></td><img src=x onerror=alert(3)><a href=" javascript:x">')
    ['<script>', '<img onerror=...>', '<a href= javascript:x>']
    """
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.unsafe


def test_the_detector_finds_what_an_unescaped_page_would_carry():
    page = f"<table><td>{SCRIPT}</td><td>{IMG}</td></table>"
    assert len(unsafe_markup(page)) == 2
    assert unsafe_markup(f"<table><td>{escape_html(SCRIPT)}</td><td>{escape_html(IMG)}</td></table>") == []
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert unsafe_markup(markdown2html_mistune(f"see {LINK}")) != []  # a raw Markdown link is a javascript: link
    assert unsafe_markup(markdown2html_mistune(f"see {escape_markdown(LINK)}")) == []


@pytest.mark.notebook
def test_hostile_model_names_are_text_on_every_page(tmp_path, run_notebook):
    from analysis.report.build import write_index
    from analysis.report.runner import NotebookRun

    csv_path = hostile_copy(tmp_path)
    out = tmp_path / "report"
    params = {
        "01-pricing": {"pricing_csv": str(csv_path)},
        "02-landscape": {"pricing_csv": str(csv_path), "model_facts_csv": str(hostile_copy(tmp_path, "model_facts")),
                         "matchups_csv": str(hostile_copy(tmp_path, "matchups"))},
        "04-break-even": {"pricing_csv": str(csv_path), "model_a": IMG},
        "06-routing": {"pricing_csv": str(csv_path), "demo_log_rows": 500},
    }
    pages, runs = {}, []
    for stem, p in params.items():
        results, page = run_notebook(paths.NOTEBOOKS / f"{stem}.ipynb", out, **p)
        pages[stem] = page
        runs.append(NotebookRun(stem, "ok", 1.0, p, html=f"{stem}.html", ipynb=f"{stem}.ipynb",
                                results=f"{stem}/results.json"))
    pages["index"] = write_index(out, runs, dt.datetime.now(dt.UTC), 1.0, None, {}).read_text(encoding="utf-8")

    problems = {name: unsafe_markup(page) for name, page in pages.items()}
    assert {k: v for k, v in problems.items() if v} == {}
    # ... and the names are there, shown as text (escaped), not dropped
    for stem, page in pages.items():
        text = html.unescape(re.sub(r"<[^>]+>", " ", page))
        assert IMG in text and (LINK in text or stem == "index"), stem
        assert SCRIPT in text or stem in ("index", "02-landscape"), stem  # Gemini is in no head-to-head

"""What the report's index shows before its appendix: the decision summary across pages, then the overview.

The summary is each page's answer (its first findings, as the page itself opens with them), the
decision brief's first; the overview is the brief's figure and table, read from its results.json
(the figure is drawn by the notebook, never by the builder). Both are built from what the notebooks
published, so a page that did not run is simply absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.report.html import ANSWER_FINDINGS, page_title


def page_titles(folder: Path, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Each page's title (its notebook's first heading, from the executed notebook), else its name."""
    import nbformat

    titles = {}
    for e in entries:
        run = e["run"]
        try:
            titles[run.notebook] = page_title(nbformat.read(folder / run.ipynb, as_version=4), run.notebook)
        except (OSError, TypeError, ValueError, AttributeError):
            titles[run.notebook] = run.notebook
    return titles


def is_brief(results: dict[str, Any]) -> bool:
    """Whether a page's results.json is a decision brief's (it holds a recommendation).

    >>> is_brief({"results": {"recommendation": {}}}), is_brief({"results": {}})
    (True, False)
    """
    return "recommendation" in (results.get("results") or {})


def decision_summary(entries: list[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Per page, its answer (first findings) and a link: the decision brief first, then the pages in order.

    >>> from types import SimpleNamespace as NS
    >>> e = [{"run": NS(notebook="01-a", html="01-a.html"), "results": {"headlines": [{"text": "x", "kind": "computed"}] * 5}},
    ...      {"run": NS(notebook="07-b", html="07-b.html"), "results": {"results": {"recommendation": {}},
    ...                                                                   "headlines": [{"text": "y", "kind": "computed"}]}}]
    >>> [(s["notebook"], len(s["answers"]), s["more"], s["brief"]) for s in decision_summary(e, {})]
    [('07-b', 1, 0, True), ('01-a', 3, 2, False)]
    """
    ordered = sorted(entries, key=lambda e: not is_brief(e["results"]))
    out = []
    for e in ordered:
        heads = e["results"].get("headlines") or []
        if not heads:
            continue
        out.append({"notebook": e["run"].notebook, "title": titles.get(e["run"].notebook, e["run"].notebook),
                    "href": e["run"].html, "answers": heads[:ANSWER_FINDINGS],
                    "more": max(0, len(heads) - ANSWER_FINDINGS), "brief": is_brief(e["results"])})
    return out


def overview(entries: list[dict[str, Any]], max_rows: int | None = None) -> dict[str, Any] | None:
    """The brief's overview for the index: its figure, its table as escaped HTML (bounded), its source.

    ``None`` when no page published an overview (the brief did not run, or failed).
    """
    import pandas as pd

    from analysis.pages.brief import INDEX_ROWS, styled_overview

    for e in entries:
        results = e["results"].get("results") or {}
        if "overview_table" not in results:
            continue
        figure = next((f for f in e["results"].get("figures", []) if f.get("name") == "overview" and f.get("png")),
                      None)
        table = pd.DataFrame(results["overview_table"])
        html = styled_overview(table, max_rows=max_rows or INDEX_ROWS).to_html() if len(table) else ""
        return {"notebook": e["run"].notebook, "href": e["run"].html, "figure": figure, "table_html": html,
                "source": results.get("source") or e["results"].get("source"), "rows": len(table),
                "left_out": results.get("overview_left_out") or {}}
    return None

"""What every page shows first: the data's as-of date, a stale-data warning, and notes on the files read."""

from __future__ import annotations

from typing import Any

from analysis.data.freshness import DEFAULT_STALE_AFTER_DAYS, data_freshness
from analysis.formatting import escape_html, escape_markdown

_STYLE = {
    "ok": "border-left:4px solid #2e7d4f;background:#edf7f0;color:#1d2329",
    "warn": "border-left:4px solid #b3261e;background:#fdecea;color:#1d2329",
}


def freshness_html(info: dict[str, Any]) -> str:
    """The as-of line as a small self-contained HTML block (inline style, no script).

    >>> freshness_html(data_freshness(None, today="2026-11-27"))[:61]
    '<div class="pricepoint-asof pricepoint-asof-warn" role="alert'
    >>> "Stale data" in freshness_html(data_freshness("2026-11-27", today="2026-11-27"))
    False
    """
    kind = "warn" if info["stale"] else "ok"
    label = "<strong>&#9888; Stale data warning.</strong> " if info["stale"] else ""
    role = ' role="alert"' if info["stale"] else ""
    return (f'<div class="pricepoint-asof pricepoint-asof-{kind}"{role} '
            f'style="{_STYLE[kind]};padding:.45em .8em;margin:.3em 0;font-size:.95em">'
            f"{label}{escape_html(info['text'])}</div>")


def show_data_as_of(pub, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS, today=None) -> None:
    """Show the as-of line (and the staleness warning) of ``pub``'s data; record it in results.json.

    Call it after ``pub.use_tables(...)``: it reads ``pub.as_of``. It records ``data_freshness``
    in the results and adds ``stale_after_days`` to the published parameters. It returns
    nothing, so that it can end a notebook cell without printing anything more.

    >>> from analysis.report.publish import Publisher
    >>> pub = Publisher("00-demo")
    >>> pub.as_of = "2026-11-27"
    >>> show_data_as_of(pub, 90, today="2026-11-27")  # doctest: +ELLIPSIS
    {...'text/plain': 'Data as of 2026-11-27: 0 days old on 2026-11-27 (this page warns after 90 days).'}
    >>> info = pub.results["data_freshness"]
    >>> info["stale"], info["age_days"], pub.parameters["stale_after_days"]
    (False, 0, 90)
    """
    info = data_freshness(pub.as_of, stale_after_days, today, undated=getattr(pub, "undated", None))
    pub.parameters.setdefault("stale_after_days", info["stale_after_days"])
    pub.record("data_freshness", info)
    from IPython.display import display

    prefix = "WARNING: " if info["stale"] else ""
    display({"text/html": freshness_html(info), "text/plain": prefix + info["text"]}, raw=True)
    catalog = pub.results.get("catalog") or {}
    if catalog.get("text"):  # where the prices come from (the article's, a catalog and what it left out, a file)
        display({"text/html": f'<div class="pricepoint-catalog" style="{_STYLE["ok"]};padding:.45em .8em;'
                              f'margin:.3em 0;font-size:.95em">{escape_html(catalog["text"])}</div>',
                 "text/plain": catalog["text"]}, raw=True)


def note_markdown(note: str) -> str:
    """A loader's note (which file lacks which models) as one Markdown line, its text escaped.

    >>> print(note_markdown("my_prices.csv does not list <b>GPT-4o</b>, which matchups names"))
    **Note:** my\\_prices.csv does not list &lt;b&gt;GPT-4o&lt;/b&gt;, which matchups names
    """
    return f"**Note:** {escape_markdown(note)}"


def show_notes(notes: list[str]) -> None:
    """Show each of the loaders' ``notes`` (see :func:`analysis.data.load.load_beside_pricing`) as Markdown."""
    from IPython.display import Markdown, display

    for note in notes:
        display(Markdown(note_markdown(note)))

"""The one table renderer of pricepoint's pages: headings with units, formats, unknown as n/a, text escaped."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.formatting import NA, escape_html


def _escaped(formatter: str | Callable | None, numeric: bool) -> Callable | None:
    """A cell formatter whose text goes through :func:`escape_html`; ``None`` for a bare number column.

    A format string or function may build text from outside strings (a list of models, a name
    looked up), so its *result* is escaped; a text column without a format is escaped as it is; a
    number column without one keeps the Styler's own number format (a number carries no markup).
    """
    if callable(formatter):
        return lambda v: escape_html(formatter(v))
    if isinstance(formatter, str):
        return lambda v: escape_html(formatter.format(v))
    return None if numeric else escape_html


#: The most rows a page's table shows: a whole catalog (thousands of models) stays a readable page.
MAX_TABLE_ROWS = 40


def _bounded_rows(frame: pd.DataFrame, max_rows: int) -> tuple[pd.DataFrame, int, str]:
    """The rows a page shows of a long table: the first ``max_rows`` in the table's order plus the article's
    models and every routing policy; how many were left out; the name column used."""
    from analysis.figures.theme import article_models, bounded

    name_col = next((c for c in ("model", "policy", "scenario") if c in frame.columns), frame.columns[0])
    keep = list(article_models())
    if "kind" in frame.columns:
        keep += list(frame.loc[frame["kind"] != "single", name_col])
    shown, left = bounded(frame, max_rows, keep=keep, name_col=name_col)
    return shown, left, name_col


def styled_table(frame: pd.DataFrame, columns: dict[str, str], formats: dict | None = None,
                 na_rep: str = NA, na: dict[str, str] | None = None, caption: str | None = None,
                 max_rows: int = MAX_TABLE_ROWS):
    """A table for people who never see code: the chosen ``columns`` renamed, formatted, escaped, no index.

    ``columns`` maps each shown column to its heading (in that order; others are left out),
    ``formats`` maps a column (by its original name) to a format string or function. Text
    columns are aligned left, numbers right; numbers and short text never wrap; unknown values
    read ``na_rep`` (or ``na[column]``, such as "never" for a break-even), never 0. Every cell,
    heading and the ``caption`` is HTML-escaped: a model name, a file name or a reply is shown as
    text, never run as markup.

    >>> t = pd.DataFrame({"model": ["GPT-4o"], "usd_per_mtok": [10.0], "score": [float("nan")], "x": [1]})
    >>> s = styled_table(t, {"model": "model", "usd_per_mtok": "price, $/M tokens", "score": "score"},
    ...                  {"usd_per_mtok": "${:,.2f}", "score": "{:.1f}"})
    >>> html = s.to_html()
    >>> "price, $/M tokens" in html and "$10.00" in html and "n/a" in html and ">x<" not in html
    True
    >>> ">never<" in styled_table(t, {"score": "break-even"}, na={"score": "never"}).to_html()
    True

    Outside text is escaped wherever it lands, in a cell (formatted or not) or in a heading:

    >>> h = pd.DataFrame({"<b>A</b>": ["<script>alert(1)</script>"], "n": [2]})
    >>> html = styled_table(h, {"<b>A</b>": "<b>A</b>", "n": "n"}, {"n": lambda v: f"<i>{v}</i>"},
    ...                     caption="<u>c</u>").to_html()
    >>> "<script" in html or "<b>" in html or "<i>" in html or "<u>" in html
    False
    >>> "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;A&lt;/b&gt;" in html
    True

    A frame with no rows still shows its headings. A table longer than ``max_rows`` (a whole catalog)
    shows its first rows in their order, plus the models the article names and every routing policy,
    and says in its caption how many more rows results.json holds:

    >>> many = pd.DataFrame({"model": [f"m{i}" for i in range(100)], "usd": range(100)})
    >>> html = styled_table(many, {"model": "model", "usd": "usd"}, max_rows=5).to_html()
    >>> html.count("<tr>") - 1, "95 more rows" in html
    (5, True)
    """
    formats, na = formats or {}, na or {}
    left = 0
    if len(frame) > max_rows:
        frame, left, _ = _bounded_rows(frame, max_rows)
    if left:  # the rows kept (the article's models, every policy) may be all of them: then nothing is left out
        more = (f"Showing {len(frame):,} of {len(frame) + left:,} rows: {left:,} more rows are left out here "
                f"(the first {max_rows} in this order and the models the article names are shown; results.json "
                f"has them all).")
        caption = f"{caption} {more}" if caption else more
    shown = frame[list(columns)].rename(columns=columns)
    styles, numeric = {}, {}
    for c, heading in columns.items():
        numeric[c] = pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        if numeric[c]:
            styles[heading] = [{"selector": "td", "props": "white-space: nowrap"}]
        else:
            short = frame[c].astype(str).str.len().max() <= 30 if len(frame) else True
            styles[heading] = [{"selector": "th", "props": "text-align: left"},
                               {"selector": "td", "props": "text-align: left" + ("; white-space: nowrap" if short
                                                                                   else "")}]
    styler = shown.style
    for c, heading in columns.items():
        styler = styler.format(_escaped(formats.get(c), numeric[c]), subset=[heading],
                               na_rep=escape_html(na.get(c, na_rep)))
    styler = styler.format_index(escape_html, axis=1)
    if caption is not None:
        styler = styler.set_caption(escape_html(caption))
    return styler.set_table_styles(styles, overwrite=False).hide(axis="index")

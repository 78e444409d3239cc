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


def styled_table(frame: pd.DataFrame, columns: dict[str, str], formats: dict | None = None,
                 na_rep: str = NA, na: dict[str, str] | None = None, caption: str | None = None):
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

    A frame with no rows still shows its headings.
    """
    formats, na = formats or {}, na or {}
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

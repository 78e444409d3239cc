"""The one table renderer of pricepoint's pages: headings with units, formats, unknown as n/a, text escaped."""

from __future__ import annotations

import pandas as pd


def styled_table(frame: pd.DataFrame, columns: dict[str, str], formats: dict | None = None,
                 na_rep: str = "n/a", na: dict[str, str] | None = None):
    """A table for people who never see code: the chosen ``columns`` renamed, formatted, no index.

    ``columns`` maps each shown column to its heading (in that order; others are left out),
    ``formats`` maps a column (by its original name) to a format string or function. Text
    columns are aligned left, numbers right; numbers and short text never wrap; unknown values
    read ``na_rep`` (or ``na[column]``, such as "never" for a break-even), never 0.

    >>> t = pd.DataFrame({"model": ["GPT-4o"], "usd_per_mtok": [10.0], "score": [float("nan")], "x": [1]})
    >>> s = styled_table(t, {"model": "model", "usd_per_mtok": "price, $/M tokens", "score": "score"},
    ...                  {"usd_per_mtok": "${:,.2f}", "score": "{:.1f}"})
    >>> html = s.to_html()
    >>> "price, $/M tokens" in html and "$10.00" in html and "n/a" in html and ">x<" not in html
    True
    >>> ">never<" in styled_table(t, {"score": "break-even"}, na={"score": "never"}).to_html()
    True
    """
    formats, na = formats or {}, na or {}
    shown = frame[list(columns)].rename(columns=columns)
    styles = {}
    for c, heading in columns.items():
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]):
            styles[heading] = [{"selector": "td", "props": "white-space: nowrap"}]
        else:
            short = frame[c].astype(str).str.len().max() <= 30 if len(frame) else True
            styles[heading] = [{"selector": "th", "props": "text-align: left"},
                               {"selector": "td", "props": "text-align: left" + ("; white-space: nowrap" if short
                                                                                   else "")}]
    styler = shown.style
    for c, heading in columns.items():
        styler = styler.format(formats.get(c), subset=[heading], na_rep=na.get(c, na_rep))
    return styler.set_table_styles(styles, overwrite=False).hide(axis="index")

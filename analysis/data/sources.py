"""Where a table's figures come from, in one line for the foot of a chart: the article, or a catalog and its version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def source_text(pricing: pd.DataFrame) -> str:
    """The source under a chart: the article's title and date, or the catalog's name and version.

    >>> from analysis.data.load import load_pricing
    >>> print(source_text(load_pricing()))
    Source: "Stop Guessing: Real Data Comparing Chinese AI Models and Western AI Models in 2026" (2026; figures as of 2026-11-27), a promotional comparison; values as published.
    >>> p = load_pricing(); p.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.0.40"}, "as_of": "2026-11-01"}
    >>> source_text(p)
    'Source: the genai-prices catalog, version 0.0.40 (prices as of 2026-11-01); scores as published in the source article.'
    """
    meta = pricing.attrs.get("meta") or {}
    src = meta.get("source") or {}
    as_of = meta.get("as_of")
    if isinstance(src, dict) and src.get("catalog"):
        when = f" (prices as of {as_of})" if as_of else ""
        return (f"Source: the {src['catalog']} catalog, version {src.get('version') or 'unknown'}{when}; "
                f"scores as published in the source article.")
    title = src.get("title") if isinstance(src, dict) else None
    published = str(meta.get("published") or "").split(" (")[0]
    dates = "; ".join(x for x in (published, f"figures as of {as_of}" if as_of else "") if x)
    if title:
        return f'Source: "{title}" ({dates}), a promotional comparison; values as published.'
    name = Path(pricing.attrs["source_file"]).name if pricing.attrs.get("source_file") else "the pricing table"
    return f"Source: {name}" + (f" (as of {as_of})" if as_of else "") + "."

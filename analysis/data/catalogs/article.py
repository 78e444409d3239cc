"""Catalog source ``article``: the shipped ``data/pricing.csv`` as tariff rows, labelled *as published*.

One standard, all-day, first-party row per model (the article quotes each maker's own list price);
a price the article does not give stays unknown (NaN). The pricing table the notebooks read for
``catalog="article"`` is the shipped file itself, unchanged.

>>> imp = load()
>>> row = imp.endpoints.set_index("canonical_model_id").loc["gpt-4o"]
>>> row.endpoint_key, float(row.input_usd_per_mtok), float(row.output_usd_per_mtok), bool(row.first_party)
('article/GPT-4o', 2.5, 10.0, True)
>>> imp.report.as_of, imp.report.version
('2026-11-27', 'as published')
"""

from __future__ import annotations

import time

from analysis.data.catalogs.registry import CatalogImport, ImportReport, register
from analysis.data.identity import load_identity, resolve
from analysis.data.tariff_tables import endpoints_frame, tiers_frame


@register("article")
def load(pricing_csv: str | None = None) -> CatalogImport:
    """The article's prices (or a file in data/pricing.csv's format) as tariff tables."""
    from analysis.data.load import load_pricing

    t0 = time.perf_counter()
    pricing = load_pricing(pricing_csv)
    ident = load_identity()
    report = ImportReport(source="article", version="as published",
                          as_of=str(pricing.attrs.get("meta", {}).get("as_of", "")))
    rows = []
    for r in pricing.itertuples(index=False):
        report.entries_read += 1
        rows.append(dict(endpoint_key=f"article/{r.model}", canonical_model_id=resolve(r.model, ident),
                         api_model_id=r.model, provider=r.provider, first_party=True, source="article",
                         source_key=r.model, input_usd_per_mtok=r.input_usd_per_mtok,
                         output_usd_per_mtok=r.output_usd_per_mtok, time_window="all day (as published)"))
    imp = CatalogImport(endpoints_frame(rows), tiers_frame([]), report).finish()
    report.seconds = time.perf_counter() - t0
    return imp

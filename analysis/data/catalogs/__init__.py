"""The registry of catalog sources: where tariffs come from (the article, LiteLLM, genai-prices).

A source is one function returning a :class:`CatalogImport` (tariff tables in the layout of
:mod:`analysis.data.tariff_tables`, plus an :class:`ImportReport`); add one with ``@register(name)``
and a test. :func:`load_catalog` runs one by name.

>>> sorted(SOURCES)
['article', 'genai-prices', 'litellm']
>>> imp = load_catalog("article")
>>> imp.report.entries_read, imp.endpoints.source.unique().tolist()
(11, ['article'])
"""

from analysis.data.catalogs import article, genai_prices, litellm  # noqa: F401  (register the built-in sources)
from analysis.data.catalogs.registry import SOURCES, CatalogImport, ImportReport, load_catalog, register

__all__ = ["SOURCES", "CatalogImport", "ImportReport", "load_catalog", "register"]

"""The catalog registry: :data:`SOURCES`, ``@register``, :func:`load_catalog` and what a source returns.

Import :mod:`analysis.data.catalogs` (the package) to have the built-in sources registered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SOURCES: dict[str, Callable[..., CatalogImport]] = {}


@dataclass
class ImportReport:
    """What an import did: counts, entries set aside by reason, fields not modelled, rounded cells."""

    source: str
    version: str = ""
    as_of: str = ""
    entries_read: int = 0
    endpoints_written: int = 0
    price_rows_written: int = 0
    tier_rows_written: int = 0
    set_aside: Counter = field(default_factory=Counter)
    ignored_fields: Counter = field(default_factory=Counter)
    rounded_cells: list[dict[str, Any]] = field(default_factory=list)
    #: Token prices the catalog gave as 0 where 0 means "not known" (``key``, ``field``): imported as unknown.
    zero_cells: list[dict[str, Any]] = field(default_factory=list)
    #: Entries whose zero prices were kept because the catalog marks them free (``...:free``, ``...-free``).
    free_entries: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One paragraph for the command's output and logs.

        >>> print(ImportReport("x", "1.0", "2026-11-01", 3, 2, 2, set_aside=Counter({"embedding": 1})).summary())
        x 1.0 (as of 2026-11-01): 3 entries read, 2 endpoints (endpoint x service tier) written as 2 price rows and 0 tier rows in 0.00 s; 0 cells rounded
          set aside: 1 embedding
        """
        lines = [
            f"{self.source} {self.version} (as of {self.as_of or 'unknown'}): {self.entries_read} entries read, "
            f"{self.endpoints_written} endpoints (endpoint x service tier) written as {self.price_rows_written} "
            f"price rows and {self.tier_rows_written} tier rows in {self.seconds:.2f} s; "
            f"{len(self.rounded_cells)} cells rounded"
        ]
        if self.zero_cells:
            fields = Counter(c["field"] for c in self.zero_cells)
            lines.append(f"  {len(self.zero_cells)} token prices were 0 in the catalog and are left unknown ("
                         + ", ".join(f"{f} {n}" for f, n in fields.most_common()) + ")"
                         + (f"; {self.free_entries} entries marked free keep their 0" if self.free_entries else ""))
        lines += [f"  set aside: {n} {why}" for why, n in self.set_aside.most_common()]
        return "\n".join(lines)


@dataclass
class CatalogImport:
    """The tariff tables of one catalog plus its import report."""

    endpoints: pd.DataFrame
    tiers: pd.DataFrame
    report: ImportReport

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {"endpoints": self.endpoints, "tiers": self.tiers}

    def finish(self) -> CatalogImport:
        """Fill the report's counts from the tables (every source ends with this)."""
        self.report.endpoints_written = int(self.endpoints[["endpoint_key", "service_tier"]]
                                            .drop_duplicates().shape[0])
        self.report.price_rows_written = len(self.endpoints)
        self.report.tier_rows_written = len(self.tiers)
        return self


def register(name: str) -> Callable[[Callable[..., CatalogImport]], Callable[..., CatalogImport]]:
    """Decorator adding a catalog source under ``name``; a name registered twice is an error.

    >>> register("article")(lambda: None)
    Traceback (most recent call last):
    ...
    ValueError: catalog source 'article' registered twice (analysis.data.catalogs.article, ...)
    """

    def deco(fn: Callable[..., CatalogImport]) -> Callable[..., CatalogImport]:
        if name in SOURCES:
            raise ValueError(f"catalog source {name!r} registered twice ({SOURCES[name].__module__}, "
                             f"{fn.__module__})")
        SOURCES[name] = fn
        return fn

    return deco


def load_catalog(name: str, *args: Any, **kwargs: Any) -> CatalogImport:
    """Run the source ``name``; an unknown name lists the known ones.

    >>> load_catalog("openrouter")
    Traceback (most recent call last):
    ...
    KeyError: "catalog source 'openrouter' unknown, expected one of ['article', 'genai-prices', 'litellm']"
    """
    if name not in SOURCES:
        raise KeyError(f"catalog source {name!r} unknown, expected one of {sorted(SOURCES)}")
    return SOURCES[name](*args, **kwargs)


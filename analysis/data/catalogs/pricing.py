"""A catalog as a pricing table: one row per canonical model at its first-party standard price.

The pricing table (``data/pricing.csv``'s format) is what every notebook reads. From a catalog it
holds one row per canonical model: the price of the maker's own endpoint, standard tier, in force
today, for the window covering most of the week (:func:`analysis.data.identity.default_endpoints`).
The model's name is its display name (the article's where the aliases give one, so that the shipped
scores, facts and matchups meet it), else its canonical id. A reseller or cloud never takes the
name: a model only resellers price is left out and counted. The full tariff tables are written
beside the CSV (``NAME.endpoints.csv``, ``NAME.tiers.csv``) with a ``NAME.meta.yml`` naming the
catalog, its version and its date.

>>> from analysis.data.catalogs import load_catalog
>>> table, left_out = catalog_pricing(load_catalog("article"))
>>> table.loc[table.model == "GPT-4o", ["provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]
...           ].values.tolist(), dict(left_out)
([['OpenAI', 'US', 2.5, 10.0]], {})
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.data.catalogs.registry import SOURCES, CatalogImport, load_catalog
from analysis.data.identity import annotate, default_endpoints, load_identity
from analysis.data.tables import ORIGINS, ParameterError
from analysis.data.tariff_tables import ENDPOINT_COLUMNS, TIER_COLUMNS, _typed_endpoints, tiers_frame

#: The columns written, the five of data/pricing.csv first.
COLUMNS = {
    "model": "the model's display name: the article's name where data/aliases.csv gives one, else the canonical id",
    "provider": "the first-party provider whose price this is, as the catalog spells it",
    "origin": "the maker's country (data/makers.csv): US, CN, EU, other, or unknown when no maker is known",
    "input_usd_per_mtok": "standard input price, USD per million tokens; empty where unknown (or 0 in the catalog)",
    "output_usd_per_mtok": "standard output price, USD per million tokens; empty where unknown (or 0 in the catalog)",
    "price_source": "catalog, version, endpoint key and time window the price was taken from",
    "canonical_model_id": "the canonical model (analysis.data.identity), the key of the tariff tables",
    "maker_id": "the maker (data/makers.csv)",
    "open_weights": "yes, no or unknown, per model family (data/model_families.csv)",
    "endpoint_key": "the catalog's endpoint (a row of NAME.endpoints.csv)",
    "cache_read_usd_per_mtok": "cache-read price of the same endpoint; empty where unknown",
    "context_window_ktok": "max input tokens / 1000; empty where unknown",
    "note": "why a price was left unknown",
}


def catalog_pricing(imp: CatalogImport) -> tuple[pd.DataFrame, Counter]:
    """The pricing table of a catalog and the canonical models left out, counted by reason."""
    ident = load_identity()
    ep = annotate(imp.endpoints, ident)
    best = default_endpoints(ep, ident)
    left_out: Counter = Counter()
    for cid, group in ep.groupby("canonical_model_id"):
        if cid in set(best.canonical_model_id):
            continue
        if group.maker_id.isna().all():
            left_out["maker unknown (no family in data/model_families.csv): no first-party rule"] += 1
        elif not group.first_party.fillna(False).any():
            left_out["only resellers or clouds price it (no first-party endpoint)"] += 1
        else:
            left_out["no first-party standard price in force today"] += 1
    r = imp.report
    out = pd.DataFrame({
        "model": best.display_name.astype(object),
        "provider": best.provider.astype(object),
        "origin": best.origin.astype(object),
        "input_usd_per_mtok": best.input_usd_per_mtok,
        "output_usd_per_mtok": best.output_usd_per_mtok,
        "price_source": [f"{r.source}{' ' + r.version if r.version else ''}: {k} ({w})"
                         for k, w in zip(best.endpoint_key, best.time_window, strict=True)],
        "canonical_model_id": best.canonical_model_id,
        "maker_id": best.maker_id,
        "open_weights": best.open_weights,
        "endpoint_key": best.endpoint_key,
        "cache_read_usd_per_mtok": best.cache_read_usd_per_mtok,
        "context_window_ktok": best.context_window_tokens / 1000,
    })
    zeroed: dict[str, set[str]] = {}  # endpoint key -> sides whose 0 the import already made unknown
    for cell in r.zero_cells:
        side = cell["field"].split("_cost")[0].rsplit(".", 1)[-1]
        if cell["field"] in ("input_cost_per_token", "output_cost_per_token"):
            zeroed.setdefault(cell["key"], set()).add(side)
    notes = []
    for k, i, o in zip(out.endpoint_key, out.input_usd_per_mtok, out.output_usd_per_mtok, strict=True):
        zero = [side for side, v in (("input", i), ("output", o)) if v == 0 or side in zeroed.get(k, ())]
        notes.append(f"catalog {' and '.join(zero)} price is 0: left unknown" if zero else "")
    out["note"] = notes
    for col in ("input_usd_per_mtok", "output_usd_per_mtok"):
        out[col] = out[col].where(out[col] != 0, np.nan)
    none = out.input_usd_per_mtok.isna() & out.output_usd_per_mtok.isna()
    left_out["no input or output price known (or both 0)"] += int(none.sum())
    out = out[~none].sort_values("model", key=lambda s: s.str.lower()).reset_index(drop=True)
    return out, +left_out


def models_by_origin(table: pd.DataFrame) -> dict[str, int]:
    """Models of a pricing table per origin, all five in order (0 where none).

    >>> models_by_origin(pd.DataFrame({"origin": ["EU", "US", "EU"]}))
    {'US': 1, 'CN': 0, 'EU': 2, 'other': 0, 'unknown': 0}
    """
    origin = table["origin"].where(table["origin"].isin(ORIGINS), "unknown")
    return {o: int((origin == o).sum()) for o in ORIGINS}


def sidecars(out: Path) -> dict[str, Path]:
    """The files written beside a pricing CSV.

    >>> sorted(p.name for p in sidecars(Path("my-prices.csv")).values())
    ['my-prices.endpoints.csv', 'my-prices.meta.yml', 'my-prices.tiers.csv']
    """
    return {"meta": out.with_name(out.stem + ".meta.yml"), "endpoints": out.with_name(out.stem + ".endpoints.csv"),
            "tiers": out.with_name(out.stem + ".tiers.csv")}


def write_catalog(imp: CatalogImport, out: str | os.PathLike, force: bool = False,
                  source_file: str | os.PathLike | None = None) -> tuple[Path, pd.DataFrame, Counter]:
    """Write a catalog's pricing CSV (validated by ``load_pricing``), its tariff tables and ``.meta.yml``.

    Refuses the shipped ``data/`` folder, and an existing file unless ``force``. Returns the CSV's
    path, the pricing table and the models left out by reason.
    """
    from analysis.data.load import load_pricing

    out = Path(out).expanduser()
    if out.suffix.lower() != ".csv":
        raise ValueError(f"-o {out}: expected a file name ending in .csv. Pass -o NAME.csv.")
    if out.resolve().parent == paths.DATA.resolve():
        raise ValueError(f"-o {out}: that is the shipped data folder, which code never edits. Write your prices "
                         f"elsewhere (-o my-prices.csv) and pass them with -p catalog my-prices.csv.")
    side = sidecars(out)
    existing = [p for p in (out, *side.values()) if p.exists()]
    if existing and not force:
        raise ValueError(f"{existing[0]} already exists. Pass --force to replace it, or -o another path.")
    table, left_out = catalog_pricing(imp)
    if table.empty:
        raise ValueError(f"no model of {imp.report.source} has a first-party standard price; left out: "
                         f"{dict(left_out)}. Import another catalog.")
    r = imp.report
    meta = {
        "table": "pricing",
        "file": out.name,
        "description": f"First-party standard list prices per canonical model, imported from the {r.source} "
                       f"catalog (one row per model; every endpoint and tier in {side['endpoints'].name}).",
        "source": {"catalog": r.source, "version": r.version or "unknown",
                   **({"file": str(source_file), "sha256": _sha256(source_file)} if source_file else {})},
        "as_of": r.as_of or None,
        "as_of_basis": _as_of_basis(r.source, r.as_of),
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "units": {"prices": "US dollars per million tokens (USD/Mtok)"},
        "columns": COLUMNS,
        "counts": {"entries_read": r.entries_read, "endpoints_written": r.endpoints_written,
                   "price_rows_written": r.price_rows_written, "tier_rows_written": r.tier_rows_written,
                   "models_written": len(table), "models_by_origin": models_by_origin(table),
                   "entries_set_aside": dict(r.set_aside),
                   "models_left_out": dict(left_out), "cells_rounded": len(r.rounded_cells),
                   "prices_0_unknown": len(r.zero_cells), "entries_marked_free": r.free_entries},
        "tariffs": {"endpoints": side["endpoints"].name, "tiers": side["tiers"].name},
        "rounded_cells": r.rounded_cells,
        "prices_0_unknown": r.zero_cells,  # the catalog's 0 for "not known": imported as unknown, never as free
        "fields_not_modelled": dict(r.ignored_fields.most_common()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic(side["endpoints"], imp.endpoints.to_csv(index=False, date_format="%Y-%m-%d"))
    _atomic(side["tiers"], imp.tiers.to_csv(index=False))
    _atomic(side["meta"], yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.csv")
    tmp.write_text(table.to_csv(index=False, float_format="%.10g"), encoding="utf-8")
    try:
        load_pricing(tmp)  # the loaders must accept what we write
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, table, left_out


def _as_of_basis(source: str, as_of: str) -> str:
    if source == "genai-prices":
        return "the newest price change in force on import day (the package carries no release date)"
    if source == "article":
        return "the day the article's figures were transcribed (data/pricing.meta.yml)"
    return "given with --as-of" if as_of else "unknown: the catalog file carries no date (pass --as-of)"


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _sha256(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_tariffs(pricing_csv: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """The tariff tables written beside a pricing CSV by :func:`write_catalog`, typed."""
    side = sidecars(Path(pricing_csv))
    ep = pd.read_csv(side["endpoints"], keep_default_na=False, na_values=[""])
    for col in ("service_tier", "region", "source", "source_key", "time_window", "provider"):
        ep[col] = ep[col].fillna("").astype(str)
    ep["first_party"] = ep["first_party"].map({True: True, False: False, "True": True, "False": False})
    ep = _typed_endpoints(ep[[c for c in ENDPOINT_COLUMNS] + [c for c in ep.columns if c not in ENDPOINT_COLUMNS]])
    tiers = tiers_frame(pd.read_csv(side["tiers"])[list(TIER_COLUMNS)].to_dict("records"))
    return {"endpoints": ep, "tiers": tiers}


# --------------------------------------------------------------------------- the notebooks' catalog parameter


def cache_dir() -> Path:
    """Where imported catalogs are kept: :func:`analysis.paths.cache_dir` (``$PRICEPOINT_CACHE``, else
    ``~/.cache/pricepoint``), one place for every page to recognise a catalog imported there."""
    return paths.cache_dir().expanduser()


def _identity_digest() -> str:
    """A digest of what an import depends on besides the catalog: the identity tables and the import code."""
    h = hashlib.sha256()
    for name in ("makers.csv", "model_families.csv", "aliases.csv"):
        h.update(paths.data_file(name).read_bytes())
    here = Path(__file__).resolve().parent
    for code in sorted(here.glob("*.py")) + [here.parent / "identity.py", here.parent / "tariff_tables.py"]:
        h.update(code.read_bytes())
    return h.hexdigest()[:10]


def catalog_pricing_csv(catalog: str = "article", pricing_csv: str = "") -> str:
    """The pricing CSV a notebook reads for its ``catalog`` parameter (``""``: the shipped table).

    ``article`` (or empty) is the shipped ``data/pricing.csv``; a registered source that needs no file
    (``genai-prices``) is imported once into :func:`cache_dir` per version; a path ending ``.csv`` is a
    pricing CSV; a ``.json`` file is LiteLLM's catalog, imported once per content. ``pricing_csv``,
    the older parameter, still works alone.

    >>> catalog_pricing_csv("article"), catalog_pricing_csv("", "/tmp/mine.csv")
    ('', '/tmp/mine.csv')
    >>> catalog_pricing_csv("openrouter")
    Traceback (most recent call last):
    ...
    analysis.data.tables.ParameterError: catalog 'openrouter': expected article, genai-prices, a pricing CSV (NAME.csv) or LiteLLM's JSON (NAME.json). Set the notebook parameter catalog to one of these.
    """
    catalog = (catalog or "").strip()
    if pricing_csv and catalog not in ("", "article"):
        raise ParameterError(f"both catalog={catalog!r} and pricing_csv={pricing_csv!r} are given; expected one of "
                         f"them. Pass only catalog (a pricing CSV is a catalog too).")
    if pricing_csv or catalog in ("", "article"):
        return str(pricing_csv or "")
    path = Path(catalog).expanduser()
    if path.suffix.lower() == ".csv":
        return str(path)
    if path.suffix.lower() == ".json":
        if not path.exists():
            raise ParameterError(f"catalog {catalog!r}: no such file. Pass the path of LiteLLM's "
                             f"model_prices_and_context_window.json.")
        key = f"litellm-{_sha256(path)[:12]}-{_identity_digest()}"
        return str(_cached(key, lambda: load_catalog("litellm", path), source_file=path))
    if catalog in SOURCES and catalog != "litellm":
        try:
            ver = version(catalog)
        except PackageNotFoundError:
            ver = "unknown"
        return str(_cached(f"{catalog}-{ver}-{dt.date.today()}-{_identity_digest()}", lambda: load_catalog(catalog)))
    known = ", ".join(s for s in sorted(SOURCES) if s != "litellm")
    raise ParameterError(f"catalog {catalog!r}: expected {known}, a pricing CSV (NAME.csv) or LiteLLM's JSON "
                     f"(NAME.json). Set the notebook parameter catalog to one of these.")


def _cached(key: str, build, source_file: Path | None = None) -> Path:
    out = cache_dir() / "catalogs" / f"{key}.csv"
    if not out.exists():
        write_catalog(build(), out, force=True, source_file=source_file)
    return out

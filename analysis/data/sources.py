"""Where a pricing table's prices come from (the article, or a catalog and its version), worded in one place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def provenance(pricing: pd.DataFrame) -> dict:
    """Where ``pricing``'s prices come from, read from its ``.meta.yml`` (``attrs['meta']``): the lines pages show
    and the facts results.json records.

    ``source`` is the line under each chart: the article's title and dates, or the catalog's name and
    version. ``text`` is the line a page shows under its as-of date: the catalog, its version and date,
    how many models it prices, and every entry and model left out, counted by reason. The other keys
    (``catalog``, ``version``, ``as_of`` and, for a catalog, its counts) are the facts behind them;
    ``prices`` names the prices in a sentence ("the genai-prices 0.2.3 catalog's prices"), and
    ``article`` says whether they are the source article's own, as published.

    >>> from analysis.data.load import load_pricing
    >>> p = provenance(load_pricing())
    >>> print(p["source"])
    Source: "Stop Guessing: Real Data Comparing Chinese AI Models and Western AI Models in 2026" (2026; figures as of 2026-11-27), a promotional comparison; values as published.
    >>> print(p["text"])
    Prices as published in the source article (data/pricing.csv; as of 2026-11-27).
    >>> p["catalog"], p["version"], p["as_of"], p["prices"], p["article"]
    ('article', 'as published', '2026-11-27', "the source article's published prices", True)
    >>> table = load_pricing()
    >>> table.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}, "as_of": "2026-11-09",
    ...     "counts": {"models_written": 266, "entries_set_aside": {"no token price (input or output)": 179,
    ...                "not a chat model: embedding": 54, "not a chat model: text-to-speech": 11},
    ...                "models_left_out": {"only resellers or clouds price it (no first-party endpoint)": 533}}}
    >>> p = provenance(table)
    >>> print(p["source"])
    Source: the genai-prices catalog, version 0.2.3 (prices as of 2026-11-09); scores as published in the source article.
    >>> p["prices"], p["article"]
    ("the genai-prices 0.2.3 catalog's prices", False)
    >>> print(p["text"])
    Prices from the genai-prices 0.2.3 catalog (as of 2026-11-09): 266 models at their maker's own standard price. Left out: 65 entries that are not chat models (54 embedding, 11 text-to-speech); 179 entries with no token price (input or output); 533 models: only resellers or clouds price it (no first-party endpoint).

    A catalog whose version is unknown says so, never "the litellm unknown catalog":

    >>> table.attrs["meta"] = {"source": {"catalog": "litellm", "version": "unknown"}, "as_of": None}
    >>> p = provenance(table)
    >>> print(p["text"]); print(p["prices"])
    Prices from the litellm catalog (version unknown; as of unknown): models (how many is unknown) at their maker's own standard price.
    the litellm catalog's prices

    A table without a ``.meta.yml`` is named by its file under the charts, and its date stays unknown:

    >>> bare = load_pricing(); bare.attrs = {"source_file": "/home/me/mine.csv"}
    >>> provenance(bare)["source"], provenance(bare)["as_of"]
    ('Source: mine.csv.', None)
    >>> print(provenance(bare)["text"])
    Prices from mine.csv, a pricing table without a .meta.yml (its source and date are unknown).
    """
    meta = pricing.attrs.get("meta") or {}
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    as_of = meta.get("as_of")
    if source.get("catalog"):
        facts = _catalog_facts(source, as_of, meta.get("counts") or {})
        when = f" (prices as of {as_of})" if as_of else ""
        facts["source"] = (f"Source: the {source['catalog']} catalog, version {source.get('version') or 'unknown'}"
                           f"{when}; scores as published in the source article.")
        facts["prices"] = (f"the {source['catalog']} catalog's prices" if facts["version"] == "(version unknown)"
                           else f"the {source['catalog']} {facts['version']} catalog's prices")
        facts["article"] = False
        return facts
    published = str(meta.get("published") or "").split(" (")[0]
    dates = "; ".join(x for x in (published, f"figures as of {as_of}" if as_of else "") if x)
    when = str(as_of) if as_of else None
    if source.get("title"):
        line = f'Source: "{source["title"]}" ({dates}), a promotional comparison; values as published.'
        return {"catalog": "article", "version": "as published", "as_of": when, "source": line,
                "text": f"Prices as published in the source article (data/pricing.csv; as of {as_of or 'unknown'}).",
                "prices": "the source article's published prices", "article": True}
    # a table of the user's own, without a .meta.yml: named by its file, never credited to the article
    name = Path(pricing.attrs["source_file"]).name if pricing.attrs.get("source_file") else "the pricing table"
    return {"catalog": name, "version": "unknown", "as_of": when,
            "source": f"Source: {name}" + (f" (as of {as_of})" if as_of else "") + ".",
            "text": f"Prices from {name}, a pricing table without a .meta.yml (its source and date are unknown).",
            "prices": f"the prices of {name}", "article": False}


def _catalog_facts(source: dict, as_of, counts: dict) -> dict:
    """An imported catalog's facts and its page line: what it prices and what it left out, by reason."""
    aside = dict(counts.get("entries_set_aside") or {})
    kinds = {k.split(": ", 1)[1]: n for k, n in aside.items() if k.startswith("not a chat model: ")}
    other = {k: n for k, n in aside.items() if not k.startswith("not a chat model: ")}
    left = dict(counts.get("models_left_out") or {})
    parts = []
    if kinds:
        parts.append(f"{sum(kinds.values()):,} entries that are not chat models ("
                     + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])) + ")")
    parts += [f"{n:,} entries with {k}" if k.startswith("no ") else f"{n:,} entries: {k}" for k, n in other.items()]
    parts += [f"{n:,} models: {k}" for k, n in left.items()]
    version = source.get("version")
    if not version or str(version).strip().lower() == "unknown":  # an import that could not tell: never "litellm unknown"
        version = "(version unknown)"
    named = f"{source['catalog']} catalog (version unknown; as of {as_of or 'unknown'})" \
        if version == "(version unknown)" else f"{source['catalog']} {version} catalog (as of {as_of or 'unknown'})"
    models = counts.get("models_written")  # unknown stays unknown, never 0
    text = (f"Prices from the {named}: "
            + (f"{models:,} models" if models is not None else "models (how many is unknown)")
            + " at their maker's own standard price.")
    if parts:
        text += " Left out: " + "; ".join(parts) + "."
    return {"catalog": source["catalog"], "version": version, "as_of": str(as_of) if as_of else None,
            "models": counts.get("models_written"), "models_by_origin": counts.get("models_by_origin") or {},
            "entries_set_aside": aside, "models_left_out": left,
            "text": text}

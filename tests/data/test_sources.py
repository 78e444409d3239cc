"""Where a pricing table's prices come from (analysis.data.sources): the chart line, the page line and the facts."""

from __future__ import annotations

import yaml

from analysis import paths
from analysis.data.load import load_pricing
from analysis.data.sources import provenance


def _with_meta(meta: dict | None, source_file: str | None = None):
    table = load_pricing()
    table.attrs = {}
    if meta is not None:
        table.attrs["meta"] = meta
    if source_file:
        table.attrs["source_file"] = source_file
    return table


def test_the_shipped_table_is_named_by_its_article_title_and_dates():
    meta = yaml.safe_load((paths.DATA / "pricing.meta.yml").read_text())
    p = provenance(load_pricing())
    year = str(meta["published"]).split(" (")[0]  # "2026 (the article gives the year only)" -> "2026"
    assert p["source"] == (f'Source: "{meta["source"]["title"]}" ({year}; figures as of {meta["as_of"]}), '
                           "a promotional comparison; values as published.")
    assert p["text"] == f"Prices as published in the source article (data/pricing.csv; as of {meta['as_of']})."
    assert (p["catalog"], p["version"], p["as_of"]) == ("article", "as published", str(meta["as_of"]))
    assert set(p) == {"catalog", "version", "as_of", "text", "source", "prices", "article"}
    assert p["article"] is True and p["prices"] == "the source article's published prices"


def test_a_catalog_is_named_with_its_version_and_everything_it_left_out_counted_by_reason():
    aside = {"no token price (input or output)": 179, "not a chat model: embedding": 54,
             "not a chat model: text-to-speech": 1_011, "duplicate entry": 2}
    left = {"only resellers or clouds price it (no first-party endpoint)": 533}
    meta = {"source": {"catalog": "genai-prices", "version": "0.2.3"}, "as_of": "2026-11-09",
            "counts": {"models_written": 1_266, "models_by_origin": {"US": 700, "CN": 566},
                       "entries_set_aside": aside, "models_left_out": left}}
    p = provenance(_with_meta(meta))
    assert p["source"] == ("Source: the genai-prices catalog, version 0.2.3 (prices as of 2026-11-09); "
                           "scores as published in the source article.")
    not_chat = 54 + 1_011
    assert p["text"] == ("Prices from the genai-prices 0.2.3 catalog (as of 2026-11-09): 1,266 models at their maker's "
                         f"own standard price. Left out: {not_chat:,} entries that are not chat models (1,011 "
                         "text-to-speech, 54 embedding); 179 entries with no token price (input or output); "
                         "2 entries: duplicate entry; 533 models: only resellers or clouds price it (no first-party "
                         "endpoint).")
    assert p["models"] == 1_266 and p["models_by_origin"] == {"US": 700, "CN": 566}
    assert p["entries_set_aside"] == aside and p["models_left_out"] == left
    assert (p["catalog"], p["version"], p["as_of"]) == ("genai-prices", "0.2.3", "2026-11-09")


def test_a_catalog_without_counts_says_nothing_was_left_out_and_keeps_unknowns_unknown():
    p = provenance(_with_meta({"source": {"catalog": "litellm"}}))
    assert p["source"] == "Source: the litellm catalog, version unknown; scores as published in the source article."
    assert p["text"] == ("Prices from the litellm catalog (version unknown; as of unknown): models (how many is "
                         "unknown) at their maker's own standard price.")
    # an import that wrote version: unknown reads the same, never "the litellm unknown catalog"
    spelled = provenance(_with_meta({"source": {"catalog": "litellm", "version": "unknown"}}))
    assert spelled["text"] == p["text"] and spelled["prices"] == "the litellm catalog's prices"
    assert p["as_of"] is None and p["models"] is None and "Left out" not in p["text"]


def test_a_table_without_provenance_is_named_by_its_file_never_its_folder():
    p = provenance(_with_meta(None, "/home/someone/prices/mine.csv"))
    assert p["source"] == "Source: mine.csv." and "/home" not in p["source"] + p["text"]
    assert p["as_of"] is None and p["catalog"] == "mine.csv"  # never credited to the article
    assert p["text"] == "Prices from mine.csv, a pricing table without a .meta.yml (its source and date are unknown)."
    assert provenance(_with_meta({"as_of": "2026-11-01"}))["source"] == "Source: the pricing table (as of 2026-11-01)."

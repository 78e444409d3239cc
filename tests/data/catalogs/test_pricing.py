"""A catalog as a pricing table (analysis.data.catalogs.pricing), the notebooks' catalog parameter, genai-prices."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.data.catalogs import SOURCES, load_catalog
from analysis.data.catalogs.pricing import catalog_pricing, catalog_pricing_csv, read_tariffs, write_catalog
from analysis.data.load import load_pricing
from analysis.data.tariff_tables import validate_tables


def test_registry_has_the_three_sources():
    assert sorted(SOURCES) == ["article", "genai-prices", "litellm"]


def test_article_catalog_is_the_shipped_table_as_published():
    imp = load_catalog("article")
    table, left_out = catalog_pricing(imp)
    shipped = load_pricing()
    assert not left_out and sorted(table.model) == sorted(shipped.model)
    mine = table.set_index("model")[["input_usd_per_mtok", "output_usd_per_mtok"]]
    pd.testing.assert_frame_equal(mine.sort_index(), shipped.set_index("model")[mine.columns].sort_index())
    assert imp.report.version == "as published" and imp.report.as_of == "2026-11-27"
    assert catalog_pricing_csv("article") == "" and catalog_pricing_csv("") == ""  # the shipped file itself


def test_genai_prices_first_party_names_and_prices(genai_import):
    table, left_out = catalog_pricing(genai_import)
    p = table.set_index("model")
    assert (p.loc["GPT-4o", "provider"], p.loc["GPT-4o", "input_usd_per_mtok"],
            p.loc["GPT-4o", "output_usd_per_mtok"]) == ("openai", 2.5, 10.0)
    assert p.loc["Claude 3.5 Sonnet", "provider"] == "anthropic"
    assert p.loc["DeepSeek V4 Flash", "provider"] == "deepseek"
    assert {"US", "CN", "EU", "other"} <= set(p.origin) and p.index.is_unique
    assert left_out["only resellers or clouds price it (no first-party endpoint)"] > 100
    assert "Qwen3-32B" not in p.index  # only resellers (Groq, OpenRouter, Bedrock...) price it in genai-prices
    assert validate_tables(genai_import.tables) == []


def test_written_catalog_reads_back(genai_import, tmp_path):
    out, table, _ = write_catalog(genai_import, tmp_path / "gp.csv")
    assert len(load_pricing(out)) == len(table)
    tables = read_tariffs(out)
    assert validate_tables(tables) == []
    assert len(tables["endpoints"]) == len(genai_import.endpoints) and len(tables["tiers"]) == len(genai_import.tiers)
    meta = yaml.safe_load((tmp_path / "gp.meta.yml").read_text())
    assert meta["source"] == {"catalog": "genai-prices", "version": genai_import.report.version}
    assert meta["as_of"] == genai_import.report.as_of and "no release date" in meta["as_of_basis"]


def test_command_from_genai_prices(genai_import, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["import-prices", "--from", "genai-prices"]) == 0
    text = capsys.readouterr().out
    assert f"{genai_import.report.entries_read:,} entries read; {genai_import.report.endpoints_written:,} endpoints" in text
    assert "models left out:" in text and "Use it: pricepoint report -p catalog genai-prices.pricing.csv" in text
    assert load_pricing(tmp_path / "genai-prices.pricing.csv").set_index("model").loc["GPT-4o", "provider"] == "openai"


def test_catalog_parameter(tmp_path, monkeypatch):
    monkeypatch.setenv("PRICEPOINT_CACHE", str(tmp_path / "cache"))
    path = catalog_pricing_csv("genai-prices")
    assert path.startswith(str(tmp_path / "cache")) and path == catalog_pricing_csv("genai-prices")  # once
    assert load_pricing(path).set_index("model").loc["GPT-4o", "output_usd_per_mtok"] == 10.0
    assert catalog_pricing_csv(str(tmp_path / "mine.csv")) == str(tmp_path / "mine.csv")
    with pytest.raises(ValueError, match="both catalog='genai-prices' and pricing_csv='x.csv' are given"):
        catalog_pricing_csv("genai-prices", "x.csv")
    with pytest.raises(ValueError, match="no such file"):
        catalog_pricing_csv(str(tmp_path / "missing.json"))

# The notebooks on genai-prices (and on LiteLLM's JSON): tests/data/catalogs/test_reports.py, one build each.

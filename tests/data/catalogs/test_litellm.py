"""The litellm catalog source and `pricepoint import-prices --from litellm`.

Conversion exact in Decimal, float artefacts rounded to the catalog's precision and reported, every
price field kept; the pricing CSV names each model after its first-party endpoint, never a reseller's.
"""

import json
from decimal import Decimal

import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.data.catalogs import load_catalog
from analysis.data.catalogs.litellm import SIGNIFICANT_DIGITS, load_entries
from analysis.data.load import load_pricing
from analysis.data.tariff_tables import validate_tables
from analysis.prices.tariff_costs import price_rows


def test_inline_entry_every_field():
    entry = {
        "litellm_provider": "openai",
        "mode": "responses",
        "max_input_tokens": 400_000,
        "input_cost_per_token": 1.6000000000000001e-06,
        "output_cost_per_token": 8e-06,
        "cache_read_input_token_cost": 4e-07,
        "cache_creation_input_token_cost": 2e-06,
        "cache_creation_input_token_cost_above_1hr": 3.2e-06,
        "output_cost_per_reasoning_token": 1e-05,
        "input_cost_per_token_batches": 8e-07,
        "output_cost_per_token_batches": 4e-06,
        "input_cost_per_token_flex": 8e-07,
        "output_cost_per_token_flex": 4e-06,
        "input_cost_per_token_priority": 3.2e-06,
        "output_cost_per_token_priority": 1.6e-05,
        "input_cost_per_token_above_200k_tokens": 3.2e-06,
        "output_cost_per_token_above_200k_tokens": 1.2e-05,
        "search_context_cost_per_query": {
            "search_context_size_low": 0.01,
            "search_context_size_medium": 0.025,
        },
        "input_cost_per_request": 0.005,
    }
    imp = load_entries({"o9-pro": entry}, name="inline.json")
    ep = imp.endpoints.set_index("service_tier")
    assert sorted(ep.index) == ["batch", "flex", "priority", "standard"]
    std = ep.loc["standard"]
    assert (std["input_usd_per_mtok"], std["output_usd_per_mtok"], std["cache_read_usd_per_mtok"]) == (
        1.6,
        8.0,
        0.4,
    )
    assert (std["cache_write_5m_usd_per_mtok"], std["cache_write_1h_usd_per_mtok"]) == (2.0, 3.2)
    assert (std["reasoning_usd_per_mtok"], std["per_search_usd"], std["per_request_usd"]) == (
        10.0,
        0.025,
        0.005,
    )
    assert std["context_window_tokens"] == 400_000
    assert pd.isna(ep.loc["batch", "cache_read_usd_per_mtok"])  # not given for batch: unknown, never 0
    t = imp.tiers.sort_values("price_column")
    assert t[["price_column", "threshold_input_tokens", "usd_per_mtok", "rule"]].values.tolist() == [
        ["input_usd_per_mtok", 200_000, 3.2, "whole_request"],
        ["output_usd_per_mtok", 200_000, 12.0, "whole_request"],
    ]
    assert imp.report.rounded_cells == [
        {
            "key": "inline.json: key 'o9-pro'",
            "field": "input_cost_per_token",
            "raw": "1.6000000000000001e-06",
            "rounded": "1.6",
        }
    ]


def test_off_peak_and_tiered_pricing_inline():
    entry = {
        "litellm_provider": "deepseek",
        "mode": "chat",
        "input_cost_per_token": 3e-07,
        "output_cost_per_token": 1.2e-06,
        "cache_read_input_token_cost": 6e-09,
        "off_peak_pricing": {
            "input_cost_per_token": 1.5e-07,
            "output_cost_per_token": 6e-07,
            "cache_read_input_token_cost": 3e-09,
            "windows": [
                {"hours_utc": ["00:00-01:00", "04:00-06:00", "10:00-00:00"], "weekdays": [1, 2, 3, 4, 5]},
                {"hours_utc": "00:00-00:00", "weekdays": [6, 7]},
            ],
        },
    }
    qwen = {
        "litellm_provider": "dashscope",
        "mode": "chat",
        "tiered_pricing": [
            {"input_cost_per_token": 5e-08, "output_cost_per_token": 4e-07, "range": [0, 256000.0]},
            {"input_cost_per_token": 2.5e-07, "output_cost_per_token": 2e-06, "range": [256000.0, 1000000.0]},
        ],
    }
    imp = load_entries({"deepseek/deepseek-v4-flash": entry, "dashscope/qwen-flash": qwen})
    assert validate_tables(imp.tables) == []
    ts = pd.to_datetime(
        ["2026-11-30 02:00", "2026-11-30 12:00", "2026-11-29 02:00", "2026-11-30 02:00", "2026-11-30 02:00"]
    )  # Mon peak, Mon off-peak, Sun (off-peak all day)
    usage = pd.DataFrame(
        dict(
            endpoint_key=["deepseek/deepseek-v4-flash"] * 3 + ["dashscope/qwen-flash"] * 2,
            timestamp=ts,
            input_tokens=[10**6] * 3 + [256_000, 256_001],
            output_tokens=[10**6] * 3 + [0, 0],
        )
    )
    cost = price_rows(usage, imp.tables)["cost_usd"].round(9).tolist()
    assert cost == [1.5, 0.75, 0.75, round(256_000 * 0.05 / 1e6, 9), round(256_001 * 0.25 / 1e6, 9)]


def test_real_catalog_conversion_exact(litellm_import, litellm_json):
    raw = json.loads(litellm_json.read_bytes())
    assert validate_tables(litellm_import.tables) == []
    assert litellm_import.report.version == litellm_json.parent.name.removeprefix("litellm-")
    rounded = {
        (c["key"].split("key ", 1)[1].strip("'"), c["field"]) for c in litellm_import.report.rounded_cells
    }
    std = litellm_import.endpoints[
        (litellm_import.endpoints["service_tier"] == "standard")
        & ~litellm_import.endpoints["time_window"].str.startswith("off-peak")
    ]
    checked = 0
    for key, inp, out in zip(
        std["source_key"], std["input_usd_per_mtok"], std["output_usd_per_mtok"], strict=True
    ):
        for field, got in (("input_cost_per_token", inp), ("output_cost_per_token", out)):
            value = raw[key].get(field)
            if value is None:
                continue
            if value == 0 and not key.endswith("free"):  # LiteLLM's 0 for "not known": unknown
                assert pd.isna(got), (key, field, got)
                continue
            exact = Decimal(repr(value)) * 1_000_000
            if (key, field) in rounded:
                assert len(exact.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS
                assert abs(Decimal(repr(got)) - exact) <= abs(exact) * Decimal("1e-9")
            else:
                assert Decimal(repr(got)) == exact.normalize(), (key, field, value, got)
            checked += 1
    assert checked > 6000
    # every rounded cell really had a float artefact, and the report names key, field, raw and rounded value
    for cell in litellm_import.report.rounded_cells:
        assert set(cell) == {"key", "field", "raw", "rounded"}
        assert len(Decimal(cell["raw"]).scaleb(6).normalize().as_tuple().digits) > SIGNIFICANT_DIGITS


def test_responses_mode_and_every_priced_field_kept(litellm_import):
    ep = litellm_import.endpoints
    assert {"o1-pro", "o3-pro"} <= set(ep["source_key"])
    counts = {
        c: int(ep[c].notna().sum())
        for c in [
            "cache_read_usd_per_mtok",
            "cache_write_5m_usd_per_mtok",
            "cache_write_1h_usd_per_mtok",
            "reasoning_usd_per_mtok",
            "per_search_usd",
        ]
    }
    assert all(n > 50 for n in counts.values()), counts
    assert {"batch", "flex", "priority"} <= set(ep["service_tier"])
    assert len(litellm_import.tiers) > 500


def test_zero_prices_are_unknown_unless_the_catalog_marks_the_model_free():
    """LiteLLM writes 0 where it does not know a price: imported as unknown (NaN), counted, never billed as free."""
    entries = {  # as in LiteLLM 1.110.2
        "codestral/codestral-2405": {"litellm_provider": "codestral", "mode": "chat", "input_cost_per_token": 0.0,
                                     "output_cost_per_token": 0.0, "max_input_tokens": 32000},
        "perplexity/sonar-small-online": {"litellm_provider": "perplexity", "mode": "chat", "input_cost_per_token": 0,
                                          "output_cost_per_token": 2.8e-07},
        "gemini/gemini-exp-1206": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 0,
                                   "output_cost_per_token": 0, "input_cost_per_token_above_128k_tokens": 0},
        "opencode_go/beam-free": {"litellm_provider": "opencode_go", "mode": "chat", "input_cost_per_token": 0.0,
                                  "output_cost_per_token": 0.0},
        "deepseek/deepseek-chat": {"litellm_provider": "deepseek", "mode": "chat", "input_cost_per_token": 2.8e-07,
                                   "output_cost_per_token": 4.2e-07, "cache_creation_input_token_cost": 0.0},
        "x/off-peak": {"litellm_provider": "x", "mode": "chat", "input_cost_per_token": 1e-06,
                       "output_cost_per_token": 2e-06,
                       "off_peak_pricing": {"input_cost_per_token": 0, "windows": [{"hours_utc": ["00:00-06:00"]}]}},
    }
    imp = load_entries(entries, name="zeros.json")
    ep = imp.endpoints.set_index("source_key")
    r = imp.report
    assert r.set_aside == {"input and output price 0 in the catalog (unknown, not free)": 2}
    assert "codestral/codestral-2405" not in ep.index and "gemini/gemini-exp-1206" not in ep.index
    sonar = ep.loc["perplexity/sonar-small-online"]
    assert pd.isna(sonar.input_usd_per_mtok) and sonar.output_usd_per_mtok == 0.28
    free = ep.loc["opencode_go/beam-free"]  # the key says free: a real 0
    assert (free.input_usd_per_mtok, free.output_usd_per_mtok, r.free_entries) == (0.0, 0.0, 1)
    assert ep.loc["deepseek/deepseek-chat", "cache_write_5m_usd_per_mtok"] == 0.0  # a cache price of 0 is kept
    off = ep.loc["x/off-peak"].set_index("time_window").input_usd_per_mtok
    assert off["06:00-24:00 UTC"] == 1.0 and pd.isna(off["off-peak 00:00-06:00 UTC"])  # never the peak price
    assert sorted((c["key"], c["field"]) for c in r.zero_cells) == [
        ("codestral/codestral-2405", "input_cost_per_token"), ("codestral/codestral-2405", "output_cost_per_token"),
        ("gemini/gemini-exp-1206", "input_cost_per_token"),
        ("gemini/gemini-exp-1206", "input_cost_per_token_above_128k_tokens"),
        ("gemini/gemini-exp-1206", "output_cost_per_token"), ("perplexity/sonar-small-online", "input_cost_per_token"),
        ("x/off-peak", "off_peak_pricing.input_cost_per_token")]
    assert "7 token prices were 0 in the catalog and are left unknown" in r.summary()


def test_real_catalog_zero_prices_are_unknown(litellm_import, litellm_json, tmp_path):
    from analysis.data.catalogs.pricing import write_catalog

    raw = json.loads(litellm_json.read_bytes())
    r = litellm_import.report
    ep = litellm_import.endpoints
    zero_keys = {k for k, e in raw.items() if isinstance(e, dict) and e.get("mode") in ("chat", "responses")
                 and 0 in (e.get("input_cost_per_token"), e.get("output_cost_per_token"))}
    assert {"codestral/codestral-2405", "gigachat/GigaChat-2-Max"} <= zero_keys
    assert not ep.source_key.isin(["codestral/codestral-2405", "gigachat/GigaChat-2-Max"]).any()
    priced_zero = ep[(ep.input_usd_per_mtok == 0) | (ep.output_usd_per_mtok == 0)]
    assert set(priced_zero.source_key) <= {k for k in zero_keys if k.endswith("free")}  # only what says free
    assert len(r.zero_cells) >= 150 and r.set_aside["input and output price 0 in the catalog (unknown, not free)"] >= 60
    _, table, _ = write_catalog(litellm_import, tmp_path / "ll.csv")
    sonar = table.set_index("model").loc["sonar-small-online"]  # Perplexity's own, input 0 in LiteLLM
    assert pd.isna(sonar.input_usd_per_mtok) and sonar.note == "catalog input price is 0: left unknown"
    assert not table.model.isin(["codestral-2405", "GigaChat-2-Max", "gigachat-2-max"]).any()
    meta = yaml.safe_load((tmp_path / "ll.meta.yml").read_text())
    assert meta["counts"]["prices_0_unknown"] == len(r.zero_cells) == len(meta["prices_0_unknown"])


def test_bad_entry_errors_list_every_problem():
    with pytest.raises(ValueError) as err:
        load_entries(
            {
                "a": {"mode": "chat", "litellm_provider": "x", "input_cost_per_token": "free"},
                "b": {"mode": "chat", "litellm_provider": "x", "output_cost_per_token": [1]},
            },
            name="bad.json",
        )
    msg = str(err.value)
    assert "2 problems" in msg and "key 'a'" in msg and "input_cost_per_token" in msg and "'free'" in msg
    assert "key 'b'" in msg and "expected a number" in msg


# --------------------------------------------------------------------------- the command

#: A small catalog in LiteLLM's format (nothing is fetched): one model, a reseller first in file order.
CATALOG = {
    "sample_spec": {"mode": "one of: chat, embedding", "input_cost_per_token": 0.0},
    "azure/eu/gpt-4o-2024-08-06": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06,
                                   "output_cost_per_token": 1.1e-05},
    "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
               "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06,
               "input_cost_per_token_batches": 1.25e-06, "output_cost_per_token_batches": 5e-06,
               "max_input_tokens": 128000},
    "deepseek/deepseek-v4-flash": {"litellm_provider": "deepseek", "mode": "chat",
                                   "input_cost_per_token": 1.8e-07, "output_cost_per_token": 2.5e-07},
    "azure_ai/deepseek-v4-flash": {"litellm_provider": "azure_ai", "mode": "chat",
                                   "input_cost_per_token": 1.4e-07, "output_cost_per_token": 1.75e-06},
    "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0": {"litellm_provider": "bedrock", "mode": "chat",
                                                          "input_cost_per_token": 3e-06,
                                                          "output_cost_per_token": 1.5e-05},
    "mistral/mistral-large-latest": {"litellm_provider": "mistral", "mode": "chat", "input_cost_per_token": 2e-06,
                                     "output_cost_per_token": 6e-06},
    "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08},
}


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(CATALOG, indent=2))
    return path


def test_command_names_first_party_prices_and_writes_the_tariffs(catalog, tmp_path, capsys):
    out = tmp_path / "my-prices.csv"
    assert main(["import-prices", "--from", "litellm", str(catalog), "-o", str(out), "--as-of", "2026-11-20"]) == 0
    text = capsys.readouterr().out
    assert "7 entries read; 7 endpoints (endpoint x service tier)" in text  # 6 chat models, gpt-4o also batch
    assert "set aside: 1 not chat models (embedding 1)" in text
    assert "3 models at their first-party standard price" in text
    assert "models per origin: US 1, CN 1, EU 1, other 0, unknown 0" in text
    assert "models left out: 1 only resellers or clouds price it" in text  # Claude 3.5 Sonnet: Bedrock only
    p = load_pricing(out).set_index("model")
    assert sorted(p.index) == ["DeepSeek V4 Flash", "GPT-4o", "mistral-large"]
    # OpenAI's own gpt-4o takes the article's name, at $2.50/$10, never azure/eu at $2.75/$11
    assert (p.loc["GPT-4o", "provider"], p.loc["GPT-4o", "input_usd_per_mtok"],
            p.loc["GPT-4o", "output_usd_per_mtok"]) == ("openai", 2.5, 10.0)
    assert (p.loc["DeepSeek V4 Flash", "provider"], p.loc["DeepSeek V4 Flash", "output_usd_per_mtok"]) == (
        "deepseek", 0.25)
    assert p.loc["mistral-large", "origin"] == "EU"  # a Mistral model is EU, wherever it is hosted
    meta = yaml.safe_load((tmp_path / "my-prices.meta.yml").read_text())
    assert meta["source"]["catalog"] == "litellm" and meta["as_of"] == "2026-11-20"
    assert meta["counts"]["models_left_out"] == {"only resellers or clouds price it (no first-party endpoint)": 1}
    assert meta["counts"]["models_by_origin"] == {"US": 1, "CN": 1, "EU": 1, "other": 0, "unknown": 0}
    ep = pd.read_csv(tmp_path / "my-prices.endpoints.csv")
    assert set(ep.service_tier) == {"standard", "batch"} and len(ep) == 7
    assert (tmp_path / "my-prices.tiers.csv").exists()


def test_as_of_is_never_the_files_date(catalog, tmp_path):
    out = tmp_path / "p.csv"
    assert main(["import-prices", "--from", "litellm", str(catalog), "-o", str(out)]) == 0
    meta = yaml.safe_load((tmp_path / "p.meta.yml").read_text())
    assert meta["as_of"] is None and meta["as_of_basis"].startswith("unknown: the catalog file carries no date")
    assert load_pricing(out).attrs["meta"]["as_of"] is None


def test_default_output_beside_the_catalog_and_refusals(catalog, tmp_path, capsys):
    from analysis import paths

    assert main(["import-prices", "--from", "litellm", str(catalog)]) == 0
    assert catalog.with_name("model_prices_and_context_window.pricing.csv").exists()
    assert main(["import-prices", "--from", "litellm", str(catalog)]) == 2
    assert capsys.readouterr().err.strip().endswith("Pass --force to replace it, or -o another path.")
    assert main(["import-prices", "--from", "litellm", str(catalog), "--force"]) == 0
    assert main(["import-prices", "--from", "litellm", str(catalog), "-o", str(paths.DATA / "x.csv")]) == 2
    assert "shipped data folder" in capsys.readouterr().err
    assert not (paths.DATA / "x.csv").exists()


@pytest.mark.parametrize("args, last_words", [
    (["--from", "litellm", "missing.json"], "model_prices_and_context_window.json."),
    (["--from", "litellm"], "`pricepoint COMMAND --help` for a command's options."),
    (["--from", "litellm", "{catalog}", "--as-of", "June"], "(the day the catalog's prices were current)."),
    (["--from", "litellm", "{catalog}", "-o", "{tmp}/x.txt"], "Pass -o NAME.csv."),
    (["--from", "genai-prices", "{catalog}"], "Run it without FILE."),
])
def test_command_errors_end_with_what_to_do(catalog, tmp_path, capsys, args, last_words):
    argv = ["import-prices"] + [a.format(catalog=catalog, tmp=tmp_path) for a in args]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip().endswith(last_words)


def test_real_catalog_gpt4o_is_openais(litellm_json, tmp_path):
    from analysis.data.catalogs.pricing import write_catalog

    _, table, _ = write_catalog(load_catalog("litellm", litellm_json), tmp_path / "ll.csv")
    p = table.set_index("model")
    assert (p.loc["GPT-4o", "endpoint_key"], p.loc["GPT-4o", "input_usd_per_mtok"],
            p.loc["GPT-4o", "output_usd_per_mtok"]) == ("gpt-4o", 2.5, 10.0)
    assert p.loc["DeepSeek V4 Flash", "provider"] == "deepseek"
    assert not p.index.str.startswith("azure").any()

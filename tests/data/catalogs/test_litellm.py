"""Importing a LiteLLM price catalog (analysis.catalog, `pricepoint import-prices`)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from analysis.cli import main
from analysis.data.catalogs import litellm as data_catalogs_litellm
from analysis.data.catalogs.litellm import (
    CatalogError,
    decimal_text,
    family_origin,
    import_litellm,
    parse_origin_options,
    per_million,
    read_litellm,
)
from analysis.data.load import load_pricing


@pytest.fixture(autouse=True)
def _catalog_keys_as_names(request, monkeypatch):
    """These tests are about conversion and filters: keys stay names unless a test asks for the mapping."""
    if "known_names" not in request.keywords:
        monkeypatch.setattr(data_catalogs_litellm, "_gateway_names", dict)

#: A small catalog in LiteLLM's format, written for the tests (nothing is fetched).
CATALOG = {
    "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
                    "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                    "mode": "one of: chat, embedding, completion, image_generation", "supports_vision": True},
    "gpt-4o": {"max_input_tokens": 128000, "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
               "litellm_provider": "openai", "mode": "chat", "supports_vision": True},
    "claude-3-5-sonnet-20241022": {"max_input_tokens": 200000, "input_cost_per_token": 3e-06,
                                   "output_cost_per_token": 1.5e-05, "litellm_provider": "anthropic",
                                   "mode": "chat", "supports_vision": True},
    "deepseek/deepseek-chat": {"max_input_tokens": 65536, "input_cost_per_token": 2.7e-07,
                               "output_cost_per_token": 1.1e-06, "litellm_provider": "deepseek", "mode": "chat"},
    "openrouter/qwen/qwen3-32b": {"input_cost_per_token": 1e-07, "output_cost_per_token": 1.7e-07,
                                  "litellm_provider": "openrouter", "mode": "chat", "supports_vision": False},
    "gemini-1.5-pro": {"output_cost_per_token": 5e-06, "input_cost_per_token": None,
                       "litellm_provider": "gemini", "mode": "chat"},
    "dashscope/qwen-free": {"input_cost_per_token": 0, "output_cost_per_token": 0.0,
                            "litellm_provider": "dashscope", "mode": "chat"},
    "mistral/mistral-large-latest": {"input_cost_per_token": 2e-06, "output_cost_per_token": 6e-06,
                                     "litellm_provider": "mistral", "mode": "chat"},
    "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0,
                               "litellm_provider": "openai", "mode": "embedding"},
    "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation"},
}


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(CATALOG, indent=4))
    return path


def rows_by_model(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["model"]: r for r in csv.DictReader(fh)}


# --------------------------------------------------------------------------- conversion


def test_per_token_to_per_million_is_exact():
    assert 1e-07 * 1e6 != 0.1 and 1.7e-07 * 1e6 != 0.17  # floats would write artefacts
    assert decimal_text(per_million(Decimal("1e-07"))) == "0.1"
    assert decimal_text(per_million(Decimal("1.7e-07"))) == "0.17"
    assert decimal_text(per_million(Decimal("1.5e-05"))) == "15"
    assert decimal_text(per_million(Decimal("2.5E-6"))) == "2.5"


@given(st.decimals(min_value=Decimal("1e-10"), max_value=Decimal("1e-2"), places=12, allow_nan=False))
def test_conversion_property_exact_and_plain(per_token):
    text = decimal_text(per_million(per_token))
    assert Decimal(text) == per_token * 1_000_000  # exact, no rounding at all
    assert "e" not in text.lower() and not text.endswith(".")


def test_family_and_provider_origins():
    assert family_origin("together_ai/meta-llama/Llama-3.3-70B") == ("US", "llama")
    assert family_origin("bedrock/us.deepseek.r1-v1:0") == ("CN", "deepseek")
    assert family_origin("cohere/command-r-plus") is None


# --------------------------------------------------------------------------- reading the catalog


def test_reads_chat_models_with_exact_prices(catalog):
    result = read_litellm(catalog)
    rows = {r["model"]: r for r in result.rows}
    assert sorted(rows) == ["claude-3-5-sonnet-20241022", "dashscope/qwen-free", "deepseek/deepseek-chat",
                            "gemini-1.5-pro", "gpt-4o", "openrouter/qwen/qwen3-32b"]
    gpt = rows["gpt-4o"]
    assert (gpt["input_usd_per_mtok"], gpt["output_usd_per_mtok"]) == ("2.5", "10")
    assert (gpt["provider"], gpt["origin"], gpt["context_window_ktok"], gpt["vision"]) == ("openai", "US", "128", "true")
    assert rows["deepseek/deepseek-chat"]["context_window_ktok"] == "65.536"
    assert (rows["openrouter/qwen/qwen3-32b"]["input_usd_per_mtok"],
            rows["openrouter/qwen/qwen3-32b"]["output_usd_per_mtok"]) == ("0.1", "0.17")
    assert rows["openrouter/qwen/qwen3-32b"]["origin_basis"] == "model family qwen"
    assert rows["deepseek/deepseek-chat"]["origin"] == "CN"
    assert result.not_chat == ["text-embedding-3-small", "dall-e-3"]  # sample_spec is not a model


def test_missing_price_stays_unknown(catalog):
    row = {r["model"]: r for r in read_litellm(catalog).rows}["gemini-1.5-pro"]
    assert row["input_usd_per_mtok"] == "" and row["output_usd_per_mtok"] == "5" and row["vision"] == ""


def test_zero_price_is_flagged_not_trusted(catalog):
    result = read_litellm(catalog)
    row = {r["model"]: r for r in result.rows}["dashscope/qwen-free"]
    assert row["input_usd_per_mtok"] == row["output_usd_per_mtok"] == ""
    assert "suspicious" in row["note"]
    assert result.zero_priced == ["dashscope/qwen-free (input)", "dashscope/qwen-free (output)"]
    assert result.no_price == ["dashscope/qwen-free"]
    assert any("prices of exactly 0 treated as unknown" in line for line in result.summary())


def test_unknown_origin_is_left_out_and_can_be_given(catalog):
    result = read_litellm(catalog)
    assert result.unknown_origin == ["mistral/mistral-large-latest"]
    assert "--origin KEY=US|CN" in result.summary()[2]
    brought = read_litellm(catalog, origins=parse_origin_options(["mistral=US"]))
    row = {r["model"]: r for r in brought.rows}["mistral/mistral-large-latest"]
    assert (row["origin"], row["origin_basis"]) == ("US", "--origin (provider)")
    over = read_litellm(catalog, origins={"gpt-4o": "CN"})  # a model key wins over every map
    assert {r["model"]: r for r in over.rows}["gpt-4o"]["origin"] == "CN"


def test_provider_and_match_filters(catalog):
    assert [r["model"] for r in read_litellm(catalog, providers=["openai", "anthropic"]).rows] == \
        ["claude-3-5-sonnet-20241022", "gpt-4o"]
    assert [r["model"] for r in read_litellm(catalog, match=["*qwen*"]).rows] == \
        ["dashscope/qwen-free", "openrouter/qwen/qwen3-32b"]


def test_every_problem_listed_at_once_with_lines(tmp_path):
    bad = dict(CATALOG)
    bad["a"] = {"mode": "chat", "litellm_provider": "openai", "input_cost_per_token": "$3", "output_cost_per_token": -1}
    bad["b"] = {"mode": "chat", "litellm_provider": "openai", "supports_vision": "yes", "max_input_tokens": "128k"}
    bad["c"] = "not an object"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=2))
    with pytest.raises(CatalogError) as err:
        read_litellm(path)
    problems = err.value.problems
    assert len(problems) == 5
    line_a = path.read_text().splitlines().index('  "a": {') + 1
    assert problems[0].startswith(f"line {line_a}, 'a' input_cost_per_token: got '$3'")
    assert any("'a' output_cost_per_token: got -1; expected a price in USD per token" in p for p in problems)
    assert any("'b' max_input_tokens: got '128k'" in p for p in problems)
    assert any("'b' supports_vision: got 'yes'; expected true or false" in p for p in problems)
    assert any("'c': got str" in p for p in problems)
    assert str(err.value).splitlines()[-1].startswith("Fix the entries above")


@pytest.mark.parametrize("text, expected", [
    ("{not json", "line 1, column 2: not valid JSON"),
    ("[1, 2]", "JSON list; expected an object"),
    ('{"x": {"mode": "chat", "input_cost_per_token": NaN}}', "not valid JSON"),
    ('{"x": {"mode": "chat"}, "x": {"mode": "chat"}}', "'x': listed more than once"),
])
def test_unreadable_catalogs(tmp_path, text, expected):
    path = tmp_path / "c.json"
    path.write_text(text)
    with pytest.raises(CatalogError, match=expected):
        read_litellm(path)


# --------------------------------------------------------------------------- writing


def test_written_file_validates_and_carries_provenance(catalog, tmp_path):
    out = tmp_path / "prices.csv"
    target, result = import_litellm(catalog, out, as_of="2026-06-01")
    assert target == out
    pricing = load_pricing(out)
    assert list(pricing.columns[:5]) == ["model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]
    p = pricing.set_index("model")
    assert p.loc["claude-3-5-sonnet-20241022", "output_usd_per_mtok"] == 15.0
    assert p.loc["openrouter/qwen/qwen3-32b", "input_usd_per_mtok"] == 0.1  # the float 0.1, not 0.09999999999999999
    assert pricing.output_usd_per_mtok.isna().sum() == 1 and not (pricing.output_usd_per_mtok == 0).any()
    meta = yaml.safe_load((tmp_path / "prices.meta.yml").read_text())
    assert meta["as_of"] == "2026-06-01" and meta["as_of_basis"] == "given with --as-of"
    assert meta["left_out"]["unknown_origin"] == ["mistral/mistral-large-latest"]
    assert meta["zero_priced_left_unknown"] == ["dashscope/qwen-free (input)", "dashscope/qwen-free (output)"]
    assert len(meta["source"]["sha256"]) == 64
    assert pricing.attrs["meta"]["as_of"] == "2026-06-01"  # the notebooks read it for the as-of line


def test_default_as_of_is_the_file_date_and_default_output_beside_catalog(catalog):
    import os

    os.utime(catalog, (1_780_000_000, 1_780_000_000))  # 2026-05-28
    target, _ = import_litellm(catalog)
    assert target == catalog.with_name("model_prices_and_context_window.pricing.csv")
    meta = yaml.safe_load(target.with_name(target.stem + ".meta.yml").read_text())
    assert meta["as_of"] == "2026-05-28" and "modification date" in meta["as_of_basis"]


def test_refuses_to_overwrite_or_write_into_shipped_data(catalog, tmp_path):
    from analysis import paths

    out = tmp_path / "p.csv"
    import_litellm(catalog, out)
    with pytest.raises(CatalogError, match="already exists") as err:
        import_litellm(catalog, out)
    assert str(err.value).endswith("Pass --force to replace it, or -o another path.")
    import_litellm(catalog, out, force=True)
    with pytest.raises(CatalogError, match="shipped data folder"):
        import_litellm(catalog, paths.DATA / "pricing.csv", force=True)
    assert load_pricing().attrs["source_file"].endswith("data/pricing.csv")


def test_nothing_importable_says_what_to_do(catalog, tmp_path):
    with pytest.raises(CatalogError) as err:
        import_litellm(catalog, tmp_path / "p.csv", match=["mistral*"])
    msg = str(err.value)
    assert "no chat model could be imported" in msg and "origin neither US nor CN" in msg
    assert msg.splitlines()[-1].startswith("Bring models in with --origin")
    assert not (tmp_path / "p.csv").exists()


# --------------------------------------------------------------------------- the command


def test_command_writes_and_summarises(catalog, tmp_path, capsys):
    out = tmp_path / "prices.csv"
    assert main(["import-prices", "--from", "litellm", str(catalog), "-o", str(out), "--origin", "mistral=US"]) == 0
    text = capsys.readouterr().out
    assert "7 chat models imported" in text
    assert "2 entries left out: not chat models" in text
    assert f"Use it: pricepoint report -p pricing_csv {out}" in text
    assert "mistral/mistral-large-latest" in rows_by_model(out)


@pytest.mark.parametrize("args, last_line", [
    (["missing.json"], "Pass the path of a LiteLLM model_prices_and_context_window.json file."),
    (["{catalog}", "--origin", "mistral"], "Fix the --origin options and run again."),
    (["{catalog}", "--as-of", "June"], "Pass --as-of as YYYY-MM-DD"),
    (["{catalog}", "-o", "{tmp}/x.txt"], "Pass -o NAME.csv."),
    (["{catalog}", "--from", "openrouter"], "Run `pricepoint --help` for the commands"),
])
def test_command_errors_end_with_what_to_do(catalog, tmp_path, capsys, args, last_line):
    argv = ["import-prices"] + [a.format(catalog=catalog, tmp=tmp_path) for a in args]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(last_line)


@pytest.mark.notebook
def test_pricing_notebook_runs_on_an_imported_catalog(catalog, tmp_path):
    import papermill

    from analysis import paths
    from analysis.report.html import export_html

    out = tmp_path / "prices.csv"
    import_litellm(catalog, out, as_of="2026-06-01")
    executed = tmp_path / "01.ipynb"
    papermill.execute_notebook(str(paths.NOTEBOOKS / "01-pricing.ipynb"), str(executed), kernel_name="python3",
                               parameters={"pricing_csv": str(out), "output_dir": str(tmp_path)},
                               progress_bar=False, cwd=str(tmp_path))
    results = json.loads((tmp_path / "01-pricing" / "results.json").read_text())["results"]
    assert results["cheapest_output"] == {"models": ["openrouter/qwen/qwen3-32b"], "usd_per_mtok": 0.17}
    assert results["monthly_bill_usd"]["gpt-4o"] == pytest.approx(100_000.0)  # 10e9 x $10/M
    assert results["monthly_bill_usd"]["dashscope/qwen-free"] is None  # a 0 in the catalog is unknown, not free
    assert results["blended_usd_per_mtok"]["gemini-1.5-pro"] is None
    assert results["data_freshness"]["as_of"] == "2026-06-01" and results["data_freshness"]["stale"] is True
    page = export_html(executed, tmp_path / "01.html").read_text()
    assert "Stale data warning" in page and "Data as of 2026-06-01" in page


@pytest.mark.known_names
def test_known_gateway_ids_take_pricepoints_names(catalog):
    result = read_litellm(catalog)
    rows = {r["model"]: r for r in result.rows}
    assert rows["GPT-4o"]["catalog_key"] == "gpt-4o"
    assert rows["Claude 3.5 Sonnet"]["catalog_key"] == "claude-3-5-sonnet-20241022"  # date suffix dropped
    assert "deepseek/deepseek-chat" in rows and rows["deepseek/deepseek-chat"]["catalog_key"] == ""
    assert any("named as in pricepoint's tables" in line for line in result.summary())
    kept = {r["model"] for r in read_litellm(catalog, known_names=False).rows}
    assert "gpt-4o" in kept and "GPT-4o" not in kept


@pytest.mark.known_names
@pytest.mark.notebook
def test_every_notebook_runs_on_an_imported_catalog(tmp_path):
    """The issue: every notebook runs on an imported catalog through its pricing-file parameter."""
    from analysis.report.build import build_report

    entries = {
        "gpt-4o": (2.5e-06, 1e-05, True), "claude-3-5-sonnet-20241022": (3e-06, 1.5e-05, True),
        "deepseek/deepseek-v4-flash": (1.8e-07, 2.5e-07, None), "qwen3-32b": (1.8e-07, 2.8e-07, None),
        "deepseek/deepseek-chat": (2.7e-07, 1.1e-06, None),
    }
    cat = {k: {"litellm_provider": "openrouter", "mode": "chat", "input_cost_per_token": i,
               "output_cost_per_token": o, **({"supports_vision": v} if v is not None else {})}
           for k, (i, o, v) in entries.items()}
    source = tmp_path / "catalog.json"
    source.write_text(json.dumps(cat))
    prices, _ = import_litellm(source, tmp_path / "prices.csv", as_of="2026-11-01")
    assert set(load_pricing(prices).model) >= {"GPT-4o", "DeepSeek V4 Flash", "Qwen3-32B"}
    result = build_report(params={"pricing_csv": str(prices)}, reports_dir=tmp_path / "reports", progress=False)
    assert result.ok, "; ".join(r.summary() for r in result.failed)
    r03 = json.loads((tmp_path / "reports" / "03-efficiency-frontier" / "results.json").read_text())
    assert r03["data"]["pricing"]["file"] == "prices.csv"  # named, never this machine's absolute path
    assert "Qwen3-Coder-30B" not in {row["model"] for row in r03["results"]["frontier"]["humaneval"]}

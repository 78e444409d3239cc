"""analysis.data.identity: first-party rule and aliases on real keys of both catalogs; origin on a table of makers."""

import pytest

from analysis.data.identity import (
    annotate,
    canonical_model_id,
    default_endpoints,
    is_first_party,
    load_identity,
    models_without_first_party,
    origin_of,
    resolve,
)

IDENT = load_identity()

# Real keys of both catalogs: (catalog, key, provider, canonical model, first party?, region).
CATALOG_KEYS = [
    ("litellm", "gpt-4o", "openai", "gpt-4o", True, ""),
    ("litellm", "azure/eu/gpt-4o-2024-08-06", "azure", "gpt-4o", False, "eu"),
    ("litellm", "deepseek/deepseek-v4-flash", "deepseek", "deepseek-v4-flash", True, ""),
    ("litellm", "azure_ai/deepseek-v4-flash", "azure_ai", "deepseek-v4-flash", False, ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/deepseek-v4-flash", "fireworks_ai", "deepseek-v4-flash",
     False, ""),
    ("litellm", "eu.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", "claude-3-5-sonnet", False, "eu"),
    ("litellm", "gemini/gemini-2.5-pro", "gemini", "gemini-2-5-pro", True, ""),
    ("litellm", "moonshot/kimi-k2.5", "moonshot", "kimi-k2-5", True, ""),
    ("litellm", "zai/glm-5", "zai", "glm-5", True, ""),
    ("litellm", "azure_ai/mistral-large-3", "azure_ai", "mistral-large-3", False, ""),
    ("litellm", "bedrock/eu-west-3/mistral.mistral-large-2402-v1:0", "bedrock", "mistral-large-2402", False,
     "eu-west-3"),
    ("litellm", "dashscope/qwen-flash", "dashscope", "qwen-flash", True, ""),
    ("litellm", "novita/xiaomimimo/mimo-v2-flash", "novita", "mimo-v2-flash", False, ""),
    ("genai", "openai/gpt-4o", "openai", "gpt-4o", True, ""),
    ("genai", "anthropic/claude-3-5-sonnet", "anthropic", "claude-3-5-sonnet", True, ""),
    ("genai", "deepseek/deepseek-v4-flash", "deepseek", "deepseek-v4-flash", True, ""),
    ("genai", "fireworks/deepseek-v4-flash", "fireworks", "deepseek-v4-flash", False, ""),
    ("genai", "google/gemini-2.5-pro", "google", "gemini-2-5-pro", True, ""),
]


@pytest.mark.parametrize(("catalog", "key", "provider", "canonical", "first_party", "region"), CATALOG_KEYS,
                         ids=[f"{c[0]}:{c[1]}" for c in CATALOG_KEYS])
def test_real_catalog_keys(request, catalog, key, provider, canonical, first_party, region):
    endpoints = request.getfixturevalue(f"{catalog}_import").endpoints  # LiteLLM's: skipped when never fetched
    rows = endpoints[endpoints["source_key"] == key]
    if rows.empty:
        pytest.fail(f"{key} is not in this {catalog} release: update the table of real keys")
    row = rows.iloc[0]
    assert (row["provider"], row["canonical_model_id"], bool(row["first_party"]), row["region"]) == (
        provider, canonical, first_party, region)


def test_default_price_is_first_party_never_a_reseller(litellm_import, genai_import):
    d = default_endpoints(litellm_import.endpoints, IDENT).set_index("canonical_model_id")
    assert d.loc["gpt-4o", "source_key"] == "gpt-4o"
    assert (d.loc["gpt-4o", "input_usd_per_mtok"], d.loc["gpt-4o", "output_usd_per_mtok"]) == (2.5, 10.0)
    assert d.loc["deepseek-v4-flash", "provider"] == "deepseek"
    # LiteLLM lists DeepSeek's off-peak price for most of the week: the default is the price most hours pay
    assert d.loc["deepseek-v4-flash", "source_key"] in ("deepseek/deepseek-v4-flash", "deepseek-v4-flash")
    assert (d["first_party"] == True).all()  # noqa: E712
    # Claude 3.5 Sonnet: only resellers (Bedrock, Snowflake, ...) price it in LiteLLM: no default, listed instead
    assert "claude-3-5-sonnet" not in d.index
    assert "claude-3-5-sonnet" in models_without_first_party(litellm_import.endpoints).index
    g = default_endpoints(genai_import.endpoints, IDENT).set_index("canonical_model_id")
    assert (g.loc["gpt-4o", "input_usd_per_mtok"], g.loc["gpt-4o", "output_usd_per_mtok"]) == (2.5, 10.0)
    assert g.loc["deepseek-v4-flash", "provider"] == "deepseek"
    assert g.loc["claude-3-5-sonnet", "provider"] == "anthropic"


ALIASES = [  # (a name as an article, a catalog or a user writes it, its canonical id)
    ("gpt-4o-2024-08-06", "gpt-4o"), ("deepseek/deepseek-v4-flash", "deepseek-v4-flash"),
    ("azure/eu/gpt-4o-2024-08-06", "gpt-4o"), ("GPT-4o", "gpt-4o"),
    ("Claude 3.5 Sonnet", "claude-3-5-sonnet"), ("claude-3-5-sonnet", "claude-3-5-sonnet"),
    ("DeepSeek V4 Flash", "deepseek-v4-flash"), ("Qwen3-32B", "qwen3-32b"), ("qwen3-32b", "qwen3-32b"),
    ("Kimi K2.5", "kimi-k2-5"), ("kimi-k2.5", "kimi-k2-5"), ("Qwen3.5-397B", "qwen3-5-397b"),
    ("qwen3.5-397b", "qwen3-5-397b"), ("Qwen3-Coder-30B", "qwen3-coder-30b"),
    ("qwen3-coder-30b", "qwen3-coder-30b"), ("Gemini 1.5 Pro", "gemini-1-5-pro"),
    ("gemini-1.5-pro", "gemini-1-5-pro"), ("GLM-5", "glm-5"), ("DeepSeek Coder", "deepseek-coder"),
    ("GPT-4o-mini", "gpt-4o-mini"), ("vertex_ai/claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"),
    ("openrouter/qwen/qwen3-32b:free", "qwen3-32b"),
]


@pytest.mark.parametrize(("alias", "canonical"), ALIASES)
def test_aliases(alias, canonical):
    assert resolve(alias, IDENT) == canonical


def test_article_names_meet_both_catalogs(litellm_import, genai_import):
    """Every article model name resolves to a canonical id that at least one real catalog prices."""
    names = [
        "GPT-4o",
        "Claude 3.5 Sonnet",
        "Gemini 1.5 Pro",
        "GPT-4o-mini",
        "DeepSeek V4 Flash",
        "Qwen3-32B",
        "GLM-5",
        "Kimi K2.5",
        "Qwen3.5-397B",
        "Qwen3-Coder-30B",
        "DeepSeek Coder",
    ]
    known = set(litellm_import.endpoints["canonical_model_id"]) | set(
        genai_import.endpoints["canonical_model_id"]
    )
    missing = [n for n in names if resolve(n, IDENT) not in known]
    assert len(missing) <= 2, missing  # retired models may be gone from both catalogs


MAKERS = [  # (model as a catalog names it, origin)
    ("gpt-4o", "US"),
    ("claude-3-5-sonnet", "US"),
    ("gemini-2.5-pro", "US"),
    ("llama-3.3-70b", "US"),
    ("grok-4", "US"),
    ("deepseek-v4-flash", "CN"),
    ("qwen3-32b", "CN"),
    ("kimi-k2.5", "CN"),
    ("glm-5", "CN"),
    ("minimax-m2.5", "CN"),
    ("step-3.7-flash", "CN"),
    ("mimo-v2-flash", "CN"),
    ("hunyuan-t1", "CN"),
    ("doubao-seed-1.6", "CN"),
    ("seed-oss-36b", "CN"),
    ("yi-large", "CN"),
    ("internlm2_5-20b-chat", "CN"),
    ("longcat-2.0", "CN"),
    ("ernie-4.5-300b-a47b", "CN"),
    ("mistral-large-3", "EU"),
    ("azure_ai/mistral-large-3", "EU"),
    ("bedrock/eu-west-3/mistral.mistral-large-2402-v1:0", "EU"),
    ("codestral-2501", "EU"),
    ("command-r-plus", "other"),
    ("jamba-1.5-large", "other"),
    ("totally-new-model", "unknown"),
]


@pytest.mark.parametrize(("name", "origin"), MAKERS)
def test_origin(name, origin):
    assert origin_of(name, IDENT) == origin


def test_origin_in_both_catalogs_is_the_makers_not_the_hosts(litellm_import):
    ep = annotate(litellm_import.endpoints, IDENT)
    mistral_on_azure = ep[
        (ep["provider"].isin(["azure", "azure_ai"])) & ep["canonical_model_id"].str.startswith("mistral")
    ]
    assert not mistral_on_azure.empty and set(mistral_on_azure["origin"]) == {"EU"}
    cn = ep[ep["origin"] == "CN"]["maker_id"].unique()
    assert {
        "deepseek",
        "alibaba",
        "moonshot",
        "zhipu",
        "minimax",
        "stepfun",
        "xiaomi",
        "meituan",
        "baidu",
    } <= set(cn)


def test_canonical_rule_is_idempotent():
    for _, key, *_ in CATALOG_KEYS:
        c = canonical_model_id(key)
        assert canonical_model_id(c) == c
    assert is_first_party("vertex_ai", "gemini-2.5-pro", IDENT) is True

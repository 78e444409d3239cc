"""API ids -> canonical model AND endpoint (analysis.data.identity.resolve_api_id, match_endpoint), on real keys.

Every key below is real: a LiteLLM 1.110.2 key, a genai-prices 0.2.3 ``provider/model`` key, or an id a usage
log sends (the maker's dated id, Bedrock's ``maker.model-vN:0``). A provider path names the endpoint; a
reseller or cloud never takes the model's own name; an id naming no provider means the maker's own API.
"""

import pytest

from analysis.data.identity import (
    annotate,
    default_endpoints,
    endpoint_name,
    load_identity,
    match_endpoint,
    provider_key,
    resolve_api_id,
)

IDENT = load_identity()

# (api id, canonical model, provider, first party?, shown as,
#  genai-prices endpoint, LiteLLM endpoint)   None: that catalog has no such endpoint (never another provider's)
KEYS = [
    ("gpt-4o", "gpt-4o", "openai", True, "GPT-4o", "openai/gpt-4o", "gpt-4o"),
    ("gpt-4o-2024-08-06", "gpt-4o", "openai", True, "GPT-4o", "openai/gpt-4o", "gpt-4o-2024-08-06"),
    ("gpt-4o-2024-05-13", "gpt-4o", "openai", True, "GPT-4o", "openai/gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
    ("openai/gpt-4o", "gpt-4o", "openai", True, "GPT-4o", "openai/gpt-4o", "gpt-4o"),
    ("azure/gpt-4o", "gpt-4o", "azure", False, "GPT-4o via azure", None, "azure/gpt-4o"),
    ("azure/eu/gpt-4o-2024-08-06", "gpt-4o", "azure", False, "GPT-4o via azure (eu)", None,
     "azure/eu/gpt-4o-2024-08-06"),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet", "bedrock", False,
     "Claude 3.5 Sonnet via bedrock", "aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0",
     "anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet", "bedrock", False,
     "Claude 3.5 Sonnet via bedrock", "aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0",
     "anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet", "bedrock", False,
     "Claude 3.5 Sonnet via bedrock (us)", "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
     "us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "claude-3-5-sonnet", "vertex_ai", False,
     "Claude 3.5 Sonnet via vertex_ai", None, "vertex_ai/claude-3-5-sonnet@20240620"),
    ("anthropic/claude-3-5-sonnet", "claude-3-5-sonnet", "anthropic", True, "Claude 3.5 Sonnet",
     "anthropic/claude-3-5-sonnet", None),  # LiteLLM 1.110.2 lists Claude 3.5 Sonnet on clouds only
    ("deepseek-v4-flash", "deepseek-v4-flash", "deepseek", True, "DeepSeek V4 Flash", "deepseek/deepseek-v4-flash",
     "deepseek-v4-flash"),
    ("deepseek/deepseek-v4-flash", "deepseek-v4-flash", "deepseek", True, "DeepSeek V4 Flash",
     "deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-flash"),
    ("openrouter/deepseek/deepseek-v4-flash", "deepseek-v4-flash", "openrouter", False,
     "DeepSeek V4 Flash via openrouter", "openrouter/deepseek/deepseek-v4-flash", None),
    ("azure_ai/deepseek-v4-flash", "deepseek-v4-flash", "azure_ai", False, "DeepSeek V4 Flash via azure_ai", None,
     "azure_ai/deepseek-v4-flash"),
    ("fireworks_ai/accounts/fireworks/models/deepseek-v4-flash", "deepseek-v4-flash", "fireworks_ai", False,
     "DeepSeek V4 Flash via fireworks_ai", "fireworks/deepseek-v4-flash",
     "fireworks_ai/accounts/fireworks/models/deepseek-v4-flash"),
    ("bedrock/us-east-1/deepseek.v3.2", "deepseek-v3-2", "bedrock", False, "deepseek-v3-2 via bedrock (us-east-1)",
     None, "bedrock/us-east-1/deepseek.v3.2"),
    ("groq/qwen/qwen3-32b", "qwen3-32b", "groq", False, "Qwen3-32B via groq", "groq/qwen/qwen3-32b", None),
    ("aws/qwen.qwen3-32b-v1:0", "qwen3-32b", "aws", False, "Qwen3-32B via aws", "aws/qwen.qwen3-32b-v1:0",
     "qwen.qwen3-32b-v1:0"),
    ("moonshot/kimi-k2.5", "kimi-k2-5", "moonshot", True, "Kimi K2.5", "moonshotai/kimi-k2.5", "moonshot/kimi-k2.5"),
    ("zai/glm-5", "glm-5", "zai", True, "GLM-5", "zai/GLM-5", "zai/glm-5"),
    ("gemini/gemini-2.5-pro", "gemini-2-5-pro", "gemini", True, "gemini-2-5-pro", "google/gemini-2.5-pro",
     "gemini/gemini-2.5-pro"),
    ("mistral/mistral-large-latest", "mistral-large", "mistral", True, "mistral-large", "mistral/mistral-large",
     "mistral/mistral-large-latest"),
    ("azure_ai/mistral-large-latest", "mistral-large", "azure_ai", False, "mistral-large via azure_ai", None,
     "azure_ai/mistral-large-latest"),
]


@pytest.mark.parametrize("api_id, canonical, provider, first_party, shown, _g, _l", KEYS)
def test_api_id_names_model_and_endpoint(api_id, canonical, provider, first_party, shown, _g, _l):
    ref = resolve_api_id(api_id, IDENT)
    assert (ref.canonical_model_id, ref.provider, ref.first_party) == (canonical, provider, first_party)
    assert endpoint_name(ref, IDENT) == shown


def _check_catalog(endpoints, column):
    wrong = []
    for row in KEYS:
        want = row[column]
        got = match_endpoint(resolve_api_id(row[0], IDENT, set(endpoints.provider)), endpoints)
        if got != want:
            wrong.append((row[0], got, want))
    assert wrong == []
    # an endpoint found is always the named provider's (a reseller is never swapped in, nor the reverse)
    for row in KEYS:
        ref = resolve_api_id(row[0], IDENT)
        key = match_endpoint(ref, endpoints)
        if key is not None:
            prov = endpoints.loc[endpoints.endpoint_key == key, "provider"].iloc[0]
            assert provider_key(prov) == provider_key(ref.provider), (row[0], key)
    # the default price of each model stays its first-party endpoint's
    best = default_endpoints(annotate(endpoints, IDENT), IDENT).set_index("canonical_model_id")
    for cid in {row[1] for row in KEYS} & set(best.index):
        assert bool(best.loc[cid, "first_party"]), cid


def test_genai_prices_endpoints(genai_import):
    _check_catalog(genai_import.endpoints, 5)


def test_litellm_endpoints(litellm_import):
    _check_catalog(litellm_import.endpoints, 6)


def test_dated_id_keeps_its_own_price_where_the_catalog_has_it(genai_import):
    ep = genai_import.endpoints.set_index("endpoint_key")
    old = match_endpoint(resolve_api_id("gpt-4o-2024-05-13", IDENT), genai_import.endpoints)
    new = match_endpoint(resolve_api_id("gpt-4o-2024-08-06", IDENT), genai_import.endpoints)
    price = lambda k: ep.loc[[k]].query("service_tier == 'standard'").output_usd_per_mtok.iloc[-1]  # noqa: E731
    assert (price(old), price(new)) == (15.0, 10.0)


def test_unknown_ids():
    ref = resolve_api_id("acme/some-new-model", IDENT)
    assert (ref.canonical_model_id, ref.provider, ref.first_party) == ("some-new-model", None, None)
    assert endpoint_name(ref, IDENT) == "some-new-model"

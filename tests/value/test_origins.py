"""Origins (analysis.value.origins, data/makers.csv): all five origins handled; the maker table covers both catalogs."""

import pandas as pd
import pytest

from analysis.data.identity import annotate, load_identity, origin_of
from analysis.data.load import load_benchmarks, load_pricing
from analysis.value.claims import claim_origin_edge
from analysis.value.origins import origin_counts, origin_gaps, origin_summary

IDENT = load_identity()

#: The makers issue 10 names (and a few more), by a real API id of each catalog: (id, origin).
MAKERS = [
    ("stepfun/step-3", "CN"), ("xiaomi_mimo/mimo-v2-flash", "CN"), ("tencent/hunyuan-t1", "CN"),
    ("novita/tencent/hy4", "CN"), ("volcengine/doubao-seed-1-6", "CN"), ("bytedance/ui-tars-1.5-7b", "CN"),
    ("01ai/yi-large", "CN"), ("internlm/internlm3-8b-instruct", "CN"), ("meituan/longcat-flash-chat", "CN"),
    ("openrouter/inclusionai/ling-3.0-flash", "CN"), ("novita/baichuan/baichuan-m2-32b", "CN"),
    ("deepseek/deepseek-v4-flash", "CN"), ("moonshot/kimi-k2.5", "CN"), ("zai/glm-5", "CN"),
    ("azure_ai/mistral-large-latest", "EU"), ("bedrock/eu-west-3/mistral.mistral-large-2402-v1:0", "EU"),
    ("mistral/magistral-medium-latest", "EU"), ("openrouter/meta/muse-spark-1.3", "US"),
    ("openrouter/allenai/olmo-3-32b-think", "US"), ("gpt-4o", "US"), ("azure/gpt-4o", "US"),
    ("huggingface_publicai/swiss-ai/Apertus-70B-Instruct-2509", "other"), ("cohere/command-a", "other"),
    ("openrouter/sakana/fugu-max", "other"), ("openrouter/gryphe/mythomax-l2-13b", "unknown"),
]


@pytest.mark.parametrize("api_id, origin", MAKERS)
def test_origin_is_the_makers_country_never_the_hosts(api_id, origin):
    assert origin_of(api_id, IDENT) == origin


def test_origin_counts_and_gaps_take_every_origin():
    mine = load_pricing().assign(origin=lambda p: p.origin.mask(p.model == "GLM-5", "EU")
                                 .mask(p.model == "Kimi K2.5", "unknown"))
    assert origin_counts(mine).to_dict() == {"US": 4, "CN": 5, "EU": 1, "other": 0, "unknown": 1}
    g = origin_gaps(mine, load_benchmarks(), "mmlu", "US", "EU")
    assert set(g.field) == {"GLM-5"} and set(g.leader_origin) == {"US"} and set(g.field_origin) == {"EU"}
    s = origin_summary(mine, load_benchmarks(), "mmlu").set_index("origin")
    assert list(s.index) == ["US", "CN", "EU", "other", "unknown"]
    assert (s.loc["EU", "scored"], s.loc["EU", "best_model"]) == (1, "GLM-5")
    with pytest.raises(ValueError, match="leader 'China' is not an origin: expected one of US, CN, EU, other"):
        origin_gaps(mine, load_benchmarks(), "mmlu", "China")
    claim = claim_origin_edge(mine, load_benchmarks())
    assert claim.numbers["scored_outside_us_cn"] == {"EU": 1, "unknown": 1}
    assert claim.finding.endswith("Outside this US-China comparison: 1 EU and 1 unknown-origin models with a score "
                                  "(best EU: GLM-5; best unknown-origin: Kimi K2.5).")
    claim = claim_origin_edge(mine.assign(origin=mine.origin.mask(mine.model == "Kimi K2.5", "CN")), load_benchmarks())
    assert claim.finding.endswith("Outside this US-China comparison: 1 EU model with a score (best EU: GLM-5).")
    assert claim_origin_edge(load_pricing(), load_benchmarks()).numbers["scored_outside_us_cn"] == {}


def _catalog_origins(imp):
    ep = annotate(imp.endpoints, IDENT).drop_duplicates("canonical_model_id")
    return origin_counts(ep)


def test_genai_prices_origins(genai_import):
    counts = _catalog_origins(genai_import)
    assert counts["CN"] >= 250 and counts["EU"] >= 50 and counts["other"] >= 20
    assert counts["unknown"] / counts.sum() < 0.2, counts.to_dict()  # the maker table covers the catalog


def test_litellm_origins(litellm_import):
    counts = _catalog_origins(litellm_import)
    assert counts["CN"] >= 350 and counts["EU"] >= 80 and counts["other"] >= 20
    assert counts["unknown"] / counts.sum() < 0.2, counts.to_dict()


def test_an_unknown_origin_is_counted_never_dropped():
    frame = pd.DataFrame({"origin": ["US", None, "FR"]})
    assert origin_counts(frame)["unknown"] == 2

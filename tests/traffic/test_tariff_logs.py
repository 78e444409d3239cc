"""Usage logs with 2026 token kinds priced on tariffs (analysis.traffic.tariff_logs): hand-computed costs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data.tariff_tables import endpoints_frame, tiers_frame
from analysis.prices.tariff_costs import price_rows
from analysis.traffic.tariff_logs import TARIFF_ROW_KINDS, price_log, resolve_endpoints

GPT = dict(canonical_model_id="gpt-4o", api_model_id="gpt-4o", provider="openai", first_party=True,
           context_window_tokens=128_000)


def tables() -> dict[str, pd.DataFrame]:
    """A hand-made catalog: history, cache prices, a batch tier, a long-context tier, off-peak hours, a reseller."""
    ep = endpoints_frame([
        dict(endpoint_key="openai/gpt-4o", **GPT, effective_to="2026-10-01", input_usd_per_mtok=5.0,
             output_usd_per_mtok=15.0, cache_read_usd_per_mtok=2.5),
        dict(endpoint_key="openai/gpt-4o", **GPT, effective_from="2026-10-01", input_usd_per_mtok=2.5,
             output_usd_per_mtok=10.0, cache_read_usd_per_mtok=1.25),
        dict(endpoint_key="openai/gpt-4o", **GPT, service_tier="batch", effective_from="2026-10-01",
             input_usd_per_mtok=1.25, output_usd_per_mtok=5.0, cache_read_usd_per_mtok=0.625),
        dict(endpoint_key="azure/gpt-4o", **{**GPT, "provider": "azure", "first_party": False},
             input_usd_per_mtok=2.75, output_usd_per_mtok=11.0),
        dict(endpoint_key="anthropic/claude-3-5-sonnet", canonical_model_id="claude-3-5-sonnet",
             api_model_id="claude-3-5-sonnet", provider="anthropic", first_party=True, effective_from="2026-06-01",
             input_usd_per_mtok=3.0, output_usd_per_mtok=15.0, cache_read_usd_per_mtok=0.3,
             cache_write_5m_usd_per_mtok=3.75, context_window_tokens=200_000),
        *[dict(endpoint_key="deepseek/deepseek-v4-flash", canonical_model_id="deepseek-v4-flash",
               api_model_id="deepseek-v4-flash", provider="deepseek", first_party=True, utc_start_minute=a,
               utc_end_minute=b, input_usd_per_mtok=p, output_usd_per_mtok=2 * p)
          for a, b, p in ((0, 990, 0.2), (990, 1440, 0.1))],  # off-peak from 16:30 UTC
    ])
    claude = int(ep.price_row_id[ep.endpoint_key == "anthropic/claude-3-5-sonnet"].iloc[0])
    tiers = tiers_frame([dict(price_row_id=claude, price_column=c, threshold_input_tokens=100_000, usd_per_mtok=p,
                              rule="whole_request") for c, p in (("input_usd_per_mtok", 6.0),
                                                                 ("output_usd_per_mtok", 22.5))])
    return {"endpoints": ep, "tiers": tiers}


HEADER = "timestamp,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens,service_tier,provider\n"
ROWS = [  # line 2 onwards; the cost as billed, by hand
    "2026-11-02T10:00:00Z,gpt-4o-2024-08-06,100000,10000,50000,,,",  # 0.125 + 0.0625 + 0.1 = 0.2875
    "2026-09-15T10:00:00Z,gpt-4o,100000,0,,,,",  # the price in force then: 0.5
    "2026-11-02T10:00:00Z,gpt-4o,100000,10000,,,batch,",  # batch: 0.125 + 0.05 = 0.175
    "2026-11-02T10:00:00Z,claude-3-5-sonnet,150000,1000,0,50000,,",  # over 100K: 0.6 + 0.1875 + 0.0225 = 0.81
    "2026-11-02T20:00:00Z,deepseek-v4-flash,1000000,1000000,,,,",  # off-peak: 0.1 + 0.2 = 0.3
    "2026-11-02T10:00:00Z,deepseek-v4-flash,1000000,1000000,,,,",  # peak: 0.2 + 0.4 = 0.6
    "2026-11-02T10:00:00Z,gpt-4o,100000,0,,,,Azure",  # the reseller: 0.275
    "2026-11-02T10:00:00Z,deepseek-v4-flash,5000,10,1000,,,",  # no cache-read price known
    "2026-11-02T10:00:00Z,gpt-4o,200000,10,,,,",  # over the model's context window
    "2026-05-01T10:00:00Z,claude-3-5-sonnet,1000,10,,,,",  # no price in force on that date
    "2026-11-02T10:00:00Z,gpt-4o,1000,10,,,turbo,",  # line 12: unknown service_tier
    "2026-11-02T10:00:00Z,gpt-4o,1000,10,abc,,,",  # line 13: non-numeric cache tokens
    "2026-11-02T10:00:00Z,gpt-4o,1000,10,800,300,,",  # line 14: cache tokens exceed input tokens
    "2026-11-02T10:00:00Z,llama-9,1000,10,,,,",  # line 15: unknown model
    "2026-11-02T10:00:00Z,gpt-4o,1000,10,,,,nowhere",  # line 16: unknown provider
    "not a time,gpt-4o,1000,10,,,,",  # line 17: unparsable timestamp
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "log2026.csv"
    log.write_text(HEADER + "\n".join(ROWS) + "\n")
    return price_log(log, tables(), as_of="2026-11-30")


def test_costs_as_billed_then_by_hand(report):
    b = report.billed[report.billed.cost_usd.notna()].fillna({"provider": ""})
    cost = {(r.model, r.provider, r.service_tier): round(r.cost_usd, 6) for r in b.itertuples()}
    assert cost == {("gpt-4o-2024-08-06", "", "standard"): 0.2875,  # API id priced as GPT-4o, cache reads
                    ("gpt-4o", "", "standard"): 0.5,  # the price in force on 2026-09-15
                    ("gpt-4o", "", "batch"): 0.175,
                    ("claude-3-5-sonnet", "", "standard"): 0.81,  # long context, cache writes
                    ("deepseek-v4-flash", "", "standard"): 0.9,  # 0.3 off-peak + 0.6 peak (not 1.2)
                    ("gpt-4o", "azure", "standard"): 0.275}
    assert report.billed_cost_usd == pytest.approx(2.9475)
    assert set(b.endpoint_key) == {"openai/gpt-4o", "anthropic/claude-3-5-sonnet", "deepseek/deepseek-v4-flash",
                                   "azure/gpt-4o"}


def test_rows_set_aside_by_reason_with_lines(report):
    assert report.rows_total == 16 and report.rows_priced == 7
    assert report.set_aside_billed() == {
        "unparsable timestamp": 1, "non-numeric cache or reasoning tokens": 1, "cache tokens exceed input tokens": 1,
        "unknown service_tier": 1, "unknown model": 1, "unknown provider": 1,
        "no cache-read price known": 1, "over the model's context window": 1, "no price in force on that date": 1}
    lines = {p.kind: [e["line"] for e in p.examples] for p in report.problems.itertuples()}
    assert lines == {"unparsable timestamp": [17], "non-numeric cache or reasoning tokens": [13],
                     "cache tokens exceed input tokens": [14], "unknown service_tier": [12], "unknown model": [15],
                     "unknown provider": [16]}
    assert set(report.problems.kind) <= set(TARIFF_ROW_KINDS)
    assert "set aside: 1 row with unknown service_tier" in report.summary()


def test_today_under_every_model_carries_the_logs_cache_share_over(tmp_path):
    log = tmp_path / "cached.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens,cached_input_tokens\n"
                   "2026-11-02T10:00:00Z,gpt-4o,100000,10000,40000\n")
    r = price_log(log, tables(), as_of="2026-11-30")
    assert (r.cache_hit_share, r.cache_share_assumed) == (0.4, False)
    t = r.today.set_index("model")
    assert t.cost_usd["claude-3-5-sonnet"] == pytest.approx(0.18 + 0.012 + 0.15)  # 60K, 40K cached, 10K out
    assert t.cost_usd["gpt-4o"] == pytest.approx(0.15 + 0.05 + 0.1)
    assert np.isnan(t.cost_usd["deepseek-v4-flash"])  # no cache price known: unknown, never 0
    assert t.note["deepseek-v4-flash"] == "1 row: no cache-read price known"
    assert "azure/gpt-4o" not in set(r.today.endpoint_key)  # today's prices are first-party


def test_today_with_an_assumed_share_and_the_rows_time_of_day(tmp_path):
    log = tmp_path / "plain.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens\n"
                   "2026-09-15T20:00:00Z,gpt-4o,100000,10000\n2026-11-02T10:00:00Z,gpt-4o,100000,10000\n")
    r = price_log(log, tables(), as_of="2026-11-30", cache_hit_share=0.5)
    assert r.billed_cost_usd == pytest.approx(0.65 + 0.35)  # 2026-09-15 at the old price
    assert (r.cache_hit_share, r.cache_share_assumed) == (0.5, True)
    assert "an assumption" in r.summary()
    t = r.today.set_index("model")
    assert t.cost_usd["gpt-4o"] == pytest.approx(2 * (0.125 + 0.0625 + 0.1))
    assert t.rows_set_aside["deepseek-v4-flash"] == 2
    zero = price_log(log, tables(), as_of="2026-11-30").today.set_index("model")
    assert zero.cost_usd["deepseek-v4-flash"] == pytest.approx(0.012 + 0.024)  # 20:00 off-peak, 10:00 peak
    assert zero.cost_usd["claude-3-5-sonnet"] == pytest.approx(2 * 0.45)  # not over the 100K tier
    assert list(zero.index[:1]) == ["deepseek-v4-flash"] or r.table().model.iloc[0] == "gpt-4o"


def test_api_ids_resolve_to_the_canonical_models_endpoint():
    ends = resolve_endpoints([("gpt-4o-2024-08-06", None), ("claude-3-5-sonnet", None), ("gpt-4o", "azure"),
                              ("azure/gpt-4o", None), ("gpt-4o", "nowhere"), ("llama-9", None)],
                             tables()["endpoints"])
    assert ends == {("gpt-4o-2024-08-06", None): ("openai/gpt-4o", None),
                    ("claude-3-5-sonnet", None): ("anthropic/claude-3-5-sonnet", None),
                    ("gpt-4o", "azure"): ("azure/gpt-4o", None), ("azure/gpt-4o", None): ("azure/gpt-4o", None),
                    ("gpt-4o", "nowhere"): (None, "unknown provider"), ("llama-9", None): (None, "unknown model")}


def _resellers_only() -> dict[str, pd.DataFrame]:
    """tables() plus a model only a cloud prices (as LiteLLM lists Claude 3.5 Sonnet: Bedrock, Vertex, no Anthropic)."""
    t = tables()
    cloud = endpoints_frame([dict(endpoint_key="bedrock/anthropic.claude-3-haiku", canonical_model_id="claude-3-haiku",
                                  api_model_id="anthropic.claude-3-haiku", provider="bedrock", first_party=False,
                                  input_usd_per_mtok=0.25, output_usd_per_mtok=1.25)])
    ep = pd.concat([t["endpoints"], cloud.assign(price_row_id=len(t["endpoints"]))], ignore_index=True)
    return {"endpoints": ep, "tiers": t["tiers"]}


def test_a_model_only_resellers_price_is_no_first_party_endpoint_not_an_unknown_provider(tmp_path):
    ends = resolve_endpoints([("claude-3-haiku", None), ("claude-3-haiku", "bedrock"), ("claude-3-haiku", "azure")],
                             _resellers_only()["endpoints"])
    assert ends == {("claude-3-haiku", None): (None, "no first-party endpoint"),
                    ("claude-3-haiku", "bedrock"): ("bedrock/anthropic.claude-3-haiku", None),
                    ("claude-3-haiku", "azure"): (None, "unknown provider")}
    log = tmp_path / "resold.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens,provider\n"
                   + "".join(f"2026-11-0{d}T10:00:00Z,claude-3-haiku,1000000,0,\n" for d in (2, 3, 4))  # no provider
                   + "2026-11-02T10:00:00Z,claude-3-haiku,1000000,0,bedrock\n"
                   + "2026-11-02T10:00:00Z,claude-3-haiku,1000000,0,azure\n"
                   + "2026-11-02T10:00:00Z,gpt-4o,100000,0,\n")
    r = price_log(log, _resellers_only(), as_of="2026-11-30")
    problems = r.problems.set_index("kind")
    assert problems.rows.to_dict() == {"unknown provider": 1, "no first-party endpoint": 3}
    assert [e["line"] for e in problems.examples["no first-party endpoint"]] == [2, 3, 4]
    assert problems.expected["no first-party endpoint"] == TARIFF_ROW_KINDS["no first-party endpoint"]
    assert r.billed_cost_usd == pytest.approx(0.25 + 0.25)  # Bedrock's 1M at $0.25, OpenAI's 100K at $2.50
    text = r.summary()
    assert "set aside: 3 rows with no first-party endpoint (expected a provider naming who served the row" in text
    # today's comparison says what it could not place, and why
    assert ("It compares the 2 rows it could place; 4 rows are left out: 1 with unknown provider, 3 with no "
            "first-party endpoint.") in text
    assert set(r.today.rows_priced + r.today.rows_set_aside) == {2}


def test_grouped_pricing_equals_every_row_priced_on_its_own(tmp_path):
    """The scan groups rows; tariff_costs.price_rows on each raw row must give the same total to the cent."""
    rng = np.random.default_rng(3)
    n = 3000
    models = np.array(["gpt-4o", "claude-3-5-sonnet", "deepseek-v4-flash"])
    keys = {"gpt-4o": "openai/gpt-4o", "claude-3-5-sonnet": "anthropic/claude-3-5-sonnet",
            "deepseek-v4-flash": "deepseek/deepseek-v4-flash"}
    inp = rng.integers(1, 190_000, n)
    out = rng.integers(0, 5_000, n)
    frame = pd.DataFrame({
        "timestamp": pd.Timestamp("2026-06-15") + pd.to_timedelta(rng.integers(0, 160 * 1440, n), unit="min"),
        "model": rng.choice(models, n), "input_tokens": inp, "output_tokens": out,
        "cached_input_tokens": (inp * rng.choice([0, 0.3], n)).astype("int64"),
        "cache_write_tokens": np.where(rng.random(n) < 0.2, 100, 0), "reasoning_tokens": out // 3,
        "service_tier": rng.choice(["standard", "batch"], n, p=[0.8, 0.2])})
    log = tmp_path / "random.parquet"
    frame.to_parquet(log)
    r = price_log(log, tables(), as_of="2026-11-30", examples=0)
    one = price_rows(frame.assign(endpoint_key=frame.model.map(keys), cache_read_tokens=frame.cached_input_tokens),
                     tables())
    assert r.rows_priced == int(one.cost_usd.notna().sum())
    assert r.billed_cost_usd == pytest.approx(float(one.cost_usd.sum()), abs=0.005)
    assert r.set_aside_billed() == one.set_aside_reason.where(
        ~((one.set_aside_reason == "endpoint not in catalog") & (frame.service_tier == "batch")),
        "no batch tier on this endpoint").value_counts().to_dict()


@pytest.fixture(scope="module")
def genai():
    from analysis.data.catalogs import load_catalog

    return load_catalog("genai-prices").tables


@pytest.mark.parametrize("ext", ["csv", "jsonl", "parquet"])
def test_the_shipped_2026_log_on_genai_prices(genai, ext):
    from analysis import paths

    r = price_log(paths.ROOT / "examples" / f"my-usage-2026.{ext}", genai, as_of="2026-11-30")
    assert r.rows_total == 600
    assert dict(zip(r.problems.kind, r.problems.rows)) == {"cache tokens exceed input tokens": 1,
                                                           "unknown service_tier": 1}
    line = {"csv": 144, "jsonl": 143, "parquet": None}[ext]
    ex = r.problems.set_index("kind").examples["cache tokens exceed input tokens"][0]
    assert ex.get("line") == line and (ext != "parquet" or ex["row"] == 143)
    b = r.billed.fillna({"provider": ""})
    ends = {(m, p, t): e for m, p, t, e in zip(b.model, b.provider, b.service_tier, b.endpoint_key)}
    # API ids priced as the canonical model's first-party endpoint; a provider's rows on its own endpoint
    assert ends[("gpt-4o-2024-08-06", "", "standard")] == "openai/gpt-4o"
    assert ends[("gpt-4o-2024-08-06", "", "batch")] == "openai/gpt-4o"
    assert ends[("claude-3-5-sonnet", "", "standard")] == "anthropic/claude-3-5-sonnet"
    assert ends[("gpt-4o-2024-08-06", "openrouter", "standard")].startswith("openrouter/")
    assert r.rows_priced + sum(r.set_aside_billed().values()) == 600
    assert r.billed_cost_usd > 0 and not r.cache_share_assumed
    t = r.today.set_index("model")
    assert t.rows_priced.max() == 598 and (t.rows_priced + t.rows_set_aside == 598).all()


def test_reprice_command_prints_both_costs(capsys):
    from analysis import paths
    from analysis.cli import main

    assert main(["reprice", str(paths.ROOT / "examples" / "my-usage-2026.csv"), "--top", "3", "--as-of",
                 "2026-11-30", "--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert "As billed then (the tariff in force at each row's timestamp, its tier and provider): $2.74." in out
    assert "set aside as billed: 43 rows, no batch tier on this endpoint" in out
    assert "At today's prices (2026-11-30) under every model: the log's own cache-hit share, 30.0%" in out
    assert "... and 8 more models" in out


def test_weekday_windows_and_a_per_request_fee(tmp_path):
    """Weekend prices (ISO weekday mask) as billed and today; a fee per request counted once per row."""
    ep = endpoints_frame([dict(endpoint_key="acme/m1", canonical_model_id="deepseek-v4-flash", api_model_id="m1",
                               provider="deepseek", first_party=True, utc_weekday_mask=mask, per_request_usd=0.01,
                               input_usd_per_mtok=p, output_usd_per_mtok=p, time_window=label)
                          for mask, p, label in ((0b0011111, 2.0, "Mon-Fri"), (0b1100000, 1.0, "Sat-Sun"))])
    log = tmp_path / "week.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens\n"
                   "2026-11-07T12:00:00Z,m1,1000000,0\n"  # a Saturday: 1.0 + 0.01
                   "2026-11-09T12:00:00Z,m1,1000000,0\n"  # a Monday: 2.0 + 0.01
                   "2026-11-10T12:00:00Z,m1,500000,500000\n")  # a Tuesday: 2.0 + 0.01
    r = price_log(log, {"endpoints": ep, "tiers": tiers_frame([])}, as_of="2026-11-30")
    assert r.billed_cost_usd == pytest.approx(5.03)
    # today (Monday 2026-11-30): each row on its own weekday of the week before, same prices here
    assert r.today.set_index("model").cost_usd["deepseek-v4-flash"] == pytest.approx(5.03)


TASK_LOG = ("timestamp,model,input_tokens,output_tokens,task_type\n"
            "2026-11-02T10:00:00Z,gpt-4o,100000,0,vision\n"  # GPT-4o: $0.25; DeepSeek V4 Flash cannot serve it
            "2026-11-02T10:00:00Z,gpt-4o,100000,0,code\n"
            "2026-11-02T10:00:00Z,gpt-4o,100000,0,\n"  # empty: general (an assumption)
            "2026-11-02T10:00:00Z,gpt-4o,80000,0,poetry\n")  # unknown task type: billed ($0.20), left out today


@pytest.mark.parametrize("vision, deepseek_reason", [
    ({"gpt-4o": True, "deepseek-v4-flash": False}, "no vision (model_facts.csv says false)"),
    ({"gpt-4o": True}, "vision unknown (data gap)"),
])
def test_today_sets_aside_vision_requests_a_model_cannot_serve(tmp_path, vision, deepseek_reason):
    log = tmp_path / "log.csv"
    log.write_text(TASK_LOG)
    r = price_log(log, tables(), as_of="2026-11-30", vision=vision)
    t = r.table().set_index("model")
    assert (t.loc["gpt-4o", "rows_priced"], t.loc["gpt-4o", "rows_set_aside"]) == (3, 0)
    assert t.loc["gpt-4o", "cost_usd"] == pytest.approx(3 * 0.25)
    assert (t.loc["deepseek-v4-flash", "rows_priced"], t.loc["deepseek-v4-flash", "rows_set_aside"]) == (2, 1)
    assert t.loc["deepseek-v4-flash", "note"] == f"1 row: {deepseek_reason}"
    assert t.index[0] == "gpt-4o", "the cheapest model that prices every row is one that can serve them all"
    # the bill does not depend on the task type: all four rows as billed; the unknown one stated with its cost
    assert (r.rows_priced, r.billed_cost_usd) == (4, pytest.approx(3 * 0.25 + 0.2))
    assert (r.task_unknown_rows, r.task_unknown_cost_usd) == (1, pytest.approx(0.2))
    assert r.task_unknown_examples[0]["line"] == 5 and r.task_unknown_examples[0]["task_type"] == "poetry"
    assert "1 row with an unknown task_type" in r.summary() and "($0.20)" in r.summary()


def test_a_log_without_task_types_sets_no_row_aside_for_vision_and_says_so(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens\n2026-11-02T10:00:00Z,gpt-4o,100000,0\n")
    r = price_log(log, tables(), as_of="2026-11-30", vision={"deepseek-v4-flash": False})
    assert (r.today.rows_set_aside == 0).all() and r.task_unknown_rows == 0
    assert any("no task_type column" in n for n in r.notes)


def test_today_names_the_articles_models_by_their_names():
    from analysis import paths
    from analysis.traffic.tariff_logs import catalog_tables
    from analysis.traffic.tariff_text import format_today

    r = price_log(paths.ROOT / "examples" / "my-usage.csv", catalog_tables("article"), as_of="2026-11-30")
    text = format_today(r)
    assert "DeepSeek V4 Flash" in text and "deepseek-v4-flash" not in text
    assert dict(zip(r.today.model, r.today.name))["qwen3-5-397b"] == "Qwen3.5-397B"


@pytest.mark.parametrize("ext", ["csv", "jsonl", "parquet"])
def test_the_two_totals_of_a_log_reconcile(tmp_path, ext):
    """As billed (article catalog) = as logged + the cost of the rows with an unknown task_type, to the cent; and
    today's cost of every model equals that model alone, rows and set-aside rows included."""
    from analysis.traffic.demo_log import generate_usage_log
    from analysis.traffic.reprice import reprice_log
    from analysis.traffic.tariff_logs import catalog_tables

    log = generate_usage_log(tmp_path / f"log.{ext}", rows=3000, seed=5,
                             bad_rows={"unknown task_type": 3, "unknown model": 2, "negative tokens": 1})
    logged = reprice_log(log)
    billed = price_log(log, catalog_tables("article"), as_of="2026-11-30")
    totals = logged.totals.set_index("scenario")
    assert billed.task_unknown_rows == 3 and billed.rows_priced == logged.rows_priced + 3
    assert billed.billed_cost_usd == pytest.approx(totals.loc["as logged", "cost_usd"] + billed.task_unknown_cost_usd,
                                                   abs=1e-9)
    assert billed.task_unknown_cost_usd > 0
    today = billed.today.set_index("name")
    for name in ("GPT-4o", "DeepSeek V4 Flash", "Claude 3.5 Sonnet", "Qwen3-32B"):
        assert today.loc[name, "cost_usd"] == pytest.approx(totals.loc[name, "cost_usd"], abs=1e-9)
        assert today.loc[name, "rows_priced"] == totals.loc[name, "rows_served"]
        assert today.loc[name, "rows_set_aside"] == totals.loc[name, "rows_unserved"]


def test_reprice_command_names_the_articles_models_and_sets_vision_aside(capsys, tmp_path):
    """Trial items 3 and 9: one cost per model in both tables, named as the article names it; the rows with an
    unknown task_type counted, with their cost, where the two totals differ."""
    from analysis import paths
    from analysis.cli import main

    assert main(["reprice", str(paths.ROOT / "examples" / "my-usage.csv"), "--as-of", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    today = out[out.index("cost today"):]
    assert "DeepSeek V4 Flash                         $0.39          759         38  38 rows: no vision" in today
    assert "deepseek-v4-flash" not in today and today.splitlines()[1].startswith("GPT-4o ")
    log = tmp_path / "log.csv"
    log.write_text(TASK_LOG)
    assert main(["reprice", str(log), "--as-of", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert "set aside: 1 row with unknown task_type" in out.split("On the article")[0]
    assert "1 row with an unknown task_type (expected empty or one of" in out and "($0.20)" in out

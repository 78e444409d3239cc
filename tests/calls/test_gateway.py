"""The gateway configuration: tables, router rules, key and URL handling, the /v1/models check,
and the test suite's own offline guard against the SDK's HTTP stack."""

from __future__ import annotations

import asyncio
import math

import openai
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.formatting as formatting
from analysis.calls import gateway as calls_gateway
from analysis.data import gateway as data_gateway
from analysis.data.load import load_benchmarks, load_pricing
from analysis.data.tables import DataError
from analysis.traffic import router as traffic_router

HEADER_ROUTER = "task_type,rank,model,note\n"


# --------------------------------------------------------------------------- tables


def test_shipped_gateway_models_cover_every_priced_model_once():
    ids = data_gateway.load_gateway_models()
    assert set(ids.model) == set(load_pricing().model)
    assert ids.gateway_model_id.is_unique
    assert ids.attrs["meta"]["source"]["title"].startswith("pricepoint configuration (not from the source article)")


def test_gateway_models_errors_are_listed_together(write_csv):
    path = write_csv("ids.csv", "model,gateway_model_id\nGPT-4o,gpt 4o\nNope,x\nGLM-5,x\nKimi K2.5,\n")
    with pytest.raises(DataError) as err:
        data_gateway.load_gateway_models(path)
    got = [(p.line, p.column, p.value) for p in err.value.problems]
    assert got == [(2, "gateway_model_id", "gpt 4o"), (3, "model", "Nope"), (4, "gateway_model_id", "x"),
                   (5, "gateway_model_id", "")]
    assert "already on line 3" in str(err.value)


def test_prompts_cover_the_four_task_types_and_validate(write_csv):
    p = data_gateway.load_prompts()
    assert p.groupby("task_type").size().to_dict() == {"chinese": 2, "code": 2, "extraction": 2, "reasoning": 2}
    assert p.max_tokens.dtype.kind == "i"
    bad = write_csv("p.csv", "prompt_id,task_type,max_tokens,text\nmy prompt,code,1.5,hi\nb,code,0,hi\n")
    with pytest.raises(DataError) as err:
        data_gateway.load_prompts(bad)
    assert {(p.line, p.column) for p in err.value.problems} == {(2, "max_tokens"), (2, "prompt_id"), (3, "max_tokens")}


def test_select_prompts_rejects_unknown_ids():
    with pytest.raises(ValueError, match="unknown prompt id"):
        calls_gateway.select_prompts(data_gateway.load_prompts(), "code-1, nope")


# --------------------------------------------------------------------------- the router


def test_shipped_router_is_the_articles_with_a_computed_chinese_route():
    r = traffic_router.routes(traffic_router.load_router())
    assert r["code"] == r["extraction"] == ["DeepSeek V4 Flash", "GPT-4o"]
    assert r["vision"] == ["GPT-4o"]
    assert r["default"] == ["GPT-4o"]
    best = traffic_router.best_value(load_pricing(), load_benchmarks(), "ceval")["model"]
    assert r["chinese"] == [best, "GPT-4o"]
    # every route ends on GPT-4o, the fallback
    assert all(models[-1] == "GPT-4o" for models in r.values())


def test_best_ceval_value_is_the_lowest_price_per_point():
    pricing, bench = load_pricing(), load_benchmarks()
    ceval = bench[bench.benchmark == "ceval"].merge(pricing, on="model")
    per_point = dict(zip(ceval.model, ceval.output_usd_per_mtok / ceval.score))
    best = traffic_router.best_value(pricing, bench, "ceval")
    assert best["model"] == min(per_point, key=per_point.get) == "DeepSeek V4 Flash"
    assert best["usd_per_mtok_per_point"] == pytest.approx(0.25 / 88.0)


def test_router_rule_follows_the_users_data(write_csv):
    """Make Qwen3-32B cheaper: the Chinese route follows, nothing is hard-coded."""
    pricing = load_pricing()
    pricing.loc[pricing.model == "Qwen3-32B", "output_usd_per_mtok"] = 0.01
    r = traffic_router.routes(traffic_router.load_router(pricing=pricing, benchmarks=load_benchmarks(pricing=pricing)))
    assert r["chinese"][0] == "Qwen3-32B"


def test_a_rule_that_resolves_to_a_later_fallback_is_kept_once(write_csv):
    path = write_csv("r.csv", HEADER_ROUTER + "chinese,1,best_value:ceval,\nchinese,2,DeepSeek V4 Flash,\n"
                                              "chinese,3,GPT-4o,\n")
    assert traffic_router.routes(traffic_router.load_router(path))["chinese"] == ["DeepSeek V4 Flash", "GPT-4o"]


def test_router_errors_are_listed_together(write_csv):
    path = write_csv("r.csv", HEADER_ROUTER + "code,1,Nope,\ncode,1.5,GPT-4o,\nchinese,1,best_value:poetry,\n"
                                              "code,1,GPT-4o,\n")
    with pytest.raises(DataError) as err:
        traffic_router.load_router(path)
    got = [(p.line, p.column) for p in err.value.problems]
    assert got == [(2, "model"), (3, "rank"), (4, "model"), (5, "task_type, rank")]


def test_route_for_falls_back_to_default():
    table = traffic_router.routes(traffic_router.load_router())
    assert traffic_router.route_for("translation", table) == ["GPT-4o"]  # no rows of its own: the default route
    assert traffic_router.route_for("code", table)[0] == "DeepSeek V4 Flash"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 50), st.floats(1, 100)), min_size=1, max_size=8))
def test_best_value_is_the_argmin_of_price_per_point(rows):
    names = [f"M{i}" for i in range(len(rows))]
    pricing = pd.DataFrame({"model": names, "output_usd_per_mtok": [p for p, _ in rows]})
    bench = pd.DataFrame({"model": names, "benchmark": "ceval", "score": [s for _, s in rows]})
    best = traffic_router.best_value(pricing, bench, "ceval")
    ratios = [p / s for p, s in rows]
    assert best["usd_per_mtok_per_point"] == pytest.approx(min(ratios))
    assert ratios[names.index(best["model"])] == pytest.approx(min(ratios))


def test_best_value_leaves_unknown_prices_out():
    pricing = pd.DataFrame({"model": ["A", "B"], "output_usd_per_mtok": [math.nan, 5.0]})
    bench = pd.DataFrame({"model": ["A", "B"], "benchmark": "ceval", "score": [90.0, 80.0]})
    assert traffic_router.best_value(pricing, bench)["model"] == "B"
    assert traffic_router.best_value(pricing.iloc[:1], bench)["model"] is None


# --------------------------------------------------------------------------- key, URL, mode


def test_key_comes_from_environment_then_dotenv(monkeypatch, tmp_path):
    env = tmp_path / ".env"
    monkeypatch.setenv(calls_gateway.DOTENV_ENV, str(env))
    monkeypatch.delenv(calls_gateway.KEY_ENV, raising=False)
    assert calls_gateway.api_key() is None
    env.write_text("GLOBAL_API_KEY=from-dotenv\n")
    assert calls_gateway.api_key() == "from-dotenv"
    monkeypatch.setenv(calls_gateway.KEY_ENV, "from-env")
    assert calls_gateway.api_key() == "from-env"
    import os
    assert os.environ.get("GLOBAL_API_KEY") == "from-env"  # .env is read, never loaded into the environment


def test_test_suite_never_reads_the_projects_dotenv():
    assert calls_gateway.dotenv_path().is_file() is False


def test_base_url_parameter_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(calls_gateway.BASE_URL_ENV, raising=False)
    assert calls_gateway.resolve_base_url("") == "https://global-apis.com/v1"
    monkeypatch.setenv(calls_gateway.BASE_URL_ENV, "https://eu.example.test/v1/")
    assert calls_gateway.resolve_base_url("") == "https://eu.example.test/v1"
    assert calls_gateway.resolve_base_url("http://127.0.0.1:9/v1") == "http://127.0.0.1:9/v1"
    with pytest.raises(ValueError, match="not an http"):
        calls_gateway.resolve_base_url("global-apis.com")


def test_mode_resolution_and_live_without_key():
    assert calls_gateway.resolve_mode("auto", None) == "emulated"
    assert calls_gateway.resolve_mode("AUTO", "k") == "live"
    with pytest.raises(ValueError, match="GLOBAL_API_KEY"):
        calls_gateway.resolve_mode("live", None)
    with pytest.raises(ValueError, match="auto | live | emulated"):
        calls_gateway.resolve_mode("dry", None)


def test_labels_say_simulated_or_live():
    assert calls_gateway.mode_label("emulated") == "SIMULATED (local emulator)"
    assert calls_gateway.mode_label("live", "https://global-apis.com/v1") == "LIVE (global-apis.com)"


def test_redact_removes_the_key_and_key_shaped_tokens():
    token = "sk-" + "live-abcdefgh12345678"  # joined here so that no key-shaped string is committed
    text = f"Incorrect API key provided: {token} and my-secret-value."
    out = formatting.redact(text, ["my-secret-value"])
    assert "abcdefgh" not in out and "my-secret-value" not in out and out.count("***") == 2


# --------------------------------------------------------------------------- the /v1/models check


def test_model_check_lists_every_unknown_id_in_one_message(emulator):
    mapping = {"GPT-4o": "gpt-4o", "GLM-5": "glm-5-turbo", "Kimi K2.5": "kimi-2.5"}

    async def go():
        client = calls_gateway.make_client(emulator.base_url, "k")
        try:
            check = await calls_gateway.check_models(client, mapping)
            with pytest.raises(calls_gateway.UnknownModelsError) as err:
                await calls_gateway.check_models(client, mapping, strict=True)
            return check, str(err.value)
        finally:
            await client.close()

    check, message = asyncio.run(go())
    assert check.known == {"GPT-4o": "gpt-4o"}
    assert check.unknown == {"GLM-5": "glm-5-turbo", "Kimi K2.5": "kimi-2.5"}
    assert message == check.message()
    assert "does not know 2 of the 3 mapped model ids" in message
    assert "'glm-5-turbo'" in message and "'kimi-2.5'" in message and "gateway_models.csv" in message


def test_shipped_ids_all_known_to_the_emulator(emulator):
    ids = data_gateway.load_gateway_models()

    async def go():
        client = calls_gateway.make_client(emulator.base_url, "k")
        try:
            return await calls_gateway.check_models(client, dict(zip(ids.model, ids.gateway_model_id)))
        finally:
            await client.close()

    check = asyncio.run(go())
    assert check.ok and "knows all 11" in check.message()


# --------------------------------------------------------------------------- offline guard


def _chain(exc):
    out = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def test_the_sdks_http_stack_cannot_reach_outside_this_machine():
    """A call to a real outside address, through the official SDK (openai 3.x: httpx2/httpcore2 on
    anyio), fails at once inside the test suite: conftest's socket guard sees its connect."""

    async def go():
        client = openai.AsyncOpenAI(api_key="k", base_url="http://203.0.113.7/v1", max_retries=0, timeout=5)
        try:
            await client.models.list()
        finally:
            await client.close()

    with pytest.raises(openai.APIConnectionError) as err:
        asyncio.run(go())
    names = [type(e).__name__ for e in _chain(err.value)]
    assert "OutsideNetworkError" in names, names


def test_the_sync_client_is_guarded_too():
    client = openai.OpenAI(api_key="k", base_url="http://198.51.100.9/v1", max_retries=0, timeout=5)
    with pytest.raises(openai.APIConnectionError) as err:
        client.models.list()
    assert "OutsideNetworkError" in [type(e).__name__ for e in _chain(err.value)]


def test_pricepoint_calls_check_only_against_the_emulator(capsys):
    from analysis.cli import main

    assert main(["calls", "--mode", "emulated", "--check-only", "--models", "GPT-4o, DeepSeek V4 Flash"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIMULATED (local emulator) · http://127.0.0.1:")
    assert "knows all 2 mapped model ids" in out


def test_pricepoint_calls_live_without_key_says_what_to_do(capsys, monkeypatch):
    from analysis.cli import main

    monkeypatch.delenv(calls_gateway.KEY_ENV, raising=False)
    assert main(["calls", "--mode", "live"]) == 2
    err = capsys.readouterr().err
    assert "set GLOBAL_API_KEY" in err


# --------------------------------------------------------------------------- the client's clock at the socket


def test_the_clients_connections_note_when_bytes_arrived(emulator, monkeypatch):
    """Every connection of the SDK's client is clocked at the transport's read (a change in the HTTP
    stack below that silently dropped the clock would fail here), and the arrival it reports for the
    last bytes read lies between the emulator writing the first content and the read returning."""
    import time

    made = []
    real_init = calls_gateway.ClockedStream.__init__

    def init(self, inner):
        real_init(self, inner)
        made.append(self)

    monkeypatch.setattr(calls_gateway.ClockedStream, "__init__", init)

    async def go():
        client = calls_gateway.make_client(emulator.base_url, "any-key")
        box = calls_gateway.Progress()
        calls_gateway.SENT_AT.set(box)
        try:
            async with client.chat.completions.with_streaming_response.create(
                    model="gpt-4o", messages=[{"role": "user", "content": "hi"}], max_tokens=4, stream=True) as r:
                async for _ in r.http_response.aiter_bytes():
                    assert box.read_at is not None and box.read_at <= time.perf_counter()
            return box.read_at
        finally:
            await client.close()

    last_read = asyncio.run(go())
    assert made and all(s.clocked for s in made)
    assert last_read >= emulator.requests[-1]["first_content_monotonic"]  # one clock: the emulator is in-process

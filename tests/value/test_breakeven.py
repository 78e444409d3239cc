"""Break-evens: every closed form against a numerical root (scipy), the "never" cases, and the shipped figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from analysis.data.load import load_benchmarks, load_model_facts, load_pricing
from analysis.pages import breakeven as pages_breakeven
from analysis.value import breakeven as value_breakeven

PRICE = st.floats(0.01, 100, allow_nan=False)        # USD per million tokens
FIXED = st.floats(0, 1e5, allow_nan=False)           # USD per month
RATE = st.integers(0, 1000).map(lambda x: x / 1000)  # success rate: a score from 0 to 100 to 0.1 point
TASK_COST = st.floats(1e-6, 1.0, allow_nan=False)    # USD per task


def check_answer(answer: value_breakeven.BreakEven) -> None:
    """The contract: a finite positive value or None, and always a reason."""
    assert isinstance(answer.reason, str) and answer.reason
    if answer.value is not None:
        assert math.isfinite(answer.value) and answer.value > 0 and not answer.never
    else:
        assert answer.never


# --------------------------------------------------------------------------- volume


@settings(max_examples=300, deadline=None)
@given(PRICE, PRICE, FIXED, FIXED)
def test_volume_break_even_is_the_root(pa, pb, fa, fb):
    answer = value_breakeven.volume_break_even(pa, pb, fa, fb)
    check_answer(answer)

    def gap(v):
        return value_breakeven.monthly_cost_usd(v, pa, fa) - value_breakeven.monthly_cost_usd(v, pb, fb)

    if answer.never:
        # no crossing above zero volume: the sign of the gap never flips
        signs = {np.sign(round(gap(v), 9)) for v in np.logspace(0, 16, 200)}
        assert len(signs - {0.0}) <= 1
    else:
        v = answer.value
        root = brentq(gap, 0, 2 * v, xtol=1e-12 * v, rtol=1e-12)
        assert root == pytest.approx(v, rel=1e-9)
        # below it the lower fixed cost wins, above it the lower per-token price
        assert np.sign(gap(v / 2)) == -np.sign(gap(2 * v)) != 0


def test_volume_never_cases():
    same = value_breakeven.volume_break_even(1.0, 1.0, 0, 0)
    assert same.never and same.reason == "A and B cost the same at every volume"
    equal_prices = value_breakeven.volume_break_even(2.0, 2.0, 100, 0, "A", "B")
    assert equal_prices.never and "B is cheaper at every volume" in equal_prices.reason
    zero_volume = value_breakeven.volume_break_even(2.0, 1.0, 0, 0, "A", "B")   # the crossing would be at 0 tokens
    assert zero_volume.never and "every volume above zero" in zero_volume.reason
    dominated = value_breakeven.volume_break_even(2.0, 1.0, 100, 50, "A", "B")  # B cheaper per token and on fixed cost
    assert dominated.never and dominated.reason.startswith("B is cheaper at every volume")
    unknown = value_breakeven.volume_break_even(math.nan, 1.0, 0, 0, "Qwen3.5-397B", "B")
    assert unknown.unknown and not unknown.never and unknown.reason == "the price of Qwen3.5-397B is unknown"
    assert unknown.as_dict()["never"] is None  # results.json: not known, never "never: true"
    with pytest.raises(ValueError, match="finite numbers >= 0"):
        value_breakeven.volume_break_even(-1.0, 1.0)


def test_volume_break_even_on_shipped_prices():
    # GPT-4o $10 vs DeepSeek V4 Flash $0.25 output, $2,000 a month fixed on the cheaper side
    answer = value_breakeven.volume_break_even(10.0, 0.25, 0, 2000, "GPT-4o", "DeepSeek V4 Flash")
    assert answer.value == pytest.approx(2000 / 9.75 * 1e6)
    assert answer.reason.startswith("above 205.1 million tokens a month DeepSeek V4 Flash is cheaper")


# --------------------------------------------------------------------------- quality


@settings(max_examples=300, deadline=None)
@given(TASK_COST, RATE, TASK_COST, RATE)
def test_quality_break_even_is_the_root(ca, sa, cb, sb):
    answer = value_breakeven.quality_break_even(ca, sa, cb, sb)
    check_answer(answer)

    def gap(f):
        return value_breakeven.cost_per_task_usd(ca, sa, f) - value_breakeven.cost_per_task_usd(cb, sb, f)

    if answer.never:
        signs = {np.sign(round(gap(f), 12)) for f in np.r_[np.logspace(-6, 9, 200)]}
        assert len(signs - {0.0}) <= 1
    else:
        f = answer.value
        root = brentq(gap, 0, 2 * f, xtol=1e-12 * f, rtol=1e-12)
        assert root == pytest.approx(f, rel=1e-8)
        dear_is_a = ca > cb
        # above the break-even the pricier (more accurate) model is cheaper per task
        assert (gap(2 * f) < 0) == dear_is_a and (gap(f / 2) > 0) == dear_is_a


def test_quality_never_cases():
    cheaper_also_better = value_breakeven.quality_break_even(0.001, 0.9, 0.01, 0.8, "A", "B")
    assert cheaper_also_better.never and "A, is also at least as accurate" in cheaper_also_better.reason
    same_accuracy = value_breakeven.quality_break_even(0.001, 0.9, 0.01, 0.9)
    assert same_accuracy.never
    equal_cost = value_breakeven.quality_break_even(0.01, 0.9, 0.01, 0.8, "A", "B")
    assert equal_cost.never and "A (more accurate) is cheaper per task at any failure cost above zero" in \
        equal_cost.reason
    identical = value_breakeven.quality_break_even(0.01, 0.9, 0.01, 0.9)
    assert identical.never and "same per task at every failure cost" in identical.reason
    unknown = value_breakeven.quality_break_even(math.nan, 0.9, 0.01, 0.8)
    assert unknown.unknown and not unknown.never  # a missing figure: unknown, never "never"
    with pytest.raises(ValueError, match="divide a benchmark score by 100"):
        value_breakeven.quality_break_even(0.01, 88.7, 0.001, 0.855)


def test_quality_break_even_on_shipped_data():
    pricing, benchmarks = load_pricing(), load_benchmarks()
    # GPT-4o: 1500 x $2.50 + 500 x $10.00 per million = $0.00875; V4 Flash: 1500 x 0.18 + 500 x 0.25 = $0.000395
    answer = value_breakeven.quality_break_even_models(pricing, benchmarks, "mmlu", "GPT-4o", "DeepSeek V4 Flash", 1500, 500)
    assert answer.value == pytest.approx((0.00875 - 0.000395) / (0.887 - 0.855))  # $0.2611
    assert "GPT-4o (pricier, more accurate) is cheaper per task" in answer.reason
    # GPT-4o-mini has no score: unknown, with the reason, not a made-up score and not "never"
    mini = value_breakeven.quality_break_even_models(pricing, benchmarks, "mmlu", "GPT-4o", "GPT-4o-mini", 1500, 500)
    assert mini.unknown and not mini.never and mini.reason == "no mmlu score for GPT-4o-mini in the data"
    # on C-Eval Qwen3-32B is cheaper and better than GPT-4o: never
    ceval = value_breakeven.quality_break_even_models(pricing, benchmarks, "ceval", "GPT-4o", "Qwen3-32B", 1500, 500)
    assert ceval.never and "Qwen3-32B, is also at least as accurate" in ceval.reason
    # Qwen3.5-397B has no input price: unknown when the task has input tokens, fine when it has none
    q = value_breakeven.quality_break_even_models(pricing, benchmarks, "mmlu", "GPT-4o", "Qwen3.5-397B", 1500, 500)
    assert q.unknown and not q.never and q.reason == ("the input price of Qwen3.5-397B is unknown (the task has input tokens)")
    q0 = value_breakeven.quality_break_even_models(pricing, benchmarks, "mmlu", "Qwen3.5-397B", "GPT-4o", 0, 500)
    assert q0.value == pytest.approx((500 * 10.0 - 500 * 2.34) / 1e6 / (0.887 - 0.875))


def test_quality_matrix_matches_the_pairwise_function():
    pricing, benchmarks = load_pricing(), load_benchmarks()
    m = value_breakeven.quality_break_even_matrix(pricing, benchmarks, "ceval", 1000, 1000)
    assert len(m) == 10  # 5 models scored on C-Eval
    for r in m.itertuples():
        one = value_breakeven.quality_break_even_models(pricing, benchmarks, "ceval", r.cheaper, r.dearer, 1000, 1000)
        assert (one.never, one.unknown) == (r.never, r.unknown)
        if one.found:
            assert r.failure_cost_usd == pytest.approx(one.value)
        assert r.cheaper_cost_usd <= r.dearer_cost_usd


# --------------------------------------------------------------------------- self-hosting


GPUS = st.builds(value_breakeven.GpuAssumptions, usd_per_hour=st.floats(0.1, 20), tok_per_s=st.floats(1, 5000),
                 utilisation=st.floats(0.05, 1.0), fixed_usd_per_month=st.sampled_from([0.0, 500.0, 20000.0]))


def last_crossing(price: float, gpu: value_breakeven.GpuAssumptions) -> float | None:
    """Numerically: the last volume where self-hosting goes from dearer to cheaper, by brentq on each GPU step."""

    def gap(v):
        return value_breakeven.self_hosting_cost_usd(v, gpu) - value_breakeven.monthly_cost_usd(v, price)

    cap = gpu.tokens_per_month
    last = None
    for k in range(0, 100_000):
        lo, hi = k * cap * (1 + 1e-12) + 1e-9, (k + 1) * cap  # one GPU count on (k cap, (k+1) cap]
        if gap(lo) > 0 >= gap(hi):
            last = brentq(gap, lo, hi, xtol=1e-9 * hi, rtol=1e-12)
        elif gap(lo) <= 0 and k > 0:
            # the staircase only gets relatively cheaper from here: no later crossing once a step starts cheaper
            if all(gap(j * cap * (1 + 1e-12) + 1e-9) <= 0 for j in range(k, k + 3)):
                break
    return last


@settings(max_examples=150, deadline=None)
@given(st.floats(0.05, 50), GPUS)
def test_self_hosting_break_even_is_the_last_root(price, gpu):
    answer = value_breakeven.self_hosting_break_even(price, gpu)
    check_answer(answer)
    if answer.never:
        assert gpu.usd_per_mtok >= price  # the API is cheaper per token even with full GPUs
        vols = np.logspace(3, 14, 300)
        assert (value_breakeven.self_hosting_cost_usd(vols, gpu) >= value_breakeven.monthly_cost_usd(vols, price) - 1e-9).all()
        return
    assume(answer.value / gpu.tokens_per_month < 5_000)  # keep the numerical scan short
    root = last_crossing(price, gpu)
    assert root == pytest.approx(answer.value, rel=1e-7)
    # above it self-hosting is never dearer
    vols = answer.value * np.r_[1 + np.logspace(-9, 3, 400)]
    assert (value_breakeven.self_hosting_cost_usd(vols, gpu) <= value_breakeven.monthly_cost_usd(vols, price) * (1 + 1e-9)).all()


def test_self_hosting_on_example_assumptions():
    gpu = value_breakeven.GpuAssumptions(2.5, 1000, 0.5)  # $1,825 a GPU-month, 1.314 billion tokens: $1.389 per million
    assert gpu.usd_per_mtok == pytest.approx(1825 / 1314)
    qwen = value_breakeven.self_hosting_break_even(0.28, gpu, "Qwen3-32B")
    assert qwen.never and "the API is cheaper at every volume" in qwen.reason
    gpt4o = value_breakeven.self_hosting_break_even(10.0, gpu, "GPT-4o")
    assert gpt4o.value == pytest.approx(1825 / 10 * 1e6)  # one GPU-month of API spend: 182.5 million tokens
    with_fixed = value_breakeven.self_hosting_break_even(2.0, value_breakeven.GpuAssumptions(2.5, 1000, 0.5, 5000.0), "GLM-5")
    # r = 2 x 1314 / 1825 = 1.44; k0 = ceil(6825 / (0.44 x 1825)) - 1 = 8; V = (9 x 1825 + 5000) / 2 million
    assert with_fixed.value == pytest.approx((9 * 1825 + 5000) / 2.0 * 1e6)
    assert "9 GPUs" in with_fixed.reason


def test_self_hosting_never_cases():
    gpu = value_breakeven.GpuAssumptions(2.5, 1000, 0.5)
    priceless = value_breakeven.self_hosting_break_even(math.nan, gpu, "X")
    assert priceless.reason == "the price of X is unknown" and priceless.unknown and not priceless.never
    assert value_breakeven.self_hosting_break_even(0.0, gpu).never
    assert value_breakeven.self_hosting_break_even(5.0, value_breakeven.GpuAssumptions(2.5, 0.0, 0.5)).never
    assert value_breakeven.self_hosting_break_even(1825 / 1314, gpu).never  # exactly the self-hosted price: never cheaper
    with pytest.raises(ValueError, match="utilisation"):
        value_breakeven.GpuAssumptions(2.5, 1000, 1.5)


def test_break_even_refuses_bad_values():
    with pytest.raises(ValueError):
        value_breakeven.BreakEven(math.inf, "x")
    with pytest.raises(ValueError):
        value_breakeven.BreakEven(math.nan, "x")
    with pytest.raises(ValueError):
        value_breakeven.BreakEven(0.0, "x")
    assert value_breakeven.BreakEven(None, "never").as_dict() == {"value": None, "unit": "", "never": True, "unknown": False,
                                                                     "reason": "never"}


def _notebook_04(model_a="GPT-4o", model_b="DeepSeek V4 Flash", benchmark="mmlu", self_host="Qwen3-32B",
                 basis="output", fixed=(0.0, 2000.0), tokens=(1500.0, 500.0), gpu=(2.5, 1000.0, 0.5, 0.0)):
    from analysis.prices.bases import price_on_basis

    pricing, benchmarks = load_pricing(), load_benchmarks()
    prices = price_on_basis(pricing, basis, 3.0)
    price = prices.set_index("model")["usd_per_mtok"]
    g = value_breakeven.GpuAssumptions(*gpu)
    weights = load_model_facts().set_index("model").open_weights
    kw = dict(model_a=model_a, model_b=model_b, benchmark=benchmark, self_host_model=self_host, basis=basis)
    parts = dict(volume=value_breakeven.volume_break_even(price[model_a], price[model_b], *fixed, model_a, model_b),
                 quality=value_breakeven.quality_break_even_models(pricing, benchmarks, benchmark, model_a, model_b, *tokens),
                 matrix=value_breakeven.quality_break_even_matrix(pricing, benchmarks, benchmark, *tokens), gpu=g,
                 self_host=value_breakeven.self_hosting_break_even(price[self_host], g, self_host, weights[self_host]))
    findings = pages_breakeven.findings(**parts, **kw, fixed_a_usd_per_month=fixed[0], fixed_b_usd_per_month=fixed[1],
                           input_tokens_per_task=tokens[0], output_tokens_per_task=tokens[1],
                           usd_per_mtok_a=price[model_a], usd_per_mtok_b=price[model_b],
                           self_host_open_weights=weights[self_host])
    assumptions = dict(fixed_a_usd_per_month=fixed[0], fixed_b_usd_per_month=fixed[1])
    results = pages_breakeven.results(prices, assumptions, parts["volume"],
                         value_breakeven.model_task_figures(pricing, benchmarks, benchmark, model_a, *tokens),
                         value_breakeven.model_task_figures(pricing, benchmarks, benchmark, model_b, *tokens), parts["quality"],
                         parts["matrix"], g, parts["self_host"], value_breakeven.self_hosting_table(prices, g, weights), **kw,
                         input_output_ratio=3.0)
    return findings, results


def test_notebook_04_findings_and_results_on_the_defaults():
    findings, r = _notebook_04()
    texts = [t for t, _ in findings]
    # 2,000 / (10.00 - 0.25) million tokens; (0.00875 - 0.000395) / (0.887 - 0.855) per wrong answer
    assert texts[0].startswith("Volume break-even, GPT-4o against DeepSeek V4 Flash (output price): "
                               "205,128,205 tokens a month, and it exists only because of the assumed fixed costs "
                               "($0.00 a month for GPT-4o, $2,000 for DeepSeek V4 Flash): on the per-token prices "
                               "alone DeepSeek V4 Flash is cheaper at every volume; above 205.1 million")
    assert findings[0][1] == "assumption"  # issue 11: the break-even exists only because of an assumed cost
    assert texts[2].startswith("Quality break-even on MMLU-style, 1,500 input + 500 output tokens a task: "
                               "$0.2611 per wrong answer; ")
    assert texts[3].startswith("Across the 15 pairs of MMLU-style models") and "5 lack a price or score" in texts[3]
    assert texts[5] == ("GPU: $2.50 an hour, 1,000 tokens per second at 50% utilisation, $0.00 a month fixed: "
                        "example assumptions, not data, the same for every model whatever its size ($1.389 per "
                        "million tokens when every GPU is busy at that utilisation).")
    assert texts[6].startswith("Self-hosting against the Qwen3-32B API (output price): never: ")
    assert r["volume_break_even"]["tokens_per_month"] == pytest.approx(2000 / 9.75 * 1e6)
    assert r["volume_break_even"]["fixed_b_usd_per_month"] == 2000.0
    assert r["quality_break_even"]["failure_cost_usd"] == pytest.approx((0.00875 - 0.000395) / 0.032)
    assert r["self_hosting_break_even"]["api_usd_per_mtok"] == 0.28 and r["self_hosting_break_even"]["never"]
    assert r["self_hosting_break_even"]["gpu_usd_per_month"] == 2.5 * 730


def test_notebook_04_findings_when_nothing_crosses():
    # C-Eval: GPT-4o-mini has no score, so no pair with it crosses; with Qwen3-32B cheaper on both counts
    findings, _ = _notebook_04(model_a="GPT-4o", model_b="Qwen3-32B", benchmark="ceval", fixed=(500.0, 0.0),
                               self_host="Claude 3.5 Sonnet")
    texts = [t for t, _ in findings]
    assert texts[0].startswith("Volume break-even, GPT-4o against Qwen3-32B (output price): never: Qwen3-32B is "
                               "cheaper at every volume")
    assert "never: " in texts[2] and "at least as accurate" in texts[2]
    assert texts[-1] == "Self-hosting Claude 3.5 Sonnet: closed weights: cannot self-host (model_facts.csv)."
    assert findings[0][1] == "computed"  # no break-even, nothing owed to an assumption
    findings, _ = _notebook_04(self_host="GLM-5")  # open weights, $1.92 against $1.389 a GPU-busy million
    assert findings[-1][0].startswith("Self-hosting against the GLM-5 API (output price): cheaper above "
                                      "2,851,562,500 tokens a month, and only under the assumed GPU price, speed and "
                                      "utilisation; ")


def test_check_models_names_every_missing_model_by_its_parameter():
    with pytest.raises(ValueError) as err:
        value_breakeven.check_models(load_pricing(), model_a="GPT-5", model_b="GPT-4o", self_host_model="Grok")
    message = str(err.value)
    assert "model_a: no model 'GPT-5' in the pricing table of 11 models (nearest: GPT-4o" in message
    assert "self_host_model: no model 'Grok'" in message and "model_b" not in message.split(":")[0]
    assert message.endswith("pass a model the table names, such as -p model_a DeepSeek V4 Flash") or "-p model_a" in message
    many = pd.DataFrame({"model": [f"model {i}" for i in range(2000)]})
    with pytest.raises(ValueError) as err:
        value_breakeven.check_models(many, model_a="nothing like it")
    assert len(str(err.value)) < 300, "a catalog of 2,000 models is not listed in the message"


def test_styled_self_hosting_reads_for_people():
    from analysis.prices.bases import price_on_basis

    weights = load_model_facts().set_index("model").open_weights
    table = value_breakeven.self_hosting_table(price_on_basis(load_pricing(), "blended", 3.0),
                                               value_breakeven.GpuAssumptions(2.5, 1000, 0.5), weights)
    html = pages_breakeven.styled_self_hosting(table, "blended", 3.0).to_html()
    assert "blended (3:1 in:out) API price, $/M tokens" in html and "break_even" not in html
    # Kimi K2.5 blended (3 x 0.59 + 3.00) / 4 = $1.1925; Qwen3.5-397B has no input price: n/a, and never
    assert ">$1.192<" in html and ">n/a<" in html and ">never<" in html and "True" not in html


def test_self_hosting_only_for_open_weight_models():
    """Issue 11: 04 gave break-even volumes for GPT-4o, Claude 3.5 Sonnet and Gemini 1.5 Pro, whose weights are
    closed. Now only open-weight models have a row; the closed ones are listed as such, unknown as a data gap."""
    from analysis.prices.bases import price_on_basis

    facts = load_model_facts().set_index("model")
    gpu = value_breakeven.GpuAssumptions(2.5, 1000, 0.5)
    table = value_breakeven.self_hosting_table(price_on_basis(load_pricing(), "output"), gpu, facts.open_weights)
    closed = {"GPT-4o", "GPT-4o-mini", "Claude 3.5 Sonnet", "Gemini 1.5 Pro"}
    assert set(table.loc[table.open_weights == False, "model"]) == closed  # noqa: E712
    rows = table.set_index("model")
    assert rows.loc[sorted(closed), "break_even_tokens_per_month"].isna().all()
    assert (rows.loc[sorted(closed), "reason"] == value_breakeven.CLOSED_WEIGHTS).all()
    html = pages_breakeven.styled_self_hosting(table).to_html()
    assert not any(f">{m}<" in html for m in closed)
    assert all(f">{m}<" in html for m in set(table.model) - closed)
    listed = pages_breakeven.not_self_hostable_markdown(table)
    assert listed.startswith("- **Closed weights: cannot self-host:** ") and all(m in listed for m in closed)
    # a facts file without the column: every model unknown, none computed, all listed as a data gap
    unknown = value_breakeven.self_hosting_table(price_on_basis(load_pricing(), "output"), gpu)
    assert unknown.break_even_tokens_per_month.isna().all()
    assert pages_breakeven.not_self_hostable_markdown(unknown).startswith("- **Open weights unknown (data gap)")
    assert value_breakeven.self_hosting_break_even(10.0, gpu, "GPT-4o", open_weights=False).never

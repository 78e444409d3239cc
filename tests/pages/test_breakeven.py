"""analysis.pages.breakeven: notebook 04's figures drawn from the break-evens it computed, and its sentences."""

from __future__ import annotations

import re

import pytest

from analysis.data.load import load_benchmarks, load_pricing
from analysis.pages import breakeven as pages_breakeven
from analysis.prices.bases import price_on_basis
from analysis.value import breakeven as value_breakeven


@pytest.fixture(scope="module")
def data():
    return load_pricing(), load_benchmarks()


def same_drawing(fig_a, fig_b) -> None:
    ax, bx = fig_a.axes[0], fig_b.axes[0]
    assert [list(ln.get_xydata().ravel()) for ln in ax.lines] == [list(ln.get_xydata().ravel()) for ln in bx.lines]
    assert [t.get_text() for t in ax.texts] == [t.get_text() for t in bx.texts]
    assert [t.get_text() for t in fig_a.texts] == [t.get_text() for t in fig_b.texts]
    assert ax.get_title() == bx.get_title()


def test_volume_figure_from_the_notebooks_break_even_is_the_controls_figure(data):
    pricing, _ = data
    price = price_on_basis(pricing, "blended", 2.0).set_index("model")["usd_per_mtok"]
    volume = value_breakeven.volume_break_even(price["GPT-4o"], price["Qwen3-32B"], 100.0, 3000.0, "GPT-4o",
                                               "Qwen3-32B")
    drawn = pages_breakeven.volume_figure(pricing, price, volume, model_a="GPT-4o", model_b="Qwen3-32B",
                                          fixed_a_usd_per_month=100.0, fixed_b_usd_per_month=3000.0,
                                          volume_min=1e6, volume_max=1e11)
    same_drawing(drawn, pages_breakeven.volume_break_even_models(
        pricing, "GPT-4o", "Qwen3-32B", "blended", 2.0, 100.0, 3000.0, 1e6, 1e11))


def test_quality_figure_from_the_notebooks_break_even_is_the_controls_figure(data):
    pricing, benchmarks = data
    a = value_breakeven.model_task_figures(pricing, benchmarks, "mmlu", "GPT-4o", 1500, 500)
    b = value_breakeven.model_task_figures(pricing, benchmarks, "mmlu", "DeepSeek V4 Flash", 1500, 500)
    quality = value_breakeven.quality_break_even_models(pricing, benchmarks, "mmlu", "GPT-4o", "DeepSeek V4 Flash",
                                                        1500, 500)
    drawn = pages_breakeven.quality_figure(pricing, a, b, quality, model_a="GPT-4o", model_b="DeepSeek V4 Flash",
                                           failure_cost_max_usd=1.0)
    same_drawing(drawn, pages_breakeven.quality_break_even_models_plot(pricing, benchmarks))


def test_self_hosting_figure_from_the_notebooks_break_even_is_the_controls_figure(data):
    pricing, _ = data
    price = price_on_basis(pricing, "output").set_index("model")["usd_per_mtok"]
    gpu = value_breakeven.GpuAssumptions(2.0, 800.0, 0.6, 500.0)
    self_host = value_breakeven.self_hosting_break_even(price["GPT-4o"], gpu, "GPT-4o")
    drawn = pages_breakeven.self_hosting_figure(price, gpu, self_host, self_host_model="GPT-4o", volume_min=1e7,
                                                volume_max=1e11)
    same_drawing(drawn, pages_breakeven.self_hosting_model(pricing, "GPT-4o", "output", 3.0, 2.0, 800.0, 0.6, 500.0,
                                                           1e7, 1e11))


def test_sentences_escape_dollars_and_names():
    be = value_breakeven.BreakEven(None, "<b>A</b> costs $2 and B $3")
    assert pages_breakeven.volume_markdown(be) == (r"**Break-even volume:** never: &lt;b&gt;A&lt;/b&gt; costs \$2 "
                                                   r"and B \$3.")
    assert pages_breakeven.quality_markdown(value_breakeven.BreakEven(0.26, "A_b")) == (
        r"**Quality break-even:** \$0.2600 per wrong answer: A\_b.")


def test_a_catalog_without_the_self_hosted_models_price_gives_unknown_never_never(data):
    """Trial item 4: genai-prices does not price Qwen3-32B at its maker's price; page 04 said "never: the price of
    Qwen3-32B is unknown. Whether its weights are published is unknown (data gap)" and results.json never: true,
    while model_facts.csv says its weights are open."""
    from analysis.data.load import load_model_facts

    pricing, benchmarks = data
    catalog = pricing[pricing.model != "Qwen3-32B"].copy()
    catalog["model"] = catalog.model.replace({"GPT-4o": "gpt-4o"})  # a catalog names some models by canonical id
    weights = pages_breakeven.open_weights_map(catalog, load_model_facts(), also=["Qwen3-32B"])
    assert weights["Qwen3-32B"] is True and weights["gpt-4o"] is False  # by name, unpriced; by canonical id
    gpu = value_breakeven.GpuAssumptions(2.5, 1000, 0.5)
    prices = price_on_basis(catalog, "output")
    price = prices.set_index("model")["usd_per_mtok"]
    self_host = value_breakeven.self_hosting_break_even(price.get("Qwen3-32B", float("nan")), gpu, "Qwen3-32B",
                                                        open_weights=weights["Qwen3-32B"])
    assert self_host.unknown and not self_host.never
    volume = value_breakeven.volume_break_even(10.0, 0.25, 0, 2000, "gpt-4o", "DeepSeek V4 Flash")
    quality = value_breakeven.quality_break_even_models(catalog, benchmarks, "mmlu", "gpt-4o", "GPT-4o-mini",
                                                        1500, 500)
    matrix = value_breakeven.quality_break_even_matrix(catalog, benchmarks, "mmlu", 1500, 500)
    found = pages_breakeven.findings(volume, quality, matrix, gpu, self_host, model_a="gpt-4o",
                                     model_b="GPT-4o-mini", benchmark="mmlu", self_host_model="Qwen3-32B",
                                     basis="output", fixed_a_usd_per_month=0, fixed_b_usd_per_month=2000,
                                     input_tokens_per_task=1500, output_tokens_per_task=500,
                                     self_host_open_weights=weights["Qwen3-32B"])
    text = {t.split(":")[0]: t for t, _ in found}
    assert text["Self-hosting against the Qwen3-32B API (output price)"] == (
        "Self-hosting against the Qwen3-32B API (output price): unknown: the price of Qwen3-32B is unknown.")
    assert any(t.startswith("Quality break-even on MMLU-style") and ": unknown: " in t for t in text.values())
    assert not any("never: the price" in t or "never: no mmlu score" in t for t in text.values())
    r = pages_breakeven.results(prices, {"fixed_a_usd_per_month": 0.0, "fixed_b_usd_per_month": 2000.0}, volume,
                                {"cost_usd": 0.00875, "success_rate": 0.887}, {"cost_usd": 0.0, "success_rate": None},
                                quality, matrix, gpu, self_host, value_breakeven.self_hosting_table(prices, gpu, weights),
                                model_a="gpt-4o", model_b="DeepSeek V4 Flash", benchmark="mmlu",
                                self_host_model="Qwen3-32B", basis="output", input_output_ratio=3.0)
    assert r["self_hosting_break_even"]["never"] is None and r["self_hosting_break_even"]["unknown"] is True
    assert r["quality_break_even"]["never"] is None


def test_across_pairs_finding_says_one_pair_in_the_singular(data):
    pricing, benchmarks = data
    full = value_breakeven.quality_break_even_matrix(pricing, benchmarks, "ceval", 1500, 500)
    matrix = full[full.failure_cost_usd.notna() | (full.never.cumsum() == 1) & full.never]  # one pair never crosses
    assert int(matrix.never.sum()) == 1
    gpu = value_breakeven.GpuAssumptions(2.5, 1000, 0.5)
    found = pages_breakeven.findings(value_breakeven.volume_break_even(10.0, 0.25, 0, 2000), matrix.pipe(
        lambda m: value_breakeven.BreakEven(None, "x")), matrix, gpu, value_breakeven.self_hosting_break_even(
        0.28, gpu), model_a="A", model_b="B", benchmark="ceval", self_host_model="Qwen3-32B", basis="output",
        fixed_a_usd_per_month=0, fixed_b_usd_per_month=2000, input_tokens_per_task=1500,
        output_tokens_per_task=500)
    across = next(t for t, _ in found if t.startswith("Across the"))
    assert not re.search(r"\b1 (pairs|rows|models)\b", across), across
    assert "1 pair never crosses" in across and "0 lack a price or score" in across

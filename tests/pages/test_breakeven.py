"""analysis.pages.breakeven: notebook 04's figures drawn from the break-evens it computed, and its sentences."""

from __future__ import annotations

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

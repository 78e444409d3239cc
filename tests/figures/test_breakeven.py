"""analysis.figures.breakeven: cost lines on log axes, the break-even it is given marked, or the reason why not."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.figures.breakeven import (
    quality_break_even_heatmap,
    quality_cost_plot,
    self_hosting_plot,
    volume_cost_plot,
)
from analysis.value.breakeven import BreakEven


def crossover(ax) -> float:
    """The x of the dashed vertical line that marks the break-even."""
    (line,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    return float(line.get_xdata()[0])


def test_volume_plot_draws_two_cost_lines_on_log_axes_and_the_break_even():
    fig = volume_cost_plot("A", 10.0, 0.0, "B", 0.25, 2000.0, 1e6, 1e11)
    ax = fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlabel() == "tokens per month (log scale)" and "USD per month" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        r"A: \$10.00/M tokens + \$0.00 a month", r"B: \$0.25/M tokens + \$2,000 a month"]
    assert crossover(ax) == pytest.approx(2000 / (10 - 0.25) * 1e6)
    assert ax.texts[0].get_text().startswith("break-even: 205.1 million tokens a month")


def test_volume_plot_marks_the_break_even_it_is_given_not_one_of_its_own():
    given = BreakEven(3e8, "a break-even computed elsewhere")
    ax = volume_cost_plot("A", 10.0, 0.0, "B", 0.25, 2000.0, 1e6, 1e11, break_even=given).axes[0]
    assert crossover(ax) == 3e8


def test_volume_plot_without_a_crossover_gives_the_reason():
    fig = volume_cost_plot("A", 1.0, 0.0, "B", 2.0, 10.0, break_even=BreakEven(None, "A is cheaper at every volume"))
    assert not [ln for ln in fig.axes[0].lines if ln.get_linestyle() == "--"]
    assert "No crossover on this range: A is cheaper at every volume." in fig.texts[-1].get_text()


def test_volume_plot_leaves_out_a_model_whose_price_is_unknown():
    ax = volume_cost_plot("A", float("nan"), 0.0, "B", 0.25, 0.0, break_even=BreakEven(None, "unknown price")).axes[0]
    assert len(ax.lines) == 1


def test_quality_plot_draws_cost_per_task_against_the_cost_of_a_mistake():
    fig = quality_cost_plot("A", 0.00875, 0.887, "B", 0.000395, 0.855, 1.0, break_even=BreakEven(0.25, "x"))
    ax = fig.axes[0]
    assert len([ln for ln in ax.lines if ln.get_linestyle() == "-"]) == 2
    assert crossover(ax) == 0.25 and tuple(ax.get_xlim()) == (0.0, 1.0)
    assert ax.get_xlabel() == "cost of one wrong answer, USD (an assumption)"
    assert ax.get_ylabel() == "expected cost per task, USD"
    assert ax.texts[0].get_text() == "break-even: $0.25 per wrong answer"


def test_self_hosting_plot_draws_the_api_line_the_gpu_staircase_and_the_break_even():
    fig = self_hosting_plot("M", 10.0, 2.5, 1000, 0.5, break_even=BreakEven(2e8, "x"))
    ax = fig.axes[0]
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-"]
    assert [ln.get_drawstyle() for ln in solid] == ["default", "steps-post"]
    assert crossover(ax) == 2e8 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "Self-hosting against the M API"


def test_heatmap_one_cell_per_pair_never_and_unknown_written_out():
    matrix = pd.DataFrame({"cheaper": ["A", "A", "B"], "dearer": ["B", "C", "C"],
                           "failure_cost_usd": [0.5, float("nan"), float("nan")],
                           "never": [False, True, False], "unknown": [False, False, True]})
    matrix.attrs.update(order=["A", "B", "C"], benchmark="mmlu", input_tokens=1500, output_tokens=500)
    ax = quality_break_even_heatmap(matrix).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["$0.50", "never", "unknown"]  # an unknown pair is not "never"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["B", "C"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert ax.get_title() == "Quality break-even on MMLU-style: 1,500 input + 500 output tokens a task"


def test_heatmap_of_no_pairs_says_so():
    fig = quality_break_even_heatmap(pd.DataFrame(columns=["cheaper", "dearer", "failure_cost_usd", "never"]))
    assert [t.get_text() for t in fig.axes[0].texts] == ["Fewer than two models scored on this benchmark."]


@pytest.mark.parametrize("draw", ["volume", "quality", "self_hosting"])
def test_legends_sit_clear_of_the_data(draw):
    """Issue 11: the dashed break-even line ran through the legend. Each break-even figure's legend lies
    beside its axes, so no line, point or annotation of the data can cross it."""
    from analysis.figures import breakeven as fb

    fig = {"volume": lambda: fb.volume_cost_plot("GPT-4o", 10.0, 0, "DeepSeek V4 Flash", 0.25, 2000),
           "quality": lambda: fb.quality_cost_plot("GPT-4o", 0.00875, 0.887, "DeepSeek V4 Flash", 0.000395, 0.855, 1.0),
           "self_hosting": lambda: fb.self_hosting_plot("GLM-5", 1.92, 2.5, 1000, 0.5)}[draw]()
    fig.canvas.draw()
    ax = fig.axes[0]
    legend, axes = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.x0 >= axes.x1, "the legend overlaps the axes"
    plt.close(fig)


def test_a_volume_break_even_says_it_exists_only_because_of_the_fixed_costs():
    """Issue 11: 04's break-even exists only because of the assumed $2,000 a month; the figure says so."""
    from analysis.figures.breakeven import volume_cost_plot

    fig = volume_cost_plot("GPT-4o", 10.0, 0, "DeepSeek V4 Flash", 0.25, 2000)
    assert any("exists only because of them" in t.get_text() for t in fig.texts)
    plt.close(fig)
    fig = volume_cost_plot("GPT-4o", 10.0, 0, "DeepSeek V4 Flash", 0.25, 0)  # no fixed costs: no crossing
    assert not any("exists only because" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_a_source_with_a_dollar_sign_is_drawn_as_text_under_every_price_figure(tmp_path):
    """A catalog name, version or file name is outside text: a '$' in it is shown, never read as maths (which
    raised, or drew the rest as a formula); the quality heatmap names the prices its matrix was made from."""
    import matplotlib.pyplot as plt

    from analysis.data.load import load_benchmarks, load_pricing
    from analysis.figures.breakeven import quality_break_even_heatmap
    from analysis.figures.prices import price_bars
    from analysis.value.breakeven import quality_break_even_matrix

    pricing = load_pricing()
    pricing.attrs["meta"] = {"source": {"catalog": r"x$\frac", "version": "1$"}}
    fig = price_bars(pricing)
    notes = [t.get_text() for t in fig.texts if "catalog" in t.get_text()]
    assert notes == [r"Source: the x\$\frac catalog, version 1\$; scores as published in the source article."]
    fig.savefig(tmp_path / "p.png")  # draws: mathtext would raise on '\frac' between two dollars
    heat = quality_break_even_heatmap(quality_break_even_matrix(pricing, load_benchmarks(), "mmlu", 1500, 500))
    assert any(r"the x\$\frac catalog, version 1\$" in t.get_text() for t in heat.texts)
    heat.savefig(tmp_path / "h.png")
    plt.close("all")

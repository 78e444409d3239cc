"""Interactive controls (analysis.widgets): static figure everywhere, controls only in a live frontend."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pytest

from analysis.data.load import load_pricing
from analysis.pages import pricing as pages_pricing
from analysis.pages.widgets import (
    Control,
    Explorer,
    benchmark,
    check_controls,
    choice,
    explore,
    live_frontend,
    model_pair,
    price_basis,
    token_mix,
    volume,
)
from analysis.report.publish import Publisher


def bars(pricing, monthly_tokens, basis="output"):
    """A tiny pure figure function: one bar per model, height = price x volume."""
    col = f"{basis}_usd_per_mtok"
    fig, ax = plt.subplots()
    known = pricing.dropna(subset=[col])
    ax.bar(known.model, known[col] * monthly_tokens / 1e6)
    ax.set_title(f"{basis} {monthly_tokens:g}")
    return fig


def heights(fig):
    return {t.get_text(): float(p.get_height()) for t, p in zip(fig.axes[0].get_xticklabels(), fig.axes[0].patches)}


def widget_count():
    from ipywidgets.widgets import widget

    return len(widget._instances)


@pytest.fixture(scope="module")
def pricing():
    return load_pricing()


# --------------------------------------------------------------------------- specs


def test_control_specs_have_the_expected_ranges_and_options():
    assert (volume().low, volume().high, volume().kind) == (1e6, 1e13, "log")
    assert (token_mix().low, token_mix().high) == (0.0, 20.0)
    assert price_basis().values == ["input", "output", "blended"]
    assert benchmark().options[1] == ("Code generation (HumanEval)", "humaneval")
    a, b = model_pair(["GPT-4o", "GLM-5", "GPT-4o"])
    assert a.values == b.values == ["GPT-4o", "GLM-5"] and (a.name, b.name) == ("model_a", "model_b")


@pytest.mark.parametrize("kwargs, match", [
    (dict(kind="dial"), "kind 'dial'"),
    (dict(kind="number", low=5, high=1), "low < high"),
    (dict(kind="log", low=0, high=10), "low > 0"),
    (dict(kind="choice"), "needs options"),
])
def test_bad_control_specs_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Control("x", "x", **kwargs)


def test_check_controls_lists_every_problem(pricing):
    with pytest.raises(ValueError) as err:
        check_controls(bars, [volume("monthly_tokens"), choice("basis", ["input", "output"]), token_mix()],
                       {"monthly_tokens": -1.0, "basis": "blended"})
    msg = str(err.value)
    assert "output tokens a month: -1.0 is not a number > 0" in msg
    assert "basis: 'blended' is not one of 'input', 'output'" in msg
    assert "input_output_ratio is not a keyword argument of bars" in msg
    assert "no value given for input_output_ratio" in msg
    assert msg.endswith("give each control a keyword of the figure function and its value.")


def test_live_frontend_guess_and_override(monkeypatch):
    assert live_frontend({}) is False
    assert live_frontend({"JPY_SESSION_NAME": "01-pricing.ipynb"}) is False  # no kernel in a test process
    assert live_frontend({"PRICEPOINT_WIDGETS": "yes"}) is True
    assert live_frontend({"PRICEPOINT_WIDGETS": "off", "JPY_SESSION_NAME": "x"}) is False


# --------------------------------------------------------------------------- headless


def test_headless_draws_and_publishes_the_static_figure_without_any_widget(pricing, tmp_path, capsys):
    pub = Publisher("00-demo", tmp_path)
    before = widget_count()
    ex = explore(bars, [volume(), price_basis()], pub=pub, name="bill", title="Bill", live=False,
                 pricing=pricing, monthly_tokens=1e9, basis="input")
    assert widget_count() == before and ex.widgets == {} and ex.box is None
    assert heights(ex.figure)["GPT-4o"] == pytest.approx(2500.0)  # $2.50/M input x 1e9
    assert ex.figure.axes[0].get_title() == "input 1e+09"
    assert (tmp_path / "figures/00-demo/bill.png").stat().st_size > 1000
    [entry] = pub.figures
    assert {k: entry[k] for k in ("name", "title", "png", "svg")} == {
        "name": "bill", "title": "Bill", "png": "figures/00-demo/bill.png", "svg": "figures/00-demo/bill.svg"}
    # what the browser test needs to measure its text as displayed
    assert entry["min_font_pt"] > 0 and entry["dpi"] == 144 and entry["width_px"] > 0
    assert entry["display_width_px"] == round(entry["width_px"] / entry["dpi"] * 100)
    assert plt.get_fignums() == []  # closed: the inline backend does not show it a second time
    assert capsys.readouterr().out.count("Image object") == 1  # displayed once, by pub.figure


def test_headless_failure_raises(pricing):
    with pytest.raises(KeyError):
        explore(bars, [volume()], live=False, show=False, pricing=pricing, monthly_tokens=1e9, basis="nope")


# --------------------------------------------------------------------------- live


def test_live_controls_redraw_the_figure(pricing):
    ex = explore(bars, [volume(), price_basis()], live=True, show=False,
                 pricing=pricing, monthly_tokens=1e9, basis="output")
    assert set(ex.widgets) == {"monthly_tokens", "basis"}
    assert ex.widgets["monthly_tokens"].value == pytest.approx(1e9)
    assert heights(ex.figure)["GPT-4o"] == pytest.approx(10_000.0)
    ex.widgets["monthly_tokens"].value = 1e10
    assert heights(ex.figure)["GPT-4o"] == pytest.approx(100_000.0)
    ex.widgets["basis"].value = "input"
    assert heights(ex.figure)["GPT-4o"] == pytest.approx(25_000.0)
    assert "Qwen3.5-397B" not in heights(ex.figure)  # unknown input price: not drawn as 0
    assert ex.values == {"pricing": pricing, "monthly_tokens": 1e10, "basis": "input"}
    assert ex.box.children[1] is ex.output


def test_live_slider_range_grows_to_the_parameter(pricing):
    ex = explore(bars, [volume(high=1e12)], live=True, show=False, pricing=pricing, monthly_tokens=5e14)
    slider = ex.widgets["monthly_tokens"]
    assert slider.value == pytest.approx(5e14) and 10 ** slider.max == pytest.approx(5e14)


def test_live_error_is_shown_not_raised(pricing):
    ex = explore(bars, [choice("basis", ["output", "nope"])], live=True, show=False,
                 pricing=pricing, monthly_tokens=1e9, basis="output")
    ex.widgets["basis"].value = "nope"
    assert ex.error.startswith("Cannot draw the figure for these settings")
    assert heights(ex.figure)["GPT-4o"] == pytest.approx(10_000.0)  # the last good figure stays


def test_explorer_repr():
    ex = Explorer(bars, [volume()], {}, live=False)
    assert repr(ex) == "<Explorer bars static: monthly_tokens>"


# --------------------------------------------------------------------------- the pricing notebook's figure


def test_traffic_bill_adds_input_tokens(pricing):
    fig = pages_pricing.traffic_bill(pricing, 1e9, 3.0)
    got = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    assert got["GPT-4o"] == pytest.approx(1e9 / 1e6 * (10.00 + 3 * 2.50))  # 17,500
    assert got["DeepSeek V4 Flash"] == pytest.approx(1e3 * (0.25 + 3 * 0.18))
    assert "Qwen3.5-397B" not in got  # input price unknown: listed, not drawn
    assert any("Qwen3.5-397B" in t.get_text() for t in fig.texts)


def test_traffic_bill_at_ratio_zero_is_the_output_bill(pricing):
    fig = pages_pricing.traffic_bill(pricing, 10e9, 0)
    got = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    assert got["Claude 3.5 Sonnet"] == pytest.approx(150_000.0)  # the article's example
    assert got["Qwen3.5-397B"] == pytest.approx(23_400.0)  # output-only: the input price is not needed


@pytest.mark.notebook
def test_pricing_notebook_headless_has_static_figure_and_no_widgets(tmp_path, run_notebook):
    import nbformat

    from analysis import paths

    run_notebook(paths.NOTEBOOKS / "01-pricing.ipynb", tmp_path, monthly_tokens=1e9, input_output_ratio=1.0)
    nb = nbformat.read(tmp_path / "01-pricing.ipynb", as_version=4)
    assert "widgets" not in nb.metadata
    mimes = [m for c in nb.cells for o in c.get("outputs", []) for m in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" not in mimes
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    results = json.loads((tmp_path / "01-pricing" / "results.json").read_text())
    assert "traffic-bill" in [f["name"] for f in results["figures"]]
    assert (tmp_path / "figures/01-pricing/traffic-bill.png").exists()
    explore_cell = next(c for c in nb.cells if "explore(" in c.source)
    assert [list(o.data) for o in explore_cell.outputs] == [["image/png", "text/plain"]]


def test_static_false_draws_nothing_headless_but_controls_live(pricing, capsys):
    calls = []

    def counted(pricing, monthly_tokens):
        calls.append(monthly_tokens)
        return bars(pricing, monthly_tokens)

    ex = explore(counted, [volume()], live=False, static=False, pricing=pricing, monthly_tokens=1e9)
    assert calls == [] and ex.figure is None and capsys.readouterr().out == ""
    live = explore(counted, [volume()], live=True, static=False, show=False, pricing=pricing, monthly_tokens=1e9)
    live.widgets["monthly_tokens"].value = 2e9
    assert calls == [1e9, 2e9] and heights(live.figure)["GPT-4o"] == pytest.approx(20_000.0)


def test_headless_never_rejects_a_parameter_a_control_cannot_show(pricing, capsys):
    ex = explore(bars, [volume()], live=False, show=False, pricing=pricing, monthly_tokens=0.0)
    assert heights(ex.figure)["GPT-4o"] == 0.0 and ex.error is None


def test_live_with_a_parameter_a_control_cannot_show_keeps_the_static_figure(pricing, capsys):
    before = widget_count()
    ex = explore(bars, [volume()], live=True, pricing=pricing, monthly_tokens=0.0)
    assert widget_count() == before and ex.widgets == {} and not ex.live
    assert ex.error.startswith("No controls for these parameters: the controls do not fit bars: "
                               "output tokens a month: 0.0 is not a number > 0")
    assert heights(ex.figure)["GPT-4o"] == 0.0
    assert "No controls for these parameters" in capsys.readouterr().out


def test_wiring_mistakes_fail_everywhere(pricing):
    with pytest.raises(ValueError, match="basis is not a keyword argument"):
        explore(lambda pricing, monthly_tokens: None, [price_basis()], live=False, static=False,
                pricing=pricing, monthly_tokens=1e9, basis="output")


def test_text_control_redraws(pricing):
    from analysis.pages.widgets import text

    def titled(pricing, label):
        fig, ax = plt.subplots()
        ax.set_title(label)
        return fig

    ex = explore(titled, [text("label")], live=True, show=False, pricing=pricing, label="a")
    ex.widgets["label"].value = "code:1"
    assert ex.figure.axes[0].get_title() == "code:1"


# --------------------------------------------------------------------------- headless runs draw what they computed

#: pages functions that compute, then draw: the entry points of live controls, never the report's figure.
COMPUTE_THEN_DRAW = {"traffic_bill", "efficiency_frontier", "efficiency_price_per_point", "efficiency_robustness",
                     "volume_break_even_models", "quality_break_even_models_plot", "quality_break_even_pairs",
                     "self_hosting_model", "routing_policy_cost"}


def _code_cells(name: str) -> list[str]:
    import nbformat

    from analysis import paths

    nb = nbformat.read(paths.NOTEBOOKS / name, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", ["01-pricing.ipynb", "03-efficiency-frontier.ipynb", "04-break-even.ipynb",
                                  "06-routing.ipynb"])
def test_compute_then_draw_functions_only_feed_controls(name):
    """Outside an ``explore(...)`` call a notebook draws from the results it computed, never by recomputing them."""
    import ast

    for source in _code_cells(name):
        tree = ast.parse(source)
        in_explore = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "explore":
                in_explore.update(id(n) for n in ast.walk(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute | ast.Name) and id(node) not in in_explore:
                word = node.attr if isinstance(node, ast.Attribute) else node.id
                assert word not in COMPUTE_THEN_DRAW, f"{name}: {word} outside explore(): {source[:80]!r}"


def test_notebook_03_runs_its_monte_carlo_once():
    calls = sum(src.count("robustness_table(") for src in _code_cells("03-efficiency-frontier.ipynb"))
    assert calls == 1

"""analysis.figures.theme: one theme, applied explicitly; log price axes with dollar ticks."""

from __future__ import annotations

import re
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from analysis import paths
from analysis.figures.theme import add_source_note, apply_theme, log_price_axis, origin_legend


def test_importing_the_figures_does_not_change_the_theme():
    code = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
            "before = dict(plt.rcParams); "
            "import analysis.figures.prices, analysis.figures.value, analysis.figures.traffic, "
            "analysis.figures.breakeven, analysis.figures.calls, analysis.figures.landscape; "
            "changed = [k for k in before if plt.rcParams[k] != before[k]]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


THEME_OF = ("import json, sys, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
            "from analysis.figures import theme\n"
            "{apply}\n"
            "print(json.dumps({{'rc': {{k: repr(v) for k, v in plt.rcParams.items()}}, 'seaborn': 'seaborn' in sys.modules,"
            " 'scipy': 'scipy' in sys.modules, 'codes': {{c: matplotlib.colors.to_rgb(c) for c in 'bgrmyck'}}}}))")


def test_the_theme_is_seaborns_whitegrid_without_importing_seaborn():
    """apply_theme writes out what seaborn.set_theme(style="whitegrid", context="notebook", font_scale=0.95) sets,
    so that a notebook need not import seaborn (and scipy.stats) for it: every rcParam and colour code the same as
    seaborn's followed by pricepoint's THEME, but seaborn's default colour map (which only seaborn registers)."""
    import json

    def theme_of(apply: str) -> dict:
        out = subprocess.run([sys.executable, "-c", THEME_OF.format(apply=apply)], capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)

    ours = theme_of("theme.apply_theme()")
    seaborns = theme_of("import seaborn as sns; sns.set_theme(style='whitegrid', context='notebook', "
                        "font_scale=theme.FONT_SCALE); plt.rcParams.update(theme.THEME)")
    assert not ours["seaborn"] and not ours["scipy"] and seaborns["seaborn"]
    assert ours["codes"] == seaborns["codes"] and ours["codes"]["b"] != [0.0, 0.0, 1.0]
    differ = {k: (v, seaborns["rc"][k]) for k, v in ours["rc"].items() if seaborns["rc"][k] != v}
    assert differ == {"image.cmap": ("'viridis'", "'rocket'")}
    # ... and no figure draws with the default colour map: each names its own
    for module in (paths.ROOT / "analysis" / "figures").glob("*.py"):
        for call in re.findall(r"\.(?:imshow|pcolormesh|pcolor|matshow|contourf?)\((.*)", module.read_text()):
            assert "cmap=" in call, (module.name, call)


def test_apply_theme_sets_the_one_look():
    apply_theme()
    assert plt.rcParams["figure.dpi"] == 110
    assert plt.rcParams["axes.spines.top"] is False and plt.rcParams["svg.hashsalt"] == "pricepoint"


def test_log_price_axis_has_dollar_ticks_and_a_unit():
    fig, ax = plt.subplots()
    ax.plot([0.1, 1000], [0, 1])
    log_price_axis(ax, "x", "price, USD per million tokens (log scale)")
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "price, USD per million tokens (log scale)"
    fmt = ax.xaxis.get_major_formatter()
    assert [fmt(v) for v in (0.25, 10, 2500)] == ["$0.25", "$10", "$2,500"]


def test_source_note_and_origin_legend():
    fig, ax = plt.subplots()
    add_source_note(fig, "Source: x.")
    origin_legend(ax)
    assert [t.get_text() for t in fig.texts] == ["Source: x."]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["US", "China", "EU", "other", "unknown origin"]
    origin_legend(ax, ["CN", "US", "US", None])  # only the origins drawn, in the map's order
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["US", "China", "unknown origin"]


def test_one_colour_map_for_origins_and_one_for_policies():
    """Issue 10/11: orange was the article router in one chart and GPT-4o in the next; red a policy in one and
    China elsewhere. Origins, policies, statuses and yes/no each have their own colours, no colour means two
    things, and no figure module writes an origin's or a policy's colour by hand (they use the maps)."""
    import re

    from analysis import paths
    from analysis.figures import theme

    assert list(theme.ORIGIN_COLORS) == ["US", "CN", "EU", "other", "unknown"]
    maps = {"origin": set(theme.ORIGIN_COLORS.values()), "policy": set(theme.POLICY_COLORS.values()),
            "status": set(theme.STATUS_COLORS.values()), "ok": set(theme.OK_COLORS.values())}
    for name, colours in maps.items():
        for other, theirs in maps.items():
            assert name == other or not colours & theirs, f"{name} and {other} share {colours & theirs}"
    reserved = {c.lower() for c in maps["origin"] | maps["policy"]}
    for module in sorted((paths.ROOT / "analysis").rglob("*.py")):
        if module.name == "theme.py":
            continue
        found = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", module.read_text())} & reserved
        assert not found, f"{module.relative_to(paths.ROOT)} writes the map's colours {found} by hand"
    assert theme.origin_color("FR") == theme.ORIGIN_COLORS["other"] and theme.origin_color(None) == "#8f8f8f"
    assert theme.policy_color("GPT-4o", "single", "US") == theme.ORIGIN_COLORS["US"]
    assert theme.policy_color("article router") == theme.POLICY_COLORS["article router"]


@pytest.mark.parametrize("lo, hi", [(2.0, 9.0), (0.25, 15.0), (200.0, 600_000.0), (1e6, 1e11)])
def test_log_price_axes_have_enough_ticks(lo, hi):
    """Issue 11: log axes showed two ticks. A price axis over any span shows at least four labelled ticks."""
    fig, ax = plt.subplots()
    ax.plot([lo, hi], [0, 1])
    log_price_axis(ax, "x")
    ax.set_xlim(lo, hi)
    fig.canvas.draw()
    labelled = [t for t in ax.get_xticklabels() if t.get_text() and lo <= t.get_position()[0] <= hi]
    assert len(labelled) >= 4, [t.get_text() for t in labelled]
    plt.close(fig)

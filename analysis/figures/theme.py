"""One function per kind of figure, all with the same look; each returns the figure.

The theme is set in one place (:func:`apply_theme`); prices are drawn on a log scale;
every axis label carries its unit. Nothing here saves files: :class:`analysis.publish.Publisher`
does that.

>>> from analysis.figures.prices import price_bars
>>> from analysis.data.load import load_pricing
>>> from analysis.prices.bills import price_table
>>> fig = price_bars(price_table(load_pricing()))
>>> fig.axes[0].get_xscale()
'log'
>>> plt.close(fig)
"""

from __future__ import annotations

import functools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from analysis.formatting import format_usd_tick

#: Colours by origin, used by every figure.
ORIGIN_COLORS = {"US": "#1f5fa8", "CN": "#c8362d"}

ORIGIN_LABELS = {"US": "US", "CN": "China"}

OK_COLORS = {True: "#2e8b57", False: "#c8362d"}

SOURCE_NOTE = "Source: figures as published in the source article (a promotional comparison)."


def apply_theme() -> None:
    """The one theme of every pricepoint figure.

    >>> apply_theme(); plt.rcParams["figure.dpi"]
    110.0
    """
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    plt.rcParams.update({
        "figure.dpi": 110,
        "figure.figsize": (8.5, 4.8),
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "pricepoint",  # stable SVG ids between runs
    })


def log_price_axis(ax, axis: str = "x", label: str = "price, USD per million tokens (log scale)") -> None:
    """Log scale with dollar ticks on one axis."""
    getattr(ax, f"set_{axis}scale")("log")
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(format_usd_tick))
    getattr(ax, f"{axis}axis").set_minor_formatter(FuncFormatter(lambda *_: ""))
    getattr(ax, f"set_{axis}label")(label)


def add_source_note(fig, text: str = SOURCE_NOTE, wrap: bool = False) -> None:
    """A small attribution line under the figure (``wrap``: broken at the figure's width, for long notes)."""
    fig.text(0.01, -0.02, text, fontsize=7.5, color="#555555", ha="left", va="top", wrap=wrap)


def origin_legend(ax, origins=("US", "CN"), **kw) -> None:
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in origins]
    ax.legend(handles=handles, title="origin", frameon=False, **kw)


#: matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal"
_HORIZONTAL = ({"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10)
               else {"vert": False})


def _model_colors(models, origins: dict[str, str] | None) -> list[str]:
    return [ORIGIN_COLORS.get((origins or {}).get(m), "#555f6b") for m in models]


# --------------------------------------------------------------------------- efficiency and break-even (03, 04)


def _label_points(ax, xs, ys, labels, colors) -> None:
    """Label scatter points, nudging labels of points that sit close together apart."""
    placed: list[tuple[float, float]] = []
    for x, y, text, color in sorted(zip(xs, ys, labels, colors), key=lambda t: (t[0], t[1])):
        dy = 0.0
        lx = np.log10(x)
        while any(abs(lx - px) < 0.35 and abs(y + dy - py) < 0.28 for px, py in placed):
            dy -= 0.3
        placed.append((lx, y + dy))
        ax.annotate(text, (x, y), xytext=(6, 2 + dy * 30), textcoords="offset points", fontsize=8,
                    color=color, va="bottom")


# --------------------------------------------------------------------------- routing & usage logs (issue 5)
# Pure functions of their arguments (frames from analysis.routing / analysis.usage), so that
# widgets can redraw them for another volume or mix.

POLICY_COLOR = "#6a3d9a"  # routers and policies that mix models

_HATCH = "///"


def _dense_log_ticks(axis) -> None:
    """Ticks at 1, 2 and 5 of each decade, for log axes that span less than two decades."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))


@functools.lru_cache(maxsize=1)
def article_models() -> tuple[str, ...]:
    """The models the source article names (the shipped pricing table): a bounded figure always draws
    them when its data has them."""
    from analysis.data.load import load_pricing

    return tuple(load_pricing().model)


#: The most rows (bars, grid rows) one figure draws: its size stays bounded however many models the data holds.
MAX_ROWS = 20
#: The most names a note under a figure lists before it says how many more there are.
MAX_NAMES = 12


def bounded(frame, n: int = MAX_ROWS, keep=(), name_col: str = "model"):
    """The first ``n`` rows of an ordered frame, plus any row named in ``keep`` (the models a reader
    looks for), in the frame's order; and how many rows were left out.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"model": list("abcdef")})
    >>> shown, left = bounded(t, 2, keep=["e"]); shown.model.tolist(), left
    (['a', 'b', 'e'], 3)
    >>> bounded(t, 10)[1]
    0
    """
    if len(frame) <= n:
        return frame, 0
    head = frame.iloc[:n]
    extra = frame.iloc[n:]
    extra = extra[extra[name_col].isin(list(keep))]
    shown = frame.loc[list(head.index) + list(extra.index)]
    return shown, len(frame) - len(shown)


def some_names(names, limit: int = MAX_NAMES) -> str:
    """Names for a note under a figure: all of them when few, else the first ``limit`` and how many more.

    >>> some_names(["a", "b"]), some_names([f"m{i}" for i in range(30)], 3)
    ('a, b', 'm0, m1, m2 and 27 more')
    """
    names = [str(n) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"


def left_out_note(left: int, what: str, order: str) -> str:
    """The note of a bounded figure: how many rows it does not draw, and which it draws.

    >>> left_out_note(2792, "models", "the 30 cheapest")
    'Not drawn: 2,792 more models (this figure shows the 30 cheapest; the table and results.json have them all).'
    """
    return (f"Not drawn: {left:,} more {what} (this figure shows {order}; the table and results.json have "
            f"them all).")

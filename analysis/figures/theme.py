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
from cycler import cycler
from matplotlib.ticker import FuncFormatter

from analysis.formatting import MAX_NAMES as FORMAT_MAX_NAMES
from analysis.formatting import escape_mathtext, format_names, format_usd_tick

#: The one colour map of origins, used by every figure of every page (a model is drawn in its origin's
#: colour): the catalogs know more origins than the article's US and China. No policy, status or highlight
#: uses these colours.
ORIGIN_COLORS = {"US": "#1f5fa8", "CN": "#c8362d", "EU": "#1a9e9e", "other": "#b8860b", "unknown": "#8f8f8f"}

ORIGIN_LABELS = {"US": "US", "CN": "China", "EU": "EU", "other": "other", "unknown": "unknown origin"}

#: Yes and no in a check grid (not origins: these greens and reds are lighter and never mean a country).
OK_COLORS = {True: "#5aae61", False: "#d9a0a0"}

#: The one colour map of routing policies and scenarios, the same on every page: the article's router, the
#: threshold and optimised policies. A single model is drawn in its origin's colour (:func:`origin_color`),
#: what a usage log cost as logged (and a baseline's line) in :data:`AS_LOGGED_COLOR`; any other policy takes
#: :data:`POLICY_COLOR`.
POLICY_COLORS = {"article router": "#6a3d9a", "cheapest meeting thresholds": "#e08a3c",
                 "optimised within budget": "#d6609f"}
AS_LOGGED_COLOR = "#222222"

#: Status colours of figure labels (SIMULATED, failures): neither an origin nor a policy colour.
STATUS_COLORS = {"simulated": "#a0522d", "live": "#2b7a3d", "failed": "#4d4d4d"}


def origin_key(origin) -> str:
    """The origin an origin value is coloured and labelled as: US, CN, EU, other, or unknown.

    >>> [origin_key(o) for o in ("US", "CN", "EU", "FR", None, float("nan"), "")]
    ['US', 'CN', 'EU', 'other', 'unknown', 'unknown', 'unknown']
    """
    if origin is None or (isinstance(origin, float) and origin != origin) or str(origin).strip() in ("", "unknown"):
        return "unknown"
    origin = str(origin).strip()
    return origin if origin in ORIGIN_COLORS else "other"


def origin_color(origin) -> str:
    """The colour of an origin (:data:`ORIGIN_COLORS`), for any value an origin column holds.

    >>> origin_color("CN"), origin_color("IL"), origin_color(None)
    ('#c8362d', '#b8860b', '#8f8f8f')
    """
    return ORIGIN_COLORS[origin_key(origin)]


def policy_color(policy: str, kind: str = "", origin=None) -> str:
    """The colour of a policy or scenario: :data:`POLICY_COLORS` by name, a single model by its origin, any
    other policy :data:`POLICY_COLOR`.

    >>> policy_color("article router"), policy_color("GPT-4o", "single", "US"), policy_color("my policy")
    ('#6a3d9a', '#1f5fa8', '#6a3d9a')
    """
    if policy in POLICY_COLORS:
        return POLICY_COLORS[policy]
    if policy == "as logged":
        return AS_LOGGED_COLOR
    if kind == "single":
        return origin_color(origin)
    return POLICY_COLOR

#: The line under a figure of the source article's own figures (access, stars, published speeds).
SOURCE_NOTE = "Source: figures as published in the source article (a promotional comparison)."

#: The line under a figure of prices whose provenance it was not given: neutral, never crediting the article.
PRICES_NOTE = "Prices from this run's pricing table (named under the page's data date)."


def prices_source_note(frame=None) -> str:
    """The line under a figure of prices: where ``frame``'s prices come from, in the words of
    :func:`analysis.data.sources.provenance` (the article's title, or the catalog and its version), when the
    frame carries its pricing table's provenance (``attrs``); else :data:`PRICES_NOTE`, never "as published".

    >>> from analysis.data.load import load_pricing
    >>> prices_source_note(load_pricing())[:22], prices_source_note(None) == PRICES_NOTE
    ('Source: "Stop Guessing', True)
    >>> t = load_pricing(); t.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}}
    >>> prices_source_note(t)
    'Source: the genai-prices catalog, version 0.2.3; scores as published in the source article.'
    """
    attrs = getattr(frame, "attrs", None) or {}
    if not (attrs.get("meta") or attrs.get("source_file")):
        return PRICES_NOTE
    from analysis.data.sources import provenance

    return escape_mathtext(provenance(frame)["source"])  # a title, catalog or file name may hold a dollar sign


#: seaborn's look as ``seaborn.set_theme(style="whitegrid", context="notebook", font_scale=0.95)`` sets it (seaborn
#: 0.13), written out: importing seaborn, and scipy.stats through it, only to set these values cost every notebook
#: run 0.8 s of CPU. tests/figures/test_theme.py checks them against seaborn itself. Left out: seaborn's default
#: colour map ("rocket" exists only once seaborn is imported); no figure here draws with a default colour map.
FONT_SCALE = 0.95
SEABORN_DEEP = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
                "#64B5CD")
#: what seaborn's color codes make of matplotlib's one-letter colours ("b", "g", ...): its "deep6" palette, and "k"
SEABORN_COLOR_CODES = dict(zip("bgrmyck", ("#4C72B0", "#55A868", "#C44E52", "#8172B3", "#CCB974", "#64B5CD",
                                           (0.1, 0.1, 0.1))))
SEABORN_WHITEGRID = {
    # plotting_context("notebook", font_scale=0.95)
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6, "patch.linewidth": 1,
    "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1, "ytick.minor.width": 1,
    "xtick.major.size": 6, "ytick.major.size": 6, "xtick.minor.size": 4, "ytick.minor.size": 4,
    "font.size": 12 * FONT_SCALE, "axes.labelsize": 12 * FONT_SCALE, "axes.titlesize": 12 * FONT_SCALE,
    "xtick.labelsize": 11 * FONT_SCALE, "ytick.labelsize": 11 * FONT_SCALE, "legend.fontsize": 11 * FONT_SCALE,
    "legend.title_fontsize": 12 * FONT_SCALE,
    # axes_style("whitegrid", rc={"font.family": "sans-serif"})
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white", "axes.edgecolor": ".8",
    "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True,
    "axes.spines.top": True, "xtick.bottom": False, "ytick.left": False,
}

#: pricepoint's own settings over seaborn's
THEME = {
    "figure.dpi": 110,
    "figure.figsize": (8.5, 4.8),
    "axes.titleweight": "bold",
    "axes.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "pricepoint",  # stable SVG ids between runs
}


def apply_theme() -> None:
    """The one theme of every pricepoint figure: seaborn's whitegrid (:data:`SEABORN_WHITEGRID`, its "deep"
    colours, its colour codes), then :data:`THEME`.

    >>> apply_theme(); plt.rcParams["figure.dpi"]
    110.0
    """
    plt.rcParams.update(SEABORN_WHITEGRID)
    plt.rcParams["axes.prop_cycle"] = cycler("color", [matplotlib.colors.to_rgb(c) for c in SEABORN_DEEP])
    for code, color in SEABORN_COLOR_CODES.items():
        matplotlib.colors.colorConverter.colors[code] = matplotlib.colors.to_rgb(color)
    plt.rcParams.update(THEME)


#: Ticks within each decade by how many decades a log axis spans: at least four labelled ticks, never crowded.
LOG_TICK_SUBS = ((0.8, (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)), (1.2, (1.0, 2.0, 3.0, 5.0)),
                 (2.5, (1.0, 2.0, 5.0)), (4.5, (1.0, 3.0)), (float("inf"), (1.0,)))


def compact_usd_tick(x: float, _pos=None) -> str:
    """A log axis's dollar tick, short enough for many ticks side by side: ``$2,500``, ``$30k``, ``$1.5M``.

    >>> [compact_usd_tick(v) for v in (0.25, 2500, 10_000, 300_000, 1_500_000)]
    ['$0.25', '$2,500', '$10k', '$300k', '$1.5M']
    """
    if x is not None and x == x and x >= 1e6:
        return f"${x / 1e6:g}M"
    if x is not None and x == x and x >= 1e4:
        return f"${x / 1e3:g}k"
    return format_usd_tick(x)


class EnoughLogTicks(matplotlib.ticker.LogLocator):
    """Log ticks at 1, 2 and 5 of each decade when the axis spans few decades (more under one, 1 and 3 under
    about four), at each decade when it spans many: never an axis with only two or three labelled ticks.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); ax.set_xscale("log"); _ = ax.set_xlim(2_000, 200_000)
    >>> ax.xaxis.set_major_locator(EnoughLogTicks())
    >>> [float(t) for t in ax.get_xticks() if 2_000 <= t <= 200_000]
    [2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0, 200000.0]
    >>> plt.close(fig)
    """

    def tick_values(self, vmin, vmax):
        if vmin > 0 and vmax > 0:
            span = abs(np.log10(vmax) - np.log10(vmin))
            self._subs = np.array(next(subs for limit, subs in LOG_TICK_SUBS if span <= limit))
        return super().tick_values(vmin, vmax)


def log_price_axis(ax, axis: str = "x", label: str = "price, USD per million tokens (log scale)") -> None:
    """Log scale with dollar ticks on one axis, enough of them (:class:`EnoughLogTicks`)."""
    getattr(ax, f"set_{axis}scale")("log")
    getattr(ax, f"{axis}axis").set_major_locator(EnoughLogTicks(numticks=40))
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(compact_usd_tick))
    getattr(ax, f"{axis}axis").set_minor_formatter(FuncFormatter(lambda *_: ""))
    getattr(ax, f"set_{axis}label")(label)


def add_source_note(fig, text: str = SOURCE_NOTE, wrap: bool = True) -> None:
    """A small attribution line under the figure, broken at the figure's width (a catalog's source line is long:
    unbroken, it would widen the saved figure and shrink its text on the page)."""
    fig.text(0.01, -0.02, text, fontsize=8, color="#555555", ha="left", va="top", wrap=wrap)


def pair_colors(model_a: str, model_b: str, origins: dict | None = None) -> tuple[str, str]:
    """The colours of two models drawn side by side: each its origin's, the second a lighter tint of it when
    both share one (never a colour that means something else on another page). ``origins``: model to origin
    (default: the shipped pricing table's).

    >>> pair_colors("GPT-4o", "DeepSeek V4 Flash"), pair_colors("GPT-4o", "GPT-4o-mini")
    (('#1f5fa8', '#c8362d'), ('#1f5fa8', '#8fafd3'))
    """
    origins = article_origins() if origins is None else origins
    a, b = origin_color(origins.get(model_a)), origin_color(origins.get(model_b))
    if a == b:
        b = matplotlib.colors.to_hex([x + (1 - x) * 0.5 for x in matplotlib.colors.to_rgb(b)])
    return a, b


def origin_legend(ax, origins=None, **kw) -> None:
    """A legend of the origins drawn (``origins``: the origin values of the figure's models; all five without
    them), in :data:`ORIGIN_COLORS`' order."""
    present = {origin_key(o) for o in origins} if origins is not None else set(ORIGIN_COLORS)
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in ORIGIN_COLORS
               if o in present]
    ax.legend(handles=handles, title="origin", frameon=False, **kw)


#: matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal"
_HORIZONTAL = ({"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10)
               else {"vert": False})


def _model_colors(models, origins: dict[str, str] | None) -> list[str]:
    return [origin_color((origins or {}).get(m)) for m in models]


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

POLICY_COLOR = "#6a3d9a"  # routers and policies that mix models (the article router's colour)

_HATCH = "///"


def _dense_log_ticks(axis) -> None:
    """Ticks at 1, 2 and 5 of each decade, for log axes that span less than two decades."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))


@functools.lru_cache(maxsize=1)
def article_origins() -> dict[str, str]:
    """The origin of each model of the shipped pricing table, for figures whose frames name models without
    their origin (a usage log's scenarios): a model it does not know is of unknown origin."""
    from analysis.data.load import load_pricing

    p = load_pricing()
    return dict(zip(p.model, p.origin))


@functools.lru_cache(maxsize=1)
def article_models() -> tuple[str, ...]:
    """The models the source article names (the shipped pricing table): a bounded figure always draws
    them when its data has them."""
    from analysis.data.load import load_pricing

    return tuple(load_pricing().model)


#: The most rows (bars, grid rows) one figure draws: its size stays bounded however many models the data holds.
MAX_ROWS = 20
#: The most names a note under a figure lists before it says how many more there are (formatting's one rule).
MAX_NAMES = FORMAT_MAX_NAMES


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
    """Names for a note under a figure: all of them when few, else the first ``limit`` and how many more
    (:func:`analysis.formatting.format_names`, the one rule for every list of names).

    >>> some_names(["a", "b"]), some_names([f"m{i}" for i in range(30)], 3)
    ('a, b', 'm0, m1, m2 and 27 more')
    """
    return format_names(names, limit, none="")


def left_out_note(left: int, what: str, order: str) -> str:
    """The note of a bounded figure: how many rows it does not draw, and which it draws.

    >>> left_out_note(2792, "models", "the 30 cheapest")
    'Not drawn: 2,792 more models (this figure shows the 30 cheapest; the table and results.json have them all).'
    """
    return (f"Not drawn: {left:,} more {what} (this figure shows {order}; the table and results.json have "
            f"them all).")

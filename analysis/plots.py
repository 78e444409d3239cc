"""One function per kind of figure, all with the same look; each returns the figure.

The theme is set in one place (:func:`apply_theme`); prices are drawn on a log scale;
every axis label carries its unit. Nothing here saves files: :class:`analysis.publish.Publisher`
does that.

>>> from analysis.data import load_pricing
>>> from analysis.pricing import price_table
>>> fig = price_bars(price_table(load_pricing()))
>>> fig.axes[0].get_xscale()
'log'
>>> plt.close(fig)
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

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


apply_theme()


def usd_formatter(x: float, _pos=None) -> str:
    """Tick labels in dollars: ``$0.25``, ``$10``, ``$2,500``.

    >>> usd_formatter(0.25), usd_formatter(10), usd_formatter(2500)
    ('$0.25', '$10', '$2,500')
    """
    if x >= 100 or float(x).is_integer():
        return f"${x:,.0f}"
    if x >= 1:
        return f"${x:,.2f}".rstrip("0").rstrip(".")
    return f"${x:.2f}" if round(x, 2) == x else f"${x:.3g}"


def log_price_axis(ax, axis: str = "x", label: str = "price, USD per million tokens (log scale)") -> None:
    """Log scale with dollar ticks on one axis."""
    getattr(ax, f"set_{axis}scale")("log")
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(usd_formatter))
    getattr(ax, f"{axis}axis").set_minor_formatter(FuncFormatter(lambda *_: ""))
    getattr(ax, f"set_{axis}label")(label)


def add_source_note(fig, text: str = SOURCE_NOTE) -> None:
    """A small attribution line under the figure."""
    fig.text(0.01, -0.02, text, fontsize=7.5, color="#555555", ha="left", va="top")


def origin_legend(ax, origins=("US", "CN"), **kw) -> None:
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in origins]
    ax.legend(handles=handles, title="origin", frameon=False, **kw)


def price_bars(table: pd.DataFrame, column: str = "output_usd_per_mtok",
               label: str = "output price, USD per million tokens (log scale)",
               multiple_column: str | None = "output_multiple", title: str | None = None):
    """Horizontal bars of one price per model, log scale, coloured by origin, cheapest at the top.

    Models whose price is unknown on this column are listed under the chart, not drawn as 0.
    """
    from analysis.pricing import format_multiple

    known = table[table[column].notna()].sort_values([column, "model"])
    unknown = table.loc[table[column].isna(), "model"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    colors = [ORIGIN_COLORS.get(o, "#777777") for o in known.origin]
    ax.barh(known.model, known[column], color=colors)
    ax.invert_yaxis()
    log_price_axis(ax, "x", label)
    ax.set_ylabel("")
    for y, (_, row) in enumerate(known.iterrows()):
        text = f"${row[column]:,.2f}"
        if multiple_column and multiple_column in row and pd.notna(row[multiple_column]):
            text += f"  ({format_multiple(row[multiple_column])})"
        ax.text(row[column] * 1.08, y, text, va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 4)
    origin_legend(ax, loc="upper right")
    ax.set_title(title or "Price per million tokens by model")
    if unknown:
        fig.text(0.01, -0.06, "Unknown on this basis (not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    add_source_note(fig)
    return fig


def monthly_bill_bars(table: pd.DataFrame, monthly_tokens: float, column: str = "monthly_bill_usd"):
    """The monthly bill of a token volume per model, log scale, coloured by origin."""
    known = table[table[column].notna()].sort_values([column, "model"])
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(known) + 1.4))
    ax.barh(known.model, known[column], color=[ORIGIN_COLORS.get(o, "#777") for o in known.origin])
    ax.invert_yaxis()
    log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    for y, v in enumerate(known[column]):
        ax.text(v * 1.08, y, usd_formatter(round(v, 2)), va="center", fontsize=8.5)
    ax.set_xlim(known[column].min() / 1.6, known[column].max() * 5)
    ax.set_title(f"Monthly bill for {monthly_tokens:,.0f} output tokens")
    origin_legend(ax, loc="upper right")
    add_source_note(fig, SOURCE_NOTE + " Volume is a parameter.")
    return fig


def access_matrix(access: pd.DataFrame):
    """The access matrix: factors down, options across, each cell its text on green (✓) or red (✗)."""
    factors = list(dict.fromkeys(access.factor))
    options = list(dict.fromkeys(access.option))
    ok = access.pivot(index="factor", columns="option", values="ok").loc[factors, options]
    text = access.pivot(index="factor", columns="option", values="text").loc[factors, options]
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(factors) + 1.2))
    grid = ok.astype(float).to_numpy()
    cmap = matplotlib.colors.ListedColormap([OK_COLORS[False], OK_COLORS[True]])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto", alpha=0.85)
    for i in range(len(factors)):
        for j in range(len(options)):
            mark = "✓" if ok.iat[i, j] else "✗"
            ax.text(j, i, f"{mark} {text.iat[i, j]}", ha="center", va="center", color="white",
                    fontsize=9, fontweight="bold")
    ax.set_xticks(range(len(options)), options)
    ax.set_yticks(range(len(factors)), factors)
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title("Access matrix: what it takes to buy each kind of API", pad=28)
    add_source_note(fig, "Source: the source article's deployment-readiness matrix, as published "
                         "(written to promote Global API, the third column).")
    return fig


def matchup_stars(matchups: pd.DataFrame):
    """The star ratings of every head-to-head as paired bars, one panel per matchup."""
    stars = matchups[matchups.unit == "stars"]
    names = list(dict.fromkeys(stars.matchup))
    fig, axes = plt.subplots(1, len(names), figsize=(4.0 * len(names), 3.4), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = stars[stars.matchup == name]
        a, b = rows.model_a.iloc[0], rows.model_b.iloc[0]
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows.value_a, 0.4, label=a, color="#c8362d")
        ax.bar(x + 0.2, rows.value_b, 0.4, label=b, color="#1f5fa8")
        ax.set_xticks(x, rows.factor)
        ax.set_ylim(0, 5.8)
        ax.set_yticks(range(0, 6))
        ax.set_title(name, fontsize=10.5)
        ax.legend(frameon=False, fontsize=8, loc="upper center", ncol=2)
    axes[0][0].set_ylabel("stars (1-5), as published")
    add_source_note(fig, "Source: the source article's head-to-head tables (the author's star ratings).")
    fig.tight_layout()
    return fig


def published_speed(facts: pd.DataFrame):
    """Published output speed and p99 time-to-first-token ranges for the models that have them."""
    known = facts[facts.output_tok_per_s.notna() | facts.ttft_p99_low_s.notna()]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 0.6 * len(known) + 1.8), sharey=True)
    ax1.barh(known.model, known.output_tok_per_s, color="#555f6b")
    ax1.set_xlabel("output speed, tokens per second")
    for y, v in enumerate(known.output_tok_per_s):
        ax1.text(v + 1, y, f"~{v:g} tok/s", va="center", fontsize=8.5)
    ax1.set_xlim(0, known.output_tok_per_s.max() * 1.35)
    for y, (_, r) in enumerate(known.iterrows()):
        ax2.plot([r.ttft_p99_low_s, r.ttft_p99_high_s], [y, y], lw=6, color="#555f6b", solid_capstyle="butt")
        ax2.text(r.ttft_p99_high_s + 0.05, y, f"{r.ttft_p99_low_s:g}-{r.ttft_p99_high_s:g} s", va="center",
                 fontsize=8.5)
    ax2.set_xlim(0, known.ttft_p99_high_s.max() * 1.4)
    ax2.set_xlabel("p99 time to first token, seconds (published range)")
    ax1.invert_yaxis()
    fig.suptitle("Speed and first-token latency, as published (one author's measurements)", fontweight="bold")
    add_source_note(fig)
    fig.tight_layout()
    return fig


def traffic_bill_bars(pricing: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0):
    """The monthly bill of ``monthly_tokens`` output tokens plus ``input_output_ratio`` input tokens
    for each output token, per model, log scale; models with an unknown price are listed, not drawn.

    At a ratio of 0 it is the output-only bill of :func:`monthly_bill_bars` (the article's example).

    >>> from analysis.data import load_pricing
    >>> fig = traffic_bill_bars(load_pricing(), 10e9, 3.0)
    >>> bars = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    >>> bars["Claude 3.5 Sonnet"]   # 10e9 x $15/M out + 30e9 x $3/M in
    240000.0
    >>> plt.close(fig)
    """
    from analysis.pricing import blended_usd_per_mtok

    r = float(input_output_ratio)
    table = pricing[["model", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    blended = [blended_usd_per_mtok(i, o, r) for i, o in zip(table.input_usd_per_mtok, table.output_usd_per_mtok)]
    table["traffic_bill_usd"] = pd.Series(blended, index=table.index) * (1 + r) * (monthly_tokens / 1e6)
    known = table[table.traffic_bill_usd.notna()].sort_values(["traffic_bill_usd", "model"])
    unknown = table.loc[table.traffic_bill_usd.isna(), "model"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.4))
    if len(known):
        ax.barh(known.model, known.traffic_bill_usd, color=[ORIGIN_COLORS.get(o, "#777") for o in known.origin])
        ax.invert_yaxis()
        log_price_axis(ax, "x", "monthly bill, USD (log scale)")
        for y, v in enumerate(known.traffic_bill_usd):
            ax.text(v * 1.08, y, usd_formatter(round(v, 2)), va="center", fontsize=8.5)
        positive = known.traffic_bill_usd[known.traffic_bill_usd > 0]
        if len(positive):
            ax.set_xlim(positive.min() / 1.6, positive.max() * 5)
        origin_legend(ax, loc="upper right")
    else:
        ax.text(0.5, 0.5, "no model has the prices this mix needs", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title(f"Monthly bill: {monthly_tokens:,.0f} output + {r * monthly_tokens:,.0f} input tokens "
                 f"({r:g}:1 input:output)")
    if unknown:
        fig.text(0.01, -0.06, "Unknown price for this mix (not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    add_source_note(fig, SOURCE_NOTE + " Volume and mix are parameters.")
    return fig


# --------------------------------------------------------------------------- live calls (notebook 05)


def mode_banner(fig, label: str) -> None:
    """Stamp the run's mode on a figure: SIMULATED (in red) or LIVE, so no reader mistakes which."""
    color = "#c8362d" if label.startswith("SIMULATED") else "#2e8b57"
    fig.text(0.99, 1.0, label, ha="right", va="bottom", fontsize=9, fontweight="bold", color=color,
             bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": color, "lw": 1})


#: matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal"
_HORIZONTAL = ({"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10)
               else {"vert": False})


def _model_colors(models, origins: dict[str, str] | None) -> list[str]:
    return [ORIGIN_COLORS.get((origins or {}).get(m), "#555f6b") for m in models]


def latency_distribution(requests: pd.DataFrame, metric: str, label: str, xlabel: str,
                         published: dict[str, tuple[float, float]] | None = None,
                         published_name: str = "published", origins: dict[str, str] | None = None,
                         title: str | None = None):
    """One row per model: every successful request's ``metric`` as a dot, its box, and the
    published figure (a range drawn as a bar, a single value as a diamond) beside it.

    >>> df = pd.DataFrame({"model": ["A", "A", "B"], "status": ["ok"] * 3, "ttft_s": [0.5, 0.7, 1.0]})
    >>> fig = latency_distribution(df, "ttft_s", "SIMULATED (local emulator)", "seconds",
    ...                            published={"A": (1.2, 1.8)})
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['A', 'B']
    >>> plt.close(fig)
    """
    ok = requests[(requests.status == "ok") & requests[metric].notna()]
    models = list(dict.fromkeys(requests.model))
    fig, ax = plt.subplots(figsize=(8.5, 0.7 * max(len(models), 1) + 1.6))
    colors = _model_colors(models, origins)
    for y, (model, color) in enumerate(zip(models, colors)):
        values = ok.loc[ok.model == model, metric].to_numpy(dtype=float)
        if values.size:
            ax.boxplot(values, positions=[y], **_HORIZONTAL, widths=0.5, showfliers=False,
                       medianprops={"color": color, "lw": 2}, boxprops={"color": "#888888"},
                       whiskerprops={"color": "#888888"}, capprops={"color": "#888888"})
            jitter = (np.random.default_rng(y).random(values.size) - 0.5) * 0.3
            ax.scatter(values, y + jitter, s=10, color=color, alpha=0.6, zorder=3)
        else:
            ax.text(0.02, y, "no successful request", va="center", fontsize=8.5, color="#555555",
                    transform=matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData))
        pub = (published or {}).get(model)
        if pub is not None and not any(pd.isna(v) for v in pub):
            lo, hi = pub
            if hi > lo:
                ax.plot([lo, hi], [y + 0.38, y + 0.38], lw=5, color="#222222", alpha=0.55,
                        solid_capstyle="butt", zorder=4)
            else:
                ax.scatter([lo], [y + 0.38], marker="D", s=30, color="#222222", zorder=4)
    ax.set_yticks(range(len(models)), models)
    ax.set_ylim(len(models) - 0.4, -0.6)
    ax.set_xlabel(xlabel)
    ax.set_xlim(left=0)
    handles = [matplotlib.lines.Line2D([], [], color="#222222", alpha=0.55, lw=5,
                                       label=f"{published_name} (as published)")] if published else []
    if handles:
        ax.legend(handles=handles, frameon=False, loc="lower right", fontsize=8)
    ax.set_title(title or f"{xlabel} per request")
    mode_banner(fig, label)
    n = int(ok.shape[0])
    add_source_note(fig, f"{label}: {n} successful requests. Published figures: the source article "
                         f"(one author's measurements).")
    return fig


def cost_per_request(requests: pd.DataFrame, label: str, origins: dict[str, str] | None = None):
    """Cost of each successful request (usage x list prices), log scale; unknown costs listed, not drawn.

    >>> df = pd.DataFrame({"model": ["A", "B"], "status": ["ok", "ok"], "cost_usd": [0.0001, float("nan")]})
    >>> fig = cost_per_request(df, "SIMULATED (local emulator)")
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    ok = requests[requests.status == "ok"]
    models = list(dict.fromkeys(requests.model))
    known = [m for m in models if ok.loc[ok.model == m, "cost_usd"].notna().any()]
    unknown = [m for m in models if m not in known]
    fig, ax = plt.subplots(figsize=(8.5, 0.6 * max(len(known), 1) + 1.6))
    for y, (model, color) in enumerate(zip(known, _model_colors(known, origins))):
        values = ok.loc[(ok.model == model) & ok.cost_usd.notna(), "cost_usd"].to_numpy(dtype=float)
        jitter = (np.random.default_rng(y).random(values.size) - 0.5) * 0.3
        ax.scatter(values, y + jitter, s=12, color=color, alpha=0.7)
        ax.text(np.median(values), y - 0.36, f"median {usd_formatter(float(np.median(values)))}", fontsize=8,
                ha="center")
    ax.set_yticks(range(len(known)), known)
    ax.set_ylim(max(len(known), 1) - 0.4, -0.7)
    log_price_axis(ax, "x", "cost per request, USD (log scale; usage x list prices)")
    ax.set_title("Cost per request")
    if unknown:
        fig.text(0.01, -0.08, "Cost unknown (a price or the usage is missing; not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    mode_banner(fig, label)
    add_source_note(fig, f"{label}. Prices: data/pricing.csv, as published.")
    return fig


def error_class_bars(errors: pd.DataFrame, label: str):
    """Attempts per error class, with the requests that finally failed with it, or a note when none.

    >>> e = pd.DataFrame({"error_class": ["rate_limit"], "attempts": [3], "requests_failed": [0]})
    >>> fig = error_class_bars(e, "SIMULATED (local emulator)")
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [3.0, 0.0]
    >>> plt.close(fig)
    """
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * max(len(errors), 1) + 1.6))
    if len(errors):
        y = np.arange(len(errors))
        ax.barh(y - 0.18, errors.attempts, 0.36, color="#8a8f96", label="attempts that ended with it")
        ax.barh(y + 0.18, errors.requests_failed, 0.36, color="#c8362d", label="requests that failed with it")
        ax.set_yticks(y, errors.error_class)
        ax.invert_yaxis()
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.set_xlabel("count")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    else:
        ax.text(0.5, 0.5, "no errors in this run", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title("Errors by class")
    mode_banner(fig, label)
    add_source_note(fig, f"{label}. Rate limits and 5xx are retried; a request fails when its last attempt does.")
    return fig

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
        median = np.format_float_positional(float(np.median(values)), precision=3, fractional=False)
        ax.text(np.median(values), y - 0.36, f"median ${median}", fontsize=8, ha="center")
    ax.set_yticks(range(len(known)), known)
    ax.set_ylim(max(len(known), 1) - 0.4, -0.7)
    log_price_axis(ax, "x", "cost per request, USD (log scale; usage x list prices)")
    ax.set_title("Cost per request")
    if unknown:
        fig.text(0.01, -0.08, "Cost unknown (a price or the usage is missing; not drawn): " + ", ".join(unknown),
                 fontsize=8, color="#555555")
    mode_banner(fig, label)
    fig.tight_layout()
    fig.text(0.01, -0.04 if not unknown else -0.14, f"{label}. Prices: data/pricing.csv, as published.",
             fontsize=7.5, color="#555555", ha="left", va="top")
    return fig


def error_class_bars(errors: pd.DataFrame, label: str):
    """Attempts per error class, with the requests that finally failed with it, or a note when none.

    >>> e = pd.DataFrame({"error_class": ["rate_limit"], "attempts": [3], "requests_failed": [0]})
    >>> fig = error_class_bars(e, "SIMULATED (local emulator)")
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [3.0, 0.0]
    >>> plt.close(fig)
    """
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * max(len(errors), 1) + 2.2))
    if len(errors):
        y = np.arange(len(errors))
        ax.barh(y - 0.18, errors.attempts, 0.36, color="#8a8f96", label="attempts that ended with it")
        ax.barh(y + 0.18, errors.requests_failed, 0.36, color="#c8362d", label="requests that failed with it")
        ax.set_yticks(y, errors.error_class)
        ax.invert_yaxis()
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_xlabel("count")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    else:
        ax.text(0.5, 0.5, "no errors in this run", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title("Errors by class")
    mode_banner(fig, label)
    fig.tight_layout()
    fig.text(0.01, -0.04, f"{label}. Rate limits and 5xx are retried; a request fails when its last attempt does.",
             fontsize=7.5, color="#555555", ha="left", va="top")
    return fig


# --------------------------------------------------------------------------- efficiency and break-even (03, 04)


def _no_math(text: str) -> str:
    r"""Dollar signs shown as such (two of them would start matplotlib's math mode).

    >>> _no_math("$1 + $2")
    '\\$1 + \\$2'
    """
    return text.replace("$", r"\$")


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


def frontier_plot(table: pd.DataFrame, title: str | None = None, price_label: str | None = None):
    """Score against price (log scale) with the Pareto frontier as a step line; every model labelled.

    ``table`` is :func:`analysis.efficiency.efficiency_table`'s (``usd_per_mtok``, ``score``,
    ``on_frontier``, ``origin``, ``model``, ``excluded_reason``). Frontier models are filled
    dots, dominated ones hollow; models left out (unknown price or no score) are listed under
    the chart, never drawn at 0.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> from analysis.efficiency import efficiency_table
    >>> fig = frontier_plot(efficiency_table(load_pricing(), load_benchmarks(), "humaneval"))
    >>> fig.axes[0].get_xscale(), len(fig.axes[0].texts)
    ('log', 5)
    >>> plt.close(fig)
    """
    from analysis.efficiency import BENCHMARK_SHORT
    from analysis.frontier import frontier_steps
    from analysis.pricing import basis_label

    known = table[table["excluded_reason"].isna()]
    left_out = table[table["excluded_reason"].notna()]
    bench = table.attrs.get("benchmark")
    basis = table.attrs.get("basis", "output")
    ratio = table.attrs.get("input_output_ratio", 3.0)
    fig, ax = plt.subplots(figsize=(8.5, 5.0))
    if len(known):
        xs, ys = frontier_steps(known)
        if len(xs):
            ax.step(np.r_[xs, xs[-1] * 2.5], np.r_[ys, ys[-1]], where="post", color="#444444", lw=1.4, zorder=1,
                    label="Pareto frontier (nothing cheaper scores higher)")
        for on, marker_face in ((True, None), (False, "white")):
            part = known[known["on_frontier"] == on]
            colors = [ORIGIN_COLORS.get(o, "#777777") for o in part["origin"]]
            ax.scatter(part["usd_per_mtok"], part["score"], s=60, zorder=3, linewidths=1.6,
                       facecolors=colors if marker_face is None else marker_face, edgecolors=colors)
        _label_points(ax, known["usd_per_mtok"].to_numpy(), known["score"].to_numpy(), known["model"].tolist(),
                      [ORIGIN_COLORS.get(o, "#777777") for o in known["origin"]])
        lo, hi = known["usd_per_mtok"].min(), known["usd_per_mtok"].max()
        ax.set_xlim(max(lo, 1e-6) / 2, max(hi, 1e-6) * 4)
        ylo, yhi = known["score"].min(), known["score"].max()
        pad = max(0.6, 0.12 * (yhi - ylo))
        ax.set_ylim(ylo - pad, yhi + pad)
        log_price_axis(ax, "x", (price_label or basis_label(basis, ratio)) + " (log scale)")
    else:
        ax.text(0.5, 0.5, "No model has both a known price and a score here.", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_xlabel(price_label or basis_label(basis, ratio))
    ax.set_ylabel(f"{BENCHMARK_SHORT.get(bench, bench or 'benchmark')} score, points (as published)")
    handles = [matplotlib.lines.Line2D([], [], color="#444444", lw=1.4, label="Pareto frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", color="#555555", label="on the frontier"),
               matplotlib.lines.Line2D([], [], marker="o", ls="", markerfacecolor="white", color="#555555",
                                       label="dominated (something cheaper scores at least as high)")]
    handles += [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=ORIGIN_LABELS[o]) for o in ORIGIN_COLORS]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left")  # nothing is cheap and best
    ax.set_title(title or f"{BENCHMARK_SHORT.get(bench, bench or '')} score against price: the frontier")
    add_source_note(fig, SOURCE_NOTE + " Frontier computed by pricepoint.")
    if len(left_out):
        groups = left_out.groupby("excluded_reason", sort=False)["model"].apply(list)
        fig.text(0.01, -0.06, "Left out, not drawn: " + "; ".join(
            f"{reason[0].upper() + reason[1:]}: {', '.join(models)}" for reason, models in groups.items()),
            fontsize=7.5, color="#555555", va="top", wrap=True)
    return fig


def price_per_point_bars(table: pd.DataFrame, title: str | None = None):
    """Dollars per million tokens per benchmark point, log scale, best value at the top.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> from analysis.efficiency import efficiency_table
    >>> fig = price_per_point_bars(efficiency_table(load_pricing(), load_benchmarks(), "mmlu"))
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.efficiency import BENCHMARK_SHORT
    from analysis.pricing import basis_label, format_multiple

    known = table[table["usd_per_mtok_per_point"].notna()].sort_values(["usd_per_mtok_per_point", "model"])
    bench = table.attrs.get("benchmark")
    basis = table.attrs.get("basis", "output")
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.5))
    ax.barh(known["model"], known["usd_per_mtok_per_point"],
            color=[ORIGIN_COLORS.get(o, "#777777") for o in known["origin"]])
    ax.invert_yaxis()
    label = basis_label(basis, table.attrs.get("input_output_ratio", 3.0)).replace(
        ", USD per million tokens", "")
    log_price_axis(ax, "x", f"USD per million tokens per {BENCHMARK_SHORT.get(bench, '')} point ({label}, log scale)")
    for y, (v, m) in enumerate(zip(known["usd_per_mtok_per_point"], known["value_multiple"])):
        ax.text(v * 1.08, y, f"${v:.4f}  ({format_multiple(m)} the best)", va="center", fontsize=8.5)
    if len(known):
        ax.set_xlim(known["usd_per_mtok_per_point"].min() / 1.6, known["usd_per_mtok_per_point"].max() * 12)
    origin_legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Price per {BENCHMARK_SHORT.get(bench, '')} point")
    fig.tight_layout()
    add_source_note(fig)
    return fig


def frontier_probability_bars(robust: pd.DataFrame, title: str | None = None):
    """Each model's probability of being on the frontier under score noise, with the robustness bands.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> from analysis.efficiency import efficiency_table, robustness_table
    >>> r = robustness_table(efficiency_table(load_pricing(), load_benchmarks(), "ceval"), 1.0, 500)
    >>> fig = frontier_probability_bars(r)
    >>> [float(x) for x in fig.axes[0].get_xlim()]
    [0.0, 1.0]
    >>> plt.close(fig)
    """
    from analysis.efficiency import BENCHMARK_SHORT
    from analysis.frontier import ROBUST

    known = robust[robust["frontier_probability"].notna()].sort_values(
        ["frontier_probability", "model"], ascending=[False, True])
    sigma = robust.attrs.get("sigma", "")
    n_draws = robust.attrs.get("n_draws", "")
    bench = robust.attrs.get("benchmark")
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * max(len(known), 1) + 1.6))
    ax.barh(known["model"], known["frontier_probability"],
            color=[ORIGIN_COLORS.get(o, "#777777") for o in known["origin"]])
    ax.invert_yaxis()
    ax.axvspan(ROBUST, 1.0, color="#2e8b57", alpha=0.08)
    ax.axvspan(0, 1 - ROBUST, color="#c8362d", alpha=0.08)
    for y, p in enumerate(known["frontier_probability"]):
        inside = p > 0.85
        ax.text(p - 0.01 if inside else p + 0.01, y, f"{p:.0%}", va="center", ha="right" if inside else "left",
                fontsize=8.5, color="white" if inside else "#222222")
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0%}"))
    sig = f"σ = {sigma:g} benchmark points" if isinstance(sigma, (int, float)) else f"σ from column {sigma!r}"
    ax.set_xlabel(f"probability of being on the frontier ({sig}, an assumption; {n_draws:,} draws)")
    origin_legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Which {BENCHMARK_SHORT.get(bench, '')} frontier models survive score noise")
    fig.tight_layout()
    add_source_note(fig, "Shaded: robust (on the frontier in at least 95% of draws, green; in at most 5%, red). "
                         "Scores as published plus simulated noise; prices exact.")
    return fig


def volume_cost_plot(name_a: str, usd_per_mtok_a: float, fixed_a_usd: float, name_b: str, usd_per_mtok_b: float,
                     fixed_b_usd: float, volume_min: float = 1e6, volume_max: float = 1e11,
                     color_a: str = "#1f5fa8", color_b: str = "#c8362d"):
    """Total monthly cost of two options against monthly token volume (log-log), the crossover marked.

    >>> fig = volume_cost_plot("GPT-4o", 10.0, 0, "DeepSeek V4 Flash", 0.25, 2000)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    from analysis.breakeven import _tokens, monthly_cost_usd, volume_break_even

    volumes = np.logspace(np.log10(volume_min), np.log10(volume_max), 200)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    for name, price, fixed, color in ((name_a, usd_per_mtok_a, fixed_a_usd, color_a),
                                      (name_b, usd_per_mtok_b, fixed_b_usd, color_b)):
        if pd.isna(price):
            continue
        ax.plot(volumes, np.maximum(monthly_cost_usd(volumes, price, fixed), 1e-2), color=color, lw=2,
                label=_no_math(f"{name}: ${price:g}/M tokens + {usd_formatter(fixed)} a month"))
    be = volume_break_even(usd_per_mtok_a, usd_per_mtok_b, fixed_a_usd, fixed_b_usd, name_a, name_b)
    cost = None if be.never else monthly_cost_usd(be.value, usd_per_mtok_a, fixed_a_usd)
    _cost_by_volume_axes(fig, ax, be, cost, volume_min, volume_max,
                         lambda v, c: f"break-even: {_tokens(v)} tokens a month\n({usd_formatter(round(c, 2))} each)",
                         f"Monthly cost: {name_a} against {name_b}",
                         "Prices as published; fixed monthly costs are assumptions you set.")
    return fig


def _cost_by_volume_axes(fig, ax, be, cost, volume_min: float, volume_max: float, label, title: str,
                         note: str) -> None:
    """The common finish of a monthly-cost-against-volume figure: the crossover marked (when it falls
    in the range, else the reason it does not, under the figure), log axes, legend, title, note."""
    if not be.never and volume_min <= be.value <= volume_max:
        ax.axvline(be.value, color="#444444", ls="--", lw=1)
        ax.scatter([be.value], [cost], color="black", zorder=4)
        ax.annotate(label(be.value, cost), (be.value, cost), xytext=(10, -31), textcoords="offset points",
                    fontsize=8.5)
    else:
        note += "\nNo crossover on this range: " + _no_math(be.reason) + "."
    ax.set_xscale("log")
    ax.set_xlabel("tokens per month (log scale)")
    log_price_axis(ax, "y", "total cost, USD per month (log scale)")
    ax.legend(frameon=False, fontsize=8.5, loc="upper left")
    ax.set_title(title)
    add_source_note(fig, note)


def quality_cost_plot(name_a: str, cost_a_usd: float, success_a: float, name_b: str, cost_b_usd: float,
                      success_b: float, failure_cost_max_usd: float = 5.0,
                      color_a: str = "#1f5fa8", color_b: str = "#c8362d"):
    """Expected cost per task against the cost of one wrong answer, for two models; the break-even marked.

    >>> fig = quality_cost_plot("GPT-4o", 0.00875, 0.887, "DeepSeek V4 Flash", 0.000395, 0.855, 1.0)
    >>> fig.axes[0].get_xlabel()
    'cost of one wrong answer, USD (an assumption)'
    >>> plt.close(fig)
    """
    from analysis.breakeven import cost_per_task_usd, quality_break_even

    x = np.linspace(0, failure_cost_max_usd, 200)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    for name, cost, success, color in ((name_a, cost_a_usd, success_a, color_a),
                                       (name_b, cost_b_usd, success_b, color_b)):
        if pd.isna(cost) or pd.isna(success):
            continue
        ax.plot(x, cost_per_task_usd(cost, success, x), color=color, lw=2,
                label=_no_math(f"{name}: ${cost:.5f} of tokens a task, {success:.1%} right"))
    be = quality_break_even(cost_a_usd, success_a, cost_b_usd, success_b, name_a, name_b)
    if not be.never and be.value <= failure_cost_max_usd:
        y = cost_per_task_usd(cost_a_usd, success_a, be.value)
        ax.axvline(be.value, color="#444444", ls="--", lw=1)
        ax.scatter([be.value], [y], color="black", zorder=4)
        ax.annotate(f"break-even: ${be.value:.4g} per wrong answer", (be.value, y), xytext=(10, -25),
                    textcoords="offset points", fontsize=8.5)
    ax.set_xlim(0, failure_cost_max_usd)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("cost of one wrong answer, USD (an assumption)")
    ax.set_ylabel("expected cost per task, USD")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
    ax.legend(frameon=False, fontsize=8.5, loc="upper left")
    ax.set_title(f"Cost per task as wrong answers get dearer: {name_a} against {name_b}")
    note = "Success rate = the published benchmark score. Tokens per task and failure cost are assumptions."
    if be.never or be.value > failure_cost_max_usd:
        note += "\nNo crossover on this range: " + _no_math(be.reason) + "."
    add_source_note(fig, note)
    return fig


def quality_break_even_heatmap(matrix: pd.DataFrame, title: str | None = None):
    """The quality break-even of every pair of models on a benchmark: cheaper model down, dearer across.

    ``matrix`` is :func:`analysis.breakeven.quality_break_even_matrix`'s. Each cell is the
    cost of one wrong answer above which the dearer model is the cheaper one per task;
    "never" where it is not (the cheaper one is at least as accurate, or a figure is unknown).

    >>> from analysis.breakeven import quality_break_even_matrix
    >>> from analysis.data import load_benchmarks, load_pricing
    >>> fig = quality_break_even_heatmap(quality_break_even_matrix(load_pricing(), load_benchmarks(), "mmlu",
    ...                                                          1500, 500))
    >>> len(fig.axes[0].texts)
    15
    >>> plt.close(fig)
    """
    from analysis.efficiency import BENCHMARK_SHORT

    if matrix.empty:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Fewer than two models scored on this benchmark.", ha="center", va="center")
        return fig
    order = matrix.attrs.get("order") or list(dict.fromkeys(list(matrix["cheaper"]) + list(matrix["dearer"])))
    rows, cols = order[:-1], order[1:]
    grid = np.full((len(rows), len(cols)), np.nan)
    text = [["" for _ in cols] for _ in rows]
    for r in matrix.itertuples():
        i, j = rows.index(r.cheaper), cols.index(r.dearer)
        grid[i, j] = r.failure_cost_usd
        unknown = bool(getattr(r, "unknown", False))
        text[i][j] = ("unknown" if unknown else "never") if r.never else f"${r.failure_cost_usd:.3g}"
    fig, ax = plt.subplots(figsize=(1.25 * len(cols) + 3.2, 0.6 * len(rows) + 2.2))
    finite = grid[np.isfinite(grid)]
    norm = matplotlib.colors.LogNorm(finite.min(), finite.max()) if len(finite) and finite.min() < finite.max() \
        else None
    masked = np.ma.masked_invalid(grid)
    cmap = matplotlib.colormaps["viridis_r"].with_extremes(bad="#eeeeee")
    im = ax.imshow(masked, cmap=cmap, norm=norm, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(cols)):
            if text[i][j]:
                dark = np.isfinite(grid[i, j]) and norm is not None and norm(grid[i, j]) > 0.45
                ax.text(j, i, text[i][j], ha="center", va="center", fontsize=8.5,
                        color="white" if dark else "#333333")
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("dearer model per task")
    ax.set_ylabel("cheaper model per task")
    ax.grid(False)
    if len(finite):
        bar = fig.colorbar(im, ax=ax, label="break-even cost of one wrong answer, USD (log scale)")
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.3g}"))
        bar.ax.yaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    bench = matrix.attrs.get("benchmark", "")
    ax.set_title(title or f"Quality break-even on {BENCHMARK_SHORT.get(bench, bench)}: "
                          f"{matrix.attrs.get('input_tokens', 0):,.0f} input + "
                          f"{matrix.attrs.get('output_tokens', 0):,.0f} output tokens a task")
    fig.tight_layout()
    add_source_note(fig, "Above the cell's cost of a wrong answer, the dearer model is cheaper per task; never: the "
                         "cheaper one is at least as accurate; unknown: a price or score is missing.\n"
                         "Scores as success rates, prices as published; tokens per task are assumptions.")
    return fig


def self_hosting_plot(name: str, api_usd_per_mtok: float, gpu_usd_per_hour: float, gpu_tok_per_s: float,
                      utilisation: float, fixed_usd_per_month: float = 0.0, volume_min: float = 1e7,
                      volume_max: float = 1e11):
    """Monthly cost of an API against self-hosting on whole rented GPUs (a staircase), the break-even marked.

    >>> fig = self_hosting_plot("GPT-4o", 10.0, 2.5, 1000, 0.5)
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.breakeven import (
        GpuAssumptions,
        _tokens,
        monthly_cost_usd,
        self_hosting_break_even,
        self_hosting_cost_usd,
    )

    gpu = GpuAssumptions(gpu_usd_per_hour, gpu_tok_per_s, utilisation, fixed_usd_per_month)
    volumes = np.logspace(np.log10(volume_min), np.log10(volume_max), 600)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    if not pd.isna(api_usd_per_mtok):
        ax.plot(volumes, np.maximum(monthly_cost_usd(volumes, api_usd_per_mtok), 1e-2), color="#c8362d", lw=2,
                label=_no_math(f"{name} API: ${api_usd_per_mtok:g}/M tokens"))
    ax.plot(volumes, np.maximum(self_hosting_cost_usd(volumes, gpu), 1e-2), color="#555f6b", lw=2,
            drawstyle="steps-post",
            label=_no_math(f"self-hosted: ${gpu_usd_per_hour:g}/GPU-hour, {gpu_tok_per_s:,.0f} tok/s at "
                           f"{utilisation:.0%} use"))
    be = self_hosting_break_even(api_usd_per_mtok, gpu, name)
    cost = None if be.never else monthly_cost_usd(be.value, api_usd_per_mtok)
    _cost_by_volume_axes(fig, ax, be, cost, volume_min, volume_max,
                         lambda v, c: f"self-hosting cheaper above\n{_tokens(v)} tokens a month",
                         f"Self-hosting against the {name} API",
                         "GPU price, speed and utilisation are example assumptions, not data; "
                         "GPUs rented by the whole month.")
    return fig


# Figures of notebooks 03 and 04 as pure functions of the notebooks' parameters (the data tables
# plus keyword arguments named as the parameters), so that controls can redraw them.


def efficiency_frontier(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                        basis: str = "output", input_output_ratio: float = 3.0):
    """:func:`frontier_plot` for one benchmark, price basis and input:output ratio.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> fig = efficiency_frontier(load_pricing(), load_benchmarks(), "ceval", "blended", 1.0)
    >>> "C-Eval" in fig.axes[0].get_title()
    True
    >>> plt.close(fig)
    """
    from analysis.efficiency import efficiency_table

    return frontier_plot(efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio))


def efficiency_price_per_point(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                               basis: str = "output", input_output_ratio: float = 3.0):
    """:func:`price_per_point_bars` for one benchmark, price basis and input:output ratio."""
    from analysis.efficiency import efficiency_table

    return price_per_point_bars(efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio))


def efficiency_robustness(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "humaneval",
                          basis: str = "output", input_output_ratio: float = 3.0, score_sigma: float = 1.0,
                          n_draws: int = 2000, seed: int = 0, score_sigma_column: str = ""):
    """:func:`frontier_probability_bars` for one benchmark, basis, ratio and score uncertainty (seeded)."""
    from analysis.efficiency import efficiency_table, robustness_table

    table = efficiency_table(pricing, benchmarks, benchmark, basis, input_output_ratio, score_sigma_column or None)
    sigma = "score_sigma" if score_sigma_column else score_sigma
    return frontier_probability_bars(robustness_table(table, sigma, n_draws, seed))


def _pair_colors(pricing: pd.DataFrame, model_a: str, model_b: str) -> tuple[str, str]:
    origin = pricing.set_index("model")["origin"]
    a = ORIGIN_COLORS.get(origin.get(model_a), "#555f6b")
    b = ORIGIN_COLORS.get(origin.get(model_b), "#555f6b")
    return (a, "#e08a3c") if a == b else (a, b)


def volume_break_even_models(pricing: pd.DataFrame, model_a: str = "GPT-4o", model_b: str = "DeepSeek V4 Flash",
                             basis: str = "output", input_output_ratio: float = 3.0,
                             fixed_a_usd_per_month: float = 0.0, fixed_b_usd_per_month: float = 2000.0,
                             volume_min: float = 1e6, volume_max: float = 1e11):
    """:func:`volume_cost_plot` for two models of the pricing table, priced on ``basis``.

    >>> from analysis.data import load_pricing
    >>> fig = volume_break_even_models(load_pricing())
    >>> len(fig.axes[0].lines)
    3
    >>> plt.close(fig)
    """
    from analysis.pricing import price_on_basis

    price = price_on_basis(pricing, basis, input_output_ratio).set_index("model")["usd_per_mtok"]
    color_a, color_b = _pair_colors(pricing, model_a, model_b)
    return volume_cost_plot(model_a, price.get(model_a, np.nan), fixed_a_usd_per_month, model_b,
                            price.get(model_b, np.nan), fixed_b_usd_per_month, volume_min, volume_max,
                            color_a, color_b)


def quality_break_even_models_plot(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "mmlu",
                                   model_a: str = "GPT-4o", model_b: str = "DeepSeek V4 Flash",
                                   input_tokens_per_task: float = 1500, output_tokens_per_task: float = 500,
                                   failure_cost_max_usd: float = 1.0):
    """:func:`quality_cost_plot` for two models of the data, their benchmark scores as success rates.

    >>> from analysis.data import load_benchmarks, load_pricing
    >>> fig = quality_break_even_models_plot(load_pricing(), load_benchmarks())
    >>> len(fig.axes[0].lines)
    3
    >>> plt.close(fig)
    """
    from analysis.breakeven import model_task_figures

    a = model_task_figures(pricing, benchmarks, benchmark, model_a, input_tokens_per_task, output_tokens_per_task)
    b = model_task_figures(pricing, benchmarks, benchmark, model_b, input_tokens_per_task, output_tokens_per_task)
    color_a, color_b = _pair_colors(pricing, model_a, model_b)
    return quality_cost_plot(model_a, a["cost_usd"], a["success_rate"], model_b, b["cost_usd"], b["success_rate"],
                             failure_cost_max_usd, color_a, color_b)


def quality_break_even_pairs(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "mmlu",
                             input_tokens_per_task: float = 1500, output_tokens_per_task: float = 500):
    """:func:`quality_break_even_heatmap` for every pair of models scored on ``benchmark``."""
    from analysis.breakeven import quality_break_even_matrix

    return quality_break_even_heatmap(quality_break_even_matrix(pricing, benchmarks, benchmark,
                                                                input_tokens_per_task, output_tokens_per_task))


def self_hosting_model(pricing: pd.DataFrame, self_host_model: str = "Qwen3-32B", basis: str = "output",
                       input_output_ratio: float = 3.0, gpu_usd_per_hour: float = 2.5, gpu_tok_per_s: float = 1000.0,
                       gpu_utilisation: float = 0.5, self_host_fixed_usd_per_month: float = 0.0,
                       volume_min: float = 1e7, volume_max: float = 1e11):
    """:func:`self_hosting_plot` for one model of the pricing table, priced on ``basis``."""
    from analysis.pricing import price_on_basis

    price = price_on_basis(pricing, basis, input_output_ratio).set_index("model")["usd_per_mtok"]
    return self_hosting_plot(self_host_model, price.get(self_host_model, np.nan), gpu_usd_per_hour, gpu_tok_per_s,
                             gpu_utilisation, self_host_fixed_usd_per_month, volume_min, volume_max)


# --------------------------------------------------------------------------- routing & usage logs (issue 5)
# Pure functions of their arguments (frames from analysis.routing / analysis.usage), so that
# widgets can redraw them for another volume or mix.

POLICY_COLOR = "#6a3d9a"  # routers and policies that mix models
_HATCH = "///"


def _saving_text(pct: float) -> str:
    """``saves 92%`` or ``costs 6% more``.

    >>> _saving_text(92.3), _saving_text(-6.1), _saving_text(0.0)
    ('saves 92%', 'costs 6% more', 'same cost')
    """
    if round(pct) == 0:
        return "same cost"
    return f"saves {pct:.0f}%" if pct > 0 else f"costs {-pct:.0f}% more"


def _dense_log_ticks(axis) -> None:
    """Ticks at 1, 2 and 5 of each decade, for log axes that span less than two decades."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))


def _mark_partial(bars, complete) -> None:
    """Hatch and fade the bars of scenarios that leave requests unserved."""
    for bar, ok in zip(bars, complete):
        if not ok:
            bar.set_hatch(_HATCH)
            bar.set_alpha(0.55)


def _policy_colors(frame: pd.DataFrame) -> list[str]:
    return [ORIGIN_COLORS.get(o, POLICY_COLOR) for o in frame.get("origin", pd.Series("mixed", index=frame.index))]


def _policy_legend(ax, extra: list | None = None, **kw) -> None:
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=f"one {ORIGIN_LABELS[o]} model")
               for o in ORIGIN_COLORS]
    handles.append(matplotlib.patches.Patch(color=POLICY_COLOR, label="routing policy (several models)"))
    ax.legend(handles=handles + (extra or []), frameon=False, fontsize=8, **kw)


def policy_cost_bars(summary: pd.DataFrame, title: str | None = None):
    """The monthly bill of every policy, log scale, cheapest first; savings against the baseline.

    ``summary`` is :attr:`analysis.routing.Evaluation.summary`. A policy that cannot serve every
    request is drawn hatched at the bill of what it does serve, labelled with what it leaves out;
    one that serves nothing is listed under the chart.

    >>> from analysis.routing import capabilities, evaluate, example_workload
    >>> fig = policy_cost_bars(evaluate(example_workload(), capabilities(), budget_usd=2000).summary)
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    shown = summary[summary.served_cost_usd > 0].copy()
    shown["sort"] = shown.monthly_cost_usd.fillna(shown.served_cost_usd)
    shown = shown.sort_values(["serves_all", "sort"], ascending=[False, True])
    nothing = summary.loc[~(summary.served_cost_usd > 0), "policy"].tolist()
    fig, ax = plt.subplots(figsize=(9.0, 0.38 * len(shown) + 1.6))
    colors = _policy_colors(shown)
    y = np.arange(len(shown))
    bars = ax.barh(y, shown.served_cost_usd, color=colors, edgecolor="white")
    _mark_partial(bars, shown.serves_all)
    ax.set_yticks(y, shown.policy)
    ax.invert_yaxis()
    log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    for i, row in enumerate(shown.itertuples()):
        if row.serves_all:
            text = usd_formatter(round(row.monthly_cost_usd, 2))
            if pd.notna(row.savings_pct) and row.policy != summary.attrs.get("baseline"):
                text += f"  ({_saving_text(row.savings_pct)} vs {summary.attrs.get('baseline')})"
            elif row.policy == summary.attrs.get("baseline"):
                text += "  (baseline)"
        else:
            text = f"{usd_formatter(round(row.served_cost_usd, 2))} for {row.served_share:.0%} of requests; " \
                   f"cannot serve {', '.join(u.split(' (')[0] for u in str(row.unserved).split('), '))}"
        ax.text(row.served_cost_usd * 1.08, i, _no_math(text), va="center", fontsize=8)
    ax.set_xlim(shown.served_cost_usd.min() / 1.6, shown.served_cost_usd.max() * 60)
    extra = [matplotlib.patches.Patch(facecolor="#bbbbbb", hatch=_HATCH, edgecolor="white",
                                      label="cannot serve every request (bill of the rest)")]
    _policy_legend(ax, extra, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    vol = summary.attrs.get("requests_per_month")
    ax.set_title(title or (f"Monthly bill by policy, {vol:,.0f} requests a month" if vol else "Monthly bill by policy"))
    note = "Prices as published; workload, thresholds and budget are assumptions (parameters)."
    if nothing:
        note += " Serves no request (price unknown): " + ", ".join(nothing) + "."
    add_source_note(fig, note)
    return fig


def policy_frontier_plot(frontier: pd.DataFrame, title: str | None = None):
    """Expected quality against monthly bill for every policy that serves everything, with the frontier.

    ``frontier`` is :func:`analysis.routing.policy_frontier`'s output. Policies left out
    (cannot serve every request, quality unknown) are listed under the chart.

    >>> from analysis.routing import capabilities, evaluate, example_workload, policy_frontier
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> fig = policy_frontier_plot(policy_frontier(ev.summary))
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.frontier import frontier_steps

    known = frontier[frontier.excluded_reason.isna()]
    left_out = frontier[frontier.excluded_reason.notna()]
    fig, ax = plt.subplots(figsize=(8.5, 5.0))
    if len(known):
        xs, ys = frontier_steps(known, "monthly_cost_usd", "expected_quality")
        if len(xs):
            ax.step(np.r_[xs, xs[-1] * 2.5], np.r_[ys, ys[-1]], where="post", color="#444444", lw=1.4, zorder=1)
        colors = _policy_colors(known)
        face = [c if on else "white" for c, on in zip(colors, known.on_frontier)]
        ax.scatter(known.monthly_cost_usd, known.expected_quality, s=70, facecolors=face, edgecolors=colors,
                   linewidths=1.6, zorder=3)
        _label_points(ax, known.monthly_cost_usd.to_numpy(), known.expected_quality.to_numpy(),
                      known.policy.tolist(), colors)
        ax.set_xlim(known.monthly_cost_usd.min() / 2, known.monthly_cost_usd.max() * 4)
        lo, hi = known.expected_quality.min(), known.expected_quality.max()
        pad = max(0.4, 0.15 * (hi - lo))
        ax.set_ylim(lo - pad, hi + pad)
        log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    else:
        ax.text(0.5, 0.5, "No policy serves every request with a known quality.", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_ylabel("expected quality, benchmark points\n(share-weighted score on each task's benchmark)")
    extra = [matplotlib.lines.Line2D([], [], color="#444444", lw=1.4, label="frontier: nothing cheaper is better"),
             matplotlib.lines.Line2D([], [], marker="o", ls="", markerfacecolor="white", color="#555555",
                                     label="dominated")]
    _policy_legend(ax, extra, loc="lower right")
    ax.set_title(title or "Policies: expected quality against monthly bill")
    add_source_note(fig, "Scores and prices as published; vision has no benchmark and is left out of quality. "
                         "Frontier computed by pricepoint.")
    if len(left_out):
        reasons = left_out.excluded_reason.str.split(":").str[0]
        groups = left_out.groupby(reasons.to_numpy(), sort=False)["policy"].apply(list)
        fig.text(0.01, -0.06, "Left out: " + "; ".join(f"{r}: {', '.join(p)}" for r, p in groups.items()),
                 fontsize=7.5, color="#555555", va="top", wrap=True)
    return fig


def routing_grid(assignments: pd.DataFrame, policies: list[str] | None = None, highlight: str | None = None,
                 title: str | None = None):
    """Which model each policy sends each task type to: a grid, cells coloured by the model's origin.

    ``assignments`` is :attr:`analysis.routing.Evaluation.assignments` (one row per policy and
    task, with ``model``, ``origin``, ``score``, ``monthly_cost_usd``); ``policies`` picks and
    orders the rows (default: every policy that is not a single model); ``highlight`` boxes one.

    >>> from analysis.routing import capabilities, evaluate, example_workload
    >>> fig = routing_grid(evaluate(example_workload(), capabilities(), budget_usd=2000).assignments)
    >>> len(fig.axes[0].get_yticklabels())
    3
    >>> plt.close(fig)
    """
    from analysis.routing import TASK_TYPES

    a = assignments
    if policies is None:
        policies = list(dict.fromkeys(a.loc[a.kind != "single", "policy"]))
    tasks = [t for t in TASK_TYPES if t in set(a.task_type)]
    shares = a.drop_duplicates("task_type").set_index("task_type").share
    fig, ax = plt.subplots(figsize=(2.0 * len(tasks) + 2.6, 0.75 * len(policies) + 1.4))
    for i, policy in enumerate(policies):
        rows = a[a.policy == policy].set_index("task_type")
        for j, task in enumerate(tasks):
            r = rows.loc[task] if task in rows.index else None
            if r is None or pd.isna(r.model):
                color, text = "#dddddd", "not served"
            else:
                color = ORIGIN_COLORS.get(r.origin, "#777777")
                score = f"{r.score:g} on {r.benchmark}" if pd.notna(r.score) else (
                    "no benchmark" if pd.isna(r.benchmark) else "score unknown")
                text = f"{r.model}\n{score}\n{usd_formatter(round(r.monthly_cost_usd, 2))}/month"
            ax.add_patch(matplotlib.patches.Rectangle((j, i), 0.96, 0.92, color=color, alpha=0.85))
            ax.text(j + 0.48, i + 0.46, _no_math(text), ha="center", va="center", fontsize=7.5,
                    color="white" if color != "#dddddd" else "#333333")
        if policy == highlight:
            ax.add_patch(matplotlib.patches.Rectangle((-0.03, i - 0.03), len(tasks) + 0.02, 0.98, fill=False,
                                                      lw=2.2, color="black"))
    ax.set_xlim(-0.05, len(tasks))
    ax.set_ylim(len(policies), -0.05)
    ax.set_xticks(np.arange(len(tasks)) + 0.48, [f"{t}\n{shares.get(t, 0):.0%} of requests" for t in tasks])
    ax.set_yticks(np.arange(len(policies)) + 0.46, policies)
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    origin_legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "Where each policy sends each task type", pad=34)
    add_source_note(fig, "Scores as published (HumanEval for code, C-Eval for Chinese, MMLU-style for "
                         "reasoning and general; vision has none).")
    return fig


def savings_by_volume(sweep: pd.DataFrame, baseline: str, budget_usd: float | None = None,
                      policies: list[str] | None = None, title: str | None = None):
    """Monthly bill (log-log) and savings against the baseline as the monthly volume grows.

    ``sweep`` is :func:`analysis.routing.volume_sweep`'s output. Only policies that serve every
    request are drawn (others have no comparable bill); a policy with no answer at a volume
    (the optimised one above its budget) has a gap there.

    >>> from analysis.routing import capabilities, example_workload, volume_sweep
    >>> s = volume_sweep(example_workload(), capabilities(), [1e4, 1e5, 1e6], budget_usd=2000)
    >>> fig = savings_by_volume(s, "GPT-4o", 2000)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    full = sweep.groupby("policy", sort=False).serves_all.any()
    if policies is None:
        policies = [p for p in full.index if full[p]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.0, 4.6))
    palette = sns.color_palette("tab10", len(policies))
    for color, policy in zip(palette, policies):
        part = sweep[sweep.policy == policy].sort_values("requests_per_month")
        style = dict(color="#222222", ls="--", lw=1.6) if policy == baseline else dict(color=color, lw=2)
        ax1.plot(part.requests_per_month, part.monthly_cost_usd, label=policy, marker="o", ms=3, **style)
        if policy != baseline:
            ax2.plot(part.requests_per_month, part.savings_pct, label=policy, marker="o", ms=3, **style)
    if budget_usd is not None and np.isfinite(budget_usd):
        ax1.axhline(budget_usd, color="#999999", lw=1, ls=":")
        ax1.text(sweep.requests_per_month.min(), budget_usd * 1.1, _no_math(f"budget {usd_formatter(budget_usd)}"),
                 fontsize=8, color="#666666")
    ax1.set_xscale("log")
    log_price_axis(ax1, "y", "monthly bill, USD (log scale)")
    ax1.set_xlabel("requests per month (log scale)")
    ax1.set_title("Monthly bill as volume grows")
    ax2.set_xscale("log")
    ax2.set_xlabel("requests per month (log scale)")
    ax2.set_ylabel(f"saving against {baseline}, percent")
    ax2.axhline(0, color="#222222", lw=0.8)
    ax2.set_title(f"Saving against {baseline}")
    ax1.legend(frameon=False, fontsize=8)
    fig.suptitle(title or "Savings as volume grows", fontweight="bold")
    fig.tight_layout()
    note = ("The mix of task types and tokens per request stays the same at every volume (an assumption); the "
            "optimised policy is re-solved at each volume within the budget.")
    for policy in policies:
        gone = sweep[(sweep.policy == policy) & sweep.monthly_cost_usd.isna()].requests_per_month
        if len(gone):
            note += (f"\n{policy}: no answer at {gone.min():,.0f}" + (f" to {gone.max():,.0f}" if len(gone) > 1 else "")
                     + " requests a month" + (" (no assignment fits the budget)" if budget_usd else "") + ".")
    add_source_note(fig, _no_math(note))
    return fig


def usage_cost_bars(totals: pd.DataFrame, title: str | None = None):
    """What the usage log cost as logged and would have cost under each model and policy, log scale.

    ``totals`` is :attr:`analysis.usage.UsageReport.totals`; scenarios that leave rows unserved
    are hatched, at the cost of the rows they serve; those that serve none are listed under.

    >>> import tempfile, pathlib
    >>> from analysis.usage import generate_usage_log, reprice_log
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=300, seed=1))
    >>> usage_cost_bars(rep.totals).axes[0].get_xscale()
    'log'
    >>> plt.close("all")
    """
    t = totals[totals.cost_usd > 0].copy()
    t["complete"] = t.rows_unserved == 0
    t = t.sort_values(["complete", "cost_usd"], ascending=[False, True])
    none = totals.loc[~(totals.cost_usd > 0), "scenario"].tolist()
    fig, ax = plt.subplots(figsize=(9.0, 0.38 * len(t) + 1.6))
    colors = ["#222222" if k == "as logged" else (POLICY_COLOR if k != "single" else "#7f7f7f") for k in t.kind]
    y = np.arange(len(t))
    bars = ax.barh(y, t.cost_usd, color=colors, edgecolor="white")
    _mark_partial(bars, t.complete)
    ax.set_yticks(y, t.scenario)
    ax.invert_yaxis()
    log_price_axis(ax, "x", "cost of the log's priced rows, USD (log scale)")
    for i, row in enumerate(t.itertuples()):
        text = usd_formatter(round(row.cost_usd, 2))
        if row.complete and pd.notna(row.savings_vs_logged_pct) and row.kind != "as logged":
            text += f"  ({_saving_text(row.savings_vs_logged_pct)} vs as logged)"
        elif not row.complete:
            text += f"  ({row.rows_unserved:,} rows not served)"
        ax.text(row.cost_usd * 1.08, i, _no_math(text), va="center", fontsize=8)
    ax.set_xlim(t.cost_usd.min() / 1.6, t.cost_usd.max() * 30)
    handles = [matplotlib.patches.Patch(color="#222222", label="as logged (what it cost)"),
               matplotlib.patches.Patch(color="#7f7f7f", label="one model for everything"),
               matplotlib.patches.Patch(color=POLICY_COLOR, label="routing policy"),
               matplotlib.patches.Patch(facecolor="#bbbbbb", hatch=_HATCH, edgecolor="white",
                                        label="leaves rows unserved")]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "The usage log re-priced")
    note = "Prices as published; rows set aside as bad are not in any bar."
    if none:
        note += " Serves no row (price unknown): " + ", ".join(none) + "."
    add_source_note(fig, note)
    return fig


def usage_daily_cost(daily: pd.DataFrame, scenarios: list[str] | None = None, title: str | None = None):
    """Cost per UTC day of the usage log, as logged and under a few scenarios, log scale.

    >>> import tempfile, pathlib
    >>> from analysis.usage import generate_usage_log, reprice_log
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=300, seed=1))
    >>> len(usage_daily_cost(rep.daily, ["as logged", "article router"]).axes[0].lines)
    2
    >>> plt.close("all")
    """
    scenarios = scenarios or list(dict.fromkeys(daily.scenario))
    fig, ax = plt.subplots(figsize=(9.0, 4.4))
    palette = sns.color_palette("tab10", len(scenarios))
    for color, name in zip(palette, scenarios):
        part = daily[daily.scenario == name].sort_values("day")
        part = part[part.cost_usd > 0]
        if part.empty:
            continue
        style = dict(color="#222222", lw=2.2) if name == "as logged" else dict(color=color, lw=1.6)
        ax.plot(pd.to_datetime(part.day), part.cost_usd, label=name, **style)
    log_price_axis(ax, "y", "cost per day, USD (log scale)")
    _dense_log_ticks(ax.yaxis)
    ax.set_xlabel("day (UTC)")
    fig.autofmt_xdate()
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "Cost per day of the usage log")
    add_source_note(fig, "Each scenario's cost covers the rows it can serve.")
    return fig


def usage_rows_bars(rows_priced: int, problems: pd.DataFrame, title: str | None = None):
    """How many rows of the log were priced and how many were set aside, by kind (log scale).

    >>> fig = usage_rows_bars(1000, pd.DataFrame({"kind": ["negative tokens"], "rows": [3]}))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['priced', 'set aside: negative tokens']
    >>> plt.close(fig)
    """
    labels = ["priced"] + [f"set aside: {k}" for k in problems.get("kind", [])]
    values = [rows_priced] + [int(v) for v in problems.get("rows", [])]
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(labels) + 1.3))
    colors = [OK_COLORS[True]] + [OK_COLORS[False]] * (len(labels) - 1)
    ax.barh(labels, [max(v, 0.8) for v in values], color=colors)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("rows (log scale)")
    for i, v in enumerate(values):
        ax.text(max(v, 0.8) * 1.1, i, f"{v:,}", va="center", fontsize=8.5)
    ax.set_xlim(0.7, max(values + [1]) * 8)
    ax.set_title(title or "Rows of the usage log: priced and set aside")
    add_source_note(fig, "A row set aside for several reasons counts once per reason.")
    return fig


def routing_policy_cost(workload, caps: pd.DataFrame, requests_per_month: float = 0.0, mix: str = "",
                        thresholds=None, budget_usd: float | None = None, baseline: str = "GPT-4o"):
    """:func:`policy_cost_bars` of :func:`analysis.routing.scenario` for a volume, a task mix, a budget
    and a baseline: the routing notebook's bill as a pure function of its parameters (for controls).

    ``mix`` is text such as ``"code:0.5, general:0.5"``; empty keeps the workload's mix.

    >>> from analysis.routing import capabilities, example_workload
    >>> fig = routing_policy_cost(example_workload(), capabilities(), 1e5, "code:1", budget_usd=2000)
    >>> bars = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    >>> round(bars["GPT-4o"], 2)   # 100,000 code requests a month on GPT-4o
    1100.0
    >>> plt.close(fig)
    """
    from analysis import routing

    ev = routing.scenario(workload, caps, requests_per_month, routing.parse_mapping(mix), thresholds, budget_usd,
                          baseline)
    return policy_cost_bars(ev.summary)

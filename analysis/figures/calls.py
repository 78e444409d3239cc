"""Figures of sample calls: latency distributions, cost per request, errors."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.theme import (
    _HORIZONTAL,
    PRICES_NOTE,
    STATUS_COLORS,
    _model_colors,
    add_source_note,
    log_price_axis,
)
from analysis.formatting import escape_mathtext

# --------------------------------------------------------------------------- live calls (notebook 05)


def mode_banner(fig, label: str) -> None:
    """Stamp the run's mode on a figure: SIMULATED (in red) or LIVE, so no reader mistakes which."""
    color = STATUS_COLORS["simulated"] if label.startswith("SIMULATED") else STATUS_COLORS["live"]
    fig.text(0.99, 1.0, label, ha="right", va="bottom", fontsize=9, fontweight="bold", color=color,
             bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": color, "lw": 1})


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


def cost_per_request(requests: pd.DataFrame, label: str, origins: dict[str, str] | None = None,
                     source: str | None = None):
    """Cost of each successful request (usage x list prices), log scale; unknown costs listed, not drawn.
    ``source`` is where the prices come from (the page's provenance line); without it, a neutral line.

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
    fig.text(0.01, -0.04 if not unknown else -0.14,
             escape_mathtext(f"{label}. {source or PRICES_NOTE}"),
             fontsize=8, color="#555555", ha="left", va="top")
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
        ax.barh(y + 0.18, errors.requests_failed, 0.36, color=STATUS_COLORS["failed"], label="requests that failed with it")
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
             fontsize=8, color="#555555", ha="left", va="top")
    return fig

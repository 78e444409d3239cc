"""Figures of the access matrix, the head-to-heads and the published speeds."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.theme import OK_COLORS, add_source_note, pair_colors


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
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names), 3.4), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = stars[stars.matchup == name]
        a, b = rows.model_a.iloc[0], rows.model_b.iloc[0]
        x = np.arange(len(rows))
        color_a, color_b = pair_colors(a, b)
        ax.bar(x - 0.2, rows.value_a, 0.4, label=a, color=color_a)
        ax.bar(x + 0.2, rows.value_b, 0.4, label=b, color=color_b)
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

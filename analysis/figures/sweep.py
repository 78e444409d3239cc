"""The figure of a parameter sweep: one result against the swept parameter, one line per value of another."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.theme import add_source_note

#: Colours of the lines of one sweep figure (colour-blind safe).
#: lines of parameter values (not origins, not policies: those colours mean one thing on every page)
LINE_COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#7f7f7f", "#a65628", "#000000", "#999933")


def sweep_plot(table: pd.DataFrame, x: str, y: str, group: str | None = None, title: str | None = None):
    """``y`` against ``x`` for every run of a sweep, one line per value of ``group``; failed or unknown
    points are marked on the axis, never drawn as 0. Log scales when a positive axis spans two decades.

    >>> t = pd.DataFrame({"fixed": [0, 500, 2000, 0, 500, 2000], "model": ["A"] * 3 + ["B"] * 3,
    ...                   "status": ["ok"] * 5 + ["failed"], "be": [1e6, 1e8, 4e8, 2e6, 3e8, None]})
    >>> fig = sweep_plot(t, "fixed", "be", "model")
    >>> [len(line.get_xdata()) for line in fig.axes[0].get_lines()]
    [3, 2]
    >>> "1 run has no value" in fig.texts[0].get_text()
    True
    >>> plt.close(fig)
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    groups = [(None, table)] if not group else list(table.groupby(group, sort=False))
    missing = 0
    numeric_x = pd.api.types.is_numeric_dtype(table[x])
    for i, (name, rows) in enumerate(groups):
        ok = rows[(rows.get("status", "ok") == "ok") & rows[y].notna()]
        missing += len(rows) - len(ok)
        xs = ok[x] if numeric_x else ok[x].astype(str)
        ax.plot(xs, ok[y], marker="o", color=LINE_COLORS[i % len(LINE_COLORS)],
                label=f"{group} = {name}" if group else None)
    for axis, values in (("x", table[x]), ("y", table[y])):
        v = pd.to_numeric(values, errors="coerce").dropna() if (axis == "y" or numeric_x) else pd.Series([], dtype=float)
        if len(v) and (v > 0).all() and v.max() / v.min() >= 100:
            (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title or f"{y} across {x}")
    if group:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if missing:
        fig.text(0.01, -0.08, f"{missing} run{'s have' if missing > 1 else ' has'} no value (never, unknown, or failed; not drawn); "
                 f"see the sweep table.", fontsize=8.5, color="#b3261e")
    add_source_note(fig, "Each point is one run of the notebook with the parameters shown (pricepoint sweep).")
    if np.isfinite(ax.get_ylim()).all():
        ax.margins(y=0.08)
    return fig

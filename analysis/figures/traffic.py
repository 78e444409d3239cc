"""Figures of traffic: bills by policy, the policy frontier, the routing grid, savings by volume, re-priced logs."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.theme import (
    _HATCH,
    AS_LOGGED_COLOR,
    MAX_ROWS,
    OK_COLORS,
    ORIGIN_COLORS,
    ORIGIN_LABELS,
    POLICY_COLORS,
    _dense_log_ticks,
    _label_points,
    add_source_note,
    article_models,
    article_origins,
    bounded,
    left_out_note,
    log_price_axis,
    origin_color,
    origin_key,
    origin_legend,
    policy_color,
    some_names,
)
from analysis.formatting import escape_mathtext, format_saving, format_usd, format_usd_tick


def _mark_partial(bars, complete) -> None:
    """Hatch and fade the bars of scenarios that leave requests unserved."""
    for bar, ok in zip(bars, complete):
        if not ok:
            bar.set_hatch(_HATCH)
            bar.set_alpha(0.55)


def _policy_colors(frame: pd.DataFrame) -> list[str]:
    """One colour per row of a frame of policies or scenarios, from the one policy map (:func:`policy_color`)."""
    name = "policy" if "policy" in frame else "scenario"
    kinds = frame["kind"] if "kind" in frame else pd.Series("", index=frame.index)
    if "origin" in frame:
        origins = frame["origin"]
    else:
        origins = frame[name].map(article_origins())
    return [policy_color(n, k, o) for n, k, o in zip(frame[name], kinds, origins)]


def _policy_legend(ax, frame: pd.DataFrame, extra: list | None = None, **kw) -> None:
    """The legend of a figure of policies: the origins of the single models drawn, then each policy colour drawn."""
    ax.legend(handles=_legend_handles(frame) + (extra or []), frameon=False, fontsize=9, **kw)


def _legend_handles(frame: pd.DataFrame) -> list:
    """The legend entries of :func:`_policy_legend`: one per origin of the single models drawn, one per policy colour."""
    name = "policy" if "policy" in frame else "scenario"
    kinds = frame["kind"] if "kind" in frame else pd.Series("", index=frame.index)
    singles = frame[kinds == "single"]
    origins = singles["origin"] if "origin" in singles else singles[name].map(article_origins())
    present = {origin_key(o) for o in origins}
    handles = [matplotlib.patches.Patch(color=ORIGIN_COLORS[o], label=f"one {ORIGIN_LABELS[o]} model")
               for o in ORIGIN_COLORS if o in present]
    colors = dict.fromkeys(policy_color(n, k) for n, k in zip(frame[name], kinds) if k != "single")
    labels = {**{v: k for k, v in POLICY_COLORS.items()}, AS_LOGGED_COLOR: "as logged (what it cost)"}
    handles += [matplotlib.patches.Patch(color=c, label=labels.get(c, "routing policy")) for c in colors]
    return handles


def _bounded_note(fig, note: str, left: int, also: str, unserved: list, unserved_label: str) -> None:
    """The source note of a bar chart of policies: how many single models it leaves out (see
    :func:`~analysis.figures.theme.bounded`) and which serve nothing; wrapped when long."""
    if left:
        note += " " + left_out_note(left, "single models", f"the {MAX_ROWS} cheapest, {also} and the models the "
                                    "article names")
    if unserved:
        note += f" {unserved_label} (price unknown): " + some_names(unserved) + "."
    add_source_note(fig, escape_mathtext(note), wrap=True)  # never wider than the chart


def _line_colors(names, kinds: pd.Series) -> list[str]:
    """Line colours of policies and scenarios from the one policy map; two single models of one origin would
    share a colour, so the later ones are told apart by lightness (their labels say which is which)."""
    out, seen = [], {}
    origins = article_origins()
    for n in names:
        kind = kinds.get(n, "single" if n in origins else "")
        c = policy_color(n, kind, origins.get(n))
        k = seen.get(c, 0)
        seen[c] = k + 1
        out.append(c if k == 0 else matplotlib.colors.to_hex(
            [min(1.0, x + (1 - x) * min(0.6, 0.25 * k)) for x in matplotlib.colors.to_rgb(c)]))
    return out


def policy_cost_bars(summary: pd.DataFrame, title: str | None = None):
    """The monthly bill of every policy, log scale, cheapest first; savings against the baseline.

    ``summary`` is :attr:`analysis.routing.Evaluation.summary`. A policy that cannot serve every
    request is drawn hatched at the bill of what it does serve, labelled with what it leaves out;
    one that serves nothing is listed under the chart.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.evaluate import evaluate
    >>> from analysis.traffic.workload import example_workload
    >>> fig = policy_cost_bars(evaluate(example_workload(), capabilities(), budget_usd=2000).summary)
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    shown = summary[summary.served_cost_usd > 0].copy()
    shown["sort"] = shown.monthly_cost_usd.fillna(shown.served_cost_usd)
    shown = shown.sort_values(["serves_all", "sort"], ascending=[False, True])
    nothing = summary.loc[~(summary.served_cost_usd > 0), "policy"].tolist()
    keep = [*summary.loc[summary.kind != "single", "policy"], summary.attrs.get("baseline"), *article_models()]
    shown, left = bounded(shown, keep=keep, name_col="policy")
    # the legend goes under the chart, in two columns, inside the figure's own height: beside the chart it made
    # the figure wider than a page's column, which cut its last words off
    legend_in = 0.22 * -(-(len(_legend_handles(shown)) + 1) // 2) + 0.15
    height = 0.38 * len(shown) + 1.6 + legend_in
    fig, ax = plt.subplots(figsize=(6.4, height))
    fig.subplots_adjust(bottom=(legend_in + 0.75) / height, top=1 - 0.45 / height)
    colors = _policy_colors(shown)
    y = np.arange(len(shown))
    bars = ax.barh(y, shown.served_cost_usd, color=colors, edgecolor="white")
    _mark_partial(bars, shown.serves_all)
    ax.set_yticks(y, shown.policy)
    ax.invert_yaxis()
    log_price_axis(ax, "x", "monthly bill, USD (log scale)")
    for i, row in enumerate(shown.itertuples()):
        if row.serves_all:
            text = format_usd(row.monthly_cost_usd)
            if pd.notna(row.savings_pct) and row.policy != summary.attrs.get("baseline"):
                text += f"  ({format_saving(row.savings_pct)} vs {summary.attrs.get('baseline')})"
            elif row.policy == summary.attrs.get("baseline"):
                text += "  (baseline)"
        else:
            tasks = ', '.join(u.split(' (')[0] for u in str(row.unserved).split('), '))
            gap = bool(getattr(row, "unserved_data_gap", False))  # no entry in the data is not "cannot serve"
            text = f"{format_usd(row.served_cost_usd)} for {row.served_share:.0%} of requests; " + (
                f"{tasks}: unknown (data gap)" if gap else f"cannot serve {tasks}")
        ax.text(row.served_cost_usd * 1.08, i, escape_mathtext(text), va="center", fontsize=8)
    ax.set_xlim(shown.served_cost_usd.min() / 1.6, shown.served_cost_usd.max() * 60)
    extra = [matplotlib.patches.Patch(facecolor="#bbbbbb", hatch=_HATCH, edgecolor="white",
                                      label="does not serve every request (bill of the rest)")]
    axes_in = height * (fig.subplotpars.top - fig.subplotpars.bottom)
    _policy_legend(ax, shown, extra, loc="upper center", bbox_to_anchor=(0.5, -0.62 / axes_in), ncol=2)
    vol = summary.attrs.get("requests_per_month")
    ax.set_title(title or (f"Monthly bill by policy, {vol:,.0f} requests a month" if vol else "Monthly bill by policy"))
    _bounded_note(fig, "Prices from this run's pricing table; workload, thresholds and budget are assumptions (parameters).", left,
                  "every routing policy, the baseline", nothing, "Serves no request")
    return fig


def policy_frontier_plot(frontier: pd.DataFrame, title: str | None = None):
    """Expected quality against monthly bill for every policy that serves everything, with the frontier.

    ``frontier`` is :func:`analysis.routing.policy_frontier`'s output. Policies left out
    (cannot serve every request, quality unknown) are listed under the chart.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.evaluate import evaluate, policy_frontier
    >>> from analysis.traffic.workload import example_workload
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> fig = policy_frontier_plot(policy_frontier(ev.summary))
    >>> fig.axes[0].get_xscale()
    'log'
    >>> plt.close(fig)
    """
    from analysis.value.frontier import frontier_steps

    known = frontier[frontier.excluded_reason.isna()]
    left_out = frontier[frontier.excluded_reason.notna()]
    fig, ax = plt.subplots(figsize=(6.6, 5.0))
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
    _policy_legend(ax, known, extra, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "Policies: expected quality against monthly bill")
    add_source_note(fig, "Scores as published; prices from this run's pricing table; vision has no benchmark and is left out of quality. "
                         "Frontier computed by pricepoint.")
    if len(left_out):
        reasons = left_out.excluded_reason.str.split(":").str[0]
        groups = left_out.groupby(reasons.to_numpy(), sort=False)["policy"].apply(list)
        fig.text(0.01, -0.06, "Left out: " + "; ".join(f"{r}: {some_names(p)}" for r, p in groups.items()),
                 fontsize=8, color="#555555", va="top", wrap=True)
    return fig


def routing_grid(assignments: pd.DataFrame, policies: list[str] | None = None, highlight: str | None = None,
                 title: str | None = None):
    """Which model each policy sends each task type to: a grid, cells coloured by the model's origin.

    ``assignments`` is :attr:`analysis.routing.Evaluation.assignments` (one row per policy and
    task, with ``model``, ``origin``, ``score``, ``monthly_cost_usd``); ``policies`` picks and
    orders the rows (default: every policy that is not a single model); ``highlight`` boxes one.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.evaluate import evaluate
    >>> from analysis.traffic.workload import example_workload
    >>> fig = routing_grid(evaluate(example_workload(), capabilities(), budget_usd=2000).assignments)
    >>> len(fig.axes[0].get_yticklabels())
    3
    >>> plt.close(fig)
    """
    from analysis.traffic.workload import TASK_TYPES

    a = assignments
    if policies is None:
        policies = list(dict.fromkeys(a.loc[a.kind != "single", "policy"]))
    tasks = [t for t in TASK_TYPES if t in set(a.task_type)]
    shares = a.drop_duplicates("task_type").set_index("task_type").share
    fig, ax = plt.subplots(figsize=(1.45 * len(tasks) + 0.6, 0.75 * len(policies) + 1.4))
    for i, policy in enumerate(policies):
        rows = a[a.policy == policy].set_index("task_type")
        for j, task in enumerate(tasks):
            r = rows.loc[task] if task in rows.index else None
            if r is None or pd.isna(r.model):
                color, text = "#dddddd", "not served"
            else:
                color = origin_color(r.origin)
                score = f"{r.score:g} on {r.benchmark}" if pd.notna(r.score) else (
                    "no benchmark" if pd.isna(r.benchmark) else "score unknown")
                text = f"{r.model}\n{score}\n{format_usd(r.monthly_cost_usd)}/month"
            ax.add_patch(matplotlib.patches.Rectangle((j, i), 0.96, 0.92, color=color, alpha=0.85))
            ax.text(j + 0.48, i + 0.46, escape_mathtext(text), ha="center", va="center", fontsize=8,
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
    origin_legend(ax, a.loc[a.policy.isin(policies) & a.model.notna(), "origin"], loc="upper left",
                  bbox_to_anchor=(1.0, 1.0))
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

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.evaluate import volume_sweep
    >>> s = volume_sweep(example_workload(), capabilities(), [1e4, 1e5, 1e6], budget_usd=2000)
    >>> fig = savings_by_volume(s, "GPT-4o", 2000)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    full = sweep.groupby("policy", sort=False).serves_all.any()
    if policies is None:  # those that serve every request: the routing policies, the baseline, the cheapest models
        policies = [p for p in full.index if full[p]]
        if len(policies) > 16:  # a whole catalog: the routing policies, the baseline and the 5 cheapest models
            kinds = sweep.groupby("policy", sort=False).kind.first()
            cost = sweep.groupby("policy", sort=False).monthly_cost_usd.max()
            singles = sorted((p for p in policies if kinds[p] == "single" and p != baseline), key=lambda p: cost[p])
            policies = [p for p in policies if kinds[p] != "single" or p == baseline or p in singles[:5]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.0, 4.6))
    kinds = sweep.groupby("policy", sort=False).kind.first() if "kind" in sweep else pd.Series(dtype=object)
    palette = _line_colors(policies, kinds)
    for color, policy in zip(palette, policies):
        part = sweep[sweep.policy == policy].sort_values("requests_per_month")
        style = dict(color="#222222", ls="--", lw=1.6) if policy == baseline else dict(color=color, lw=2)
        ax1.plot(part.requests_per_month, part.monthly_cost_usd, label=policy, marker="o", ms=3, **style)
        if policy != baseline:
            ax2.plot(part.requests_per_month, part.savings_pct, label=policy, marker="o", ms=3, **style)
    if budget_usd is not None and np.isfinite(budget_usd):
        ax1.axhline(budget_usd, color="#999999", lw=1, ls=":")
        ax1.text(sweep.requests_per_month.min(), budget_usd * 1.1, escape_mathtext(f"budget {format_usd_tick(budget_usd)}"),
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
    add_source_note(fig, escape_mathtext(note))
    return fig


def usage_cost_bars(totals: pd.DataFrame, title: str | None = None):
    """What the usage log cost as logged and would have cost under each model and policy, log scale.

    ``totals`` is :attr:`analysis.usage.UsageReport.totals`; scenarios that leave rows unserved
    are hatched, at the cost of the rows they serve; those that serve none are listed under.

    >>> import tempfile, pathlib
    >>> from analysis.traffic.demo_log import generate_usage_log
    >>> from analysis.traffic.reprice import reprice_log
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=300, seed=1))
    >>> usage_cost_bars(rep.totals).axes[0].get_xscale()
    'log'
    >>> plt.close("all")
    """
    t = totals[totals.cost_usd > 0].copy()
    t["complete"] = t.rows_unserved == 0
    t = t.sort_values(["complete", "cost_usd"], ascending=[False, True])
    none = totals.loc[~(totals.cost_usd > 0), "scenario"].tolist()
    t, left = bounded(t, keep=[*totals.loc[totals.kind != "single", "scenario"], *article_models()], name_col="scenario")
    fig, ax = plt.subplots(figsize=(6.6, 0.38 * len(t) + 1.6))
    colors = _policy_colors(t)
    y = np.arange(len(t))
    bars = ax.barh(y, t.cost_usd, color=colors, edgecolor="white")
    _mark_partial(bars, t.complete)
    ax.set_yticks(y, t.scenario)
    ax.invert_yaxis()
    log_price_axis(ax, "x", "cost of the log's priced rows, USD (log scale)")
    for i, row in enumerate(t.itertuples()):
        text = format_usd(row.cost_usd)
        if row.complete and pd.notna(row.savings_vs_logged_pct) and row.kind != "as logged":
            text += f"  ({format_saving(row.savings_vs_logged_pct)} vs as logged)"
        elif not row.complete:
            text += f"  ({row.rows_unserved:,} rows not served)"
        ax.text(row.cost_usd * 1.08, i, escape_mathtext(text), va="center", fontsize=8)
    ax.set_xlim(t.cost_usd.min() / 1.6, t.cost_usd.max() * 30)
    _policy_legend(ax, t, [matplotlib.patches.Patch(facecolor="#bbbbbb", hatch=_HATCH, edgecolor="white",
                                                    label="leaves rows unserved")],
                   loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "The usage log re-priced")
    _bounded_note(fig, "Prices from this run's pricing table; rows set aside as bad are not in any bar.", left,
                  "as logged, every routing policy", none, "Serves no row")
    return fig


def usage_daily_cost(daily: pd.DataFrame, scenarios: list[str] | None = None, title: str | None = None):
    """Cost per UTC day of the usage log, as logged and under a few scenarios, log scale.

    >>> import tempfile, pathlib
    >>> from analysis.traffic.demo_log import generate_usage_log
    >>> from analysis.traffic.reprice import reprice_log
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=300, seed=1))
    >>> len(usage_daily_cost(rep.daily, ["as logged", "article router"]).axes[0].lines)
    2
    >>> plt.close("all")
    """
    scenarios = scenarios or list(dict.fromkeys(daily.scenario))
    fig, ax = plt.subplots(figsize=(7.4, 4.4))
    kinds = daily.groupby("scenario", sort=False).kind.first() if "kind" in daily else pd.Series(dtype=object)
    palette = _line_colors(scenarios, kinds)
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

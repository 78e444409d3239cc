"""Notebook 07's page, the decision brief: the recommendation, its cost, quality and robustness, and the overview.

Also what the report's index shows of it: the overview table (:func:`styled_overview`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.data.tables import BENCHMARK_SHORT_LABELS
from analysis.formatting import (
    format_count,
    format_multiple,
    format_names,
    format_number,
    format_usd,
    plural,
    price_column,
    usd_column,
)
from analysis.pages.tables import styled_table
from analysis.traffic.decision import Recommendation
from analysis.traffic.workload import Workload, format_mapping

#: Rows of the overview table on the index (a page's table shows up to 40).
INDEX_ROWS = 20


# --------------------------------------------------------------------------- tables


def overview_columns() -> tuple[dict[str, str], dict]:
    """Headings and formats of the overview table (shared by the brief's page and the index)."""
    columns = {"model": "model", "origin": "origin", "value_multiple": "value", "blended_usd_per_mtok": "blended $/M",
               "output_usd_per_mtok": "output $/M",
               **{b: label.replace("-style", "") for b, label in BENCHMARK_SHORT_LABELS.items()},
               "output_tok_per_s": "tok/s", "vision": "vision", "context_window_ktok": "context",
               "access": "access"}
    money = lambda v: format_usd(v, 3 if v < 1 else 2)  # noqa: E731
    formats = {"value_multiple": format_multiple, "blended_usd_per_mtok": money, "input_usd_per_mtok": money,
               "output_usd_per_mtok": money, **{b: "{:.1f}" for b in BENCHMARK_SHORT_LABELS},
               "output_tok_per_s": lambda v: format_number(v), "context_window_ktok": lambda v: f"{v:g}K",
               "vision": lambda v: "unknown (data gap)" if v is None or pd.isna(v) else ("yes" if v else "no")}
    return columns, formats


def styled_overview(table: pd.DataFrame, max_rows: int = 40):
    """The overview table, best value first (``table``: :func:`analysis.value.overview.overview_table`'s)."""
    columns, formats = overview_columns()
    frame = table.copy()
    frame["vision"] = frame["vision"].astype(object)
    # one precision per price column (never "$0.600" beside "$10.00")
    formats.update({c: price_column(frame[c]) for c in frame.columns if c.endswith("_usd_per_mtok")
                    and c in formats})
    caption = ("Value: blended price (3 input tokens to 1 output) per benchmark point, as a multiple of the best on "
               "that benchmark, on the model's best benchmark (1× is the best value; n/a: no blended price or no score). "
               "Scores and speeds (tok/s) as published in the source article; prices from this run's pricing table "
               "(named in the source line under each chart); access: factors of the article's access matrix passed "
               "directly and through the gateway.")
    return styled_table(frame, columns, formats, na={"vision": "unknown (data gap)", "value_multiple": "n/a",
                                                     "output_tok_per_s": "unknown", "context_window_ktok": "unknown"},
                        caption=caption, max_rows=max_rows)


def _latency_from(source) -> str:
    from analysis.traffic.decision import MEASURED

    return "measured (05)" if source == MEASURED else "published"


def styled_recommendation(rec: Recommendation):
    """Per task type: the recommended model, its monthly cost, score, floor and p99 latency."""
    a = rec.assignment.merge(rec.candidates[["task_type", "model", "p99_ttft_s", "latency_source", "floor"]],
                             on=["task_type", "model"], how="left")
    columns = {"task_type": "task type", "share": "share", "model": "model", "monthly_cost_usd": "monthly cost",
               "benchmark": "benchmark", "score": "score", "floor": "floor (assumption)", "p99_ttft_s": "p99 TTFT, s",
               "latency_source": "latency"}
    if rec.unserved:
        a["why"] = [rec.unserved.get(t) for t in a.task_type]
        columns["why"] = "why nothing qualifies"
    return styled_table(a, columns,
                        {"share": "{:.0%}", "monthly_cost_usd": usd_column(a["monthly_cost_usd"]), "score": "{:.1f}",
                         "floor": "{:g}",
                         "p99_ttft_s": "{:g}", "benchmark": lambda b: BENCHMARK_SHORT_LABELS.get(b, b),
                         "latency_source": _latency_from},
                        na={"benchmark": "none (quality unknown)", "floor": "none", "why": "",
                            "model": "none qualifies", "latency_source": ""})


def alternatives(rec: Recommendation) -> pd.DataFrame:
    """The evidence for each choice: per task type, every model cheaper than the one chosen (with why it does
    not qualify), the chosen one, and the next qualifying one; every model where nothing qualifies.

    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.decision import latency_table, parse_floor, recommend
    >>> from analysis.traffic.workload import example_workload
    >>> caps = capabilities()
    >>> alt = alternatives(recommend(example_workload(), caps, parse_floor("85"), latency_table(caps.index), 2.0))
    >>> alt[alt.task_type == "vision"][["model", "qualifies"]].values.tolist()
    [['GPT-4o', True]]
    >>> alt[alt.task_type == "code"].model.tolist()  # nothing is cheaper than V4 Flash; GPT-4o is the next choice
    ['DeepSeek V4 Flash', 'GPT-4o']
    """
    parts = []
    for task, rows in rec.candidates.groupby("task_type", sort=False):
        rows = rows.sort_values(["usd_per_request", "model"], na_position="last")
        chosen = rec.routes.get(task)
        if chosen is None:
            parts.append(rows)
            continue
        price = rows.loc[rows.model == chosen, "usd_per_request"].iloc[0]
        cheaper = rows[(rows.usd_per_request < price) | ((rows.usd_per_request == price) & (rows.model != chosen))]
        runner = rows[rows.qualifies & (rows.model != chosen)].head(1)
        parts.append(pd.concat([cheaper, rows[rows.model == chosen], runner]))
    return pd.concat(parts, ignore_index=True) if parts else rec.candidates.iloc[:0]


def styled_candidates(rec: Recommendation):
    """:func:`alternatives` for people: why nothing cheaper was chosen, and what the next choice costs."""
    c = alternatives(rec).copy()
    c["status"] = [("chosen" if rec.routes.get(t) == m else "next choice" if q else w)
                   for t, m, q, w in zip(c.task_type, c.model, c.qualifies, c.why_not)]
    return styled_table(c, {"task_type": "task type", "model": "model", "monthly_cost_usd": "monthly cost on it",
                            "score": "score", "p99_ttft_s": "p99 TTFT, s", "status": "chosen, or why not"},
                        {"monthly_cost_usd": usd_column(c["monthly_cost_usd"]), "score": "{:.1f}", "p99_ttft_s": "{:g}"},
                        na={"p99_ttft_s": "unknown (data gap)"})


# --------------------------------------------------------------------------- findings and results


def floor_text(floors: Mapping[str, float]) -> str:
    """A quality floor in words.

    >>> floor_text({"code": 85.0, "general": 85.0}), floor_text({"code": 91.0, "chinese": 88.0})
    ('85 points on every scored task type', 'code:91, chinese:88')
    """
    values = set(floors.values())
    if len(values) == 1:
        return f"{next(iter(values)):g} points on every scored task type"
    return format_mapping(floors) if floors else "none"


def _routing_text(rec: Recommendation) -> str:
    groups: dict[str, list[str]] = {}
    for task, model in rec.routes.items():
        groups.setdefault(model, []).append(task)
    return "; ".join(f"{m} for {_and(ts)}" for m, ts in groups.items())


def _and(items) -> str:
    """``a, b and c``.

    >>> _and(["a"]), _and(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def findings(rec: Recommendation, robust: dict, workload: Workload, *, floors: Mapping[str, float],
             latency_bound_s: float, latency_note: str, unknown_latency: list[str], assume_unknown_latency_ok: bool,
             alternative: Recommendation | None, overview: pd.DataFrame,
             points: pd.DataFrame) -> list[tuple[str, str]]:
    """The brief's findings as ``(text, kind)``: the answer (recommendation, quality, robustness) first."""
    vol = f"{workload.requests_per_month:,.0f} requests a month"
    out = []
    if rec.unserved:
        out.append((f"No routing meets the floor and the {latency_bound_s:g} s bound for "
                    f"{', '.join(rec.unserved)}: " + " ".join(f"{t}: {w}." for t, w in rec.unserved.items())
                    + " Lower the floor, raise the bound, or assume unknown latencies meet it.", "computed"))
    else:
        what = f"route {_routing_text(rec)}" if rec.kind == "routing" else f"use {rec.models[0]} for everything"
        vs = ""
        if rec.single_model and rec.kind == "routing" and rec.single_model_cost_usd > 0:
            saving = 1 - rec.monthly_cost_usd / rec.single_model_cost_usd
            vs = (f", {saving:.0%} less than the cheapest single model meeting the same bars ({rec.single_model}, "
                  f"{format_usd(rec.single_model_cost_usd)})")
        out.append((f"Recommended: {what}. It costs {format_usd(rec.monthly_cost_usd)} a month for the workload's "
                    f"{workload.requests_per_month:,.0f} requests{vs}.",
                    "computed"))
        quality = (f"expected quality {rec.expected_quality:.1f} points (share-weighted published scores)"
                   if pd.notna(rec.expected_quality) else "expected quality unknown (a served model has no score)")
        unscored = [t for t, m in rec.routes.items() if t not in floors and m]
        out.append((f"Quality and latency: {quality}; every scored task meets the floor ({floor_text(floors)}), "
                    f"and every chosen model's p99 time to first token is within {latency_bound_s:g} s ({latency_note})"
                    + (f"; {format_names(unscored)} {'has' if len(unscored) == 1 else 'have'} no benchmark, so "
                       f"{'its' if len(unscored) == 1 else 'their'} quality is unknown" if unscored else "")
                    + ".", "computed"))
    share = robust.get("share")
    if share is not None:
        weak = sorted(((s, t) for t, s in robust["by_task"].items() if s < 0.95))
        hinge = ""
        if weak:
            t = weak[0][1]
            row = rec.candidates[(rec.candidates.task_type == t) & (rec.candidates.model == rec.routes[t])].iloc[0]
            hinge = (f"; it hinges on {row.model}'s {BENCHMARK_SHORT_LABELS.get(row.benchmark, row.benchmark)} score of "
                     f"{row.score:g} against the floor of {row.floor:g} (for {_and(sorted(x for _, x in weak))})")
        verdict = "robust" if share >= 0.95 else "fragile"
        out.append((f"How robust: {verdict}. With every published score off by a normal error of "
                    f"{robust['sigma']:g} point{'' if robust['sigma'] == 1 else 's'} (an assumption), the same choice stays the cheapest one meeting the "
                    f"floor in {share:.0%} of {format_count(robust['n_draws'])} draws{hinge}.", "computed"))
    out.append((f"Assumptions: the workload ({workload.name}, {vol}), the quality floor ({floor_text(floors)}), "
                f"the p99 latency bound of {latency_bound_s:g} s and the score error; change them as parameters.",
                "assumption"))
    if unknown_latency:
        if assume_unknown_latency_ok:
            out.append((f"{plural(len(unknown_latency), 'model')} {'has' if len(unknown_latency) == 1 else 'have'} no "
                        f"p99 latency in the data and {'is' if len(unknown_latency) == 1 else 'are'} assumed to meet the "
                        f"bound (the assume_unknown_latency_ok parameter).", "assumption"))
        else:
            out.append((f"{plural(len(unknown_latency), 'model')} {'has' if len(unknown_latency) == 1 else 'have'} no "
                        f"p99 latency in the data (unknown, a data gap) and {'is' if len(unknown_latency) == 1 else 'are'} "
                        "not considered; the assume_unknown_latency_ok parameter assumes they meet the bound.",
                        "as published"))
    if alternative is not None and not alternative.unserved and alternative.routes != rec.routes:
        out.append((f"If the models of unknown latency met the bound, the cheapest routing would be "
                    f"{_routing_text(alternative)} at {format_usd(alternative.monthly_cost_usd)} a month.", "computed"))
    valued = overview.dropna(subset=["value_multiple"])
    if len(valued):
        best = overview_best(points)
        out.append(("Overview: the most score per dollar (blended price per benchmark point): "
                    + "; ".join(f"{_and(bs)}: {m}" for m, bs in best.items())
                    + f". {len(valued)} of {len(overview)} priced models have both a blended price and a score; "
                    f"the others are listed under the overview.", "computed"))
    return out


def results(rec: Recommendation, robust: dict, workload: Workload, *, floors: Mapping[str, float],
            latency_bound_s: float, latency_note: str, latency: pd.DataFrame, overview: pd.DataFrame,
            points: pd.DataFrame, left_out: dict, source: str) -> dict:
    """Notebook 07's results.json entries, by name."""
    return {
        "recommendation": {"kind": rec.kind, "routes": rec.routes, "models": rec.models,
                           "monthly_cost_usd": rec.monthly_cost_usd, "expected_quality": rec.expected_quality,
                           "unserved": rec.unserved, "single_model": rec.single_model,
                           "single_model_cost_usd": rec.single_model_cost_usd},
        "per_task": rec.assignment,
        "robustness": robust,
        "workload": {"name": workload.name, "source": workload.source, "assumption": True,
                     "requests_per_month": workload.requests_per_month, "tasks": workload.tasks},
        "quality_floor": dict(floors),
        "latency_bound_s": latency_bound_s,
        "latency_source": latency_note,
        "latency": latency,
        "overview_table": overview,
        "overview_points": points,
        "overview_left_out": left_out,
        "source": source,
    }


def latency_note(live_results: dict | None) -> str:
    """Where the brief's p99 latencies come from, in words: 05's live run when one is used, else the published p99.

    ``live_results``: notebook 05's results as :func:`analysis.traffic.decision.read_live_results` returns them
    (``None``: no live run used).

    >>> latency_note(None)
    "the published p99, the upper end of the article's range"
    >>> latency_note({"mode": "live", "percentiles": {}})
    "05's measured p99 where it ran, published elsewhere"
    """
    if live_results is not None:
        return "05's measured p99 where it ran, published elsewhere"
    return "the published p99, the upper end of the article's range"


def latency_markdown(latency_note: str, why_not_live: str | None, unknown: list[str],
                     assume_unknown_latency_ok: bool) -> str:
    """Where the brief's latencies come from, and which are unknown, as Markdown (text escaped).

    >>> print(latency_markdown("the published p99", "no live run given", ["Qwen3-32B"], False))
    Latency: the published p99 (05's measured p99 not used: no live run given). No p99 latency in the data for 1 model (Qwen3-32B): unknown (data gap), not considered.
    """
    from analysis.figures.theme import some_names
    from analysis.formatting import escape_markdown

    text = f"Latency: {latency_note}" + (f" (05's measured p99 not used: {why_not_live})." if why_not_live else ".")
    if unknown:
        how = ("assumed to meet the bound (an assumption)" if assume_unknown_latency_ok
               else "unknown (data gap), not considered")
        text += (f" No p99 latency in the data for {len(unknown)} model{'s' if len(unknown) != 1 else ''} "
                 f"({some_names(unknown)}): {how}.")
    return escape_markdown(text)


def overview_best(points: pd.DataFrame) -> dict[str, list[str]]:
    """The best value of each benchmark (lowest blended price per point), as ``{model: [benchmark labels]}``.

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.overview import overview_points
    >>> overview_best(overview_points(load_pricing(), load_benchmarks()))
    {'DeepSeek V4 Flash': ['MMLU-style', 'HumanEval', 'C-Eval']}
    """
    best = points[points.value_multiple == 1.0].drop_duplicates("benchmark")
    out: dict[str, list[str]] = {}
    for b, m in zip(best.benchmark, best.model):
        out.setdefault(m, []).append(BENCHMARK_SHORT_LABELS.get(b, b))
    return out


def overview_title_and_note(overview: pd.DataFrame, points: pd.DataFrame, left_out: Mapping[str, str],
                            source: str) -> tuple[str, str]:
    """The overview chart's title (its finding: the best value per benchmark) and the note under it
    (the source, the models without a point and why).

    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.value.overview import left_out, overview_points, overview_table
    >>> p, b = load_pricing(), load_benchmarks()
    >>> title, note = overview_title_and_note(overview_table(p, b), overview_points(p, b), left_out(p, b), "Source: x.")
    >>> title
    'DeepSeek V4 Flash gives the most score per dollar on every benchmark'
    >>> note
    'Source: x. No point (no blended price or no score): DeepSeek Coder, Qwen3-Coder-30B, GPT-4o-mini, Qwen3.5-397B, Gemini 1.5 Pro.'
    """
    from analysis.figures.theme import some_names

    best = points[points.value_multiple == 1.0].drop_duplicates("benchmark")
    if best.empty:
        title = "No model has both a blended price and a score"
    elif best.model.nunique() == 1 and len(best) == points.benchmark.nunique() > 1:
        title = f"{best.model.iloc[0]} gives the most score per dollar on every benchmark"
    else:
        title = "Most score per dollar: " + ", ".join(
            f"{m} ({BENCHMARK_SHORT_LABELS.get(b, b)})" for b, m in zip(best.benchmark, best.model))
    missing = [m for m in overview.model if m in left_out]
    note = source + (f" No point (no blended price or no score): {some_names(missing)}." if missing else "")
    return title, note

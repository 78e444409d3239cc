"""Notebook 07's page, the decision brief: the recommendation, its cost, quality and robustness, and the overview.

Also what the report's index shows of it: the overview table (:func:`styled_overview`) and the
source line under each chart (:func:`source_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analysis.data.tables import BENCHMARK_SHORT_LABELS
from analysis.formatting import format_count, format_multiple, format_number, format_usd
from analysis.pages.tables import styled_table
from analysis.traffic.decision import Recommendation
from analysis.traffic.workload import Workload, format_mapping

#: Rows of the overview table on the index (a page's table shows up to 40).
INDEX_ROWS = 20


def source_text(pricing: pd.DataFrame) -> str:
    """The source under a chart: the article's title and date, or the catalog's name and version.

    >>> from analysis.data.load import load_pricing
    >>> print(source_text(load_pricing()))
    Source: "Stop Guessing: Real Data Comparing Chinese AI Models and Western AI Models in 2026" (2026; figures as of 2026-11-27), a promotional comparison; values as published.
    >>> p = load_pricing(); p.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.0.40"}, "as_of": "2026-11-01"}
    >>> source_text(p)
    'Source: the genai-prices catalog, version 0.0.40 (prices as of 2026-11-01); scores as published in the source article.'
    """
    meta = pricing.attrs.get("meta") or {}
    src = meta.get("source") or {}
    as_of = meta.get("as_of")
    if isinstance(src, dict) and src.get("catalog"):
        when = f" (prices as of {as_of})" if as_of else ""
        return (f"Source: the {src['catalog']} catalog, version {src.get('version') or 'unknown'}{when}; "
                f"scores as published in the source article.")
    title = src.get("title") if isinstance(src, dict) else None
    published = str(meta.get("published") or "").split(" (")[0]
    dates = "; ".join(x for x in (published, f"figures as of {as_of}" if as_of else "") if x)
    if title:
        return f'Source: "{title}" ({dates}), a promotional comparison; values as published.'
    name = Path(pricing.attrs["source_file"]).name if pricing.attrs.get("source_file") else "the pricing table"
    return f"Source: {name}" + (f" (as of {as_of})" if as_of else "") + "."


# --------------------------------------------------------------------------- tables


def overview_columns() -> tuple[dict[str, str], dict]:
    """Headings and formats of the overview table (shared by the brief's page and the index)."""
    columns = {"model": "model", "origin": "origin", "value_multiple": "value (× best price per point)",
               "blended_usd_per_mtok": "blended $/M (3:1)", "input_usd_per_mtok": "input $/M",
               "output_usd_per_mtok": "output $/M",
               **{b: f"{label}" for b, label in BENCHMARK_SHORT_LABELS.items()},
               "output_tok_per_s": "speed, tok/s (published)", "vision": "vision",
               "context_window_ktok": "context", "access": "access (factors passed)"}
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
    caption = ("Value: the model's price per benchmark point (blended price) as a multiple of the best on the same "
               "benchmark, on the benchmark where it does best; n/a: no blended price or no score.")
    return styled_table(frame, columns, formats, na={"vision": "unknown (data gap)", "value_multiple": "n/a",
                                                     "output_tok_per_s": "unknown", "context_window_ktok": "unknown"},
                        caption=caption, max_rows=max_rows)


def styled_recommendation(rec: Recommendation):
    """Per task type: the recommended model, its monthly cost, score, floor and p99 latency."""
    a = rec.assignment.merge(rec.candidates[["task_type", "model", "p99_ttft_s", "latency_source", "floor"]],
                             on=["task_type", "model"], how="left")
    a["why"] = [rec.unserved.get(t) for t in a.task_type]
    return styled_table(a, {"task_type": "task type", "share": "share", "model": "model",
                            "monthly_cost_usd": "monthly cost", "benchmark": "benchmark", "score": "score",
                            "floor": "floor (assumption)", "p99_ttft_s": "p99 TTFT, s", "latency_source": "latency from",
                            "why": "why nothing qualifies"},
                        {"share": "{:.0%}", "monthly_cost_usd": format_usd, "score": "{:.1f}", "floor": "{:g}",
                         "p99_ttft_s": "{:g}", "benchmark": lambda b: BENCHMARK_SHORT_LABELS.get(b, b)},
                        na={"benchmark": "none (quality unknown)", "floor": "none", "why": "",
                            "model": "none qualifies"})


def styled_candidates(rec: Recommendation):
    """Every model × task type with why it does not qualify (the brief's evidence)."""
    c = rec.candidates.sort_values(["task_type", "qualifies", "usd_per_request"], ascending=[True, False, True])
    return styled_table(c, {"task_type": "task type", "model": "model", "monthly_cost_usd": "monthly cost alone",
                            "score": "score", "p99_ttft_s": "p99 TTFT, s", "why_not": "why it does not qualify"},
                        {"monthly_cost_usd": format_usd, "score": "{:.1f}", "p99_ttft_s": "{:g}"},
                        na={"why_not": "qualifies", "p99_ttft_s": "unknown (data gap)"})


# --------------------------------------------------------------------------- findings and results


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
        out.append((f"Quality and latency: {quality}; every scored task meets its floor ({format_mapping(floors)}), "
                    f"and every chosen model's p99 time to first token is within {latency_bound_s:g} s ({latency_note})"
                    + (f"; {', '.join(unscored)} has no benchmark, so its quality is unknown" if unscored else "")
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
    out.append((f"Assumptions: the workload ({workload.name}, {vol}), the quality floor ({format_mapping(floors)}), "
                f"the p99 latency bound of {latency_bound_s:g} s and the score error; change them as parameters.",
                "assumption"))
    if unknown_latency:
        if assume_unknown_latency_ok:
            out.append((f"{len(unknown_latency)} models have no p99 latency in the data and are assumed to meet the "
                        f"bound (the assume_unknown_latency_ok parameter).", "assumption"))
        else:
            out.append((f"{len(unknown_latency)} models have no p99 latency in the data (unknown, a data gap) and are "
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

"""Notebook 06's page: workload and policy tables, results.json entries and findings."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from analysis.figures.traffic import policy_cost_bars
from analysis.formatting import escape_markdown, format_pct, format_text, format_usd, plural
from analysis.traffic.policies import ARTICLE_ROUTER, OPTIMISED_POLICY, THRESHOLD_POLICY, Policy
from analysis.traffic.tariff_scan import not_placed
from analysis.traffic.workload import TASK_BENCHMARK, Workload, format_mapping

_cents = partial(format_usd, decimals=2)  # table cells in dollars and cents


def daily_scenarios(daily: pd.DataFrame, baseline: str) -> list[str]:
    """The few scenarios the daily-cost chart draws: as logged, the baseline, the router and the policies.

    >>> daily_scenarios(pd.DataFrame({"scenario": ["as logged", "GPT-4o", ARTICLE_ROUTER, "GLM-5"]}), "GPT-4o")
    ['as logged', 'GPT-4o', 'article router']
    """
    from analysis.traffic.reprice import AS_LOGGED

    shown = [AS_LOGGED, baseline, ARTICLE_ROUTER, THRESHOLD_POLICY, OPTIMISED_POLICY]
    present = set(daily.scenario)
    return [s for s in dict.fromkeys(shown) if s in present]


def workload_markdown(workload: Workload) -> str:
    """The workload's name, monthly volume and notes, as Markdown.

    >>> from analysis.traffic.workload import example_workload
    >>> print(workload_markdown(example_workload().with_volume(2e6)))
    **example workload (assumption)**: 2,000,000 requests a month.
    """
    return (f"**{escape_markdown(workload.name)}**: {workload.requests_per_month:,.0f} requests a month."
            + "".join(f"\n\n*{escape_markdown(n)}*" for n in workload.notes))


def policy_markdown(policy: Policy) -> str:
    """A policy's name and notes, as Markdown.

    >>> policy_markdown(Policy("article router", "router", {}, notes=("as router.csv routes it",)))
    '**article router**  \\n*as router.csv routes it*'
    """
    return f"**{escape_markdown(policy.name)}**" + "".join(f"  \n*{escape_markdown(n)}*" for n in policy.notes)


def styled_workload(workload: Workload):
    """The workload's task mix for people: share, tokens per request, requests a month.

    >>> from analysis.traffic.workload import example_workload
    >>> html = styled_workload(example_workload()).to_html()
    >>> "input tokens per request" in html and ">35%<" in html and ">350,000<" in html
    True
    """
    from analysis.pages.tables import styled_table

    columns = {"task_type": "task type", "share": "share of requests", "input_tokens": "input tokens per request",
               "output_tokens": "output tokens per request", "requests_per_month": "requests a month"}
    return styled_table(workload.frame(), columns, {"share": "{:.0%}", "input_tokens": "{:,.0f}",
                                                    "output_tokens": "{:,.0f}", "requests_per_month": "{:,.0f}"})


def styled_summary(summary: pd.DataFrame):
    """The policies' summary for people: dollars, percent, ``n/a`` for unknown, no index; those that serve every
    request first, cheapest first (with a whole catalog, the rows a page shows are the useful ones).

    >>> from analysis.traffic.evaluate import evaluate
    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> html = styled_summary(evaluate(example_workload(), capabilities(), budget_usd=2000).summary).to_html()
    >>> "$7,587.50" in html and "n/a" in html and ">89.9<" in html
    True
    """
    from analysis.pages.tables import styled_table

    columns = {"policy": "policy", "monthly_cost_usd": "monthly bill",
               "expected_quality": "expected quality, benchmark points",
               "savings_usd": f"saving vs {summary.attrs.get('baseline', 'baseline')}, a month",
               "savings_pct": "saving, %", "models": "models used",
               "unserved": "not served (cannot, or unknown: data gap)"}
    ordered = summary.sort_values(["serves_all", "monthly_cost_usd", "served_cost_usd"], ascending=[False, True, True],
                                  na_position="last", kind="stable")
    ordered.attrs = summary.attrs
    return styled_table(ordered, columns, {"monthly_cost_usd": _cents, "savings_usd": _cents,
                                           "expected_quality": "{:.1f}", "savings_pct": format_pct},
                        na={"unserved": "", "models": ""})


def styled_routing_table(table: pd.DataFrame):
    """A per-task routing table for people (see :func:`routing_table`).

    >>> from analysis.traffic.evaluate import evaluate, routing_table
    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    >>> html = styled_routing_table(routing_table(ev, ARTICLE_ROUTER)).to_html()
    >>> "$250.00" in html and ">HumanEval<" in html and ">none in the data<" in html
    True
    """
    from analysis.pages.tables import styled_table
    from analysis.value.efficiency import BENCHMARK_SHORT

    columns = {"task_type": "task type", "share": "share of requests", "requests_per_month": "requests a month",
               "input_tokens": "input tokens per request", "output_tokens": "output tokens per request",
               "model": "model", "usd_per_request": "cost per request", "monthly_cost_usd": "monthly cost",
               "benchmark": "quality benchmark", "score": "score", "reason": "why not served"}
    return styled_table(table, columns, {
        "share": "{:.0%}", "requests_per_month": "{:,.0f}", "input_tokens": "{:,.0f}", "output_tokens": "{:,.0f}",
        "usd_per_request": "${:.5f}".format, "monthly_cost_usd": _cents, "score": "{:g}",
        "benchmark": lambda v: BENCHMARK_SHORT.get(v, v)},
        na={"benchmark": "none in the data", "model": "not served", "reason": ""})


def styled_usage_totals(totals: pd.DataFrame, baseline: str):
    """A re-priced usage log's totals for people (``UsageReport.table()``): dollars, percent, notes.

    >>> t = pd.DataFrame({"scenario": ["as logged", "GPT-4o"], "kind": ["as logged", "single"],
    ...                   "cost_usd": [144.13, float("nan")], "monthly_cost_usd": [146.24, float("nan")],
    ...                   "rows_unserved": [0, 996], "savings_vs_logged_pct": [0.0, float("nan")],
    ...                   "savings_vs_baseline_pct": [5.2, float("nan")], "note": [None, "not served: 996 rows"]})
    >>> html = styled_usage_totals(t, "GPT-4o").to_html()
    >>> "saving vs GPT-4o" in html and ">$146.24<" in html and ">996<" in html and ">5.2%<" in html
    True
    """
    from analysis.pages.tables import styled_table

    columns = {"scenario": "scenario", "kind": "kind", "cost_usd": "cost of the log",
               "monthly_cost_usd": "cost a month, at the log's rate", "rows_unserved": "rows not served",
               "savings_vs_logged_pct": "saving vs as logged", "savings_vs_baseline_pct": f"saving vs {baseline}",
               "note": "note"}
    return styled_table(totals, columns, {"cost_usd": _cents, "monthly_cost_usd": _cents, "rows_unserved": "{:,}",
                                          "savings_vs_logged_pct": format_pct, "savings_vs_baseline_pct": format_pct,
                                          "note": format_text}, na={"note": ""})


def styled_tariff_today(tariffs, top: int = 20):
    """Today's cost of the log under every model (``TariffRepricing.table()``): the ``top`` that price most rows,
    cheapest first, with rows set aside and why; the caption says how many models were left out.

    >>> from analysis.traffic.tariff_logs import catalog_tables, price_log
    >>> from analysis import paths
    >>> t = price_log(paths.ROOT / "examples" / "my-usage.csv", catalog_tables("article"), as_of="2026-11-30")
    >>> html = styled_tariff_today(t, top=3).to_html()
    >>> "cost at today&#x27;s prices" in html and ">$8.71<" in html and "8 more models not shown" in html
    True
    >>> ">DeepSeek V4 Flash<" in html and "no vision (model_facts.csv says false)" in html
    True
    """
    from analysis.pages.tables import styled_table

    table = tariffs.table()
    left_out = len(table) - top
    columns = {"name": "model", "endpoint_key": "first-party endpoint", "cost_usd": "cost at today's prices",
               "rows_priced": "rows priced", "rows_set_aside": "rows set aside", "note": "why set aside"}
    styler = styled_table(table.head(top), columns, {"cost_usd": _cents, "rows_priced": "{:,}",
                                                     "rows_set_aside": "{:,}", "note": format_text},
                          na={"note": ""})
    if left_out > 0:
        styler = styler.set_caption(f"{left_out:,} more models not shown (those that price fewer rows, or cost more)")
    return styler


def tariff_markdown(tariffs) -> str:
    """What the two costs of a log on tariffs mean, with the cache-hit share (labelled when assumed), as Markdown.

    >>> from analysis.traffic.tariff_logs import catalog_tables, price_log
    >>> from analysis import paths
    >>> t = price_log(paths.ROOT / "examples" / "my-usage.csv", catalog_tables("article"), as_of="2026-11-30")
    >>> print(tariff_markdown(t).splitlines()[0])
    **As billed then: $8.49** for 797 of 800 rows (the tariff in force at each row's timestamp, in its service tier, on its provider's endpoint or the maker's own).
    """
    share = (f"**assumed {tariffs.cache_hit_share:.0%}** of input tokens read from the prompt cache (an assumption: "
             "the log has no `cached_input_tokens`; parameter `cache_hit_share`)" if tariffs.cache_share_assumed
             else f"the log's own cache-hit share ({tariffs.cache_hit_share:.1%} of input tokens) carried over")
    billed = tariffs.billed_cost_usd
    vision = ("A vision request is set aside on a model without vision, and on one whose vision is unknown (a data "
              "gap, not assumed)" if tariffs.has_task_type else "The log has no `task_type`: vision requests cannot "
              "be told apart, so none is set aside for want of vision (an assumption)")
    return (f"**As billed then: {format_usd(billed, 2) if billed == billed else 'unknown'}** for "
            f"{tariffs.rows_priced:,} of {tariffs.rows_total:,} rows (the tariff in force at each row's timestamp, in "
            f"its service tier, on its provider's endpoint or the maker's own)."
            + (f" {escape_markdown(tariffs.task_unknown_difference())}" if tariffs.task_unknown_rows else "")
            + f"\n\n**At today's prices ({tariffs.as_of})**: the same requests on each model's first-party endpoint, "
            f"at each row's time of day and tier, with {share}. {vision}. A row a tariff cannot price is set aside "
            "and counted by reason, never priced at $0."
            + (f" {escape_markdown(left)}" if (left := not_placed(tariffs.problems, tariffs.rows_valid)) else ""))


# --------------------------------------------------------------------------- what notebook 06 publishes


def unscored_task_types(workload: Workload) -> list[str]:
    """The workload's task types with no benchmark in the data: their quality is unknown.

    >>> from analysis.traffic.workload import example_workload
    >>> unscored_task_types(example_workload())
    ['vision']
    """
    tasks = workload.tasks
    shares = tasks["share"] if "share" in tasks else pd.Series(1.0, index=tasks.index)
    return [t for t, s in zip(tasks.task_type, shares) if TASK_BENCHMARK[t] is None and s > 0]


def _example(rows: int = 200, seed: int = 1):
    """What the examples of :func:`results` and :func:`findings` read: the shipped workload evaluated within a
    $2,000 budget, and a generated usage log of ``rows`` rows re-priced."""
    import pathlib
    import tempfile

    from analysis.traffic.capabilities import capabilities
    from analysis.traffic.demo_log import generate_usage_log
    from analysis.traffic.evaluate import evaluate
    from analysis.traffic.reprice import reprice_log
    from analysis.traffic.workload import example_workload

    ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    return ev, reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=rows, seed=seed))


def results(workload: Workload, summary: pd.DataFrame, frontier: pd.DataFrame, chosen: Policy,
            table: pd.DataFrame, sweep: pd.DataFrame, log, *, baseline: str, budget_usd: float,
            thresholds: Mapping[str, float], log_file: str | None, demo: dict | None, tariffs=None) -> dict:
    """Notebook 06's results.json entries, by name (see the README for each).

    ``log`` is the re-priced usage log (:func:`analysis.usage.reprice_log`); ``log_file`` the
    user's log (``None`` for the generated one), ``demo`` the generator's ``rows`` and ``seed``
    (``None`` for a user's log).

    >>> from analysis.traffic.evaluate import policy_frontier, routing_table
    >>> from analysis.traffic.policies import EXAMPLE_THRESHOLDS
    >>> ev, log = _example()
    >>> r = results(ev.workload, ev.summary, policy_frontier(ev.summary), ev.policy("optimised"),
    ...             routing_table(ev, "optimised"), ev.summary, log, baseline="GPT-4o", budget_usd=2000,
    ...             thresholds=EXAMPLE_THRESHOLDS, log_file=None, demo={"rows": 200, "seed": 1})
    >>> float(r["monthly_cost_usd"]["GPT-4o"]), r["chosen_policy"], r["usage_log"]["rows_total"]
    (7587.5, 'optimised within budget', 200)
    """
    return {
        "workload": {"name": workload.name, "source": workload.source, "assumption": True,
                     "requests_per_month": workload.requests_per_month, "tasks": workload.tasks},
        "baseline": baseline,
        "budget_usd": budget_usd,
        "quality_thresholds": thresholds,
        "policies": {r.policy: {"kind": r.kind, "monthly_cost_usd": r.monthly_cost_usd,
                                "served_cost_usd": r.served_cost_usd, "serves_all": r.serves_all,
                                "unserved": r.unserved, "unserved_data_gap": bool(getattr(r, "unserved_data_gap", False)),
                                "expected_quality": r.expected_quality,
                                "quality_note": r.quality_note, "savings_usd": r.savings_usd,
                                "savings_pct": r.savings_pct, "models": r.models}
                     for r in summary.itertuples()},
        "monthly_cost_usd": dict(zip(summary.policy, summary.monthly_cost_usd)),
        "expected_quality": dict(zip(summary.policy, summary.expected_quality)),
        "savings_usd": dict(zip(summary.policy, summary.savings_usd)),
        "savings_pct": dict(zip(summary.policy, summary.savings_pct)),
        "frontier": frontier.loc[frontier.on_frontier.astype(bool), "policy"].tolist(),
        "chosen_policy": chosen.name,
        "routing_table": table,
        "unscored_task_types": {t: "no benchmark in the data: quality unknown, not guessed"
                                for t in unscored_task_types(workload)},
        "volume_sweep": sweep,
        "usage_log": {
            "file": log_file, "generated": demo is not None, "generator": demo,
            "format": log.format, "rows_total": log.rows_total, "rows_priced": log.rows_priced,
            "rows_set_aside": log.rows_set_aside, "set_aside_by_kind": dict(zip(log.problems.kind, log.problems.rows)),
            "first_timestamp": log.first_ts, "last_timestamp": log.last_ts,
            "totals": {r.scenario: {"cost_usd": r.cost_usd, "monthly_cost_usd": r.monthly_cost_usd,
                                    "rows_unserved": r.rows_unserved, "savings_vs_logged_pct": r.savings_vs_logged_pct,
                                    "savings_vs_baseline_pct": r.savings_vs_baseline_pct}
                       for r in log.totals.itertuples()},
            "notes": log.notes},
        **({} if tariffs is None else {"usage_log_tariffs": tariff_results(tariffs)}),
    }


def tariff_results(tariffs) -> dict:
    """The results.json entry of a log priced on tariffs: both costs, rows set aside by reason, the cache share.

    >>> from analysis.traffic.tariff_logs import catalog_tables, price_log
    >>> from analysis import paths
    >>> t = price_log(paths.ROOT / "examples" / "my-usage-2026.csv", catalog_tables("article"), as_of="2026-11-30")
    >>> r = tariff_results(t)
    >>> round(r["billed_cost_usd"], 2), r["set_aside_by_reason"]["no batch tier on this endpoint"]
    (2.74, 43)
    """
    return {"as_of": str(tariffs.as_of), "rows_total": tariffs.rows_total, "rows_priced": tariffs.rows_priced,
            "billed_cost_usd": tariffs.billed_cost_usd, "set_aside_by_reason": tariffs.set_aside_billed(),
            "cache_hit_share": tariffs.cache_hit_share, "cache_hit_share_assumed": tariffs.cache_share_assumed,
            "task_type_unknown": {"rows": tariffs.task_unknown_rows, "billed_cost_usd": tariffs.task_unknown_cost_usd,
                                  "note": tariffs.task_unknown_difference() or None},
            "billed": tariffs.billed, "today": tariffs.table()}


def findings(workload: Workload, summary: pd.DataFrame, log, *, baseline: str, budget_usd: float,
             thresholds: Mapping[str, float], generated: bool,
             assume_unknown_capable: bool = False, tariffs=None) -> list[tuple[str, str]]:
    """Notebook 06's headline findings as ``(text, kind)``; ``generated``: the usage log is the demo one.

    >>> from analysis.traffic.policies import EXAMPLE_THRESHOLDS
    >>> ev, log = _example()
    >>> f = findings(ev.workload, ev.summary, log, baseline="GPT-4o", budget_usd=2000,
    ...              thresholds=EXAMPLE_THRESHOLDS, generated=True)
    >>> print(f[1][0])
    The article's router (DeepSeek V4 Flash, GPT-4o, as its router table routes each task type) costs $580.90 a month against $7,587.50 for GPT-4o: 92% less, at expected quality 87.9 against 89.9 points.
    >>> [kind for _, kind in f]
    ['assumption', 'computed', 'computed', 'computed', 'computed', 'as published', 'simulated']
    """
    from analysis.traffic.reprice import AS_LOGGED

    s = summary.set_index("policy")
    complete = summary[summary.serves_all & summary.monthly_cost_usd.notna()].sort_values("monthly_cost_usd")
    router, opt, base_row = s.loc[ARTICLE_ROUTER], s.loc[OPTIMISED_POLICY], s.loc[baseline]
    totals = log.totals.set_index("scenario")
    mix = ", ".join(f"{t} {sh:.0%}" for t, sh in zip(workload.tasks.task_type, workload.tasks.share))
    out = [(f"Workload: {workload.name}, {workload.requests_per_month:,.0f} requests a month ({mix}); "
            f"quality thresholds {format_mapping(thresholds)}; budget {format_usd(budget_usd)} a month.",
            "assumption")]
    if router.serves_all and base_row.serves_all and baseline != ARTICLE_ROUTER:
        out.append((f"The article's router ({router.models}, as its router table routes each task type) costs "
                    f"{format_usd(router.monthly_cost_usd)} a month against {format_usd(base_row.monthly_cost_usd)} "
                    f"for {baseline}: {router.savings_pct:.0f}% less, at expected quality "
                    f"{router.expected_quality:.1f} against {base_row.expected_quality:.1f} points.", "computed"))
    if len(complete):
        cheapest = complete.iloc[0]
        out.append((f"Cheapest policy that serves every request: {cheapest.policy} at "
                    f"{format_usd(cheapest.monthly_cost_usd)} a month.", "computed"))
    if opt.serves_all:
        out.append((f"Best expected quality within {format_usd(budget_usd)} a month: {opt.expected_quality:.1f} "
                    f"points for {format_usd(opt.monthly_cost_usd)} ({opt.models}).", "computed"))
    else:
        out.append((f"No assignment fits the {format_usd(budget_usd)} budget: {opt.notes}.", "computed"))
    out += coverage_findings(summary, assume_unknown_capable)
    unscored = unscored_task_types(workload)
    if unscored:
        out.append((f"{', '.join(unscored).capitalize()} has no benchmark in the data: its quality is unknown and "
                    f"left out of expected quality (not guessed).", "as published"))
    logged, routed = totals.loc[AS_LOGGED], totals.loc[ARTICLE_ROUTER]
    out.append((f"{'Generated demo log (simulated)' if generated else 'Usage log'}: {plural(log.rows_total, 'row')}, "
                f"{log.rows_priced:,} priced, {log.rows_set_aside:,} set aside; as logged it cost "
                f"{format_usd(logged.cost_usd)}, under the article's router {format_usd(routed.cost_usd)}"
                + ("" if routed.rows_unserved == 0 else f" for the {routed.rows_served:,} rows it can serve")
                + ".", "simulated" if generated else "computed"))
    if tariffs is not None:
        out += tariff_findings(tariffs, generated)
    return out


def tariff_findings(tariffs, generated: bool) -> list[tuple[str, str]]:
    """Findings of a log priced on tariffs: as billed then, the cheapest model at today's prices, the assumption.

    >>> from analysis.traffic.tariff_logs import catalog_tables, price_log
    >>> from analysis import paths
    >>> t = price_log(paths.ROOT / "examples" / "my-usage.csv", catalog_tables("article"), as_of="2026-11-30")
    >>> for text, kind in tariff_findings(t, generated=False): print(kind, "|", text)
    computed | On its tariffs, the log cost $8.49 as billed then (797 of 800 rows; 3 set aside). At today's prices (2026-11-30) the cheapest model that prices every row is GPT-4o at $8.71; DeepSeek V4 Flash costs $0.39 for the 759 rows it can price (set aside: 38 rows: no vision (model_facts.csv says false)).
    assumption | Cache hits at today's prices: 0% of input tokens assumed (the log records none).
    """
    kind = "simulated" if generated else "computed"
    t = tariffs.table()
    complete = t[(t.rows_set_aside == 0) & t.cost_usd.notna()]
    billed = tariffs.billed_cost_usd
    text = (f"On its tariffs, the log cost {format_usd(billed, 2) if billed == billed else 'an unknown amount'} as "
            f"billed then ({tariffs.rows_priced:,} of {tariffs.rows_total:,} rows; "
            f"{tariffs.rows_total - tariffs.rows_priced:,} set aside)"
            + (f"; that includes {plural(tariffs.task_unknown_rows, 'row')} "
               f"with an unknown task_type ({format_usd(tariffs.task_unknown_cost_usd, 2)} as billed), which the "
               "re-pricing above sets aside" if tariffs.task_unknown_rows else "") + ". ")
    text += (f"At today's prices ({tariffs.as_of}) the cheapest model that prices every row is "
             f"{complete['name'].iloc[0]} at {format_usd(complete.cost_usd.iloc[0], 2)}" if len(complete) else
             f"At today's prices ({tariffs.as_of}) no model prices every row (see the table for why)")
    cheaper = t[t.cost_usd.notna() & (t.rows_priced > 0) & (t.rows_set_aside > 0)]
    cheaper = cheaper[cheaper.cost_usd < complete.cost_usd.iloc[0]] if len(complete) else cheaper
    if len(cheaper):  # a cheaper bill that covers fewer rows is no saving: said with what it leaves out
        c = cheaper.sort_values(["cost_usd", "model"]).iloc[0]
        text += (f"; {c['name']} costs {format_usd(c.cost_usd, 2)} for the {int(c.rows_priced):,} rows it can price "
                 f"(set aside: {c.note})")
    text += "."
    out = [(text, kind)]
    if tariffs.cache_share_assumed:
        out.append((f"Cache hits at today's prices: {tariffs.cache_hit_share:.0%} of input tokens assumed (the log "
                    "records none).", "assumption"))
    return out


def coverage_findings(summary: pd.DataFrame, assume_unknown_capable: bool = False) -> list[tuple[str, str]]:
    """How many models can serve the whole workload alone, how many cannot (the data says so, or a price is
    unknown) and how many are *unknown*: not served only for a capability the data does not state (a data
    gap, never "cannot serve").

    >>> from analysis.traffic.evaluate import evaluate
    >>> from analysis.traffic.workload import example_workload
    >>> from analysis.traffic.capabilities import capabilities
    >>> [(t, k)] = coverage_findings(evaluate(example_workload(), capabilities(), budget_usd=2000).summary)
    >>> print(t)  # doctest: +NORMALIZE_WHITESPACE
    Of 11 models alone, 1 serves the whole workload (GPT-4o); 4 cannot (DeepSeek V4 Flash, Qwen3.5-397B,
    Qwen3-Coder-30B, DeepSeek Coder: no vision in the data, or an unknown price); 6 are unknown (data gap):
    Claude 3.5 Sonnet, Gemini 1.5 Pro, GPT-4o-mini, Qwen3-32B, GLM-5, Kimi K2.5 have no vision entry in the
    data (not assumed; set assume_unknown_capable: true to assume it).
    """
    from analysis.figures.theme import some_names

    single = summary[summary.kind == "single"]
    if single.serves_all.all():
        return []
    gap = single.get("unserved_data_gap", pd.Series(False, index=single.index)).fillna(False).astype(bool)
    serve, unknown = single[single.serves_all], single[~single.serves_all & gap]
    cannot = single[~single.serves_all & ~gap]
    text = (f"Of {len(single)} models alone, {len(serve)} serve{'s' if len(serve) == 1 else ''} the whole workload"
            + (f" ({some_names(serve.policy)})" if len(serve) else "")
            + f"; {len(cannot)} cannot" + (f" ({some_names(cannot.policy)}: no vision in the data, or an unknown "
                                           f"price)" if len(cannot) else ""))
    if len(unknown):
        text += (f"; {len(unknown)} {'is' if len(unknown) == 1 else 'are'} unknown (data gap): "
                 f"{some_names(unknown.policy)} ha{'s' if len(unknown) == 1 else 've'} no vision entry in the data "
                 + ("(assumed capable: assume_unknown_capable is true)" if assume_unknown_capable else
                    "(not assumed; set assume_unknown_capable: true to assume it)"))
    return [(text + ".", "computed")]


def routing_policy_cost(workload, caps: pd.DataFrame, requests_per_month: float = 0.0, mix: str = "",
                        thresholds=None, budget_usd: float | None = None, baseline: str = "GPT-4o"):
    """:func:`policy_cost_bars` of :func:`analysis.routing.scenario` for a volume, a task mix, a budget
    and a baseline: the routing notebook's bill as a pure function of its parameters (for controls).

    ``mix`` is text such as ``"code:0.5, general:0.5"``; empty keeps the workload's mix.

    >>> import matplotlib.pyplot as plt
    >>> from analysis.traffic.capabilities import capabilities
    >>> from analysis.traffic.workload import example_workload
    >>> fig = routing_policy_cost(example_workload(), capabilities(), 1e5, "code:1", budget_usd=2000)
    >>> bars = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    >>> round(bars["GPT-4o"], 2)   # 100,000 code requests a month on GPT-4o
    1100.0
    >>> plt.close(fig)
    """
    from analysis.traffic import evaluate as traffic_evaluate
    from analysis.traffic import workload as traffic_workload

    ev = traffic_evaluate.scenario(workload, caps, requests_per_month, traffic_workload.parse_mapping(mix), thresholds, budget_usd,
                          baseline)
    return policy_cost_bars(ev.summary)

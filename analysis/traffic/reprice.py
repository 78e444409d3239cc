"""A usage log priced as logged, under every model alone and under every routing policy."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from analysis import paths
from analysis.formatting import plural
from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic import policies as traffic_policies
from analysis.traffic import workload as traffic_workload
from analysis.traffic.aliases import model_aliases
from analysis.traffic.logs import (
    BAD_ROW_KINDS,
    EXAMPLES_PER_KIND,
    LOG_COLUMNS,
    UsageScan,
    _examples,
    _locate_lines,
    _LogSource,
    _over_col,
    classify,
    scan_usage_log,
)
from analysis.traffic.tariff_scan import TARIFF_COLUMNS


class Summarised(Protocol):
    """What :func:`_summary` reads of a re-priced log: a :class:`UsageReport` here, or a
    :class:`~analysis.traffic.model_totals.ModelTotals` (which builds on this module, never the reverse)."""

    file: Path
    format: str
    rows_total: int
    rows_priced: int
    rows_set_aside: int
    first_ts: pd.Timestamp | None
    last_ts: pd.Timestamp | None
    months: float
    problems: pd.DataFrame
    notes: list[str]

AS_LOGGED = "as logged"

DAYS_PER_MONTH = 365.25 / 12


# --------------------------------------------------------------------------- re-pricing


@dataclass
class UsageReport:
    """A log re-priced: rows priced and set aside, problems with examples, cost per scenario."""

    file: Path
    format: str
    rows_total: int
    rows_priced: int
    rows_set_aside: int
    problems: pd.DataFrame
    totals: pd.DataFrame
    daily: pd.DataFrame
    by_task: pd.DataFrame
    first_ts: pd.Timestamp | None
    last_ts: pd.Timestamp | None
    months: float
    workload: traffic_workload.Workload | None
    policies: list[traffic_policies.Policy]
    notes: list[str]
    scan_seconds: float

    def summary(self) -> str:
        """A few lines for people: rows read, priced, set aside (by kind, with examples), notes.

        >>> from analysis.traffic.demo_log import generate_usage_log
        >>> import tempfile, pathlib
        >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.jsonl", rows=50, seed=2,
        ...                          bad_rows={"unknown model": 1})
        >>> print(reprice_log(log).summary().splitlines()[1])
        50 rows read: 49 priced, 1 set aside.
        """
        return _summary(self)

    def table(self) -> pd.DataFrame:
        """The totals as people read them: scenario, cost, monthly cost, rows not served, savings."""
        t = self.totals
        return t[["scenario", "kind", "cost_usd", "monthly_cost_usd", "rows_unserved",
                  "savings_vs_logged_pct", "savings_vs_baseline_pct", "note"]]


def _summary(r: Summarised) -> str:
    lines = [f"{paths.shown(r.file)} ({r.format.upper()})",  # never this machine's absolute path (pages show it)
             f"{plural(r.rows_total, 'row')} read: {r.rows_priced:,} priced, {r.rows_set_aside:,} set aside."]
    if r.first_ts is not None:
        lines.append(f"Period: {r.first_ts:%Y-%m-%d %H:%M} to {r.last_ts:%Y-%m-%d %H:%M} UTC "
                     f"({r.months * DAYS_PER_MONTH:.1f} days); monthly figures scale to "
                     f"{DAYS_PER_MONTH:.2f} days.")
    for p in r.problems.itertuples():
        lines.append(f"  set aside: {plural(p.rows, 'row')} with {p.kind} (expected {p.expected})")
        for ex in p.examples:
            where = f"line {ex['line']}" if ex.get("line") else (f"row {ex['row']}" if ex.get("row") else "")
            values = ", ".join(f"{k}={v!r}" for k, v in ex.items() if k not in ("line", "row"))
            lines.append(f"    e.g. {where}: {values}" if where else f"    e.g. {values}")
    lines += [f"Note: {n}" for n in r.notes]
    return "\n".join(lines)


def _problem_table(kinds: Mapping[str, int], malformed: pd.DataFrame, src: UsageScan | _LogSource,
                   known_models: Sequence[str], examples: int, locate_lines: bool) -> pd.DataFrame:
    """One row per bad-row kind with a count above zero: rows, what was expected, examples."""
    problems = []
    for kind in BAD_ROW_KINDS:
        n = kinds.get(kind, 0)
        if not n:
            continue
        if kind == "malformed line":
            ex = [{"line": int(r.line), "text": r.text, "error": r.error} for r in malformed.head(examples).itertuples()]
        else:
            ex = _examples(src, kind, known_models, examples) if examples else []
            if locate_lines:
                _locate_lines(src.path, src.format, ex, list(LOG_COLUMNS) + (["task_type"] if src.has_task_type else []))
        problems.append({"kind": kind, "rows": n, "expected": BAD_ROW_KINDS[kind], "examples": ex})
    problems = pd.DataFrame(problems, columns=["kind", "rows", "expected", "examples"])
    if not problems.empty:
        problems["rows"] = problems["rows"].astype("int64")
    return problems


def _assumed_note(assumed: int, has_task_type: bool) -> list[str]:
    if not assumed:
        return []
    return [f"{assumed:,} priced rows have no task_type and count as general (an assumption)" if has_task_type else
            "the log has no task_type column: every row counts as general (an assumption), "
            "so vision requests cannot be told apart"]


#: A log's columns that only the tariff section reads.
_TARIFF_ONLY = TARIFF_COLUMNS


def _unread_note(columns) -> list[str]:
    """What this re-pricing does not read of a log with 2026 columns: their rows are priced at list prices here, and
    may be priced differently (or set aside) on a catalog's tariffs.

    >>> _unread_note(("timestamp", "model", "provider"))[0][:60]
    'the log has provider, not read here: every row is priced at '
    """
    unread = [c for c in _TARIFF_ONLY if c in columns]
    if not unread:
        return []
    return [f"the log has {', '.join(unread)}, not read here: every row is priced at the pricing table's input and "
            "output prices on the model's own API (cache reads at the full input price); the tariffs' section prices "
            "them by cache, tier and provider, and sets aside what its catalog cannot price, so its totals differ"]


def _months(first, last) -> float:
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return math.nan
    days = (pd.Timestamp(last) - pd.Timestamp(first)).total_seconds() / 86400
    return days / DAYS_PER_MONTH if days > 0 else math.nan


def workload_from_groups(good: pd.DataFrame, months: float, name: str = "from usage log") -> traffic_workload.Workload | None:
    """The workload a log describes: each task type's share of rows and mean tokens per request.

    ``requests_per_month`` is the priced rows divided by the months the log spans (first to last
    valid timestamp); ``None`` when no row is priced.
    """
    rows = good.rows.to_numpy()
    if not len(rows) or rows.sum() == 0:
        return None
    tasks = good.task_type.to_numpy(object)
    inp, outp = good.input_tokens.to_numpy(float), good.output_tokens.to_numpy(float)
    out = []
    for t in traffic_workload.TASK_TYPES:
        m = tasks == t
        n = rows[m].sum()
        if n:
            out.append({"task_type": t, "share": n / rows.sum(), "input_tokens": inp[m].sum() / n,
                        "output_tokens": outp[m].sum() / n})
    rpm = rows.sum() / months if months and math.isfinite(months) else math.nan
    return traffic_workload.Workload(pd.DataFrame(out), float(rpm), name=name)


@dataclass(frozen=True)
class _Cap:
    """A model's row of :func:`analysis.routing.capabilities` as plain attributes (fast to read)."""

    model: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    vision: bool
    vision_known: bool
    context_window_tokens: float


def _caps(caps: pd.DataFrame) -> dict[str, _Cap]:
    cols = [caps[c].to_numpy(dtype) for c, dtype in (("input_usd_per_mtok", float), ("output_usd_per_mtok", float),
                                                      ("vision", bool), ("vision_known", bool),
                                                      ("context_window_tokens", float))]
    return {str(m): _Cap(str(m), float(i), float(o), bool(v), bool(k), float(c))
            for m, i, o, v, k, c in zip(caps.index, *cols)}


class _Groups:
    """The priced groups as numpy arrays, with memoised "can model M serve these groups"."""

    def __init__(self, good: pd.DataFrame, windows: Sequence[float]):
        self.rows = good.rows.to_numpy(np.int64)
        self.inp = good.input_tokens.to_numpy(float)
        self.outp = good.output_tokens.to_numpy(float)
        self.task = good.task_type.to_numpy(object)
        self.over = {c: good[_over_col(c)].to_numpy(bool) for c in windows}
        self._served: dict[str, tuple[np.ndarray, list]] = {}

    def cost(self, cap: _Cap) -> np.ndarray:
        return (self.inp * cap.input_usd_per_mtok + self.outp * cap.output_usd_per_mtok) / 1e6

    def served(self, cap: _Cap) -> tuple[np.ndarray, list[str | None]]:
        """Which groups ``cap`` can serve, and why not, by the rules of :func:`traffic_capabilities.refusal`."""
        if cap.model not in self._served:
            # refusal() looks at the price, then vision, then the window: one reason per rule,
            # asked once per model rather than once per group
            why = np.full(len(self.task), None, dtype=object)
            price = traffic_capabilities.refusal(cap, "general")
            if price is not None:
                why[:] = price
            else:
                no_vision = (self.task == "vision") if not cap.vision else np.zeros(len(self.task), bool)
                why[no_vision] = traffic_capabilities.refusal(cap, "vision")
                over = self.over.get(cap.context_window_tokens)
                if over is not None:
                    why[over & ~no_vision] = traffic_capabilities.refusal(cap, "general", over_context=True)
            self._served[cap.model] = (np.array([w is None for w in why], dtype=bool), list(why))
        return self._served[cap.model]


def _scenario_row(name: str, kind: str, cost: np.ndarray, why: list, g: _Groups) -> dict:
    served = ~np.isnan(cost)
    unserved_rows = int(g.rows[~served].sum())
    note = None
    if unserved_rows:
        counts: dict[str, int] = {}
        for i in np.flatnonzero(~served):
            counts[why[i] or "not served"] = counts.get(why[i] or "not served", 0) + int(g.rows[i])
        note = "not served: " + "; ".join(f"{plural(n, 'row')} ({r})" for r, n in
                                           sorted(counts.items(), key=lambda kv: -kv[1]))
    total = float(cost[served].sum()) if served.any() else (0.0 if g.rows.sum() == 0 else math.nan)
    return {"scenario": name, "kind": kind, "cost_usd": total, "rows_served": int(g.rows[served].sum()),
            "rows_unserved": unserved_rows, "note": note}


def _single_scenarios(grp: _Groups, capd: Mapping[str, _Cap]) -> list[tuple[str, str, np.ndarray, list]]:
    """Every model alone: the cost of each group it can serve (NaN where it cannot) and why not."""
    out = []
    for model, cap in capd.items():
        ok, why = grp.served(cap)
        cost = np.where(ok, grp.cost(cap), np.nan)
        out.append((model, "single", cost, [None if o else f"{model}: {w}" for o, w in zip(ok, why)]))
    return out


def reprice(scan: UsageScan, caps: pd.DataFrame, policies: Sequence[traffic_policies.Policy] = (),
            baseline: str = traffic_policies.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
            locate_lines: bool = True) -> UsageReport:
    """Price the scanned log as logged, under every model alone and under each policy.

    ``cost_usd`` covers the rows a scenario serves; ``rows_unserved`` counts the others (a
    vision request on a model without vision, a request longer than the context window, a
    model whose price is unknown) and ``note`` says why. Savings are left empty when either
    side leaves rows unserved: the bills would cover different traffic. Cost is linear in
    tokens, so pricing each group's token sums prices exactly what its rows would. Its ``single``
    rows are what :func:`reprice_models` computes faster when nothing else is needed.
    """
    g = classify(scan.groups)
    good = g[~g.bad].reset_index(drop=True)
    bad = g[g.bad]
    kinds = {k: int(bad.rows[bad[k].to_numpy(bool)].sum()) for k in BAD_ROW_KINDS if k in bad}
    kinds["malformed line"] = len(scan.malformed)
    named = [*caps.index, *model_aliases(list(caps.index)), *scan.resolved]  # API ids of priced models are not unknown
    problems = _problem_table(kinds, scan.malformed, scan, named, examples, locate_lines)

    grp = _Groups(good, scan.context_windows)
    rows_priced = int(grp.rows.sum())
    rows_set_aside = int(bad.rows.sum()) + len(scan.malformed)
    first, last = scan.first_ts, scan.last_ts
    months = _months(first, last)
    notes = _assumed_note(int(good.rows[good.task_assumed.to_numpy(bool)].sum()), scan.has_task_type)
    if not math.isfinite(months) and rows_priced:
        notes.append("the log spans no time (one timestamp): monthly figures are unknown")
    notes += _unread_note(scan.columns)

    capd = _caps(caps)
    scenarios: list[tuple[str, str, np.ndarray, list]] = []
    # as logged: every row on the model it used
    models = good.model.to_numpy(object)
    logged_cost = np.full(len(models), np.nan)
    logged_why: list[str | None] = [None] * len(models)
    for model in dict.fromkeys(models):
        idx = np.flatnonzero(models == model)
        if model in capd:
            logged_cost[idx] = grp.cost(capd[model])[idx]
        for i in idx:
            if np.isnan(logged_cost[i]):
                logged_why[i] = (f"{model}: price unknown" if model in capd
                                 else f"{model}: not among the models priced here")
    scenarios.append((AS_LOGGED, "as logged", logged_cost, logged_why))
    scenarios += _single_scenarios(grp, capd)
    for policy in policies:
        cost = np.full(len(models), np.nan)
        reasons: list[list[str]] = [[] for _ in range(len(models))]
        remaining = np.ones(len(models), dtype=bool)
        for task in dict.fromkeys(grp.task):
            in_task = grp.task == task
            for model in policy.routes.get(task, ()):
                if model not in capd:
                    continue
                ok, why = grp.served(capd[model])
                take = remaining & in_task & ok
                cost[take] = grp.cost(capd[model])[take]
                for i in np.flatnonzero(remaining & in_task & ~ok):
                    reasons[i].append(f"{model}: {why[i]}")
                remaining &= ~take
        why = [None if not remaining[i] else ("; ".join(reasons[i]) or "the policy routes it nowhere")
               for i in range(len(models))]
        scenarios.append((policy.name, policy.kind, cost, why))

    totals = pd.DataFrame([_scenario_row(name, kind, cost, why, grp) for name, kind, cost, why in scenarios])
    totals["monthly_cost_usd"] = totals.cost_usd / months if math.isfinite(months) else math.nan
    complete = totals.rows_unserved == 0
    for ref, col in ((AS_LOGGED, "savings_vs_logged_pct"), (baseline, "savings_vs_baseline_pct")):
        if ref in set(totals.scenario):
            r = totals.set_index("scenario").loc[ref]
            ok = complete & bool(r.rows_unserved == 0) & (r.cost_usd > 0)
            totals[col] = (100 * (r.cost_usd - totals.cost_usd) / r.cost_usd).where(ok)
        else:
            totals[col] = math.nan
    totals.attrs.update(baseline=baseline)
    if scan.daily and len(models):
        days = good.day.to_numpy()
        daily = pd.concat([pd.DataFrame({"day": days, "scenario": name, "cost_usd": np.where(np.isnan(c), 0.0, c)})
                           for name, _, c, _ in scenarios], ignore_index=True)
        daily = daily.groupby(["scenario", "day"], as_index=False, sort=False).cost_usd.sum()
    else:
        daily = pd.DataFrame(columns=["day", "scenario", "cost_usd"])
    by_task = (good[["task_type", "model", "rows", "input_tokens", "output_tokens"]].assign(cost_usd=logged_cost)
               .groupby(["task_type", "model"], as_index=False).sum(min_count=1))
    unknown_logged = int(totals.rows_unserved.iloc[0])
    if unknown_logged:
        notes.append(f"{unknown_logged:,} rows were logged on models whose price is unknown: their actual cost is "
                     "unknown and the as-logged total leaves them out")
    return UsageReport(scan.path, scan.format, rows_priced + rows_set_aside, rows_priced, rows_set_aside, problems,
                       totals, daily, by_task, first, last, months,
                       workload_from_groups(good, months), list(policies), notes, scan.seconds)


def reprice_log(path: str | os.PathLike, caps: pd.DataFrame | None = None,
                thresholds: Mapping[str, float] | None = None, budget_usd: float | None = None,
                baseline: str = traffic_policies.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
                daily: bool = True, threads: int | None = None, router: pd.DataFrame | None = None) -> UsageReport:
    """Scan a log and re-price it under every model and the registered policies, in one call.

    The threshold and optimised policies are built for the workload the log itself describes
    (its task mix, mean tokens per request and monthly rate); the budget is per month. The
    article router is read from ``router`` (``None``: the shipped ``data/router.csv``). This is
    the grouped scan; when only the cost under every model alone is wanted, :func:`reprice_models`
    gives the same figures faster.
    """
    caps = traffic_capabilities.capabilities() if caps is None else caps
    scan = scan_usage_log(path, list(caps.index), caps.context_window_tokens.dropna().unique(),
                          daily=daily, threads=threads)
    return reprice(scan, caps, log_policies(scan, caps, thresholds, budget_usd, router=router), baseline,
                   examples=examples)


def log_policies(scan: UsageScan, caps: pd.DataFrame, thresholds: Mapping[str, float] | None = None,
                 budget_usd: float | None = None, router: pd.DataFrame | None = None) -> list[traffic_policies.Policy]:
    """The registered policies for the log's own workload, from :func:`analysis.traffic.policies.build_policies`.

    That is the article's router, and the threshold and (with a monthly budget) optimised
    policies when the log has priced rows; every model alone is priced by :func:`reprice` itself.
    """
    return traffic_policies.build_policies(caps, log_workload(scan), thresholds, budget_usd, router=router,
                                           budget_only=True, per_model=False)


def log_workload(scan: UsageScan) -> traffic_workload.Workload | None:
    """The workload a scanned log describes (priced rows only); ``None`` when nothing is priced.

    >>> from analysis.traffic.demo_log import generate_usage_log
    >>> import tempfile, pathlib
    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.csv", rows=2000, seed=1)
    >>> w = log_workload(scan_usage_log(log, list(traffic_capabilities.capabilities().index)))
    >>> w.tasks.set_index("task_type").share.round(1).to_dict()["general"]
    0.3
    """
    g = classify(scan.groups)
    return workload_from_groups(g[~g.bad], _months(scan.first_ts, scan.last_ts))

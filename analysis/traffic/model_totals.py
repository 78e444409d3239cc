"""The cost of a usage log under every model alone, in the fewest passes over the file (the fast path for big logs)."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic import workload as traffic_workload
from analysis.traffic.aliases import model_aliases, resolve_log_names
from analysis.traffic.logs import (
    BAD_ROW_KINDS,
    EXAMPLES_PER_KIND,
    UsageLogError,
    _connect,
    _first_line,
    _LogSource,
    _open_log,
    _over_col,
    _sql_str,
    _timestamp,
    _windows,
    classify,
    log_format,
    scan_usage_log,
)
from analysis.traffic.reprice import (
    _assumed_note,
    _caps,
    _Groups,
    _months,
    _problem_table,
    _scenario_row,
    _single_scenarios,
    _summary,
)

# --------------------------------------------------------------------------- every model alone, fast

#: How :func:`reprice_models` answered: from the Parquet file's statistics and one pass grouped
#: by task type, or through the grouped scan of :func:`scan_usage_log`.
STATISTICS_PASS, GROUPED_SCAN = "parquet statistics", "grouped scan"


@dataclass
class ModelTotals:
    """A log re-priced under every model alone (:func:`reprice_models`): rows priced and set aside, problems, one row per model.

    ``totals`` has the columns of the ``single`` rows of :attr:`UsageReport.totals` without the
    savings: ``scenario`` (the model), ``kind``, ``cost_usd`` (the rows it can serve),
    ``monthly_cost_usd``, ``rows_served``, ``rows_unserved`` and ``note`` (why not);
    ``input_tokens`` and ``output_tokens`` are the priced rows' sums; ``method`` says which pass
    answered (:data:`STATISTICS_PASS` or :data:`GROUPED_SCAN`).
    """

    file: Path
    format: str
    rows_total: int
    rows_priced: int
    rows_set_aside: int
    problems: pd.DataFrame
    totals: pd.DataFrame
    input_tokens: int
    output_tokens: int
    first_ts: pd.Timestamp | None
    last_ts: pd.Timestamp | None
    months: float
    notes: list[str]
    seconds: float
    method: str

    def summary(self) -> str:
        """Rows read, priced and set aside (by kind, with examples) and notes, as :meth:`UsageReport.summary`."""
        return _summary(self)


def _gaps_sql(col: str, values: Sequence[str]) -> str:
    """SQL true for a non-null ``col`` that is none of ``values``, written as the open intervals between them.

    Comparisons with constants are what DuckDB pushes into its Parquet reader, which tests them
    once per dictionary entry and skips the pages where no entry matches: on a log whose models
    are all known, counting the rows this filter keeps took a fifth of the time of summing the
    token columns (``NOT IN``, an ENUM cast or ``list_position``, tested row by row: two thirds).
    Text compares byte by byte in DuckDB, as Python orders ``str``, so every other value falls in
    exactly one interval. NULL stays NULL (not matched).

    >>> _gaps_sql("m", ["b", "a"])
    "(m < 'a' OR (m > 'a' AND m < 'b') OR m > 'b')"
    >>> _gaps_sql("t", ["", "x"])
    "((t > '' AND t < 'x') OR t > 'x')"
    """
    s = sorted(set(values))
    if not s:
        return f"({col} IS NOT NULL)"
    parts = [] if s[0] == "" else [f"{col} < {_sql_str(s[0])}"]
    parts += [f"({col} > {_sql_str(a)} AND {col} < {_sql_str(b)})" for a, b in zip(s, s[1:])]
    parts.append(f"{col} > {_sql_str(s[-1])}")
    return "(" + " OR ".join(parts) + ")"


def _cells(per_task: Mapping[str, tuple[int, int, int]], over: Mapping[str, list[tuple[int, int, int]]],
           windows: Sequence[float]) -> pd.DataFrame:
    """Priced rows as disjoint cells of (task type, longest window exceeded), for :class:`_Groups`.

    ``per_task`` maps a task type to (rows, input tokens, output tokens); ``over`` to the same
    sums for the rows over each window, smallest window first (a request over a window is over
    every smaller one, so the cells nest).
    """
    cols: dict[str, list] = {"task_type": [], "rows": [], "input_tokens": [], "output_tokens": [],
                             **{_over_col(c): [] for c in windows}}
    for task, total in per_task.items():
        levels = [total, *over.get(task, [(0, 0, 0)] * len(windows)), (0, 0, 0)]
        for j in range(len(windows) + 1):
            n, i, o = (levels[j][k] - levels[j + 1][k] for k in range(3))
            if n:
                cols["task_type"].append(task)
                cols["rows"].append(n)
                cols["input_tokens"].append(float(i))
                cols["output_tokens"].append(float(o))
                for m, c in enumerate(windows):
                    cols[_over_col(c)].append(m < j)
    return pd.DataFrame({k: np.array(v, dtype={"task_type": object, "rows": np.int64, "input_tokens": float,
                                                 "output_tokens": float}.get(k, bool)) for k, v in cols.items()})


def _cells_from_groups(good: pd.DataFrame, windows: Sequence[float]) -> pd.DataFrame:
    keys = ["task_type", *[_over_col(c) for c in windows]]
    cells = good.groupby(keys, as_index=False, sort=False)[["rows", "input_tokens", "output_tokens"]].sum()
    return cells[["task_type", "rows", "input_tokens", "output_tokens", *keys[1:]]]


def _statistics_pass(con, src: _LogSource, known: Sequence[str], windows: Sequence[float]) -> dict | None:
    """Price a typed Parquet log from its statistics and one pass grouped by task type; None: it needs the grouped scan.

    Statement 1, answered from the row groups' statistics when the file has them: rows, nulls,
    smallest and largest tokens, first and last timestamp. A null timestamp or token, or a
    negative token, returns None. Statement 2, one pass over the data: rows and token sums per
    ``task_type`` value; the count of rows whose model is not in the price table (a filter
    tested once per dictionary entry, see :func:`_gaps_sql`); and, only when the largest tokens
    could exceed a context window, the rows over each window (pre-filtered on ``input_tokens`` >
    window - largest output, exact after). Statement 3, only when some model is unknown or
    null: those rows per ``task_type``, to take them out.
    """
    r = src.reader
    gaps = _gaps_sql("model", known)
    total, n_ts, n_in, n_out, n_model, min_in, min_out, max_in, max_out, first, last = con.execute(
        "SELECT count(*), count(timestamp), count(input_tokens), count(output_tokens), count(model), "
        "min(input_tokens), min(output_tokens), max(input_tokens), max(output_tokens), min(timestamp), "
        f"max(timestamp) FROM {r}").fetchone()
    if min(n_ts, n_in, n_out) < total or (min_in or 0) < 0 or (min_out or 0) < 0:
        return None
    # grouped by the task type column alone (constants in the key would cost DuckDB its fast path
    # for a dictionary-encoded key), the labels added around the aggregate
    task = "task_type" if src.has_task_type else "NULL::VARCHAR"
    limits = sorted({int(f"{c:.0f}") for c in windows})  # rounded as the grouped scan rounds them
    at = {c: limits.index(int(f"{c:.0f}")) for c in windows}
    empty = ", NULL::BIGINT, NULL::HUGEINT, NULL::HUGEINT" * len(limits)
    sums = f"{task} AS task, count(*) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o"
    by_task = "GROUP BY task" if src.has_task_type else ""
    parts = [f"SELECT 'all' AS part, task, NULL::BOOLEAN AS known, n, i, o{empty} FROM (SELECT {sums} FROM {r} {by_task})",
             f"SELECT 'unknown models', NULL, NULL, count(*), NULL, NULL{empty} FROM {r} WHERE {gaps}"]
    if limits and total and max_in + max_out > limits[0]:
        is_known = (f"coalesce(list_position([{', '.join(_sql_str(m) for m in known)}], model) IS NOT NULL, false)"
                    if known else "false")
        over = "".join(f", count_if(input_tokens + output_tokens > {c}), "
                       f"sum(input_tokens) FILTER (input_tokens + output_tokens > {c}), "
                       f"sum(output_tokens) FILTER (input_tokens + output_tokens > {c})" for c in limits)
        parts.append(f"SELECT 'over', {task}, {is_known}, NULL, NULL, NULL{over} FROM {r} "
                     f"WHERE input_tokens > {limits[0] - max_out} GROUP BY ALL")
    rows = con.execute(" UNION ALL ".join(parts)).fetchall()
    if any(part == "unknown models" and n for part, _, _, n, *_ in rows) or n_model < total:
        unknown = [f"SELECT 'unknown model', task, false, n, i, o{empty} FROM (SELECT {sums} FROM {r} "
                   f"WHERE {where} {by_task})" for where in (gaps, "model IS NULL")]
        rows += con.execute(" UNION ALL ".join(unknown)).fetchall()
    everything: dict = {}
    unknown_model: dict = {}
    over_known: dict = {}
    for part, raw, is_known, n, i, o, *by_limit in rows:
        if part == "all":
            if n:  # an ungrouped count over no rows
                everything[raw] = (n, i or 0, o or 0)
        elif part == "unknown model":
            if not n:
                continue
            a = unknown_model.get(raw, (0, 0, 0))
            unknown_model[raw] = (a[0] + n, a[1] + (i or 0), a[2] + (o or 0))
        elif part == "over" and is_known:
            over_known[raw] = [tuple(v or 0 for v in by_limit[3 * k:3 * k + 3]) for k in range(len(limits))]

    def task_of(raw):  # the task type a value counts as, or None: unknown
        return "general" if raw is None or raw == "" else (raw if raw in traffic_workload.TASK_TYPES else None)

    per_task: dict[str, tuple[int, int, int]] = {}
    over: dict[str, list[tuple[int, int, int]]] = {}
    unknown_task = assumed = 0
    for raw, (n, i, o) in everything.items():
        name = task_of(raw)
        if name is None:
            unknown_task += n
            continue
        u = unknown_model.get(raw, (0, 0, 0))
        a = per_task.get(name, (0, 0, 0))
        per_task[name] = (a[0] + n - u[0], a[1] + i - u[1], a[2] + o - u[2])
        assumed += (n - u[0]) if name == "general" and raw != "general" else 0
        ov = over_known.get(raw, [(0, 0, 0)] * len(limits))
        prev = over.get(name, [(0, 0, 0)] * len(limits))
        over[name] = [tuple(p + q for p, q in zip(prev[k], ov[k])) for k in range(len(limits))]
    # one entry per window (windows that round to the same limit share it)
    over = {t: [v[at[c]] for c in windows] for t, v in over.items()}
    return {"cells": _cells(per_task, over, windows), "total": int(total), "assumed": int(assumed),
            "kinds": {"unknown model": sum(u[0] for u in unknown_model.values()), "unknown task_type": unknown_task},
            "first": _timestamp(first), "last": _timestamp(last)}


def reprice_models(path: str | os.PathLike, caps: pd.DataFrame | None = None, *, examples: int = EXAMPLES_PER_KIND,
                   locate_lines: bool = True, threads: int | None = None, memory_limit: str = "1GB") -> ModelTotals:
    """Re-price a log under every model alone, as fast as the file allows: the per-model totals only.

    The figures are those of the ``single`` rows of ``reprice(scan_usage_log(...))``, to the cent
    (same rows priced, same bad-row counts by kind, same rows not served and why); for routing
    policies, the as-logged cost, daily figures or the log's own workload use :func:`reprice_log`.

    >>> from analysis.traffic.demo_log import generate_usage_log
    >>> import tempfile, pathlib
    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.parquet", rows=1000, seed=1,
    ...                          bad_rows={"unknown model": 2, "unknown task_type": 1}, long_requests=3)
    >>> fast = reprice_models(log)
    >>> fast.method, fast.rows_total, fast.rows_priced, fast.rows_set_aside
    ('parquet statistics', 1000, 997, 3)
    >>> dict(zip(fast.problems.kind, fast.problems.rows))
    {'unknown model': 2, 'unknown task_type': 1}
    >>> fast.totals.set_index("scenario").loc["GPT-4o", ["rows_served", "rows_unserved"]].tolist()
    [994, 3]

    Edge cases: a typed Parquet log (TIMESTAMP column, whole-number tokens, text model and task
    type) is answered from the file's statistics and one pass grouped by task type
    (:func:`_statistics_pass`); one with a null timestamp or token or a negative token, and every
    CSV or JSONL log, takes the grouped scan (``daily=False``), with the same figures. Rows that
    cannot be priced are set aside and counted by kind either way, with ``examples`` of each kind
    fetched afterwards. Why this path: the measurements printed by ``benchmarks/bench_usage.py``.

    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.parquet", rows=1000, seed=1,
    ...                          bad_rows={"negative tokens": 2})
    >>> fast = reprice_models(log, examples=1)
    >>> fast.method, fast.rows_priced, fast.problems.examples[0][0]["input_tokens"]
    ('grouped scan', 998, '-40')
    """
    caps = traffic_capabilities.capabilities() if caps is None else caps
    known = list(dict.fromkeys(str(m) for m in caps.index))
    known += [a for a in model_aliases(known) if a not in known]  # a log may name a model by its API id
    windows = _windows(caps.context_window_tokens.dropna().unique())
    path = Path(path).expanduser()
    log_format(path)
    started = time.perf_counter()
    con = _connect(threads, memory_limit)
    try:
        src = _open_log(con, path)
        try:
            fast = _statistics_pass(con, src, known, windows) if src.typed else None
            if fast is not None and fast["kinds"]["unknown model"]:  # API ids the alias table does not list
                names = [r[0] for r in con.execute(f"SELECT DISTINCT CAST(model AS VARCHAR) FROM {src.reader} "
                                                   f"WHERE {_gaps_sql('model', known)}").fetchall()]
                resolved = resolve_log_names(names, list(caps.index))
                if resolved:
                    known += [n for n in resolved if n not in known]
                    fast = _statistics_pass(con, src, known, windows)
        except Exception as exc:  # duckdb raises several classes for broken files
            raise UsageLogError(f"{path}: cannot read it as PARQUET ({_first_line(exc)}); fix the file or export "
                                "it again") from None
    finally:
        con.close()
    if fast is not None:
        cells, total, assumed, first, last = fast["cells"], fast["total"], fast["assumed"], fast["first"], fast["last"]
        kinds, malformed, method, where = fast["kinds"], pd.DataFrame(columns=["line", "text", "error"]), STATISTICS_PASS, src
    else:
        scan = scan_usage_log(path, known, windows, daily=False, threads=threads, memory_limit=memory_limit)
        g = classify(scan.groups)
        good = g[~g.bad]
        cells = _cells_from_groups(good, scan.context_windows)
        total = int(g.rows.sum()) + len(scan.malformed)
        assumed = int(good.rows[good.task_assumed.to_numpy(bool)].sum())
        first, last, malformed, method, where = scan.first_ts, scan.last_ts, scan.malformed, GROUPED_SCAN, scan
        known += [n for n in scan.resolved if n not in known]
        kinds = {k: int(g.rows[(g[k].to_numpy(bool)) & g.bad.to_numpy(bool)].sum()) for k in BAD_ROW_KINDS if k in g}
        kinds["malformed line"] = len(scan.malformed)
    problems = _problem_table(kinds, malformed, where, known, examples, locate_lines)
    grp = _Groups(cells, windows)
    rows_priced = int(grp.rows.sum())
    months = _months(first, last)
    rows = [_scenario_row(name, kind, cost, why, grp) for name, kind, cost, why in _single_scenarios(grp, _caps(caps))]
    for r in rows:
        r["monthly_cost_usd"] = r["cost_usd"] / months if math.isfinite(months) else math.nan
    totals = pd.DataFrame(rows, columns=["scenario", "kind", "cost_usd", "monthly_cost_usd", "rows_served",
                                         "rows_unserved", "note"])
    notes = _assumed_note(assumed, where.has_task_type)
    if not math.isfinite(months) and rows_priced:
        notes.append("the log spans no time (one timestamp): monthly figures are unknown")
    return ModelTotals(path, where.format, total, rows_priced, total - rows_priced, problems, totals,
                       int(round(cells.input_tokens.sum())), int(round(cells.output_tokens.sum())), first, last, months,
                       notes, time.perf_counter() - started, method)

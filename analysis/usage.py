"""Re-price a real usage log under every model and routing policy, streaming it through DuckDB.

A usage log is a CSV, JSONL or Parquet file with one row per request and the columns
``timestamp, model, input_tokens, output_tokens`` and, optionally, ``task_type`` (one of
:data:`analysis.routing.TASK_TYPES`; a row without one counts as ``general``, and the report
says how many). :func:`scan_usage_log` reads the file once in DuckDB, which streams it (a file
larger than memory is fine), and keeps only token sums per day, model, task type and problem;
:func:`reprice` prices those sums under each model and policy (cost is linear in tokens, so the
sums price exactly what the rows would).

Rows that cannot be priced are never dropped silently: each kind in :data:`BAD_ROW_KINDS` is
counted, with examples (and their line in the file), and the report says how many rows it
priced and how many it set aside.

>>> import tempfile, pathlib
>>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.csv", rows=1000, seed=1,
...                          bad_rows={"negative tokens": 3})
>>> report = reprice_log(log)
>>> report.rows_total, report.rows_priced, report.rows_set_aside
(1000, 997, 3)
>>> report.problems.set_index("kind").loc["negative tokens", "rows"]
np.int64(3)
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import routing

LOG_COLUMNS = ("timestamp", "model", "input_tokens", "output_tokens")
OPTIONAL_COLUMNS = ("task_type",)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
           ".parquet": "parquet", ".pq": "parquet"}
#: Every kind of row that is set aside, with what was expected instead.
BAD_ROW_KINDS = {
    "malformed line": "a CSV line with as many fields as the header",
    "unparsable timestamp": "a date and time such as 2026-10-01T12:00:00Z",
    "unknown model": "a model listed in the pricing table",
    "missing or non-numeric tokens": "input_tokens and output_tokens as whole numbers",
    "negative tokens": "token counts >= 0",
    "unknown task_type": "empty or one of " + ", ".join(routing.TASK_TYPES),
}
AS_LOGGED = "as logged"
DAYS_PER_MONTH = 365.25 / 12
EXAMPLES_PER_KIND = 3


class UsageLogError(ValueError):
    """The log cannot be read at all (missing columns, unknown format, broken file)."""


# --------------------------------------------------------------------------- reading


def log_format(path: str | os.PathLike) -> str:
    """``csv``, ``jsonl`` or ``parquet`` from the file's extension (``.gz`` allowed for text).

    >>> log_format("usage.csv.gz"), log_format("x.parquet")
    ('csv', 'parquet')
    """
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix not in FORMATS:
        raise UsageLogError(f"{path}: got extension {suffix or '(none)'!r}; expected a usage log ending in "
                            f"{', '.join(FORMATS)} (CSV, JSONL or Parquet)")
    return FORMATS[suffix]


@functools.lru_cache(maxsize=4)
def _database(memory_limit: str):
    """One in-memory DuckDB per process and memory limit: starting one takes longer than a small scan."""
    import duckdb

    return duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": tempfile.gettempdir()})


def _connect(threads: int | None = None, memory_limit: str = "1GB"):
    """A fresh connection (cursor) to the process's DuckDB, in UTC."""
    con = _database(memory_limit).cursor()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _reader(path: Path, fmt: str, columns: Sequence[str], rejects: bool = True) -> str:
    p = _sql_str(path)
    if fmt == "parquet":
        return f"read_parquet({p})"
    if fmt == "csv":
        # malformed lines: recorded in the main pass, skipped when looking up examples
        extra = ", store_rejects = true" if rejects else ", ignore_errors = true"
        return f"read_csv({p}, header = true, all_varchar = true{extra})"
    cols = ", ".join(f"{c}: 'VARCHAR'" for c in columns)
    return f"read_json({p}, format = 'newline_delimited', columns = {{{cols}}})"


def _schema(con, path: Path, fmt: str) -> dict[str, str]:
    p = _sql_str(path)
    if fmt == "parquet":
        rel = f"read_parquet({p})"
    elif fmt == "csv":
        rel = f"read_csv({p}, header = true, all_varchar = true, ignore_errors = true)"
    else:
        rel = f"read_json({p}, format = 'newline_delimited', sample_size = 10000)"
    rows = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    return {r[0]: r[1] for r in rows}


_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT"}


def _token_exprs(col: str, sql_type: str) -> tuple[str, str]:
    """SQL for (the value as a number, whether it is missing or not a whole number)."""
    if sql_type.upper() in _INTEGER_TYPES:
        return col, f"{col} IS NULL"
    # trim(): DuckDB pushes a bare TRY_CAST into its CSV reader, which then rejects the line
    num = f"TRY_CAST(trim(CAST({col} AS VARCHAR)) AS DOUBLE)"
    return num, f"({num} IS NULL OR NOT isfinite({num}) OR {num} <> trunc({num}))"


@dataclass
class UsageScan:
    """What one streaming pass over a log keeps: row counts and token sums per group, malformed lines.

    ``groups`` has one row per (model, task type, problem flags[, day]) with ``rows``,
    ``input_tokens`` and ``output_tokens``; ``model`` and ``task`` are None where the value is
    not a known one.
    """

    path: Path
    format: str
    groups: pd.DataFrame
    malformed: pd.DataFrame
    context_windows: tuple[float, ...]
    has_task_type: bool
    first_ts: pd.Timestamp | None
    last_ts: pd.Timestamp | None
    daily: bool
    seconds: float
    kind_sql: dict[str, str] = field(default_factory=dict)
    reader_sql: str = ""


def _over_col(ctx: float) -> str:
    return f"over_{int(ctx)}"


#: Bits of the one-byte problem flag the scan groups by.
_BAD_TOKENS, _NEGATIVE, _BAD_TS, _TASK_MISSING = 1, 2, 4, 8


def scan_usage_log(path: str | os.PathLike, models: Sequence[str], context_windows: Sequence[float] = (), *,
                   daily: bool = True, threads: int | None = None, memory_limit: str = "1GB") -> UsageScan:
    """One streaming pass over the log in DuckDB: rows and token sums per model, task type and problem.

    ``models`` are the known model names (others are set aside as unknown); ``context_windows``
    (tokens) adds one flag per window: the request is longer than it. ``daily`` also groups by
    UTC day (for the figures; the totals do not need it and scan faster without). Model and task
    type are matched exactly; malformed CSV lines are kept (line and text) rather than failing
    the whole read.

    >>> import tempfile, pathlib
    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.parquet", rows=100, seed=1)
    >>> scan = scan_usage_log(log, ["GPT-4o", "Claude 3.5 Sonnet", "GPT-4o-mini"], daily=False)
    >>> int(scan.groups.rows.sum()), sorted(scan.groups.model.unique())
    (100, ['Claude 3.5 Sonnet', 'GPT-4o', 'GPT-4o-mini'])
    """
    path = Path(path).expanduser()
    fmt = log_format(path)
    if not path.exists():
        raise FileNotFoundError(f"usage log {path} does not exist: pass the path of a CSV, JSONL or Parquet log")
    con = _connect(threads, memory_limit)
    started = time.perf_counter()
    try:
        schema = _schema(con, path, fmt)
    except Exception as exc:  # duckdb raises several classes for unreadable files
        con.close()
        raise UsageLogError(f"{path}: cannot read it as {fmt.upper()} ({_first_line(exc)}); expected a "
                            f"{fmt.upper()} file with columns {', '.join(LOG_COLUMNS)}") from None
    missing = [c for c in LOG_COLUMNS if c not in schema]
    if missing:
        con.close()
        raise UsageLogError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                            f"expected columns {', '.join(LOG_COLUMNS)} (and optionally task_type); "
                            f"found {', '.join(schema) or 'none'}; rename the columns or pass another file")
    has_task = "task_type" in schema
    cols = list(LOG_COLUMNS) + (["task_type"] if has_task else [])
    reader = _reader(path, fmt, cols)
    models = list(dict.fromkeys(str(m) for m in models))
    # ENUM codes instead of strings: DuckDB then groups with a perfect hash, much faster
    suffix = uuid.uuid4().hex[:12]  # the database is shared within the process: names unique to this scan
    model_type, task_type = f"pp_model_{suffix}", f"pp_task_{suffix}"
    con.execute(f"CREATE TYPE {model_type} AS ENUM ({', '.join(_sql_str(m) for m in models) or _sql_str('')})")
    # '' is a member so that an empty task type is told from an unknown one without comparing strings
    con.execute(f"CREATE TYPE {task_type} AS ENUM ({', '.join(_sql_str(t) for t in (*routing.TASK_TYPES, ''))})")
    # text formats are read as text (CSV all_varchar, JSON columns VARCHAR), whatever DESCRIBE guessed
    types = schema if fmt == "parquet" else {c: "VARCHAR" for c in schema}
    inp, bad_inp = _token_exprs("input_tokens", types["input_tokens"])
    out, bad_out = _token_exprs("output_tokens", types["output_tokens"])
    typed_ts = fmt == "parquet" and schema["timestamp"].upper().startswith("TIMESTAMP")
    ts_expr = "timestamp" if typed_ts else "TRY_CAST(trim(CAST(timestamp AS VARCHAR)) AS TIMESTAMPTZ)"
    windows = tuple(sorted({float(c) for c in context_windows if c and math.isfinite(c)}))
    if len(windows) > 3:
        raise ValueError(f"at most 3 distinct context windows can be checked, got {len(windows)}")
    task_raw = "CAST(task_type AS VARCHAR)" if has_task else "NULL::VARCHAR"
    flag = " + ".join([
        f"{_BAD_TOKENS} * bad_tokens::UTINYINT",
        f"{_NEGATIVE} * (NOT bad_tokens AND (inp < 0 OR outp < 0))::UTINYINT",
        f"{_BAD_TS} * (ts IS NULL)::UTINYINT",
        f"{_TASK_MISSING} * (task_raw IS NULL)::UTINYINT",
        *[f"{16 << i} * coalesce(inp + outp > {c:.0f}, false)::UTINYINT" for i, c in enumerate(windows)]])
    day = ", epoch_us(ts) // 86400000000 AS day" if daily else ""
    # Parquet: the period comes from the file's statistics in no time; text files: in the same pass
    minmax = "" if fmt == "parquet" else ", min(ts) AS first_ts, max(ts) AS last_ts"
    sql = f"""
        WITH src AS (
            SELECT {ts_expr} AS ts, TRY_CAST(model AS {model_type}) AS model, {task_raw} AS task_raw,
                   TRY_CAST(task_raw AS {task_type}) AS task,
                   {inp} AS inp, {out} AS outp, ({bad_inp} OR {bad_out}) AS bad_tokens
            FROM {reader})
        SELECT model, task, ({flag}) AS flag{day},
               count(*) AS rows, sum(inp) AS input_tokens, sum(outp) AS output_tokens{minmax}
        FROM src GROUP BY ALL"""
    try:
        groups = con.execute(sql).df()
        if fmt == "parquet":
            first, last = con.execute(f"SELECT min({ts_expr}), max({ts_expr}) FROM {reader}").fetchone()
        else:
            ok = groups[(groups.flag.astype(int) & _BAD_TS) == 0]
            first, last = (ok.first_ts.min(), ok.last_ts.max()) if not ok.empty else (None, None)
            groups = groups.drop(columns=["first_ts", "last_ts"])
        malformed = _rejects(con) if fmt == "csv" else pd.DataFrame(columns=["line", "text", "error"])
    except Exception as exc:
        raise UsageLogError(f"{path}: cannot read it as {fmt.upper()} ({_first_line(exc)}); fix the file "
                            "or export it again") from None
    finally:
        for name in (model_type, task_type):
            con.execute(f"DROP TYPE IF EXISTS {name}")
        con.close()
    flags = groups.pop("flag").astype(int)
    groups["model"] = groups["model"].astype(object).where(groups["model"].notna(), None)
    groups["task"] = groups["task"].astype(object).where(groups["task"].notna(), None)
    groups["bad_tokens"] = (flags & _BAD_TOKENS) > 0
    groups["negative"] = (flags & _NEGATIVE) > 0
    groups["bad_ts"] = (flags & _BAD_TS) > 0
    groups["task_missing"] = (flags & _TASK_MISSING) > 0
    for i, c in enumerate(windows):
        groups[_over_col(c)] = (flags & (16 << i)) > 0
    if daily:
        groups["day"] = pd.to_datetime(groups["day"].astype("Float64") * 86400, unit="s", utc=True).dt.date
    for col in ("input_tokens", "output_tokens"):
        groups[col] = groups[col].astype(float)
    groups["rows"] = groups["rows"].astype("int64")
    kind_sql = {
        "unparsable timestamp": f"{ts_expr} IS NULL",
        "missing or non-numeric tokens": f"({bad_inp} OR {bad_out})",
        "negative tokens": f"(NOT ({bad_inp} OR {bad_out}) AND ({inp} < 0 OR {out} < 0))",
    }
    first = None if first is None or pd.isna(first) else pd.Timestamp(first)
    last = None if last is None or pd.isna(last) else pd.Timestamp(last)
    return UsageScan(path, fmt, groups, malformed, windows, has_task, first, last, daily,
                     time.perf_counter() - started, kind_sql=kind_sql,
                     reader_sql=_reader(path, fmt, cols, rejects=False))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _rejects(con) -> pd.DataFrame:
    try:
        rej = con.execute("SELECT line, any_value(csv_line) AS text, string_agg(error_message, '; ') AS error "
                          "FROM reject_errors GROUP BY line ORDER BY line").df()
    except Exception:  # no rejects table: nothing was rejected
        return pd.DataFrame(columns=["line", "text", "error"])
    rej["line"] = rej["line"].astype("int64")
    return rej


# --------------------------------------------------------------------------- classifying rows


def classify(groups: pd.DataFrame) -> pd.DataFrame:
    """The scanned groups with ``task_type``, one flag per bad-row kind, and ``bad``.

    A row without a task type (empty or no column) counts as ``general`` (``task_assumed``).
    """
    g = groups.copy()
    missing = g.task_missing.to_numpy(bool) | (g.task == "").to_numpy(bool)
    g["task_assumed"] = missing
    g["task_type"] = np.where(missing, "general", g.task.astype(object))
    g["unparsable timestamp"] = g.bad_ts.to_numpy(bool)
    g["unknown model"] = g.model.isna().to_numpy(bool)
    g["missing or non-numeric tokens"] = g.bad_tokens.to_numpy(bool)
    g["negative tokens"] = g.negative.to_numpy(bool)
    g["unknown task_type"] = (g.task.isna().to_numpy(bool) & ~missing)
    kinds = [k for k in BAD_ROW_KINDS if k in g]
    g["bad"] = g[kinds].any(axis=1)
    return g


def _examples(scan: UsageScan, kind: str, known_models: Sequence[str], n: int) -> list[dict]:
    """The first ``n`` rows of one bad kind, with their line (CSV, JSONL) or row (Parquet)."""
    models = ", ".join(_sql_str(m) for m in known_models) or "NULL"
    tasks = ", ".join(_sql_str(t) for t in routing.TASK_TYPES)
    where = dict(scan.kind_sql)
    where["unknown model"] = f"(model IS NULL OR CAST(model AS VARCHAR) NOT IN ({models}))"
    if scan.has_task_type:
        where["unknown task_type"] = (f"(task_type IS NOT NULL AND CAST(task_type AS VARCHAR) <> '' AND "
                                      f"CAST(task_type AS VARCHAR) NOT IN ({tasks}))")
    if kind not in where:
        return []
    cols = list(LOG_COLUMNS) + (["task_type"] if scan.has_task_type else [])
    select = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in cols)
    reader = scan.reader_sql
    if scan.format == "parquet":
        reader = reader[:-1] + ", file_row_number = true)"
        select += ", file_row_number + 1 AS row"
    con = _connect()
    try:
        rows = con.execute(f"SELECT {select} FROM {reader} WHERE {where[kind]} LIMIT {int(n)}").df()
    finally:
        con.close()
    out = [{k: (None if pd.isna(v) else (int(v) if k == "row" else v)) for k, v in r.items()}
           for r in rows.to_dict("records")]
    return out


def _locate_lines(path: Path, fmt: str, examples: list[dict], columns: Sequence[str]) -> None:
    """Add ``line`` (1-based, header = line 1) to each example by scanning the file once, stopping early."""
    if not examples or fmt == "parquet":
        return
    import gzip

    def norm(v):
        return "" if v is None else str(v).strip()

    wanted: dict[tuple, list[dict]] = {}
    for ex in examples:
        wanted.setdefault(tuple(norm(ex.get(c)) for c in columns), []).append(ex)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        if fmt == "csv":
            reader = csv.reader(fh)
            header = next(reader, [])
            idx = [header.index(c) if c in header else None for c in columns]
            for record in reader:
                key = tuple(norm(record[i]) if i is not None and i < len(record) else "" for i in idx)
                if key in wanted:
                    for ex in wanted.pop(key):
                        ex["line"] = reader.line_num
                    if not wanted:
                        return
        else:
            for number, text in enumerate(fh, start=1):
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue
                if not isinstance(obj, dict):
                    continue
                key = tuple(norm(obj.get(c)) for c in columns)
                if key in wanted:
                    for ex in wanted.pop(key):
                        ex["line"] = number
                    if not wanted:
                        return


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
    workload: routing.Workload | None
    policies: list[routing.Policy]
    notes: list[str]
    scan_seconds: float

    def summary(self) -> str:
        """A few lines for people: rows read, priced, set aside (by kind, with examples), notes.

        >>> import tempfile, pathlib
        >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.jsonl", rows=50, seed=2,
        ...                          bad_rows={"unknown model": 1})
        >>> print(reprice_log(log).summary().splitlines()[1])
        50 rows read: 49 priced, 1 set aside.
        """
        lines = [f"{self.file} ({self.format.upper()})",
                 f"{self.rows_total:,} rows read: {self.rows_priced:,} priced, {self.rows_set_aside:,} set aside."]
        if self.first_ts is not None:
            lines.append(f"Period: {self.first_ts:%Y-%m-%d %H:%M} to {self.last_ts:%Y-%m-%d %H:%M} UTC "
                         f"({self.months * DAYS_PER_MONTH:.1f} days); monthly figures scale to "
                         f"{DAYS_PER_MONTH:.2f} days.")
        for p in self.problems.itertuples():
            lines.append(f"  set aside: {p.rows:,} rows with {p.kind} (expected {p.expected})")
            for ex in p.examples:
                where = f"line {ex['line']}" if ex.get("line") else (f"row {ex['row']}" if ex.get("row") else "")
                values = ", ".join(f"{k}={v!r}" for k, v in ex.items() if k not in ("line", "row"))
                lines.append(f"    e.g. {where}: {values}" if where else f"    e.g. {values}")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def table(self) -> pd.DataFrame:
        """The totals as people read them: scenario, cost, monthly cost, rows not served, savings."""
        t = self.totals
        return t[["scenario", "kind", "cost_usd", "monthly_cost_usd", "rows_unserved",
                  "savings_vs_logged_pct", "savings_vs_baseline_pct", "note"]]


def _months(first, last) -> float:
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return math.nan
    days = (pd.Timestamp(last) - pd.Timestamp(first)).total_seconds() / 86400
    return days / DAYS_PER_MONTH if days > 0 else math.nan


def workload_from_groups(good: pd.DataFrame, months: float, name: str = "from usage log") -> routing.Workload | None:
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
    for t in routing.TASK_TYPES:
        m = tasks == t
        n = rows[m].sum()
        if n:
            out.append({"task_type": t, "share": n / rows.sum(), "input_tokens": inp[m].sum() / n,
                        "output_tokens": outp[m].sum() / n})
    rpm = rows.sum() / months if months and math.isfinite(months) else math.nan
    return routing.Workload(pd.DataFrame(out), float(rpm), name=name)


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
    return {str(m): _Cap(str(m), float(r.input_usd_per_mtok), float(r.output_usd_per_mtok), bool(r.vision),
                         bool(r.vision_known), float(r.context_window_tokens))
            for m, r in zip(caps.index, caps.itertuples(index=False))}


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
        """Which groups ``cap`` can serve, and why not, by the rules of :func:`routing.refusal`."""
        if cap.model not in self._served:
            over = self.over.get(cap.context_window_tokens)
            why = [routing.refusal(cap, t, over_context=bool(over[i]) if over is not None else False)
                   for i, t in enumerate(self.task)]
            self._served[cap.model] = (np.array([w is None for w in why], dtype=bool), why)
        return self._served[cap.model]


def _scenario_row(name: str, kind: str, cost: np.ndarray, why: list, g: _Groups) -> dict:
    served = ~np.isnan(cost)
    unserved_rows = int(g.rows[~served].sum())
    note = None
    if unserved_rows:
        counts: dict[str, int] = {}
        for i in np.flatnonzero(~served):
            counts[why[i] or "not served"] = counts.get(why[i] or "not served", 0) + int(g.rows[i])
        note = "not served: " + "; ".join(f"{n:,} row{'s' if n != 1 else ''} ({r})" for r, n in
                                           sorted(counts.items(), key=lambda kv: -kv[1]))
    total = float(cost[served].sum()) if served.any() else (0.0 if g.rows.sum() == 0 else math.nan)
    return {"scenario": name, "kind": kind, "cost_usd": total, "rows_served": int(g.rows[served].sum()),
            "rows_unserved": unserved_rows, "note": note}


def reprice(scan: UsageScan, caps: pd.DataFrame, policies: Sequence[routing.Policy] = (),
            baseline: str = routing.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
            locate_lines: bool = True) -> UsageReport:
    """Price the scanned log as logged, under every model alone and under each policy.

    ``cost_usd`` covers the rows a scenario serves; ``rows_unserved`` counts the others (a
    vision request on a model without vision, a request longer than the context window, a
    model whose price is unknown) and ``note`` says why. Savings are left empty when either
    side leaves rows unserved: the bills would cover different traffic. Cost is linear in
    tokens, so pricing each group's token sums prices exactly what its rows would.
    """
    g = classify(scan.groups)
    good = g[~g.bad].reset_index(drop=True)
    bad = g[g.bad]
    problems = []
    kinds = {k: int(bad.rows[bad[k].to_numpy(bool)].sum()) for k in BAD_ROW_KINDS if k in bad}
    kinds["malformed line"] = len(scan.malformed)
    cols = list(LOG_COLUMNS) + (["task_type"] if scan.has_task_type else [])
    for kind in BAD_ROW_KINDS:
        n = kinds.get(kind, 0)
        if not n:
            continue
        if kind == "malformed line":
            ex = [{"line": int(r.line), "text": r.text, "error": r.error}
                  for r in scan.malformed.head(examples).itertuples()]
        else:
            ex = _examples(scan, kind, list(caps.index), examples) if examples else []
            if locate_lines:
                _locate_lines(scan.path, scan.format, ex, cols)
        problems.append({"kind": kind, "rows": n, "expected": BAD_ROW_KINDS[kind], "examples": ex})
    problems = pd.DataFrame(problems, columns=["kind", "rows", "expected", "examples"])
    if not problems.empty:
        problems["rows"] = problems["rows"].astype("int64")

    grp = _Groups(good, scan.context_windows)
    rows_priced = int(grp.rows.sum())
    rows_set_aside = int(bad.rows.sum()) + len(scan.malformed)
    first, last = scan.first_ts, scan.last_ts
    months = _months(first, last)
    notes = []
    assumed = int(good.rows[good.task_assumed.to_numpy(bool)].sum())
    if assumed:
        notes.append(f"{assumed:,} priced rows have no task_type and count as general (an assumption)"
                     if scan.has_task_type else
                     "the log has no task_type column: every row counts as general (an assumption), "
                     "so vision requests cannot be told apart")
    if not math.isfinite(months) and rows_priced:
        notes.append("the log spans no time (one timestamp): monthly figures are unknown")

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
    for model, cap in capd.items():
        ok, why = grp.served(cap)
        cost = np.where(ok, grp.cost(cap), np.nan)
        scenarios.append((model, "single", cost, [None if o else f"{model}: {w}" for o, w in zip(ok, why)]))
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
                baseline: str = routing.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
                daily: bool = True, threads: int | None = None) -> UsageReport:
    """Scan a log and re-price it under every model and the shipped policies, in one call.

    The threshold and optimised policies are built for the workload the log itself describes
    (its task mix, mean tokens per request and monthly rate); the budget is per month.
    """
    caps = routing.capabilities() if caps is None else caps
    scan = scan_usage_log(path, list(caps.index), caps.context_window_tokens.dropna().unique(),
                          daily=daily, threads=threads)
    return reprice(scan, caps, log_policies(scan, caps, thresholds, budget_usd), baseline, examples=examples)


def log_policies(scan: UsageScan, caps: pd.DataFrame, thresholds: Mapping[str, float] | None = None,
                 budget_usd: float | None = None) -> list[routing.Policy]:
    """The article's router, and the threshold and (with a monthly budget) optimised policies for the log's own workload."""
    policies = [routing.article_router()]
    w = log_workload(scan)
    if w is not None:
        table = routing.task_model_table(w, caps)
        policies.append(routing.threshold_policy(table, routing.EXAMPLE_THRESHOLDS if thresholds is None
                                                 else thresholds))
        if budget_usd is not None and math.isfinite(w.requests_per_month):
            policies.append(routing.optimise_policy(table, w, budget_usd))
    return policies


def log_workload(scan: UsageScan) -> routing.Workload | None:
    """The workload a scanned log describes (priced rows only); ``None`` when nothing is priced.

    >>> import tempfile, pathlib
    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.csv", rows=2000, seed=1)
    >>> w = log_workload(scan_usage_log(log, list(routing.capabilities().index)))
    >>> w.tasks.set_index("task_type").share.round(1).to_dict()["general"]
    0.3
    """
    g = classify(scan.groups)
    return workload_from_groups(g[~g.bad], _months(scan.first_ts, scan.last_ts))


# --------------------------------------------------------------------------- synthetic logs

#: Models of the generated demo log's text requests and their shares (vision goes to GPT-4o).
DEMO_LOG_MODELS = {"GPT-4o": 0.6, "Claude 3.5 Sonnet": 0.25, "GPT-4o-mini": 0.15}
_BAD_VALUES = {
    "unparsable timestamp": ("timestamp", "yesterday afternoon"),
    "unknown model": ("model", "GPT-5 (not in the pricing table)"),
    "missing or non-numeric tokens": ("output_tokens", "twelve"),
    "negative tokens": ("input_tokens", "-40"),
    "unknown task_type": ("task_type", "poetry"),
}

#: The bad-row kinds the generator can plant (a malformed line is not one of them).
DEMO_BAD_ROW_KINDS = tuple(_BAD_VALUES)


def generate_usage_log(path: str | os.PathLike, rows: int = 10_000, seed: int = 0,
                       workload: routing.Workload | None = None,
                       models: Mapping[str, float] | None = None, start: str = "2026-10-01",
                       days: float = 30.0, bad_rows: Mapping[str, int] | None = None,
                       long_requests: int = 0, task_type: bool = True,
                       chunk_rows: int = 1_000_000) -> Path:
    """Write a seeded synthetic usage log (CSV, JSONL or Parquet, from the extension); a simulation.

    Task types follow ``workload``'s shares (default: the shipped example), tokens are
    log-normal around its means, timestamps uniform over ``days`` from ``start``, text requests
    go to ``models`` in proportion and vision requests to GPT-4o. ``bad_rows`` plants that
    many rows of each kind in :data:`BAD_ROW_KINDS` (other than malformed lines), and
    ``long_requests`` rows of 150,000 input tokens (longer than a 128K window). Written in
    chunks of ``chunk_rows``, so ten million rows need little memory.

    >>> import tempfile, pathlib
    >>> p = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.parquet", rows=10, seed=3)
    >>> import pyarrow.parquet as pq; pq.read_table(p).num_rows
    10
    """
    import pyarrow as pa

    path = Path(path)
    fmt = log_format(path)
    workload = workload or routing.example_workload()
    models = dict(models or DEMO_LOG_MODELS)
    bad_rows = dict(bad_rows or {})
    for kind in bad_rows:
        if kind not in _BAD_VALUES:
            raise ValueError(f"bad_rows: got kind {kind!r}; expected one of {', '.join(_BAD_VALUES)}")
    if "unknown task_type" in bad_rows and not task_type:
        raise ValueError("bad_rows: an unknown task_type needs task_type=True")
    rng = np.random.default_rng(seed)
    n_bad = sum(bad_rows.values())
    if n_bad + long_requests > rows:
        raise ValueError(f"rows={rows} is fewer than the {n_bad + long_requests} special rows asked for")
    special = rng.choice(rows, size=n_bad + long_requests, replace=False) if n_bad + long_requests else np.array([], int)
    special_kind = np.array([k for k, n in bad_rows.items() for _ in range(n)] + ["long"] * long_requests, dtype=object)
    order = np.argsort(special)
    special, special_kind = special[order], special_kind[order]

    tasks = workload.tasks
    task_names = np.array(tasks.task_type, dtype=object)
    task_p = tasks.share.to_numpy(float)
    task_p = task_p / task_p.sum()
    mean_in = tasks.input_tokens.to_numpy(float)
    mean_out = tasks.output_tokens.to_numpy(float)
    model_names = np.array(list(models), dtype=object)
    model_p = np.array(list(models.values()), float)
    model_p = model_p / model_p.sum()
    all_models = list(dict.fromkeys([*model_names, "GPT-4o", "Claude 3.5 Sonnet", _BAD_VALUES["unknown model"][1]]))
    start_ts = np.datetime64(pd.Timestamp(start).tz_localize(None).to_datetime64(), "us")
    span_us = int(days * 86400e6)
    sigma = 0.6
    strings = fmt != "parquet" or bool(set(bad_rows) & {"unparsable timestamp", "missing or non-numeric tokens"})

    writer = None
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    try:
        for lo in range(0, rows, chunk_rows):
            n = min(chunk_rows, rows - lo)
            t_idx = rng.choice(len(task_names), size=n, p=task_p)
            m_idx = rng.choice(len(model_names), size=n, p=model_p)
            model_col = np.array([all_models.index(m) for m in model_names], np.int32)[m_idx]
            model_col[task_names[t_idx] == "vision"] = all_models.index("GPT-4o")
            mu_shift = -sigma**2 / 2
            inp = np.maximum(1, np.rint(mean_in[t_idx] * rng.lognormal(mu_shift, sigma, n))).astype(np.int64)
            out = np.maximum(1, np.rint(mean_out[t_idx] * rng.lognormal(mu_shift, sigma, n))).astype(np.int64)
            ts = start_ts + rng.integers(0, span_us, n).astype("timedelta64[us]")
            in_chunk = (special >= lo) & (special < lo + n)
            pos, kinds = special[in_chunk] - lo, special_kind[in_chunk]
            long_pos = pos[kinds == "long"]
            inp[long_pos] = 150_000
            model_col[long_pos] = all_models.index("Claude 3.5 Sonnet")
            if strings:
                cols = {
                    "timestamp": pd.Series(ts).dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(dtype=object),
                    "model": np.array(all_models, dtype=object)[model_col],
                    "input_tokens": inp.astype(str).astype(object),
                    "output_tokens": out.astype(str).astype(object),
                }
                if task_type:
                    cols["task_type"] = task_names[t_idx]
                for p, kind in zip(pos, kinds):
                    if kind in _BAD_VALUES:
                        col, value = _BAD_VALUES[kind]
                        cols[col][p] = value
                frame = pd.DataFrame(cols)
                if fmt == "parquet":
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                else:
                    table = None
            else:
                for p, kind in zip(pos, kinds):
                    if kind == "negative tokens":
                        inp[p] = -40
                    elif kind == "unknown model":
                        model_col[p] = all_models.index(_BAD_VALUES["unknown model"][1])
                    elif kind == "unknown task_type":
                        t_idx[p] = -1
                arrays = {
                    "timestamp": pa.array(ts, pa.timestamp("us", tz="UTC")),
                    "model": pa.DictionaryArray.from_arrays(pa.array(model_col, pa.int32()), pa.array(all_models)),
                    "input_tokens": pa.array(inp, pa.int64()),
                    "output_tokens": pa.array(out, pa.int64()),
                }
                if task_type:
                    names = [*task_names, _BAD_VALUES["unknown task_type"][1]]
                    t_codes = np.where(t_idx < 0, len(names) - 1, t_idx).astype(np.int32)
                    arrays["task_type"] = pa.DictionaryArray.from_arrays(pa.array(t_codes), pa.array(names))
                table = pa.table(arrays)
            if fmt == "parquet":
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            elif fmt == "csv":
                frame.to_csv(path, mode="a", header=lo == 0, index=False)
            else:
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(frame.to_json(orient="records", lines=True).rstrip("\n") + "\n")
    finally:
        if writer is not None:
            writer.close()
    return path


# --------------------------------------------------------------------------- command line


def format_totals(report: UsageReport) -> str:
    """The re-priced totals as a plain-text table, cheapest complete scenario first.

    >>> import tempfile, pathlib
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=200, seed=1))
    >>> print(format_totals(rep).splitlines()[0])
    scenario                     cost of the log   per month  rows not served  vs as logged
    """
    from analysis.pricing import format_usd

    t = report.totals.copy()
    t["complete"] = t.rows_unserved == 0
    t = t.sort_values(["complete", "cost_usd"], ascending=[False, True], na_position="last")
    width = max(28, t.scenario.str.len().max() + 1)
    lines = [f"{'scenario':<{width}} {'cost of the log':>15} {'per month':>11} {'rows not served':>16} "
             f"{'vs as logged':>13}"]
    for r in t.itertuples():
        vs = "" if pd.isna(r.savings_vs_logged_pct) or r.scenario == AS_LOGGED else (
            f"{-r.savings_vs_logged_pct:+.1f}%")
        lines.append(f"{r.scenario:<{width}} {format_usd(r.cost_usd, 2):>15} {format_usd(r.monthly_cost_usd, 2):>11} "
                     f"{r.rows_unserved:>16,} {vs:>13}")
    return "\n".join(lines)


def reprice_cli(args) -> int:
    """``pricepoint reprice LOG``: re-price a usage log and print what it cost under each model and policy."""
    from analysis.data import load_benchmarks, load_model_facts, load_pricing

    pricing = load_pricing(args.pricing)
    caps = routing.capabilities(pricing, load_benchmarks(args.benchmarks, pricing=pricing),
                                load_model_facts(args.model_facts, pricing=pricing))
    thresholds = routing.parse_mapping(args.thresholds, "--thresholds") if args.thresholds else None
    scan = scan_usage_log(args.log, list(caps.index), caps.context_window_tokens.dropna().unique(),
                          daily=False, threads=args.threads)
    report = reprice(scan, caps, log_policies(scan, caps, thresholds, args.budget), args.baseline,
                     examples=args.examples)
    print(report.summary())
    print()
    print(format_totals(report))
    notes = [f"{r.scenario}: {r.note}" for r in report.totals.itertuples() if isinstance(r.note, str)]
    if notes:
        print("\nNot served:")
        print("\n".join(f"  {n}" for n in notes))
    if args.csv:
        out = Path(args.csv)
        report.totals.to_csv(out, index=False)
        print(f"\nWrote {out}")
    print(f"\nScanned in {report.scan_seconds:.2f} s. Prices as published (data/pricing.csv unless --pricing); "
          f"the threshold and optimised policies are built for this log's own mix.")
    return 0

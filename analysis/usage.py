"""Re-price a real usage log under every model and routing policy, streaming it through DuckDB.

A usage log is a CSV, JSONL or Parquet file with one row per request and the columns
``timestamp, model, input_tokens, output_tokens`` and, optionally, ``task_type`` (one of
:data:`analysis.routing.TASK_TYPES`; a row without one counts as ``general``, and the report
says how many). :func:`scan_usage_log` reads the file once in DuckDB, which streams it (a file
larger than memory is fine), and keeps only token sums per day, model, task type and problem;
:func:`reprice` prices those sums under each model and policy (cost is linear in tokens, so the
sums price exactly what the rows would).

Two passes, for two questions. :func:`reprice_models` answers "what would this log cost under
every model alone" and nothing else, as fast as the file allows (a typed Parquet log: from its
statistics and one pass grouped by task type, about twice DuckDB's time to sum the token
columns); :func:`reprice_log` (:func:`scan_usage_log` + :func:`reprice`) keeps the grouped scan
for what needs it: the routing policies, the as-logged cost per model, daily figures and the
log's own workload. Both give the same per-model figures to the cent.

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


@dataclass
class _LogSource:
    """A log's columns and the SQL that reads and checks them (shared by both passes)."""

    path: Path
    format: str
    schema: dict[str, str]
    has_task_type: bool
    columns: list[str]
    reader: str  # the main pass (CSV: malformed lines stored as rejects)
    reader_sql: str  # example look-ups (CSV: malformed lines skipped)
    ts_expr: str
    inp: str
    out: str
    bad_inp: str
    bad_out: str
    task_raw: str
    kind_sql: dict[str, str]
    #: Parquet with a TIMESTAMP, whole-number tokens and text model and task type: the file's
    #: statistics and dictionaries can answer the checks (see :func:`reprice_models`).
    typed: bool


def _open_log(con, path: Path) -> _LogSource:
    """Read the log's schema and build the SQL of the checks; errors name the file and what was expected."""
    fmt = log_format(path)
    if not path.exists():
        raise FileNotFoundError(f"usage log {path} does not exist: pass the path of a CSV, JSONL or Parquet log")
    try:
        schema = _schema(con, path, fmt)
    except Exception as exc:  # duckdb raises several classes for unreadable files
        raise UsageLogError(f"{path}: cannot read it as {fmt.upper()} ({_first_line(exc)}); expected a "
                            f"{fmt.upper()} file with columns {', '.join(LOG_COLUMNS)}") from None
    missing = [c for c in LOG_COLUMNS if c not in schema]
    if missing:
        raise UsageLogError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                            f"expected columns {', '.join(LOG_COLUMNS)} (and optionally task_type); "
                            f"found {', '.join(schema) or 'none'}; rename the columns or pass another file")
    has_task = "task_type" in schema
    cols = list(LOG_COLUMNS) + (["task_type"] if has_task else [])
    # text formats are read as text (CSV all_varchar, JSON columns VARCHAR), whatever DESCRIBE guessed
    types = {c: t.upper() for c, t in schema.items()} if fmt == "parquet" else {c: "VARCHAR" for c in schema}
    inp, bad_inp = _token_exprs("input_tokens", types["input_tokens"])
    out, bad_out = _token_exprs("output_tokens", types["output_tokens"])
    typed_ts = fmt == "parquet" and types["timestamp"].startswith("TIMESTAMP")
    ts_expr = "timestamp" if typed_ts else "TRY_CAST(trim(CAST(timestamp AS VARCHAR)) AS TIMESTAMPTZ)"
    kind_sql = {
        "unparsable timestamp": f"{ts_expr} IS NULL",
        "missing or non-numeric tokens": f"({bad_inp} OR {bad_out})",
        "negative tokens": f"(NOT ({bad_inp} OR {bad_out}) AND ({inp} < 0 OR {out} < 0))",
    }
    typed = (typed_ts and types["input_tokens"] in _INTEGER_TYPES and types["output_tokens"] in _INTEGER_TYPES
             and types["model"] == "VARCHAR" and (not has_task or types["task_type"] == "VARCHAR"))
    return _LogSource(path, fmt, schema, has_task, cols, _reader(path, fmt, cols), _reader(path, fmt, cols, rejects=False),
                      ts_expr, inp, out, bad_inp, bad_out, "CAST(task_type AS VARCHAR)" if has_task else "NULL::VARCHAR",
                      kind_sql, typed)


def _over_col(ctx: float) -> str:
    return f"over_{int(ctx)}"


#: Bits of the one-byte problem flag the scan groups by.
_BAD_TOKENS, _NEGATIVE, _BAD_TS, _TASK_MISSING = 1, 2, 4, 8


def scan_usage_log(path: str | os.PathLike, models: Sequence[str], context_windows: Sequence[float] = (), *,
                   daily: bool = True, threads: int | None = None, memory_limit: str = "1GB") -> UsageScan:
    """One streaming pass over the log in DuckDB: rows and token sums per model, task type and problem.

    What :func:`reprice` needs for policies, the as-logged cost and daily figures; for per-model
    totals alone, :func:`reprice_models` is faster.

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
    log_format(path)
    con = _connect(threads, memory_limit)
    started = time.perf_counter()
    try:
        src = _open_log(con, path)
    except Exception:
        con.close()
        raise
    fmt, has_task, reader = src.format, src.has_task_type, src.reader
    inp, out, bad_inp, bad_out, ts_expr = src.inp, src.out, src.bad_inp, src.bad_out, src.ts_expr
    models = list(dict.fromkeys(str(m) for m in models))
    windows = _windows(context_windows)
    if len(windows) > 3:
        con.close()
        raise ValueError(f"at most 3 distinct context windows can be checked, got {len(windows)}")
    # ENUM codes instead of strings: DuckDB then groups with a perfect hash, much faster
    suffix = uuid.uuid4().hex[:12]  # the database is shared within the process: names unique to this scan
    model_type, task_type = f"pp_model_{suffix}", f"pp_task_{suffix}"
    con.execute(f"CREATE TYPE {model_type} AS ENUM ({', '.join(_sql_str(m) for m in models) or _sql_str('')})")
    # '' is a member so that an empty task type is told from an unknown one without comparing strings
    con.execute(f"CREATE TYPE {task_type} AS ENUM ({', '.join(_sql_str(t) for t in (*routing.TASK_TYPES, ''))})")
    task_raw = src.task_raw
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
    return UsageScan(path, fmt, groups, malformed, windows, has_task, _timestamp(first), _timestamp(last), daily,
                     time.perf_counter() - started, kind_sql=src.kind_sql, reader_sql=src.reader_sql)


def _timestamp(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _windows(context_windows: Sequence[float]) -> tuple[float, ...]:
    """The distinct known context windows (tokens), smallest first."""
    return tuple(sorted({float(c) for c in context_windows if c and math.isfinite(c)}))


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


def _examples(scan: UsageScan | _LogSource, kind: str, known_models: Sequence[str], n: int) -> list[dict]:
    """The first ``n`` rows of one bad kind, with their line (CSV, JSONL) or row (Parquet).

    A second, LIMITed query, run only for a kind whose count is not zero.
    """
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
        return _summary(self)

    def table(self) -> pd.DataFrame:
        """The totals as people read them: scenario, cost, monthly cost, rows not served, savings."""
        t = self.totals
        return t[["scenario", "kind", "cost_usd", "monthly_cost_usd", "rows_unserved",
                  "savings_vs_logged_pct", "savings_vs_baseline_pct", "note"]]


def _summary(r: UsageReport | ModelTotals) -> str:
    lines = [f"{r.file} ({r.format.upper()})",
             f"{r.rows_total:,} rows read: {r.rows_priced:,} priced, {r.rows_set_aside:,} set aside."]
    if r.first_ts is not None:
        lines.append(f"Period: {r.first_ts:%Y-%m-%d %H:%M} to {r.last_ts:%Y-%m-%d %H:%M} UTC "
                     f"({r.months * DAYS_PER_MONTH:.1f} days); monthly figures scale to "
                     f"{DAYS_PER_MONTH:.2f} days.")
    for p in r.problems.itertuples():
        lines.append(f"  set aside: {p.rows:,} rows with {p.kind} (expected {p.expected})")
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
        """Which groups ``cap`` can serve, and why not, by the rules of :func:`routing.refusal`."""
        if cap.model not in self._served:
            # refusal() looks at the price, then vision, then the window: one reason per rule,
            # asked once per model rather than once per group
            why = np.full(len(self.task), None, dtype=object)
            price = routing.refusal(cap, "general")
            if price is not None:
                why[:] = price
            else:
                no_vision = (self.task == "vision") if not cap.vision else np.zeros(len(self.task), bool)
                why[no_vision] = routing.refusal(cap, "vision")
                over = self.over.get(cap.context_window_tokens)
                if over is not None:
                    why[over & ~no_vision] = routing.refusal(cap, "general", over_context=True)
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
        note = "not served: " + "; ".join(f"{n:,} row{'s' if n != 1 else ''} ({r})" for r, n in
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


def reprice(scan: UsageScan, caps: pd.DataFrame, policies: Sequence[routing.Policy] = (),
            baseline: str = routing.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
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
    problems = _problem_table(kinds, scan.malformed, scan, list(caps.index), examples, locate_lines)

    grp = _Groups(good, scan.context_windows)
    rows_priced = int(grp.rows.sum())
    rows_set_aside = int(bad.rows.sum()) + len(scan.malformed)
    first, last = scan.first_ts, scan.last_ts
    months = _months(first, last)
    notes = _assumed_note(int(good.rows[good.task_assumed.to_numpy(bool)].sum()), scan.has_task_type)
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
                baseline: str = routing.DEFAULT_BASELINE, examples: int = EXAMPLES_PER_KIND,
                daily: bool = True, threads: int | None = None) -> UsageReport:
    """Scan a log and re-price it under every model and the shipped policies, in one call.

    The threshold and optimised policies are built for the workload the log itself describes
    (its task mix, mean tokens per request and monthly rate); the budget is per month. This is
    the grouped scan; when only the cost under every model alone is wanted, :func:`reprice_models`
    gives the same figures faster.
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
        return "general" if raw is None or raw == "" else (raw if raw in routing.TASK_TYPES else None)

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

    The figures are those of the ``single`` rows of ``reprice(scan_usage_log(...))`` (same rows
    priced, same bad-row counts by kind, same cost to the cent, same rows not served and why);
    use this where only per-model totals are needed, and :func:`reprice_log` for what needs the
    grouped scan: routing policies (they route by task type), the as-logged cost per model,
    daily figures, the log's own workload.

    Cost is linear in tokens: a model's bill is its input price times the input tokens of the
    rows it can serve plus the same for output, so the pass only needs token sums of the valid
    rows, split by whether the request is a vision one and by the context windows it exceeds.
    A Parquet log with a TIMESTAMP column, whole-number tokens and text model and task type is
    answered by :func:`_statistics_pass` (the file's statistics, then one pass grouped by the
    dictionary-encoded task type, with unknown models found by a dictionary-tested filter);
    one with a null timestamp or token or a negative token, and every CSV or JSONL log, goes
    through the grouped scan (``daily=False``). Rows that cannot be priced are counted by kind and
    set aside either way, with examples fetched afterwards by a LIMITed query for each kind
    whose count is not zero.

    Measured on the benchmark's clean 10-million-row log (DuckDB 2.0.1, 2 shared cores;
    ``benchmarks/bench_usage.py``), as multiples of DuckDB summing the two token columns: this
    path 2.0-2.2x (the grouping by task type alone is 1.8-1.9x), the grouped scan 3.1-3.5x, one
    ungrouped aggregate with a FILTER clause per condition 8-10x (each filtered sum costs about a
    third of the whole reference; CASE or multiplying by a 0/1 flag cost more; grouping by a
    0/1 vision flag is 1.65x but then task types need a check of their own, 0.2-0.65x). Telling
    unknown models apart costs 0.2x as an interval filter, 0.6-0.7x with ``NOT IN``, an ENUM cast
    or ``list_position`` row by row. A log with unknown models and task types and long requests
    costs more (3.7x on 10 million rows with 100 of each, plus 0.25x per kind for examples), one
    with negative tokens what the grouped scan costs.

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

    A log with negative tokens takes the grouped scan, with the same figures:

    >>> log = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "log.parquet", rows=1000, seed=1,
    ...                          bad_rows={"negative tokens": 2})
    >>> fast = reprice_models(log, examples=1)
    >>> fast.method, fast.rows_priced, fast.problems.examples[0][0]["input_tokens"]
    ('grouped scan', 998, '-40')
    """
    caps = routing.capabilities() if caps is None else caps
    known = list(dict.fromkeys(str(m) for m in caps.index))
    windows = _windows(caps.context_window_tokens.dropna().unique())
    path = Path(path).expanduser()
    log_format(path)
    started = time.perf_counter()
    con = _connect(threads, memory_limit)
    try:
        src = _open_log(con, path)
        try:
            fast = _statistics_pass(con, src, known, windows) if src.typed else None
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
    """``pricepoint reprice LOG``: re-price a usage log and print what it cost under each model and policy.

    It prints the as-logged cost and the policies built for the log's own task mix, which need the
    grouped scan, so it does not use :func:`reprice_models` (that would read the file twice).
    """
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


def given_or_demo_log(usage_log: str | os.PathLike | None, workload: routing.Workload | None = None,
                      rows: int = 20_000, seed: int = 7) -> tuple[Path, bool]:
    """The user's usage log, or (when ``usage_log`` is empty) a seeded demo log: ``(path, generated)``.

    The demo log follows ``workload``'s mix and carries two rows of every bad-row kind, so the
    report shows how they are set aside. It is written to a temporary folder that is removed
    when the process exits.

    >>> path, generated = given_or_demo_log("", rows=50, seed=1)
    >>> generated, path.suffix, sum(1 for _ in open(path)) > 50
    (True, '.csv', True)
    >>> given_or_demo_log("/data/my-log.parquet")
    (PosixPath('/data/my-log.parquet'), False)
    """
    import atexit
    import shutil

    if usage_log and str(usage_log).strip():
        return Path(usage_log).expanduser(), False
    folder = Path(tempfile.mkdtemp(prefix="pricepoint-demo-log-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = generate_usage_log(folder / "demo-usage-log.csv", rows=int(rows), seed=int(seed), workload=workload,
                              bad_rows={k: 2 for k in DEMO_BAD_ROW_KINDS})
    return Path(path), True

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

>>> from analysis.traffic.demo_log import generate_usage_log
>>> from analysis.traffic.reprice import reprice_log
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

import functools
import gzip
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

from analysis.traffic import workload as traffic_workload
from analysis.traffic.aliases import model_aliases, resolve_log_names
from analysis.traffic.log_lines import locate_lines as _locate_lines  # noqa: F401  (imported from here too)

LOG_COLUMNS = ("timestamp", "model", "input_tokens", "output_tokens")

OPTIONAL_COLUMNS = ("task_type",)

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
           ".parquet": "parquet", ".pq": "parquet"}

#: Every kind of row that is set aside, with what was expected instead.
BAD_ROW_KINDS = {
    "malformed line": "a CSV line with as many fields as the header, or a JSONL line holding one JSON object",
    "unparsable timestamp": "a date and time such as 2026-10-01T12:00:00Z",
    "unknown model": "a model listed in the pricing table",
    "missing or non-numeric tokens": "input_tokens and output_tokens as whole numbers",
    "negative tokens": "token counts >= 0",
    "unknown task_type": "empty or one of " + ", ".join(traffic_workload.TASK_TYPES),
}

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


def _jsonl_lines(p: str) -> str:
    """A JSONL file as one text column ``line`` (NULL for a blank line) and whether it holds one JSON object."""
    return (f"(SELECT line, coalesce(json_valid(line), false) AND (CASE WHEN json_valid(line) "
            f"THEN json_type(line) = 'OBJECT' END) AS is_object FROM read_csv({p}, columns = {{'line': 'VARCHAR'}}, "
            f"header = false, delim = '\\x1f', quote = '', escape = '', auto_detect = false, strict_mode = false))")


def _reader(path: Path, fmt: str, columns: Sequence[str], rejects: bool = True) -> str:
    p = _sql_str(path)
    if fmt == "parquet":
        return f"read_parquet({p})"
    if fmt == "csv":
        # malformed lines: recorded in the main pass, skipped when looking up examples
        extra = ", store_rejects = true" if rejects else ", ignore_errors = true"
        return f"read_csv({p}, header = true, all_varchar = true{extra})"
    # JSONL: read line by line, so that a malformed line is set aside (see _jsonl_malformed), not fatal
    cols = ", ".join(f"json_extract_string(line, {_sql_str('$.' + c)}) AS {c}" for c in columns)
    return f"(SELECT {cols} FROM {_jsonl_lines(p)} WHERE is_object)"


def _jsonl_malformed(con, path: Path) -> pd.DataFrame:
    """The lines of a JSONL log that hold no JSON object: line number, text and what is wrong (empty when none).

    DuckDB counts them in one pass; only when there are some does Python find their line numbers.
    """

    bad = con.execute(f"SELECT count(*) FROM {_jsonl_lines(_sql_str(path))} "
                      f"WHERE line IS NOT NULL AND NOT is_object").fetchone()[0]
    rows = []
    if bad:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    value = json.loads(text)
                    error = None if isinstance(value, dict) else f"a JSON {type(value).__name__}, not an object"
                except ValueError as exc:
                    error = f"not JSON ({exc.msg})"
                if error:
                    rows.append({"line": number, "text": text.rstrip("\n")[:200], "error": error})
    return pd.DataFrame(rows, columns=["line", "text", "error"])


def _schema(con, path: Path, fmt: str) -> dict[str, str]:
    p = _sql_str(path)
    if fmt == "parquet":
        rel = f"read_parquet({p})"
    elif fmt == "csv":
        rel = f"read_csv({p}, header = true, all_varchar = true, ignore_errors = true)"
    else:  # the keys of the JSON objects among the first lines, each read as text
        keys = con.execute(f"SELECT DISTINCT unnest(json_keys(line)) FROM (SELECT line FROM {_jsonl_lines(p)} "
                           f"WHERE is_object LIMIT 10000)").fetchall()
        return {k[0]: "VARCHAR" for k in keys}
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
    #: Names in the log resolved to a priced model beyond the alias table (dated API ids), name -> model.
    resolved: dict[str, str] = field(default_factory=dict)
    #: The log's columns (its schema), in order.
    columns: tuple[str, ...] = ()


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
    if path.stat().st_size == 0:
        raise UsageLogError(f"{path}: the file is empty; expected a {fmt.upper()} log with one row per request "
                            f"and the columns {', '.join(LOG_COLUMNS)}: export the log again")
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
                   daily: bool = True, threads: int | None = None, memory_limit: str = "1GB",
                   aliases: Mapping[str, str] | None = None, resolve_names: bool = True) -> UsageScan:
    """One streaming pass over the log in DuckDB: rows and token sums per model, task type and problem.

    What :func:`reprice` needs for policies, the as-logged cost and daily figures; for per-model
    totals alone, :func:`reprice_models` is faster.

    ``models`` are the known model names (others are set aside as unknown); ``context_windows``
    (tokens) adds one flag per window: the request is longer than it. ``daily`` also groups by
    UTC day (for the figures; the totals do not need it and scan faster without). Model and task
    type are matched exactly; malformed CSV lines are kept (line and text) rather than failing
    the whole read. A model is known by its name in ``models``, an alias (:func:`model_aliases`) or, with
    ``resolve_names``, any API id that names it (:func:`~analysis.traffic.aliases.resolve_log_names`: a dated
    snapshot such as ``gpt-4o-2024-08-06``, as the tariff section resolves it); such ids are looked up only when
    some rows name no known model, and ``resolved`` lists them.

    >>> from analysis.traffic.demo_log import generate_usage_log
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
    aliases = model_aliases(models) if aliases is None else dict(aliases)  # a log may say gpt-4o for GPT-4o
    windows = _windows(context_windows)
    if len(windows) > 3:
        con.close()
        raise ValueError(f"at most 3 distinct context windows can be checked, got {len(windows)}")
    # ENUM codes instead of strings: DuckDB then groups with a perfect hash, much faster
    suffix = uuid.uuid4().hex[:12]  # the database is shared within the process: names unique to this scan
    model_type, task_type = f"pp_model_{suffix}", f"pp_task_{suffix}"
    named = list(dict.fromkeys([*models, *aliases]))
    con.execute(f"CREATE TYPE {model_type} AS ENUM ({', '.join(_sql_str(m) for m in named) or _sql_str('')})")
    # '' is a member so that an empty task type is told from an unknown one without comparing strings
    con.execute(f"CREATE TYPE {task_type} AS ENUM ({', '.join(_sql_str(t) for t in (*traffic_workload.TASK_TYPES, ''))})")
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
    # names no model has: the least and greatest per group, in the same pass (another pass only when they differ)
    unknown = (", min(raw_model) FILTER (WHERE model IS NULL) AS unknown_lo, max(raw_model) FILTER (WHERE model IS "
               "NULL) AS unknown_hi") if resolve_names else ""
    sql = f"""
        WITH src AS (
            SELECT {ts_expr} AS ts, TRY_CAST(model AS {model_type}) AS model, {task_raw} AS task_raw,
                   TRY_CAST(task_raw AS {task_type}) AS task, CAST(model AS VARCHAR) AS raw_model,
                   {inp} AS inp, {out} AS outp, ({bad_inp} OR {bad_out}) AS bad_tokens
            FROM {reader})
        SELECT model, task, ({flag}) AS flag{day},
               count(*) AS rows, sum(inp) AS input_tokens, sum(outp) AS output_tokens{minmax}{unknown}
        FROM src GROUP BY ALL"""
    try:
        groups = con.execute(sql).df()
        if fmt == "parquet":
            first, last = con.execute(f"SELECT min({ts_expr}), max({ts_expr}) FROM {reader}").fetchone()
        else:
            ok = groups[(groups.flag.astype(int) & _BAD_TS) == 0]
            first, last = (ok.first_ts.min(), ok.last_ts.max()) if not ok.empty else (None, None)
            groups = groups.drop(columns=["first_ts", "last_ts"])
        malformed = (_rejects(con) if fmt == "csv" else _jsonl_malformed(con, path) if fmt == "jsonl"
                     else pd.DataFrame(columns=["line", "text", "error"]))
        unnamed = []
        if resolve_names:
            lo, hi = groups.pop("unknown_lo"), groups.pop("unknown_hi")
            unnamed = sorted({*lo.dropna(), *hi.dropna()})
            if (lo.notna() & (lo != hi)).any():  # a group with two or more unknown names: ask the file for all
                unnamed = [r[0] for r in con.execute(
                    f"SELECT DISTINCT CAST(model AS VARCHAR) FROM {src.reader_sql} WHERE model IS NOT NULL AND "
                    f"TRY_CAST(model AS {model_type}) IS NULL").fetchall()]
    except Exception as exc:
        raise UsageLogError(f"{path}: cannot read it as {fmt.upper()} ({_first_line(exc)}); fix the file "
                            "or export it again") from None
    finally:
        for name in (model_type, task_type):
            con.execute(f"DROP TYPE IF EXISTS {name}")
        con.close()
    resolved = resolve_log_names(unnamed, models) if unnamed else {}
    if resolved:  # API ids the alias table does not list (a dated snapshot): scanned again, as their model
        scan = scan_usage_log(path, models, context_windows, daily=daily, threads=threads, memory_limit=memory_limit,
                              aliases={**aliases, **resolved}, resolve_names=False)
        scan.resolved = resolved
        scan.seconds = time.perf_counter() - started
        return scan
    if int(groups["rows"].sum()) == 0 and malformed.empty:
        raise UsageLogError(f"{path}: the log has no rows (a header or schema, and nothing under it); expected one "
                            f"row per request: export the log again, or pass another file")
    groups["model"] = groups["model"].astype(object).where(groups["model"].notna(), None)
    if aliases:  # rows logged under an alias are the model's own: counted and priced as the pricing table names it
        groups["model"] = groups["model"].map(lambda m: aliases.get(m, m) if m is not None else None)
        keys = [c for c in groups.columns if c not in ("rows", "input_tokens", "output_tokens")]
        groups = groups.groupby(keys, dropna=False, sort=False, as_index=False)[
            ["rows", "input_tokens", "output_tokens"]].sum()
        groups["model"] = groups["model"].astype(object).where(groups["model"].notna(), None)
    flags = groups.pop("flag").astype(int)
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
                     time.perf_counter() - started, kind_sql=src.kind_sql, reader_sql=src.reader_sql,
                     columns=tuple(src.schema))


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
    tasks = ", ".join(_sql_str(t) for t in traffic_workload.TASK_TYPES)
    where = dict(scan.kind_sql)
    where["unknown model"] = f"(model IS NULL OR CAST(model AS VARCHAR) NOT IN ({models}))"
    if scan.has_task_type:
        where["unknown task_type"] = (f"(task_type IS NOT NULL AND CAST(task_type AS VARCHAR) <> '' AND "
                                      f"CAST(task_type AS VARCHAR) NOT IN ({tasks}))")
    if kind not in where:
        return []
    return example_rows(scan, list(LOG_COLUMNS) + (["task_type"] if scan.has_task_type else []), where[kind], n)


def example_rows(src: UsageScan | _LogSource, cols: Sequence[str], where_sql: str, n: int) -> list[dict]:
    """The first ``n`` rows of the log ``src`` where ``where_sql`` holds: ``cols`` as text, and ``row`` (Parquet)."""
    select = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in cols)
    reader = src.reader_sql
    if src.format == "parquet":
        reader = reader[:-1] + ", file_row_number = true)"
        select += ", file_row_number + 1 AS row"
    con = _connect()
    try:
        rows = con.execute(f"SELECT {select} FROM {reader} WHERE {where_sql} LIMIT {int(n)}").df()
    finally:
        con.close()
    return [{k: (None if pd.isna(v) else (int(v) if k == "row" else v)) for k, v in r.items()}
            for r in rows.to_dict("records")]

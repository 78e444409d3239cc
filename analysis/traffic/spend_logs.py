"""A LiteLLM proxy's spend logs (its PostgreSQL table or a CSV export of it) as a pricepoint usage log.

LiteLLM's proxy records every request in the table ``LiteLLM_SpendLogs`` (schema:
``litellm/proxy/schema.prisma`` in the litellm wheel; read here as of litellm 1.110.2).
:func:`spend_log` is a source adapter: it reads that table (through psycopg's ``COPY ... TO
STDOUT``, streamed to disk, never held in memory) or its CSV export, and writes the rows in
pricepoint's log schema to a Parquet file in a temporary folder that it removes afterwards. The
re-pricing then reads that file as it reads any log (:func:`analysis.traffic.logs.scan_usage_log`),
so a spend log costs exactly what the same rows cost as a file.

Columns, pricepoint's from LiteLLM's (:data:`COLUMNS`): ``timestamp`` from ``startTime`` (UTC);
``model`` from ``model`` (``model_group`` where it is empty), matched whole through the aliases of
:func:`analysis.traffic.aliases.model_aliases` by the scan, as for a file; ``input_tokens`` from
``prompt_tokens`` (which in LiteLLM counts cached prompt tokens too, OpenAI's convention);
``output_tokens`` from ``completion_tokens``; ``cached_input_tokens`` and ``cache_write_tokens``
from ``metadata.additional_usage_values`` (``cache_read_input_tokens``,
``cache_creation_input_tokens``; NULL where the proxy did not record them); ``billed_usd`` from
``spend``, the cost as billed by the proxy, kept beside pricepoint's; ``ttft_s`` =
``completionStartTime - startTime`` (NaN where ``completionStartTime`` is empty: unknown, never 0)
and ``e2e_s`` = ``endTime - startTime``; ``provider``, ``status`` and ``request_id`` as they are.

>>> import tempfile, pathlib
>>> csv = pathlib.Path(tempfile.mkdtemp()) / "spendlogs.csv"
>>> _ = csv.write_text('request_id,startTime,endTime,completionStartTime,model,prompt_tokens,completion_tokens,spend\\n'
...                    'a,2026-10-01 12:00:00,2026-10-01 12:00:02.5,2026-10-01 12:00:00.4,gpt-4o,1000,200,0.0045\\n')
>>> with spend_log(csv) as log:
...     import duckdb
...     duckdb.sql(f"SELECT model, input_tokens, ttft_s, e2e_s, billed_usd FROM '{log.parquet}'").fetchall()
[('gpt-4o', 1000, 0.4, 2.5, 0.0045)]
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.formatting import redact_url
from analysis.traffic.aliases import model_aliases, resolve_log_names
from analysis.traffic.latency import latency_frame, latency_percentiles
from analysis.traffic.logs import UsageLogError

#: The proxy's table, as its Prisma schema names it.
TABLE = "LiteLLM_SpendLogs"

#: LiteLLM's columns a spend log must have, and those read when present.
REQUIRED = ("startTime", "model", "prompt_tokens", "completion_tokens")
OPTIONAL = ("request_id", "endTime", "completionStartTime", "model_group", "custom_llm_provider", "spend",
            "status", "metadata")

#: pricepoint's log columns and where each comes from.
COLUMNS = {
    "timestamp": "startTime (UTC)",
    "model": "model (model_group where model is empty)",
    "input_tokens": "prompt_tokens (cached prompt tokens included)",
    "output_tokens": "completion_tokens",
    "cached_input_tokens": "metadata.additional_usage_values.cache_read_input_tokens",
    "cache_write_tokens": "metadata.additional_usage_values.cache_creation_input_tokens",
    "provider": "custom_llm_provider",
    "billed_usd": "spend (as billed by the proxy)",
    "ttft_s": "completionStartTime - startTime, s (unknown without completionStartTime)",
    "e2e_s": "endTime - startTime, s",
    "status": "status (success or failure)",
    "request_id": "request_id",
}

#: Why a request is not a latency sample, per metric (counted, never dropped silently).
LATENCY_SET_ASIDE = {
    "failed request": "status 'failure': an error is not a latency sample",
    "no completionStartTime": "the proxy recorded no first token, so TTFT is unknown",
    "no endTime": "end-to-end latency unknown",
    "time before startTime": "completionStartTime or endTime earlier than startTime",
    "unparsable startTime": "a date and time such as 2026-10-01 12:00:00",
}

# The staged columns both readers produce (times as microseconds since the epoch: exact), in this order.
_STAGED = {"request_id": "VARCHAR", "start_us": "BIGINT", "completion_us": "BIGINT", "end_us": "BIGINT",
           "model": "VARCHAR", "model_group": "VARCHAR", "provider": "VARCHAR", "prompt_tokens": "VARCHAR",
           "completion_tokens": "VARCHAR", "spend": "VARCHAR", "status": "VARCHAR", "cache_read": "VARCHAR",
           "cache_write": "VARCHAR"}


@dataclass
class SpendLog:
    """A spend log written in pricepoint's log schema: the Parquet file, what it came from, how long reading took."""

    parquet: Path
    label: str
    source: str  # "postgresql" or "csv"
    rows: int
    read_seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.read_seconds if self.read_seconds > 0 else float("nan")


def is_database_url(source: str | os.PathLike | None) -> bool:
    """Whether ``source`` names a PostgreSQL database rather than a file.

    >>> is_database_url("postgresql://litellm@db:5432/litellm"), is_database_url("postgres://x@y/z")
    (True, True)
    >>> is_database_url("spendlogs.csv")
    False
    """
    return str(source or "").lower().startswith(("postgresql://", "postgres://"))


def is_spend_log_csv(path: str | os.PathLike) -> bool:
    """Whether a CSV's header is a spend-log export's (LiteLLM's column names, not a usage log's).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("request_id,startTime,model,prompt_tokens,completion_tokens\\n")
    >>> is_spend_log_csv(p)
    True
    >>> _ = p.write_text("timestamp,model,input_tokens,output_tokens\\n")
    >>> is_spend_log_csv(p)
    False
    """
    p = Path(path).expanduser()
    if p.suffix.lower() != ".csv" or not p.is_file():
        return False
    with open(p, encoding="utf-8", errors="replace", newline="") as fh:
        header = next(csv.reader(fh), [])
    names = {h.strip() for h in header}
    return set(REQUIRED) <= names and "input_tokens" not in names


@contextlib.contextmanager
def spend_log(source: str | os.PathLike, *, table: str = TABLE, since: str | None = None,
              until: str | None = None, threads: int | None = None) -> Iterator[SpendLog]:
    """The spend log at ``source`` (a ``postgresql://`` URL or a CSV export) as a Parquet log, removed afterwards.

    ``since`` and ``until`` (ISO dates or times, UTC) keep the requests whose ``startTime`` is in
    ``[since, until)``; on PostgreSQL the filter runs in the database, on its ``startTime`` index.
    Errors name the source (a URL without its password), what was found and what was expected.
    """
    tmp = Path(tempfile.mkdtemp(prefix="pricepoint-spendlogs-"))
    try:
        started = time.perf_counter()
        staged = tmp / "staged.csv"
        if is_database_url(source):
            label, kind = f"{table} on {redact_url(str(source)).split('://', 1)[1]}", "postgresql"
            _copy_from_postgres(str(source), table, staged, since, until)
            reader = f"read_csv({_sql_str(staged)}, header = false, columns = {_columns_sql()}, nullstr = '')"
        else:
            path = Path(source).expanduser()
            label, kind = paths.shown(path), "csv"
            reader = _csv_export_reader(path, since, until)
        parquet = tmp / "spendlogs.parquet"
        rows = _write_parquet(reader, parquet, threads)
        staged.unlink(missing_ok=True)
        yield SpendLog(parquet, label, kind, rows, time.perf_counter() - started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _sql_str(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _columns_sql() -> str:
    return "{" + ", ".join(f"{_sql_str(c)}: {_sql_str(t)}" for c, t in _STAGED.items()) + "}"


def _copy_from_postgres(url: str, table: str, out: Path, since: str | None, until: str | None) -> None:
    """Stream the table's columns (times as epoch seconds, cache tokens out of ``metadata``) to a CSV file."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise UsageLogError("reading a LiteLLM database needs psycopg: pip install 'psycopg[binary]' "
                            "(or run make env)") from None
    where = redact_url(url)
    try:
        conn = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as exc:
        raise UsageLogError(f"{where}: cannot connect ({_first_line(exc)}); expected a postgresql:// URL of the "
                            "LiteLLM proxy's database (its DATABASE_URL), reachable from here") from None
    with conn:
        found = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = ANY(current_schemas(false))", (table,)).fetchall()]
        if not found:
            tables = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ANY(current_schemas(false)) "
                "ORDER BY table_name").fetchall()]
            raise UsageLogError(f"{where}: no table {table!r}; expected the LiteLLM proxy's spend-log table "
                                f"(found {', '.join(tables[:20]) or 'no tables'}); point --from-litellm-db at the "
                                "proxy's DATABASE_URL")
        missing = [c for c in REQUIRED if c not in found]
        if missing:
            raise UsageLogError(f"{where}: table {table!r} has no column {', '.join(missing)}; expected LiteLLM's "
                                f"columns {', '.join(REQUIRED)} (found {', '.join(found)})")

        def col(name: str) -> sql.Composable:
            return sql.Identifier(name) if name in found else sql.SQL("NULL")

        def epoch(name: str) -> sql.Composable:
            return sql.SQL("round(extract(epoch FROM {}) * 1000000)::bigint").format(col(name))

        meta = sql.SQL("{}::jsonb -> 'additional_usage_values'").format(col("metadata"))
        select = sql.SQL(", ").join([
            col("request_id"), epoch("startTime"), epoch("completionStartTime"), epoch("endTime"), col("model"),
            col("model_group"), col("custom_llm_provider"), col("prompt_tokens"), col("completion_tokens"),
            col("spend"), col("status"),
            sql.SQL("{} ->> 'cache_read_input_tokens'").format(meta),
            sql.SQL("{} ->> 'cache_creation_input_tokens'").format(meta)])
        conds, params = [], []
        for bound, op in ((since, ">="), (until, "<")):
            if bound:
                conds.append(sql.SQL("{} " + op + " %s").format(sql.Identifier("startTime")))
                params.append(bound)
        query = sql.SQL("COPY (SELECT {} FROM {}{}) TO STDOUT (FORMAT csv)").format(
            select, sql.Identifier(table), sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conds) if conds else sql.SQL(""))
        try:
            with conn.cursor() as cur, open(out, "wb") as fh, cur.copy(query, params or None) as copy:
                for chunk in copy:
                    fh.write(chunk)
        except psycopg.Error as exc:
            raise UsageLogError(f"{where}: reading {table!r} failed ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _csv_export_reader(path: Path, since: str | None, until: str | None) -> str:
    """DuckDB SQL reading a CSV export in the staged columns; errors list every missing column."""
    import duckdb

    if not path.is_file():
        raise FileNotFoundError(f"spend log {path} does not exist: pass the path of a CSV export of {TABLE}")
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        raise UsageLogError(f"{path}: expected a CSV export of {TABLE} (a .csv or .csv.gz file), or a postgresql:// "
                            "URL with --from-litellm-db")
    p = _sql_str(path)
    try:
        header = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_csv({p}, header = true, "
                                           "all_varchar = true)").fetchall()]
    except duckdb.Error as exc:
        raise UsageLogError(f"{path}: cannot read it as CSV ({_first_line(exc)}); expected a CSV export of "
                            f"{TABLE} with a header") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UsageLogError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                            f"expected a CSV export of {TABLE} with at least {', '.join(REQUIRED)} "
                            f"(found {', '.join(header) or 'none'})")

    def c(name: str) -> str:
        return f'"{name}"' if name in header else "NULL::VARCHAR"

    def epoch(name: str) -> str:
        return f"epoch_us(TRY_CAST(trim({c(name)}) AS TIMESTAMPTZ))"

    meta = c("metadata")
    usage = (f"CASE WHEN json_valid({meta}) THEN json_extract_string({meta}, "
             "'$.additional_usage_values.{key}') END")
    cond = " AND ".join(f"{epoch('startTime')} {op} epoch_us(TIMESTAMPTZ {_sql_str(b)})"
                        for b, op in ((since, ">="), (until, "<")) if b)
    return (f"(SELECT {c('request_id')}, {epoch('startTime')}, {epoch('completionStartTime')}, {epoch('endTime')}, "
            f"{c('model')}, {c('model_group')}, {c('custom_llm_provider')}, {c('prompt_tokens')}, "
            f"{c('completion_tokens')}, {c('spend')}, {c('status')}, {usage.format(key='cache_read_input_tokens')}, "
            f"{usage.format(key='cache_creation_input_tokens')} "
            f"FROM read_csv({p}, header = true, all_varchar = true){' WHERE ' + cond if cond else ''}) "
            f"AS s({', '.join(_STAGED)})")


def _whole(col: str) -> str:
    """SQL: a text column as a whole number (BIGINT), NULL where it is empty, not a number or not whole."""
    d = f"TRY_CAST(trim({col}) AS DOUBLE)"
    return f"CASE WHEN isfinite({d}) AND {d} = trunc({d}) THEN CAST({d} AS BIGINT) END"


def _write_parquet(reader: str, out: Path, threads: int | None) -> int:
    """Map the staged columns to pricepoint's log schema and write them as Parquet; the row count."""
    import duckdb

    con = duckdb.connect(config={"temp_directory": tempfile.gettempdir()})
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        lag = "CASE WHEN {t} >= start_us THEN ({t} - start_us) / 1e6 END"
        con.execute(f"""COPY (SELECT
                CAST(make_timestamp(start_us) AS TIMESTAMPTZ) AS timestamp,
                coalesce(nullif(trim(model), ''), nullif(trim(model_group), '')) AS model,
                {_whole('prompt_tokens')} AS input_tokens, {_whole('completion_tokens')} AS output_tokens,
                {_whole('cache_read')} AS cached_input_tokens, {_whole('cache_write')} AS cache_write_tokens,
                nullif(trim(provider), '') AS provider, TRY_CAST(trim(spend) AS DOUBLE) AS billed_usd,
                {lag.format(t='completion_us')} AS ttft_s, {lag.format(t='end_us')} AS e2e_s,
                coalesce(completion_us < start_us OR end_us < start_us, false) AS time_before_start,
                nullif(trim(status), '') AS status, request_id
            FROM {reader}) TO {_sql_str(out)} (FORMAT parquet)""")
        return int(con.execute(f"SELECT count(*) FROM read_parquet({_sql_str(out)})").fetchone()[0])
    except duckdb.Error as exc:
        raise UsageLogError(f"cannot convert the spend log ({_first_line(exc)}); expected LiteLLM's "
                            f"{TABLE} columns") from None
    finally:
        con.close()


# --------------------------------------------------------------------------- per model: billed and latency


def _query(sql: str):
    """A fresh DuckDB connection (UTC) running ``sql``: the result as a cursor."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(sql)


def _model_names(log: SpendLog, models: Sequence[str], aliases: Mapping[str, str] | None):
    """Each logged model id with the name pricepoint prices it under (None: unknown), as the scan maps it."""
    aliases = model_aliases(models) if aliases is None else dict(aliases)
    known = set(models)
    ids = [r[0] for r in _query(f"SELECT DISTINCT model FROM read_parquet({_sql_str(log.parquet)})").fetchall()]
    resolved = resolve_log_names([i for i in ids if i is not None and i not in known and i not in aliases], models)
    return {i: (i if i in known else aliases.get(i, resolved.get(i))) for i in ids}


def by_model(log: SpendLog, models: Sequence[str], aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per model (as the pricing table names it, or the logged id when unknown): requests, failures and spend.

    ``billed_usd`` is the sum of the proxy's own ``spend``, "as billed by the proxy"; NaN when it
    recorded none. ``known`` says whether pricepoint prices the model.
    """
    names = _model_names(log, models, aliases)
    rows = _query(f"""SELECT model, count(*) AS requests, count(*) FILTER (status = 'failure') AS failed,
                          sum(billed_usd) AS billed_usd FROM read_parquet({_sql_str(log.parquet)})
                          GROUP BY model""").df()
    rows["known"] = rows.model.map(lambda m: names.get(m) is not None)
    rows["model"] = rows.model.map(lambda m: names.get(m) or (m if m is not None else "(no model)"))
    out = rows.groupby(["model", "known"], as_index=False, sort=False).agg(
        requests=("requests", "sum"), failed=("failed", "sum"), billed_usd=("billed_usd", lambda s: s.sum(min_count=1)))
    return out.sort_values(["known", "requests"], ascending=[False, False]).reset_index(drop=True)


def latency(log: SpendLog, models: Sequence[str], aliases: Mapping[str, str] | None = None,
            qs: Sequence[float] = (50, 90, 99), n_boot: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Time to first token and end-to-end latency per model: sample count, percentiles, 95 % interval.

    Returns ``(table, set_aside)``: ``table`` has one row per model and metric (``ttft_s``,
    ``e2e_s``) with the figures of :func:`analysis.traffic.latency.latency_percentiles`;
    ``set_aside`` counts, per metric and reason of :data:`LATENCY_SET_ASIDE`, the requests that
    are not samples. A request without ``completionStartTime`` has an unknown TTFT (left out,
    never 0); a failed one is no latency sample at all.
    """
    names = _model_names(log, models, aliases)
    src = f"read_parquet({_sql_str(log.parquet)})"
    failed = "coalesce(status = 'failure', false)"
    counts = _query(f"""SELECT
            count(*) FILTER (timestamp IS NULL) AS unparsable,
            count(*) FILTER (timestamp IS NOT NULL AND {failed}) AS failed,
            count(*) FILTER (timestamp IS NOT NULL AND NOT {failed} AND time_before_start) AS before,
            count(*) FILTER (timestamp IS NOT NULL AND NOT {failed} AND NOT time_before_start
                             AND ttft_s IS NULL) AS no_first,
            count(*) FILTER (timestamp IS NOT NULL AND NOT {failed} AND NOT time_before_start
                             AND e2e_s IS NULL) AS no_end
        FROM {src}""").fetchone()
    unparsable, n_failed, before, no_first, no_end = (int(v) for v in counts)
    set_aside = pd.DataFrame(
        [{"metric": m, "reason": r, "rows": n, "meaning": LATENCY_SET_ASIDE[r]} for m, r, n in (
            ("ttft_s", "unparsable startTime", unparsable), ("e2e_s", "unparsable startTime", unparsable),
            ("ttft_s", "failed request", n_failed), ("e2e_s", "failed request", n_failed),
            ("ttft_s", "time before startTime", before), ("e2e_s", "time before startTime", before),
            ("ttft_s", "no completionStartTime", no_first), ("e2e_s", "no endTime", no_end)) if n],
        columns=["metric", "reason", "rows", "meaning"])
    groups: dict[str, list] = {}
    for raw, name in names.items():
        groups.setdefault(name or (raw if raw is not None else "(no model)"), []).append(raw)
    out = []
    for model, raws in groups.items():
        ids = [r for r in raws if r is not None]
        which = " OR ".join(([f"model IN ({', '.join(_sql_str(r) for r in ids)})"] if ids else [])
                            + (["model IS NULL"] if None in raws else []))
        values = _query(f"""SELECT coalesce(ttft_s, 'NaN'::DOUBLE) AS ttft_s, coalesce(e2e_s, 'NaN'::DOUBLE) AS e2e_s
                                FROM {src} WHERE ({which}) AND timestamp IS NOT NULL
                                AND NOT {failed} AND NOT time_before_start""").fetchnumpy()
        for metric in ("ttft_s", "e2e_s"):
            out.append({"model": model, "metric": metric,  # unknown (NULL) is NaN, left out
                        **latency_percentiles(np.asarray(values[metric], dtype=float), qs, n_boot=n_boot, seed=seed)})
    table = latency_frame(out)
    order = {m: i for i, m in enumerate(by_model(log, models, aliases).model)}
    table = table.sort_values(["model", "metric"], key=lambda s: s.map(order) if s.name == "model" else s == "e2e_s",
                              kind="stable").reset_index(drop=True)
    return table, set_aside


# --------------------------------------------------------------------------- a synthetic export for examples

#: The models of :func:`example_export`, as a LiteLLM proxy logs them, with the USD per million input and
#: output tokens its synthetic ``spend`` uses (the shipped list prices; the last model is one we do not price)
#: and the provider.
_EXAMPLE_MODELS = {"gpt-4o": (2.5, 10.0, "openai"), "gpt-4o-mini": (0.15, 0.6, "openai"),
                   "claude-3-5-sonnet-latest": (3.0, 15.0, "anthropic"), "deepseek-v4-flash": (0.18, 0.25, "deepseek"),
                   "llama-3.3-70b-instruct": (0.6, 0.6, "together_ai")}


def example_export(path: str | os.PathLike, rows: int = 300, seed: int = 13) -> Path:
    """Write a synthetic CSV export of ``LiteLLM_SpendLogs`` (not anyone's traffic): several models by API id,
    some cache reads, some requests without ``completionStartTime`` (not streamed to the end) and a few failures.

    >>> import tempfile, pathlib
    >>> p = example_export(pathlib.Path(tempfile.mkdtemp()) / "spendlogs.csv", rows=20)
    >>> is_spend_log_csv(p), len(p.read_text().splitlines())
    (True, 21)
    """
    import json

    rng = np.random.default_rng(seed)
    names = list(_EXAMPLE_MODELS)
    start = pd.Timestamp("2026-10-01") + pd.to_timedelta(np.sort(rng.integers(0, 14 * 86_400_000, rows)), unit="ms")
    out = []
    for i in range(rows):
        model = names[int(rng.choice(len(names), p=[0.35, 0.3, 0.2, 0.1, 0.05]))]
        failed = rng.random() < 0.02
        prompt, completion = int(rng.integers(200, 6000)), 0 if failed else int(rng.integers(20, 900))
        cached = int(rng.integers(0, prompt)) if rng.random() < 0.25 else 0
        price_in, price_out, provider = _EXAMPLE_MODELS[model]
        ttft_ms, rest_ms = int(rng.lognormal(-0.9, 0.5) * 1000), int(rng.lognormal(0.4, 0.6) * 1000)
        first = None if failed or rng.random() < 0.1 else start[i] + pd.Timedelta(milliseconds=ttft_ms)
        meta = {"additional_usage_values": {"cache_read_input_tokens": cached}} if cached else {}
        out.append({"request_id": f"chatcmpl-{seed}-{i:05d}", "call_type": "acompletion",
                    "spend": 0.0 if failed else round((prompt * price_in + completion * price_out) / 1e6, 8),
                    "total_tokens": prompt + completion, "prompt_tokens": prompt, "completion_tokens": completion,
                    "startTime": f"{start[i]:%Y-%m-%d %H:%M:%S.%f}"[:-3],
                    "endTime": f"{start[i] + pd.Timedelta(milliseconds=ttft_ms + rest_ms):%Y-%m-%d %H:%M:%S.%f}"[:-3],
                    "completionStartTime": "" if first is None else f"{first:%Y-%m-%d %H:%M:%S.%f}"[:-3],
                    "model": model, "model_group": model, "custom_llm_provider": provider,
                    "metadata": json.dumps(meta), "status": "failure" if failed else "success"})
    path = Path(path)
    pd.DataFrame(out).to_csv(path, index=False)
    return path

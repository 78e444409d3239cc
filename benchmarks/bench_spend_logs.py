"""Reading a LiteLLM proxy's spend logs from PostgreSQL: rows per second, as a ratio to PostgreSQL's own bare COPY.

    .venv/bin/python benchmarks/bench_spend_logs.py [--rows 1000000] [--repeat 3]

Starts a throw-away PostgreSQL (as the tests do: tests/traffic/postgres.py; skipped with the install
hint where there is none), creates ``LiteLLM_SpendLogs`` from LiteLLM's Prisma schema, fills it with
``--rows`` seeded rows inside the database (generate_series), then times, fastest of ``--repeat``:

- the reference: ``COPY (SELECT <the same columns>) TO STDOUT`` read by psycopg and thrown away
  (what the database and the wire cost, with nothing written);
- :func:`analysis.traffic.spend_logs.spend_log`: that COPY streamed to disk, then mapped to
  pricepoint's log schema and written as Parquet by DuckDB;
- for information, re-pricing the result (:func:`analysis.traffic.reprice.reprice_log`) and the
  latency table (:func:`analysis.traffic.spend_logs.latency`).

Everything is removed afterwards. The ratios come from one run of the script.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.traffic.postgres starts the server


def _fill(url: str, rows: int) -> None:
    import psycopg

    from tests.traffic import postgres

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(postgres.create_table_sql())
        conn.execute("""
            INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, spend, prompt_tokens, completion_tokens,
                "startTime", "completionStartTime", "endTime", model, metadata, status)
            SELECT 'r' || i, 'acompletion', (i %% 997) / 1e5, 10 + (i * 7919) %% 8000, 1 + (i * 104729) %% 1500,
                   t, CASE WHEN i %% 9 <> 0 THEN t + ((i %% 1500) || ' milliseconds')::interval END,
                   t + ((1500 + i %% 4000) || ' milliseconds')::interval,
                   (ARRAY['gpt-4o', 'claude-3-5-sonnet-latest', 'gpt-4o-mini', 'deepseek-v4-flash', 'other'])[1 + i %% 5],
                   CASE WHEN i %% 3 = 0 THEN '{"additional_usage_values": {"cache_read_input_tokens": 64}}'::jsonb
                        ELSE '{}'::jsonb END,
                   CASE WHEN i %% 50 = 0 THEN 'failure' ELSE 'success' END
            FROM (SELECT i, timestamp '2026-10-01' + (i * 2.6 || ' seconds')::interval AS t
                  FROM generate_series(1::bigint, %s) AS i) s""", (rows,))
        conn.execute('ANALYZE "LiteLLM_SpendLogs"')


def _bare_copy(url: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        query = ('COPY (SELECT request_id, extract(epoch FROM "startTime"), extract(epoch FROM "completionStartTime"), '
                 'extract(epoch FROM "endTime"), model, model_group, custom_llm_provider, prompt_tokens, '
                 "completion_tokens, spend, status, metadata::jsonb -> 'additional_usage_values' ->> "
                 "'cache_read_input_tokens', metadata::jsonb -> 'additional_usage_values' ->> "
                 '\'cache_creation_input_tokens\' FROM "LiteLLM_SpendLogs") TO STDOUT (FORMAT csv)')
        with cur.copy(query) as copy:
            for _ in copy:
                pass
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print("skipped: psycopg is not installed (run make env)")
        return 0
    from tests.traffic import postgres

    if postgres.postgres_bin() is None:
        print(f"skipped: {postgres.INSTALL_HINT}")
        return 0
    from analysis.traffic import capabilities as traffic_capabilities
    from analysis.traffic import spend_logs
    from analysis.traffic.reprice import reprice_log

    server = postgres.start()
    try:
        _fill(server.url, args.rows)
        bare, adapter = [], []
        for _ in range(args.repeat):
            bare.append(_bare_copy(server.url))
            with spend_logs.spend_log(server.url) as log:
                adapter.append(log.read_seconds)
                rows = log.rows
        caps = traffic_capabilities.capabilities()
        with spend_logs.spend_log(server.url) as log:
            started = time.perf_counter()
            report = reprice_log(log.parquet, caps, daily=False)
            reprice_s = time.perf_counter() - started
            started = time.perf_counter()
            spend_logs.latency(log, list(caps.index))
            latency_s = time.perf_counter() - started
        assert rows == args.rows == report.rows_total
        b, a = min(bare), min(adapter)
        print(f"{rows:,} spend-log rows, PostgreSQL {server.bin.parent.name}, load average "
              f"{os.getloadavg()[0]:.2f}, fastest of {args.repeat}")
        print(f"  bare COPY to nowhere:         {b:7.2f} s  {rows / b:12,.0f} rows/s")
        print(f"  spend_log (COPY + Parquet):   {a:7.2f} s  {rows / a:12,.0f} rows/s  ratio {a / b:.2f}")
        print(f"  re-pricing the Parquet log:   {reprice_s:7.2f} s")
        print(f"  latency table (per model):    {latency_s:7.2f} s")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

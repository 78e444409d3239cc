"""Catalogs (issue 10): LiteLLM import time, and re-pricing 10^7 log rows as a ratio to DuckDB's plain sum.

    .venv/bin/python benchmarks/bench_catalogs.py [--rows 10000000] [--repeat 3]

- **LiteLLM import**: LiteLLM's ``model_prices_and_context_window_backup.json`` (3.5 MB, taken once
  from the litellm wheel with ``pip download litellm --no-deps`` into ``~/.cache/pricepoint/litellm``;
  skipped with a message where the registry is unreachable) into tariff tables, first run and best
  of ``--repeat``. Target <= 2 s.
- **Re-pricing**: a seeded synthetic Parquet log of ``--rows`` rows (2025-2026 timestamps at any
  minute, cache reads and writes, reasoning, prompts over long-context thresholds) over 6 featured
  first-party endpoints and 200 others of genai-prices (history, time-of-day windows, tiers), every
  row's cost computed in DuckDB (:func:`analysis.prices.tariff_costs.price_parquet_summary`; only
  the sums per set-aside reason leave it), against DuckDB's plain sum of the 7 token columns over
  the same file. Best of ``--repeat`` each, in one run. Target ratio <= 2.5 (not met yet: printed as
  measured), peak memory (max RSS of this process, data generation included) < 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.data.catalogs import load_catalog  # noqa: E402
from analysis.data.catalogs.litellm import fetch_litellm_json  # noqa: E402
from analysis.data.tariff_tables import TOKEN_USAGE_COLUMNS  # noqa: E402
from analysis.prices.tariff_costs import price_parquet_summary  # noqa: E402

FEATURED = ["deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-pro", "anthropic/claude-sonnet-4-5",
            "google/gemini-2.5-pro", "openai/gpt-4o", "anthropic/claude-opus-4-5"]


def best_of(n: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def make_log(con: duckdb.DuckDBPyConnection, path: Path, keys: list[str], rows: int) -> None:
    """A seeded synthetic log: any minute of 2025-2026, cache reads/writes, reasoning, long prompts."""
    key_list = "[" + ", ".join(f"'{k}'" for k in keys) + "]"
    con.execute(f"""
COPY (
  WITH r AS (SELECT i, hash(i) AS h, hash(i * 7 + 1) AS h2 FROM range({rows}) t(i))
  SELECT {key_list}[1 + CAST(h % {len(keys)} AS INTEGER)] AS endpoint_key,
         'standard' AS service_tier,
         TIMESTAMP '2025-01-01' + to_minutes(CAST(h2 % (2 * 365 * 1440) AS BIGINT)) AS timestamp,
         CAST(1000 + (h >> 8) % 300000 AS BIGINT) AS input_tokens,
         CAST((h2 >> 8) % 8000 AS BIGINT) AS output_tokens,
         CAST(CASE WHEN (h >> 30) % 2 = 0 THEN ((h >> 8) % 300000) / 2 ELSE 0 END AS BIGINT) AS cache_read_tokens,
         CAST(CASE WHEN (h >> 31) % 4 = 0 THEN 500 ELSE 0 END AS BIGINT) AS cache_write_tokens,
         CAST(0 AS BIGINT) AS cache_write_1h_tokens,
         CAST(((h2 >> 8) % 8000) / 3 AS BIGINT) AS reasoning_tokens,
         CAST(0 AS BIGINT) AS searches
  FROM r
) TO '{path}' (FORMAT parquet)
""")


def bench_litellm(repeat: int) -> None:
    try:
        source = fetch_litellm_json()
    except OSError as exc:
        print(f"litellm import: SKIPPED, LiteLLM's JSON could not be fetched: {exc}")
        return
    t0 = time.perf_counter()
    imp = load_catalog("litellm", source)
    first = time.perf_counter() - t0
    best, _ = best_of(repeat, lambda: load_catalog("litellm", source))
    r = imp.report
    print(f"litellm {r.version or '?'} import ({source.stat().st_size / 1e6:.2f} MB): first {first:.2f} s, "
          f"best of {repeat} {best:.2f} s; target <= 2 s: {'met' if best <= 2 else 'NOT met'} "
          f"(ratio to target {best / 2:.2f})")
    print(f"  {r.entries_read:,} entries read, {r.endpoints_written:,} endpoints, {r.price_rows_written:,} price rows, "
          f"{r.tier_rows_written:,} tier rows, {len(r.rounded_cells)} cells rounded, "
          f"{sum(r.set_aside.values()):,} set aside")


def bench_repricing(rows: int, repeat: int) -> None:
    t0 = time.perf_counter()
    cat = load_catalog("genai-prices")
    r = cat.report
    print(f"genai-prices {r.version} import: {time.perf_counter() - t0:.2f} s, {r.entries_read:,} entries, "
          f"{r.endpoints_written:,} endpoints, {r.price_rows_written:,} price rows, {r.tier_rows_written:,} tier rows")
    std = cat.endpoints[cat.endpoints["service_tier"] == "standard"]
    others = sorted(set(std["endpoint_key"]) - set(FEATURED))
    keys = FEATURED * 20 + list(np.random.default_rng(1).choice(others, 200, replace=False))
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.parquet"
        t0 = time.perf_counter()
        make_log(con, log, keys, rows)
        print(f"wrote {rows:,} synthetic rows in {time.perf_counter() - t0:.1f} s")
        plain = "SELECT " + " + ".join(f"sum({c})" for c in TOKEN_USAGE_COLUMNS) + f" FROM read_parquet('{log}')"
        con.execute(plain).fetchall()  # warm the file cache
        price_parquet_summary(con, str(log), cat.tables)
        t_sum, _ = best_of(repeat, lambda: con.execute(plain).fetchall())
        t_price, summary = best_of(repeat, lambda: price_parquet_summary(con, str(log), cat.tables))
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    ratio = t_price / t_sum
    print(f"DuckDB plain sum of the {len(TOKEN_USAGE_COLUMNS)} token columns: {t_sum:.3f} s (best of {repeat})")
    print(f"re-pricing {rows:,} rows (cache, tiers, time of day, history): {t_price:.3f} s (best of {repeat})")
    print(f"RATIO re-pricing / plain sum = {ratio:.2f}; target <= 2.5: {'met' if ratio <= 2.5 else 'NOT met yet'}")
    print(f"peak memory (max RSS, whole process) = {peak_gib:.2f} GiB; target < 2 GiB: "
          f"{'met' if peak_gib < 2 else 'NOT met'}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a shared machine makes ratios noisy)")
    print(summary.to_string(index=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}")
    bench_litellm(args.repeat)
    bench_repricing(args.rows, args.repeat)


if __name__ == "__main__":
    main()

"""Catalogs (issue 10): the whole report on genai-prices as a ratio to the report on the article's 11 models, and
LiteLLM's import time, measured in one run; with the counts (imported, set aside by reason, origins) of both.

    .venv/bin/python benchmarks/bench_catalogs.py [--repeat 1] [--repricing --rows 10000000]

- **Whole report**: ``build_report(force=True)`` with ``catalog=genai-prices`` against the same with the
  shipped article tables, alternating, fastest of ``--repeat`` each, in a fresh folder each time (every
  notebook runs; nothing is reused). The genai-prices import is done once before (its cold time is printed:
  the first report of the day pays it). Target ratio <= 1.5.
- **LiteLLM import**: LiteLLM's ``model_prices_and_context_window_backup.json`` (3.5 MB, taken once from the
  litellm wheel with ``pip download litellm --no-deps`` into ``~/.cache/pricepoint/litellm``; skipped with a
  message where the registry is unreachable) into tariff tables, first run and best of 3. Target <= 2 s.
- **Counts**, both catalogs: entries read, endpoints written, entries set aside by reason, models in the
  pricing table, models left out by reason, canonical models per origin.
- ``--repricing``: re-pricing ``--rows`` synthetic log rows in DuckDB as a ratio to DuckDB's plain sum of the
  token columns (the engine is issue 13's, :mod:`analysis.prices.tariff_costs`; target <= 2.5).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.data.catalogs import load_catalog  # noqa: E402
from analysis.data.catalogs.litellm import fetch_litellm_json  # noqa: E402
from analysis.data.catalogs.pricing import catalog_pricing, catalog_pricing_csv  # noqa: E402
from analysis.data.identity import annotate, load_identity  # noqa: E402
from analysis.value.origins import origin_counts  # noqa: E402

FEATURED = ["deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-pro", "anthropic/claude-sonnet-4-5",
            "google/gemini-2.5-pro", "openai/gpt-4o", "anthropic/claude-opus-4-5"]


def best_of(n: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def counts(imp) -> None:
    r = imp.report
    table, left_out = catalog_pricing(imp)
    ep = annotate(imp.endpoints, load_identity()).drop_duplicates("canonical_model_id")
    print(f"  {r.source} {r.version or '?'}: {r.entries_read:,} entries read, {r.endpoints_written:,} endpoints "
          f"(endpoint x service tier), {r.price_rows_written:,} price rows, {r.tier_rows_written:,} tier rows, "
          f"{len(r.rounded_cells)} cells rounded")
    print(f"    set aside at import: {sum(r.set_aside.values()):,}")
    for why, n in r.set_aside.most_common():
        print(f"      {n:6,}  {why}")
    print(f"    canonical models: {len(ep):,}; per origin: {origin_counts(ep).to_dict()}")
    print(f"    pricing table (first-party standard price): {len(table):,} models; per origin: "
          f"{origin_counts(table).to_dict()}")
    for why, n in left_out.most_common():
        print(f"      left out {n:6,}  {why}")


def bench_report(repeat: int) -> None:
    from analysis.report.build import build_report

    t0 = time.perf_counter()
    catalog_pricing_csv("genai-prices")
    print(f"genai-prices import into the catalog cache (cold, once a day): {time.perf_counter() - t0:.2f} s")
    runs: dict[str, list[float]] = {"article": [], "genai-prices": []}
    per_nb: dict[str, dict[str, float]] = {"article": {}, "genai-prices": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for name, params in (("article", {}), ("genai-prices", {"catalog": "genai-prices"})):
                result = build_report(params=params, reports_dir=Path(tmp) / f"{name}-{i}", progress=False,
                                      force=True)
                if not result.ok:
                    sys.exit(f"the report on {name} failed: " + "; ".join(r.summary() for r in result.failed))
                runs[name].append(result.seconds)
                for r in result.runs:
                    per_nb[name][r.notebook] = min(per_nb[name].get(r.notebook, 1e9), r.seconds)
    best = {k: min(v) for k, v in runs.items()}
    for nb in per_nb["article"]:
        print(f"  {nb:28s} article {per_nb['article'][nb]:6.1f} s   genai-prices {per_nb['genai-prices'][nb]:6.1f} s")
    ratio = best["genai-prices"] / best["article"]
    print(f"whole report: article {best['article']:.1f} s, genai-prices {best['genai-prices']:.1f} s "
          f"(fastest of {repeat}, every notebook run)")
    print(f"RATIO report on genai-prices / report on the article = {ratio:.2f}; target <= 1.5: "
          f"{'met' if ratio <= 1.5 else 'NOT met'}")


def bench_litellm(repeat: int):
    try:
        source = fetch_litellm_json()
    except OSError as exc:
        print(f"litellm import: SKIPPED, LiteLLM's JSON could not be fetched: {exc}")
        return None
    t0 = time.perf_counter()
    imp = load_catalog("litellm", source)
    first = time.perf_counter() - t0
    best, _ = best_of(repeat, lambda: load_catalog("litellm", source))
    print(f"litellm {imp.report.version or '?'} import ({source.stat().st_size / 1e6:.2f} MB): first {first:.2f} s, "
          f"best of {repeat} {best:.2f} s; target <= 2 s: {'met' if best <= 2 else 'NOT met'} "
          f"(ratio to target {best / 2:.2f})")
    return imp


def bench_repricing(rows: int, repeat: int) -> None:
    import duckdb
    import numpy as np

    from analysis.data.tariff_tables import TOKEN_USAGE_COLUMNS
    from analysis.prices.tariff_costs import price_parquet_summary

    cat = load_catalog("genai-prices")
    std = cat.endpoints[cat.endpoints["service_tier"] == "standard"]
    others = sorted(set(std["endpoint_key"]) - set(FEATURED))
    keys = FEATURED * 20 + list(np.random.default_rng(1).choice(others, 200, replace=False))
    con = duckdb.connect()
    key_list = "[" + ", ".join(f"'{k}'" for k in keys) + "]"
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.parquet"
        con.execute(f"""
COPY (
  WITH r AS (SELECT i, hash(i) AS h, hash(i * 7 + 1) AS h2 FROM range({rows}) t(i))
  SELECT {key_list}[1 + CAST(h % {len(keys)} AS INTEGER)] AS endpoint_key, 'standard' AS service_tier,
         TIMESTAMP '2025-01-01' + to_minutes(CAST(h2 % (2 * 365 * 1440) AS BIGINT)) AS timestamp,
         CAST(1000 + (h >> 8) % 300000 AS BIGINT) AS input_tokens, CAST((h2 >> 8) % 8000 AS BIGINT) AS output_tokens,
         CAST(CASE WHEN (h >> 30) % 2 = 0 THEN ((h >> 8) % 300000) / 2 ELSE 0 END AS BIGINT) AS cache_read_tokens,
         CAST(CASE WHEN (h >> 31) % 4 = 0 THEN 500 ELSE 0 END AS BIGINT) AS cache_write_tokens,
         CAST(0 AS BIGINT) AS cache_write_1h_tokens, CAST(((h2 >> 8) % 8000) / 3 AS BIGINT) AS reasoning_tokens,
         CAST(0 AS BIGINT) AS searches
  FROM r) TO '{log}' (FORMAT parquet)""")
        plain = "SELECT " + " + ".join(f"sum({c})" for c in TOKEN_USAGE_COLUMNS) + f" FROM read_parquet('{log}')"
        con.execute(plain).fetchall()
        price_parquet_summary(con, str(log), cat.tables)
        t_sum, _ = best_of(repeat, lambda: con.execute(plain).fetchall())
        t_price, _ = best_of(repeat, lambda: price_parquet_summary(con, str(log), cat.tables))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"re-pricing {rows:,} rows: {t_price:.3f} s vs plain sum {t_sum:.3f} s: RATIO {t_price / t_sum:.2f} "
          f"(target <= 2.5); peak memory {peak:.2f} GiB (target < 2)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="report builds per catalog (the fastest counts)")
    ap.add_argument("--repricing", action="store_true", help="also time re-pricing a synthetic log (issue 13)")
    ap.add_argument("--rows", type=int, default=10_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PRICEPOINT_CACHE"] = cache  # a cold catalog cache, inherited by the notebooks' kernels
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
              f"(a shared machine makes ratios noisy)")
        litellm = bench_litellm(3)
        bench_report(args.repeat)
        print("counts:")
        counts(load_catalog("genai-prices"))
        if litellm is not None:
            counts(litellm)
        if args.repricing:
            bench_repricing(args.rows, 3)
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

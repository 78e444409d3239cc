"""Re-pricing a 10-million-row usage log: time as a ratio to DuckDB summing its token columns, and peak memory.

    .venv/bin/python benchmarks/bench_usage.py [--rows 10000000] [--repeat 3]

Writes a seeded synthetic Parquet log to a temporary folder (deleted afterwards), then, in a
fresh child process (so that its peak memory is the re-pricing's alone), times:

- the reference: DuckDB's ``SELECT sum(input_tokens), sum(output_tokens)`` over the file;
- re-pricing: :func:`analysis.usage.scan_usage_log` + :func:`analysis.usage.reprice` under
  every model with both prices known (8 in the shipped data), with every bad-row check;
- for information, :func:`analysis.usage.reprice_log` (models plus the routing policies).

Each is run ``--repeat`` times, alternating, and the fastest run of each is kept; the ratio
comes from that one run of the script. Targets: ratio <= 2, peak memory < 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(path: str, repeat: int) -> dict:
    import duckdb

    from analysis import routing, usage

    caps = routing.capabilities()
    priced = caps[caps.input_usd_per_mtok.notna() & caps.output_usd_per_mtok.notna()]
    windows = caps.context_window_tokens.dropna().unique()
    ref, rep, full = [], [], []
    totals = None
    for _ in range(repeat):
        con = duckdb.connect()
        t = time.perf_counter()
        sums = con.execute(f"SELECT sum(input_tokens), sum(output_tokens) FROM read_parquet('{path}')").fetchone()
        ref.append(time.perf_counter() - t)
        con.close()
        t = time.perf_counter()
        scan = usage.scan_usage_log(path, list(caps.index), windows, daily=False)
        report = usage.reprice(scan, priced, (), examples=0)
        rep.append(time.perf_counter() - t)
        totals = report.totals
        t = time.perf_counter()
        usage.reprice_log(path, caps, budget_usd=2000, daily=True)
        full.append(time.perf_counter() - t)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    singles = totals[totals.kind == "single"]
    return {"reference_s": min(ref), "reprice_s": min(rep), "reprice_log_s": min(full),
            "peak_mib": peak_kib / 1024, "models": len(singles), "rows_priced": report.rows_priced,
            "sum_tokens": [int(sums[0]), int(sums[1])],
            "cost_usd": dict(zip(singles.scenario, singles.cost_usd.round(2)))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", metavar="PARQUET", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return 0

    from analysis.usage import generate_usage_log

    folder = Path(tempfile.mkdtemp(prefix="pricepoint-bench-"))
    try:
        log = folder / "usage.parquet"
        t = time.perf_counter()
        generate_usage_log(log, rows=args.rows, seed=42)
        gen_s = time.perf_counter() - t
        size_mib = log.stat().st_size / 2**20
        print(f"generated {args.rows:,} rows ({size_mib:,.0f} MiB Parquet) in {gen_s:.1f} s")
        out = subprocess.run([sys.executable, __file__, "--child", str(log), "--repeat", str(args.repeat)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ratio = r["reprice_s"] / r["reference_s"]
    print(f"DuckDB sum of the token columns:        {r['reference_s']:.3f} s")
    print(f"re-price under {r['models']} models (both prices):  {r['reprice_s']:.3f} s")
    print(f"  ratio re-price / sum:                  {ratio:.2f}x   (target <= 2)")
    print(f"re-price under models and policies:     {r['reprice_log_s']:.3f} s "
          f"({r['reprice_log_s'] / r['reference_s']:.2f}x the sum)")
    print(f"peak memory of the re-pricing process:  {r['peak_mib']:,.0f} MiB   (target < 2048 MiB)")
    print(f"rows priced: {r['rows_priced']:,}; tokens in/out: {r['sum_tokens'][0]:,} / {r['sum_tokens'][1]:,}")
    ok = ratio <= 2 and r["peak_mib"] < 2048
    print("targets met" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())

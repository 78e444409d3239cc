"""One re-pricing on several engines at scale: DuckDB and Spark ``local[2]`` as ratios to DuckDB's bare scan,
peak memory, Spark's fixed overhead, and the log size above which a Spark cluster beats one machine.

    .venv/bin/python benchmarks/bench_engines.py [--rows 100000000] [--spark-master local[2]] [--no-spark]

Writes a seeded synthetic Parquet log with every token kind (cache reads and 5-minute/1-hour writes,
reasoning, searches, batch rows, a few unknown endpoints) over real genai-prices endpoints (tiers,
time-of-day windows, history), with DuckDB, into a temporary folder (deleted afterwards), then
times, each in a fresh child process so that its peak memory is its own:

- the reference: DuckDB summing the token columns of the file (a bare scan);
- DuckDB re-pricing it with the one Ibis expression (:func:`analysis.prices.log_costs.price_log`,
  summed by model, endpoint and day);
- Spark (``--spark-master``, ``local[2]`` by default) re-pricing it with the same expression, after
  its fixed overhead: starting the session and pricing a 1,000-row log.

Peak memory is this child's peak RSS (``ru_maxrss``) and, for Spark, the JVM's (``VmHWM``). The
machine may be shared: the load average is printed; ratios come from one run of the script.
The crossover model assumes Spark's per-row cost divides linearly over N executors each like this
machine, and its fixed overhead stays what ``local[2]`` shows (a cluster adds scheduling and
executor start-up, so the estimate is a lower bound on the crossover).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Real endpoints of genai-prices' catalog (tiers, time-of-day windows, batch, reasoning) and one unknown.
ENDPOINTS = ["openai/gpt-4o", "openai/gpt-4o-mini", "openai/o3", "deepseek/deepseek-chat", "google/gemini-2.5-pro",
             "google/gemini-2.5-flash", "no-such/model"]
TOKEN_COLUMNS = ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens",
                 "cache_write_1h_tokens", "reasoning_tokens", "searches"]


def generate(path: Path, rows: int, seed: int = 13) -> float:
    """The synthetic log, written by DuckDB (no Python row loop); returns the seconds it took."""
    import duckdb

    keys = ", ".join(f"'{k}'" for k in ENDPOINTS)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 100})")
    con.execute(f"""
        COPY (
          WITH r AS (SELECT i, hash(i) AS h, random() AS a, random() AS b FROM range({rows}) t(i))
          SELECT TIMESTAMP '2025-01-01' + to_seconds((h % (2 * 365 * 86400))::BIGINT) AS timestamp,
                 [{keys}][(1 + CASE WHEN (h >> 40) % 50 = 0 THEN {len(ENDPOINTS) - 1}
                                   ELSE (h >> 20) % {len(ENDPOINTS) - 1} END)::BIGINT]
                   AS endpoint_key,
                 CASE WHEN (h >> 30) % 7 = 0 THEN 'batch' ELSE 'standard' END AS service_tier,
                 (100 + a * a * a * 250000)::BIGINT AS input_tokens,
                 (10 + b * 8000)::BIGINT AS output_tokens,
                 ((100 + a * a * a * 250000) * b * 0.6)::BIGINT AS cached_input_tokens,
                 CASE WHEN (h >> 8) % 5 = 0 THEN ((100 + a * a * a * 250000) * 0.2)::BIGINT ELSE 0 END AS cache_write_tokens,
                 CASE WHEN (h >> 8) % 25 = 0 THEN ((100 + a * a * a * 250000) * 0.1)::BIGINT ELSE 0 END
                   AS cache_write_1h_tokens,
                 CASE WHEN (h >> 12) % 3 = 0 THEN ((10 + b * 8000) * a)::BIGINT ELSE 0 END AS reasoning_tokens,
                 CASE WHEN (h >> 16) % 100 = 0 THEN 1 ELSE 0 END AS searches
          FROM r
        ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")
    con.close()
    return time.perf_counter() - t0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _jvm_pid(session) -> int | None:
    try:
        return int(session.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
    except Exception:  # a remote cluster: unknown
        return None


def _jvm_peak_mib(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):  # not on Linux, or a remote cluster: unknown, never 0
        return None
    return None


def cpu_s(pid: int | None = None) -> float:
    """CPU seconds (all threads) of this process, plus those of the JVM ``pid`` when given."""
    total = time.process_time()
    if pid:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


def child(task: str, path: str, master: str) -> dict:
    """One measurement in this (fresh) process."""
    if task == "scan":  # the reference
        import duckdb

        con = duckdb.connect()
        sums = ", ".join(f"sum({c})" for c in TOKEN_COLUMNS)
        t0, c0 = time.perf_counter(), cpu_s()
        con.execute(f"SELECT {sums} FROM read_parquet('{path}')").fetchall()
        return {"seconds": time.perf_counter() - t0, "cpu_s": cpu_s() - c0, "peak_mib": peak_mib()}
    from analysis.data.catalogs.registry import load_catalog
    from analysis.prices.log_costs import price_log

    tables = load_catalog("genai-prices").tables
    from analysis.prices.engines import connect, spark_session

    t0 = time.perf_counter()
    session = None
    if task == "spark":
        session = spark_session(master, shuffle_partitions=4, **{"spark.driver.memory": "4g"})
    engine = connect(task, **({"session": session} if session else {}))
    start = time.perf_counter() - t0
    tiny = Path(path).with_name("tiny.parquet")
    jvm = _jvm_pid(session) if session else None
    tiny_s, tiny_cpu = [], []
    for _ in range(2):  # the first pays the warm-up (fixed overhead), the second is a tiny job's steady cost
        t0, c0 = time.perf_counter(), cpu_s(jvm)
        price_log(tiny, tables, engine)
        tiny_s.append(time.perf_counter() - t0)
        tiny_cpu.append(cpu_s(jvm) - c0)
    t0, c0 = time.perf_counter(), cpu_s(jvm)
    out = price_log(path, tables, engine)
    seconds, cpu = time.perf_counter() - t0, cpu_s(jvm) - c0
    return {"seconds": seconds, "cpu_s": cpu, "start_s": start, "tiny_s": tiny_s, "tiny_cpu_s": tiny_cpu,
            "peak_mib": peak_mib(), "jvm_peak_mib": _jvm_peak_mib(jvm), **_totals(out)}


def _totals(out) -> dict:
    priced = out.set_aside_reason.isna()
    return {"rows": int(out.rows.sum()), "rows_priced": int(out.rows[priced].sum()),
            "cost_usd": float(out.cost_usd[priced].sum()),
            "set_aside": {str(k): int(v) for k, v in out[~priced].groupby("set_aside_reason").rows.sum().items()}}


def run_child(task: str, path: Path, master: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", task, str(path), "--spark-master", master],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def crossover(d: float, s: float, fixed_d: float, fixed_s: float) -> list[tuple[int, float | None]]:
    """Rows above which Spark on N executors (each like this machine) beats DuckDB on one; ``None``: never.

    DuckDB takes ``fixed_d + rows * d``; Spark ``fixed_s + rows * s / N`` (linear scaling assumed);
    equal at ``(fixed_s - fixed_d) / (d - s / N)`` when ``d > s / N``.

    >>> crossover(1e-8, 4e-8, 1.0, 21.0)[:3]
    [(1, None), (2, None), (4, None)]
    >>> round(crossover(1e-8, 4e-8, 1.0, 21.0)[3][1] / 1e9, 1)
    4.0
    """
    out = []
    for n in (1, 2, 4, 8, 16, 32, 64, 128):
        gain = d - s / n
        out.append((n, max(fixed_s - fixed_d, 0.0) / gain if gain > 0 else None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--no-spark", action="store_true", help="DuckDB only (no Java here)")
    ap.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.spark_master)))
        return 0
    from analysis.prices.engines import spark_missing

    if not args.no_spark and spark_missing():
        print(f"note: Spark skipped ({spark_missing()} missing)")
        args.no_spark = True
    tmp = Path(tempfile.mkdtemp(prefix="pricepoint-bench-engines-"))
    try:
        path = tmp / "log.parquet"
        free_gib = shutil.disk_usage(tmp).free / 2**30
        gen_s = generate(path, args.rows)
        generate(tmp / "tiny.parquet", 1000)
        size_gib = path.stat().st_size / 2**30
        print(f"{args.rows:,} rows of Parquet ({size_gib:.2f} GiB, {free_gib:.0f} GiB free before) written by "
              f"DuckDB in {gen_s:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        scan = run_child("scan", path, args.spark_master)
        base = scan["seconds"]
        cbase = scan["cpu_s"]
        print("  (wall time, and CPU time of all threads, which the other users of a shared machine disturb less)")
        print(f"  DuckDB bare scan (sum of the {len(TOKEN_COLUMNS)} token columns): {base:.2f} s = 1.00 "
              f"(CPU {cbase:.2f} s = 1.00), peak {scan['peak_mib']:.0f} MiB", flush=True)
        duck = run_child("duckdb", path, args.spark_master)
        print(f"  DuckDB re-pricing (the Ibis expression): {duck['seconds']:.2f} s = {duck['seconds'] / base:.1f} "
              f"x the scan (CPU {duck['cpu_s'] / cbase:.1f} x), peak {duck['peak_mib']:.0f} MiB")
        print(f"  set aside: {', '.join(f'{n:,} {why}' for why, n in duck['set_aside'].items()) or 'none'}")
        spark = None if args.no_spark else run_child("spark", path, args.spark_master)
        if spark:
            jvm = f"{spark['jvm_peak_mib']:.0f} MiB" if spark["jvm_peak_mib"] else "unknown"
            print(f"  Spark {args.spark_master} re-pricing (same expression): {spark['seconds']:.2f} s = "
                  f"{spark['seconds'] / base:.1f} x the scan (CPU, JVM included, {spark['cpu_s'] / cbase:.1f} x), "
                  f"peak {spark['peak_mib']:.0f} MiB (Python) + {jvm} (JVM)")
            fixed_d, fixed_s = (x["start_s"] + x["tiny_s"][0] for x in (duck, spark))
            print(f"  fixed overheads: Spark {fixed_s:.1f} s (session start {spark['start_s']:.1f} s + a first "
                  f"1,000-row job {spark['tiny_s'][0]:.1f} s; the next one {spark['tiny_s'][1]:.1f} s); "
                  f"DuckDB {fixed_d:.1f} s (connect + first 1,000-row job; the next one {duck['tiny_s'][1]:.1f} s)")
            same = (spark["rows"] == duck["rows"] and spark["set_aside"] == duck["set_aside"]
                    and round(spark["cost_usd"], 2) == round(duck["cost_usd"], 2))
            print(f"  same totals: {'yes' if same else 'NO'} (${duck['cost_usd']:,.2f} on DuckDB, "
                  f"${spark['cost_usd']:,.2f} on Spark; the same rows set aside by reason: "
                  f"{'yes' if spark['set_aside'] == duck['set_aside'] else 'NO'})")
            # per-row costs in CPU time (both engines use the same cores; a shared machine disturbs wall time
            # more), net of a tiny job's steady cost; as wall time on this machine if it were not shared
            cores = os.cpu_count() or 1
            d = max(duck["cpu_s"] - duck["tiny_cpu_s"][1], 0.0) / args.rows / cores
            s = max(spark["cpu_s"] - spark["tiny_cpu_s"][1], 0.0) / args.rows / cores
            print(f"\nCrossover model (per-row costs from this run's CPU time over {cores} cores: DuckDB "
                  f"{d * 1e9:.0f} ns/row, Spark {args.spark_master} {s * 1e9:.0f} ns/row on this machine; linear "
                  f"scaling assumed: N executors, each like this machine, divide Spark's per-row cost by N; fixed "
                  f"overheads as measured above, wall time):")
            for n, rows in crossover(d, s, fixed_d, fixed_s):
                print(f"  {n:>4} executors: " + (f"Spark is faster above {rows:,.0f} rows" if rows else
                                                    "never faster (its per-row cost over N stays above DuckDB's)"))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""``pricepoint reprice`` on a LiteLLM proxy's spend logs: the options, the hand-off, and the tables it adds.

``--from-litellm-db postgresql://...`` reads the proxy's table, ``--from litellm-spendlogs`` (or a
CSV whose header is LiteLLM's) its CSV export. Either becomes a temporary Parquet log
(:func:`analysis.traffic.spend_logs.spend_log`) that the re-pricing reads as any file; the output
then adds, per model, the proxy's own bill beside pricepoint's and the latency of the traffic.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from analysis.formatting import format_usd
from analysis.traffic import spend_logs

FORMATS = ("usage-log", "litellm-spendlogs")


def add_options(p: argparse.ArgumentParser) -> None:
    """The spend-log options of ``pricepoint reprice``."""
    p.add_argument("--from", dest="log_from", choices=FORMATS, default=None,
                   help="what LOG is: usage-log (pricepoint's columns) or litellm-spendlogs (a CSV export of a "
                        "LiteLLM proxy's LiteLLM_SpendLogs table). Default: from the CSV's header")
    p.add_argument("--from-litellm-db", metavar="postgresql://USER@HOST:PORT/DB", default=None,
                   help="read the spend logs from a LiteLLM proxy's PostgreSQL database (its DATABASE_URL; a "
                        "password is better kept in PGPASSWORD or ~/.pgpass) instead of a LOG file")
    p.add_argument("--since", metavar="YYYY-MM-DD", default=None,
                   help="spend logs only: the requests whose startTime (UTC) is on or after this day or time "
                        "(in the database, on its startTime index)")
    p.add_argument("--until", metavar="YYYY-MM-DD", default=None,
                   help="spend logs only: the requests whose startTime (UTC) is before this day or time")


@contextlib.contextmanager
def log_source(args: argparse.Namespace) -> Iterator[spend_logs.SpendLog | None]:
    """The spend log ``args`` name, as a temporary Parquet log put in ``args.log`` (None: an ordinary log).

    >>> ns = argparse.Namespace(log="usage.csv", log_from=None, from_litellm_db=None)
    >>> with log_source(ns) as spend:
    ...     spend, ns.log
    (None, 'usage.csv')
    """
    db, fmt = getattr(args, "from_litellm_db", None), getattr(args, "log_from", None)
    if db and args.log:
        raise ValueError(f"pass either a LOG file ({args.log}) or --from-litellm-db, not both")
    if not db and not args.log:
        raise ValueError("no usage log given: pass a LOG file, or --from-litellm-db postgresql://USER@HOST:PORT/DB "
                         "to read a LiteLLM proxy's spend logs")
    if db and not spend_logs.is_database_url(db):
        raise ValueError(f"--from-litellm-db {db!r}: expected a URL such as postgresql://litellm@localhost:5432/litellm")
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name} {value!r}: expected a date YYYY-MM-DD or a time YYYY-MM-DD HH:MM:SS (UTC)") from None
    if fmt == "usage-log" or not (db or fmt == "litellm-spendlogs" or spend_logs.is_spend_log_csv(args.log)):
        if since or until:
            raise ValueError("--since and --until apply to a LiteLLM spend log (--from-litellm-db or its CSV export); "
                             f"{args.log} is a usage log: filter it before, or drop the option")
        yield None
        return
    with spend_logs.spend_log(db or args.log, since=since, until=until,
                              threads=getattr(args, "threads", None)) as spend:
        args.log = spend.parquet
        yield spend


def _seconds(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:.2f}"


def format_by_model(spend: spend_logs.SpendLog, report, models: list[str]) -> str:
    """Per model: requests, the proxy's bill and pricepoint's as-logged cost, side by side."""
    table = spend_logs.by_model(spend, models)
    ours = report.by_task.groupby("model").cost_usd.sum(min_count=1) if len(report.by_task) else pd.Series(dtype=float)
    names = [m if k else f"{m} (not priced here)" for m, k in zip(table.model, table.known)]
    width = max(28, *(len(m) + 1 for m in names))
    lines = [f"{'model':<{width}} {'requests':>9} {'failed':>7} {'as billed by the proxy':>23} "
             f"{'at our prices':>14}"]
    for name, r in zip(names, table.itertuples()):
        lines.append(f"{name:<{width}} {r.requests:>9,} {r.failed:>7,} {format_usd(r.billed_usd, 2):>23} "
                     f"{format_usd(ours.get(r.model, math.nan), 2):>14}")
    billed = table.billed_usd.sum(min_count=1)
    lines.append(f"{'all':<{width}} {table.requests.sum():>9,} {table.failed.sum():>7,} {format_usd(billed, 2):>23} "
                 f"{format_usd(ours.sum(min_count=1) if len(ours) else math.nan, 2):>14}")
    return "\n".join(lines)


def format_latency(table: pd.DataFrame, set_aside: pd.DataFrame) -> str:
    """The latency table as text: per model and metric, the sample count and p50/p90/p99 with 95 % intervals."""
    names = {"ttft_s": "TTFT", "e2e_s": "end-to-end"}
    width = max(28, *(len(m) + 1 for m in table.model)) if len(table) else 28
    qs = [c for c in table.columns if c.startswith("p") and "_ci_" not in c]
    lines = [f"{'model':<{width}} {'latency, s':<11} {'n':>8} " + " ".join(f"{q + ' [95% interval]':>24}" for q in qs)]
    for r in table.to_dict("records"):
        cells = [f"{_seconds(r[q])} [{_seconds(r[q + '_ci_low'])}, {_seconds(r[q + '_ci_high'])}]"
                 if r["n"] else "unknown" for q in qs]
        lines.append(f"{r['model']:<{width}} {names.get(r['metric'], r['metric']):<11} {r['n']:>8,} "
                     + " ".join(f"{c:>24}" for c in cells))
    methods = sorted(set(table.ci[table.n > 0])) if len(table) else []
    if "order statistics" in methods:
        lines.append("Intervals: bootstrap up to 5,000 samples per model; order statistics above (distribution-free).")
    for r in set_aside.itertuples():
        lines.append(f"  set aside from {names.get(r.metric, r.metric)}: {r.rows:,} requests ({r.reason}: {r.meaning})")
    return "\n".join(lines)


def print_tables(spend: spend_logs.SpendLog, report, models: list[str], csv: str | None = None) -> None:
    """Print the per-model bill and latency of a spend log (and write them beside ``--csv OUT``)."""
    print(f"\nRead {spend.rows:,} requests from {spend.label} in {spend.read_seconds:.2f} s "
          f"({spend.rows_per_second:,.0f} rows/s).")
    print("\nBy model: the proxy's own bill (LiteLLM's spend) beside pricepoint's, as logged")
    print(format_by_model(spend, report, models))
    latency, set_aside = spend_logs.latency(spend, models)
    print("\nLatency of your traffic (TTFT = completionStartTime - startTime; end-to-end = endTime - startTime; "
          "successful requests only;\na request that was not streamed has completionStartTime = endTime in LiteLLM's "
          "log, so its TTFT is its whole response time)")
    print(format_latency(latency, set_aside))
    if csv:
        out = Path(csv)
        path = out.with_name(out.stem + ".latency.csv")
        latency.to_csv(path, index=False)
        print(f"\nWrote {path}")

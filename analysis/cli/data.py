"""pricepoint check-data, import-prices and reprice."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic import workload as traffic_workload
from analysis.traffic.logs import scan_usage_log
from analysis.traffic.reprice import AS_LOGGED, UsageReport, log_policies, reprice

# --------------------------------------------------------------------------- command line


def format_totals(report: UsageReport) -> str:
    """The re-priced totals as a plain-text table, cheapest complete scenario first.

    >>> from analysis.traffic.reprice import reprice_log
    >>> from analysis.traffic.demo_log import generate_usage_log
    >>> import tempfile, pathlib
    >>> rep = reprice_log(generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=200, seed=1))
    >>> print(format_totals(rep).splitlines()[0])
    scenario                     cost of the log   per month  rows not served  vs as logged
    """
    from analysis.formatting import format_usd

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
    from analysis.data.load import load_benchmarks, load_model_facts, load_pricing

    pricing = load_pricing(args.pricing)
    caps = traffic_capabilities.capabilities(pricing, load_benchmarks(args.benchmarks, pricing=pricing),
                                load_model_facts(args.model_facts, pricing=pricing))
    thresholds = traffic_workload.parse_mapping(args.thresholds, "--thresholds") if args.thresholds else None
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


# --------------------------------------------------------------------------- check data


CHECKED_TABLES = ("pricing", "benchmarks", "model_facts", "access", "matchups", "gateway_models", "router",
                  "prompts")


def _add_check_data(p: argparse.ArgumentParser) -> None:
    for table in CHECKED_TABLES:
        p.add_argument(f"--{table.replace('_', '-')}", metavar="CSV", default=None,
                       help=f"your {table} CSV (default: the shipped data/{table}.csv)")
    p.add_argument("--workload", metavar="YAML", default=None,
                   help="your workload YAML (default: the shipped data/workload-example.yml)")


def cmd_check_data(args: argparse.Namespace) -> int:
    """Validate every table at once: one error lists the problems of all of them."""
    from analysis.data import gateway as data_gateway
    from analysis.data.load import load_dataset
    from analysis.data.tables import DataError
    from analysis.traffic import router as traffic_router
    from analysis.traffic import workload as traffic_workload

    problems, frames = [], {}
    try:
        ds = load_dataset(pricing=args.pricing, benchmarks=args.benchmarks, model_facts=args.model_facts,
                          access=args.access, matchups=args.matchups)
        frames.update(ds.tables())
    except DataError as err:
        problems += err.problems
    pricing, benchmarks = frames.get("pricing"), frames.get("benchmarks")
    if pricing is not None:  # the gateway tables are checked against the pricing (and benchmark) table
        for name, load, kwargs in (
            ("gateway_models", data_gateway.load_gateway_models, {"pricing": pricing}),
            ("router", traffic_router.load_router, {"pricing": pricing, "benchmarks": benchmarks}),
            ("prompts", data_gateway.load_prompts, {}),
        ):
            try:
                frames[name] = load(getattr(args, name), **kwargs)
            except DataError as err:
                problems += err.problems
    workload = None
    try:
        workload = traffic_workload.load_workload(args.workload)
    except DataError as err:  # a WorkloadError names the YAML file, line and key
        problems += err.problems
    if problems:
        raise DataError(problems)
    for name, frame in frames.items():
        print(f"  ok  {name:15s} {len(frame):3d} rows  {frame.attrs.get('source_file', '')}")
    print(f"  ok  {'workload':15s} {len(workload.tasks):3d} tasks {workload.source}")
    print("All tables are valid.")
    return 0


# --------------------------------------------------------------------------- import prices


def _add_import_prices(p: argparse.ArgumentParser) -> None:
    p.add_argument("catalog", metavar="FILE.json", help="the price catalog, e.g. LiteLLM's "
                   "model_prices_and_context_window.json (read from disk; nothing is downloaded)")
    p.add_argument("--from", dest="fmt", choices=["litellm"], default="litellm",
                   help="the catalog's format (default: litellm)")
    p.add_argument("-o", "--out", metavar="OUT.csv", default=None,
                   help="the pricing CSV to write, with OUT.meta.yml beside it "
                        "(default: FILE.pricing.csv beside the catalog)")
    p.add_argument("--origin", action="append", metavar="KEY=US|CN", default=[],
                   help="origin of a model key or of a provider the built-in maps do not know (repeatable)")
    p.add_argument("--provider", action="append", metavar="NAME", default=[],
                   help="keep only this litellm_provider (repeatable)")
    p.add_argument("--match", action="append", metavar="PATTERN", default=[],
                   help="keep only model keys matching this shell pattern, e.g. '*deepseek*' (repeatable)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", default=None,
                   help="the day the catalog's prices were current (default: the file's modification date)")
    p.add_argument("--force", action="store_true", help="replace OUT.csv and OUT.meta.yml if they exist")
    p.add_argument("--keep-keys", action="store_true",
                   help="keep every catalog key as the model name (by default a key that is a known gateway "
                        "id, such as gpt-4o, takes pricepoint's name, GPT-4o, so its scores and facts apply)")


def cmd_import_prices(args: argparse.Namespace) -> int:
    from analysis.data.catalogs.litellm import import_litellm, parse_origin_options

    target, result = import_litellm(args.catalog, args.out, origins=parse_origin_options(args.origin),
                                    providers=args.provider or None, match=args.match or None,
                                    as_of=args.as_of, force=args.force, known_names=not args.keep_keys)
    for line in result.summary():
        print("  " + line)
    print(f"Wrote {target} and {target.with_name(target.stem + '.meta.yml')} (validated).")
    print(f"Use it: pricepoint report -p pricing_csv {target}   (or pricepoint run 01 -p pricing_csv {target})")
    return 0


# --------------------------------------------------------------------------- usage logs: reprice


def _add_reprice(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG", help="your usage log: CSV, JSONL or Parquet with columns timestamp, "
                                              "model, input_tokens, output_tokens and optionally task_type")
    for table in ("pricing", "benchmarks", "model_facts"):
        p.add_argument(f"--{table.replace('_', '-')}", metavar="CSV", default=None,
                       help=f"your {table} CSV (default: the shipped data/{table}.csv)")
    p.add_argument("--thresholds", metavar="TASK:SCORE,...", default=None,
                   help="minimum benchmark score per task type for the threshold policy "
                        "(default code:91, reasoning:87, chinese:89, general:85)")
    p.add_argument("--budget", type=float, metavar="USD", default=None,
                   help="monthly budget: adds the policy with the best expected quality within it")
    p.add_argument("--baseline", default="GPT-4o", help="scenario savings are also measured against (default GPT-4o)")
    p.add_argument("--examples", type=int, default=3, help="examples shown per kind of bad row (default 3)")
    p.add_argument("--csv", metavar="OUT", default=None, help="also write the totals table to this CSV")
    p.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: one per core)")


def cmd_reprice(args: argparse.Namespace) -> int:

    return reprice_cli(args)

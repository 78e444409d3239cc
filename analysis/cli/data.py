"""pricepoint check-data, import-prices and reprice."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis.cli.spend_logs import add_options as add_spend_log_options
from analysis.cli.spend_logs import log_source as spend_log_source
from analysis.cli.spend_logs import print_tables as print_spend_tables
from analysis.prices.engines import ENGINES, is_url
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
    from analysis.formatting import usd_column

    t = report.totals.copy()
    cost, month = usd_column(t.cost_usd), usd_column(t.monthly_cost_usd)  # one precision per column
    t["complete"] = t.rows_unserved == 0
    t = t.sort_values(["complete", "cost_usd"], ascending=[False, True], na_position="last")
    width = max(28, t.scenario.str.len().max() + 1)
    lines = [f"{'scenario':<{width}} {'cost of the log':>15} {'per month':>11} {'rows not served':>16} "
             f"{'vs as logged':>13}"]
    for r in t.itertuples():
        vs = "" if pd.isna(r.savings_vs_logged_pct) or r.scenario == AS_LOGGED else (
            f"{-r.savings_vs_logged_pct:+.1f}%")
        lines.append(f"{r.scenario:<{width}} {cost(r.cost_usd):>15} {month(r.monthly_cost_usd):>11} "
                     f"{r.rows_unserved:>16,} {vs:>13}")
    return "\n".join(lines)


def reprice_cli(args) -> int:
    """``pricepoint reprice LOG``: re-price a usage log and print what it cost under each model and policy.

    It prints the as-logged cost and the policies built for the log's own task mix, which need the
    grouped scan, so it does not use :func:`reprice_models` (that would read the file twice).
    """
    from analysis.data.load import load_benchmarks, load_model_facts, load_pricing

    if is_url(args.log):
        return _reprice_where_it_lives(args)
    pricing = load_pricing(args.pricing)
    caps = traffic_capabilities.capabilities(pricing, load_benchmarks(args.benchmarks, pricing=pricing),
                                load_model_facts(args.model_facts, pricing=pricing))
    thresholds = traffic_workload.parse_mapping(args.thresholds, "--thresholds") if args.thresholds else None
    scan = scan_usage_log(args.log, list(caps.index), caps.context_window_tokens.dropna().unique(),
                          daily=False, threads=args.threads)
    report = reprice(scan, caps, log_policies(scan, caps, thresholds, args.budget), args.baseline,
                     examples=args.examples)
    spend = getattr(args, "spend_log", None)
    if spend is not None:  # name the proxy's table or export, not the temporary Parquet
        report.file, report.format = Path(spend.label), spend.source
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
    if spend is not None:  # per model: the proxy's bill beside ours, and the traffic's latency
        print_spend_tables(spend, report, list(caps.index), args.csv)
    print(f"\nScanned in {report.scan_seconds:.2f} s. Prices as published (data/pricing.csv unless --pricing); "
          f"the threshold and optimised policies are built for this log's own mix.")
    _reprice_tariffs(args, caps)
    if args.engine != "duckdb":  # the same pricing expression, on the engine chosen (--engine, --spark-master)
        _print_billed_on_engine(args)
    return 0


def _print_billed_on_engine(args) -> None:
    """The log priced as billed by the tariff tables, on ``--engine`` (``analysis.prices.log_costs``)."""
    from analysis.data.catalogs.pricing import catalog_pricing_csv
    from analysis.prices.log_costs import billed_text

    pricing_file = catalog_pricing_csv(args.catalog, args.pricing or "") or None
    print("\n" + billed_text(args.log, pricing_file, args.engine, args.spark_master))


def _reprice_where_it_lives(args) -> int:
    """A log given by URL: read and re-priced as billed by the engine, where it lives (the other sections read a
    local file with DuckDB, so they are said to be left out, not silently skipped)."""
    from analysis.formatting import redact_url

    if args.engine == "duckdb":
        raise ValueError(f"{redact_url(args.log)}: a URL; DuckDB reads local files here. Re-price the log where it lives "
                         f"with --engine {' or --engine '.join(n for n in ENGINES if n != 'duckdb')}, or copy "
                         "it to this machine")
    print(f"The log is a URL, read by {args.engine} where it lives: it is re-priced as billed by the tariff tables "
          "only (the costs under every model and policy, and at today's prices, need a local file).")
    _print_billed_on_engine(args)
    return 0


def _reprice_tariffs(args, caps: pd.DataFrame | None = None) -> None:
    """The log on the catalog's tariffs: as billed then, and at today's prices under every model (a vision request
    set aside on a model without vision, or whose vision is unknown, by ``caps``)."""
    from analysis.traffic.tariff_logs import catalog_tables, price_log
    from analysis.traffic.tariff_text import format_billed, format_today

    tariffs = price_log(args.log, catalog_tables(args.catalog, args.pricing or ""), as_of=args.as_of,
                        cache_hit_share=args.cache_hit_share, examples=args.examples, threads=args.threads,
                        vision=None if caps is None else traffic_capabilities.vision_by_model(caps))
    print(f"\nOn the {args.catalog} catalog's tariffs (cache, service tiers, long context, time of day, price "
          "history):")
    print(tariffs.summary())
    print()
    print(format_billed(tariffs))
    print()
    print(format_today(tariffs, args.top))


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
    """Validate every table at once: one error lists the problems of all of them.

    With ``--pricing`` (the user's own prices), a table naming a model that file does not list is
    checked as the notebooks check it (:func:`analysis.data.load.load_beside_pricing`): against the
    shipped prices, with a note saying what the report will do about it, not a problem.
    """
    from analysis.data import gateway as data_gateway
    from analysis.data import load as data_load
    from analysis.data.tables import DataError
    from analysis.traffic import router as traffic_router
    from analysis.traffic import workload as traffic_workload

    problems, frames, notes = [], {}, []
    try:
        pricing = frames["pricing"] = data_load.load_pricing(args.pricing)
    except DataError:
        pricing = None
    if pricing is None:  # every table's own problems, the pricing file's first (load_dataset lists them all)
        try:
            data_load.load_dataset(pricing=args.pricing, benchmarks=args.benchmarks, model_facts=args.model_facts,
                                   access=args.access, matchups=args.matchups)
        except DataError as err:
            problems += err.problems

    def attempt(name, load, *a, beside=False, **kwargs):
        try:
            if beside:
                frames[name], more = data_load.load_beside_pricing(load, *a, pricing, args.pricing, **kwargs)
                notes.extend(more)
            else:
                frames[name] = load(*a, **kwargs)
        except DataError as err:
            problems.extend(err.problems)
        return frames.get(name)

    if pricing is not None:  # the other tables are checked against the pricing table, as the notebooks check them
        facts = attempt("model_facts", data_load.load_model_facts, args.model_facts, beside=True)
        benchmarks = attempt("benchmarks", data_load.load_benchmarks, args.benchmarks, beside=True)
        attempt("access", data_load.load_access, args.access)
        attempt("matchups", data_load.load_matchups, args.matchups, beside=True, model_facts=facts)
        attempt("gateway_models", data_gateway.load_gateway_models, args.gateway_models, beside=True)
        attempt("router", traffic_router.load_router, args.router, beside=True, benchmarks=benchmarks)
    attempt("prompts", data_gateway.load_prompts, args.prompts)  # needs no prices
    workload = None
    try:
        workload = traffic_workload.load_workload(args.workload)
    except DataError as err:  # a WorkloadError names the YAML file, line and key
        problems += err.problems
    if problems:
        raise DataError(problems)
    for name in CHECKED_TABLES:
        frame = frames[name]
        print(f"  ok  {name:15s} {len(frame):3d} rows  {frame.attrs.get('source_file', '')}")
    print(f"  ok  {'workload':15s} {len(workload.tasks):3d} tasks {workload.source}")
    for note in notes:
        print(f"  note  {note}")
    print("All tables are valid." + (f" {len(notes)} note{'s' if len(notes) != 1 else ''} above: what the report "
                                     f"does with models your pricing file does not list." if notes else ""))
    return 0


# --------------------------------------------------------------------------- import prices


def _add_import_prices(p: argparse.ArgumentParser) -> None:
    p.add_argument("catalog", metavar="FILE", nargs="?", default=None,
                   help="the catalog file, for --from litellm: LiteLLM's model_prices_and_context_window.json "
                        "(read from disk; nothing is downloaded)")
    p.add_argument("--from", dest="fmt", choices=["litellm", "genai-prices"], default="litellm",
                   help="the catalog: litellm (a FILE) or genai-prices (the installed package; no FILE). "
                        "Default: litellm")
    p.add_argument("-o", "--out", metavar="OUT.csv", default=None,
                   help="the pricing CSV to write, with OUT.meta.yml, OUT.endpoints.csv and OUT.tiers.csv beside "
                        "it (default: FILE.pricing.csv beside the catalog; genai-prices.pricing.csv for genai-prices)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", default=None,
                   help="the day the catalog's prices were current (LiteLLM's file carries no date; without this "
                        "the date is recorded as unknown, never the file's modification time)")
    p.add_argument("--force", action="store_true", help="replace OUT.csv and its sidecars if they exist")


def _default_out(args: argparse.Namespace) -> Path:
    """Where the pricing CSV goes without ``-o``.

    >>> _default_out(argparse.Namespace(out=None, fmt="litellm", catalog="/tmp/prices.json")).name
    'prices.pricing.csv'
    """
    if args.out:
        return Path(args.out)
    if args.fmt == "litellm":
        source = Path(args.catalog).expanduser()
        return source.with_name(source.stem + ".pricing.csv")
    return Path(f"{args.fmt}.pricing.csv")


def cmd_import_prices(args: argparse.Namespace) -> int:
    """Import a catalog: a pricing CSV (first-party standard price per model) plus its full tariff tables."""
    import datetime as dt

    from analysis.data.catalogs import load_catalog
    from analysis.data.catalogs.kinds import SET_ASIDE_PREFIX
    from analysis.data.catalogs.pricing import models_by_origin, sidecars, write_catalog

    if args.as_of:
        try:
            args.as_of = dt.date.fromisoformat(args.as_of).isoformat()
        except ValueError:
            raise ValueError(f"--as-of {args.as_of!r}: expected a date YYYY-MM-DD. Pass --as-of as YYYY-MM-DD "
                             f"(the day the catalog's prices were current).") from None
    if args.fmt == "litellm":
        if not args.catalog:
            from analysis.cli.common import HELP_HINT

            raise ValueError("--from litellm needs the catalog FILE: the path of LiteLLM's "
                             f"model_prices_and_context_window.json (or use --from genai-prices).\n{HELP_HINT}")
        source = Path(args.catalog).expanduser()
        if not source.exists():
            raise ValueError(f"{source}: no such file. Pass the path of LiteLLM's "
                             f"model_prices_and_context_window.json.")
        imp = load_catalog("litellm", source, as_of=args.as_of)
    else:
        if args.catalog:
            raise ValueError(f"--from {args.fmt} reads the installed package and takes no FILE "
                             f"(got {args.catalog!r}). Run it without FILE.")
        source = None
        imp = load_catalog(args.fmt)
        if args.as_of:
            imp.report.as_of = args.as_of
    target, table, left_out = write_catalog(imp, _default_out(args), force=args.force, source_file=source)
    r = imp.report
    print(f"  {r.source} {r.version or '(version unknown)'}, as of "
          + (r.as_of or "unknown: the file carries no date; every page will say so. Pass --as-of YYYY-MM-DD "
             "(the day its prices were current) with --force to date it"))
    print(f"  {r.entries_read:,} entries read; {r.endpoints_written:,} endpoints (endpoint x service tier) written "
          f"as {r.price_rows_written:,} price rows and {r.tier_rows_written:,} tier rows")
    modes = {why: n for why, n in r.set_aside.items() if why.startswith(SET_ASIDE_PREFIX)}
    if modes:
        kinds = ", ".join(f"{why.removeprefix(SET_ASIDE_PREFIX)} {n:,}" for why, n in Counter(modes).most_common())
        print(f"  set aside: {sum(modes.values()):,} not chat models ({kinds})")
    for why, n in r.set_aside.most_common():
        if why not in modes:
            print(f"  set aside: {n:,} {why}")
    if r.rounded_cells:
        print(f"  {len(r.rounded_cells)} cells with float artefacts rounded to 10 significant digits (listed in "
              f"{target.stem}.meta.yml), e.g. {r.rounded_cells[0]['raw']} -> {r.rounded_cells[0]['rounded']}")
    if r.zero_cells:
        print(f"  {len(r.zero_cells):,} prices were 0 in the catalog and are left unknown, never billed as free "
              f"(listed in {target.stem}.meta.yml)"
              + (f"; {r.free_entries:,} entries marked free keep their 0" if r.free_entries else ""))
    print(f"  {len(table):,} models at their first-party standard price in {target.name}")
    print("  models per origin: " + ", ".join(f"{o} {n:,}" for o, n in models_by_origin(table).items()))
    for why, n in left_out.most_common():
        print(f"  models left out: {n:,} {why}")
    side = sidecars(target)
    print(f"Wrote {target}, {side['endpoints'].name}, {side['tiers'].name} and {side['meta'].name} (validated).")
    print(f"Use it: pricepoint report -p catalog {target}")
    return 0


# --------------------------------------------------------------------------- usage logs: reprice


def _add_reprice(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG", nargs="?", default=None,
                   help="your usage log: CSV, JSONL or Parquet with columns timestamp, model, input_tokens, "
                        "output_tokens and optionally task_type, cached_input_tokens, cache_write_tokens, "
                        "reasoning_tokens, service_tier, provider")
    add_spend_log_options(p)  # --from, --from-litellm-db: a LiteLLM proxy's spend logs
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
    p.add_argument("--catalog", default="article", help="the tariffs the log is also priced on: article (default), "
                                                        "genai-prices, a pricing CSV or LiteLLM's JSON")
    p.add_argument("--cache-hit-share", type=float, default=0.0, metavar="SHARE",
                   help="an assumption, for a log without cached_input_tokens: the share (0-1) of input tokens read "
                        "from the prompt cache, on every model (default 0)")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the day whose prices are today's "
                                                                      "(default: today, UTC)")
    p.add_argument("--top", type=int, default=25, help="models shown at today's prices (default 25)")
    p.add_argument("--engine", choices=tuple(ENGINES), default="duckdb",
                   help="where the log is re-priced on the tariff tables: duckdb (embedded, the default) or spark "
                        "(Apache Spark through PySpark: pip install 'pricepoint[spark]' and Java 17+)")
    p.add_argument("--spark-master", metavar="URL", default=None,
                   help="Spark master for --engine spark: local[*] by default; spark://HOST:7077, yarn or "
                        "k8s://... for a cluster (which then reads the log itself: a shared path or s3a:// URL)")


def cmd_reprice(args: argparse.Namespace) -> int:
    with spend_log_source(args) as spend:  # a LiteLLM spend log: a temporary Parquet log in args.log
        args.spend_log = spend
        return reprice_cli(args)

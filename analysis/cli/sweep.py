"""pricepoint sweep: one notebook over a grid of parameter values, its results in one table and one figure."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.common import UserError, _parse_params, _resolve_notebooks


def _add_sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="the notebook's name or number (04, 04-break-even)")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUES"), default=[],
                   help="a swept parameter and its values, comma-separated (v1,v2,v3) or a YAML list in "
                        "brackets when a value holds commas; repeatable: the sweep runs every combination")
    p.add_argument("--set", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="a parameter held fixed for every run (repeatable)")
    p.add_argument("--plot", metavar="RESULT", default=None,
                   help="the result to draw against the first swept parameter, as a column of the sweep table "
                        "(nested keys joined with dots, such as volume_break_even.tokens_per_month)")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="folder for sweep.csv, sweep.parquet, the figure and every run (default reports-sweeps/<notebook>)")
    p.add_argument("--jobs", type=int, default=None, help="runs at once (default: one per core)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds each run may take (default 600)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def cmd_sweep(args: argparse.Namespace) -> int:
    from analysis.report.sweep import parse_values, plottable, run_sweep

    if not args.param:
        raise UserError("nothing to sweep: pass -p NAME v1,v2,... (see `pricepoint sweep --help`).")
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}; pass 1 or more, or leave it out.")
    [nb] = _resolve_notebooks([args.notebook])
    grid = {name: parse_values(values) for name, values in args.param}
    try:
        result = run_sweep(nb, grid, _parse_params(args.set), Path(args.out) if args.out else None, args.jobs,
                           args.timeout, progress=not args.no_progress)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    swept = list(grid)
    ok = len(result.runs) - len(result.failed)
    print(f"{ok} of {len(result.runs)} runs ok in {result.seconds:.1f} s; the table: "
          f"{result.folder / 'sweep.csv'} (and sweep.parquet)")
    for run, (_, row) in zip(result.runs, result.table.iterrows()):
        if run.status != "ok":
            print(f"  {row['run']} ({', '.join(f'{k}={row[k]}' for k in swept)}): {run.summary()}", file=sys.stderr)
    columns = plottable(result.table, swept)
    if args.plot:
        if args.plot not in result.table.columns:
            import difflib

            near = difflib.get_close_matches(args.plot, columns, n=3)
            raise UserError(f"the sweep table has no column {args.plot!r}"
                            + (f"; did you mean {', '.join(near)}?" if near else "")
                            + f" Pass --plot with one of its {len(columns)} numeric columns (see sweep.csv).")
        import matplotlib

        matplotlib.use("Agg")
        from analysis.figures.sweep import sweep_plot
        from analysis.figures.theme import apply_theme

        apply_theme()
        fig = sweep_plot(result.table, swept[0], args.plot, swept[1] if len(swept) > 1 else None)
        for ext in ("png", "svg"):
            fig.savefig(result.folder / f"sweep.{ext}", bbox_inches="tight", dpi=144, metadata={"Date": None}
                        if ext == "svg" else None)
        print(f"The figure: {result.folder / 'sweep.png'} (and .svg)")
    else:
        print(f"Draw one result with --plot, e.g. --plot {columns[0]}" if columns else "No numeric result to draw.")
    return 0 if not result.failed else 1

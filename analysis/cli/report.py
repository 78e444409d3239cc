"""pricepoint report and pricepoint run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths
from analysis.cli.common import INPUT_ERRORS, UserError, _parse_params, _resolve_notebooks

# --------------------------------------------------------------------------- report


def _add_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("--params", metavar="FILE", help="a YAML parameter set (see params/); "
                   "keys named after a notebook hold its own parameters")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set one parameter for every notebook that declares it (repeatable); "
                        "VALUE is read as YAML, so 3, 1e9, true and text all work")
    p.add_argument("--notebooks", nargs="+", metavar="NB", help="run only these notebooks (names or paths)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: one per core)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds each notebook may take (default 600)")
    p.add_argument("--out", metavar="DIR", default=None, help=f"report folder (default {paths.REPORTS})")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.report.build import build_report

    result = build_report(
        notebooks=_resolve_notebooks(args.notebooks),
        params_file=args.params,
        params=_parse_params(args.param),
        reports_dir=Path(args.out) if args.out else None,
        jobs=args.jobs,
        timeout_s=args.timeout,
        progress=not args.no_progress,
    )
    for run in result.runs:
        print("  " + run.summary())
    if result.ok:
        print(f"Report published in {result.seconds:.1f} s: {result.published / 'index.html'}")
        return 0
    names = ", ".join(r.notebook for r in result.failed)
    print(f"{len(result.failed)} notebook(s) failed: {names}. The previous report was left as it was; "
          f"this run's pages are in {result.published}.", file=sys.stderr)
    first = result.failed[0]
    print(_what_to_do(first, result.published / (first.notebook + ".ipynb"), "pricepoint report"), file=sys.stderr)
    return 1


def _what_to_do(run, executed: Path, command: str) -> str:
    """The last line after a failed notebook: fix the input the message names, or look at the cell.

    >>> from analysis.report.runner import NotebookRun
    >>> _what_to_do(NotebookRun("01-pricing", "failed", error="DataError: 1 problem in the data: ..."),
    ...             Path("r/01-pricing.ipynb"), "pricepoint run 01")
    'The message above names what to fix (a data file or a parameter); fix it and run `pricepoint run 01` again.'
    """
    if run.status == "failed" and (run.error or "").split(":", 1)[0] in INPUT_ERRORS:
        return f"The message above names what to fix (a data file or a parameter); fix it and run `{command}` again."
    if run.status == "timeout":
        return f"Raise --timeout, or make the notebook lighter, and run `{command}` again."
    return f"Open {executed} to see the failing cell, fix it, and run `{command}` again."


# --------------------------------------------------------------------------- run one notebook


def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="the notebook's name or number (01, 01-pricing) or path")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set a parameter (repeatable); VALUE is read as YAML")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="folder for the executed notebook, its HTML, figures and results.json "
                        "(default: reports-adhoc/<notebook>)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds the notebook may take")


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.report.params import declared_parameters, parameter_types, type_problem
    from analysis.report.runner import run_one

    [nb] = _resolve_notebooks([args.notebook])
    params = _parse_params(args.param)
    declared = declared_parameters(nb)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UserError(f"{nb.stem} has no parameter {', '.join(unknown)}; it declares: "
                        f"{', '.join(sorted(declared))}. Check the spelling (papermill --help-notebook {nb}).")
    types = parameter_types(nb)
    wrong = [p for name, value in params.items() if (p := type_problem(name, value, types.get(name)))]
    if wrong:
        raise UserError("; ".join(wrong) + f". Pass values of the declared types (papermill --help-notebook {nb}).")
    out = Path(args.out) if args.out else paths.ROOT / "reports-adhoc" / nb.stem
    out.mkdir(parents=True, exist_ok=True)
    if "output_dir" in declared:
        params.setdefault("output_dir", str(out.resolve()))
    run = run_one(nb, out.resolve(), params, args.timeout)
    print(run.summary())
    if run.status != "ok":
        print(_what_to_do(run, out / (nb.stem + ".ipynb"), f"pricepoint run {args.notebook}"), file=sys.stderr)
        return 1
    print(f"Wrote {out / (nb.stem + '.html')} and {out / nb.stem / 'results.json'}")
    return 0

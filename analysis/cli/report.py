"""pricepoint report and pricepoint run."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
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
    p.add_argument("--force", action="store_true", help="run every notebook, even those whose page depends on "
                   "nothing that changed since the last report (by default those are reused)")


def _check_timeout(timeout_s: float) -> None:
    if not (timeout_s > 0 and timeout_s < float("inf")):
        raise UserError(f"--timeout must be a number of seconds above 0, got {timeout_s:g}; pass one such as 600.")


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.report.build import build_report

    _check_timeout(args.timeout)
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1 (notebooks run at once), got {args.jobs}; pass 1 or more, "
                        f"or leave it out for one per core.")

    result = build_report(
        notebooks=_resolve_notebooks(args.notebooks),
        params_file=args.params,
        params=_parse_params(args.param),
        reports_dir=Path(args.out) if args.out else None,
        jobs=args.jobs,
        timeout_s=args.timeout,
        progress=not args.no_progress,
        force=args.force,
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
    """The last line after a failed notebook, true to what failed: the input a message names, a
    timeout, or a cell that raised something else (then maybe a bug, and the cell is where to look).

    >>> from analysis.report.runner import NotebookRun
    >>> _what_to_do(NotebookRun("01-pricing", "failed", error="DataError: 1 problem in the data: ..."),
    ...             Path("r/01-pricing.ipynb"), "pricepoint run 01")
    'The message above names the input to fix (a data file or a parameter); fix it and run `pricepoint run 01` again.'
    >>> _what_to_do(NotebookRun("06-routing", "failed", error="ParameterError: budget_usd must be at least 0 (a "
    ...             "monthly budget in USD), got -5"), Path("r/06-routing.ipynb"), "pricepoint run 06").split(";")[0]
    'The message above names the input to fix (a data file or a parameter)'
    >>> _what_to_do(NotebookRun("06-routing", "failed", failed_cell=8, error="ValueError: pass a number"),
    ...             Path("r/06-routing.ipynb"), "pricepoint run 06").split(",")[0]  # the wording is not the key
    'Cell 8 raised ValueError'
    >>> print(_what_to_do(NotebookRun("06-routing", "failed", failed_cell=8, error="ValueError: Axis limits cannot be NaN"),
    ...                   Path("r/06-routing.ipynb"), "pricepoint run 06"))
    Cell 8 raised ValueError, which names no input of yours: it may be a bug. Open r/06-routing.ipynb at cell 8 to see its traceback, and report it if your inputs look right.
    """
    kind = (run.error or "").partition(":")[0].rsplit(".", 1)[-1]  # the class, by its name (its module aside)
    if run.status == "failed" and kind in INPUT_ERRORS:
        return f"The message above names the input to fix (a data file or a parameter); fix it and run `{command}` again."
    if run.status == "timeout":
        return f"Raise --timeout, or make the notebook lighter, and run `{command}` again."
    cell = f"cell {run.failed_cell}" if run.failed_cell else "the failing cell"
    return (f"{cell[0].upper() + cell[1:]} raised {kind or 'an error'}, which names no input of yours: it may be a bug. "
            f"Open {executed} at {cell} to see its traceback, and report it if your inputs look right.")


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
    from analysis.report.build import _publish
    from analysis.report.params import parameters_for
    from analysis.report.runner import run_one

    _check_timeout(args.timeout)
    [nb] = _resolve_notebooks([args.notebook])
    out = (Path(args.out) if args.out else paths.ROOT / "reports-adhoc" / nb.stem).resolve()
    params, problems = parameters_for(nb, {nb.stem: _parse_params(args.param)}, out)
    if problems:
        raise UserError("; ".join(problems) + f". Pass values that fit (papermill --help-notebook {nb} "
                                              f"lists the parameters and their types).")
    # run into a staging folder beside --out, swapped in only when the notebook succeeded
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    if "output_dir" in params:
        params["output_dir"] = str(staging)
    for log in (out / nb.stem).glob("*.jsonl"):  # a resumable attempt log carries over to the next run
        (staging / nb.stem).mkdir(exist_ok=True)
        shutil.copy2(log, staging / nb.stem / log.name)
    try:
        run = run_one(nb, staging, params, args.timeout)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if "output_dir" in params:
        run.parameters["output_dir"] = str(out)
    published = _publish(staging, out, run.status == "ok")
    print(run.summary())
    if run.status != "ok":
        print(f"{out} was left as it was; this run's page and notebook are in {published}.", file=sys.stderr)
        print(_what_to_do(run, published / (nb.stem + ".ipynb"), f"pricepoint run {args.notebook}"), file=sys.stderr)
        return 1
    print(f"Wrote {out / (nb.stem + '.html')} and {out / nb.stem / 'results.json'}")
    return 0

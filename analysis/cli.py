"""The ``pricepoint`` command: ``pricepoint --help`` lists every command with one line each.

Each command is a function ``cmd_<name>(args) -> int`` registered in :data:`COMMANDS` with its
one-line help and an argument builder. Every error the user can cause ends in one line
saying what to do, and exits non-zero without a traceback.

>>> parser = build_parser()
>>> sorted(parser._subparsers._group_actions[0].choices)[:3]
['check-data', 'report', 'run']
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from analysis import paths


class UserError(Exception):
    """An error the user can fix; its message ends with what to do."""


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


def _resolve_notebooks(names: list[str] | None) -> list[Path] | None:
    if not names:
        return None
    from analysis.report import discover_notebooks

    known = {p.stem: p for p in discover_notebooks()}
    out = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.exists():
            out.append(path)
            continue
        matches = [p for stem, p in known.items() if stem == name or stem.startswith(name)]
        if len(matches) != 1:
            raise UserError(f"no single notebook matches {name!r}; choose from: {', '.join(known)}")
        out.append(matches[0])
    return out


def _parse_params(pairs: list[list[str]]) -> dict:
    import yaml

    return {name: yaml.safe_load(value) for name, value in pairs}


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.report import build_report

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
        print(("  ok      " if run.status == "ok" else "  FAILED  ") + run.summary())
    if result.ok:
        print(f"Report published in {result.seconds:.1f} s: {result.published / 'index.html'}")
        return 0
    names = ", ".join(r.notebook for r in result.failed)
    print(f"{len(result.failed)} notebook(s) failed: {names}. The previous report was left as it was; "
          f"this run's pages are in {result.published}.", file=sys.stderr)
    print(f"Open {result.published / (result.failed[0].notebook + '.html')} (or the .ipynb) to see the "
          f"failing cell, fix it, and run `pricepoint report` again.", file=sys.stderr)
    return 1


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
    from analysis.report import declared_parameters, run_one

    [nb] = _resolve_notebooks([args.notebook])
    params = _parse_params(args.param)
    declared = declared_parameters(nb)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UserError(f"{nb.stem} has no parameter {', '.join(unknown)}; it declares: "
                        f"{', '.join(sorted(declared))}. Check the spelling (papermill --help-notebook {nb}).")
    out = Path(args.out) if args.out else paths.ROOT / "reports-adhoc" / nb.stem
    out.mkdir(parents=True, exist_ok=True)
    if "output_dir" in declared:
        params.setdefault("output_dir", str(out.resolve()))
    run = run_one(nb, out.resolve(), params, args.timeout)
    print(run.summary())
    if run.status != "ok":
        print(f"Open {out / (nb.stem + '.ipynb')} to see the failing cell, fix it, and run again.",
              file=sys.stderr)
        return 1
    print(f"Wrote {out / (nb.stem + '.html')} and {out / nb.stem / 'results.json'}")
    return 0


# --------------------------------------------------------------------------- check data


def _add_check_data(p: argparse.ArgumentParser) -> None:
    for table in ("pricing", "benchmarks", "model_facts", "access", "matchups"):
        p.add_argument(f"--{table.replace('_', '-')}", metavar="CSV", default=None,
                       help=f"your {table} CSV (default: the shipped data/{table}.csv)")


def cmd_check_data(args: argparse.Namespace) -> int:
    from analysis.data import load_dataset

    ds = load_dataset(pricing=args.pricing, benchmarks=args.benchmarks, model_facts=args.model_facts,
                      access=args.access, matchups=args.matchups)
    for name, frame in ds.tables().items():
        print(f"  ok  {name:12s} {len(frame):3d} rows  {frame.attrs['source_file']}")
    print("All tables are valid.")
    return 0


# --------------------------------------------------------------------------- registry & main

#: name -> (one-line help, argument builder, handler). Other modules' commands register here.
COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "report": ("run every notebook headlessly and publish the HTML report in reports/", _add_report, cmd_report),
    "run": ("run one notebook with parameters and export its page, figures and results.json", _add_run, cmd_run),
    "check-data": ("validate the shipped tables or your own CSVs, listing every problem", _add_check_data,
                   cmd_check_data),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pricepoint",
        description="Compare price, quality, latency and access of US and Chinese LLM APIs.",
        epilog="Run `pricepoint COMMAND --help` for a command's options.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, (help_text, add, handler) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        add(p)
        p.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pricepoint`` console script."""
    from analysis.data import DataError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except DataError as err:
        print(f"pricepoint: {err}", file=sys.stderr)
        return 2
    except (UserError, FileNotFoundError, ValueError) as err:
        msg = str(err)
        print(f"pricepoint: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pricepoint: interrupted; nothing was published. Run the command again to resume.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

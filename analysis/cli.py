"""The ``pricepoint`` command: ``pricepoint --help`` lists every command with one line each.

Each command is a function ``cmd_<name>(args) -> int`` registered in :data:`COMMANDS` with its
one-line help and an argument builder. Every error the user can cause ends in one line
saying what to do, and exits non-zero without a traceback.

>>> parser = build_parser()
>>> {"check-data", "import-prices", "report"} <= set(parser._subparsers._group_actions[0].choices)
True
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

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


def parse_value(text: str):
    """A ``-p NAME VALUE`` value: a number when it reads as one (``2e9`` too), else YAML, else text.

    >>> parse_value("2e9"), parse_value("3"), parse_value("true"), parse_value("humaneval")
    (2000000000.0, 3, True, 'humaneval')
    >>> parse_value("[GPT-4o, Kimi K2.5]")
    ['GPT-4o', 'Kimi K2.5']
    """
    import yaml

    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _parse_params(pairs: list[list[str]]) -> dict:
    return {name: parse_value(value) for name, value in pairs}


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


#: Errors whose message already says what to fix (a data file, a parameter): not a bug in a cell.
INPUT_ERRORS = ("DataError", "WorkloadError", "UsageLogError", "CatalogError", "ValueError", "KeyError",
                "FileNotFoundError", "UnknownModelsError")


def _what_to_do(run, executed: Path, command: str) -> str:
    """The last line after a failed notebook: fix the input the message names, or look at the cell.

    >>> from analysis.report import NotebookRun
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
    from analysis.report import declared_parameters, parameter_types, run_one, type_problem

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
    from analysis import gateway, routing
    from analysis.data import DataError, load_dataset

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
            ("gateway_models", gateway.load_gateway_models, {"pricing": pricing}),
            ("router", gateway.load_router, {"pricing": pricing, "benchmarks": benchmarks}),
            ("prompts", gateway.load_prompts, {}),
        ):
            try:
                frames[name] = load(getattr(args, name), **kwargs)
            except DataError as err:
                problems += err.problems
    workload = None
    try:
        workload = routing.load_workload(args.workload)
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
    from analysis.catalog import import_litellm, parse_origin_options

    target, result = import_litellm(args.catalog, args.out, origins=parse_origin_options(args.origin),
                                    providers=args.provider or None, match=args.match or None,
                                    as_of=args.as_of, force=args.force, known_names=not args.keep_keys)
    for line in result.summary():
        print("  " + line)
    print(f"Wrote {target} and {target.with_name(target.stem + '.meta.yml')} (validated).")
    print(f"Use it: pricepoint report -p pricing_csv {target}   (or pricepoint run 01 -p pricing_csv {target})")
    return 0


# --------------------------------------------------------------------------- gateway: emulator and calls


def _add_emulator(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    p.add_argument("--seed", type=int, default=0, help="seed: the same seed gives the same TTFTs, replies and faults")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="multiply every delay by this (1 = the published speeds, 0.1 = ten times faster)")
    p.add_argument("--fault", action="append", metavar="KIND[:key=value...]", default=[],
                   help="inject a fault, e.g. rate_limit:times=2:retry_after_s=1 or drop:model=gpt-4o "
                        "(repeatable; kinds: rate_limit, server_error, bad_request, unauthorized, forbidden, "
                        "not_found, stall, slow, incomplete, drop, malformed, stream_error, no_usage)")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of requests given a random fault (0-1)")
    p.add_argument("--gateway-models", metavar="CSV", default=None, help="model -> gateway id table "
                   "(default: data/gateway_models.csv)")
    p.add_argument("--model-facts", metavar="CSV", default=None, help="published speeds (default: data/model_facts.csv)")


def cmd_emulator(args: argparse.Namespace) -> int:
    from analysis.emulator import serve_cli

    return serve_cli(args)


def _add_calls(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=["auto", "live", "emulated"], default="auto",
                   help="auto (default): live when GLOBAL_API_KEY is set, else the local emulator")
    p.add_argument("--base-url", default="", help="gateway URL (default: GLOBAL_API_BASE_URL or https://global-apis.com/v1)")
    p.add_argument("--models", default="DeepSeek V4 Flash, GPT-4o", help="comma-separated model names")
    p.add_argument("--prompts", default="all", help="comma-separated prompt ids of data/prompts.csv, or all")
    p.add_argument("--requests", type=int, default=8, help="requests per model (default 8)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    p.add_argument("--idle-timeout", type=float, default=30.0, help="seconds of silence allowed between chunks")
    p.add_argument("--total-timeout", type=float, default=120.0, help="seconds one attempt may take")
    p.add_argument("--deadline", type=float, default=180.0, help="seconds one request may take with its retries")
    p.add_argument("--max-retries", type=int, default=4, help="retries of 429 and 5xx (default 4)")
    p.add_argument("--time-scale", type=float, default=0.1, help="emulated mode: emulator speed factor")
    p.add_argument("--fault-rate", type=float, default=0.0, help="emulated mode: share of attempts given a random fault")
    p.add_argument("--seed", type=int, default=0, help="emulated mode: the emulator's seed")
    p.add_argument("--log", metavar="FILE.jsonl", default=None, help="append every attempt to this JSONL log; "
                   "an interrupted run given the same log resumes where it stopped")
    p.add_argument("--no-resume", action="store_true", help="make every request again even if the log has it")
    p.add_argument("--check-only", action="store_true", help="only validate the tables and list the gateway's "
                   "/v1/models against data/gateway_models.csv")
    p.add_argument("--route", action="store_true", help="also send every prompt through the router table and "
                   "print which model answered")
    p.add_argument("--gateway-models", metavar="CSV", default=None, help="default: data/gateway_models.csv")
    p.add_argument("--router", metavar="CSV", default=None, help="default: data/router.csv")
    p.add_argument("--prompts-csv", metavar="CSV", default=None, help="default: data/prompts.csv")
    p.add_argument("--pricing", metavar="CSV", default=None, help="default: data/pricing.csv")
    p.add_argument("--model-facts", metavar="CSV", default=None, help="default: data/model_facts.csv")


def cmd_calls(args: argparse.Namespace) -> int:
    from analysis.harness import calls_cli

    return calls_cli(args)


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
    from analysis.usage import reprice_cli

    return reprice_cli(args)


# --------------------------------------------------------------------------- registry & main

#: name -> (one-line help, argument builder, handler). Other modules' commands register here.
COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "report": ("run every notebook headlessly and publish the HTML report in reports/", _add_report, cmd_report),
    "run": ("run one notebook with parameters and export its page, figures and results.json", _add_run, cmd_run),
    "check-data": ("validate the shipped tables or your own CSVs, listing every problem", _add_check_data,
                   cmd_check_data),
    "import-prices": ("convert a price catalog (LiteLLM JSON) into a pricing CSV the notebooks can use",
                      _add_import_prices, cmd_import_prices),
    "emulator": ("serve the local OpenAI-compatible gateway emulator on 127.0.0.1 (SIMULATED speeds, faults on demand)",
                 _add_emulator, cmd_emulator),
    "calls": ("time streaming calls through the gateway (live with GLOBAL_API_KEY, else emulated)", _add_calls,
              cmd_calls),
    "reprice": ("re-price your usage log (CSV, JSONL, Parquet) under every model and routing policy",
                _add_reprice, cmd_reprice),
}


HELP_HINT = "Run `pricepoint --help` for the commands, or `pricepoint COMMAND --help` for a command's options."
_TODO = re.compile(r"\b(run|rerun|pass|fix|choose|check|use|add|install|give|set|open|write|bring|see|remove|"
                   r"rename|try|edit|leave|save|type)\b", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error ends with one line saying what to do."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n{HELP_HINT}\n")


class _OneLineHelp(argparse.RawDescriptionHelpFormatter):
    """Help whose command list has one line per command, however long a command's name."""

    def add_argument(self, action):
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction) and action.choices:
            # argparse measures the command names one indent short; make room for the longest
            longest = max(len(n) for n in action.choices) + self._current_indent + 2 * self._indent_increment
            self._action_max_length = max(self._action_max_length, longest)


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Wide enough that every command's help stays on one line."""
    names = max((len(n) for n in COMMANDS), default=8)
    helps = max((len(h) for h, *_ in COMMANDS.values()), default=40)
    width = max(shutil.get_terminal_size((100, 24)).columns, names + helps + 16)
    return _OneLineHelp(prog, max_help_position=names + 12, width=width)


def with_todo(message: str, fallback: str = "Check the command and its options (`pricepoint COMMAND --help`) "
                                            "and run again.") -> str:
    """``message``, plus a what-to-do line when its last line does not already say what to do.

    >>> with_todo("bad value; pass a number")
    'bad value; pass a number'
    >>> with_todo("[Errno 13] Permission denied: '/x'").splitlines()[-1]
    'Check the command and its options (`pricepoint COMMAND --help`) and run again.'
    """
    last = message.strip().splitlines()[-1] if message.strip() else ""
    return message if _TODO.search(last) else f"{message}\n{fallback}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pricepoint",
        description="Compare price, quality, latency and access of US and Chinese LLM APIs.",
        epilog="Run `pricepoint COMMAND --help` for a command's options.",
        formatter_class=_formatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, (help_text, add, handler) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".",
                           epilog=HELP_HINT)
        add(p)
        p.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pricepoint`` console script."""
    from analysis.data import DataError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        print("\nNo command given: choose one of the commands above.", file=sys.stderr)
        return 2
    # Commands run notebooks headlessly: never build ipywidgets (see analysis.widgets).
    os.environ["PRICEPOINT_WIDGETS"] = "0"
    try:
        return args.handler(args)
    except DataError as err:
        print(f"pricepoint: {err}", file=sys.stderr)
        return 2
    except (UserError, ValueError) as err:
        print(f"pricepoint: {with_todo(str(err))}", file=sys.stderr)
        return 2
    except OSError as err:  # a file that is missing, not readable or not writable
        where = f" ({err.filename})" if getattr(err, "filename", None) else ""
        print(f"pricepoint: {err.strerror or err}{where}", file=sys.stderr)
        print("Check that the path exists and that you may read or write it, and run again.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pricepoint: interrupted; nothing was published. Run the command again to resume.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

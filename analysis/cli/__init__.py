"""The pricepoint command: every command's arguments and handler."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable

from analysis.cli.calls import _add_calls, _add_emulator, cmd_calls, cmd_emulator
from analysis.cli.common import HELP_HINT, UserError, with_todo
from analysis.cli.data import (
    _add_check_data,
    _add_import_prices,
    _add_reprice,
    cmd_check_data,
    cmd_import_prices,
    cmd_reprice,
)
from analysis.cli.report import _add_report, _add_run, cmd_report, cmd_run
from analysis.cli.sweep import _add_sweep, cmd_sweep

# --------------------------------------------------------------------------- registry & main

#: name -> (one-line help, argument builder, handler). Other modules' commands register here.
COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "report": ("run every notebook headlessly and publish the HTML report in reports/", _add_report, cmd_report),
    "run": ("run one notebook with parameters and export its page, figures and results.json", _add_run, cmd_run),
    "check-data": ("validate the shipped tables or your own CSVs, listing every problem", _add_check_data,
                   cmd_check_data),
    "import-prices": ("import a price catalog (LiteLLM JSON, genai-prices) as a pricing CSV plus its tariff tables",
                      _add_import_prices, cmd_import_prices),
    "emulator": ("serve the local OpenAI-compatible gateway emulator on 127.0.0.1 (SIMULATED speeds, faults on demand)",
                 _add_emulator, cmd_emulator),
    "calls": ("time streaming calls through the gateway (live with GLOBAL_API_KEY, else emulated)", _add_calls,
              cmd_calls),
    "reprice": ("re-price your usage log (CSV, JSONL, Parquet) under every model and routing policy",
                _add_reprice, cmd_reprice),
    "sweep": ("run one notebook over a grid of parameter values and collect its results in one table",
              _add_sweep, cmd_sweep),
}


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
    from analysis.data.tables import DataError

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

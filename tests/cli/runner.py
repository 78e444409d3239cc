"""Run the ``pricepoint`` command in this process, as the tests of the command line do."""

from __future__ import annotations

from analysis.cli import main


def run_main(argv, capsys):
    """``pricepoint ARGV``: its exit status (argparse's ``SystemExit`` included), stdout and stderr."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err

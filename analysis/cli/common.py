"""The ``pricepoint`` command: ``pricepoint --help`` lists every command with one line each.

Each command is a function ``cmd_<name>(args) -> int`` registered in :data:`COMMANDS` with its
one-line help and an argument builder. Every error the user can cause ends in one line
saying what to do, and exits non-zero without a traceback.

>>> from analysis.cli import build_parser
>>> parser = build_parser()
>>> {"check-data", "import-prices", "report"} <= set(parser._subparsers._group_actions[0].choices)
True
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.report.params import parse_value


class UserError(Exception):
    """An error the user can fix; its message ends with what to do."""


def _resolve_notebooks(names: list[str] | None) -> list[Path] | None:
    if not names:
        return None
    from analysis.report.params import discover_notebooks

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
    return {name: parse_value(value) for name, value in pairs}


#: pricepoint's own errors about its inputs: their message names the file or parameter to fix. Our parameter
#: checks raise ParameterError; a bare ValueError or KeyError, raised anywhere, may be a bug.
INPUT_ERRORS = ("DataError", "ParameterError", "WorkloadError", "UsageLogError", "CatalogError",
                "FileNotFoundError", "UnknownModelsError")


HELP_HINT = "Run `pricepoint --help` for the commands, or `pricepoint COMMAND --help` for a command's options."

_TODO = re.compile(r"\b(run|rerun|pass|fix|choose|check|use|add|install|give|set|open|write|bring|see|remove|export|"
                   r"rename|try|edit|leave|save|type)\b", re.IGNORECASE)


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

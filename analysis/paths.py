"""Every path the project uses, built from the package's own location.

Notebooks run from other folders under papermill, so nothing here depends on the
current working directory.

>>> (DATA / "pricing.csv").name
'pricing.csv'
>>> NOTEBOOKS.name
'notebooks'
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
PARAMS = ROOT / "params"
#: Where ``pricepoint report`` publishes; ``PRICEPOINT_REPORTS`` overrides it.
REPORTS = Path(os.environ.get("PRICEPOINT_REPORTS", ROOT / "reports")).resolve()
SOURCE_ARTICLE = ROOT.parent / "shared" / "source" / "article.txt"


def cache_dir() -> Path:
    """Where pricepoint keeps what it can make again (timings, demo logs, downloaded catalogs):
    ``PRICEPOINT_CACHE``, else ``$XDG_CACHE_HOME/pricepoint``, else ``~/.cache/pricepoint``.

    >>> cache_dir().name in ("pricepoint",) or "PRICEPOINT_CACHE" in os.environ
    True
    """
    explicit = os.environ.get("PRICEPOINT_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pricepoint"


def data_file(name: str) -> Path:
    """The shipped data file called ``name``.

    >>> data_file("benchmarks.csv").parent == DATA
    True
    """
    return DATA / name


def user_or_shipped(path: str | os.PathLike | None, name: str) -> Path:
    """The user's file when one is given (a non-empty path), else the shipped ``name``.

    Notebook parameters use ``""`` for "the shipped file".

    >>> user_or_shipped("", "pricing.csv") == data_file("pricing.csv")
    True
    >>> user_or_shipped("/tmp/mine.csv", "pricing.csv")
    PosixPath('/tmp/mine.csv')
    """
    if path is None or str(path).strip() == "":
        return data_file(name)
    return Path(path).expanduser()


def shown(path: str | os.PathLike) -> str:
    """A path as a page, results.json or run.json may show it: relative to the project when inside it,
    else the file's name alone; never the absolute path of the machine that built the report.

    >>> shown(DATA / "pricing.csv"), shown("/home/someone/prices/mine.csv"), shown("")
    ('data/pricing.csv', 'mine.csv', '')
    """
    if not str(path).strip():
        return ""
    p = Path(path).expanduser()
    if not p.is_absolute():
        return str(p)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return p.name

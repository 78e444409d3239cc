"""Load and validate the data tables: one loader per table, every problem reported at once.

Each loader takes an optional path (the user's own CSV in the same format; ``None`` or
``""`` means the shipped file in ``data/``) and returns a typed :class:`pandas.DataFrame`.
Unknown values are ``NaN`` (numbers) or ``<NA>`` (booleans), never 0.

>>> from analysis.data.load import load_pricing
>>> pricing = load_pricing()
>>> pricing.loc[pricing.model == "DeepSeek V4 Flash", "output_usd_per_mtok"].item()
0.25
>>> bool(pricing.loc[pricing.model == "Qwen3.5-397B", "input_usd_per_mtok"].isna().item())
True

When a file is wrong, :class:`DataError` lists every problem, each with the file, the CSV
line, the column, the value and what was expected:

>>> import tempfile, pathlib
>>> bad = pathlib.Path(tempfile.mkdtemp()) / "pricing.csv"
>>> _ = bad.write_text(
...     "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\\n"
...     "X,Acme,US,$3.00,-1\\n")
>>> try:
...     load_pricing(bad)
... except DataError as err:
...     print(len(err.problems), err.problems[0].column, err.problems[0].line)
2 input_usd_per_mtok 2
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import paths

BENCHMARKS = ("mmlu", "humaneval", "ceval")

#: The article's names for the benchmark keys, the one label table: what it measures, and the benchmark.
BENCHMARK_NAMES = {
    "mmlu": ("General reasoning", "MMLU-style"),
    "humaneval": ("Code generation", "HumanEval"),
    "ceval": ("Chinese language", "C-Eval"),
}

#: The long label, for choosers and headings: ``"Code generation (HumanEval)"``.
BENCHMARK_LABELS = {key: f"{what} ({name})" for key, (what, name) in BENCHMARK_NAMES.items()}

#: The short label, for axes and sentences: ``"HumanEval"``.
BENCHMARK_SHORT_LABELS = {key: name for key, (_, name) in BENCHMARK_NAMES.items()}

#: A model's origin is its maker's country (data/makers.csv): the article's models are US or CN; an
#: imported catalog also has EU (Mistral), other (Cohere, AI21, ...) and unknown (no maker known).
ORIGINS = ("US", "CN", "EU", "other", "unknown")

PRICING_COLUMNS = ("model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one line, or the whole file) of a data file.

    >>> str(Problem("pricing.csv", 3, "origin", "FR", "US, CN, EU, other or unknown"))
    "pricing.csv, line 3, column 'origin': got 'FR'; expected US, CN, EU, other or unknown"
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    #: what ``column`` names in a message: a CSV column, or a YAML key (:class:`analysis.routing.KeyProblem`)
    field_label = "column"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"{self.field_label} '{self.column}'")
        got = "" if self.value is None else f"got {self.value!r}; "
        return f"{', '.join(where)}: {got}expected {self.expected}"


class DataError(ValueError):
    """Raised when one or more data files are invalid; ``problems`` lists them all.

    >>> err = DataError([Problem("a.csv", 2, "score", "870", "a score from 0 to 100")])
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    1 problem in the data:
      - a.csv, line 2, column 'score': got '870'; expected a score from 0 to 100
    Fix the cells listed above (the line numbers are those of the CSV file, header = line 1) and run again.
    """

    def __init__(self, problems: Iterable[Problem], subject: str = "the data",
                 advice: str = "Fix the cells listed above (the line numbers are those of the CSV file, "
                               "header = line 1) and run again."):
        self.problems = list(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in {subject}:"]
        lines += [f"  - {p}" for p in self.problems]
        lines.append(advice)
        super().__init__("\n".join(lines))


class ParameterError(ValueError):
    """A parameter's value (a notebook parameter, a ``-p`` value, a parameter file) that does not fit. Our own
    parameter checks raise it, naming the parameter (or the file, line and column), the value and what was
    expected; the commands key on the class to say "fix the input", never on the wording.

    >>> raise ParameterError("budget_usd must be at least 0 (a monthly budget in USD), got -5")
    Traceback (most recent call last):
    ...
    analysis.data.tables.ParameterError: budget_usd must be at least 0 (a monthly budget in USD), got -5
    """


# --------------------------------------------------------------------------- table specs


@dataclass(frozen=True)
class Col:
    """A column of a table: its type, whether it may be empty, and its allowed values."""

    name: str
    kind: str = "str"  # str | float | bool
    required: bool = True  # False: an empty cell is allowed and means unknown
    ge: float | None = None
    le: float | None = None
    isin: tuple[str, ...] | None = None
    expected: str = ""

    def describe(self) -> str:
        if self.expected:
            return self.expected
        if self.isin:
            return " or ".join(self.isin)
        if self.kind == "float":
            lo = "" if self.ge is None else f" >= {self.ge:g}"
            hi = "" if self.le is None else f" <= {self.le:g}"
            return f"a number{lo}{hi}"
        if self.kind == "bool":
            return "true or false"
        return "text"


@dataclass(frozen=True)
class Table:
    """A table's file name, columns (required ones first, in order) and key."""

    name: str
    file: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    strict_order: bool = False  # the columns must come first, in this order

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


#: The largest price a table may hold: no LLM API charges $100,000 per million tokens; a larger number
#: (1e308) is a typo that would break every figure and results.json downstream, so it is refused here.
MAX_USD_PER_MTOK = 1e5
_PRICE = "a price in USD per million tokens: a plain number from 0 to 100,000 such as 3.00 (no $ sign)"

_PRICE_OR_EMPTY = _PRICE + ", or empty when unknown"


PRICING = Table(
    "pricing",
    "pricing.csv",
    (
        Col("model", expected="a model name"),
        Col("provider", expected="the provider's name"),
        Col("origin", isin=ORIGINS, expected="US, CN, EU, other or unknown (the maker's country)"),
        Col("input_usd_per_mtok", "float", required=False, ge=0, le=MAX_USD_PER_MTOK, expected=_PRICE_OR_EMPTY),
        Col("output_usd_per_mtok", "float", required=False, ge=0, le=MAX_USD_PER_MTOK, expected=_PRICE_OR_EMPTY),
    ),
    key=("model",),
    strict_order=True,
)


BENCHMARK_TABLE = Table(
    "benchmarks",
    "benchmarks.csv",
    (
        Col("model", expected="a model name"),
        Col("benchmark", isin=BENCHMARKS, expected="one of mmlu, humaneval, ceval"),
        Col("score", "float", ge=0, le=100, expected="a score from 0 to 100"),
    ),
    key=("model", "benchmark"),
)


MODEL_FACTS = Table(
    "model_facts",
    "model_facts.csv",
    (
        Col("model", expected="a model name"),
        Col("output_tok_per_s", "float", required=False, ge=0, le=1e6,
            expected="output tokens per second, a number from 0 to 1,000,000, or empty when unknown"),
        Col("context_window_ktok", "float", required=False, ge=0, le=1e6,
            expected="context window in thousands of tokens (128 for 128K, at most 1,000,000), or empty when unknown"),
        Col("vision", "bool", required=False, expected="true, false, or empty when unknown"),
        Col("ttft_p99_low_s", "float", required=False, ge=0, le=3600,
            expected="seconds, a number from 0 to 3,600, or empty when unknown"),
        Col("ttft_p99_high_s", "float", required=False, ge=0, le=3600,
            expected="seconds, a number from 0 to 3,600, or empty when unknown"),
    ),
    key=("model",),
)


ACCESS = Table(
    "access",
    "access.csv",
    (
        Col("factor", expected="the factor's name"),
        Col("option", expected="the access option's name"),
        Col("text", expected="the cell's text"),
        Col("ok", "bool", expected="true (check mark) or false (cross)"),
    ),
    key=("factor", "option"),
)


MATCHUP_UNITS = ("usd_per_mtok", "stars", "tok_per_s", "ktok", "yes_no")

MATCHUPS = Table(
    "matchups",
    "matchups.csv",
    (
        Col("matchup", expected="the matchup's name"),
        Col("factor", expected="the factor's name"),
        Col("model_a", expected="a model name"),
        Col("model_b", expected="a model name"),
        Col("unit", isin=MATCHUP_UNITS, expected="one of " + ", ".join(MATCHUP_UNITS)),
        Col("value_a", "float", ge=0, le=1e9, expected="a number from 0 to 1,000,000,000"),
        Col("value_b", "float", ge=0, le=1e9, expected="a number from 0 to 1,000,000,000"),
        Col("winner", expected="model_a, model_b or 'tie'"),
        Col("winner_note", required=False, expected="text or empty"),
    ),
    key=("matchup", "factor"),
)


TABLES = {t.name: t for t in (PRICING, BENCHMARK_TABLE, MODEL_FACTS, ACCESS, MATCHUPS)}


# --------------------------------------------------------------------------- parsing

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

_TRUE = {"true", "yes", "1"}

_FALSE = {"false", "no", "0"}


def _parse_cell(text: str, col: Col) -> tuple[object, bool]:
    """Parse one cell: (value, ok). Empty cells are ``None`` (unknown).

    >>> _parse_cell("3.00", Col("p", "float"))
    (3.0, True)
    >>> _parse_cell("$3.00", Col("p", "float"))
    (None, False)
    >>> _parse_cell("", Col("p", "float", required=False))
    (None, True)
    """
    if text == "":
        return None, not col.required
    if col.kind == "float":
        if not _NUMBER.match(text):
            return None, False
        value = float(text)
        return (value, True) if math.isfinite(value) else (None, False)
    if col.kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True, True
        if low in _FALSE:
            return False, True
        return None, False
    return text, True


def _read_rows(path: Path, label: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Read a CSV with the line number of every record; a byte-order mark is accepted."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], [], [Problem(label, None, None, None, f"a file at {path} (it does not exist)")]
    except OSError as exc:
        return [], [], [Problem(label, None, None, None, f"a readable file ({exc.strerror})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [], [Problem(label, line, None, repr(raw[exc.start : exc.start + 1])[2:-1],
                                "UTF-8 text (save the file as CSV UTF-8)")]
    if text.strip() == "":
        return [], [], [Problem(label, None, None, None, "a header line and data rows (the file is empty)")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            if not header:
                header = [h.strip() for h in record]
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank line
            # reader.line_num is the last physical line of the record; a quoted cell may span lines
            rows.append((reader.line_num, [cell.strip() for cell in record]))
    except csv.Error as exc:
        return [], [], [Problem(label, reader.line_num, None, None, f"well-formed CSV ({exc})")]
    return header, rows, []


@dataclass
class Parsed:
    """A parsed table: the typed frame, the CSV line of each row, and the problems found."""

    frame: pd.DataFrame
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)


def _checks(col: Col) -> list[pa.Check]:
    checks = []
    if col.ge is not None:
        checks.append(pa.Check.ge(col.ge))
    if col.le is not None:
        checks.append(pa.Check.le(col.le))
    if col.isin is not None:
        checks.append(pa.Check.isin(list(col.isin)))
    return checks


def _schema(table: Table) -> pa.DataFrameSchema:
    dtypes = {"str": object, "float": float, "bool": "boolean"}
    return pa.DataFrameSchema(
        {c.name: pa.Column(dtypes[c.kind], _checks(c), nullable=True, coerce=False) for c in table.columns},
        strict=False,
    )


def _is_shipped(path: Path) -> bool:
    try:
        return path.resolve().parent == paths.DATA.resolve()
    except OSError:
        return False



def parse_table(table: Table, path: str | Path | None = None) -> Parsed:
    """Read and check one table; never raises for bad content, returns the problems instead.

    >>> parsed = parse_table(PRICING)
    >>> len(parsed.frame), parsed.problems
    (11, [])
    """
    path = paths.user_or_shipped(path, table.file)
    label = str(path) if not _is_shipped(path) else f"data/{path.name}"
    header, rows, problems = _read_rows(path, label)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in table.column_names})
    if problems:
        return Parsed(empty, [], problems)
    names = table.column_names
    missing = [n for n in names if n not in header]
    if missing:
        expected = "columns " + ", ".join(names) + (" (in this order, first)" if table.strict_order else "")
        problems.append(Problem(label, 1, ", ".join(missing), ",".join(header),
                                f"{expected}; missing: {', '.join(missing)}"))
    elif table.strict_order and tuple(header[: len(names)]) != names:
        problems.append(Problem(label, 1, None, ",".join(header),
                                "the columns " + ", ".join(names) + " first, in this order"))
    dupes = sorted({h for h in header if header.count(h) > 1})
    for h in dupes:
        problems.append(Problem(label, 1, h, h, "each column name once"))
    if problems:
        return Parsed(empty, [], problems)
    if not rows:
        return Parsed(empty, [], [Problem(label, None, None, None,
                                          "at least one data row (the file has only a header)")])

    index = {h: i for i, h in enumerate(header)}
    extra = [h for h in header if h not in names]
    records: dict[str, list] = {h: [] for h in list(names) + extra}
    lines: list[int] = []
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(Problem(label, line, None, ",".join(cells),
                                    f"{len(header)} fields as in the header, found {len(cells)}"))
            continue
        lines.append(line)
        for col in table.columns:
            text = cells[index[col.name]]
            value, ok = _parse_cell(text, col)
            if not ok:
                problems.append(Problem(label, line, col.name, text, col.describe()))
            records[col.name].append(value)
        for h in extra:
            records[h].append(cells[index[h]] or None)

    frame = pd.DataFrame(records)
    for col in table.columns:
        if col.kind == "float":
            frame[col.name] = pd.to_numeric(frame[col.name], errors="coerce").astype(float)
        elif col.kind == "bool":
            frame[col.name] = frame[col.name].astype("boolean")
        else:
            frame[col.name] = frame[col.name].astype(object)
    problems += _schema_problems(table, frame, lines, label)
    problems += _key_problems(table, frame, lines, label)
    problems.sort(key=lambda p: (p.line or 0, names.index(p.column) if p.column in names else 99))
    return Parsed(frame, lines, problems)


def _schema_problems(table: Table, frame: pd.DataFrame, lines: list[int], label: str) -> list[Problem]:
    """Range and membership checks, done by pandera, turned into :class:`Problem`s."""
    try:
        _schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cols = {c.name: c for c in table.columns}
        out = []
        for row in exc.failure_cases.itertuples(index=False):
            if row.column not in cols or row.index is None or pd.isna(row.index):
                continue
            i = int(row.index)
            value = row.failure_case
            text = f"{value:g}" if isinstance(value, float) else str(value)
            out.append(Problem(label, lines[i], row.column, text, cols[row.column].describe()))
        return out
    return []


def _key_problems(table: Table, frame: pd.DataFrame, lines: list[int], label: str) -> list[Problem]:
    key = list(table.key)
    dup = frame.duplicated(key, keep=False) & frame[key].notna().all(axis=1)
    out = []
    first_line: dict[tuple, int] = {}
    for i in frame.index[dup]:
        k = tuple(frame.loc[i, key])
        if k not in first_line:
            first_line[k] = lines[i]
            continue
        out.append(Problem(label, lines[i], ", ".join(key), ", ".join(map(str, k)),
                           f"each {' + '.join(key)} once (already on line {first_line[k]})"))
    return out

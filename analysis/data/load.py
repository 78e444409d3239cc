"""Loaders for the shipped tables or the user's own CSVs, their provenance (.meta.yml) and checksums."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.data.tables import (
    ACCESS,
    BENCHMARK_TABLE,
    BENCHMARKS,
    MATCHUPS,
    MODEL_FACTS,
    PRICING,
    TABLES,
    DataError,
    Parsed,
    Problem,
    Table,
    _is_shipped,
    parse_table,
)


def _finish(parsed: Parsed, table: Table, path: Path) -> pd.DataFrame:
    frame = parsed.frame.reset_index(drop=True)
    frame.attrs["source_file"] = str(path)
    frame.attrs["table"] = table.name
    frame.attrs["meta"] = read_meta(path)
    return frame


def _models_known(parsed: Parsed, pricing: pd.DataFrame, columns: Iterable[str], label: str) -> list[Problem]:
    known = set(pricing["model"])
    where = pricing.attrs.get("source_file", "pricing.csv")
    out = []
    for col in columns:
        for i, value in enumerate(parsed.frame[col]):
            if value is not None and not pd.isna(value) and value not in known:
                out.append(Problem(label, parsed.lines[i], col, value,
                                   f"a model listed in {Path(where).name} (add it there first)"))
    return out


def _optional_bool(parsed: Parsed, column: str, label: str, expected: str) -> list[Problem]:
    """Parse an optional true/false/empty column in place (all unknown when the file lacks it); its problems."""
    f = parsed.frame
    if column not in f.columns:
        f[column] = pd.Series(pd.NA, index=f.index, dtype="boolean")
        return []
    words = {"true": True, "false": False, "": pd.NA}
    text = f[column].fillna("").astype(str).str.strip().str.lower()
    problems = [Problem(label, parsed.lines[i], column, f[column][i], expected)
                for i in f.index[~text.isin(list(words))]]
    f[column] = text.map(lambda t: words.get(t, pd.NA)).astype("boolean")
    return problems


def _label(path: Path) -> str:
    return f"data/{path.name}" if _is_shipped(path) else str(path)


# --------------------------------------------------------------------------- loaders


def load_pricing(path: str | Path | None = None) -> pd.DataFrame:
    """The pricing table: ``model, provider, origin, input_usd_per_mtok, output_usd_per_mtok``.

    Extra columns of the file (``price_source`` in the shipped one) are kept as text.

    >>> p = load_pricing()
    >>> list(p.columns[:5])
    ['model', 'provider', 'origin', 'input_usd_per_mtok', 'output_usd_per_mtok']
    >>> p.set_index("model").loc["Claude 3.5 Sonnet", "output_usd_per_mtok"]
    np.float64(15.0)
    """
    path = paths.user_or_shipped(path, PRICING.file)
    parsed = parse_table(PRICING, path)
    if parsed.problems:
        raise DataError(parsed.problems)
    return _finish(parsed, PRICING, path)


def load_benchmarks(path: str | Path | None = None, pricing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Benchmark scores, long format ``model, benchmark, score``; every model must be in pricing.

    >>> b = load_benchmarks()
    >>> b.query("benchmark == 'humaneval'").set_index("model").score.max()
    np.float64(93.0)
    """
    path = paths.user_or_shipped(path, BENCHMARK_TABLE.file)
    parsed = parse_table(BENCHMARK_TABLE, path)
    problems = list(parsed.problems)
    if pricing is None:
        pricing = load_pricing()
    if not problems:
        problems += _models_known(parsed, pricing, ["model"], _label(path))
    if problems:
        raise DataError(problems)
    return _finish(parsed, BENCHMARK_TABLE, path)


def load_model_facts(path: str | Path | None = None, pricing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Speed, context window, vision and p99 TTFT range per model; empty cells stay unknown.

    >>> f = load_model_facts().set_index("model")
    >>> f.loc["DeepSeek V4 Flash", "output_tok_per_s"], bool(f.loc["GPT-4o", "vision"])
    (np.float64(60.0), True)
    >>> bool(pd.isna(f.loc["Qwen3-32B", "output_tok_per_s"]))
    True

    ``open_weights`` (true, false, or empty when unknown; not from the article, each value cited in
    ``model_facts.meta.yml``) is optional: a facts file without the column reads as unknown for every model.

    >>> bool(f.loc["Qwen3-32B", "open_weights"]), bool(f.loc["GPT-4o", "open_weights"])
    (True, False)
    """
    path = paths.user_or_shipped(path, MODEL_FACTS.file)
    parsed = parse_table(MODEL_FACTS, path)
    problems = list(parsed.problems)
    if not problems:
        problems += _optional_bool(parsed, "open_weights", _label(path),
                                   "true (weights published, can be self-hosted), false (closed weights), or empty "
                                   "when unknown")
    if pricing is None:
        pricing = load_pricing()
    if not problems:
        problems += _models_known(parsed, pricing, ["model"], _label(path))
        f = parsed.frame
        for i in f.index[(f.ttft_p99_low_s > f.ttft_p99_high_s).fillna(False)]:
            problems.append(Problem(_label(path), parsed.lines[i], "ttft_p99_high_s",
                                    f"{f.ttft_p99_high_s[i]:g}",
                                    f"at least ttft_p99_low_s ({f.ttft_p99_low_s[i]:g})"))
    if problems:
        raise DataError(problems)
    return _finish(parsed, MODEL_FACTS, path)


def load_access(path: str | Path | None = None) -> pd.DataFrame:
    """The access matrix, long format ``factor, option, text, ok``.

    >>> a = load_access()
    >>> a.pivot(index="factor", columns="option", values="ok").shape
    (7, 3)
    """
    path = paths.user_or_shipped(path, ACCESS.file)
    parsed = parse_table(ACCESS, path)
    if parsed.problems:
        raise DataError(parsed.problems)
    return _finish(parsed, ACCESS, path)


def load_matchups(
    path: str | Path | None = None,
    pricing: pd.DataFrame | None = None,
    model_facts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The head-to-head matchups, one row per factor; prices must equal the pricing table.

    Star ratings are whole numbers from 1 to 5; speeds, where the model facts give one,
    must equal them; the winner must be one of the two models or ``tie``.

    >>> m = load_matchups()
    >>> m.matchup.nunique(), int(m.query("unit == 'stars'").value_a.max())
    (3, 5)
    """
    path = paths.user_or_shipped(path, MATCHUPS.file)
    label = _label(path)
    parsed = parse_table(MATCHUPS, path)
    problems = list(parsed.problems)
    if pricing is None:
        pricing = load_pricing()
    if model_facts is None and path == paths.data_file(MATCHUPS.file):
        try:  # the shipped matchups are also checked against the shipped speeds
            model_facts = load_model_facts(pricing=pricing)
        except DataError:
            model_facts = None  # that file's own problems are reported by its own loader
    if not problems:
        problems += _models_known(parsed, pricing, ["model_a", "model_b"], label)
        problems += _matchup_consistency(parsed, pricing, model_facts, label)
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line or 0))
    frame = _finish(parsed, MATCHUPS, path)
    return frame


def _matchup_consistency(parsed: Parsed, pricing: pd.DataFrame, facts: pd.DataFrame | None,
                         label: str) -> list[Problem]:
    out = []
    price = pricing.set_index("model")["output_usd_per_mtok"]
    speed = facts.set_index("model")["output_tok_per_s"] if facts is not None else pd.Series(dtype=float)
    pname = Path(pricing.attrs.get("source_file", "pricing.csv")).name
    for i, row in parsed.frame.iterrows():
        line = parsed.lines[i]
        if row.winner not in (row.model_a, row.model_b, "tie"):
            out.append(Problem(label, line, "winner", row.winner,
                               f"{row.model_a!r}, {row.model_b!r} or 'tie'"))
        for side in ("a", "b"):
            model, value = row[f"model_{side}"], row[f"value_{side}"]
            col = f"value_{side}"
            if row.unit == "stars" and not (value == int(value) and 1 <= value <= 5):
                out.append(Problem(label, line, col, f"{value:g}", "a whole number of stars from 1 to 5"))
            if row.unit == "yes_no" and value not in (0, 1):
                out.append(Problem(label, line, col, f"{value:g}", "1 (yes) or 0 (no)"))
            if row.unit == "usd_per_mtok" and model in price.index:
                listed = price[model]
                if pd.isna(listed) or not math.isclose(value, listed, rel_tol=0, abs_tol=1e-9):
                    out.append(Problem(label, line, col, f"{value:g}",
                                       f"{model}'s output price in {pname}, {listed:g}"))
            if row.unit == "tok_per_s" and model in speed.index and not pd.isna(speed[model]):
                if not math.isclose(value, speed[model], abs_tol=1e-9):
                    out.append(Problem(label, line, col, f"{value:g}",
                                       f"{model}'s output speed in model_facts.csv, {speed[model]:g}"))
    return out


# --------------------------------------------------------------------------- the whole data set


@dataclass
class Dataset:
    """Every table, loaded and cross-checked together."""

    pricing: pd.DataFrame
    benchmarks: pd.DataFrame
    model_facts: pd.DataFrame
    access: pd.DataFrame
    matchups: pd.DataFrame

    def files(self) -> dict[str, Path]:
        """The file each table was read from."""
        return {name: Path(getattr(self, name).attrs["source_file"]) for name in TABLES}

    def checksums(self) -> dict[str, str]:
        """SHA-256 of each file read, so that a report says exactly which data it used."""
        return {name: sha256(path) for name, path in self.files().items()}

    def as_of(self) -> str | None:
        """The oldest ``as_of`` date among the tables' sidecars, or ``None`` when one of them has none
        (:meth:`undated` says which, and how to date it): an undated table is of unknown age, never the others'.

        >>> ds = load_dataset()
        >>> ds.as_of(), ds.undated()
        ('2026-11-27', {})
        >>> ds.pricing.attrs["meta"] = {"source": {"catalog": "litellm"}, "as_of": None}
        >>> ds.as_of(), list(ds.undated())
        (None, ['pricing'])
        """
        if self.undated():
            return None
        dates = [str(t.attrs.get("meta", {}).get("as_of")) for t in self.tables().values()]
        return min(dates) if dates else None

    def undated(self) -> dict[str, str]:
        """The tables whose sidecar gives no ``as_of``, each with how to date it (:func:`analysis.data.freshness.undated`)."""
        from analysis.data.freshness import undated

        return undated(self.tables())

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


def load_dataset(
    pricing: str | Path | None = None,
    benchmarks: str | Path | None = None,
    model_facts: str | Path | None = None,
    access: str | Path | None = None,
    matchups: str | Path | None = None,
) -> Dataset:
    """Load every table (shipped, or the user's file for any of them), all problems in one error.

    >>> ds = load_dataset()
    >>> sorted(ds.tables())
    ['access', 'benchmarks', 'matchups', 'model_facts', 'pricing']
    >>> len(ds.checksums()["pricing"])
    64
    """
    problems: list[Problem] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DataError as err:
            problems.extend(err.problems)
            return None

    price = attempt(load_pricing, pricing)
    if price is None:
        # still report the other files' own problems (without the cross-checks)
        for table, path in ((BENCHMARK_TABLE, benchmarks), (MODEL_FACTS, model_facts),
                            (ACCESS, access), (MATCHUPS, matchups)):
            problems.extend(parse_table(table, path).problems)
        raise DataError(problems)
    facts = attempt(load_model_facts, model_facts, pricing=price)
    ds = Dataset(
        pricing=price,
        benchmarks=attempt(load_benchmarks, benchmarks, pricing=price),
        model_facts=facts,
        access=attempt(load_access, access),
        matchups=attempt(load_matchups, matchups, pricing=price, model_facts=facts),
    )
    if problems:
        raise DataError(problems)
    return ds


def read_meta(path: str | Path) -> dict:
    """The provenance sidecar ``NAME.meta.yml`` beside a data file, or ``{}`` when there is none.

    >>> read_meta(paths.data_file("pricing.csv"))["units"]["prices"]
    'US dollars per million tokens (USD/Mtok)'
    """
    path = Path(path)
    meta = path.with_name(path.stem + ".meta.yml")
    if not meta.exists():
        return {}
    return yaml.safe_load(meta.read_text(encoding="utf-8")) or {}


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes.

    >>> len(sha256(paths.data_file("benchmarks.csv")))
    64
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def scores_wide(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Scores with one column per benchmark and one row per model; missing scores are NaN.

    >>> w = scores_wide(load_benchmarks())
    >>> w.loc["GPT-4o", ["mmlu", "humaneval", "ceval"]].tolist()
    [88.7, 92.5, 88.5]
    >>> bool(pd.isna(w.loc["Qwen3-32B", "mmlu"]))
    True
    """
    wide = benchmarks.pivot(index="model", columns="benchmark", values="score")
    return wide.reindex(columns=[b for b in BENCHMARKS if b in wide.columns])


def load_beside_pricing(loader, path: str | Path | None, pricing: pd.DataFrame, pricing_csv: str | Path | None,
                        **kwargs) -> tuple[pd.DataFrame, list[str]]:
    """Load a table whose models must be priced, beside the pricing table the user chose.

    With the shipped pricing, this is ``loader(path, pricing=pricing, **kwargs)``. With the user's
    own pricing file (an imported catalog, say), a table that names models it does not list is
    checked against the shipped prices instead, and the note returned says so: those models keep
    their published figures but take no part wherever a price is needed. Any other problem is an
    error as usual.

    >>> import tempfile, pathlib
    >>> mine = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = mine.write_text("model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\\nGPT-4o,OpenAI,US,2.5,10\\n")
    >>> scores, notes = load_beside_pricing(load_benchmarks, "", load_pricing(mine), mine)
    >>> len(scores), notes[0][:60]
    (16, 'mine.csv does not list Claude 3.5 Sonnet, DeepSeek Coder, De')

    A catalog that prices a model the article's matchups quote differently never stops the notebook:
    the matchups keep the article's figures, and a note says so.

    >>> _ = mine.write_text(pathlib.Path(paths.data_file("pricing.csv")).read_text().replace("2.50,10.00", "2.50,11.00"))
    >>> matchups, notes = load_beside_pricing(load_matchups, "", load_pricing(mine), mine)
    >>> len(matchups), notes[0]
    (13, "mine.csv prices GPT-4o differently from the article: matchups.csv shows the article's own figures, as published, checked against the shipped prices (data/pricing.csv).")
    """
    try:
        return loader(path, pricing=pricing, **kwargs), []
    except DataError as err:
        missing = [p for p in err.problems if p.expected.startswith("a model listed in")]
        repriced = [p for p in err.problems if _PRICE_IN in p.expected]
        if not pricing_csv or len(missing) + len(repriced) != len(err.problems):
            raise
    frame = loader(path, pricing=load_pricing(), **kwargs)
    table = Path(frame.attrs.get("source_file", "the table")).name
    source = (pricing.attrs.get("meta") or {}).get("source")
    mine = (f"the {source['catalog']} {source.get('version', '')} catalog".replace("  ", " ")
            if isinstance(source, dict) and source.get("catalog") else Path(pricing_csv).name)
    notes = []
    if missing:
        names = sorted({p.value for p in missing})
        notes.append(f"{mine} does not list {', '.join(names)}, which {table} names: {table} was checked against "
                     f"the shipped prices (data/pricing.csv) instead, and those models take no part wherever a "
                     f"price is needed.")
    if repriced:
        names = sorted({p.expected.split(_PRICE_IN)[0] for p in repriced})
        notes.append(f"{mine} prices {', '.join(names)} differently from the article: {table} shows the "
                     f"article's own figures, as published, checked against the shipped prices "
                     f"(data/pricing.csv).")
    return frame, notes


#: How a price mismatch of the matchups names the pricing file (see :func:`_matchup_consistency`).
_PRICE_IN = "'s output price in"

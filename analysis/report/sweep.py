"""Parameter sweeps: one notebook run over a grid of parameter values, its results collected into one table.

``pricepoint sweep 04 -p fixed_b_usd_per_month 0,500,2000 -p model_b "DeepSeek V4 Flash,Qwen3-32B"`` runs
notebook 04 once per combination, in parallel through the report's worker pool, and collects every
run's results.json into ``sweep.csv`` and ``sweep.parquet``: one row per run, the swept values first,
then its status and every number its results hold (nested keys joined with dots, such as
``volume_break_even.tokens_per_month``). A run that fails is a row with its error; the sweep goes on.

>>> parse_values("0,500,2000"), parse_values("[code:1, general:1]")
([0, 500, 2000], ['code:1', 'general:1'])
>>> [sorted(c.items()) for c in combinations({"a": [1, 2], "b": ["x"]})]
[[('a', 1), ('b', 'x')], [('a', 2), ('b', 'x')]]
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.data.tables import ParameterError
from analysis.report.params import parameters_for, parse_value
from analysis.report.runner import DEFAULT_TIMEOUT_S, Job, NotebookRun, run_pool

#: Columns of a sweep table before the results.
RUN_COLUMNS = ("run", "status", "seconds", "error")


def parse_values(text: str) -> list:
    """The values of one swept parameter: comma-separated (each read as a number when it is one), or a
    YAML list in brackets when a value itself holds commas."""
    import yaml

    text = str(text).strip()
    if text.startswith("["):
        values = yaml.safe_load(text)
        return [parse_value(str(v)) if isinstance(v, str) else v for v in values]
    return [parse_value(v.strip()) for v in text.split(",") if v.strip()]


def combinations(grid: dict[str, list]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the first parameter varying slowest."""
    names = list(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """The numbers, text and booleans of a results.json, nested keys joined with dots; lists left out.

    >>> flatten({"a": {"b": 1.5, "c": [1, 2]}, "d": "x", "e": None})
    {'a.b': 1.5, 'd': 'x', 'e': None}
    """
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}{k}." if not isinstance(v, (str, int, float, bool)) and v is not None
                               else f"{prefix}{k}"))
        return out
    if isinstance(value, list):
        return out
    out[prefix.rstrip(".")] = value
    return out


@dataclass
class SweepResult:
    """What a sweep did: its table (one row per run) and where it wrote it."""

    table: pd.DataFrame
    folder: Path
    runs: list[NotebookRun]
    seconds: float

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if r.status != "ok"]


def run_sweep(notebook: Path, grid: dict[str, list], fixed: dict[str, Any] | None = None,
              out_dir: Path | None = None, jobs: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
              progress: bool = True) -> SweepResult:
    """Run ``notebook`` for every combination of ``grid`` (plus the ``fixed`` parameters), in parallel.

    Every combination is checked (names, types, ranges, files) before anything runs. The folder is
    published atomically: ``sweep.csv``, ``sweep.parquet`` and ``runs/run-NNN/`` (each run's page and
    results). Failures are rows; the sweep goes on.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir or paths.ROOT / "reports-sweeps" / notebook.stem).resolve()
    combos = combinations(grid)
    if not combos:
        raise ParameterError("the sweep has no values: pass -p NAME v1,v2,... for at least one parameter")
    plans, problems = [], []
    for i, combo in enumerate(combos):
        chosen, issues = parameters_for(notebook, {notebook.stem: {**(fixed or {}), **combo}}, Path("."))
        problems += [f"run {i + 1} ({_label(combo)}): {p}" for p in issues]
        plans.append(chosen)
    if problems:
        raise ParameterError("the sweep does not fit the notebook:\n  - " + "\n  - ".join(dict.fromkeys(problems))
                         + f"\nFix the values named above (papermill --help-notebook {notebook} lists its parameters).")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-staging-", dir=out_dir.parent))
    scratch = Path(tempfile.mkdtemp(prefix="pricepoint-sweep-"))
    try:
        pool_jobs = []
        for i, chosen in enumerate(plans):
            folder = staging / "runs" / f"run-{i + 1:03d}"
            params = {**chosen, "output_dir": str(folder)} if "output_dir" in chosen else chosen
            pool_jobs.append(Job(f"run-{i + 1:03d}", notebook, folder, params))
        runs = run_pool(pool_jobs, max(1, jobs or os.cpu_count() or 1), scratch, timeout_s, progress=progress,
                        desc=f"sweep {notebook.stem}", in_report=False)
        ordered = [runs[j.job_id] for j in pool_jobs]
        table = collect(staging, notebook.stem, combos, ordered)
        table.to_csv(staging / "sweep.csv", index=False)
        table.to_parquet(staging / "sweep.parquet", index=False)
        from analysis.report.build import _publish

        _publish(staging, out_dir, True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    return SweepResult(table, out_dir, ordered, time.perf_counter() - started)


def _label(combo: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in combo.items())


def collect(folder: Path, stem: str, combos: list[dict[str, Any]], runs: list[NotebookRun]) -> pd.DataFrame:
    """One row per run: the swept values, the run's status, time and error, then its results flattened."""
    import json

    rows = []
    for i, (combo, run) in enumerate(zip(combos, runs)):
        row = {**combo, "run": f"run-{i + 1:03d}", "status": run.status, "seconds": round(run.seconds, 2),
               "error": run.error}
        results = folder / "runs" / f"run-{i + 1:03d}" / stem / "results.json"
        if run.status == "ok" and results.exists():
            flat = flatten(json.loads(results.read_text()).get("results") or {})
            row.update({k: v for k, v in flat.items() if k not in row})
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in table.columns:  # a column of numbers and None is a numeric column with NaN (unknown), never 0
        if table[col].map(lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))).all():
            table[col] = pd.to_numeric(table[col], errors="coerce")
        elif table[col].map(lambda v: isinstance(v, (dict, list))).any():
            table[col] = table[col].astype(str)
    return table


def plottable(table: pd.DataFrame, swept: list[str]) -> list[str]:
    """The numeric result columns a sweep figure can draw (not the swept parameters or run columns)."""
    skip = set(swept) | set(RUN_COLUMNS)
    return [c for c in table.columns if c not in skip and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c]) and table[c].notna().any()
            and all(math.isfinite(v) for v in table[c].dropna())]

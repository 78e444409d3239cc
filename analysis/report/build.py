"""Run every notebook headlessly through papermill and publish ``reports/``.

:func:`build_report` executes the notebooks in parallel (one worker per core by default),
each in its own process with a wall-clock timeout, exports each executed notebook to HTML
without its code, and writes ``index.html``. It builds into a staging folder and only
replaces ``reports/`` when every notebook succeeded: a failed run leaves the previous report
untouched and keeps what it did produce in ``reports-failed/``.

Layout of a report folder::

    index.html                          what ran, with which parameters and data, the findings
    <notebook>.html                     the executed notebook without code cells
    <notebook>.ipynb                    the executed notebook
    <notebook>/results.json             the notebook's headline numbers (see README)
    figures/<notebook>/<name>.png|svg   every figure
    run.json                            the run's own record (statuses, timings, checksums)

>>> [p.name for p in discover_notebooks()][:2]
['01-pricing.ipynb', '02-landscape.ipynb']
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.data.load import sha256
from analysis.data.tables import TABLES
from analysis.report.params import discover_notebooks, parameters_for, read_params_file, unused_parameters
from analysis.report.runner import DEFAULT_TIMEOUT_S, NotebookRun, _Worker

FAILED_SUFFIX = "-failed"


# --------------------------------------------------------------------------- the whole report


@dataclass
class ReportResult:
    """What :func:`build_report` did: where the report is, and each notebook's outcome."""

    runs: list[NotebookRun]
    published: Path  # reports/ when everything succeeded, reports-failed/ otherwise
    ok: bool
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if r.status != "ok"]


def build_report(
    notebooks: list[Path] | None = None,
    params_file: str | os.PathLike | None = None,
    params: dict[str, Any] | None = None,
    reports_dir: Path | None = None,
    jobs: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: bool = True,
) -> ReportResult:
    """Run ``notebooks`` (default: all of ``notebooks/``) and publish the report atomically.

    ``params`` (a mapping as in a parameter file) is merged over ``params_file``'s content.
    """
    from tqdm.auto import tqdm

    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    reports_dir = Path(reports_dir or paths.REPORTS).resolve()
    notebooks = [Path(n).resolve() for n in (notebooks or discover_notebooks())]
    if not notebooks:
        raise FileNotFoundError(f"no notebooks named NN-name.ipynb in {paths.NOTEBOOKS}")
    merged = {**read_params_file(params_file), **(params or {})}
    jobs = max(1, jobs or os.cpu_count() or 1)

    reports_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{reports_dir.name}-staging-", dir=reports_dir.parent))
    scratch = Path(tempfile.mkdtemp(prefix="pricepoint-run-"))
    # the workers import papermill and start a kernel while we read the notebooks' parameters
    workers = [_Worker(scratch, i) for i in range(min(jobs, len(notebooks)))]
    problems: list[str] = []
    plan = []
    for nb in notebooks:
        chosen, issues = parameters_for(nb, merged, staging)
        problems += issues
        plan.append((nb, chosen))
    problems += unused_parameters(merged, notebooks)
    if problems:
        for worker in workers:
            worker.kill()
            worker.close()
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
        raise ValueError("the parameter set does not fit the notebooks:\n  - " + "\n  - ".join(problems)
                         + "\nFix the parameters named above (papermill --help-notebook NOTEBOOK "
                           "lists a notebook's parameters, with their types).")

    runs: dict[str, NotebookRun] = {}
    pending = sorted(plan, key=lambda item: -_expected_seconds(item[0], reports_dir))  # longest first
    bar = tqdm(total=len(plan), desc="notebooks", unit="nb", disable=not progress, file=sys.stderr)
    try:
        while len(runs) < len(plan):
            for i, worker in enumerate(workers):
                run = worker.poll(timeout_s)
                if run is not None:
                    runs[run.notebook] = run
                    bar.update(1)
                    bar.set_postfix_str(f"{run.notebook} {run.status}")
                if worker.job is None and pending:
                    if not worker.alive:  # killed after a timeout, or crashed: start a fresh one
                        worker.close()
                        workers[i] = worker = _Worker(scratch, i)
                    nb, chosen = pending.pop(0)
                    worker.submit(nb, staging, chosen, timeout_s, more_waiting=bool(pending))
            time.sleep(0.02)
    finally:
        for worker in workers:
            if worker.job is not None:
                worker.kill()
            worker.close(wait=False)  # they exit while we write the index
        bar.close()

    ordered = [runs[nb.stem] for nb, _ in plan]
    ok = all(r.status == "ok" for r in ordered)
    _save_timings(ordered, [nb for nb, _ in plan])
    write_index(staging, ordered, started_at, time.perf_counter() - started, params_file, merged)
    published = _publish(staging, reports_dir, ok)
    for worker in workers:
        worker.close(wait=True)
    shutil.rmtree(scratch, ignore_errors=True)
    return ReportResult(ordered, published, ok, time.perf_counter() - started)


def _timings_file() -> Path:
    """Where the last run's time of each notebook is kept, to start the longest first next time
    (``PRICEPOINT_CACHE``, else ``~/.cache/pricepoint``)."""
    base = os.environ.get("PRICEPOINT_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pricepoint"
    return Path(base) / "notebook-seconds.json"


def _read_timings() -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(_timings_file().read_text()).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _save_timings(runs: list[NotebookRun], notebooks: list[Path]) -> None:
    timings = _read_timings()
    for run, nb in zip(runs, notebooks):
        if run.status == "ok":
            timings[str(nb)] = round(run.seconds, 2)
    try:
        _timings_file().parent.mkdir(parents=True, exist_ok=True)
        _timings_file().write_text(json.dumps(timings, indent=1))
    except OSError:
        pass  # a read-only home only costs the ordering


def _expected_seconds(notebook: Path, reports_dir: Path) -> float:
    """How long a notebook is expected to take: its last time (this machine's cache, else the
    previous report's run.json), else a guess from its size, so that the longest start first."""
    known = _read_timings()
    if str(notebook) in known:
        return known[str(notebook)]
    try:
        record = json.loads((reports_dir / "run.json").read_text())
        return next(float(n["seconds"]) for n in record["notebooks"] if n["notebook"] == notebook.stem)
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return notebook.stat().st_size / 4000  # seconds per ~4 kB of notebook: only the order matters


def _publish(staging: Path, reports_dir: Path, ok: bool) -> Path:
    """Swap the staging folder in when everything succeeded; otherwise keep it aside."""
    target = reports_dir if ok else reports_dir.with_name(reports_dir.name + FAILED_SUFFIX)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    if ok:
        shutil.rmtree(reports_dir.with_name(reports_dir.name + FAILED_SUFFIX), ignore_errors=True)
    return target


# --------------------------------------------------------------------------- index.html


def data_checksums() -> dict[str, dict[str, str]]:
    """The shipped data files and their SHA-256, for the index."""
    out = {}
    for table in TABLES.values():
        path = paths.data_file(table.file)
        out[table.file] = {"sha256": sha256(path), "path": f"data/{table.file}"}
    return out


def _load_results(folder: Path, run: NotebookRun) -> dict[str, Any]:
    if not run.results:
        return {}
    try:
        return json.loads((folder / run.results).read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def write_index(folder: Path, runs: list[NotebookRun], started_at: dt.datetime, seconds: float,
                params_file, params: dict[str, Any]) -> Path:
    """Write ``index.html`` and ``run.json`` for a report folder."""
    from jinja2 import Environment, PackageLoader

    # autoescape on: the template is index.html.j2, which select_autoescape(["html"]) would not escape
    env = Environment(loader=PackageLoader("analysis.report", "templates"), autoescape=True)
    entries = []
    data_used: dict[str, dict[str, str]] = {}
    for run in runs:
        results = _load_results(folder, run)
        for name, info in (results.get("data") or {}).items():
            data_used.setdefault(info.get("file", name), {"sha256": info.get("sha256", ""), "tables": []})
            data_used[info.get("file", name)]["tables"].append(run.notebook)
        entries.append({"run": run, "results": results,
                        "figures": [f for f in results.get("figures", []) if f.get("png")]})
    record = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "params_file": str(params_file) if params_file else None,
        "params": params,
        "ok": all(r.status == "ok" for r in runs),
        "notebooks": [asdict(r) for r in runs],
        "shipped_data": data_checksums(),
        "python": sys.version.split()[0],
    }
    (folder / "run.json").write_text(json.dumps(record, indent=2, default=str))
    page = env.get_template("index.html.j2").render(
        record=record, entries=entries, data_used=data_used,
        shipped=record["shipped_data"], escape=html.escape,
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder / "index.html"

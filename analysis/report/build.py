"""Run every notebook headlessly through papermill and publish ``reports/``.

:func:`build_report` executes the notebooks in parallel (one worker per core by default),
each in its own process with a wall-clock timeout, exports each executed notebook to HTML
without its code, and writes ``index.html``. It builds into a staging folder and only
replaces ``reports/`` when every notebook succeeded: a failed run leaves the previous report
untouched and keeps what it did produce in ``reports-failed/``.

Layout of a report folder::

    index.html                          the decision summary, the overview, every page's findings; run details last
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
from analysis.data.tables import TABLES, ParameterError
from analysis.report import cache, index
from analysis.report.params import discover_notebooks, parameters_for, read_params_file, unused_parameters
from analysis.report.runner import DEFAULT_TIMEOUT_S, Job, NotebookRun, run_pool

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
    force: bool = False,
) -> ReportResult:
    """Run ``notebooks`` (default: all of ``notebooks/``) and publish the report atomically.

    ``params`` (a mapping as in a parameter file) is merged over ``params_file``'s content. A notebook
    whose page depends on nothing that changed since the last report is not run again: its outputs
    are copied from that report (:mod:`analysis.report.cache`); ``force`` runs every notebook.
    """

    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    reports_dir = Path(reports_dir or paths.REPORTS).resolve()
    notebooks = [Path(n).resolve() for n in (notebooks or discover_notebooks())]
    if not notebooks:
        raise FileNotFoundError(f"no notebooks named NN-name.ipynb in {paths.NOTEBOOKS}")
    merged = {**read_params_file(params_file), **(params or {})}
    jobs = max(1, jobs or os.cpu_count() or 1)

    reports_dir.parent.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    plan = []
    for nb in notebooks:
        chosen, issues = parameters_for(nb, merged, reports_dir)
        problems += issues
        plan.append((nb, chosen))
    problems += unused_parameters(merged, notebooks)
    if problems:
        raise ParameterError("the parameter set does not fit the notebooks:\n  - " + "\n  - ".join(problems)
                         + "\nFix the parameters named above (papermill --help-notebook NOTEBOOK "
                           "lists a notebook's parameters, with their types).")

    staging = Path(tempfile.mkdtemp(prefix=f".{reports_dir.name}-staging-", dir=reports_dir.parent))
    runs: dict[str, NotebookRun] = {}
    keys = {nb.stem: cache.notebook_key(nb, chosen) for nb, chosen in plan}
    measured_by, dependents = live_dependents(plan)
    for nb, chosen in plan:
        fresh = force or cache.is_live(chosen) or nb.stem in dependents
        entry = None if fresh else cache.reusable(reports_dir, nb.stem, keys[nb.stem])
        if entry is not None:
            cache.copy_outputs(reports_dir, staging, nb.stem)
            runs[nb.stem] = NotebookRun(nb.stem, "ok", parameters=entry.get("parameters") or {},
                                        html=entry.get("html"), ipynb=entry.get("ipynb"),
                                        results=entry.get("results"), reused=True)
    plan = [(nb, {**chosen, "output_dir": str(staging)} if "output_dir" in chosen else chosen)
            for nb, chosen in plan]
    to_run = [(nb, chosen) for nb, chosen in plan if nb.stem not in runs]
    scratch = Path(tempfile.mkdtemp(prefix="pricepoint-run-"))
    try:
        jobs_to_run = [Job(nb.stem, nb, staging, chosen, _expected_seconds(nb, reports_dir)) for nb, chosen in to_run
                       if nb.stem not in dependents]
        runs.update(run_pool(jobs_to_run, jobs, scratch, timeout_s, progress=progress))
        if dependents:  # after the live page: they read its measurements (a failed one leaves them the published)
            measured = staging / measured_by / "results.json"
            extra = {LIVE_RESULTS: str(measured)} if runs[measured_by].status == "ok" and measured.exists() else {}
            later = [Job(nb.stem, nb, staging, {**chosen, **extra}, _expected_seconds(nb, reports_dir))
                     for nb, chosen in to_run if nb.stem in dependents]
            for job in later:  # a page built on this run's measurements is never reused by a later run
                keys[job.job_id] = cache.notebook_key(job.notebook, job.parameters)
            runs.update(run_pool(later, jobs, scratch, timeout_s, progress=progress))
        ordered = [runs[nb.stem] for nb, _ in plan]
        for run in ordered:
            run.cache_key = keys[run.notebook]
        ok = all(r.status == "ok" for r in ordered)
        _save_timings(ordered, [nb for nb, _ in plan])
        write_index(staging, ordered, started_at, time.perf_counter() - started, params_file, merged)
        published = _publish(staging, reports_dir, ok)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # nothing left in the system's temporary folder
        shutil.rmtree(staging, ignore_errors=True)  # published (renamed) unless something went wrong
    return ReportResult(ordered, published, ok, time.perf_counter() - started)


#: The parameter by which a page reads the measurements of a live page of the same run (07 reads 05's p99).
LIVE_RESULTS = "live_calls_results"


def live_dependents(plan: list[tuple[Path, dict[str, Any]]]) -> tuple[str | None, set[str]]:
    """The page of this run that calls the real gateway, and the pages to run after it with its results.

    A page depends on it when it declares :data:`LIVE_RESULTS` and was not given one. Without a live
    page (no key, or the emulator), nothing waits: every page runs at once, as before.

    >>> nb05, nb07 = paths.NOTEBOOKS / "05-live-calls.ipynb", paths.NOTEBOOKS / "07-decision-brief.ipynb"
    >>> live_dependents([(nb05, {"mode": "live"}), (nb07, {})])
    ('05-live-calls', {'07-decision-brief'})
    >>> live_dependents([(nb05, {"mode": "emulated"}), (nb07, {})])
    (None, set())
    >>> live_dependents([(nb05, {"mode": "live"}), (nb07, {LIVE_RESULTS: "mine.json"})])
    ('05-live-calls', set())
    """
    import ast

    from analysis.report.params import declared_parameters

    source = None
    for nb, chosen in plan:
        declared = declared_parameters(nb)
        if "mode" in declared:
            mode = chosen.get("mode", ast.literal_eval(declared["mode"]["default"]))
            if cache.is_live({"mode": mode}):
                source = nb.stem
                break
    if source is None:
        return None, set()
    return source, {nb.stem for nb, chosen in plan
                    if LIVE_RESULTS in declared_parameters(nb) and not chosen.get(LIVE_RESULTS)}


def _timings_file() -> Path:
    """Where the last run's time of each notebook is kept, to start the longest first next time
    (in :func:`analysis.paths.cache_dir`)."""
    return paths.cache_dir() / "notebook-seconds.json"


def _read_timings() -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(_timings_file().read_text()).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _save_timings(runs: list[NotebookRun], notebooks: list[Path]) -> None:
    timings = _read_timings()
    for run, nb in zip(runs, notebooks):
        if run.status == "ok" and not run.reused:
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
    """Swap the staging folder in when everything succeeded; otherwise keep it aside as ``<name>-failed``.

    The previous folder is replaced only by a complete new one (two renames), and the files are made
    readable as the user's umask allows (staging folders are created private).
    """
    target = reports_dir if ok else reports_dir.with_name(reports_dir.name + FAILED_SUFFIX)
    share_with_umask(staging)
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


def share_with_umask(folder: Path) -> None:
    """Give ``folder`` and everything in it the modes a plain ``mkdir``/``open`` would under the user's umask.

    >>> import stat, tempfile
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "f").write_text("x"); os.chmod(d / "f", 0o600)
    >>> old = os.umask(0o022); share_with_umask(d); _ = os.umask(old)
    >>> oct(stat.S_IMODE(d.stat().st_mode)), oct(stat.S_IMODE((d / "f").stat().st_mode))
    ('0o755', '0o644')
    >>> shutil.rmtree(d)
    """
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(Path(root) / d, 0o777 & ~mask)
        for f in files:
            os.chmod(Path(root) / f, 0o666 & ~mask)


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


def _shown_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as run.json shows them: files named as the project names them, the report folder as ``.``.

    >>> _shown_parameters({"pricing_csv": str(paths.DATA / "pricing.csv"), "output_dir": "/tmp/x", "seed": 1,
    ...                    "06-routing": {"usage_log": "/home/me/log.csv"}})
    {'pricing_csv': 'data/pricing.csv', 'output_dir': '.', 'seed': 1, '06-routing': {'usage_log': 'log.csv'}}
    """
    from analysis.report.rules import RULES

    out = {}
    for name, value in params.items():
        if isinstance(value, dict):
            out[name] = _shown_parameters(value)
        elif name == "output_dir":
            out[name] = "."
        elif name in RULES and RULES[name].file and isinstance(value, str):
            out[name] = paths.shown(value)
        else:
            out[name] = value
    return out


def write_index(folder: Path, runs: list[NotebookRun], started_at: dt.datetime, seconds: float,
                params_file, params: dict[str, Any]) -> Path:
    """Write ``index.html`` and ``run.json`` for a report folder.

    The index opens with the decision summary (each page's answer, the decision brief's first) and the
    overview (the brief's figure and table), then every page's findings and figures, each with its source;
    the run's details, parameters and checksums are its appendix (:mod:`analysis.report.index`).
    """
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
        entries.append({"run": run, "results": results, "parameters": _shown_parameters(run.parameters),
                        "figures": [f for f in results.get("figures", []) if f.get("png")]})
    record = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "params_file": paths.shown(params_file) if params_file else None,
        "params": _shown_parameters(params),
        "ok": all(r.status == "ok" for r in runs),
        "notebooks": [asdict(r) | {"parameters": _shown_parameters(r.parameters)} for r in runs],
        "shipped_data": data_checksums(),
        "python": sys.version.split()[0],
    }
    (folder / "run.json").write_text(json.dumps(record, indent=2, default=str))
    titles = index.page_titles(folder, entries)
    for e in entries:
        e["title"] = titles[e["run"].notebook]
    page = env.get_template("index.html.j2").render(
        record=record, entries=entries, data_used=data_used,
        shipped=record["shipped_data"], escape=html.escape,
        summary=index.decision_summary(entries, titles), overview=index.overview(entries),
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder / "index.html"

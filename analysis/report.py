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
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis import paths
from analysis.data import TABLES, sha256

DEFAULT_TIMEOUT_S = 600.0
FAILED_SUFFIX = "-failed"


# --------------------------------------------------------------------------- discovery & parameters


def discover_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks ``NN-name.ipynb`` of ``folder``, in order.

    >>> all(p.name[:2].isdigit() for p in discover_notebooks())
    True
    """
    folder = folder or paths.NOTEBOOKS
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("."))


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its ``parameters`` cell, as papermill reads them
    (name, inferred type, default and help comment).

    >>> sorted(declared_parameters(paths.NOTEBOOKS / "01-pricing.ipynb"))[:2]
    ['input_output_ratio', 'monthly_tokens']
    """
    import papermill

    return papermill.inspect_notebook(str(notebook))


def parameter_types(notebook: Path) -> dict[str, str | None]:
    """Each parameter of a notebook's ``parameters`` cell and its annotated type (``None`` when it
    has none), read without importing papermill.

    >>> parameter_types(paths.NOTEBOOKS / "01-pricing.ipynb")["monthly_tokens"]
    'float'
    """
    import ast

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    types: dict[str, str | None] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            for node in ast.parse(source).body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    types[node.target.id] = ast.unparse(node.annotation)
                elif isinstance(node, ast.Assign):
                    types.update({t.id: None for t in node.targets if isinstance(t, ast.Name)})
            break
    return types


def parameter_names(notebook: Path) -> set[str]:
    """The names assigned in a notebook's ``parameters`` cell, read without importing papermill.

    The report plans every run with this (milliseconds, where importing papermill takes over a
    second); it agrees with :func:`declared_parameters` for ``name: type = value`` cells.

    >>> parameter_names(paths.NOTEBOOKS / "01-pricing.ipynb") == set(declared_parameters(
    ...     paths.NOTEBOOKS / "01-pricing.ipynb"))
    True
    """
    return set(parameter_types(notebook))


def type_problem(name: str, value: Any, annotation: str | None) -> str | None:
    """Why ``value`` does not fit a parameter annotated ``annotation`` (``None`` when it fits).

    >>> type_problem("monthly_tokens", "2e9x", "float")
    "monthly_tokens must be a number (float), got '2e9x'"
    >>> type_problem("monthly_tokens", 2, "float"), type_problem("seed", 2.5, "int")
    (None, 'seed must be a whole number (int), got 2.5')
    """
    if annotation == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"{name} must be a number (float), got {value!r}"
    if annotation == "int" and (isinstance(value, bool) or not (isinstance(value, int) or
                                                                 (isinstance(value, float) and value.is_integer()))):
        return f"{name} must be a whole number (int), got {value!r}"
    if annotation == "bool" and not isinstance(value, bool):
        return f"{name} must be true or false (bool), got {value!r}"
    return None


def read_params_file(path: str | os.PathLike | None) -> dict[str, Any]:
    """A parameter set: a YAML mapping. Keys named after a notebook (``01-pricing``) hold that
    notebook's parameters; any other key is a parameter for every notebook that declares it.

    >>> read_params_file(None)
    {}
    """
    if not path:
        return {}
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"parameter file {path} does not exist: pass an existing YAML file "
                                f"(see params/ for examples)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                         f"fix the file and run again") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of parameter names (or notebook names) to values, "
                         f"got {type(data).__name__}")
    return data


def parameters_for(notebook: Path, params: dict[str, Any], output_dir: Path | None) -> tuple[dict, list[str]]:
    """The parameters to inject into one notebook, and warnings about names it does not declare.

    Shared keys go only to notebooks that declare them; a notebook's own section must only
    name parameters it declares (a typo there is an error, not a silent no-op).
    """
    declared = parameter_types(notebook)
    stem = notebook.stem
    chosen: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in params.items():
        if isinstance(value, dict) and (key == stem or key[:2].isdigit()):
            continue
        if key in declared:
            chosen[key] = value
    for key, value in (params.get(stem) or {}).items():
        if key not in declared:
            problems.append(f"{stem} has no parameter {key!r}; it declares: {', '.join(sorted(declared))}")
        chosen[key] = value
    for key, value in chosen.items():
        if (problem := type_problem(key, value, declared.get(key))) is not None:
            problems.append(f"{stem}: {problem}")
    if output_dir is not None and "output_dir" in declared:
        chosen["output_dir"] = str(output_dir)
    return chosen, problems


def unused_parameters(params: dict[str, Any], notebooks: list[Path]) -> list[str]:
    """Names in a parameter set that would reach no notebook: a misspelt parameter or notebook section.

    >>> nbs = discover_notebooks()
    >>> unused_parameters({"monthly_tokens": 1, "monthly_token": 2, "01-pricng": {"x": 1}}, nbs)[0]
    "no notebook declares a parameter 'monthly_token'; did you mean monthly_tokens?"
    """
    import difflib

    every = {nb.stem: nb for nb in [*discover_notebooks(), *notebooks]}  # a set may serve notebooks not run now
    stems = set(every)
    declared = set().union(*(parameter_names(nb) for nb in every.values()))
    out = []
    for key, value in params.items():
        if isinstance(value, dict) and (key in stems or key[:2].isdigit()):
            if key not in stems:
                near = difflib.get_close_matches(key, sorted(stems), n=1)
                out.append(f"no notebook is called {key!r}" + (f"; did you mean {near[0]}?" if near else
                                                                  f"; notebooks: {', '.join(sorted(stems))}"))
            continue
        if key not in declared:
            near = difflib.get_close_matches(key, sorted(declared), n=1)
            out.append(f"no notebook declares a parameter {key!r}" + (f"; did you mean {near[0]}?" if near else ""))
    return out


# --------------------------------------------------------------------------- one notebook


@dataclass
class NotebookRun:
    """The outcome of running one notebook."""

    notebook: str
    status: str = "pending"  # ok | failed | timeout
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    failed_cell: int | None = None  # the execution count shown as In [N] in the executed notebook
    html: str | None = None
    ipynb: str | None = None
    results: str | None = None

    def summary(self) -> str:
        if self.status == "ok":
            return f"{self.notebook}: ok ({self.seconds:.1f} s)"
        where = f" at cell In [{self.failed_cell}]" if self.failed_cell is not None else ""
        return f"{self.notebook}: {self.status.upper()}{where}: {self.error}"


#: nbconvert template for the pages: "lab" without any <script> (no CDN, works offline).
PAGE_TEMPLATE = paths.PACKAGE / "templates" / "offline-page.html.j2"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widgets(nb) -> int:
    """Drop ipywidgets views and state from an executed notebook; return how many outputs went.

    A static page cannot run widgets (they need require.js and a kernel); the figure each
    control draws is published as an ordinary image next to them.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(metadata={"widgets": {}})
    >>> nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "display_data", {_WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"})]))
    >>> strip_widgets(nb), nb.cells[0].outputs, "widgets" in nb.metadata
    (1, [], False)
    """
    nb.metadata.pop("widgets", None)
    dropped = 0
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if _WIDGET_VIEW in data:
                data.pop(_WIDGET_VIEW)
                if set(data) <= {"text/plain"}:
                    dropped += 1
                    continue
            kept.append(out)
        if "outputs" in cell:
            cell.outputs = kept
    return dropped


def export_html(executed: Path, target: Path, title: str | None = None) -> Path:
    """Export an executed notebook to a self-contained HTML page without code cells or prompts.

    The page works offline: no script at all (nbconvert's "lab" template would load
    require.js, MathJax and mermaid from a CDN), CSS inlined, figures embedded as data URIs,
    widget views dropped (see :func:`strip_widgets`).
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    strip_widgets(nb)
    exporter = HTMLExporter(template_name="lab", template_file=PAGE_TEMPLATE.name,
                            extra_template_paths=[str(PAGE_TEMPLATE.parent)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    resources = {"metadata": {"name": title or executed.stem, "path": str(executed.parent)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target


def start_kernel():
    """Start a fresh ``python3`` kernel ahead of its notebook (the report's workers keep one ready).

    Each notebook still gets its own new kernel; starting it early only overlaps its start-up
    with other work. Returns the kernel manager, to pass to :func:`run_one`.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(paths.ROOT))
    return km


def _shutdown_kernel(km) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already dead
        pass


def run_one(notebook: Path, out_dir: Path, parameters: dict[str, Any], timeout_s: float, km=None) -> NotebookRun:
    """Execute one notebook in this process and export its HTML page.

    ``km`` is an already started kernel manager (see :func:`start_kernel`); it is shut down
    afterwards. Without one, papermill starts the kernel itself.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    stem = notebook.stem
    run = NotebookRun(stem, parameters=parameters)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{stem}.ipynb"
    start = time.perf_counter()
    try:
        extra = {"km": km} if km is not None else {}
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name="python3",
            progress_bar=False, cwd=str(paths.ROOT), execution_timeout=timeout_s, **extra,
        )
        run.status = "ok"
    except PapermillExecutionError as exc:
        run.status = "failed"
        run.failed_cell = exc.exec_count
        run.error = f"{exc.ename}: {exc.evalue}".strip()
    except Exception as exc:  # a kernel that died, a timeout inside a cell, a bad notebook file
        run.status = "timeout" if "timed out" in str(exc).lower() or "Timeout" in type(exc).__name__ else "failed"
        run.error = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    finally:
        if km is not None:
            _shutdown_kernel(km)
    run.seconds = time.perf_counter() - start
    if executed.exists():
        run.ipynb = executed.name
        try:
            run.html = export_html(executed, out_dir / f"{stem}.html").name
        except Exception as exc:  # keep going: the notebook ran, only its page failed
            run.error = (run.error or "") + f" (HTML export failed: {type(exc).__name__}: {exc})"
            run.status = "failed"
    results = out_dir / stem / "results.json"
    if results.exists():
        run.results = f"{stem}/results.json"
    elif run.status == "ok" and "output_dir" in parameters:
        run.status = "failed"
        run.error = "the notebook finished without writing results.json (call Publisher.write())"
    return run


def _serve() -> int:
    """``python -m analysis.report --serve``: a worker that runs notebooks until stdin closes.

    It imports papermill and nbconvert once (about 1.5 s each), then reads one JSON spec per
    line, runs that notebook, writes the :class:`NotebookRun` to the spec's ``result`` file and
    prints ``done``. The parent kills it (and so its kernel) when a notebook overruns.
    """
    km = start_kernel()  # the kernel boots in its own process while we import
    import nbconvert  # noqa: F401  (warm the imports while the parent prepares)
    import papermill  # noqa: F401

    for line in sys.stdin:
        if not line.strip():
            continue
        spec = json.loads(line)
        run = run_one(Path(spec["notebook"]), Path(spec["out_dir"]), spec["parameters"], spec["timeout_s"],
                      km=km)
        tmp = Path(spec["result"] + ".tmp")
        tmp.write_text(json.dumps(asdict(run)))
        os.replace(tmp, spec["result"])
        print("done", flush=True)
        # start the next kernel now only when more notebooks are waiting
        km = start_kernel() if spec.get("more_waiting") else None
    if km is not None:
        _shutdown_kernel(km)
    return 0


class _Worker:
    """One long-lived worker process of the report's pool."""

    def __init__(self, scratch: Path, index: int):
        self.scratch = scratch
        self.log = open(scratch / f"worker-{index}.log", "a")
        env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "analysis.report", "--serve"],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log,
                                     text=True, start_new_session=True, env=env, cwd=str(paths.ROOT))
        self.job: tuple[str, Path, float, dict] | None = None  # stem, result file, start, parameters

    def submit(self, notebook: Path, out_dir: Path, parameters: dict, timeout_s: float,
               more_waiting: bool = False) -> None:
        result = self.scratch / f"{notebook.stem}.result.json"
        spec = {"notebook": str(notebook), "out_dir": str(out_dir), "parameters": parameters,
                "timeout_s": timeout_s, "result": str(result), "more_waiting": more_waiting}
        self.proc.stdin.write(json.dumps(spec) + "\n")
        self.proc.stdin.flush()
        self.job = (notebook.stem, result, time.perf_counter(), parameters)

    def poll(self, timeout_s: float) -> NotebookRun | None:
        """The finished run, a timeout or crash turned into a run, or ``None`` while it works."""
        if self.job is None:
            return None
        stem, result, t0, params = self.job
        elapsed = time.perf_counter() - t0
        if result.exists():
            self.job = None
            return NotebookRun(**json.loads(result.read_text()))
        if self.proc.poll() is not None:
            self.job = None
            self.log.flush()
            tail = (self.scratch / Path(self.log.name).name).read_text(errors="replace").strip().splitlines()[-3:]
            return NotebookRun(stem, "failed", elapsed, params, error="the runner crashed: " + " | ".join(tail))
        if elapsed > timeout_s:
            self.kill()
            self.job = None
            return NotebookRun(stem, "timeout", elapsed, params,
                               error=f"did not finish within {timeout_s:g} s (raise --timeout)")
        return None

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, wait: bool = True) -> None:
        """Ask the worker to finish (it shuts its spare kernel down); ``wait`` for it to exit."""
        if self.alive and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        if wait:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.log.close()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


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
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["html"]))
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


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    sys.exit(_serve())

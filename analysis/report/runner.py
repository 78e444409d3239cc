"""Running one notebook through papermill in a worker kernel, with a timeout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.report.html import export_html

DEFAULT_TIMEOUT_S = 600.0


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
    cache_key: str | None = None  # what the page depends on (analysis.report.cache.notebook_key)
    reused: bool = False  # copied from the last report: nothing it depends on changed

    def summary(self) -> str:
        if self.status == "ok" and self.reused:
            return f"{self.notebook}: reused (nothing it depends on changed; --force reruns it)"
        if self.status == "ok":
            return f"{self.notebook}: ok ({self.seconds:.1f} s)"
        where = f" at cell In [{self.failed_cell}]" if self.failed_cell is not None else ""
        return f"{self.notebook}: {self.status.upper()}{where}: {self.error}"


def start_kernel():
    """Start a fresh ``python3`` kernel ahead of its notebook (the report's workers keep one ready).

    Each notebook still gets its own new kernel; starting it early only overlaps its start-up
    with other work. Returns the kernel manager, to pass to :func:`run_one`.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    # the kernel talks to this process over loopback TCP with signed messages (Jupyter's default); its start-up
    # warning about that transport is not news to a report's reader, so only the kernel app's errors are printed
    # (a notebook's own warnings are cell outputs, not these). Local sockets would avoid it, but their path must
    # stay under 108 bytes, which a report's scratch folder does not.
    run_sync(km.start_kernel)(cwd=str(paths.ROOT), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return km


def _shutdown_kernel(km) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already dead
        pass


def run_one(notebook: Path, out_dir: Path, parameters: dict[str, Any], timeout_s: float, km=None,
            in_report: bool = False) -> NotebookRun:
    """Execute one notebook in this process and export its HTML page.

    ``km`` is an already started kernel manager (see :func:`start_kernel`; without one, one is started
    here); it is shut down afterwards.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    stem = notebook.stem
    run = NotebookRun(stem, parameters=parameters)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{stem}.ipynb"
    start = time.perf_counter()
    try:
        km = km if km is not None else start_kernel()
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name="python3",
            progress_bar=False, cwd=str(paths.ROOT), execution_timeout=timeout_s, km=km,
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
            run.html = export_html(executed, out_dir / f"{stem}.html", in_report=in_report).name
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
    """``python -m analysis.report.runner --serve``: a worker that runs notebooks until stdin closes.

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
                      km=km, in_report=spec.get("in_report", True))
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
        # the worker's and its kernels' temporary files (a killed kernel's connection file among them) go to
        # the run's scratch folder, which the report removes: nothing is left in the system's temporary folder
        tmp = scratch / f"tmp-{index}"
        tmp.mkdir(exist_ok=True)
        env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1", TMPDIR=str(tmp))
        self.proc = subprocess.Popen([sys.executable, "-m", "analysis.report.runner", "--serve"],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log,
                                     text=True, start_new_session=True, env=env, cwd=str(paths.ROOT))
        self.job: tuple[str, Path, float, dict] | None = None  # stem, result file, start, parameters
        self.job_id: str | None = None

    def submit(self, notebook: Path, out_dir: Path, parameters: dict, timeout_s: float,
               more_waiting: bool = False, job_id: str | None = None, in_report: bool = True) -> None:
        self.job_id = job_id or notebook.stem
        result = self.scratch / f"{self.job_id}.result.json"
        spec = {"notebook": str(notebook), "out_dir": str(out_dir), "parameters": parameters,
                "timeout_s": timeout_s, "result": str(result), "more_waiting": more_waiting, "in_report": in_report}
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


@dataclass
class Job:
    """One notebook run of a pool: its id, the notebook, where it writes and its parameters."""

    job_id: str
    notebook: Path
    out_dir: Path
    parameters: dict[str, Any]
    expected_s: float = 0.0  # the longest start first


def run_pool(jobs: list[Job], workers: int, scratch: Path, timeout_s: float, *, progress: bool = True,
             desc: str = "notebooks", in_report: bool = True) -> dict[str, NotebookRun]:
    """Run ``jobs`` on ``workers`` long-lived worker processes (each with a kernel ready), longest first.

    A job that overruns ``timeout_s`` is killed with its worker, which is replaced; a crashed worker's
    job is a failed run. Returns job id -> run. Workers start only when there is a job.
    """
    from tqdm.auto import tqdm

    runs: dict[str, NotebookRun] = {}
    if not jobs:
        return runs
    pending = sorted(jobs, key=lambda j: -j.expected_s)
    pool = [_Worker(scratch, i) for i in range(max(1, min(workers, len(jobs))))]
    bar = tqdm(total=len(jobs), desc=desc, unit="nb", disable=not progress, file=sys.stderr)
    try:
        while len(runs) < len(jobs):
            for i, worker in enumerate(pool):
                job_id = worker.job_id
                run = worker.poll(timeout_s)
                if run is not None:
                    runs[job_id] = run
                    bar.update(1)
                    bar.set_postfix_str(f"{job_id} {run.status}")
                if worker.job is None and pending:
                    if not worker.alive:  # killed after a timeout, or crashed: start a fresh one
                        worker.close()
                        pool[i] = worker = _Worker(scratch, i)
                    job = pending.pop(0)
                    worker.submit(job.notebook, job.out_dir, job.parameters, timeout_s, more_waiting=bool(pending),
                                  job_id=job.job_id, in_report=in_report)
            time.sleep(0.02)
    finally:
        for worker in pool:
            if worker.job is not None:
                worker.kill()
            worker.close(wait=False)  # they exit while the caller writes its index
        bar.close()
        for worker in pool:
            worker.close(wait=True)
    return runs


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    sys.exit(_serve())

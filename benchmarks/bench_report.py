"""Report wall time vs N x papermill on an empty notebook, both measured in this run.

    .venv/bin/python benchmarks/bench_report.py [--repeat 2]

The empty notebook only imports pandas, seaborn and analysis: the floor every notebook pays
(kernel start-up and imports). N is the number of notebooks. Target ratio <= 0.75 on 2 cores:
parallel runs, and no work of ours that rivals kernel start-up.

Two readings of "the wall time of papermill running an empty notebook" are printed, each against
the matching report time, so that like is compared with like:

- commands: ``papermill empty.ipynb out.ipynb`` as a command (Python start, papermill import,
  kernel, cells) against ``pricepoint report`` as a command;
- in-process: ``papermill.execute_notebook`` with papermill already imported, against
  ``analysis.report.build_report`` called in-process (the stricter reading).

Each is the fastest of ``--repeat`` runs, alternating, with the report built in a fresh folder. It also
times ``pricepoint report`` run again on the same folder with nothing changed (every page reused from the
cache; target at most 3 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from analysis.report.build import build_report  # noqa: E402
from analysis.report.params import discover_notebooks  # noqa: E402

BIN = Path(sys.executable).parent


def empty_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas, seaborn, analysis")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    n = len(discover_notebooks())
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True, "cwd": ROOT}
    runs: dict[str, list[float]] = {k: [] for k in ("empty_cmd", "report_cmd", "empty_py", "report_py", "rerun_cmd")}
    per_notebook = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = empty_notebook(tmp / "empty.ipynb")
        papermill.execute_notebook(str(empty), str(tmp / "warm.ipynb"), progress_bar=False)  # warm caches
        for i in range(args.repeat):
            runs["empty_cmd"].append(timed(lambda: subprocess.run(
                [str(BIN / "papermill"), "--no-progress-bar", str(empty), str(tmp / "e.ipynb")], **quiet)))
            runs["report_cmd"].append(timed(lambda i=i: subprocess.run(
                [str(BIN / "pricepoint"), "report", "--no-progress", "--out", str(tmp / f"cmd{i}")], **quiet)))
            runs["rerun_cmd"].append(timed(lambda i=i: subprocess.run(  # nothing changed: every page reused
                [str(BIN / "pricepoint"), "report", "--no-progress", "--out", str(tmp / f"cmd{i}")], **quiet)))
            runs["empty_py"].append(timed(lambda: papermill.execute_notebook(
                str(empty), str(tmp / "e2.ipynb"), progress_bar=False)))
            result = None

            def report(i=i):
                nonlocal result
                result = build_report(reports_dir=tmp / f"py{i}", progress=False)

            runs["report_py"].append(timed(report))
            if not result.ok:
                sys.exit("the report failed: " + "; ".join(r.summary() for r in result.failed))
            for r in result.runs:
                per_notebook[r.notebook] = min(per_notebook.get(r.notebook, 1e9), r.seconds)
    best = {k: min(v) for k, v in runs.items()}
    load = os.getloadavg()[0]
    print(f"notebooks: {n}, cores: {os.cpu_count()}, load average (1 min) after: {load:.2f}; "
          f"fastest of {args.repeat} runs each")
    for name, seconds in per_notebook.items():
        print(f"  {name:28s} {seconds:6.2f} s in the report (its kernel's cells and start-up)")
    for label, rep, emp in (("commands", "report_cmd", "empty_cmd"), ("in-process", "report_py", "empty_py")):
        ratio = best[rep] / (n * best[emp])
        print(f"{label:10s}: report {best[rep]:6.2f} s / ({n} x empty notebook {best[emp]:.2f} s) = {ratio:.2f}"
              f"  (target <= 0.75)")
    print(f"rerun with nothing changed (every page reused), as a command: {best['rerun_cmd']:.2f} s (target <= 3 s); "
          f"{best['rerun_cmd'] / best['report_cmd']:.3f} x the full report")


if __name__ == "__main__":
    main()

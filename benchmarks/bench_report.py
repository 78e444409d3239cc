"""Report wall time vs N x papermill on an empty notebook, both measured in this run.

    .venv/bin/python benchmarks/bench_report.py

The empty notebook only imports pandas, seaborn and analysis: the floor every notebook pays
(kernel start-up and imports). N is the number of notebooks. Target ratio <= 0.75 on 2 cores:
parallel runs, and no work of ours that rivals kernel start-up.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.report import build_report, discover_notebooks  # noqa: E402


def empty_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas, seaborn, analysis")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def main() -> None:
    notebooks = discover_notebooks()
    n = len(notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = empty_notebook(tmp / "empty.ipynb")
        papermill.execute_notebook(str(empty), str(tmp / "warm.ipynb"), progress_bar=False)  # warm caches
        t0 = time.perf_counter()
        papermill.execute_notebook(str(empty), str(tmp / "empty-out.ipynb"), progress_bar=False)
        empty_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = build_report(reports_dir=tmp / "reports", progress=False)
        report_s = time.perf_counter() - t0
    if not result.ok:
        sys.exit("the report failed: " + "; ".join(r.summary() for r in result.failed))
    print(f"notebooks: {n}, cores: {os.cpu_count()}")
    print(f"papermill on an empty notebook (imports only): {empty_s:.2f} s")
    for run in result.runs:
        print(f"  {run.notebook:28s} {run.seconds:6.2f} s")
    print(f"report wall time: {report_s:.2f} s")
    print(f"ratio report / (N x empty) = {report_s:.2f} / ({n} x {empty_s:.2f}) = {report_s / (n * empty_s):.2f}"
          f"  (target <= 0.75)")


if __name__ == "__main__":
    main()

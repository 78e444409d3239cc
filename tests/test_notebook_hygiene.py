"""Notebook hygiene: committed notebooks carry no outputs; every parameter has a type and a comment.

The parameters are read exactly as ``papermill --help-notebook`` reads them
(``papermill.inspect_notebook``), so what this test accepts is what users see.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from analysis import paths
from analysis.report.params import discover_notebooks

#: What JupyterLab adds to a notebook's metadata when it saves it; the git filter strips these
#: (Makefile NBSTRIP_KEYS), so an opened notebook does not look edited.
LAB_WRITES_ON_SAVE = ("language_info", "vscode")


def output_problems(nb, name: str) -> list[str]:
    """What a notebook carries that a committed notebook must not: outputs, execution counts, widget state."""
    problems = []
    if "widgets" in nb.metadata:
        problems.append(f"{name}: notebook metadata holds widget state")
    for key in LAB_WRITES_ON_SAVE:
        if key in nb.metadata:
            problems.append(f"{name}: notebook metadata holds {key} (JupyterLab writes it on save)")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{name}: cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"{name}: cell {i} has execution count {cell.execution_count}")
    return problems


def committed_notebooks() -> dict[str, str]:
    """path -> text of every notebook git tracks (the staged version: what a commit would hold).

    Outside a git checkout (a source tarball), the notebooks on disk.
    """
    try:
        listed = subprocess.run(["git", "ls-files", "--", "notebooks/*.ipynb"], cwd=paths.ROOT,
                                capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return {p.relative_to(paths.ROOT).as_posix(): p.read_text(encoding="utf-8") for p in discover_notebooks()}
    return {path: subprocess.run(["git", "show", f":{path}"], cwd=paths.ROOT, capture_output=True, text=True,
                                 check=True).stdout for path in listed}


def test_checker_catches_outputs_and_counts():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {}})
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1", execution_count=3,
                                              outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                                                              execution_count=3)]))
    nb.cells.append(nbformat.v4.new_markdown_cell("# fine"))
    assert output_problems(nb, "x.ipynb") == ["x.ipynb: notebook metadata holds widget state",
                                              "x.ipynb: cell 0 has 1 output(s)",
                                              "x.ipynb: cell 0 has execution count 3"]


def test_committed_notebooks_have_no_outputs():
    notebooks = committed_notebooks()
    assert notebooks, "no committed notebooks found"
    problems = []
    for path, text in notebooks.items():
        problems += output_problems(nbformat.reads(text, as_version=4), path)
    assert not problems, ("committed notebooks must carry no outputs (run `make env` once: it installs the "
                          "nbstripout git filter; or run `.venv/bin/nbstripout NOTEBOOK`):\n  " + "\n  ".join(problems))


def test_the_filter_strips_what_jupyterlab_writes_on_save():
    """`make env` configures the filter with these keys; nbstripout run with them removes language_info."""
    makefile = (paths.ROOT / "Makefile").read_text()
    keys = next(line.split(":=", 1)[1].split() for line in makefile.splitlines() if line.startswith("NBSTRIP_KEYS"))
    assert {f"metadata.{k}" for k in LAB_WRITES_ON_SAVE} <= set(keys)
    assert 'git config filter.nbstripout.extrakeys "$(NBSTRIP_KEYS)"' in makefile
    saved = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "version": "3.11.7"}})
    saved.cells.append(nbformat.v4.new_code_cell("x = 1"))
    stripped = subprocess.run([sys.executable, "-m", "nbstripout", "--extra-keys", " ".join(keys), "-t"],
                              input=nbformat.writes(saved), capture_output=True, text=True, check=True).stdout
    assert output_problems(nbformat.reads(stripped, as_version=4), "saved.ipynb") == []


def test_gitattributes_routes_notebooks_through_nbstripout():
    text = (paths.ROOT / ".gitattributes").read_text()
    assert "*.ipynb filter=nbstripout" in text and "*.ipynb diff=ipynb" in text


@pytest.mark.parametrize("notebook", discover_notebooks(), ids=lambda p: p.stem)
def test_every_parameter_has_a_type_and_a_comment(notebook):
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    assert declared, f"{notebook.name} has no cell tagged 'parameters'"
    problems = []
    for name, info in declared.items():
        if info["inferred_type_name"] in ("None", "", None):
            problems.append(f"{name}: no type (write `{name}: TYPE = {info['default']}`)")
        if not (info.get("help") or "").strip():
            problems.append(f"{name}: no comment (end the line with `  # what it is, its unit, its choices`)")
    assert "output_dir" in declared, f"{notebook.name} must declare output_dir (pricepoint report sets it)"
    assert not problems, f"{notebook.name} parameters as papermill --help-notebook shows them:\n  " + \
        "\n  ".join(problems)

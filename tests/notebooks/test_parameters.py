"""Parameters are declared once, in each notebook's ``parameters`` cell: results.json records every one."""

from __future__ import annotations

import ast
import json

import pytest

from analysis import paths
from analysis.report.params import declared_parameters, discover_notebooks, parameter_names


@pytest.mark.parametrize("notebook", discover_notebooks(), ids=lambda p: p.stem)
def test_the_notebook_hands_its_parameters_to_the_publisher_once(notebook):
    """No notebook types its parameters a second time: the publisher reads them from the run."""
    code = "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    assert f'Publisher.for_notebook("{notebook.stem}", globals())' in code
    assert "parameters=" not in code


@pytest.mark.parametrize("stem", [nb.stem for nb in discover_notebooks()])
def test_results_json_records_every_declared_parameter(stem):
    """Whatever a notebook declares reaches results.json (each notebook run by the tests checks its own file too)."""
    from analysis.report.publish import Publisher

    declared = declared_parameters(paths.NOTEBOOKS / f"{stem}.ipynb")
    names = parameter_names(paths.NOTEBOOKS / f"{stem}.ipynb") - {"output_dir"}
    namespace = {n: ast.literal_eval(info["default"]) for n, info in declared.items()}
    pub = Publisher.for_notebook(stem, namespace)
    assert set(pub.payload()["parameters"]) == names

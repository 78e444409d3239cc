"""Notebook parameters: what each notebook declares, parameter files, and checks before anything runs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from analysis import paths
from analysis.data.tables import ParameterError

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

    >>> sorted(declared_parameters(paths.NOTEBOOKS / "01-pricing.ipynb"))[:3]
    ['catalog', 'endpoints_model', 'input_output_ratio']
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
        raise ParameterError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                         f"fix the file and run again") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names (or notebook names) to values, "
                         f"got {type(data).__name__}")
    return data


def parameters_for(notebook: Path, params: dict[str, Any], output_dir: Path | None,
                   base: str | os.PathLike | None = None) -> tuple[dict, list[str]]:
    """The parameters to inject into one notebook, and every problem with them.

    Shared keys go only to notebooks that declare them; a notebook's own section must only
    name parameters it declares (a typo there is an error, not a silent no-op). Each value is
    checked against its declared type and its rule (:mod:`analysis.report.rules`), and a file
    parameter is made absolute against ``base`` (the folder the command ran in), so that a relative
    path means the same file in every command.

    >>> chosen, bad = parameters_for(paths.NOTEBOOKS / "06-routing.ipynb", {"budget_usd": -5}, None)
    >>> bad
    ['06-routing: budget_usd must be at least 0 (a monthly budget in USD), got -5']
    """
    from analysis.report.rules import problems as rule_problems
    from analysis.report.rules import resolve_paths

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
    typed = {}
    for key, value in chosen.items():
        if (problem := type_problem(key, value, declared.get(key))) is not None:
            problems.append(f"{stem}: {problem}")
        else:
            typed[key] = value
    problems += [f"{stem}: {p}" for p in rule_problems(typed)]
    chosen, missing = resolve_paths(chosen, base)
    problems += [f"{stem}: {p}" for p in missing]
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


def parse_value(text: str):
    """A ``-p NAME VALUE`` value: a number when it reads as one (``2e9`` too), else YAML, else text.

    >>> parse_value("2e9"), parse_value("3"), parse_value("true"), parse_value("humaneval")
    (2000000000.0, 3, True, 'humaneval')
    >>> parse_value("[GPT-4o, Kimi K2.5]")
    ['GPT-4o', 'Kimi K2.5']
    """
    import yaml

    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text

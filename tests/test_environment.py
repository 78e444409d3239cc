"""environment.yml (conda-forge) and pyproject.toml name the same packages."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis import paths

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "ibis-duckdb": "ibis-framework", "ibis-pyspark": "ibis-framework"}
# conda-forge packages that are not Python packages (PyPI has no counterpart): Java for the spark engine
CONDA_ONLY = {"openjdk"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> set[str]:
    meta = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"]) + [d for group in meta["optional-dependencies"].values() for d in group]
    return {_name(s) for s in specs}


def _environment() -> set[str]:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    names -= {"python", "pip", *CONDA_ONLY}
    return {CONDA_TO_PYPI.get(n, n) for n in names}


def test_environment_and_pyproject_agree():
    py, conda = _pyproject(), _environment()
    assert py == conda, f"only in pyproject.toml: {sorted(py - conda)}; only in environment.yml: {sorted(conda - py)}"


def test_user_named_dependencies_are_declared():
    assert {"jupyterlab", "pandas", "seaborn", "scipy", "openai", "papermill", "nbconvert", "ipykernel",
            "pandera"} <= _pyproject()


def test_environment_uses_conda_forge_and_installs_the_package():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip

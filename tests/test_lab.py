"""`make lab`: JupyterLab with the project's kernel, and the widget extension it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from analysis import paths


def test_python3_kernel_is_this_environment():
    """papermill and JupyterLab both ask for "python3": it must start this Python, with analysis importable."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir
    assert KernelManager(kernel_name="python3").format_kernel_cmd()[0] == sys.executable


def test_widget_frontend_extension_is_installed():
    assert int(version("jupyterlab_widgets").split(".")[0]) >= 3
    assert int(version("ipywidgets").split(".")[0]) >= 8


def test_make_lab_opens_the_notebooks_with_the_env_kernels():
    # under `make test` this make is nested: it would print "Entering/Leaving directory" lines
    out = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "lab"], cwd=paths.ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "MAKEFLAGS": "", "MAKELEVEL": ""}).stdout
    [line] = [ln for ln in out.splitlines() if "jupyter lab" in ln]
    assert "JUPYTER_PREFER_ENV_PATH=1" in line and ".venv/bin/jupyter lab --notebook-dir=notebooks" in line
    assert ("--allow-root" in line) == (os.getuid() == 0)

"""Shared fixtures. The whole suite runs offline: any connection outside loopback fails."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

# CI replays the same examples on every run (derandomize), so a red build is reproducible;
# locally hypothesis explores new examples each time. HYPOTHESIS_PROFILE picks one by hand.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

os.environ.setdefault("MPLBACKEND", "Agg")
matplotlib.use("Agg")
# The suite's temporary folder and cache are set up by the project's root conftest.py.
# Never let a test talk to the real gateway with a real key.
os.environ.pop("GLOBAL_API_KEY", None)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class OutsideNetworkError(OSError):
    """A test tried to reach an address outside this machine."""


def _check_address(sock: socket.socket, address) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost":
            return
        raise OutsideNetworkError(f"test suite is offline: refused to connect to {host!r}") from None
    if not ip.is_loopback:
        raise OutsideNetworkError(f"test suite is offline: refused to connect to {host}")


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure after each test."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(autouse=True)
def _widgets_switch_as_it_was():
    """Put PRICEPOINT_WIDGETS back after each test: ``analysis.cli.main`` sets it to 0 in its own process, and
    tests call ``main`` inside the worker. Left set, it changed the environment of every later notebook run of
    that worker, so none of them was shared with a run made before it (see :class:`NotebookRuns`)."""
    before = os.environ.get("PRICEPOINT_WIDGETS")
    yield
    if before is None:
        os.environ.pop("PRICEPOINT_WIDGETS", None)
    else:
        os.environ["PRICEPOINT_WIDGETS"] = before


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a temporary folder and return its path."""

    def write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture(scope="session")
def shipped():
    """The shipped data set, loaded once."""
    from analysis.data.load import load_dataset

    return load_dataset()


# Never let a test, or a notebook a test runs, read a developer's .env: the live-calls code
# (analysis.gateway.api_key) would find a real GLOBAL_API_KEY there and call the real gateway.
os.environ["PRICEPOINT_DOTENV"] = os.devnull


@pytest.fixture
def emulator():
    """A local gateway emulator on 127.0.0.1, a hundred times faster than the published speeds."""
    from analysis.calls.emulator import Emulator

    with Emulator(seed=11, time_scale=0.01) as emu:
        yield emu


#: Variables of the environment that change what a notebook does (the key of a run). PRICEPOINT_CACHE is not
#: one: it only says where a cache is kept, and each pytest-xdist worker has its own (see the root conftest.py),
#: so with it in the key no run was ever shared between the workers.
RUN_ENV_PREFIXES = ("PRICEPOINT", "GLOBAL_API")
RUN_ENV_IGNORED = {"PRICEPOINT_CACHE"}


def run_env() -> dict[str, str]:
    """The variables of this process's environment a notebook run depends on."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(RUN_ENV_PREFIXES) and k not in RUN_ENV_IGNORED}


class NotebookRuns:
    """The session's notebook runs: each notebook runs once per set of parameters (and environment), into a
    folder shared by the session's workers (pytest-xdist); a test gets a copy of that folder, so it may
    read, and change, its own. A worker about to run what another is running waits for it (a lock per
    run). A kernel is started ahead of each run (it boots while the previous notebook runs), as the
    report's workers do; it is thrown away when the environment changed since it started (a test that
    sets a variable gets a kernel that sees it).

    A notebook with its default parameters is not run on its own: the session's default report
    (:meth:`default_report`, every notebook with its defaults, built once by ``build_report`` for all the
    workers) already ran it with exactly those parameters, so its run there is the one a test gets."""

    def __init__(self, folder):
        self.folder = folder
        self._spare = None  # (kernel manager, the environment it started with)

    def _kernel(self):
        from analysis.report.runner import _shutdown_kernel, start_kernel

        km, env = self._spare or (None, None)
        if km is not None and env != dict(os.environ):
            _shutdown_kernel(km)
            km = None
        self._spare = None
        km = km or start_kernel()
        self._spare = (start_kernel(), dict(os.environ))  # boots while this notebook runs
        return km

    def close(self) -> None:
        from analysis.report.runner import _shutdown_kernel

        if self._spare is not None:
            _shutdown_kernel(self._spare[0])
            self._spare = None

    def default_report(self):
        """The folder of the report of every notebook with its default parameters, built with ``build_report``
        by the first worker that asks (the others wait for it: a lock), once for the session; a copy is
        the caller's to change. The record beside it holds the environment it was built in."""
        import fcntl
        import json

        from analysis.report.build import build_report

        folder = self.folder / "default-report"
        record = self.folder / "default-report.json"
        with open(self.folder / "default-report.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not record.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a failed build is built again
                result = build_report(reports_dir=folder, progress=False)
                assert result.ok, "the default report did not build: " + "; ".join(r.summary() for r in result.failed)
                record.write_text(json.dumps({"env": run_env()}))
        return folder, json.loads(record.read_text())["env"]

    def _from_default_report(self, notebook, out):
        """Copy ``notebook``'s run with default parameters from the default report to ``out`` (its executed
        notebook, page, results folder and figures, as :func:`run_one` lays them out) and return its
        NotebookRun; ``None`` when the report has no such notebook or was built in another environment."""
        import json

        from analysis import paths
        from analysis.report.runner import NotebookRun

        if Path(notebook).resolve().parent != paths.NOTEBOOKS.resolve():
            return None
        folder, env = self.default_report()
        if env != run_env():
            return None
        runs = {r["notebook"]: r for r in json.loads((folder / "run.json").read_text())["notebooks"]}
        stem = Path(notebook).stem
        if stem not in runs:
            return None
        out.mkdir(parents=True, exist_ok=True)
        for name in (f"{stem}.ipynb", f"{stem}.html"):
            shutil.copy2(folder / name, out / name)
        for sub in (Path(stem), Path("figures") / stem):
            if (folder / sub).is_dir():
                shutil.copytree(folder / sub, out / sub, dirs_exist_ok=True)
        return NotebookRun(**runs[stem])

    def run(self, notebook, out, timeout_s: float = 300, **params):
        """Run ``notebook`` with ``params`` (``output_dir`` is the run's folder), or reuse the run that had them
        (without ``params``: the default report's run); copy its folder (executed notebook, page, figures,
        results.json) to ``out``; return its NotebookRun."""
        import dataclasses
        import fcntl
        import hashlib
        import json

        from analysis.report.runner import NotebookRun, run_one

        if not params:
            served = self._from_default_report(notebook, out)
            if served is not None:
                return served
        key = json.dumps([str(notebook), params, run_env()], sort_keys=True, default=str)
        folder = self.folder / f"{notebook.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        record = folder.with_name(folder.name + ".run.json")
        with open(folder.with_name(folder.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if record.exists():
                result = NotebookRun(**json.loads(record.read_text()))
            else:
                shutil.rmtree(folder, ignore_errors=True)  # a failed run is run again: its test may now pass
                result = run_one(notebook, folder, {"output_dir": str(folder), **params}, timeout_s,
                                 km=self._kernel())
                if result.status == "ok":
                    record.write_text(json.dumps(dataclasses.asdict(result)))
        shutil.copytree(folder, out, dirs_exist_ok=True)
        return result


@pytest.fixture(scope="session")
def notebook_runs(tmp_path_factory):
    """The session's :class:`NotebookRuns` (one run per notebook and parameters, kernels started ahead), in a
    folder every pytest-xdist worker of the run shares (beside the workers' own base folders)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "notebook-runs"
    folder.mkdir(exist_ok=True)
    runs = NotebookRuns(folder)
    yield runs
    runs.close()


@pytest.fixture
def run_notebook(notebook_runs):
    """Run a notebook through papermill into a folder (or copy the session's run with the same parameters);
    check its figures; return (results.json, page HTML)."""
    import json

    from analysis import paths
    from analysis.report.params import parameter_names
    from analysis.report.rules import RULES, Rule

    def run(nb, out, **params):
        result = notebook_runs.run(nb, out, **params)
        assert result.status == "ok", result.summary()
        results = json.loads((out / nb.stem / "results.json").read_text())
        declared = parameter_names(nb) - {"output_dir"}
        assert set(results["parameters"]) == declared, "results.json must record every declared parameter"
        for name, value in params.items():
            shown = paths.shown(value) if isinstance(value, str) and RULES.get(name, Rule("")).file else value
            assert results["parameters"][name] == shown, (name, value)
        for fig in results["figures"]:
            for ext in ("png", "svg"):
                assert (out / fig[ext]).stat().st_size > 1000, fig
        return results, (out / f"{nb.stem}.html").read_text()

    return run


# --------------------------------------------------------------------------- real price catalogs (issue 10)


@pytest.fixture(scope="session")
def genai_import():
    """The installed genai-prices package as tariff tables (a runtime dependency: always there)."""
    from analysis.data.catalogs import load_catalog

    return load_catalog("genai-prices")


@pytest.fixture(scope="session")
def litellm_json():
    """LiteLLM's JSON from its wheel in ~/.cache/pricepoint/litellm; skipped when it was never fetched."""
    from analysis.data.catalogs.litellm import cached_litellm_json, litellm_cache

    path = cached_litellm_json()
    if path is None:
        pytest.skip(f"LiteLLM's JSON is not in {litellm_cache()}: the suite is offline and never downloads it. "
                    f"Run `make bench` once, or `python -c \"from analysis.data.catalogs.litellm import "
                    f"fetch_litellm_json; fetch_litellm_json()\"` (pip download litellm --no-deps), where the "
                    f"package registry is reachable")
    return path


@pytest.fixture(scope="session")
def litellm_import(litellm_json):
    from analysis.data.catalogs import load_catalog

    return load_catalog("litellm", litellm_json)

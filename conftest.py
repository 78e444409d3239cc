"""Run-wide set-up for the doctests in analysis/ and the tests in tests/: a temporary folder of the suite's own.

Every process the suite starts (the notebooks' kernels too) gets it as ``TMPDIR``, and pricepoint's
cache goes inside it, never into the user's. At the end, :func:`pytest_sessionfinish` fails the run
when anything is left there: a notebook, a report or a command must clean up after itself. Docstring
examples that make scratch folders with ``tempfile.mkdtemp()`` are cleaned after each example.
"""

from __future__ import annotations

import getpass
import os
import shutil
import tempfile

import pytest

#: under pytest-xdist (``make test`` runs two workers), each worker has a folder of its own inside the
#: controller's: a worker's examples clean up after themselves without touching the other's files. Its name
#: is short: Chromium's socket path under it must stay within the 107 characters a Unix socket may have.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
SESSION_TMP = tempfile.mkdtemp(prefix=f"{WORKER}-" if WORKER else "pricepoint-test-tmp-")
os.environ["TMPDIR"] = tempfile.tempdir = SESSION_TMP
os.environ["PRICEPOINT_CACHE"] = os.path.join(SESSION_TMP, "cache")
KEPT_IN_TMP = {"cache", f"pytest-of-{getpass.getuser()}"}


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when anything is left in the suite's temporary folder (pytest's own and the cache aside)."""
    left = sorted(set(os.listdir(SESSION_TMP)) - KEPT_IN_TMP)
    inside = {name: sorted(os.listdir(os.path.join(SESSION_TMP, name)))[:5]
              for name in left if os.path.isdir(os.path.join(SESSION_TMP, name))}
    if WORKER and left:  # kept for the controller, whose own check then fails the run
        shutil.rmtree(os.path.join(SESSION_TMP, "cache"), ignore_errors=True)
    else:
        shutil.rmtree(SESSION_TMP, ignore_errors=True)
    if left:
        print(f"\nFAILED: left in the temporary folder after the tests: {', '.join(left)} {inside}")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _doctest_scratch(request):
    """Remove what a docstring example made in the temporary folder (only examples: what the package
    itself leaves behind still fails the run)."""
    from _pytest.doctest import DoctestItem

    if not isinstance(request.node, DoctestItem):
        yield
        return
    before = set(os.listdir(SESSION_TMP))
    yield
    for name in set(os.listdir(SESSION_TMP)) - before - KEPT_IN_TMP:
        path = os.path.join(SESSION_TMP, name)
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)

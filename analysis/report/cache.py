"""Which pages of the last report can be reused: a key per notebook from everything its page depends on.

A notebook's key is the SHA-256 of its own content, the parameters it gets and the package (every
file of ``analysis/``). A file named by a parameter (``pricing_csv``, or ``catalog`` naming a pricing
CSV or LiteLLM's JSON) enters by its content and its sidecars' (``NAME.meta.yml``,
``NAME.endpoints.csv``, ``NAME.tiers.csv``), not by its name; a catalog named from the registry
(``genai-prices``) by its package's version, so an upgrade reruns the pages that read it. The last
report records each key in ``run.json``; its ``results.json`` records the data files the notebook
read, with their checksums. A notebook whose key is unchanged and whose data files still have those
checksums is not run again: its page, figures and results are copied from the last report. Live
calls are never reused (a new run is a new measurement).

>>> a = notebook_key(paths.NOTEBOOKS / "01-pricing.ipynb", {"monthly_tokens": 1e9})
>>> a == notebook_key(paths.NOTEBOOKS / "01-pricing.ipynb", {"monthly_tokens": 1e9, "output_dir": "/x"})
True
>>> a == notebook_key(paths.NOTEBOOKS / "01-pricing.ipynb", {"monthly_tokens": 2e9})
False
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.data.load import sha256


@functools.lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """One hash of every file of the package (code and templates)."""
    h = hashlib.sha256()
    for f in sorted(paths.PACKAGE.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".j2", ".csv", ".yml", ".yaml", ".json"):
            h.update(str(f.relative_to(paths.PACKAGE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def catalog_version(name: str) -> str:
    """The version of a catalog named from the registry: its package's (``genai-prices``), else ``shipped``
    (the article's catalog is ``data/pricing.csv``, whose checksum each page records and the cache checks).

    >>> from importlib.metadata import version
    >>> catalog_version("genai-prices") == version("genai-prices"), catalog_version("article")
    (True, 'shipped')
    """
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "shipped"


def _value_for_key(name: str, value: Any) -> Any:
    """A parameter as it enters the key: a file by its content and its sidecars', a catalog name by its
    version, other values as they are.

    >>> _value_for_key("catalog", "article"), _value_for_key("monthly_tokens", 1e9)
    ({'catalog': 'article', 'version': 'shipped'}, 1000000000.0)
    >>> sorted(_value_for_key("pricing_csv", str(paths.data_file("pricing.csv"))))
    ['file-sha256', 'meta-sha256']
    """
    from analysis.data.catalogs.pricing import sidecars
    from analysis.report.rules import RULES

    rule = RULES.get(name)
    if rule is None:
        return value
    if rule.file and value in rule.choices:
        return {"catalog": value, "version": catalog_version(value)}
    if rule.names_file(value) and Path(value).is_file():
        side = {f"{kind}-sha256": sha256(p) for kind, p in sidecars(Path(value)).items() if p.is_file()}
        return {"file-sha256": sha256(value), **side}
    return value


def is_live(parameters: dict[str, Any]) -> bool:
    """Whether a run would call the real gateway (its measurements are new every time).

    >>> is_live({"mode": "emulated"}), is_live({"mode": "live"}), is_live({"seed": 1})
    (False, True, False)
    """
    mode = parameters.get("mode")
    if mode == "live":
        return True
    if mode == "auto":
        from analysis.calls.gateway import api_key

        return bool(api_key())
    return False


def notebook_key(notebook: Path, parameters: dict[str, Any]) -> str:
    """The key of one notebook's page: its content, its parameters, the package."""
    params = {k: _value_for_key(k, v) for k, v in sorted(parameters.items()) if k != "output_dir"}
    payload = json.dumps({"notebook": sha256(notebook), "parameters": params, "package": package_fingerprint()},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _data_unchanged(results: dict[str, Any]) -> bool:
    """Whether every project file the last run read still has the checksum it had then."""
    for info in (results.get("data") or {}).values():
        shown = info.get("file", "")
        path = paths.ROOT / shown
        if shown and not Path(shown).is_absolute() and path.is_file() and sha256(path) != info.get("sha256"):
            return False
    return True


def reusable(previous: Path, stem: str, key: str) -> dict[str, Any] | None:
    """The last report's record of ``stem`` when its page can be reused for ``key``, else ``None``.

    ``previous`` is the last published report folder (never a failed one).
    """
    try:
        record = json.loads((previous / "run.json").read_text())
        entry = next(n for n in record["notebooks"] if n["notebook"] == stem)
        results = json.loads((previous / stem / "results.json").read_text())
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    if entry.get("status") != "ok" or entry.get("cache_key") != key or not _data_unchanged(results):
        return None
    if not all((previous / name).exists() for name in (f"{stem}.html", f"{stem}.ipynb")):
        return None
    return entry


def copy_outputs(previous: Path, staging: Path, stem: str) -> None:
    """Copy one notebook's page, executed notebook, results and figures from the last report."""
    for name in (f"{stem}.html", f"{stem}.ipynb"):
        shutil.copy2(previous / name, staging / name)
    for folder in (previous / stem, previous / "figures" / stem):
        if folder.is_dir():
            target = staging / folder.relative_to(previous)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(folder, target, dirs_exist_ok=True)

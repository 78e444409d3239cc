"""The rules the package's tree keeps (README, "Where things live"), read from the source itself.

Layers, lowest first: ``paths`` and ``formatting`` (leaves), ``data``, ``prices``, ``value``,
``traffic``, ``calls``, ``figures``, ``pages``, ``report``, ``cli``. A module imports only from its
own layer or lower ones (function-local imports count too; imports under ``TYPE_CHECKING`` do not),
no two modules import each other (directly or round a loop), and no module is much over 500 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import paths

LAYERS = ("paths", "formatting", "data", "prices", "value", "traffic", "calls", "figures", "pages", "report", "cli")
#: Leaves share the lowest rank: neither imports the other.
RANK = {name: max(0, i - 1) for i, name in enumerate(LAYERS)}
MAX_LINES = 520


def module_name(path: Path) -> str:
    parts = path.relative_to(paths.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    """``analysis.traffic.policies`` -> ``traffic``."""
    return module.split(".")[1] if "." in module else "analysis"


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def imports(path: Path) -> set[str]:
    """The ``analysis`` modules one file imports, anywhere in the file except ``TYPE_CHECKING`` blocks."""
    tree = ast.parse(path.read_text())
    skip = _type_checking_blocks(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "analysis":
            for alias in node.names:  # `from analysis.data import load` names a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
                if sub in MODULES and node.module != module_name(path) and MODULES[node.module].stat().st_size > 200:
                    found.add(node.module)  # ...and goes through a package whose __init__ has code of its own
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "analysis")
    return found - {"analysis"}


FILES = sorted(paths.PACKAGE.rglob("*.py"))
MODULES = {module_name(f): f for f in FILES}
GRAPH = {m: imports(f) for m, f in MODULES.items()}


def test_every_module_lives_in_a_known_layer():
    unknown = sorted(m for m in MODULES if layer(m) not in RANK and m not in ("analysis",))
    assert not unknown, f"modules outside the layers {LAYERS}: {unknown}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_nothing_above_its_layer(module):
    if module == "analysis":
        return
    upward = sorted(d for d in GRAPH[module] if RANK.get(layer(d), 99) > RANK[layer(module)])
    assert not upward, f"{module} ({layer(module)}) imports from a layer above it: {upward}"


def test_figures_and_pages_are_never_imported_by_the_layers_below():
    below = {"paths", "formatting", "data", "prices", "value", "traffic", "calls"}
    bad = sorted((m, d) for m, deps in GRAPH.items() if layer(m) in below
                 for d in deps if layer(d) in {"figures", "pages"})
    assert not bad


def test_no_import_cycles():
    """Depth-first search for a loop in the import graph of the package's modules."""
    state: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(GRAPH.get(m, ())):
            if d not in GRAPH:
                continue
            if state.get(d) == 1:
                loops.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)
    assert not loops, "import cycles: " + "; ".join(" -> ".join(loop) for loop in loops)


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_no_module_is_much_over_500_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines: split it by the question each part answers"


def test_the_checker_sees_a_violation():
    """The rules above can fail: a lower layer importing a page is caught."""
    fake = {"analysis.data.load": {"analysis.pages.pricing"}}
    upward = [d for d in fake["analysis.data.load"] if RANK[layer(d)] > RANK["data"]]
    assert upward == ["analysis.pages.pricing"]


def test_tests_mirror_the_package():
    """Every subpackage has its test folder, and every notebook its notebook test."""
    tests = paths.ROOT / "tests"
    missing = [name for name in LAYERS[2:-1] if not (tests / name).is_dir()]
    assert not missing, f"no tests/<subpackage>/ for {missing}"
    for nb in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        expected = tests / "notebooks" / f"test_{nb.stem.replace('-', '_')}.py"
        assert expected.exists(), f"no notebook test {expected.relative_to(paths.ROOT)} for {nb.name}"

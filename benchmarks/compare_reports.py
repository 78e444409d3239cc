"""Compare two built reports: the same numbers and the same figures, timestamps and paths aside.

Used to prove that a change which should not change behaviour (a restructure) did not::

    pricepoint report --out /tmp/before            # on the old commit
    pricepoint report --out /tmp/after             # on the new one
    python benchmarks/compare_reports.py /tmp/before /tmp/after

It compares every ``results.json`` value by value (floats to 1e-12 relative), and every figure's PNG
pixel by pixel. What differs between two runs of the same code is left out and said so:
``generated_at``, absolute paths, and notebook 05's measured timings (the emulator runs in real time,
so its latency percentiles and the figures drawn from them change from run to run; its counts,
classes, routes and costs are compared). ``--allow PATH`` lists a results path that is expected to
change (a deliberate fix), printed apart. Exit status 0 when nothing else differs.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
from matplotlib.image import imread

#: results.json paths that hold 05's measured timings (regular expressions on the joined path).
MEASURED = [
    r"^05-live-calls/results/percentiles/.*/(ttft_s|e2e_s|tpot_s|tok_per_s)/",
    r"^05-live-calls/results/published_vs_run\[\d+\]/(median_tok_per_s|p99_ttft_s)$",
    r"^05-live-calls/headlines\[\d+\]/text$",  # the timing headlines; compared below with numbers masked
]
#: figures drawn from 05's measured timings.
MEASURED_FIGURES = {"05-live-calls/ttft", "05-live-calls/tok-per-s", "05-live-calls/cost-per-request"}
IGNORED_KEYS = {"generated_at"}
_NUMBER = re.compile(r"\d+(\.\d+)?")


def _is_path(value) -> bool:
    return isinstance(value, str) and (value.startswith("/") or value.startswith("data/"))


def diff(a, b, path: str, out: list[str]) -> None:
    """Append to ``out`` every place where ``a`` and ``b`` differ.

    >>> out = []; diff({"x": [1.0, "a"]}, {"x": [1.0, "b"]}, "nb", out); out
    ["nb/x[1]: 'a' != 'b'"]
    """
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in IGNORED_KEYS:
                continue
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'after' if k in b else 'before'}")
                continue
            diff(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)} items")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif isinstance(a, float) and isinstance(b, (int, float)) or isinstance(b, float) and isinstance(a, int):
        if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15):
            out.append(f"{path}: {a!r} != {b!r}")
    elif _is_path(a) and _is_path(b):  # absolute before, relative to the project after: the same file
        if Path(a).name != Path(b).name:
            out.append(f"{path}: {a!r} != {b!r}")
    elif a != b:
        out.append(f"{path}: {a!r:.80} != {b!r:.80}")


def _measured(path: str) -> bool:
    return any(re.search(p, path) for p in MEASURED)


def compare(before: Path, after: Path, allowed: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(differences, expected differences, what was left out) between two report folders."""
    problems, expected, skipped = [], [], []
    names = sorted(p.parent.name for p in before.glob("*/results.json"))
    for name in names:
        a_file, b_file = before / name / "results.json", after / name / "results.json"
        if not b_file.exists():
            problems.append(f"{name}: no results.json after")
            continue
        a, b = json.loads(a_file.read_text()), json.loads(b_file.read_text())
        found: list[str] = []
        diff(a, b, name, found)
        for line in found:
            where = line.split(":")[0]
            if _measured(where):
                texts = [_NUMBER.sub("#", str(x)) for x in _at(a, b, where)]
                if texts[0] != texts[1]:
                    problems.append(line + " (with its numbers masked, too)")
                continue
            (expected if any(re.search(p, where) for p in allowed) else problems).append(line)
        skipped.append(f"{name}: results.json compared ({sum(1 for _ in _leaves(a))} values)")
    for png in sorted(before.glob("figures/*/*.png")):
        key = f"{png.parent.name}/{png.stem}"
        other = after / png.relative_to(before)
        if not other.exists():
            problems.append(f"figure {key}: missing after")
            continue
        if key in MEASURED_FIGURES:
            skipped.append(f"figure {key}: drawn from measured timings, not compared")
            continue
        x, y = imread(png), imread(other)
        if x.shape != y.shape:
            problems.append(f"figure {key}: {x.shape[1]}x{x.shape[0]} px != {y.shape[1]}x{y.shape[0]} px")
        else:
            changed = int(np.any(x != y, axis=-1).sum())
            if changed:
                problems.append(f"figure {key}: {changed} pixels differ")
    return problems, expected, skipped


def _at(a, b, where: str):
    parts = re.findall(r"/([^/\[]+)|\[(\d+)\]", "/" + where.split("/", 1)[1] if "/" in where else "")
    for doc in (a, b):
        node = doc
        for key, index in parts:
            node = node[int(index)] if index else node[key]
        yield node


def _leaves(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _leaves(v)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v)
    else:
        yield node


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--allow", action="append", default=[], metavar="REGEX",
                        help="a results path expected to change (a deliberate fix); repeatable")
    args = parser.parse_args(argv)
    problems, expected, notes = compare(args.before, args.after, args.allow)
    pngs = len(list(args.before.glob("figures/*/*.png")))
    print(f"compared {args.before} with {args.after}: {pngs} figures")
    for line in notes:
        print("  " + line)
    for line in expected:
        print("  expected change: " + line)
    for line in problems:
        print("  DIFFERS: " + line)
    print(f"{len(problems)} unexpected differences, {len(expected)} expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

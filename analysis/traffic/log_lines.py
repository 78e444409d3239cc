"""Where the example rows of a usage log are in its file: their line numbers, found by reading it once."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path


def locate_lines(path: Path, fmt: str, examples: list[dict], columns: Sequence[str]) -> None:
    """Add ``line`` (1-based, header = line 1) to each example by scanning the file once, stopping early.

    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = log.write_text("model,input_tokens\\nGPT-4o,10\\nGPT-5,-1\\n")
    >>> ex = [{"model": "GPT-5", "input_tokens": "-1"}]
    >>> locate_lines(log, "csv", ex, ["model", "input_tokens"]); ex[0]["line"]
    3
    """
    if not examples or fmt == "parquet":
        return
    import gzip

    def norm(v):
        return "" if v is None else str(v).strip()

    wanted: dict[tuple, list[dict]] = {}
    for ex in examples:
        wanted.setdefault(tuple(norm(ex.get(c)) for c in columns), []).append(ex)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        if fmt == "csv":
            reader = csv.reader(fh)
            header = next(reader, [])
            idx = [header.index(c) if c in header else None for c in columns]
            for record in reader:
                key = tuple(norm(record[i]) if i is not None and i < len(record) else "" for i in idx)
                if key in wanted:
                    for ex in wanted.pop(key):
                        ex["line"] = reader.line_num
                    if not wanted:
                        return
        else:
            for number, text in enumerate(fh, start=1):
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue
                if not isinstance(obj, dict):
                    continue
                key = tuple(norm(obj.get(c)) for c in columns)
                if key in wanted:
                    for ex in wanted.pop(key):
                        ex["line"] = number
                    if not wanted:
                        return

"""The JSONL log of attempts, appended as each completes, so that a run can resume."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from analysis.formatting import redact


class AttemptLog:
    """Appends one JSON line per attempt and flushes it at once; the key never reaches the file."""

    def __init__(self, path: str | Path | None, secrets: Iterable[str | None] = ()):
        self.path = Path(path) if path else None
        self.secrets = [s for s in secrets if s]
        self._fh = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict) -> None:
        if self.path is None:
            return
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")
        line = redact(json.dumps(record, ensure_ascii=False, allow_nan=False), self.secrets)
        self._fh.write(line + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def read_log(path: str | Path | None) -> list[dict]:
    """Every record of a JSONL attempt log (a torn last line, from a killed run, is skipped).

    >>> read_log(None)
    []
    """
    if not path or not Path(path).exists():
        return []
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out

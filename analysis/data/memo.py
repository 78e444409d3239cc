"""Remembering what is computed from a catalog's frames for as long as those frames live.

A catalog is read once per process and then priced many times; what is derived from its frames (the
first-party endpoint of every model, the price table the pricing joins) is worth keeping, but only while
the very same frames exist and have not grown or shrunk.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any


def per_frames(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: ``fn(*frames)`` computed once per set of frame objects, for their lifetime.

    The answer is reused while every argument is the same object with the same number of rows; it is
    forgotten when any of them is garbage-collected. Callers must not change the answer in place (copy it).

    >>> import pandas as pd
    >>> calls = []
    >>> @per_frames
    ... def rows(a):
    ...     calls.append(1)
    ...     return len(a)
    >>> f = pd.DataFrame({"x": [1, 2]})
    >>> rows(f), rows(f), len(calls), rows(pd.DataFrame({"x": [1, 2]})), len(calls)
    (2, 2, 1, 2, 2)
    """
    known: dict[tuple[int, ...], tuple] = {}

    @functools.wraps(fn)
    def remembered(*frames):
        key, sizes = tuple(id(f) for f in frames), tuple(len(f) for f in frames)
        hit = known.get(key)
        if hit and all(ref() is f for ref, f in zip(hit[0], frames, strict=True)) and hit[1] == sizes:
            return hit[2]
        answer = fn(*frames)
        for gone in [k for k, v in known.items() if any(ref() is None for ref in v[0])]:
            del known[gone]
        known[key] = (tuple(weakref.ref(f) for f in frames), sizes, answer)
        return answer

    return remembered

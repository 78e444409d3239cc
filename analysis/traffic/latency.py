"""Latency percentiles of requests, with the sample count and a confidence interval for each.

The statistic shared by the harness's own calls (:mod:`analysis.calls.stats`, notebook 05) and
the user's real traffic (:mod:`analysis.traffic.spend_logs`): a percentile of the known values
(NaN is unknown and left out, never 0) with a 95 % percentile-bootstrap interval. A real log can
hold millions of requests per model, where resampling them thousands of times is out of reach and
the bootstrap interval has converged to the distribution-free one of order statistics:
:func:`latency_percentiles` uses that one above :data:`BOOTSTRAP_MAX_N` values, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

PERCENTILES = (50, 90, 95, 99)

#: Above this many values per model, the interval comes from order statistics, not resampling.
BOOTSTRAP_MAX_N = 5_000


def _unknown(qs: Iterable[float]) -> dict[str, float]:
    """Each percentile and its interval unknown (NaN, never 0): no value to take them from."""
    return {f"p{q:g}{end}": math.nan for q in qs for end in ("", "_ci_low", "_ci_high")}


def bootstrap_percentiles(values, qs: Iterable[float] = PERCENTILES, n_boot: int = 2000,
                          conf: float = 0.95, seed: int = 0) -> dict[str, float]:
    """Percentiles of ``values`` with a percentile-bootstrap confidence interval for each.

    NaN values are unknown and left out; with no values every figure is NaN; ``n`` says how
    many values there were.

    >>> r = bootstrap_percentiles([1.0, 2.0, 3.0, 4.0, float("nan")], qs=(50,))
    >>> r["n"], r["p50"], r["p50_ci_low"] <= 2.5 <= r["p50_ci_high"]
    (4, 2.5, True)
    >>> bootstrap_percentiles([], qs=(99,))["p99"]
    nan
    """
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    qs = tuple(qs)
    out: dict[str, float] = {"n": int(x.size)}
    if x.size == 0:
        return {**out, **_unknown(qs)}
    point = np.percentile(x, qs)
    rng = np.random.default_rng(seed)
    boots = np.percentile(x[rng.integers(0, x.size, size=(n_boot, x.size))], qs, axis=1)
    alpha = (1 - conf) / 2
    lows = np.quantile(boots, alpha, axis=1)
    highs = np.quantile(boots, 1 - alpha, axis=1)
    for q, p, lo, hi in zip(qs, point, lows, highs):
        out.update({f"p{q:g}": float(p), f"p{q:g}_ci_low": float(lo), f"p{q:g}_ci_high": float(hi)})
    return out


def order_statistic_percentiles(values, qs: Iterable[float] = PERCENTILES, conf: float = 0.95) -> dict[str, float]:
    """Percentiles of ``values`` with the distribution-free interval of order statistics for each.

    The interval runs from the ``j``-th to the ``k``-th smallest value, where ``j`` is the
    ``(1 - conf) / 2`` quantile of Binomial(n, q) and ``k`` its ``(1 + conf) / 2`` quantile plus one: it covers the true
    percentile with probability at least ``conf`` whatever the distribution (widened, for a handful
    of values, to hold the interpolated point). Linear time (a
    partition), so it suits millions of values.

    >>> r = order_statistic_percentiles(range(1, 1001), qs=(50,))
    >>> r["n"], r["p50"], r["p50_ci_low"], r["p50_ci_high"]
    (1000, 500.5, 469.0, 532.0)
    """
    from scipy.stats import binom

    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    qs = tuple(qs)
    out: dict[str, float] = {"n": int(x.size)}
    if x.size == 0:
        return {**out, **_unknown(qs)}
    n = x.size
    alpha = (1 - conf) / 2
    ranks = {}
    for q in qs:
        lo = int(binom.ppf(alpha, n, q / 100))  # the lo-th smallest (1-based) is index lo - 1
        hi = int(binom.ppf(1 - alpha, n, q / 100)) + 1
        pos = q / 100 * (n - 1)  # numpy's point lies between these two values: the interval always holds it
        ranks[q] = (min(min(max(lo, 1), n) - 1, math.floor(pos)), max(min(max(hi, 1), n) - 1, math.ceil(pos)))
    point = np.percentile(x, qs)
    kth = sorted({i for pair in ranks.values() for i in pair})
    part = np.partition(x, kth)
    for q, p in zip(qs, point):
        out.update({f"p{q:g}": float(p), f"p{q:g}_ci_low": float(part[ranks[q][0]]),
                    f"p{q:g}_ci_high": float(part[ranks[q][1]])})
    return out


def latency_percentiles(values, qs: Iterable[float] = (50, 90, 99), n_boot: int = 1000, seed: int = 0,
                        max_bootstrap_n: int = BOOTSTRAP_MAX_N) -> dict[str, float | str]:
    """Percentiles with a 95 % interval: bootstrap up to ``max_bootstrap_n`` known values, order statistics above.

    ``ci`` names the method. The point figures are numpy's (linear interpolation) either way.

    >>> r = latency_percentiles([0.2, 0.4, float("nan"), 0.3], qs=(50,))
    >>> r["n"], r["p50"], r["ci"]
    (3, 0.3, 'bootstrap')
    >>> latency_percentiles(np.arange(10_000.0), qs=(99,))["ci"]
    'order statistics'
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size <= max_bootstrap_n:
        return {**bootstrap_percentiles(x, qs, n_boot=n_boot, seed=seed), "ci": "bootstrap"}
    return {**order_statistic_percentiles(x, qs), "ci": "order statistics"}


def percentile_columns(qs: Iterable[float] = (50, 90, 99)) -> list[str]:
    """The columns :func:`latency_percentiles` fills, in order.

    >>> percentile_columns((50,))
    ['n', 'p50', 'p50_ci_low', 'p50_ci_high', 'ci']
    """
    return ["n", *[f"p{q:g}{s}" for q in qs for s in ("", "_ci_low", "_ci_high")], "ci"]


def latency_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Rows of ``model, metric`` plus :func:`latency_percentiles`'s figures as a table (empty: the columns alone).

    >>> latency_frame([]).columns.tolist()[:4]
    ['model', 'metric', 'n', 'p50']
    """
    rows = list(rows)
    qs = sorted({float(k[1:]) for r in rows for k in r if k.startswith("p") and k[1:].replace(".", "").isdigit()})
    cols = ["model", "metric", *percentile_columns(qs or (50, 90, 99))]
    return pd.DataFrame(rows, columns=cols)

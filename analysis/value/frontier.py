"""Pareto frontiers of score against price, and how robust they are to noisy scores.

Lower price is better, higher score is better. :func:`pareto_frontier` marks each row as on
the frontier or dominated, names the cheapest row that scores at least as high, and says how
many times more the dominated row costs ("overpay"). It sorts by price and takes a cumulative
maximum, so a million rows take about as long as sorting their prices.

>>> import pandas as pd
>>> models = pd.DataFrame({"model": ["cheap", "mid", "dear", "worse"],
...                        "usd_per_mtok": [0.25, 2.0, 10.0, 3.0],
...                        "score": [85.0, 88.0, 90.0, 87.0]})
>>> f = pareto_frontier(models)
>>> f[["model", "on_frontier", "dominated_by", "overpay"]].to_dict("records")[-1]
{'model': 'worse', 'on_frontier': False, 'dominated_by': 'mid', 'overpay': 1.5}

A published score is one measurement. :func:`frontier_probability` adds seeded normal noise
to the scores and counts how often each row lands on the frontier:

>>> frontier_probability(models, sigma=0.0)["frontier_probability"].tolist()
[1.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.data.tables import ParameterError

#: Frontier probabilities at or above this are "robustly on the frontier"; at or below
#: ``1 - ROBUST`` "robustly dominated"; anything between "depends on the noise".
ROBUST = 0.95


def _float_array(frame: pd.DataFrame, col: str) -> np.ndarray:
    series = frame[col]
    if series.dtype == np.float64:
        return series.to_numpy()  # no copy: the values are only read
    try:
        return pd.to_numeric(frame[col], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {col!r} must hold numbers (NaN for unknown): {exc}") from None


def _check_columns(frame: pd.DataFrame, *cols: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise KeyError(f"no column {', '.join(map(repr, missing))} in the table; it has: "
                       f"{', '.join(map(str, frame.columns))}. Pass price_col=, score_col= or name_col=.")


def _excluded_reasons(frame: pd.DataFrame, price: np.ndarray, score: np.ndarray,
                      price_col: str, score_col: str) -> np.ndarray:
    """Why each row is left out (``None`` for kept rows); an existing ``excluded_reason`` wins."""
    p_nan, s_nan = np.isnan(price), np.isnan(score)
    reason = np.select([p_nan & s_nan, p_nan, s_nan],
                       [f"{price_col} and {score_col} unknown", f"{price_col} unknown", f"{score_col} unknown"],
                       default="")
    reason = reason.astype(object)
    reason[reason == ""] = None
    if "excluded_reason" in frame.columns:
        given = frame["excluded_reason"].to_numpy(dtype=object)
        has = pd.notna(given)
        reason[has] = given[has]
    return reason


def _frontier_core(price: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """On-frontier mask and the frontier points (prices, scores) plus each row's dominating point.

    ``price`` and ``score`` are finite. The frontier's distinct points have strictly rising
    prices and scores; ``point[i]`` is the first point scoring at least ``score[i]``, which is
    row ``i`` itself (its point) when it is on the frontier.

    >>> on, fp, fs, point = _frontier_core(np.array([1.0, 1.0, 2.0, 3.0]), np.array([5.0, 4.0, 6.0, 5.5]))
    >>> on.tolist(), fp.tolist(), fs.tolist(), point.tolist()
    ([True, False, True, False], [1.0, 2.0], [5.0, 6.0], [0, 0, 1, 1])
    """
    n = len(price)
    if n == 0:
        empty = np.empty(0)
        return np.zeros(0, bool), empty, empty, np.zeros(0, np.intp)
    order = np.argsort(price)  # ties in price are resolved below, so the sort need not be stable
    p = price[order]
    s = score[order]
    new = np.empty(n, bool)
    new[0] = True
    np.not_equal(p[1:], p[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    group_max = np.maximum.reduceat(s, starts)  # best score at each distinct price
    before = np.empty_like(group_max)  # best score at any strictly lower price
    before[0] = -np.inf
    np.maximum.accumulate(group_max[:-1], out=before[1:])
    group = np.cumsum(new) - 1
    on_sorted = (s == group_max[group]) & (s > before[group])
    frontier_group = group_max > before
    fp = p[starts[frontier_group]]
    fs = group_max[frontier_group]
    on = np.empty(n, bool)
    on[order] = on_sorted
    point = np.searchsorted(fs, score, side="left")
    return on, fp, fs, point


def pareto_frontier(frame: pd.DataFrame, price_col: str = "usd_per_mtok", score_col: str = "score",
                    name_col: str = "model") -> pd.DataFrame:
    """The rows of ``frame`` with ``on_frontier``, ``dominated_by``, ``overpay`` and ``excluded_reason``.

    A row is *dominated* when another row costs no more and scores at least as much, and is
    strictly better on one of the two; the *frontier* is every row that is not dominated.

    >>> t = pd.DataFrame({"model": ["a", "b", "c"], "usd_per_mtok": [1.0, 4.0, float("nan")],
    ...                   "score": [90.0, 80.0, 95.0]})
    >>> pareto_frontier(t)[["on_frontier", "dominated_by", "overpay", "excluded_reason"]].values.tolist()
    [[True, None, nan, None], [False, 'a', 4.0, None], [False, None, nan, 'usd_per_mtok unknown']]

    Columns added (the input's rows, index and columns are kept, in the input's order):

    - ``on_frontier`` (bool): not dominated by any kept row.
    - ``dominated_by`` (str or ``None``): for a dominated row, the *cheapest* row scoring at
      least as high; ``None`` on the frontier and for excluded rows.
    - ``overpay`` (float): the row's price divided by its dominator's price (1.0 when they
      cost the same and the dominator scores higher; ``inf`` when a free row dominates a
      priced one); ``NaN`` on the frontier and for excluded rows.
    - ``excluded_reason`` (str or ``None``): why a row takes no part (unknown price, unknown
      score, or a reason the input already gave in its own ``excluded_reason`` column, which
      is kept). Excluded rows are never on the frontier and never dominate anything: an
      unknown score is not treated as 0 or as anything else.

    Ties, decided by value alone, so that the result never depends on row order:

    - Rows with the same price and the same score (duplicates, under the same or different
      names) do not dominate each other: they are all on the frontier or all dominated.
    - Same price, lower score: dominated by the higher score (``overpay`` 1.0).
    - Same score, higher price: dominated by the cheaper row.
    - ``dominated_by`` names the cheapest row scoring at least as high; among rows at that
      price, the highest-scoring one; among exact duplicates of it, the name that sorts
      first. That row is always on the frontier.

    Edge cases: an empty table, one row (on the frontier), and a table whose prices are all
    unknown (every row excluded, none on the frontier) all return normally. Negative or
    infinite prices and infinite scores raise ``ValueError`` naming the rows.

    Speed: O(n log n), a sort of the prices and a cumulative maximum; a million rows take
    two to three times as long as ``numpy.sort`` of their prices (``benchmarks/bench_frontier.py``).
    A sampled first frontier leaves only the rows near the true one to sort (see ``_dominance``).
    """
    _check_columns(frame, price_col, score_col, name_col)
    price = _float_array(frame, price_col)
    score = _float_array(frame, score_col)
    n = len(frame)
    keep = None  # positions of the rows that take part; None: all of them
    p, s = price, score
    extremes = (p.min(), p.max(), s.min(), s.max()) if n else (0.0,) * 4
    if np.isnan(sum(extremes)) or "excluded_reason" in frame.columns:  # some values are unknown
        unknown = np.isnan(price)
        unknown |= np.isnan(score)
        if "excluded_reason" in frame.columns:
            unknown |= pd.notna(frame["excluded_reason"].to_numpy(dtype=object))
        if unknown.any():
            keep = np.flatnonzero(~unknown)
            p, s = price[keep], score[keep]
            extremes = (p.min(), p.max(), s.min(), s.max()) if len(keep) else (0.0,) * 4
    if extremes[0] < 0 or not np.isfinite(sum(extremes)):
        bad = (price < 0) | np.isinf(price) | np.isinf(score)
        rows = frame.loc[bad, [name_col, price_col, score_col]].head(10).to_dict("records")
        raise ValueError(f"{int(bad.sum())} row(s) with a negative or infinite {price_col} or an infinite "
                         f"{score_col} (expected a price >= 0 and a finite score, or NaN for unknown): {rows}")
    reason = np.empty(n, dtype=object)  # numpy fills object arrays with None
    if keep is not None:
        out_idx = np.flatnonzero(unknown)
        reason[out_idx] = _excluded_reasons(frame.iloc[out_idx], price[out_idx], score[out_idx],
                                            price_col, score_col)
    if len(p):
        name_values = frame[name_col]

        def names_of(rows: np.ndarray) -> np.ndarray:  # only frontier rows need their names
            return name_values.iloc[rows if keep is None else keep[rows]].to_numpy(dtype=object)

        on, by, ratio = _dominance(p, s, names_of, float(extremes[2]), float(extremes[3]))
    if keep is not None or not len(p):
        on_frontier, dominated_by, overpay = np.zeros(n, bool), np.empty(n, dtype=object), np.full(n, np.nan)
        if len(p):
            on_frontier[keep], dominated_by[keep], overpay[keep] = on, by, ratio
    else:
        on_frontier, dominated_by, overpay = on, by, ratio

    # object columns keep None (pandas would otherwise infer a string dtype holding NaN)
    new = {"excluded_reason": pd.Series(reason, index=frame.index, dtype=object, copy=False),
           "on_frontier": pd.Series(on_frontier, index=frame.index, copy=False),
           "dominated_by": pd.Series(dominated_by, index=frame.index, dtype=object, copy=False),
           "overpay": pd.Series(overpay, index=frame.index, copy=False)}
    base = frame.drop(columns=[c for c in new if c in frame.columns])
    out = pd.concat([base, pd.DataFrame(new, index=frame.index, copy=False)], axis=1)
    out.attrs = dict(frame.attrs)  # copy-on-write: the caller's frame is never changed
    return out


#: Score buckets of the lookup table that replaces a binary search per row (see _dominance).
_BUCKETS = 4096

#: Rows sampled to find a first, approximate frontier that discards most dominated rows early.
_SAMPLE = 4096


def _buckets(x: np.ndarray, smin: float, scale: float, work: np.ndarray | None = None) -> np.ndarray:
    """Bucket numbers of scores: a non-decreasing function of the score, in 0.._BUCKETS-1.

    The same float operations on every value, so a higher score never gets a lower bucket.
    ``work`` is an optional float buffer of ``x``'s shape to compute in.
    """
    t = np.multiply(x, scale, out=work)
    t -= smin * scale
    b = t.astype(np.intp)  # np.take wants intp indices: other widths are converted on every call
    np.minimum(b, _BUCKETS - 1, out=b)
    return b


def _dominance(price: np.ndarray, score: np.ndarray, names_of, smin: float, smax: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``on_frontier``, ``dominated_by`` and ``overpay`` for rows with known, valid values.

    ``names_of(positions)`` gives the names of some of the rows (only frontier rows are asked);
    ``smin`` and ``smax`` are the lowest and highest score.

    1. A sample of rows gives an approximate frontier; a row it dominates (a sampled point
       in a strictly higher score bucket costs no more) cannot be on the true frontier.
    2. The remaining candidates are sorted by price and swept with a cumulative maximum
       (:func:`_frontier_core`): that is the exact frontier, points rising in price and score.
    3. Every row's dominator is the first frontier point scoring at least as high, found
       through a lookup table on score buckets; rows sharing a bucket with a frontier point
       fall back to a binary search. Buckets are a monotone function of the score, so the
       lookup is exact.

    Worst case (every row on the frontier) it is one argsort: O(n log n). Two n-sized
    buffers are reused throughout (allocating fresh ones costs as much as the arithmetic).
    """
    n = len(price)
    span = smax - smin
    scale = _BUCKETS / span if np.isfinite(span) and span > 0 else 0.0
    if n > 2 * _SAMPLE and scale > 0 and np.isfinite(smin * scale) and np.isfinite(smax * scale):
        buf = np.empty(n)  # float work buffer; ends as the overpay column
        j = _buckets(score, smin, scale, work=buf)  # the score buckets; become the dominator index
        rows = slice(0, n, n // _SAMPLE)
        _, sfp, sfs, _ = _frontier_core(price[rows], score[rows])
        above = np.searchsorted(_buckets(sfs, smin, scale), np.arange(_BUCKETS), side="right")
        threshold = np.append(sfp, np.inf)[above]  # cheapest sampled point in a higher bucket
        np.take(threshold, j, out=buf, mode="clip")
        cand = np.flatnonzero(np.greater(buf, price))
        _, fp, fs, _ = _frontier_core(price[cand], score[cand])
        fb = _buckets(fs, smin, scale)
        code = np.searchsorted(fb, np.arange(_BUCKETS), side="left")
        code[fb] = -1  # buckets holding a frontier point: binary search instead
        np.take(code, j, out=j, mode="clip")
        fix = np.flatnonzero(j < 0)
        if len(fix):
            j[fix] = np.searchsorted(fs, score[fix], side="left")
    else:
        _, fp, fs, _ = _frontier_core(price, score)
        cand = np.arange(n)
        j = np.searchsorted(fs, score, side="left")
        buf = np.empty(n)
    # only candidates can be on the frontier: a row off the candidate list is dominated
    jc = j[cand]
    on_c = (fp[jc] == price[cand]) & (fs[jc] == score[cand])
    on_idx = cand[on_c]
    on = np.zeros(n, bool)
    on[on_idx] = True
    f = len(fs)
    point_names = np.empty(f + 1, dtype=object)  # the name of each frontier point, None for "no dominator"
    on_names = pd.Series([x if isinstance(x, str) else str(x) for x in names_of(on_idx)], dtype=object)
    if len(on_idx) == f:  # one row per point
        point_names[jc[on_c]] = on_names.to_numpy(dtype=object)
    else:  # duplicates on one point: the name that sorts first
        first = on_names.groupby(jc[on_c]).min()
        point_names[first.index.to_numpy()] = first.to_numpy(dtype=object)
    # overpay: price / the dominator's price; a free dominator (only fp[0] can be 0) of a
    # free row is 1.0 (the same price), of a priced row inf
    free_pair = (j == 0) & (price == 0) if fp[0] == 0 else None
    overpay = np.take(fp, j, out=buf, mode="clip")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a free or nearly free dominator: inf
        np.divide(price, overpay, out=overpay)
    if free_pair is not None:
        overpay[free_pair] = 1.0
    overpay[on_idx] = np.nan
    j[on_idx] = f
    dominated_by = np.take(point_names, j, mode="clip")
    return on, dominated_by, overpay


def frontier_steps(table: pd.DataFrame, price_col: str = "usd_per_mtok",
                   score_col: str = "score") -> tuple[np.ndarray, np.ndarray]:
    """The frontier's staircase (x, y) for a step plot: its points by rising price.

    >>> t = pareto_frontier(pd.DataFrame({"model": ["a", "b", "c"], "usd_per_mtok": [1.0, 2.0, 3.0],
    ...                                   "score": [80.0, 90.0, 85.0]}))
    >>> [a.tolist() for a in frontier_steps(t)]
    [[1.0, 2.0], [80.0, 90.0]]
    """
    on = table[table["on_frontier"]].drop_duplicates([price_col, score_col]).sort_values(price_col)
    return on[price_col].to_numpy(dtype=float), on[score_col].to_numpy(dtype=float)


def _dominated_matrix(price: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """For draws (D, n) of scores: whether each row is dominated in each draw, (D, n)."""
    p_le = price[:, None] <= price[None, :]  # [j, i]: j costs no more than i
    p_lt = price[:, None] < price[None, :]
    s_j = draws[:, :, None]
    s_i = draws[:, None, :]
    dom = p_le[None] & (s_j >= s_i) & (p_lt[None] | (s_j > s_i))
    return dom.any(axis=1)


def frontier_probability(frame: pd.DataFrame, sigma: float | str = 1.0, n_draws: int = 2000, seed: int = 0,
                         price_col: str = "usd_per_mtok", score_col: str = "score",
                         name_col: str = "model") -> pd.DataFrame:
    """Each row's probability of being on the frontier when its score is uncertain.

    Each draw adds independent normal noise with standard deviation ``sigma`` (benchmark
    points; a number for every row, or the name of a column holding one per row) to every
    score, and recomputes the frontier; prices are taken as exact. Seeded: the same inputs
    give the same probabilities. Rows excluded by :func:`pareto_frontier` get ``NaN``.

    >>> t = pd.DataFrame({"model": ["a", "b"], "usd_per_mtok": [1.0, 2.0], "score": [90.0, 90.5]})
    >>> p = frontier_probability(t, sigma=1.0, n_draws=4000, seed=1)
    >>> p.frontier_probability.iloc[0], bool(0.55 < p.frontier_probability.iloc[1] < 0.70)
    (np.float64(1.0), True)

    The result is :func:`pareto_frontier`'s table plus ``frontier_probability`` and
    ``robustness``: "on the frontier (robust)" at or above :data:`ROBUST`, "dominated
    (robust)" at or below ``1 - ROBUST``, "depends on the noise" between. With ``sigma=0``
    the probabilities are exactly 1 on the frontier and 0 off it.
    """
    if n_draws < 1:
        raise ParameterError(f"n_draws must be at least 1, got {n_draws!r}")
    base = pareto_frontier(frame, price_col, score_col, name_col)
    keep = np.flatnonzero(base["excluded_reason"].isna().to_numpy())
    if isinstance(sigma, str):
        _check_columns(frame, sigma)
        sig = _float_array(frame, sigma)[keep]
        sig = np.where(np.isnan(sig), 0.0, sig)
    else:
        sig = np.full(len(keep), float(sigma))
    if (sig < 0).any() or not np.isfinite(sig).all():
        raise ParameterError(f"score sigma must be a finite number >= 0 (benchmark points), got {sigma!r}")
    prob = np.full(len(frame), np.nan)
    if len(keep):
        price = _float_array(frame, price_col)[keep]
        score = _float_array(frame, score_col)[keep]
        rng = np.random.default_rng(seed)
        n = len(keep)
        hits = np.zeros(n)
        if n <= 300:
            chunk = max(1, int(2e7 // (n * n)))
            done = 0
            while done < n_draws:
                d = min(chunk, n_draws - done)
                draws = score + rng.standard_normal((d, n)) * sig
                hits += (~_dominated_matrix(price, draws)).sum(axis=0)
                done += d
        else:
            for _ in range(n_draws):
                hits += _frontier_core(price, score + rng.standard_normal(n) * sig)[0]
        prob[keep] = hits / n_draws
    out = base
    out["frontier_probability"] = prob
    out["robustness"] = pd.Series([robustness_label(x) for x in prob], index=frame.index, dtype=object)
    out.attrs.update(sigma=sigma, n_draws=n_draws, seed=seed)
    return out


def robustness_label(probability: float) -> str | None:
    """How to read a frontier probability.

    >>> robustness_label(0.99), robustness_label(0.5), robustness_label(0.01)
    ('on the frontier (robust)', 'depends on the noise', 'dominated (robust)')
    >>> robustness_label(float("nan")) is None
    True
    """
    if probability is None or math.isnan(probability):
        return None
    if probability >= ROBUST:
        return "on the frontier (robust)"
    if probability <= 1 - ROBUST:
        return "dominated (robust)"
    return "depends on the noise"

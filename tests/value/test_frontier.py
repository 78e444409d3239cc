"""The Pareto frontier: properties against a brute-force definition, ties, edge cases, robustness."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.value import frontier as value_frontier
from analysis.value.frontier import frontier_probability, frontier_steps, pareto_frontier

# prices and scores from small pools, so that ties and duplicates are common; NaN for unknown
PRICES = st.one_of(st.sampled_from([0.0, 0.25, 0.28, 1.0, 2.5, 10.0, 15.0, math.nan]),
                   st.floats(0, 1e4, allow_nan=False, allow_infinity=False))
SCORES = st.one_of(st.sampled_from([80.0, 85.5, 88.0, 88.5, 92.0, 93.0, math.nan]),
                   st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))


@st.composite
def tables(draw, min_size=0, max_size=30):
    n = draw(st.integers(min_size, max_size))
    prices = draw(st.lists(PRICES, min_size=n, max_size=n))
    scores = draw(st.lists(SCORES, min_size=n, max_size=n))
    names = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), min_size=n, max_size=n))
    return pd.DataFrame({"model": names, "usd_per_mtok": prices, "score": scores})


def brute_force(t: pd.DataFrame) -> pd.DataFrame:
    """The definition, pair by pair: O(n^2), obviously right."""
    p, s, names = t.usd_per_mtok.to_numpy(), t.score.to_numpy(), t.model.tolist()
    valid = [i for i in range(len(t)) if not (math.isnan(p[i]) or math.isnan(s[i]))]
    rows = []
    for i in range(len(t)):
        if i not in valid:
            rows.append((False, None, math.nan))
            continue
        dominated = any(p[j] <= p[i] and s[j] >= s[i] and (p[j] < p[i] or s[j] > s[i]) for j in valid)
        if not dominated:
            rows.append((True, None, math.nan))
            continue
        at_least = [j for j in valid if s[j] >= s[i]]
        cheapest = min(p[j] for j in at_least)
        best = max(s[j] for j in at_least if p[j] == cheapest)
        name = min(str(names[j]) for j in at_least if p[j] == cheapest and s[j] == best)
        with np.errstate(over="ignore"):
            overpay = 1.0 if p[i] == cheapest else (math.inf if cheapest == 0 else float(np.float64(p[i]) / cheapest))
        rows.append((False, name, overpay))
    return pd.DataFrame({"on_frontier": pd.Series([r[0] for r in rows], index=t.index, dtype=bool),
                         "dominated_by": pd.Series([r[1] for r in rows], index=t.index, dtype=object),
                         "overpay": pd.Series([r[2] for r in rows], index=t.index, dtype=float)})


def assert_matches_brute_force(t: pd.DataFrame) -> None:
    got = pareto_frontier(t)
    want = brute_force(t)
    assert got.on_frontier.tolist() == want.on_frontier.tolist()
    assert got.dominated_by.tolist() == want.dominated_by.tolist()
    np.testing.assert_allclose(got.overpay.to_numpy(), want.overpay.to_numpy(), rtol=1e-12)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_matches_the_definition(t):
    assert_matches_brute_force(t)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(min_size=5, max_size=60), st.sampled_from([1, 2, 3, 7, 16, 4096]))
def test_the_bucketed_path_matches_the_definition(t, buckets):
    """Force the sampled pre-filter and the bucket lookup (normally from 8,193 rows) on small tables."""
    with mock.patch.object(value_frontier, "_SAMPLE", 2), mock.patch.object(value_frontier, "_BUCKETS", buckets):
        assert_matches_brute_force(t)


@settings(max_examples=200, deadline=None)
@given(tables(min_size=1))
def test_no_frontier_row_is_dominated_and_every_dominator_is_on_it(t):
    f = pareto_frontier(t)
    kept = f[f.excluded_reason.isna()]
    on = kept[kept.on_frontier]
    for r in on.itertuples():
        assert not ((kept.usd_per_mtok <= r.usd_per_mtok) & (kept.score >= r.score)
                    & ((kept.usd_per_mtok < r.usd_per_mtok) | (kept.score > r.score))).any()
    for r in kept[~kept.on_frontier].itertuples():
        dom = on[on.model == r.dominated_by]
        assert len(dom), f"{r.model}'s dominator {r.dominated_by} is not on the frontier"
        assert ((dom.usd_per_mtok <= r.usd_per_mtok) & (dom.score >= r.score)).any()
    assert f.excluded_reason.notna().equals(t.usd_per_mtok.isna() | t.score.isna())


@settings(max_examples=150, deadline=None)
@given(tables(min_size=1), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(t, rnd):
    order = list(t.index)
    rnd.shuffle(order)
    a = pareto_frontier(t)
    b = pareto_frontier(t.loc[order]).loc[t.index]
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=100, deadline=None)
@given(tables(min_size=1, max_size=15))
def test_duplicates_share_their_status(t):
    doubled = pd.concat([t, t.assign(model=t.model + "-copy")], ignore_index=True)
    f = pareto_frontier(doubled)
    n = len(t)
    assert f.on_frontier.iloc[:n].tolist() == f.on_frontier.iloc[n:].tolist()
    # a duplicate never dominates its twin: a dominated row points at a row that is strictly better somewhere
    g = pareto_frontier(t)
    assert f.on_frontier.iloc[:n].tolist() == g.on_frontier.tolist()


def test_ties_as_documented():
    t = pd.DataFrame({"model": ["same-b", "same-a", "lower", "dearer", "free", "free-worse"],
                      "usd_per_mtok": [1.0, 1.0, 1.0, 2.0, 0.0, 0.0],
                      "score": [90.0, 90.0, 89.0, 90.0, 80.0, 70.0]})
    f = pareto_frontier(t).set_index("model")
    # exact duplicates do not dominate each other; the dominator named is the first name in sort order
    assert f.loc[["same-a", "same-b", "free"], "on_frontier"].all()
    assert f.loc["lower", ["dominated_by", "overpay"]].tolist() == ["same-a", 1.0]       # same price, lower score
    assert f.loc["dearer", ["dominated_by", "overpay"]].tolist() == ["same-a", 2.0]      # same score, dearer
    assert f.loc["free-worse", ["dominated_by", "overpay"]].tolist() == ["free", 1.0]    # both free
    assert math.isnan(f.loc["same-a", "overpay"]) and f.loc["same-a", "dominated_by"] is None


def test_a_free_dominator_makes_the_overpay_infinite():
    f = pareto_frontier(pd.DataFrame({"model": ["free", "paid"], "usd_per_mtok": [0.0, 1.0],
                                      "score": [90.0, 80.0]}))
    assert f.overpay.tolist()[1] == math.inf


def test_one_model_is_on_its_own_frontier():
    f = pareto_frontier(pd.DataFrame({"model": ["only"], "usd_per_mtok": [3.0], "score": [50.0]}))
    assert f.on_frontier.tolist() == [True] and f.dominated_by.tolist() == [None]


def test_all_unknown_prices_leave_an_empty_frontier_with_reasons():
    t = pd.DataFrame({"model": ["a", "b"], "usd_per_mtok": [math.nan, math.nan], "score": [90.0, math.nan]})
    f = pareto_frontier(t)
    assert not f.on_frontier.any()
    assert f.excluded_reason.tolist() == ["usd_per_mtok unknown", "usd_per_mtok and score unknown"]
    assert f.dominated_by.tolist() == [None, None] and f.overpay.isna().all()


def test_an_empty_table_returns_an_empty_table():
    f = pareto_frontier(pd.DataFrame({"model": [], "usd_per_mtok": [], "score": []}))
    assert len(f) == 0 and {"on_frontier", "dominated_by", "overpay", "excluded_reason"} <= set(f.columns)


def test_a_given_excluded_reason_is_kept_and_the_row_takes_no_part():
    t = pd.DataFrame({"model": ["cheap-but-out", "kept"], "usd_per_mtok": [0.1, 5.0], "score": [99.0, 50.0],
                      "excluded_reason": ["input price unknown", None]})
    f = pareto_frontier(t)
    assert f.excluded_reason.tolist() == ["input price unknown", None]
    assert f.on_frontier.tolist() == [False, True]


def test_input_frame_index_columns_and_attrs_are_kept_and_not_changed():
    t = pd.DataFrame({"model": ["a", "b"], "usd_per_mtok": [1.0, 2.0], "score": [1.0, 0.5], "extra": ["x", "y"]},
                     index=[10, 20])
    t.attrs["basis"] = "output"
    before = t.copy()
    f = pareto_frontier(t)
    pd.testing.assert_frame_equal(t, before)
    assert list(f.index) == [10, 20] and f.extra.tolist() == ["x", "y"] and f.attrs["basis"] == "output"
    assert list(pareto_frontier(f).columns) == list(f.columns)  # running it twice does not duplicate columns


def test_custom_column_names():
    t = pd.DataFrame({"policy": ["p", "q"], "cost": [1.0, 2.0], "quality": [0.9, 0.8]})
    f = pareto_frontier(t, price_col="cost", score_col="quality", name_col="policy")
    assert f.dominated_by.tolist() == [None, "p"]


def test_bad_input_names_the_problem():
    with pytest.raises(KeyError, match="no column 'price'"):
        pareto_frontier(pd.DataFrame({"model": ["a"], "score": [1.0]}), price_col="price")
    with pytest.raises(ValueError, match="negative or infinite"):
        pareto_frontier(pd.DataFrame({"model": ["a"], "usd_per_mtok": [-1.0], "score": [1.0]}))
    with pytest.raises(ValueError, match="negative or infinite"):
        pareto_frontier(pd.DataFrame({"model": ["a"], "usd_per_mtok": [1.0], "score": [math.inf]}))


def test_a_large_table_matches_the_simple_path():
    """10^5 rows through the sampled, bucketed path against the plain sort-and-sweep on the same rows."""
    rng = np.random.default_rng(7)
    n = 100_000
    t = pd.DataFrame({"model": [f"m{i}" for i in range(n)],
                      "usd_per_mtok": rng.lognormal(0, 2, n).round(3),
                      "score": rng.normal(80, 8, n).round(1)})
    t.loc[rng.choice(n, 500, replace=False), "usd_per_mtok"] = np.nan
    fast = pareto_frontier(t)
    with mock.patch.object(value_frontier, "_SAMPLE", n):  # no pre-filter, no buckets
        slow = pareto_frontier(t)
    pd.testing.assert_frame_equal(fast, slow)
    assert 0 < fast.on_frontier.sum() < 100 and fast.excluded_reason.notna().sum() == 500


def test_frontier_steps_are_the_frontier_points_by_rising_price():
    t = pareto_frontier(pd.DataFrame({"model": list("abcd"), "usd_per_mtok": [3.0, 1.0, 2.0, 1.0],
                                      "score": [9.0, 5.0, 7.0, 5.0]}))
    xs, ys = frontier_steps(t)
    assert xs.tolist() == [1.0, 2.0, 3.0] and ys.tolist() == [5.0, 7.0, 9.0]


# --------------------------------------------------------------------------- robustness


@settings(max_examples=60, deadline=None)
@given(tables(min_size=1, max_size=12))
def test_without_noise_the_probability_is_the_frontier(t):
    r = frontier_probability(t, sigma=0.0, n_draws=3)
    f = pareto_frontier(t)
    kept = f.excluded_reason.isna()
    assert r.frontier_probability[kept].tolist() == f.on_frontier[kept].astype(float).tolist()
    assert r.frontier_probability[~kept].isna().all()


def test_probability_matches_the_normal_model():
    # b is dearer and 0.5 point better: on the frontier exactly when its noisy score beats a's
    t = pd.DataFrame({"model": ["a", "b"], "usd_per_mtok": [1.0, 2.0], "score": [90.0, 90.5]})
    p = frontier_probability(t, sigma=1.0, n_draws=40_000, seed=3).frontier_probability.tolist()
    expected = 0.5 * (1 + math.erf(0.5 / 2))  # P(N(0.5, 2) > 0)
    assert p[0] == 1.0 and abs(p[1] - expected) < 0.01


def test_probabilities_are_seeded_and_a_sigma_column_is_used():
    t = pd.DataFrame({"model": list("abc"), "usd_per_mtok": [1.0, 2.0, 3.0], "score": [90.0, 90.5, 91.0],
                      "sd": [0.0, 0.0, 5.0]})
    one = frontier_probability(t, sigma=1.0, n_draws=500, seed=1).frontier_probability
    two = frontier_probability(t, sigma=1.0, n_draws=500, seed=1).frontier_probability
    assert one.tolist() == two.tolist()
    by_col = frontier_probability(t, sigma="sd", n_draws=2000, seed=1).set_index("model").frontier_probability
    assert by_col["a"] == 1.0 and by_col["b"] == 1.0 and 0.3 < by_col["c"] < 0.7


def test_many_rows_use_the_sweep_per_draw_and_agree_without_noise():
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"model": [f"m{i}" for i in range(400)], "usd_per_mtok": rng.uniform(0, 10, 400),
                      "score": rng.uniform(0, 100, 400)})
    r = frontier_probability(t, sigma=0.0, n_draws=2)
    assert r.frontier_probability.tolist() == pareto_frontier(t).on_frontier.astype(float).tolist()


def test_bad_sigma_is_refused():
    t = pd.DataFrame({"model": ["a"], "usd_per_mtok": [1.0], "score": [1.0]})
    with pytest.raises(ValueError, match="sigma"):
        frontier_probability(t, sigma=-1.0)
    with pytest.raises(ValueError, match="n_draws"):
        frontier_probability(t, n_draws=0)

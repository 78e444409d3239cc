"""Latency percentiles with their intervals: bootstrap for a few values, order statistics for many."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from analysis.calls import stats as calls_stats
from analysis.traffic import latency


def test_the_harness_and_real_traffic_share_one_statistic():
    assert calls_stats.bootstrap_percentiles is latency.bootstrap_percentiles


@given(st.lists(st.floats(0.001, 60, allow_nan=False), min_size=1, max_size=300), st.sampled_from([50, 90, 99]))
def test_order_statistic_interval_holds_the_point_and_is_made_of_values(values, q):
    r = latency.order_statistic_percentiles(values, qs=(q,))
    assert r["n"] == len(values) and r[f"p{q}"] == np.percentile(values, q)
    assert r[f"p{q}_ci_low"] in values and r[f"p{q}_ci_high"] in values
    assert r[f"p{q}_ci_low"] <= r[f"p{q}"] <= r[f"p{q}_ci_high"]


def test_order_statistic_interval_covers_the_true_percentile_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    true_p90 = math.exp(1.2815515655446004)  # lognormal(0, 1)
    hits = sum(lo <= true_p90 <= hi for lo, hi in (
        (r["p90_ci_low"], r["p90_ci_high"]) for r in (
            latency.order_statistic_percentiles(rng.lognormal(0, 1, 400), qs=(90,)) for _ in range(400))))
    assert 0.93 <= hits / 400 <= 0.995  # at least 95 % in theory (discrete ranks: a little more)


def test_the_two_intervals_agree_where_both_apply():
    x = np.random.default_rng(5).lognormal(-1, 0.5, 4000)
    boot = latency.latency_percentiles(x, qs=(50, 99), n_boot=400)
    order = latency.latency_percentiles(x, qs=(50, 99), max_bootstrap_n=100)
    assert (boot["ci"], order["ci"]) == ("bootstrap", "order statistics")
    for q in (50, 99):
        assert boot[f"p{q}"] == order[f"p{q}"]
        width = order[f"p{q}_ci_high"] - order[f"p{q}_ci_low"]
        assert abs(boot[f"p{q}_ci_low"] - order[f"p{q}_ci_low"]) < 0.5 * width
        assert abs(boot[f"p{q}_ci_high"] - order[f"p{q}_ci_high"]) < 0.5 * width


def test_unknown_values_are_left_out_never_zero():
    r = latency.latency_percentiles([float("nan")] * 3 + [2.0, 4.0], qs=(50,))
    assert r["n"] == 2 and r["p50"] == 3.0
    empty = latency.latency_percentiles([float("nan")], qs=(50,))
    assert empty["n"] == 0 and math.isnan(empty["p50"]) and math.isnan(empty["p50_ci_low"])
    big_empty = latency.order_statistic_percentiles([], qs=(99,))
    assert big_empty["n"] == 0 and math.isnan(big_empty["p99"])

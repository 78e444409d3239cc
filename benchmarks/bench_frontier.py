"""How long the Pareto frontier of 10^6 random models takes, as a ratio to numpy sorting their prices.

Run: ``.venv/bin/python benchmarks/bench_frontier.py`` (or ``make bench``). It prints ratios
measured in this one run, since machines are noisy and shared: the target is a ratio <= 3 for
:func:`analysis.frontier.pareto_frontier` (DataFrame in, DataFrame out, every row's
``on_frontier``, ``dominated_by`` and ``overpay``) against ``numpy.sort`` of the same prices.

Each timing is the best of ``--repeats`` runs, taken alternately so that a busy moment on the
machine hits both sides alike; results are kept alive until the clock has stopped, so neither
side is charged for freeing memory. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analysis.value.frontier import frontier_probability, pareto_frontier


def random_models(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` random models: log-normal prices (USD per million tokens), scores from 0 to 100."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "model": [f"model-{i}" for i in range(n)],
        "usd_per_mtok": rng.lognormal(mean=0.0, sigma=2.0, size=n),
        "score": rng.uniform(0, 100, size=n).round(2),  # two decimals: many ties, as real scores have
    })


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result  # freed after the clock stopped
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of random models (default 10^6)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each side (default 15)")
    args = parser.parse_args(argv)

    models = random_models(args.n)
    prices = models["usd_per_mtok"].to_numpy()
    pareto_frontier(models), np.sort(prices)  # warm up
    sort_s, frontier_s = [], []
    for _ in range(args.repeats):
        sort_s.append(_timed(lambda: np.sort(prices)))
        frontier_s.append(_timed(lambda: pareto_frontier(models)))
    result = pareto_frontier(models)
    best_ratio = min(frontier_s) / min(sort_s)
    median_ratio = statistics.median(frontier_s) / statistics.median(sort_s)
    print(f"pareto_frontier on {args.n:,} random models: {result.on_frontier.sum()} on the frontier")
    print(f"  numpy.sort of the prices : best {min(sort_s) * 1e3:7.1f} ms, median {statistics.median(sort_s) * 1e3:7.1f} ms")
    print(f"  pareto_frontier          : best {min(frontier_s) * 1e3:7.1f} ms, median {statistics.median(frontier_s) * 1e3:7.1f} ms")
    print(f"  ratio (best / best)      : {best_ratio:.2f}  (target <= 3)")
    print(f"  ratio (median / median)  : {median_ratio:.2f}")

    small = models.head(11)
    start = time.perf_counter()
    frontier_probability(small, sigma=1.0, n_draws=2000, seed=0)
    print(f"frontier_probability, 11 models x 2,000 draws: {(time.perf_counter() - start) * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""analysis.prices.engines and the one pricing expression on every engine: DuckDB and Spark give the same
totals to the cent (and the same set-aside counts by reason) on random logs with every token kind."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from analysis.data.tariff_tables import endpoints_frame, renumber, tiers_frame, validate_tables
from analysis.prices import engines
from analysis.prices.log_costs import NOT_ROUTED, price_log, set_aside, totals
from analysis.prices.tariff_costs import NO_TIMESTAMP, price_rows
from analysis.prices.tariffs import SET_ASIDE_REASONS, cost_usd
from tests.prices.test_tariffs import EP, TIERS

# weekday windows and service tiers on top of test_tariffs' history, time-of-day window and tiers
WEEK = endpoints_frame([
    dict(endpoint_key="w/k", utc_weekday_mask=31, input_usd_per_mtok=3.0, output_usd_per_mtok=9.0,
         cache_read_usd_per_mtok=0.3, cache_write_5m_usd_per_mtok=3.75, cache_write_1h_usd_per_mtok=6.0,
         per_search_usd=0.02, context_window_tokens=400_000),
    dict(endpoint_key="w/k", utc_weekday_mask=96, time_window="weekends", input_usd_per_mtok=1.5,
         output_usd_per_mtok=4.5, cache_read_usd_per_mtok=0.15, cache_write_5m_usd_per_mtok=1.875,
         cache_write_1h_usd_per_mtok=3.0, per_search_usd=0.02, context_window_tokens=400_000),
    dict(endpoint_key="w/k", service_tier="batch", effective_from="2025-01-01", input_usd_per_mtok=1.5,
         output_usd_per_mtok=4.5, reasoning_usd_per_mtok=5.0, cache_read_usd_per_mtok=0.15),
])
WEEK, _ = renumber(WEEK, tiers_frame([]), start=len(EP))
TABLES = {"endpoints": pd.concat([EP, WEEK], ignore_index=True), "tiers": TIERS}
MODELS = {"Model P": "p/m", "Model Q": "q/x", "Model W": "w/k"}


def test_tables_valid():
    assert validate_tables(TABLES) == []


def random_log(n: int, seed: int) -> pd.DataFrame:
    """Every token kind, every rule (history, windows, weekdays, tiers, batch), and every kind of bad row."""
    rng = np.random.default_rng(seed)
    inp = rng.integers(0, 450_000, n)
    read = (inp * rng.uniform(0, 0.6, n)).astype(int)
    write = ((inp - read) * rng.uniform(0, 0.3, n)).astype(int)
    out = rng.integers(0, 60_000, n)
    log = pd.DataFrame({
        "timestamp": pd.Timestamp("2024-10-01") + pd.to_timedelta(rng.integers(0, 2 * 365 * 1440, n), "min"),
        "model": rng.choice([*MODELS, "Unknown model"], n, p=[0.3, 0.25, 0.4, 0.05]),
        "service_tier": rng.choice(["standard", "batch"], n, p=[0.85, 0.15]),
        "task_type": rng.choice(["code", "general", "vision"], n),
        "input_tokens": inp.astype("float64"), "output_tokens": out.astype("float64"),
        "cached_input_tokens": read, "cache_write_tokens": write,
        "cache_write_1h_tokens": (write * rng.uniform(0, 1, n) * (rng.random(n) < 0.3)).astype(int),
        "reasoning_tokens": (out * rng.uniform(0, 1, n) * (rng.random(n) < 0.5)).astype(int),
        "searches": rng.integers(0, 3, n) * (rng.random(n) < 0.1),
    })
    bad = rng.choice(len(log), 40, replace=False)
    log.loc[bad[:8], "input_tokens"] = np.nan  # missing counts
    log.loc[bad[8:14], "output_tokens"] = -5  # negative counts
    log.loc[bad[14:20], "cached_input_tokens"] = log.loc[bad[14:20], "input_tokens"].fillna(0) + 1
    log.loc[bad[20:26], "reasoning_tokens"] = log.loc[bad[20:26], "output_tokens"] + 1
    log.loc[bad[26:32], "input_tokens"] = 550_000  # over the windows of p/m and w/k
    log["timestamp"] = log.timestamp.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    log.loc[bad[32:36], "timestamp"] = "not a time"
    return log


def write_log(log: pd.DataFrame, path) -> None:
    if path.suffix == ".parquet":
        log.assign(timestamp=pd.to_datetime(log.timestamp, errors="coerce", utc=True)).to_parquet(path)
    elif path.suffix == ".csv":
        log.to_csv(path, index=False)
    else:
        log.to_json(path, orient="records", lines=True)


def rows_oracle(log: pd.DataFrame) -> pd.DataFrame:
    """The same log priced row by row by price_rows (itself held to the Decimal reference and genai-prices)."""
    ts = pd.to_datetime(log.timestamp, errors="coerce", utc=True)
    ok = ts.notna()
    usage = log[ok].rename(columns={"cached_input_tokens": "cache_read_tokens"}).assign(
        endpoint_key=log.model.map(MODELS).fillna(log.model), timestamp=ts[ok],
        input_tokens=log.input_tokens[ok].astype("Int64"), output_tokens=log.output_tokens[ok].astype("Int64"))
    priced = price_rows(usage, TABLES)
    return pd.DataFrame({"model": usage.model, "reason": priced.set_aside_reason, "cost_usd": priced.cost_usd,
                         "n": 1}), int((~ok).sum())


def test_duckdb_log_sums_equal_the_row_by_row_prices(tmp_path):
    log = random_log(1500, seed=1)
    write_log(log, path := tmp_path / "log.parquet")
    out = price_log(path, TABLES, endpoints=MODELS)
    oracle, unreadable = rows_oracle(log)
    assert out.rows.sum() == len(log)
    got = totals(out).set_index("model")
    want = oracle[oracle.reason.isna()].groupby("model").cost_usd.sum()
    for model, cost in want.items():
        assert got.loc[model, "cost_usd"] == pytest.approx(cost, abs=1e-9)
    reasons = set_aside(out).to_dict()
    assert reasons.pop(NO_TIMESTAMP) == unreadable == 4
    assert reasons == oracle[oracle.reason.notna()].groupby("reason").n.sum().to_dict()
    assert set(reasons) <= set(SET_ASIDE_REASONS) and len(reasons) >= 7  # every kind of bad row is there


def test_weekday_windows_price_as_the_reference():
    """One equi-join on the weekday replaces the mask arithmetic: Monday to Sunday, each side of midnight."""
    ep = TABLES["endpoints"]
    stamps = [datetime(2026, 11, d, h, 59) for d in range(2, 9) for h in (0, 23)]  # Mon 2 Nov .. Sun 8 Nov
    usage = pd.DataFrame({"endpoint_key": "w/k", "timestamp": stamps, "input_tokens": 200_000,
                          "output_tokens": 1_000, "cache_read_tokens": 50_000, "cache_write_tokens": 1_000})
    got = price_rows(usage, TABLES).cost_usd
    for row, cost in zip(usage.itertuples(), got, strict=True):
        ref = cost_usd(ep[ep.endpoint_key == "w/k"], TIERS, row._asdict(), row.timestamp)
        assert float(ref.cost_usd) == pytest.approx(cost, abs=1e-12)
    assert got.iloc[0] > got.iloc[-1]  # weekdays cost more than weekends here


# --------------------------------------------------------------------------- the same numbers on Spark


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    keys = ["model", "endpoint_key", "day", "set_aside_reason"] + (["policy"] if "policy" in a else [])
    m = a.fillna({"set_aside_reason": ""}).merge(b.fillna({"set_aside_reason": ""}), on=keys, how="outer",
                                                 suffixes=("_duckdb", "_spark"), indicator=True)
    assert (m._merge == "both").all(), m[m._merge != "both"].head()
    assert (m.rows_duckdb == m.rows_spark).all()
    assert np.allclose(m.cost_usd_duckdb, m.cost_usd_spark, rtol=0, atol=1e-9, equal_nan=True)
    assert round(a.cost_usd.sum(), 2) == round(b.cost_usd.sum(), 2)  # to the cent, and far closer per group
    assert set_aside(a).to_dict() == set_aside(b).to_dict()


ROUTES = pd.DataFrame({"policy": ["cheap"] * 3 + ["weekly"] * 3 + ["text only"] * 2,
                       "task_type": ["code", "general", "vision"] * 2 + ["code", "general"],
                       "endpoint_key": ["q/x", "q/x", "p/m", "w/k", "w/k", "w/k", "q/x", "p/m"]})


@pytest.mark.parametrize("suffix, routes", [(".parquet", None), (".csv", ROUTES), (".jsonl", None)],
                         ids=["parquet", "csv-policies", "jsonl"])
def test_duckdb_and_spark_give_the_same_totals_to_the_cent(spark, tmp_path, suffix, routes):
    """Parquet typed, CSV as text (typed by the expression), JSONL inferred; as logged and under policies
    (each row on the endpoint its policy sends its task type to). One Spark job each."""
    log = random_log(1000, seed=len(suffix))
    write_log(log, path := tmp_path / f"log{suffix}")
    kwargs = {"endpoints": MODELS} if routes is None else {"routes": routes}
    duck = price_log(path, TABLES, **kwargs)
    _same(duck, price_log(path, TABLES, engine="spark", **kwargs))
    copies = 1 if routes is None else 3
    assert duck.rows.sum() == copies * len(log) and set_aside(duck).get(NO_TIMESTAMP) == copies * 4
    assert duck.cost_usd.sum() > 0 and len(set_aside(duck)) >= 7  # every kind of bad row is there
    if routes is not None:
        assert duck.groupby("policy").rows.sum().eq(len(log)).all()
        assert set(duck[duck.policy == "weekly"].endpoint_key) == {"w/k"}
        unrouted = duck[duck.endpoint_key == NOT_ROUTED]
        assert set(unrouted.policy) == {"text only"}
        assert unrouted.rows.sum() == (log.task_type == "vision").sum()  # counted, set aside, never dropped
        assert set(unrouted.set_aside_reason) <= set(SET_ASIDE_REASONS) | {NO_TIMESTAMP}


# --------------------------------------------------------------------------- choosing an engine


def test_an_unknown_engine_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="expected one of duckdb, spark"):
        engines.connect("bigquery")


def test_spark_without_java_says_how_to_get_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert "Java" in engines.spark_missing()
    with pytest.raises(engines.EngineUnavailable) as err:
        engines.spark_session("local[1]")
    assert "default-jre-headless" in str(err.value) and "openjdk" in str(err.value)
    assert "pricepoint[spark]" in str(err.value)


def test_spark_without_pyspark_says_how_to_get_it():
    """In a fresh interpreter where pyspark cannot be imported."""
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "import importlib.util as u; real = u.find_spec\n"
            "u.find_spec = lambda n, *a: None if n == 'pyspark' else real(n, *a)\n"
            "from analysis.prices import engines\n"
            "try:\n    engines.connect('spark')\nexcept engines.EngineUnavailable as e:\n    print(e)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "needs PySpark" in done.stdout and "pip install 'pricepoint[spark]'" in done.stdout, done.stderr


def test_log_format_from_the_name(tmp_path):
    assert engines.log_format("s3a://lake/usage/2026/11/part-0.parquet") == "parquet"
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "_SUCCESS").write_text("")
    (tmp_path / "parts" / "part-0.jsonl").write_text("{}\n")
    assert engines.log_format(str(tmp_path / "parts")) == "jsonl"
    with pytest.raises(ValueError, match="expected .parquet, .csv or .jsonl"):
        engines.log_format("usage.xlsx")


def test_a_folder_of_parts_is_one_log(tmp_path):
    """As Spark writes a table: part files and a _SUCCESS marker."""
    log = random_log(300, seed=8)
    parts = tmp_path / "usage"
    parts.mkdir()
    (parts / "_SUCCESS").write_text("")
    write_log(log.iloc[:100], parts / "part-0.parquet")
    write_log(log.iloc[100:], parts / "part-1.parquet")
    write_log(log, whole := tmp_path / "whole.parquet")
    a, b = price_log(parts, TABLES, endpoints=MODELS), price_log(whole, TABLES, endpoints=MODELS)
    assert a.rows.sum() == 300 and a.drop(columns="cost_usd").equals(b.drop(columns="cost_usd"))
    assert np.allclose(a.cost_usd, b.cost_usd, atol=1e-9, equal_nan=True)

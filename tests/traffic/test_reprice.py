"""Usage logs: streaming re-pricing against a pandas reference, bad rows, the generator, the CLI."""

from __future__ import annotations

import csv
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic import logs as traffic_logs
from analysis.traffic import model_totals as traffic_model_totals
from analysis.traffic import policies as traffic_policies
from analysis.traffic import reprice as traffic_reprice
from analysis.traffic import workload as traffic_workload
from analysis.traffic.demo_log import generate_usage_log
from analysis.traffic.logs import UsageLogError, scan_usage_log
from analysis.traffic.reprice import AS_LOGGED, reprice, reprice_log

CAPS = traffic_capabilities.capabilities()
MODELS = list(CAPS.index)


def write_log(frame: pd.DataFrame, path: Path) -> Path:
    fmt = traffic_logs.log_format(path)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "jsonl":
        path.write_text(frame.to_json(orient="records", lines=True))
    else:
        frame.to_parquet(path, index=False)
    return path


# --------------------------------------------------------------------------- the pandas reference


def serves(model: str, task: str, tokens: float) -> bool:
    cap = CAPS.loc[model]
    if pd.isna(cap.input_usd_per_mtok) or pd.isna(cap.output_usd_per_mtok):
        return False
    if task == "vision" and not cap.vision:
        return False
    return not (pd.notna(cap.context_window_tokens) and tokens > cap.context_window_tokens)


def row_cost(model: str, inp: float, out: float) -> float:
    cap = CAPS.loc[model]
    return (inp * cap.input_usd_per_mtok + out * cap.output_usd_per_mtok) / 1e6


def reference(frame: pd.DataFrame, policies: list[traffic_policies.Policy]) -> dict[str, tuple[float, int]]:
    """Row by row, in plain pandas: scenario -> (cost of the rows it serves, rows it does not serve)."""
    rows = frame.assign(task=frame.task_type.fillna("").replace("", "general"))
    out = {}
    logged = [row_cost(m, i, o) for m, i, o in zip(rows.model, rows.input_tokens, rows.output_tokens)]
    priced = ~np.isnan(logged)
    out[AS_LOGGED] = (float(np.nansum(logged)) if priced.any() else math.nan, int((~priced).sum()))
    for model in MODELS:
        ok = [serves(model, t, i + o) for t, i, o in zip(rows.task, rows.input_tokens, rows.output_tokens)]
        cost = sum(row_cost(model, i, o) for k, i, o in zip(ok, rows.input_tokens, rows.output_tokens) if k)
        out[model] = (cost if any(ok) else math.nan, len(ok) - sum(ok))
    for policy in policies:
        cost, missed, any_served = 0.0, 0, False
        for t, i, o in zip(rows.task, rows.input_tokens, rows.output_tokens):
            chosen = next((m for m in policy.routes.get(t, ()) if serves(m, t, i + o)), None)
            if chosen is None:
                missed += 1
            else:
                cost += row_cost(chosen, i, o)
                any_served = True
        out[policy.name] = (cost if any_served else math.nan, missed)
    return out


log_rows = st.fixed_dictionaries({
    "timestamp": st.integers(0, 30 * 86400 - 1).map(
        lambda s: (pd.Timestamp("2026-10-01", tz="UTC") + pd.Timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")),
    "model": st.sampled_from(MODELS),
    "input_tokens": st.one_of(st.integers(0, 5000), st.integers(120_000, 200_000)),
    "output_tokens": st.integers(0, 5000),
    "task_type": st.one_of(st.none(), st.sampled_from(traffic_workload.TASK_TYPES)),
})


@settings(max_examples=40, deadline=None)
@given(st.lists(log_rows, min_size=1, max_size=60), st.sampled_from(["csv", "jsonl", "parquet"]))
def test_repricing_equals_a_pandas_reference_to_the_cent(rows, fmt):
    frame = pd.DataFrame(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_log(frame, Path(tmp) / f"log.{fmt}")
        scan = scan_usage_log(path, MODELS, CAPS.context_window_tokens.dropna().unique())
        policies = traffic_reprice.log_policies(scan, CAPS, budget_usd=50.0)
        report = reprice(scan, CAPS, policies, examples=0)
    assert report.rows_total == report.rows_priced == len(frame) and report.rows_set_aside == 0
    expected = reference(frame, policies)
    got = report.totals.set_index("scenario")
    assert set(got.index) == set(expected)
    for name, (cost, missed) in expected.items():
        assert got.loc[name, "rows_unserved"] == missed, name
        if math.isnan(cost):
            assert math.isnan(got.loc[name, "cost_usd"]), name
        else:
            assert abs(got.loc[name, "cost_usd"] - cost) < 0.005, name  # to the cent
    # the daily breakdown adds up to the totals
    daily = report.daily.groupby("scenario").cost_usd.sum()
    for name, (cost, _) in expected.items():
        assert daily.get(name, 0.0) == pytest.approx(0.0 if math.isnan(cost) else cost, abs=1e-6)


def test_a_large_log_streams_within_a_small_memory_limit(tmp_path):
    path = generate_usage_log(tmp_path / "big.parquet", rows=300_000, seed=5, chunk_rows=100_000)
    scan = scan_usage_log(path, MODELS, [128_000], daily=True, memory_limit="64MB")
    frame = pd.read_parquet(path)
    assert scan.groups.rows.sum() == 300_000
    assert scan.groups.input_tokens.sum() == frame.input_tokens.sum()
    assert scan.groups.output_tokens.sum() == frame.output_tokens.sum()


# --------------------------------------------------------------------------- bad rows


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_each_bad_row_kind_is_counted_with_examples_and_lines(tmp_path, fmt):
    bad = {"unparsable timestamp": 4, "unknown model": 3, "missing or non-numeric tokens": 2, "negative tokens": 5,
           "unknown task_type": 1}
    path = generate_usage_log(tmp_path / f"log.{fmt}", rows=3000, seed=11, bad_rows=bad)
    malformed = 0
    if fmt == "csv":
        with path.open("a") as fh:
            fh.write("2026-10-02T00:00:00Z,GPT-4o,10,5,code,extra field\n2026-10-02T00:00:00Z,GPT-4o\n")
        malformed = 2
    report = reprice_log(path)
    kinds = dict(zip(report.problems.kind, report.problems.rows))
    assert kinds == {**({"malformed line": 2} if malformed else {}), **bad}
    assert report.rows_total == 3000 + malformed
    assert report.rows_set_aside == sum(bad.values()) + malformed
    assert report.rows_priced == 3000 - sum(bad.values())
    text = path.read_text(errors="replace").splitlines() if fmt != "parquet" else None
    frame = pd.read_parquet(path) if fmt == "parquet" else None
    for p in report.problems.itertuples():
        assert 1 <= len(p.examples) <= 3
        for ex in p.examples:
            if p.kind == "malformed line":
                assert text[ex["line"] - 1] == ex["text"]
            elif fmt == "parquet":
                assert str(frame.iloc[ex["row"] - 1].model) == ex["model"]
            else:
                assert ex["model"] in text[ex["line"] - 1] and ex["timestamp"] in text[ex["line"] - 1]
    summary = report.summary()
    assert f"{report.rows_total:,} rows read: {report.rows_priced:,} priced, {report.rows_set_aside:,} set aside." in summary
    assert "set aside: 5 rows with negative tokens (expected token counts >= 0)" in summary


def test_fractional_empty_and_infinite_tokens_are_set_aside(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("timestamp,model,input_tokens,output_tokens,task_type\n"
                    "2026-10-01T00:00:00Z,GPT-4o,1.5,10,code\n"
                    "2026-10-01T00:00:00Z,GPT-4o,,10,code\n"
                    "2026-10-01T00:00:00Z,GPT-4o,inf,10,code\n"
                    "2026-10-01T01:00:00Z,GPT-4o,100,10,\n"
                    "2026-10-02 00:00:00,GPT-4o,100,10,Code\n")
    report = reprice_log(path)
    assert dict(zip(report.problems.kind, report.problems.rows)) == {"missing or non-numeric tokens": 3,
                                                                     "unknown task_type": 1}
    assert report.rows_priced == 1
    assert any("count as general" in n for n in report.notes)
    lines = [ex["line"] for ex in report.problems.set_index("kind").loc["missing or non-numeric tokens", "examples"]]
    assert lines == [2, 3, 4]


def test_a_log_without_task_type_counts_every_row_as_general(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-10-01T00:00:00Z", "2026-10-03T00:00:00Z"], "model": ["GPT-4o"] * 2,
                          "input_tokens": [1000, 3000], "output_tokens": [500, 500]})
    report = reprice_log(write_log(frame, tmp_path / "log.parquet"))
    assert any("no task_type column" in n for n in report.notes)
    assert report.workload.tasks.task_type.tolist() == ["general"]
    assert report.workload.requests_per_month == pytest.approx(2 / (2 / traffic_reprice.DAYS_PER_MONTH))
    t = report.totals.set_index("scenario")
    assert t.loc[AS_LOGGED, "cost_usd"] == pytest.approx((4000 * 2.5 + 1000 * 10) / 1e6)
    assert t.loc["DeepSeek V4 Flash", "rows_unserved"] == 0  # no row is known to need vision


def test_unreadable_logs_say_what_is_wrong(tmp_path):
    with pytest.raises(UsageLogError, match="expected a usage log ending in .csv"):
        scan_usage_log(tmp_path / "log.xlsx", MODELS)
    missing = tmp_path / "log.csv"
    missing.write_text("time,model,tokens\n1,2,3\n")
    with pytest.raises(UsageLogError, match=r"missing columns timestamp, input_tokens, output_tokens; .* found time, "
                                            r"model, tokens"):
        scan_usage_log(missing, MODELS)
    broken = tmp_path / "log.jsonl"
    broken.write_text('{"timestamp": "2026-10-01", "model": "GPT-4o", "input_tokens": 1, "output_tokens": 1}\n{"oops\n')
    scan = scan_usage_log(broken, MODELS)  # one bad line is set aside and counted, not fatal (tests/traffic/test_logs.py)
    assert int(scan.groups.rows.sum()) == 1 and scan.malformed.line.tolist() == [2]


# --------------------------------------------------------------------------- generator and workload


def test_generator_is_seeded_and_follows_the_workload(tmp_path):
    a = generate_usage_log(tmp_path / "a.csv", rows=4000, seed=3)
    b = generate_usage_log(tmp_path / "b.csv", rows=4000, seed=3)
    assert a.read_bytes() == b.read_bytes()
    frame = pd.read_csv(a)
    shares = frame.task_type.value_counts(normalize=True)
    assert shares["code"] == pytest.approx(0.30, abs=0.03) and shares["vision"] == pytest.approx(0.05, abs=0.015)
    assert (frame[frame.task_type == "vision"].model == "GPT-4o").all()
    assert frame.input_tokens.groupby(frame.task_type).mean()["code"] == pytest.approx(2000, rel=0.08)


def test_workload_from_a_log(tmp_path):
    path = generate_usage_log(tmp_path / "log.parquet", rows=5000, seed=2, days=10)
    report = reprice_log(path)
    w = report.workload
    assert w.tasks.share.sum() == pytest.approx(1)
    # 5000 requests over (almost) 10 days
    assert w.requests_per_month == pytest.approx(5000 * traffic_reprice.DAYS_PER_MONTH / 10, rel=0.01)


def test_long_requests_go_to_a_model_whose_window_fits(tmp_path):
    path = generate_usage_log(tmp_path / "log.csv", rows=500, seed=4, long_requests=3)
    t = reprice_log(path).totals.set_index("scenario")
    assert t.loc["GPT-4o", "rows_unserved"] == 3
    assert "exceeds the 128K context window" in t.loc["GPT-4o", "note"]
    assert t.loc[traffic_policies.THRESHOLD_POLICY, "rows_unserved"] == 0  # it falls back to a model with an unknown window


# --------------------------------------------------------------------------- the command


def test_reprice_command(tmp_path, capsys):
    log = generate_usage_log(tmp_path / "log.jsonl", rows=400, seed=9, bad_rows={"negative tokens": 2})
    out = tmp_path / "totals.csv"
    assert main(["reprice", str(log), "--budget", "50", "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "400 rows read: 398 priced, 2 set aside." in text
    assert "set aside: 2 rows with negative tokens" in text and "e.g. line" in text
    assert "article router" in text and traffic_policies.OPTIMISED_POLICY in text
    with out.open() as fh:
        scenarios = [r["scenario"] for r in csv.DictReader(fh)]
    assert scenarios[0] == AS_LOGGED and len(scenarios) == 1 + len(MODELS) + 3


def test_reprice_command_errors(tmp_path, capsys):
    assert main(["reprice", str(tmp_path / "none.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "log.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["reprice", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "missing columns" in err and "rename the columns or pass another file" in err
    assert json.loads(json.dumps({"ok": True}))


# --------------------------------------------------------------------------- every model alone: the fast path

UNKNOWN_MODEL = "GPT-5 (not in the pricing table)"
UNPARSABLE = "yesterday afternoon"
#: A second price table with three context windows (nested cells in the fast path).
CAPS3 = CAPS.copy()
CAPS3.loc["GPT-4o-mini", "context_window_tokens"] = 16_000.0
CAPS3.loc["Claude 3.5 Sonnet", "context_window_tokens"] = 200_000.0
FORMATS_ALL = ["csv", "jsonl", "parquet", "parquet-text"]


def write_any(rows: list[dict], path_stem: Path, fmt: str) -> Path:
    """Write rows as CSV, JSONL, typed Parquet (TIMESTAMP, BIGINT, nulls) or all-text Parquet.

    A None timestamp is an unparsable one (null in typed Parquet, a sentence in text files);
    ``"twelve"`` tokens are null in typed Parquet (both are "missing or non-numeric tokens").
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if fmt == "parquet":
        start = pd.Timestamp("2026-10-01", tz="UTC")
        ints = {c: [v if isinstance(v, int) else None for v in (r[c] for r in rows)]
                for c in ("input_tokens", "output_tokens")}
        table = pa.table({
            "timestamp": pa.array([None if r["timestamp"] is None else start + pd.Timedelta(seconds=r["timestamp"])
                                   for r in rows], pa.timestamp("us", tz="UTC")),
            "model": pa.array([r["model"] for r in rows], pa.string()),
            "input_tokens": pa.array(ints["input_tokens"], pa.int64()),
            "output_tokens": pa.array(ints["output_tokens"], pa.int64()),
            "task_type": pa.array([r["task_type"] for r in rows], pa.string()),
        })
        path = path_stem.with_suffix(".parquet")
        pq.write_table(table, path)
        return path
    text = [{**r, "timestamp": UNPARSABLE if r["timestamp"] is None else
             (pd.Timestamp("2026-10-01", tz="UTC") + pd.Timedelta(seconds=r["timestamp"])).strftime("%Y-%m-%dT%H:%M:%SZ"),
             **{c: None if r[c] is None else str(r[c]) for c in ("input_tokens", "output_tokens")}} for r in rows]
    frame = pd.DataFrame(text, dtype=object)
    return write_log(frame, path_stem.with_suffix(".parquet" if fmt == "parquet-text" else f".{fmt}"))


def reference_models(rows: list[dict], caps: pd.DataFrame) -> tuple[dict, dict, int]:
    """In plain pandas: (model -> (cost, rows not served), bad-row kind -> count, rows priced)."""
    f = pd.DataFrame(rows, dtype=object)
    whole = {c: f[c].map(lambda v: isinstance(v, int)).astype(bool) for c in ("input_tokens", "output_tokens")}
    inp = pd.to_numeric(f.input_tokens.where(whole["input_tokens"]), errors="coerce")
    outp = pd.to_numeric(f.output_tokens.where(whole["output_tokens"]), errors="coerce")
    tok_bad = ~(whole["input_tokens"] & whole["output_tokens"])
    flags = pd.DataFrame({
        "unparsable timestamp": f.timestamp.isna(),
        "missing or non-numeric tokens": tok_bad,
        "negative tokens": ~tok_bad & ((inp < 0) | (outp < 0)),
        "unknown model": ~f.model.isin(MODELS),
        "unknown task_type": ~(f.task_type.isna() | f.task_type.isin(["", *traffic_workload.TASK_TYPES])),
    })
    valid = ~flags.any(axis=1)
    task, inp, outp = f.task_type[valid], inp[valid], outp[valid]
    out = {}
    for model, cap in caps.iterrows():
        ok = pd.Series(pd.notna(cap.input_usd_per_mtok) and pd.notna(cap.output_usd_per_mtok), index=task.index)
        ok &= ~((task == "vision") & (not cap.vision))
        if pd.notna(cap.context_window_tokens):
            ok &= ~(inp + outp > cap.context_window_tokens)
        cost = ((inp[ok] * cap.input_usd_per_mtok + outp[ok] * cap.output_usd_per_mtok) / 1e6).sum()
        out[model] = (float(cost) if ok.any() else (0.0 if not valid.any() else math.nan), int((~ok).sum()))
    kinds = {k: int(n) for k, n in flags.sum().items() if n}
    return out, kinds, int(valid.sum())


def note_parts(note) -> list[str]:
    """The reasons a scenario gives for rows not served, in any order (ties in count have no set order)."""
    return sorted(str(note).removeprefix("not served: ").split("; "))


def assert_same_cost(got: float, expected: float, label: str) -> None:
    if math.isnan(expected):
        assert math.isnan(got), label
    else:
        assert abs(got - expected) < 0.005, (label, got, expected)  # to the cent


tokens_any = st.one_of(st.integers(0, 5000), st.integers(0, 5000), st.integers(120_000, 210_000), st.just(-40),
                       st.none(), st.just("twelve"))
any_rows = st.fixed_dictionaries({
    "timestamp": st.one_of(st.integers(0, 30 * 86400 - 1), st.integers(0, 30 * 86400 - 1), st.none()),
    "model": st.sampled_from([*MODELS, *MODELS[:3], UNKNOWN_MODEL, None]),
    "input_tokens": tokens_any,
    "output_tokens": st.one_of(st.integers(0, 3000), st.integers(0, 3000), st.integers(60_000, 90_000),
                               st.just(-7), st.none(), st.just("twelve")),
    "task_type": st.sampled_from([None, "", *traffic_workload.TASK_TYPES, *traffic_workload.TASK_TYPES, "poetry"]),
})
# the kinds the statistics of a typed Parquet file answer without the grouped scan
clean_numbers = st.fixed_dictionaries({
    "timestamp": st.integers(0, 30 * 86400 - 1),
    "model": st.sampled_from([*MODELS, UNKNOWN_MODEL, None]),
    "input_tokens": st.one_of(st.integers(0, 5000), st.integers(120_000, 210_000)),
    "output_tokens": st.one_of(st.integers(0, 3000), st.integers(60_000, 90_000)),
    "task_type": st.sampled_from([None, "", *traffic_workload.TASK_TYPES, "poetry"]),
})


@settings(max_examples=40, deadline=None)
@given(st.lists(any_rows, min_size=1, max_size=50), st.sampled_from(FORMATS_ALL), st.sampled_from(["shipped", "3 windows"]))
def test_fast_path_equals_grouped_path_and_a_reference_with_every_bad_row_kind(rows, fmt, which):
    caps = CAPS if which == "shipped" else CAPS3
    with tempfile.TemporaryDirectory() as tmp:
        path = write_any(rows, Path(tmp) / "log", fmt)
        fast = traffic_model_totals.reprice_models(path, caps, examples=0)
        scan = scan_usage_log(path, list(caps.index), caps.context_window_tokens.dropna().unique(), daily=False)
        grouped = reprice(scan, caps, (), examples=0)
    expected, kinds, priced = reference_models(rows, caps)
    # every bad-row kind counted, nothing dropped silently
    assert dict(zip(fast.problems.kind, fast.problems.rows)) == kinds == dict(zip(grouped.problems.kind,
                                                                                    grouped.problems.rows))
    assert (fast.rows_total, fast.rows_priced, fast.rows_set_aside) == (len(rows), priced, len(rows) - priced)
    assert (grouped.rows_total, grouped.rows_priced) == (len(rows), priced)
    assert fast.input_tokens == sum(r["input_tokens"] for r in rows if _priced(r))
    g = grouped.totals[grouped.totals.kind == "single"].set_index("scenario")
    f = fast.totals.set_index("scenario")
    assert list(f.index) == list(caps.index) == list(g.index)
    for model, (cost, unserved) in expected.items():
        assert_same_cost(f.loc[model, "cost_usd"], cost, model)
        assert_same_cost(g.loc[model, "cost_usd"], cost, model)
        assert f.loc[model, "rows_unserved"] == g.loc[model, "rows_unserved"] == unserved, model
        assert note_parts(f.loc[model, "note"]) == note_parts(g.loc[model, "note"]), model
    # typed Parquet is answered from its statistics unless a timestamp or token is null or negative
    needs_scan = fmt != "parquet" or any(r["timestamp"] is None or not all(isinstance(r[c], int) and r[c] >= 0
                                                                           for c in ("input_tokens", "output_tokens"))
                                         for r in rows)
    assert fast.method == (traffic_model_totals.GROUPED_SCAN if needs_scan else traffic_model_totals.STATISTICS_PASS)


def _priced(r: dict) -> bool:
    return (r["timestamp"] is not None and all(isinstance(r[c], int) and r[c] >= 0
                                               for c in ("input_tokens", "output_tokens"))
            and r["model"] in MODELS and r["task_type"] in (None, "", *traffic_workload.TASK_TYPES))


@settings(max_examples=30, deadline=None)
@given(st.lists(clean_numbers, min_size=1, max_size=60), st.sampled_from(["shipped", "3 windows"]))
def test_parquet_statistics_pass_prices_unknown_models_tasks_and_long_requests(rows, which):
    caps = CAPS if which == "shipped" else CAPS3
    with tempfile.TemporaryDirectory() as tmp:
        path = write_any(rows, Path(tmp) / "log", "parquet")
        fast = traffic_model_totals.reprice_models(path, caps, examples=0)
        scan = scan_usage_log(path, list(caps.index), caps.context_window_tokens.dropna().unique(), daily=False)
        grouped = reprice(scan, caps, (), examples=0)
    assert fast.method == traffic_model_totals.STATISTICS_PASS
    expected, kinds, priced = reference_models(rows, caps)
    assert dict(zip(fast.problems.kind, fast.problems.rows)) == kinds == dict(zip(grouped.problems.kind,
                                                                                    grouped.problems.rows))
    assert fast.rows_priced == grouped.rows_priced == priced
    assert fast.output_tokens == sum(r["output_tokens"] for r in rows if _priced(r))
    assert (fast.first_ts, fast.last_ts) == (grouped.first_ts, grouped.last_ts)
    f = fast.totals.set_index("scenario")
    g = grouped.totals[grouped.totals.kind == "single"].set_index("scenario")
    for model, (cost, unserved) in expected.items():
        assert_same_cost(f.loc[model, "cost_usd"], cost, model)
        assert_same_cost(g.loc[model, "cost_usd"], cost, model)
        assert f.loc[model, "rows_unserved"] == g.loc[model, "rows_unserved"] == unserved, model
        assert note_parts(f.loc[model, "note"]) == note_parts(g.loc[model, "note"]), model


def test_fast_path_on_a_generated_log_equals_the_grouped_path(tmp_path):
    path = generate_usage_log(tmp_path / "log.parquet", rows=200_000, seed=8, chunk_rows=50_000, long_requests=40,
                              bad_rows={"unknown model": 7, "unknown task_type": 5})
    fast = traffic_model_totals.reprice_models(path)
    report = reprice_log(path, daily=False)
    assert fast.method == traffic_model_totals.STATISTICS_PASS
    assert (fast.rows_total, fast.rows_priced, fast.rows_set_aside) == (200_000, 200_000 - 12, 12)
    assert (report.rows_priced, report.rows_set_aside) == (fast.rows_priced, fast.rows_set_aside)
    f, g = fast.totals.set_index("scenario"), report.totals.set_index("scenario")
    for model in MODELS:
        assert_same_cost(f.loc[model, "cost_usd"], g.loc[model, "cost_usd"], model)
        assert_same_cost(f.loc[model, "monthly_cost_usd"], g.loc[model, "monthly_cost_usd"], model)
        assert f.loc[model, "rows_unserved"] == g.loc[model, "rows_unserved"]
    assert f.loc["GPT-4o", "rows_unserved"] == 40 and "exceeds the 128K context window" in f.loc["GPT-4o", "note"]
    frame = pd.read_parquet(path)
    priced = frame[frame.model.isin(MODELS) & frame.task_type.isin(traffic_workload.TASK_TYPES)]
    assert (fast.input_tokens, fast.output_tokens) == (priced.input_tokens.sum(), priced.output_tokens.sum())
    # the same summary, line for line, as far as the rows go
    assert fast.summary().splitlines()[:5] == report.summary().splitlines()[:5]


def test_fast_path_looks_up_examples_only_for_kinds_that_occur(tmp_path, monkeypatch):
    asked = []
    real = traffic_logs._examples

    def spy(src, kind, known, n):
        asked.append(kind)
        return real(src, kind, known, n)

    monkeypatch.setattr(traffic_reprice, "_examples", spy)
    clean = traffic_model_totals.reprice_models(generate_usage_log(tmp_path / "clean.parquet", rows=3000, seed=4))
    assert clean.problems.empty and clean.rows_set_aside == 0 and asked == []
    path = generate_usage_log(tmp_path / "log.parquet", rows=3000, seed=4, bad_rows={"unknown model": 2,
                                                                                     "unknown task_type": 1})
    fast = traffic_model_totals.reprice_models(path, examples=3)
    assert asked == ["unknown model", "unknown task_type"]
    frame = pd.read_parquet(path)
    problems = fast.problems.set_index("kind")
    assert problems.rows.to_dict() == {"unknown model": 2, "unknown task_type": 1}
    examples = problems.loc["unknown model", "examples"]
    assert [e["model"] for e in examples] == [UNKNOWN_MODEL] * 2
    assert all(str(frame.iloc[e["row"] - 1].model) == UNKNOWN_MODEL for e in examples)
    assert problems.loc["unknown task_type", "examples"][0]["task_type"] == "poetry"
    assert "set aside: 2 rows with unknown model (expected a model listed in the pricing table)" in fast.summary()


def test_typed_parquet_with_null_or_negative_values_takes_the_grouped_scan(tmp_path):
    ok = {"timestamp": 10, "model": "GPT-4o", "input_tokens": 1000, "output_tokens": 500, "task_type": "code"}
    rows = [ok, {**ok, "timestamp": None}, {**ok, "output_tokens": None, "model": UNKNOWN_MODEL},
            {**ok, "input_tokens": -3}, {**ok, "timestamp": 86_400}]
    path = write_any(rows, tmp_path / "log", "parquet")
    fast = traffic_model_totals.reprice_models(path)
    assert fast.method == traffic_model_totals.GROUPED_SCAN
    assert dict(zip(fast.problems.kind, fast.problems.rows)) == {
        "unparsable timestamp": 1, "unknown model": 1, "missing or non-numeric tokens": 1, "negative tokens": 1}
    assert (fast.rows_priced, fast.rows_set_aside) == (2, 3)
    assert fast.totals.set_index("scenario").loc["GPT-4o", "cost_usd"] == pytest.approx(2 * (1000 * 2.5 + 500 * 10) / 1e6)
    examples = fast.problems.set_index("kind").loc["negative tokens", "examples"]
    assert examples == [{"timestamp": examples[0]["timestamp"], "model": "GPT-4o", "input_tokens": "-3",
                         "output_tokens": "500", "task_type": "code", "row": 4}]


def test_fast_path_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        traffic_model_totals.reprice_models(tmp_path / "none.parquet")
    bad = tmp_path / "log.parquet"
    pd.DataFrame({"time": [1], "model": ["GPT-4o"]}).to_parquet(bad)
    with pytest.raises(UsageLogError, match="missing columns timestamp, input_tokens, output_tokens"):
        traffic_model_totals.reprice_models(bad)

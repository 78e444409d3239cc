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

from analysis import routing, usage
from analysis.cli import main
from analysis.usage import AS_LOGGED, UsageLogError, generate_usage_log, reprice, reprice_log, scan_usage_log

CAPS = routing.capabilities()
MODELS = list(CAPS.index)


def write_log(frame: pd.DataFrame, path: Path) -> Path:
    fmt = usage.log_format(path)
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


def reference(frame: pd.DataFrame, policies: list[routing.Policy]) -> dict[str, tuple[float, int]]:
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
    "task_type": st.one_of(st.none(), st.sampled_from(routing.TASK_TYPES)),
})


@settings(max_examples=40, deadline=None)
@given(st.lists(log_rows, min_size=1, max_size=60), st.sampled_from(["csv", "jsonl", "parquet"]))
def test_repricing_equals_a_pandas_reference_to_the_cent(rows, fmt):
    frame = pd.DataFrame(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_log(frame, Path(tmp) / f"log.{fmt}")
        scan = scan_usage_log(path, MODELS, CAPS.context_window_tokens.dropna().unique())
        policies = usage.log_policies(scan, CAPS, budget_usd=50.0)
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
    assert report.workload.requests_per_month == pytest.approx(2 / (2 / usage.DAYS_PER_MONTH))
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
    with pytest.raises(UsageLogError, match="cannot read it as JSONL"):
        scan_usage_log(broken, MODELS)


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
    assert w.requests_per_month == pytest.approx(5000 * usage.DAYS_PER_MONTH / 10, rel=0.01)


def test_long_requests_go_to_a_model_whose_window_fits(tmp_path):
    path = generate_usage_log(tmp_path / "log.csv", rows=500, seed=4, long_requests=3)
    t = reprice_log(path).totals.set_index("scenario")
    assert t.loc["GPT-4o", "rows_unserved"] == 3
    assert "exceeds the 128K context window" in t.loc["GPT-4o", "note"]
    assert t.loc[routing.THRESHOLD_POLICY, "rows_unserved"] == 0  # it falls back to a model with an unknown window


# --------------------------------------------------------------------------- the command


def test_reprice_command(tmp_path, capsys):
    log = generate_usage_log(tmp_path / "log.jsonl", rows=400, seed=9, bad_rows={"negative tokens": 2})
    out = tmp_path / "totals.csv"
    assert main(["reprice", str(log), "--budget", "50", "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "400 rows read: 398 priced, 2 set aside." in text
    assert "set aside: 2 rows with negative tokens" in text and "e.g. line" in text
    assert "article router" in text and routing.OPTIMISED_POLICY in text
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

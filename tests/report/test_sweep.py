"""Parameter sweeps: every combination run through the worker pool, results in one table, failures as rows."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import cli, paths
from analysis.data.tables import ParameterError
from analysis.report.sweep import collect, combinations, flatten, parse_values, plottable, run_sweep

NB01 = paths.NOTEBOOKS / "01-pricing.ipynb"


def test_values_grid_and_flattening():
    assert parse_values("1e9, 2e9") == [1e9, 2e9] and parse_values("GPT-4o,Kimi K2.5") == ["GPT-4o", "Kimi K2.5"]
    assert parse_values("[code:0.5, general:0.5]") == ["code:0.5", "general:0.5"]
    grid = combinations({"a": [1, 2, 3], "b": ["x", "y"]})
    assert len(grid) == 6 and grid[0] == {"a": 1, "b": "x"} and grid[-1] == {"a": 3, "b": "y"}
    assert flatten({"v": {"tokens": None, "never": True}, "t": [1]}) == {"v.tokens": None, "v.never": True}


def test_a_sweep_that_does_not_fit_the_notebook_runs_nothing(tmp_path):
    with pytest.raises(ParameterError, match=r"run 2 \(monthly_tokens=-1\): 01-pricing: monthly_tokens must be at least 0"):
        run_sweep(NB01, {"monthly_tokens": [1e9, -1]}, out_dir=tmp_path / "s", progress=False)
    assert not (tmp_path / "s").exists()


def test_unknown_results_stay_unknown_in_the_table(tmp_path):
    from analysis.report.runner import NotebookRun

    runs = [NotebookRun("04-break-even", "failed", error="DataError: x"), NotebookRun("04-break-even", "ok")]
    table = collect(tmp_path, "04-break-even", [{"fixed": 0}, {"fixed": 1}], runs)
    assert table.status.tolist() == ["failed", "ok"] and table.error.iloc[0] == "DataError: x"
    assert plottable(pd.DataFrame({"fixed": [0, 1], "status": ["ok", "ok"], "x": [None, 2.0]}), ["fixed"]) == ["x"]


@pytest.mark.notebook
def test_a_sweep_of_notebook_01_collects_every_run_and_keeps_going_past_a_failure(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text((paths.DATA / "pricing.csv").read_text().replace("0.25", "cheap", 1))
    good = tmp_path / "good.csv"
    good.write_text((paths.DATA / "pricing.csv").read_text())
    out = tmp_path / "sweep"
    code = cli.main(["sweep", "01", "-p", "monthly_tokens", "1e9,2e9", "-p", "pricing_csv", f"{good},{bad}",
                     "--plot", "monthly_bill_usd.GPT-4o", "--out", str(out), "--no-progress", "--timeout", "300", "--jobs", "1"])
    assert code == 1, "one combination failed: the command says so"
    table = pd.read_parquet(out / "sweep.parquet")
    assert len(table) == 4 and table.status.tolist() == ["ok", "failed", "ok", "failed"]
    ok = table[table.status == "ok"].set_index("monthly_tokens")
    assert ok.loc[1e9, "monthly_bill_usd.GPT-4o"] == pytest.approx(10_000.0)
    assert ok.loc[2e9, "monthly_bill_usd.GPT-4o"] == pytest.approx(20_000.0)
    assert table[table.status == "failed"]["monthly_bill_usd.GPT-4o"].isna().all(), "unknown, never 0"
    assert "DataError" in table.error.iloc[1]
    assert pd.read_csv(out / "sweep.csv").shape == table.shape
    assert (out / "sweep.png").stat().st_size > 10_000 and (out / "sweep.svg").exists()
    assert (out / "runs" / "run-001" / "01-pricing" / "results.json").exists()
    err = capsys.readouterr().err
    assert "run-002" in err and "DataError" in err

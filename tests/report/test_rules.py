"""Inputs that cannot mislead: every parameter checked for range and type before any kernel starts,
a relative path meaning the same file in every command, and atomic, shareable outputs of `pricepoint run`."""

from __future__ import annotations

import json
import os
import stat

import pytest

from analysis import cli, paths
from analysis.data.tables import ParameterError
from analysis.report.params import discover_notebooks, parameter_types, parameters_for
from analysis.report.publish import Publisher
from analysis.report.rules import RULES, problems, resolve_paths

NB04 = paths.NOTEBOOKS / "04-break-even.ipynb"
NB06 = paths.NOTEBOOKS / "06-routing.ipynb"


def test_every_number_and_file_parameter_of_every_notebook_has_a_rule():
    """A new parameter cannot slip in unchecked: numbers need a range, files a file rule."""
    loose = []
    for nb in discover_notebooks():
        for name, annotation in parameter_types(nb).items():
            needs_rule = annotation in ("int", "float") or name.endswith(("_csv", "_yaml", "_log", "_path"))
            if needs_rule and name not in RULES:
                loose.append(f"{nb.stem}: {name}")
    assert not loose, f"parameters without a rule in analysis/report/rules.py: {loose}"


@pytest.mark.parametrize("name, value, expected", [
    ("budget_usd", -5, "budget_usd must be at least 0"),
    ("monthly_tokens", float("inf"), "monthly_tokens must be at most 1e+15"),
    ("monthly_tokens", 1e308, "monthly_tokens must be at most 1e+15"),
    ("input_output_ratio", float("nan"), "input_output_ratio must be a finite number"),
    ("gpu_utilisation", 0, "gpu_utilisation must be more than 0"),
    ("emulator_fault_rate", 1.5, "emulator_fault_rate must be at most 1"),
    ("concurrency", 0, "concurrency must be at least 1"),
    ("benchmark", "mmlu-pro", "benchmark must be one of mmlu, humaneval, ceval"),
])
def test_values_that_would_break_a_figure_or_json_are_refused(name, value, expected):
    assert problems({name: value})[0].startswith(expected)


def test_sensible_values_pass():
    assert problems({"budget_usd": 0, "monthly_tokens": 1e12, "gpu_utilisation": 1, "benchmark": "ceval",
                     "volume_min": 1e6, "volume_max": 1e11}) == []
    assert problems({"volume_min": 1e11, "volume_max": 1e6}) == ["volume_min must be below volume_max, got 1e+11 and 1e+06"]


def test_report_and_run_refuse_bad_values_before_any_kernel_starts(tmp_path, capsys):
    out = tmp_path / "r"
    assert cli.main(["run", "06", "-p", "budget_usd", "-5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "budget_usd must be at least 0 (a monthly budget in USD), got -5" in err and not out.exists()
    code = cli.main(["report", "-p", "gpu_utilisation", "0", "--out", str(out), "--no-progress"])
    assert code == 2 and "04-break-even: gpu_utilisation must be more than 0" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("argv, message", [
    (["report", "--jobs", "0"], "--jobs must be at least 1"),
    (["report", "--jobs", "-1"], "--jobs must be at least 1"),
    (["report", "--timeout", "0"], "--timeout must be a number of seconds above 0"),
    (["run", "01", "--timeout", "-3"], "--timeout must be a number of seconds above 0"),
])
def test_pool_size_and_timeout_are_checked(argv, message, capsys, tmp_path):
    assert cli.main([*argv, "--out", str(tmp_path / "r")]) == 2
    assert message in capsys.readouterr().err


def test_a_relative_path_means_the_file_in_the_folder_the_command_ran_in(tmp_path, monkeypatch):
    """From another folder, `-p pricing_csv my-prices.csv` is that folder's file, never the project root's."""
    here = tmp_path / "elsewhere"
    here.mkdir()
    (here / "my-prices.csv").write_text((paths.DATA / "pricing.csv").read_text())
    monkeypatch.chdir(here)
    chosen, bad = parameters_for(NB06, {"pricing_csv": "my-prices.csv"}, None)
    assert bad == [] and chosen["pricing_csv"] == str(here / "my-prices.csv")
    chosen, bad = parameters_for(NB06, {"usage_log": "missing.csv"}, None)
    assert bad == [f"06-routing: usage_log: no file missing.csv in {here}"]


def test_a_missing_usage_log_is_named_at_once_not_in_cell_12(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "06", "-p", "usage_log", "my-usage.parquet", "--out", str(tmp_path / "r")]) == 2
    assert f"usage_log: no file my-usage.parquet in {tmp_path}" in capsys.readouterr().err


def test_a_notebook_run_by_hand_checks_its_values_too():
    names = parameter_types(NB04)
    values = {n: 1.0 if t == "float" else 1 if t == "int" else "" for n, t in names.items()}
    values.update(model_a="GPT-4o", model_b="DeepSeek V4 Flash", basis="output", benchmark="mmlu",
                  self_host_model="Qwen3-32B", volume_min=1e6, volume_max=1e9, gpu_utilisation=1.5)
    with pytest.raises(ParameterError, match="gpu_utilisation must be at most 1"):
        Publisher.for_notebook("04-break-even", values)


def test_resolve_paths_leaves_other_values_alone(tmp_path):
    out, bad = resolve_paths({"mix": "code:1", "log_path": "calls.jsonl", "pricing_csv": ""}, tmp_path)
    assert bad == [] and out == {"mix": "code:1", "log_path": str(tmp_path / "calls.jsonl"), "pricing_csv": ""}


@pytest.mark.notebook
def test_a_failed_run_leaves_the_previous_folder_as_it_was_and_outputs_are_shareable(tmp_path, capsys):
    out = tmp_path / "adhoc"
    old_umask = os.umask(0o022)
    try:
        assert cli.main(["run", "01", "--out", str(out), "--timeout", "300"]) == 0
        before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        results = out / "01-pricing" / "results.json"
        assert stat.S_IMODE(results.stat().st_mode) == 0o644 and stat.S_IMODE(out.stat().st_mode) == 0o755
        record = json.loads(results.read_text())
        assert not any(v.startswith("/") for v in json.dumps(record).split('"') if v.startswith("/w")), record
        assert record["data"]["pricing"]["file"] == "data/pricing.csv"
        bad = tmp_path / "bad.csv"
        bad.write_text((paths.DATA / "pricing.csv").read_text().replace("0.25", "x", 1))
        capsys.readouterr()
        assert cli.main(["run", "01", "-p", "pricing_csv", str(bad), "--out", str(out), "--timeout", "300"]) == 1
        err = capsys.readouterr().err
        assert f"{out} was left as it was" in err
        after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert after == before, "the previous run's folder is untouched"
        assert (tmp_path / "adhoc-failed" / "01-pricing.ipynb").exists()
    finally:
        os.umask(old_umask)


@pytest.mark.parametrize("value, ok", [
    ("article", True), ("genai-prices", True), ("", True), ("my-prices.csv", True), ("~/LiteLLM.JSON", True),
    ("genai-price", False), ("litellm", False), ("prices.xlsx", False), ("openrouter", False), (3, False),
])
def test_catalog_is_a_registry_name_or_a_file_of_a_kind_the_registry_reads(value, ok):
    """litellm is registered but reads a file: by name alone it is refused, its JSON is accepted."""
    found = problems({"catalog": value})
    assert (found == []) is ok, found
    if not ok:
        assert found[0].startswith(f"catalog must be one of article, genai-prices, or a file (.csv: a pricing CSV; "
                                   f".json: LiteLLM's catalog), got {value!r}"), found


def test_a_misspelt_catalog_is_named_with_the_registry_s_names_and_the_nearest():
    assert problems({"catalog": "genai-price"})[0].endswith("got 'genai-price'; did you mean genai-prices?")


def test_a_catalog_file_is_resolved_like_other_files_and_a_name_left_alone(tmp_path):
    (tmp_path / "my-prices.csv").write_text((paths.DATA / "pricing.csv").read_text())
    out, bad = resolve_paths({"catalog": "my-prices.csv"}, tmp_path)
    assert bad == [] and out["catalog"] == str(tmp_path / "my-prices.csv")
    assert resolve_paths({"catalog": "genai-prices"}, tmp_path) == ({"catalog": "genai-prices"}, [])
    assert resolve_paths({"catalog": "missing.json"}, tmp_path)[1] == [f"catalog: no file missing.json in {tmp_path}"]


def test_catalog_and_pricing_csv_together_are_refused():
    assert problems({"catalog": "genai-prices", "pricing_csv": "mine.csv"}) == [
        "catalog and pricing_csv are both given ('genai-prices', 'mine.csv'); expected one of them: pass only "
        "catalog (a pricing CSV is a catalog too)"]
    assert problems({"catalog": "article", "pricing_csv": "mine.csv"}) == []


def test_a_bad_catalog_is_refused_by_report_run_and_a_notebook_before_any_kernel_starts(tmp_path, capsys,
                                                                                        monkeypatch):
    """The trial's `-p catalog genai-price` started all 7 kernels before failing."""
    from analysis.report import build, runner

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build, "run_pool", no_kernel)
    monkeypatch.setattr(runner, "run_one", no_kernel)
    out = tmp_path / "r"
    expected = "catalog must be one of article, genai-prices, or a file"
    assert cli.main(["report", "-p", "catalog", "genai-price", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{expected} (.csv: a pricing CSV; .json: LiteLLM's catalog), got "
                     f"'genai-price'; did you mean genai-prices?") == len(discover_notebooks()), err
    assert cli.main(["run", "01", "-p", "catalog", "genai-price", "--out", str(out)]) == 2
    assert expected in capsys.readouterr().err and not out.exists()
    values = {n: 1.0 if t == "float" else 1 if t == "int" else "" for n, t in parameter_types(NB04).items()}
    values.update(model_a="GPT-4o", model_b="DeepSeek V4 Flash", basis="output", benchmark="mmlu",
                  self_host_model="Qwen3-32B", volume_min=1e6, volume_max=1e9, catalog="genai-price")
    with pytest.raises(ParameterError, match=expected):
        Publisher.for_notebook("04-break-even", values)


def test_an_empty_file_parameter_means_the_shipped_table():
    assert problems({"pricing_csv": None, "catalog": None, "usage_log": ""}) == []
    assert problems({"pricing_csv": 3}) == ["pricing_csv must be a file, got 3"]

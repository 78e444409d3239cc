"""Notebooks 01 and 02 under papermill, and the report pipeline: publishing, parameters, failures."""

from __future__ import annotations

import json

import nbformat
import pytest

import analysis.cli as cli
from analysis import paths
from analysis.data.tables import ParameterError
from analysis.report.build import build_report
from analysis.report.params import parameters_for, read_params_file

NB01 = paths.NOTEBOOKS / "01-pricing.ipynb"
NB02 = paths.NOTEBOOKS / "02-landscape.ipynb"

@pytest.mark.notebook
def test_01_pricing_defaults(tmp_path, run_notebook):
    results, html = run_notebook(NB01, tmp_path)
    r = results["results"]
    assert r["article_example_10b_output_tokens_usd"] == {"DeepSeek V4 Flash": 2500.0, "Claude 3.5 Sonnet": 150000.0}
    assert r["monthly_bill_usd"]["GPT-4o"] == 100000.0
    assert r["output_multiple_formatted"]["Claude 3.5 Sonnet"] == "60×"
    assert r["output_multiple_formatted"]["GLM-5"] == "7.7×"
    assert r["cheapest_output"] == {"models": ["DeepSeek Coder", "DeepSeek V4 Flash"], "usd_per_mtok": 0.25}
    assert r["blended_usd_per_mtok"]["Qwen3.5-397B"] is None  # unknown, not 0
    assert results["data"]["pricing"]["sha256"] and results["data_as_of"] == "2026-11-27"
    assert {f["name"] for f in results["figures"]} == {"output-price", "monthly-bill", "traffic-bill"}
    assert "$150,000" in html and "load_pricing(" not in html, "the page shows results, not code"


@pytest.mark.notebook
def test_01_pricing_non_default_parameters(tmp_path, run_notebook):
    results, _ = run_notebook(NB01, tmp_path, monthly_tokens=1e9, input_output_ratio=1.0)
    r = results["results"]
    assert results["parameters"]["monthly_tokens"] == 1e9
    assert r["monthly_bill_usd"]["DeepSeek V4 Flash"] == 250.0
    assert r["blended_usd_per_mtok"]["GPT-4o"] == pytest.approx(6.25)
    assert r["article_example_10b_output_tokens_usd"]["Claude 3.5 Sonnet"] == 150000.0


@pytest.mark.notebook
def test_01_pricing_on_a_users_pricing_csv(tmp_path, write_csv, run_notebook):
    mine = write_csv("mine.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\n"
                                 "Cheap,Acme,CN,0.1,0.5\nDear,Bco,US,1,5\n")
    results, _ = run_notebook(NB01, tmp_path / "out", pricing_csv=str(mine))
    assert results["results"]["output_multiple"] == {"Cheap": 1.0, "Dear": 10.0}
    assert results["data"]["pricing"]["file"] == "mine.csv"  # named, never this machine's absolute path


@pytest.mark.notebook
def test_02_landscape_defaults_and_a_users_access_matrix(tmp_path, write_csv, run_notebook):
    results, html = run_notebook(NB02, tmp_path / "default")
    r = results["results"]
    assert r["access_factors_passed"] == {"US Models": 7, "Chinese Models (direct)": 0, "Global API": 7}
    assert r["matchup_output_price_multiple_formatted"] == {
        "DeepSeek V4 Flash vs GPT-4o": "40×", "Qwen3-32B vs GPT-4o-mini": "2.1×", "Kimi K2.5 vs Claude 3.5 Sonnet": "5×"}
    assert {f["name"] for f in results["figures"]} == {"access-matrix", "matchup-stars", "published-speed"}
    assert "WeChat/Alipay only" in html

    text = (paths.DATA / "access.csv").read_text().replace(
        "Payment,Chinese Models (direct),WeChat/Alipay only,false", "Payment,Chinese Models (direct),Visa,true")
    mine = write_csv("access.csv", text)
    results, _ = run_notebook(NB02, tmp_path / "mine", access_csv=str(mine))
    assert results["results"]["access_factors_passed"]["Chinese Models (direct)"] == 1


def _failing_notebook(folder):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('output_dir: str = ""  # where outputs go')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# fails"), params, nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "99-fails.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.notebook
def test_failing_notebook_keeps_previous_report(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("previous good report")
    bad = _failing_notebook(tmp_path)
    code = cli.main(["report", "--notebooks", str(NB01), str(bad), "--out", str(reports), "--no-progress", "--jobs", "1"])
    assert code == 1
    captured = capsys.readouterr()
    err, out = captured.err, captured.out
    assert "99-fails" in err and "previous report was left" in err
    assert (reports / "index.html").read_text() == "previous good report"
    failed = tmp_path / "reports-failed"
    assert (failed / "01-pricing.html").exists(), "the other notebooks still produce their pages"
    assert (failed / "01-pricing" / "results.json").exists()
    run = json.loads((failed / "run.json").read_text())
    status = {n["notebook"]: n for n in run["notebooks"]}
    assert status["01-pricing"]["status"] == "ok"
    assert status["99-fails"]["status"] == "failed"
    assert status["99-fails"]["failed_cell"] == 4  # In [4]: papermill's injected parameters cell is In [2]
    assert "99-fails: FAILED at cell In [4]: RuntimeError: deliberate failure" in capsys.readouterr().out + out
    assert "deliberate failure" in status["99-fails"]["error"]
    index = (failed / "index.html").read_text()
    assert "Some notebooks failed" in index and "deliberate failure" in index
    assert not list(tmp_path.glob(".reports-staging-*")), "no staging folder left behind"


@pytest.mark.notebook
def test_report_publishes_with_a_parameter_set(tmp_path):
    params = tmp_path / "set.yaml"
    params.write_text("monthly_tokens: 2.0e+9\n02-landscape: {}\n01-pricing:\n  input_output_ratio: 1.0\n")
    reports = tmp_path / "reports"
    (tmp_path / "reports-failed").mkdir()  # a stale failed run is cleared by a good one
    result = build_report(notebooks=[NB01, NB02], params_file=params, reports_dir=reports, progress=False, jobs=1)
    assert result.ok and result.published == reports
    assert not (tmp_path / "reports-failed").exists()
    r01 = json.loads((reports / "01-pricing" / "results.json").read_text())
    assert r01["parameters"] == {"catalog": "article", "pricing_csv": "", "input_output_ratio": 1.0, "monthly_tokens": 2e9,
                                 "endpoints_model": "GPT-4o", "stale_after_days": 90}
    assert r01["results"]["monthly_bill_usd"]["Claude 3.5 Sonnet"] == 30000.0
    index = (reports / "index.html").read_text()
    sha = r01["data"]["pricing"]["sha256"]
    assert sha in index
    for link in ("01-pricing.html", "02-landscape.html", "01-pricing/results.json", "01-pricing.ipynb",
                 "figures/01-pricing/output-price.png", "figures/01-pricing/output-price.svg"):
        assert f'href="{link}"' in index and (reports / link).exists()
    assert "$2,500 on DeepSeek V4 Flash" in index, "headline findings on the index"
    assert "monthly_tokens" in index and "2000000000.0" in index, "parameters on the index"
    run = json.loads((reports / "run.json").read_text())
    assert run["ok"] and run["params_file"] == "set.yaml"  # named, never this machine's absolute path
    assert "/tmp/" not in (reports / "run.json").read_text() and str(tmp_path) not in index


def test_parameter_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("01-pricing:\n  monthly_tokens: [1,\n")
    with pytest.raises(ParameterError, match=r"bad.yaml, line \d+, column \d+: not valid YAML"):
        read_params_file(bad)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_params_file(tmp_path / "missing.yaml")
    chosen, problems = parameters_for(NB01, {"01-pricing": {"monthly_tokenz": 1}, "monthly_tokens": 5}, None)
    assert chosen["monthly_tokens"] == 5
    assert problems and "no parameter 'monthly_tokenz'" in problems[0]


def test_report_refuses_a_misspelled_parameter_before_running(tmp_path, capsys):
    params = tmp_path / "typo.yaml"
    params.write_text("01-pricing:\n  monthly_tokenz: 5\n")
    code = cli.main(["report", "--params", str(params), "--out", str(tmp_path / "r"), "--no-progress"])
    assert code == 2
    assert "no parameter 'monthly_tokenz'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


@pytest.mark.notebook
def test_a_notebook_past_its_timeout_is_stopped_and_reported(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('output_dir: str = ""  # where outputs go')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    slow = tmp_path / "98-slow.ipynb"
    nbformat.write(nb, slow)
    result = build_report(notebooks=[slow], reports_dir=tmp_path / "reports", timeout_s=8, progress=False)
    [run] = result.runs
    assert not result.ok and run.status == "timeout"
    assert run.seconds < 60, "stopped at the timeout, not after the cell finished"
    assert "did not finish within 8 s" in run.error
    assert not (tmp_path / "reports").exists() and (tmp_path / "reports-failed" / "index.html").exists()


@pytest.mark.notebook
def test_02_landscape_on_a_pricing_file_without_the_articles_models(tmp_path, write_csv, run_notebook):
    mine = write_csv("mine.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\n"
                                 "Cheap,Acme,CN,0.1,0.5\n")
    results, html = run_notebook(NB02, tmp_path / "out", pricing_csv=str(mine))
    assert "mine.csv does not list" in html and "checked against the shipped prices" in html
    assert results["results"]["matchup_output_price_multiple_formatted"]["DeepSeek V4 Flash vs GPT-4o"] == "40×"


def test_landscape_still_rejects_other_problems_in_a_users_files(write_csv):
    from analysis.data.tables import DataError
    from analysis.pages.landscape import load_landscape

    mine = write_csv("mine.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\nCheap,Acme,CN,0.1,0.5\n")
    facts = write_csv("facts.csv", (paths.DATA / "model_facts.csv").read_text().replace("GPT-4o,50,", "GPT-4o,-50,"))
    with pytest.raises(DataError, match="output_tok_per_s"):
        load_landscape(pricing_csv=str(mine), model_facts_csv=str(facts))


def test_longest_notebooks_start_first(tmp_path, monkeypatch):
    from analysis.report import build as report_build
    from analysis.report import params as report_params
    from analysis.report import runner as report_runner

    monkeypatch.setenv("PRICEPOINT_CACHE", str(tmp_path / "cache"))
    nbs = report_params.discover_notebooks()
    by_size = sorted(nbs, key=lambda p: -report_build._expected_seconds(p, tmp_path))
    assert by_size[0].stat().st_size == max(p.stat().st_size for p in nbs), "no timings yet: biggest first"
    runs = [report_runner.NotebookRun(p.stem, "ok", seconds=float(i)) for i, p in enumerate(nbs)]
    report_build._save_timings(runs, nbs)
    order = sorted(nbs, key=lambda p: -report_build._expected_seconds(p, tmp_path))
    assert order == list(reversed(nbs)), "with last run's timings: the slowest first"


def test_report_refuses_parameters_no_notebook_declares(tmp_path, capsys):
    params = tmp_path / "typo.yaml"
    params.write_text("stale_after_day: 5\n01-pricng:\n  monthly_tokens: 5\n")
    code = cli.main(["report", "--params", str(params), "-p", "monthly_token", "2e9", "--out", str(tmp_path / "r"),
                     "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "r").exists()
    assert "no notebook declares a parameter 'monthly_token'; did you mean monthly_tokens?" in err
    assert "no notebook declares a parameter 'stale_after_day'; did you mean stale_after_days?" in err
    assert "no notebook is called '01-pricng'; did you mean 01-pricing?" in err


def test_a_value_of_the_wrong_type_is_refused_before_running(tmp_path, capfd):
    assert cli.main(["run", "01", "-p", "monthly_tokens", "2e9x", "--out", str(tmp_path / "r")]) == 2
    assert "monthly_tokens must be a number (float), got '2e9x'" in capfd.readouterr().err
    code = cli.main(["report", "-p", "monthly_tokens", "lots", "--out", str(tmp_path / "r2"), "--no-progress"])
    assert code == 2 and "01-pricing: monthly_tokens must be a number (float), got 'lots'" in capfd.readouterr().err
    assert cli.main(["run", "01", "-p", "monthly_tokens", "2e9", "--out", str(tmp_path / "ok"),
                     "--timeout", "300"]) == 0, "2e9 is a number"
    # the kernel's own start-up chatter (its transport warning) does not reach the terminal (captured at the fd)
    err = capfd.readouterr().err
    assert "[IPKernelApp]" not in err and "Traceback" not in err

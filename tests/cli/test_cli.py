"""`pricepoint --help` lists every command on one line; every error a user can cause ends with what to do."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from analysis.cli import COMMANDS
from analysis.cli.common import HELP_HINT, with_todo
from tests.cli.runner import run_main

TODO = re.compile(r"\b(run|pass|fix|choose|check|use|add|install|give|set|open|bring|see|type)\b", re.I)


@pytest.mark.parametrize("columns", ["60", "200"])
def test_help_lists_every_command_on_one_line(columns):
    env = {"COLUMNS": columns, "PATH": "/usr/bin:/bin"}
    text = subprocess.run([sys.executable, "-m", "analysis.cli", "--help"], capture_output=True, text=True,
                          env=env, check=True).stdout
    lines = text.splitlines()
    for name, (help_text, *_) in COMMANDS.items():
        hits = [ln for ln in lines if ln.split() and ln.split()[0] == name]
        assert len(hits) == 1, f"{name} should be listed once: {hits}"
        assert hits[0].strip() == f"{name}{hits[0].strip()[len(name):]}" and hits[0].endswith(help_text), hits[0]
    for expected in ("report", "run", "check-data", "import-prices"):
        assert expected in COMMANDS


def test_each_command_help_is_one_short_sentence():
    for name, (help_text, *_) in COMMANDS.items():
        assert "\n" not in help_text and len(help_text) <= 100, name
        assert help_text[0].islower() and not help_text.endswith("."), name


def test_no_command_prints_help_and_says_what_to_do(capsys):
    code, out, err = run_main([], capsys)
    assert code == 2 and "import-prices" in err
    assert err.strip().splitlines()[-1] == "No command given: choose one of the commands above."


@pytest.mark.parametrize("argv", [
    ["nope"],
    ["report", "--jobs", "many"],
    ["run"],
    ["check-data", "--pricing"],
    ["import-prices"],
])
def test_usage_errors_end_with_the_help_hint(capsys, argv):
    code, _, err = run_main(argv, capsys)
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == HELP_HINT


def test_unknown_notebook(capsys):
    code, _, err = run_main(["run", "99-nothing"], capsys)
    assert code == 2
    assert re.search(r"no single notebook matches '99-nothing'; choose from: 01-pricing", err.splitlines()[-1])


def test_unknown_notebook_parameter(capsys):
    code, _, err = run_main(["run", "01", "-p", "monthly_tokenz", "1e9"], capsys)
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert "monthly_tokenz" in err and TODO.search(last), last


def test_missing_parameter_file(capsys, tmp_path):
    code, _, err = run_main(["report", "--params", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and TODO.search(err.strip().splitlines()[-1])


def test_bad_yaml_parameter_file(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("01-pricing: [unclosed\n")
    code, _, err = run_main(["report", "--params", str(bad)], capsys)
    assert code == 2 and "not valid YAML" in err and TODO.search(err.strip().splitlines()[-1])


def test_bad_data_file(capsys, write_csv):
    path = write_csv("p.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\nX,Acme,Mars,1,2\n")
    code, _, err = run_main(["check-data", "--pricing", str(path)], capsys)
    assert code == 2 and "column 'origin': got 'Mars'; expected US, CN, EU, other or unknown" in err
    assert err.strip().splitlines()[-1].startswith("Fix the cells listed above")


def test_check_data_agrees_with_the_report_on_models_a_pricing_file_lacks(capsys, write_csv):
    """The trial's case: a pricing CSV without GLM-5 is accepted with notes, as `report -p pricing_csv` does."""
    from analysis import paths

    shipped = (paths.DATA / "pricing.csv").read_text()
    mine = write_csv("mine.csv", "".join(ln for ln in shipped.splitlines(True) if not ln.startswith("GLM-5,")))
    code, out, err = run_main(["check-data", "--pricing", str(mine)], capsys)
    assert code == 0 and err == "", err
    notes = [ln for ln in out.splitlines() if ln.startswith("  note  ")]
    assert {n.split(", which ")[1].split()[0] for n in notes} == {"benchmarks.csv", "model_facts.csv",
                                                                  "gateway_models.csv"}
    assert all("mine.csv does not list GLM-5" in n and "take no part wherever a price is needed" in n for n in notes)
    assert out.splitlines()[-1].startswith("All tables are valid. 3 notes above")
    assert "  ok  benchmarks       16 rows" in out  # the shipped scores are all kept, GLM-5's too

    scores = write_csv("scores.csv", (paths.DATA / "benchmarks.csv").read_text().replace("88.7", "188.7", 1))
    code, _, err = run_main(["check-data", "--pricing", str(mine), "--benchmarks", str(scores)], capsys)
    assert code == 2 and "got '188.7'" in err, "a real problem still fails, with every problem listed"


def test_unwritable_output_is_not_a_traceback(capsys, tmp_path):
    import json

    catalog = tmp_path / "c.json"
    catalog.write_text(json.dumps({"gpt-4o": {"mode": "chat", "litellm_provider": "openai",
                                              "output_cost_per_token": 1e-05}}))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_main(["import-prices", str(catalog), "-o", str(blocker / "out.csv")], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("Check that the path exists and that you may read or write it, "
                                            "and run again.")


def test_with_todo_adds_a_line_only_when_needed():
    assert with_todo("x is wrong; pass y") == "x is wrong; pass y"
    assert with_todo("x is wrong").splitlines() == ["x is wrong", "Check the command and its options "
                                                                  "(`pricepoint COMMAND --help`) and run again."]


def test_commands_never_build_widgets(capsys, monkeypatch):
    import os

    monkeypatch.setenv("PRICEPOINT_WIDGETS", "1")
    run_main(["check-data"], capsys)
    assert os.environ["PRICEPOINT_WIDGETS"] == "0"

"""The shipped tables reproduce the article exactly; bad input gives one clear error listing every problem."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pandas as pd
import pytest

from analysis import paths
from analysis.data.load import (
    load_access,
    load_benchmarks,
    load_dataset,
    load_matchups,
    load_model_facts,
    load_pricing,
)
from analysis.data.tables import PRICING, PRICING_COLUMNS, DataError, parse_table
from analysis.formatting import format_multiple
from analysis.prices.bills import monthly_bill_usd, multiple_of_cheapest
from analysis.value.landscape import price_multiples

# The article's pricing table, typed from shared/source/article.txt: model -> (origin, input, output, multiple).
ARTICLE_PRICING = {
    "GPT-4o": ("US", 2.50, 10.00, "40×"),
    "Claude 3.5 Sonnet": ("US", 3.00, 15.00, "60×"),
    "Gemini 1.5 Pro": ("US", 1.25, 5.00, "20×"),
    "GPT-4o-mini": ("US", 0.15, 0.60, "2.4×"),
    "DeepSeek V4 Flash": ("CN", 0.18, 0.25, "1×"),
    "Qwen3-32B": ("CN", 0.18, 0.28, "1.1×"),
    "GLM-5": ("CN", 0.73, 1.92, "7.7×"),
    "Kimi K2.5": ("CN", 0.59, 3.00, "12×"),
}
ARTICLE_BENCHMARK_ONLY_PRICES = {"Qwen3.5-397B": 2.34, "Qwen3-Coder-30B": 0.35, "DeepSeek Coder": 0.25}
ARTICLE_SCORES = {
    "mmlu": {"GPT-4o": 88.7, "Claude 3.5 Sonnet": 89.0, "Kimi K2.5": 87.0, "DeepSeek V4 Flash": 85.5,
             "GLM-5": 86.0, "Qwen3.5-397B": 87.5},
    "humaneval": {"DeepSeek V4 Flash": 92.0, "Qwen3-Coder-30B": 91.5, "GPT-4o": 92.5, "Claude 3.5 Sonnet": 93.0,
                  "DeepSeek Coder": 91.0},
    "ceval": {"GLM-5": 91.0, "Kimi K2.5": 90.5, "Qwen3-32B": 89.0, "GPT-4o": 88.5, "DeepSeek V4 Flash": 88.0},
}
HEADER = ",".join(PRICING_COLUMNS)


# --------------------------------------------------------------------------- the article, reproduced


def test_pricing_matches_article_exactly():
    p = load_pricing().set_index("model")
    assert list(load_pricing().columns[:5]) == list(PRICING_COLUMNS)
    assert len(p) == 11
    for model, (origin, inp, out, _) in ARTICLE_PRICING.items():
        assert p.loc[model, "origin"] == origin
        assert p.loc[model, "input_usd_per_mtok"] == inp
        assert p.loc[model, "output_usd_per_mtok"] == out
    for model, out in ARTICLE_BENCHMARK_ONLY_PRICES.items():
        assert p.loc[model, "output_usd_per_mtok"] == out
        assert math.isnan(p.loc[model, "input_usd_per_mtok"]), "unknown input price must stay unknown, never 0"


def test_multiples_are_derived_and_round_as_published():
    p = load_pricing()
    table = p[p.model.isin(ARTICLE_PRICING)].set_index("model")
    multiples = multiple_of_cheapest(table.output_usd_per_mtok)
    assert {m: format_multiple(x) for m, x in multiples.items()} == {m: v[3] for m, v in ARTICLE_PRICING.items()}
    stored = "".join(path.read_text() for path in paths.DATA.glob("*.csv"))
    assert "×" not in stored and not re.search(r"\b(40|60|20|2\.4|7\.7|12|2\.1)x\b", stored)


def test_matchup_multiples_derived():
    m = price_multiples(load_matchups()).map(format_multiple)
    assert m.to_dict() == {"DeepSeek V4 Flash vs GPT-4o": "40×", "Qwen3-32B vs GPT-4o-mini": "2.1×",
                           "Kimi K2.5 vs Claude 3.5 Sonnet": "5×"}


def test_article_monthly_bill_example():
    p = load_pricing().set_index("model").output_usd_per_mtok
    assert monthly_bill_usd(p["DeepSeek V4 Flash"], 10e9) == 2500.0
    assert monthly_bill_usd(p["Claude 3.5 Sonnet"], 10e9) == 150000.0


def test_benchmarks_are_every_row_and_nothing_else():
    b = load_benchmarks()
    got = {(r.benchmark, r.model): r.score for r in b.itertuples()}
    want = {(bench, model): s for bench, rows in ARTICLE_SCORES.items() for model, s in rows.items()}
    assert got == want
    assert "GPT-4o-mini" not in set(b.model)


def test_model_facts_access_and_matchups_as_published():
    f = load_model_facts().set_index("model")
    assert f.loc["DeepSeek V4 Flash", ["output_tok_per_s", "context_window_ktok", "ttft_p99_low_s",
                                       "ttft_p99_high_s"]].tolist() == [60, 128, 1.2, 1.8]
    assert f.loc["GPT-4o", ["output_tok_per_s", "ttft_p99_low_s", "ttft_p99_high_s"]].tolist() == [50, 1.5, 2.0]
    assert not f.loc["DeepSeek V4 Flash", "vision"] and f.loc["GPT-4o", "vision"]
    assert pd.isna(f.loc["Qwen3-32B", "output_tok_per_s"]) and pd.isna(f.loc["Qwen3-32B", "vision"])

    a = load_access()
    assert len(a) == 21 and a.factor.nunique() == 7
    assert a.groupby("option").ok.sum().to_dict() == {"Chinese Models (direct)": 0, "Global API": 7, "US Models": 7}
    cell = a.set_index(["factor", "option"]).text
    assert cell["Payment", "Chinese Models (direct)"] == "WeChat/Alipay only"
    assert cell["Support", "Global API"] == "English + Chinese"

    m = load_matchups()
    stars = m[m.unit == "stars"].set_index(["matchup", "factor"])[["value_a", "value_b"]]
    assert stars.loc[("DeepSeek V4 Flash vs GPT-4o", "General quality")].tolist() == [4, 5]
    assert stars.loc[("Kimi K2.5 vs Claude 3.5 Sonnet", "Chinese")].tolist() == [5, 3]
    assert (stars.to_numpy() == stars.to_numpy().round()).all()
    winners = m.set_index(["matchup", "factor"]).winner
    assert winners["DeepSeek V4 Flash vs GPT-4o", "Code"] == "tie"
    assert winners["DeepSeek V4 Flash vs GPT-4o", "Vision"] == "GPT-4o"


def _article_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _money(cell: str) -> float:
    return float(re.search(r"\$([\d.]+)", cell).group(1))


@pytest.mark.skipif(not paths.SOURCE_ARTICLE.exists(), reason="shared/source/article.txt is not beside this clone")
def test_every_table_of_the_article_file_is_in_data():
    """Parse the article's own Markdown tables and compare each figure with data/."""
    tables = _article_tables(paths.SOURCE_ARTICLE.read_text(encoding="utf-8"))
    price = load_pricing().set_index("model")
    scores = load_benchmarks().set_index(["benchmark", "model"]).score
    by_header = {tuple(t[0]): t[1:] for t in tables}
    for row in by_header[("Model", "Origin", "Input $/M", "Output $/M", "Multiple vs V4 Flash")]:
        assert price.loc[row[0], "input_usd_per_mtok"] == _money(row[2])
        assert price.loc[row[0], "output_usd_per_mtok"] == _money(row[3])
        assert format_multiple(price.loc[row[0], "output_usd_per_mtok"] / 0.25) == row[4].split()[0]
    score_tables = [t for t in tables if t[0] == ["Model", "Score", "Output $/M"]]
    assert len(score_tables) == 3
    for bench, table in zip(("humaneval", "mmlu", "ceval"), score_tables):  # the article's order
        assert len(table) - 1 == (scores.index.get_level_values(0) == bench).sum()
        for model, score, out in table[1:]:
            assert scores[bench, model] == float(score)
            assert price.loc[model, "output_usd_per_mtok"] == _money(out)
    access = load_access().set_index(["factor", "option"])
    matrix = by_header[("Factor", "US Models", "Chinese Models (direct)", "Global API")]
    for factor, *cells in matrix:
        for option, cell in zip(("US Models", "Chinese Models (direct)", "Global API"), cells):
            ok = "✅" in cell
            text = cell.replace("✅", "").replace("❌", "").strip()
            assert access.loc[(factor, option), "ok"] == ok
            assert text.startswith(access.loc[(factor, option), "text"].split(" ")[0])


# --------------------------------------------------------------------------- bad input


def _problems(excinfo) -> list:
    err = excinfo.value
    assert isinstance(err, DataError)
    assert err.__cause__ is None, "no chained traceback from deep inside pandas"
    return err.problems


def _matchups_with(old: str, new: str) -> str:
    text = paths.data_file("matchups.csv").read_text()
    assert old in text
    return text.replace(old, new)


# One bad file each, and the one problem it must give: (line, column, value) and words of what was expected.
# A file is (its text, its encoding); None for a line, column or value: the whole file is wrong.
BAD_FILES = {
    "missing column": (load_pricing, "model,provider,origin,output_usd_per_mtok\nX,Acme,US,1.0\n", "utf-8",
                       (1, "input_usd_per_mtok", "model,provider,origin,output_usd_per_mtok"),
                       "missing: input_usd_per_mtok"),
    "dollar sign": (load_pricing, f"{HEADER}\nX,Acme,US,$3.00,1.0\n", "utf-8",
                    (2, "input_usd_per_mtok", "$3.00"), "no $ sign"),
    "negative price": (load_pricing, f"{HEADER}\nX,Acme,US,1.0,2.0\nY,Acme,CN,0.5,-1\n", "utf-8",
                       (3, "output_usd_per_mtok", "-1"), "from 0 to 100,000"),
    "score out of range": (load_benchmarks, "model,benchmark,score\nGPT-4o,mmlu,88.7\nGPT-4o,ceval,870\n", "utf-8",
                           (3, "score", "870"), "0 to 100"),
    "duplicate model": (load_pricing, f"{HEADER}\nX,Acme,US,1,2\nY,Acme,US,1,2\nX,Acme,US,1,3\n", "utf-8",
                        (4, "model", "X"), "already on line 2"),
    "benchmark model not in pricing": (load_benchmarks, "model,benchmark,score\nGPT-4o,mmlu,88.7\nMystery-7B,mmlu,50\n",
                                       "utf-8", (3, "model", "Mystery-7B"), "pricing.csv"),
    "empty file": (load_pricing, "", "utf-8", (None, None, None), "the file is empty"),
    "header only": (load_pricing, HEADER + "\n", "utf-8", (None, None, None), "only a header"),
    "byte order mark, true line numbers": (load_pricing, f"{HEADER}\nX,Acme,Mars,1.0,2.0\n", "utf-8-sig",
                                           (2, "origin", "Mars"), "US"),
    "not UTF-8": (load_pricing, f"{HEADER}\nCafé,Acme,US,1.0,2.0\n", "latin-1", (2, None, r"\xe9"), "UTF-8"),
    "blank lines and quoted cells": (load_pricing, f'{HEADER}\n\n"Model, with comma",Acme,US,1.0,2.0\n\nY,Acme,US,1,x\n',
                                     "utf-8", (5, "output_usd_per_mtok", "x"), "a plain number"),
    "matchup price differs from pricing": (
        load_matchups, _matchups_with("Qwen3-32B vs GPT-4o-mini,Output price,Qwen3-32B,GPT-4o-mini,usd_per_mtok,0.28,0.60",
                                      "Qwen3-32B vs GPT-4o-mini,Output price,Qwen3-32B,GPT-4o-mini,usd_per_mtok,0.28,0.65"),
        "utf-8", (8, "value_b", "0.65"), "GPT-4o-mini's output price in pricing.csv, 0.6"),
    "matchup stars not whole": (load_matchups, _matchups_with("Kimi K2.5,Claude 3.5 Sonnet,stars,5,3",
                                                              "Kimi K2.5,Claude 3.5 Sonnet,stars,4.5,3"),
                                "utf-8", (14, "value_a", "4.5"), "a whole number of stars"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gives_one_problem_naming_line_column_value_and_what_was_expected(write_csv, case):
    loader, text, encoding, (line, column, value), expected = BAD_FILES[case]
    path = write_csv("bad.csv", text, encoding=encoding)
    with pytest.raises(DataError) as exc:
        loader(path)
    [p] = _problems(exc)
    assert (p.file, p.line, p.column, p.value) == (str(path), line, column, value)
    assert expected in p.expected
    if line is not None and column is not None:  # the message says it the same way
        assert f"{path}, line {line}, column '{column}': got {value!r}" in str(exc.value)


def test_byte_order_mark_is_read_as_text_not_as_part_of_the_header(write_csv):
    """Excel writes a BOM; it must not turn the first column into '\\ufeffmodel'."""
    path = write_csv("p.csv", f"{HEADER}\nX,Acme,US,1.0,2.0\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    p = load_pricing(path)
    assert p.columns[0] == "model" and p.model.tolist() == ["X"]


def test_every_problem_listed_at_once(write_csv):
    path = write_csv("p.csv", f"{HEADER}\nX,Acme,Mars,$1,2\nY,Acme,US,1,-2\nX,Acme,US,,abc\nZ,Acme,US,1\n")
    with pytest.raises(DataError) as exc:
        load_pricing(path)
    got = {(p.line, p.column) for p in _problems(exc)}
    assert got == {(2, "origin"), (2, "input_usd_per_mtok"), (3, "output_usd_per_mtok"),
                   (4, "output_usd_per_mtok"), (4, "model"), (5, None)}
    message = str(exc.value)
    assert message.startswith("6 problems in the data:")
    assert message.rstrip().endswith("and run again.")


def test_unknown_is_empty_not_zero(write_csv):
    path = write_csv("p.csv", f"{HEADER}\nX,Acme,US,,2.0\n")
    p = load_pricing(path)
    assert math.isnan(p.input_usd_per_mtok[0])


def test_blank_lines_and_quoted_cells(write_csv):
    path = write_csv("p.csv", f'{HEADER}\n\n"Model, with comma",Acme,US,1.0,2.0\n\nY,Acme,US,1,x\n')
    with pytest.raises(DataError) as exc:
        load_pricing(path)
    [p] = _problems(exc)
    assert (p.line, p.value) == (5, "x")


def test_user_files_are_cross_checked_against_their_own_pricing(write_csv):
    pricing = write_csv("p.csv", f"{HEADER}\nA,Acme,US,1,2\nB,Bco,CN,0.1,0.2\n")
    bench = write_csv("b.csv", "model,benchmark,score\nA,mmlu,80\nB,mmlu,70\n")
    ds_price = load_pricing(pricing)
    assert load_benchmarks(bench, pricing=ds_price).score.tolist() == [80, 70]
    with pytest.raises(DataError) as exc:
        load_dataset(pricing=pricing, benchmarks=bench)  # shipped matchups name models absent from A/B
    files = {p.file for p in exc.value.problems}
    assert files == {"data/matchups.csv", "data/model_facts.csv"}


def test_parse_never_raises_on_bad_content(write_csv):
    parsed = parse_table(PRICING, write_csv("p.csv", "just,some\nnoise"))
    assert parsed.problems and parsed.frame.empty


def test_cli_check_data_reports_without_traceback(write_csv):
    path = write_csv("p.csv", f"{HEADER}\nX,Acme,US,$3.00,1\n")
    proc = subprocess.run([sys.executable, "-m", "analysis.cli", "check-data", "--pricing", str(path)],
                          capture_output=True, text=True, cwd=paths.ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "line 2, column 'input_usd_per_mtok': got '$3.00'" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Fix the cells")


def test_dataset_checksums_and_as_of(shipped):
    sums = shipped.checksums()
    assert set(sums) == {"pricing", "benchmarks", "model_facts", "access", "matchups"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", s) for s in sums.values())
    assert shipped.as_of() == "2026-11-27"


def test_a_catalog_pricing_a_matchup_model_differently_is_a_note_not_an_error(tmp_path):
    """The article's matchups quote its own prices: an imported catalog's other price never stops a notebook."""
    from analysis.data.load import load_beside_pricing, load_matchups
    from analysis.data.tables import DataError

    mine = tmp_path / "mine.csv"
    mine.write_text(paths.data_file("pricing.csv").read_text().replace("DeepSeek V4 Flash,DeepSeek,CN,0.18,0.25",
                                                                        "DeepSeek V4 Flash,deepseek,CN,0.15,0.60"))
    with pytest.raises(DataError, match="DeepSeek V4 Flash's output price in mine.csv, 0.6"):
        load_matchups(pricing=load_pricing(mine))  # the loader itself still checks the user's own matchups
    matchups, notes = load_beside_pricing(load_matchups, "", load_pricing(mine), mine)
    assert len(matchups) == 13 and matchups.query("unit == 'usd_per_mtok'").value_a.tolist()  # as published
    assert notes == ["mine.csv prices DeepSeek V4 Flash differently from the article: matchups.csv shows the "
                     "article's own figures, as published, checked against the shipped prices (data/pricing.csv)."]
    with pytest.raises(DataError):  # without a pricing file of the user's, a mismatch stays an error
        load_beside_pricing(load_matchups, "", load_pricing(mine), "")


@pytest.mark.parametrize("value", ["1e308", "100001", "1e6"])
def test_a_price_that_would_break_a_figure_or_json_is_refused_at_validation(write_csv, value):
    """1e308 passed before, then the notebooks failed inside matplotlib and JSON; now the file is named."""
    from analysis.data.load import load_pricing
    from analysis.data.tables import DataError

    text = (paths.DATA / "pricing.csv").read_text()
    bad = write_csv("prices.csv", text.replace("0.25", value, 1))
    with pytest.raises(DataError) as err:
        load_pricing(bad)
    [problem] = err.value.problems
    assert float(problem.value) == float(value) and "from 0 to 100,000" in problem.expected
    assert problem.line >= 2 and problem.column.endswith("usd_per_mtok")

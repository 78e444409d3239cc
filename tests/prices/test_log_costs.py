"""analysis.prices.log_costs and `pricepoint reprice --engine`: the engine chosen on the command line prices
the log, with the same totals on DuckDB and Spark."""

from __future__ import annotations

import shutil

import pandas as pd

from analysis import paths
from analysis.cli import build_parser, main
from analysis.prices import engines
from analysis.prices.log_costs import billed_text, log_tariffs, price_log, totals

EXAMPLE = paths.ROOT / "examples" / "my-usage.parquet"


def _billed(text: str) -> list[str]:
    return text[text.index("As billed by the tariff tables"):].splitlines()


def test_the_article_catalog_prices_every_model_by_its_endpoint(tmp_path):
    tables, endpoints = log_tariffs()
    log = tmp_path / "log.jsonl"
    pd.DataFrame({"timestamp": ["2026-11-02T10:00:00Z", "2026-11-03T00:30:00+01:00", "2026-11-03T09:00:00Z"],
                  "model": ["GPT-4o", "GPT-4o-mini", "GPT-4o"], "input_tokens": [2_000_000, 1_000_000, None],
                  "output_tokens": [0, 1_000_000, 5]}).to_json(log, orient="records", lines=True)
    out = price_log(log, tables, endpoints=endpoints)
    t = totals(out).set_index("model")
    assert t.loc["GPT-4o", "cost_usd"] == 5.0 and t.loc["GPT-4o", "rows_set_aside"] == 1  # 2M input at $2.50
    assert t.loc["GPT-4o-mini", "cost_usd"] == 0.15 + 0.60
    assert out[out.model == "GPT-4o-mini"].day.dt.strftime("%Y-%m-%d %H").tolist() == ["2026-11-02 00"]  # its UTC day


def test_reprice_command_parses_the_engine_and_the_master():
    args = build_parser().parse_args(["reprice", "log.parquet", "--engine", "spark", "--spark-master",
                                      "spark://lake-master:7077"])
    assert (args.engine, args.spark_master) == ("spark", "spark://lake-master:7077")
    assert build_parser().parse_args(["reprice", "log.parquet"]).engine == "duckdb"


def test_the_engine_total_is_the_tariff_sections_as_billed_total():
    """Two ways to the same bill: the engine's sums (this module) and the command's 'as billed then'
    section (analysis.traffic.tariff_logs, grouped before pricing), on the shipped log."""
    from analysis.traffic.tariff_logs import catalog_tables
    from analysis.traffic.tariff_logs import price_log as tariff_price_log

    tables, endpoints = log_tariffs()
    t = totals(price_log(EXAMPLE, tables, endpoints=endpoints))
    billed = tariff_price_log(EXAMPLE, catalog_tables("article"), as_of="2026-11-30")
    assert round(t.cost_usd.sum(), 6) == round(billed.billed_cost_usd, 6) == 8.494515
    assert t.rows_priced.sum() == billed.rows_priced == 797


def test_reprice_prints_the_engine_section_only_for_another_engine(capsys):
    assert main(["reprice", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "As billed by the tariff tables" not in out and "as billed then" in out.lower()


def test_reprice_on_spark_gives_the_duckdb_totals_to_the_cent(spark, capsys):
    on_duckdb = billed_text(EXAMPLE).splitlines()
    assert main(["reprice", str(EXAMPLE), "--engine", "spark"]) == 0
    on_spark = _billed(capsys.readouterr().out)
    assert "re-priced on duckdb: 797 rows priced, 3 set aside, $8.49." in on_duckdb[0]
    assert "re-priced on spark" in on_spark[0] and on_spark[0].endswith("797 rows priced, 3 set aside, $8.49.")
    assert on_duckdb[1:] == on_spark[1:]  # every model's line, and the set-aside counts by reason


def test_a_log_given_by_url_is_re_priced_where_it_lives_by_the_engine(spark, capsys):
    """`pricepoint reprice URL --engine spark`: Spark reads the log (here a file:// URL, as s3a:// on a cluster)
    and gives the bill DuckDB gives the same rows; the sections that need a local file are said to be left out."""
    on_duckdb = billed_text(EXAMPLE).splitlines()
    assert main(["reprice", EXAMPLE.as_uri(), "--engine", "spark"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The log is a URL, read by spark where it lives: it is re-priced as billed by the tariff "
                          "tables only")
    on_spark = _billed(out)
    assert on_spark[0].endswith("797 rows priced, 3 set aside, $8.49.") and on_duckdb[1:] == on_spark[1:]
    assert "as billed then" not in out.lower()  # the local sections did not run


def test_a_log_given_by_url_on_duckdb_is_refused_with_what_to_do(capsys):
    assert main(["reprice", "s3a://lake/usage/2026-11.parquet"]) == 2
    err = capsys.readouterr().err
    assert "s3a://lake/usage/2026-11.parquet: a URL; DuckDB reads local files here" in err
    assert "--engine spark" in err and "Traceback" not in err
    # a presigned URL's signature or a secret in the URL is never printed
    assert main(["reprice", "https://AKIA:s3cr3t@lake.example/usage.parquet?X-Amz-Signature=f00d"]) == 2
    err = capsys.readouterr().err
    assert "https://AKIA@lake.example/usage.parquet: a URL" in err and "s3cr3t" not in err and "f00d" not in err


def test_reprice_on_spark_without_java_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setattr(engines, "spark_missing", lambda: "Java (no java on PATH, no JAVA_HOME)")
    assert main(["reprice", str(EXAMPLE), "--engine", "spark"]) == 2
    err = capsys.readouterr().err
    assert "engine 'spark' needs Java" in err and "apt-get install default-jre-headless" in err


def test_billed_text_names_the_engine_and_never_an_absolute_path(tmp_path):
    log = tmp_path / "usage.parquet"
    shutil.copy(EXAMPLE, log)
    text = billed_text(log)
    assert str(tmp_path) not in text and "re-priced on duckdb" in text
    assert "set aside: 2 rows, endpoint not in catalog" in text


def test_notebook_06_declares_the_engine_and_the_rule_refuses_others():
    from analysis.report.params import parameter_types
    from analysis.report.rules import problems

    assert parameter_types(paths.NOTEBOOKS / "06-routing.ipynb")["engine"] == "str"
    assert problems({"engine": "spark"}) == []
    assert problems({"engine": "bigquery"}) == ["engine must be one of duckdb, spark (where the usage log is "
                                                "re-priced), got 'bigquery'"]

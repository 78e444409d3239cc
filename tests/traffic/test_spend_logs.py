"""A LiteLLM proxy's spend logs, read from a real PostgreSQL and from a CSV export, re-priced as a file would be."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic import spend_logs
from analysis.traffic.aliases import model_aliases
from analysis.traffic.logs import UsageLogError
from analysis.traffic.reprice import reprice_log
from tests.traffic import postgres
from tests.traffic.conftest import SPEND_LOG_MODELS

CAPS = traffic_capabilities.capabilities()
MODELS = list(CAPS.index)


def _priced_name(raw: str) -> str | None:
    aliases = model_aliases(MODELS)
    return raw if raw in MODELS else aliases.get(raw)


def _seconds(delta: pd.Series) -> np.ndarray:
    """Durations in seconds, correctly rounded (microseconds / 1e6; NaT -> NaN)."""
    us = delta.to_numpy().astype("timedelta64[us]")
    return np.where(np.isnat(us), np.nan, us.astype(np.int64) / 1e6)


def _as_usage_log(rows: pd.DataFrame, path) -> None:
    """The oracle: the same requests as a pricepoint usage log file (the mapping the brief states)."""
    model = rows.model.where(rows.model != "", rows.model_group)
    cached = [(__import__("json").loads(m).get("additional_usage_values") or {}).get("cache_read_input_tokens")
              for m in rows.metadata]
    pd.DataFrame({"timestamp": rows.startTime.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "model": model,
                  "input_tokens": rows.prompt_tokens, "output_tokens": rows.completion_tokens,
                  "cached_input_tokens": pd.array(cached, dtype="Int64")}).to_csv(path, index=False)


def _same_report(a, b) -> None:
    assert (a.rows_total, a.rows_priced, a.rows_set_aside) == (b.rows_total, b.rows_priced, b.rows_set_aside)
    assert a.problems[["kind", "rows"]].values.tolist() == b.problems[["kind", "rows"]].values.tolist()
    ta, tb = a.totals.set_index("scenario"), b.totals.set_index("scenario")
    assert list(ta.index) == list(tb.index)
    cents = lambda s: s.round(2).fillna(-1).tolist()  # noqa: E731
    assert cents(ta.cost_usd) == cents(tb.cost_usd)
    assert cents(ta.monthly_cost_usd) == cents(tb.monthly_cost_usd)
    assert ta.rows_unserved.tolist() == tb.rows_unserved.tolist()


@pytest.fixture(scope="module")
def oracle_log(litellm_db, tmp_path_factory):
    _, rows = litellm_db
    path = tmp_path_factory.mktemp("oracle") / "usage.csv"
    _as_usage_log(rows, path)
    return path


def test_the_database_reprices_to_the_cent_as_the_same_rows_in_a_file(litellm_db, oracle_log):
    url, rows = litellm_db
    with spend_logs.spend_log(url) as log:
        assert log.source == "postgresql" and log.rows == len(rows)
        from_db = reprice_log(log.parquet, CAPS)
        parquet = log.parquet
    assert not parquet.exists() and not parquet.parent.exists()  # the temporary folder is removed
    from_file = reprice_log(oracle_log, CAPS)
    _same_report(from_db, from_file)
    unknown = int(sum(_priced_name(m or g) is None for m, g in zip(rows.model, rows.model_group)))
    assert unknown > 0
    assert from_db.problems.set_index("kind").loc["unknown model", "rows"] == unknown
    # the as-logged cost by brute force: each known row at its model's list price
    known = [(_priced_name(m or g), p, c) for m, g, p, c in zip(rows.model, rows.model_group, rows.prompt_tokens,
                                                                 rows.completion_tokens)]
    brute = sum((p * CAPS.loc[m, "input_usd_per_mtok"] + c * CAPS.loc[m, "output_usd_per_mtok"]) / 1e6
                for m, p, c in known if m is not None)
    logged = from_db.totals.set_index("scenario").loc["as logged", "cost_usd"]
    assert round(logged, 2) == round(brute, 2)


def test_the_csv_export_gives_the_database_figures(litellm_db, tmp_path):
    import psycopg

    url, rows = litellm_db
    export = tmp_path / "spendlogs.csv"
    with psycopg.connect(url) as conn, conn.cursor() as cur, open(export, "wb") as fh:
        with cur.copy('COPY "LiteLLM_SpendLogs" TO STDOUT (FORMAT csv, HEADER)') as copy:  # what psql \copy writes
            for chunk in copy:
                fh.write(chunk)
    assert spend_logs.is_spend_log_csv(export)
    with spend_logs.spend_log(url) as db, spend_logs.spend_log(export) as csv:
        assert csv.source == "csv" and csv.rows == db.rows == len(rows)
        _same_report(reprice_log(db.parquet, CAPS), reprice_log(csv.parquet, CAPS))
        pd.testing.assert_frame_equal(spend_logs.latency(db, MODELS)[0], spend_logs.latency(csv, MODELS)[0])
        pd.testing.assert_frame_equal(spend_logs.by_model(db, MODELS), spend_logs.by_model(csv, MODELS))


def test_columns_are_mapped_to_the_usage_log_schema(litellm_db):
    url, rows = litellm_db
    import duckdb

    with spend_logs.spend_log(url) as log:
        got = duckdb.sql(f"SELECT * FROM read_parquet('{log.parquet}') ORDER BY request_id").df()
    rows = rows.sort_values("request_id").reset_index(drop=True)
    assert got.model.tolist() == rows.model.where(rows.model != "", rows.model_group).tolist()
    assert got.input_tokens.tolist() == rows.prompt_tokens.tolist()
    assert got.output_tokens.tolist() == rows.completion_tokens.tolist()
    assert got.billed_usd.tolist() == rows.spend.tolist()
    assert (got.timestamp.dt.tz_convert(None) == rows.startTime).all()
    # no completionStartTime: TTFT unknown (NaN), never 0
    no_first = rows.completionStartTime.isna().to_numpy()
    assert got.ttft_s.isna().to_numpy().tolist() == no_first.tolist() and (got.ttft_s[~no_first] > 0).all()
    ttft = _seconds(rows.completionStartTime - rows.startTime)
    assert np.array_equal(got.ttft_s[~no_first].to_numpy(), ttft[~no_first])
    assert np.array_equal(got.e2e_s.to_numpy(), _seconds(rows.endTime - rows.startTime))
    has_cache = rows.metadata.str.contains("cache_read_input_tokens").to_numpy()
    assert got.cached_input_tokens.notna().to_numpy().tolist() == has_cache.tolist()
    assert (got.cache_write_tokens[has_cache] == 0).all()


def test_latency_percentiles_per_model_equal_numpy(litellm_db):
    url, rows = litellm_db
    with spend_logs.spend_log(url) as log:
        table, set_aside = spend_logs.latency(log, MODELS, n_boot=300)
    ok = rows[rows.status != "failure"]
    names = [_priced_name(m or g) or (m or g) for m, g in zip(ok.model, ok.model_group)]
    ttft = _seconds(ok.completionStartTime - ok.startTime)
    e2e = _seconds(ok.endTime - ok.startTime)
    t = table.set_index(["model", "metric"])
    assert set(t.index.get_level_values(0)) == set(names)
    for model in set(names):
        mine = np.array([n == model for n in names])
        for metric, values in (("ttft_s", ttft[mine]), ("e2e_s", e2e[mine])):
            values = values[~np.isnan(values)]
            row = t.loc[(model, metric)]
            assert row.n == len(values)
            for q in (50, 90, 99):
                assert row[f"p{q}"] == np.percentile(values, q)
                assert row[f"p{q}_ci_low"] <= row[f"p{q}"] <= row[f"p{q}_ci_high"]
            assert row.ci == "bootstrap"
    counts = set_aside.set_index(["metric", "reason"]).rows
    assert counts[("ttft_s", "failed request")] == counts[("e2e_s", "failed request")] == (rows.status == "failure").sum()
    assert counts[("ttft_s", "no completionStartTime")] == (ok.completionStartTime.isna()).sum()
    assert ("e2e_s", "no endTime") not in counts.index  # every row has an endTime: nothing set aside for it


def test_the_proxy_bill_is_kept_beside_ours_per_model(litellm_db):
    url, rows = litellm_db
    with spend_logs.spend_log(url) as log:
        table = spend_logs.by_model(log, MODELS).set_index("model")
    names = pd.Series([_priced_name(m or g) or (m or g) for m, g in zip(rows.model, rows.model_group)])
    expected = rows.spend.groupby(names.values).sum()
    assert table.billed_usd.round(8).to_dict() == expected.round(8).to_dict()
    assert table.requests.sum() == len(rows)
    assert not table.loc["mystery-model-7", "known"] and table.loc["GPT-4o", "known"]
    assert table.loc["Claude 3.5 Sonnet", "requests"] == sum(n == "Claude 3.5 Sonnet" for n in names)


def test_since_and_until_filter_in_the_database(litellm_db):
    url, rows = litellm_db
    with spend_logs.spend_log(url, since="2026-10-10", until="2026-10-20") as log:
        n = log.rows
    expected = ((rows.startTime >= pd.Timestamp("2026-10-10")) & (rows.startTime < pd.Timestamp("2026-10-20"))).sum()
    assert n == expected and 0 < n < len(rows)


def test_errors_name_the_source_and_what_was_expected(postgres_server, tmp_path):
    url = postgres_server.url.replace("postgres@", "postgres:hunter2@")
    with pytest.raises(UsageLogError) as err:  # the server's default database has no spend logs
        with spend_logs.spend_log(url):
            pass
    assert "no table 'LiteLLM_SpendLogs'" in str(err.value) and "hunter2" not in str(err.value)
    bad = tmp_path / "export.csv"
    bad.write_text("request_id,model,spend\nr1,gpt-4o,0.1\n")
    with pytest.raises(UsageLogError, match="missing columns startTime, prompt_tokens, completion_tokens"):
        with spend_logs.spend_log(bad):
            pass
    with pytest.raises(UsageLogError, match="expected a CSV export of LiteLLM_SpendLogs"):
        with spend_logs.spend_log(bad.rename(tmp_path / "export.parquet")):
            pass
    closed = f"postgresql://postgres@127.0.0.1:{postgres._free_port()}/litellm"
    with pytest.raises(UsageLogError, match="cannot connect"):
        with spend_logs.spend_log(closed):
            pass


def test_a_damaged_export_sets_rows_aside_rather_than_failing(tmp_path):
    csv = tmp_path / "spendlogs.csv"
    csv.write_text("request_id,startTime,endTime,completionStartTime,model,prompt_tokens,completion_tokens,spend\n"
                   "a,2026-10-01 12:00:00,2026-10-01 12:00:03,2026-10-01 12:00:01,gpt-4o,1000,100,0.0035\n"
                   "b,not a time,2026-10-01 12:00:03,,gpt-4o,1000,100,0.0035\n"
                   "c,2026-10-02 12:00:00,2026-10-02 12:00:01,,gpt-4o,12.5,100,0.0035\n"
                   "d,2026-10-03 12:00:00,2026-10-03 11:59:59,,gpt-4o,10,100,\n")
    with spend_logs.spend_log(csv) as log:
        report = reprice_log(log.parquet, CAPS)
        table, set_aside = spend_logs.latency(log, MODELS)
        billed = spend_logs.by_model(log, MODELS).billed_usd.iloc[0]
    kinds = report.problems.set_index("kind").rows.to_dict()
    assert kinds == {"unparsable timestamp": 1, "missing or non-numeric tokens": 1}
    assert report.rows_priced == 2
    reasons = set_aside.set_index(["metric", "reason"]).rows.to_dict()
    assert reasons[("e2e_s", "unparsable startTime")] == 1 and reasons[("e2e_s", "time before startTime")] == 1
    e2e = table.set_index("metric").loc["e2e_s"]
    assert e2e.n == 2 and e2e.p50 == 2.0  # rows a (3 s) and c (1 s)
    assert billed == pytest.approx(0.0105)  # the row without spend is unknown, not 0, and the sum skips it
    ttft = table.set_index("metric").loc["ttft_s"]
    assert ttft.n == 1 and ttft.p50 == 1.0 and reasons[("ttft_s", "no completionStartTime")] == 1


def test_pricepoint_reprice_from_litellm_db(litellm_db, capsys):
    from analysis.cli import main

    url, rows = litellm_db
    with_password = url.replace("postgres@", "postgres:hunter2@")  # trust authentication: the password is unused
    assert main(["reprice", "--from-litellm-db", with_password]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert out.startswith(f"LiteLLM_SpendLogs on postgres@127.0.0.1:{url.rsplit(':', 1)[1]} (POSTGRESQL)")
    assert f"{len(rows):,} rows read" in out and f"Read {len(rows):,} requests" in out
    assert "as billed by the proxy" in out and "mystery-model-7 (not priced here)" in out
    assert sum(bool(re.match(r"^\S.*\s+TTFT\s+[\d,]+\s", ln)) for ln in out.splitlines()) == len(SPEND_LOG_MODELS)

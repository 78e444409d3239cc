"""Reading usage logs: a malformed JSONL line is set aside and counted with its line number; an empty or
header-only log is refused with a clear message, never priced as $0.00."""

from __future__ import annotations

import pytest

from analysis.cli import main
from analysis.traffic.logs import UsageLogError, scan_usage_log
from analysis.traffic.reprice import reprice_log

MODELS = ["GPT-4o", "DeepSeek V4 Flash"]
GOOD = '{"timestamp":"2026-10-01T00:00:00Z","model":"GPT-4o","input_tokens":1000,"output_tokens":500}'


def test_a_malformed_jsonl_line_is_set_aside_with_its_line_number(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join([GOOD, "{broken", "", GOOD.replace("GPT-4o", "DeepSeek V4 Flash"), "[1, 2]", GOOD]) + "\n")
    scan = scan_usage_log(log, MODELS, daily=False)
    assert int(scan.groups.rows.sum()) == 3
    assert scan.malformed.line.tolist() == [2, 5], "blank lines are not rows; line numbers count every line"
    assert scan.malformed.error.iloc[0].startswith("not JSON") and "not an object" in scan.malformed.error.iloc[1]
    report = reprice_log(log)
    assert report.rows_priced == 3 and report.rows_set_aside == 2
    cost = report.totals.set_index("scenario").loc["GPT-4o", "cost_usd"]
    assert cost == pytest.approx(3 * (1000 * 2.50 + 500 * 10.00) / 1e6), "the good rows are priced as usual"


def test_json_values_of_any_type_are_read_as_text_like_csv(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text(GOOD.replace('1000', '"1000"') + "\n" + GOOD.replace("500", "-5") + "\n")
    report = reprice_log(log)
    assert report.rows_priced == 1 and report.rows_set_aside == 1


@pytest.mark.parametrize("name, text, message", [
    ("empty.csv", "", "the file is empty"),
    ("empty.jsonl", "", "the file is empty"),
    ("header.csv", "timestamp,model,input_tokens,output_tokens\n", "the log has no rows"),
    ("blank.jsonl", "\n\n", "missing columns"),
])
def test_an_empty_or_header_only_log_is_refused(tmp_path, name, text, message):
    log = tmp_path / name
    log.write_text(text)
    with pytest.raises(UsageLogError, match=message):
        scan_usage_log(log, MODELS)


def test_reprice_exits_non_zero_on_an_empty_log(tmp_path, capsys):
    log = tmp_path / "header.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens\n")
    assert main(["reprice", str(log)]) == 2
    err = capsys.readouterr().err
    assert "the log has no rows" in err and "$0.00" not in err


def test_a_log_naming_models_by_api_id_is_priced_as_those_models(tmp_path):
    """The gateway's ids (data/gateway_models.csv) and the identity aliases name the same models."""
    log = tmp_path / "log.csv"
    rows = ["timestamp,model,input_tokens,output_tokens",
            "2026-10-01T00:00:00Z,gpt-4o,1000,500", "2026-10-01T01:00:00Z,GPT-4o,1000,500",
            "2026-10-01T02:00:00Z,claude-3-5-sonnet,2000,100", "2026-10-01T03:00:00Z,azure/gpt-4o,10,10",
            "2026-10-02T00:00:00Z,no-such-model,10,10"]
    log.write_text("\n".join(rows) + "\n")
    report = reprice_log(log)
    assert report.rows_priced == 3 and report.rows_set_aside == 2, "only the truly unknown names are set aside"
    logged = report.totals.set_index("scenario").loc["as logged", "cost_usd"]
    assert logged == pytest.approx((2 * (1000 * 2.50 + 500 * 10.00) + (2000 * 3.00 + 100 * 15.00)) / 1e6)
    kinds = report.problems.set_index("kind").rows
    assert kinds["unknown model"] == 2
    examples = {ex["model"] for ex in report.problems.set_index("kind").examples["unknown model"]}
    assert examples == {"azure/gpt-4o", "no-such-model"}
    from analysis.traffic.model_totals import reprice_models

    fast = reprice_models(log)
    assert (fast.rows_priced, fast.rows_set_aside) == (3, 2), "the fast path agrees"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_dated_api_id_is_priced_as_its_model_as_the_tariff_section_prices_it(tmp_path, suffix):
    """gpt-4o-2024-08-06 is GPT-4o (as resolve_api_id says, and as the tariff section bills it); a provider's path
    and a name that names nothing stay set aside, counted, with examples."""
    import pandas as pd

    from analysis.traffic.model_totals import reprice_models
    from analysis.traffic.tariff_logs import catalog_tables, price_log

    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2026-10-01 00:00", "2026-10-01 01:00", "2026-10-01 02:00",
                                                       "2026-10-01 03:00", "2026-10-02 00:00"], utc=True),
                          "model": ["gpt-4o-2024-08-06", "GPT-4o", "claude-3-5-sonnet-20241022", "azure/gpt-4o",
                                    "no-such-model"],
                          "input_tokens": [1000, 1000, 2000, 10, 10], "output_tokens": [500, 500, 100, 10, 10]})
    log = tmp_path / f"log{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(log, index=False)
    else:
        frame = frame.assign(timestamp=frame.timestamp.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        frame.to_csv(log, index=False) if suffix == ".csv" else frame.to_json(log, orient="records", lines=True)
    report = reprice_log(log)
    assert (report.rows_priced, report.rows_set_aside) == (3, 2)
    expected = (2 * (1000 * 2.50 + 500 * 10.00) + (2000 * 3.00 + 100 * 15.00)) / 1e6
    assert report.totals.set_index("scenario").loc["as logged", "cost_usd"] == pytest.approx(expected)
    examples = {ex["model"] for ex in report.problems.set_index("kind").examples["unknown model"]}
    assert examples == {"azure/gpt-4o", "no-such-model"}, "a resolved id is no example of an unknown model"
    fast = reprice_models(log)
    assert (fast.rows_priced, fast.rows_set_aside) == (3, 2), "the fast path resolves the same ids"
    billed = price_log(log, catalog_tables("article"), as_of="2026-11-30")
    same = billed.billed[billed.billed.model.isin(["gpt-4o-2024-08-06", "GPT-4o", "claude-3-5-sonnet-20241022"])]
    assert same.cost_usd.sum() == pytest.approx(expected), "both sections price the dated ids alike"


def test_the_shipped_2026_log_is_priced_whole_by_the_first_part():
    """Trial item 8: examples/my-usage-2026.csv names GPT-4o gpt-4o-2024-08-06; all 600 rows are priced (239 were
    set aside as unknown models), the id found in the scan's own pass."""
    from analysis import paths
    from analysis.traffic.capabilities import capabilities

    caps = capabilities()
    scan = scan_usage_log(paths.ROOT / "examples" / "my-usage-2026.csv", list(caps.index), daily=False)
    assert scan.resolved == {"gpt-4o-2024-08-06": "GPT-4o"}
    assert scan.groups.model.notna().all() and int(scan.groups.rows.sum()) == 600
    report = reprice_log(paths.ROOT / "examples" / "my-usage-2026.csv")
    assert (report.rows_priced, report.rows_set_aside) == (600, 0) and report.problems.empty

"""`pricepoint reprice` on a LiteLLM proxy's spend-log export: detected by its header, re-priced, with latency."""

from __future__ import annotations

import pytest

from tests.cli.runner import run_main

HEADER = "request_id,startTime,endTime,completionStartTime,model,model_group,prompt_tokens,completion_tokens,spend,status\n"
ROWS = ("a,2026-10-01 12:00:00,2026-10-01 12:00:02,2026-10-01 12:00:00.5,gpt-4o,,1000000,100000,3.5,success\n"
        "b,2026-10-02 12:00:00,2026-10-02 12:00:04,,gpt-4o,,1000000,0,2.5,success\n"
        "c,2026-10-03 12:00:00,2026-10-03 12:00:01,,,gpt-4o-mini,1000000,0,0.15,failure\n"
        "d,2026-10-04 12:00:00,2026-10-04 12:00:01,2026-10-04 12:00:00.2,mystery-7,,10,10,0.01,success\n")


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "spendlogs.csv"
    path.write_text(HEADER + ROWS)
    return path


def test_an_export_is_detected_by_its_header_and_repriced_with_its_latency(export, capsys, tmp_path):
    code, out, _ = run_main(["reprice", str(export), "--csv", str(tmp_path / "totals.csv")], capsys)
    assert code == 0, out
    assert "4 rows read: 3 priced, 1 set aside." in out  # mystery-7 is not priced here
    lines = {ln.split()[0] if not ln.startswith("mystery") else "mystery": ln for ln in out.splitlines() if ln.strip()}
    # as logged at list prices: GPT-4o 2 M input + 0.1 M output = $6.00; GPT-4o-mini 1 M input = $0.15
    assert "$6.15" in lines["as"]
    by_model = [ln for ln in out.splitlines() if ln.startswith("GPT-4o ")]
    assert any("$6.00" in ln and "$6.00" in ln.split("$6.00", 1)[1] for ln in by_model), by_model  # billed $6.00, ours $6.00
    assert any("mystery-7 (not priced here)" in ln and "$0.01" in ln and "n/a" in ln for ln in out.splitlines())
    ttft = [ln for ln in out.splitlines() if ln.startswith("GPT-4o ") and " TTFT " in ln][0]
    assert ttft.split()[2] == "1" and "0.50 [0.50, 0.50]" in ttft  # one sample: request b has no first token
    e2e = [ln for ln in out.splitlines() if ln.startswith("GPT-4o ") and "end-to-end" in ln][0]
    assert e2e.split()[2] == "2" and e2e.split()[3] == "3.00"  # p50 of 2 s and 4 s
    assert "set aside from TTFT: 1 requests (failed request" in out
    assert "set aside from TTFT: 1 requests (no completionStartTime" in out
    assert (tmp_path / "totals.latency.csv").exists()
    assert "spendlogs.csv (CSV)" in out and "pricepoint-spendlogs-" not in out  # named as given, not the temp file


def test_from_usage_log_reads_the_file_as_pricepoints_own_columns(export, capsys):
    code, _, err = run_main(["reprice", str(export), "--from", "usage-log"], capsys)
    assert code == 2 and "missing columns timestamp, input_tokens, output_tokens" in err


def test_since_and_until_keep_a_window_of_the_export(export, capsys):
    code, out, _ = run_main(["reprice", str(export), "--since", "2026-10-02", "--until", "2026-10-04"], capsys)
    assert code == 0 and "2 rows read: 2 priced, 0 set aside." in out  # requests b and c


@pytest.mark.parametrize("argv, message", [
    (["reprice", "examples/my-usage.csv", "--since", "2026-10-02"], "--since and --until apply to a LiteLLM spend log"),
    (["reprice", "x.csv", "--since", "October"], "expected a date YYYY-MM-DD"),
    (["reprice"], "no usage log given: pass a LOG file, or --from-litellm-db"),
    (["reprice", "x.csv", "--from-litellm-db", "postgresql://u@h/db"], "pass either a LOG file"),
    (["reprice", "--from-litellm-db", "mysql://u@h/db"], "expected a URL such as postgresql://"),
])
def test_a_missing_or_double_source_says_what_to_pass(argv, message, capsys):
    code, _, err = run_main(argv, capsys)
    assert code == 2 and message in err

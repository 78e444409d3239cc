"""Notebook 05-live-calls through papermill: emulated by default, a non-default run, and a LIVE run
against a local emulator that checks the key never lands in any file and model output is escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import papermill
import pytest

from analysis import paths
from analysis.calls.emulator import Emulator
from analysis.calls.policy import ERROR_CLASSES

NB = paths.NOTEBOOKS / "05-live-calls.ipynb"
pytestmark = pytest.mark.notebook


def run(out: Path, **params) -> dict:
    papermill.execute_notebook(str(NB), str(out / "05.ipynb"), parameters={"output_dir": str(out), **params},
                               kernel_name="python3", progress_bar=False, cwd=str(paths.ROOT))
    return json.loads((out / "05-live-calls" / "results.json").read_text())


def test_defaults_run_simulated_against_the_emulator(tmp_path, monkeypatch, run_notebook):
    monkeypatch.delenv("GLOBAL_API_KEY", raising=False)
    res, _ = run_notebook(NB, tmp_path)  # the session's run with the defaults (the default report's)
    r = res["results"]
    assert r["mode"] == "emulated" and r["label"] == "SIMULATED (local emulator)"
    assert r["models"] == ["DeepSeek V4 Flash", "GPT-4o", "Qwen3-32B"]
    for figures in r["percentiles"].values():
        ttft = figures["ttft_s"]
        assert 10 <= ttft["n"] <= 16
        assert ttft["p50"] <= ttft["p90"] <= ttft["p95"] <= ttft["p99"]
        assert ttft["p99_ci_low"] <= ttft["p99_ci_high"]
        assert ttft["p50"] > 0.3  # the emulated medians are 0.84-0.98 s; a timer is never early, a busy machine late
    # speeds: the median of the logged successes, each from its definition (how fast this machine streamed
    # is not asserted: on busy cores the emulator itself falls behind; tests/calls bound it by its clock)
    log = [json.loads(x) for x in (tmp_path / "05-live-calls" / "attempts.jsonl").read_text().splitlines()]
    for model in ("DeepSeek V4 Flash", "GPT-4o"):
        ok = [x for x in log if x["model"] == model and x["status"] == "ok" and x["route_task"] is None
              and x["tok_per_s"] is not None]
        assert r["percentiles"][model]["tok_per_s"]["p50"] == pytest.approx(float(np.median([x["tok_per_s"] for x in ok])))
        for x in ok:
            assert x["tok_per_s"] == pytest.approx((x["output_tokens"] - 1) / (x["e2e_s"] - x["ttft_s"]))
    assert sum(v["requests"] for v in r["requests"].values()) == 48
    c = r["counts"]  # one count behind the header, both tables and the findings (issue 11)
    assert c["timed_requests"] == 48 and c["requests"] == 48 + c["router_requests"]
    assert c["attempts"] == c["timed_attempts"] + c["router_attempts"]
    assert c["timed_attempts"] == sum(v["attempts"] for v in r["requests"].values())
    assert c["failed"] == c["timed_failed"] + c["router_failed"]
    assert sum(e["requests_failed"] for e in r["error_counts"].values()) == c["failed"]
    assert sum(e["attempts"] for e in r["error_counts"].values()) == c["error_attempts"]
    assert [f["prompt_id"] for f in r["router_failures"]] == ["code-1"]  # the injected drop, named
    assert set(r["error_counts"]) <= set(ERROR_CLASSES) and r["error_counts"]  # the seeded faults show
    # the router: Chinese to the computed best C-Eval value, code-1 falls back after the injected drop
    assert r["router_table"]["chinese"] == ["DeepSeek V4 Flash", "GPT-4o"]
    assert r["chinese_best_value"]["model"] == "DeepSeek V4 Flash"
    first = r["router_choices"][0]
    assert (first["prompt_id"], first["answered_by"], first["fallback_used"]) == ("code-1", "GPT-4o", True)
    assert first["tried"][0]["error_class"] == "dropped_connection"
    # reasoning is text: the same route as notebook 06's article router (data/router.csv), V4 Flash first
    assert r["router_table"]["reasoning"] == ["DeepSeek V4 Flash", "GPT-4o"]
    assert {c["prompt_id"]: c["route"][0] for c in r["router_choices"]}["reasoning-1"] == "DeepSeek V4 Flash"
    kinds = {h["kind"] for h in res["headlines"]}
    assert kinds == {"simulated", "computed"}
    assert all(h["text"].startswith("SIMULATED") for h in res["headlines"] if h["kind"] == "simulated")
    assert {f["name"] for f in res["figures"]} == {"ttft", "tok-per-s", "cost-per-request", "errors"}
    assert all("SIMULATED" in f["title"] for f in res["figures"])
    assert len(log) == sum(v["attempts"] for v in r["requests"].values()) + sum(
        t["attempts"] for c in r["router_choices"] for t in c["tried"])
    # every table the notebook shows carries the label
    nb = json.loads((tmp_path / f"{NB.stem}.ipynb").read_text())
    tables = [o["data"]["text/html"] for c in nb["cells"] for o in c.get("outputs", [])
              if "text/html" in o.get("data", {}) and "<table" in "".join(o["data"]["text/html"])]
    assert len(tables) >= 8 and all("SIMULATED" in "".join(t) or "Router table" in "".join(t) for t in tables)


def test_one_model_no_faults_no_router(tmp_path):
    r = run(tmp_path, mode="emulated", models="GPT-4o", prompts="code-1, chinese-1", requests_per_model=5,
            emulator_fault_rate=0.0, router_fault="", route_prompts=False, seed=3)["results"]
    assert list(r["percentiles"]) == ["GPT-4o"]
    assert r["requests"]["GPT-4o"] == {"model": "GPT-4o", "requests": 5, "ok": 5, "failed": 0, "incomplete": 0,
                                       "attempts": 5}
    assert r["percentiles"]["GPT-4o"]["ttft_s"]["n"] == 5
    assert r["error_counts"] == {} and r["router_choices"] == []
    cost = r["cost_per_request_usd"]["GPT-4o"]
    assert 0 < cost < 100 * 10.0 / 1e6 + 0.001  # at most 100 tokens at $10/M plus the prompt


def test_live_mode_never_writes_the_key_and_escapes_model_output(tmp_path, monkeypatch):
    """LIVE against a local emulator that insists on the sentinel key and replies with a script tag:
    every file written (executed notebook, HTML page, figures, results.json, the JSONL log) is
    searched for the key, and the page shows the reply as text."""
    from analysis.report.runner import run_one

    sentinel = "SENTINEL-pricepoint-7f3a9c2e41"
    reply = "<script>alert('pricepoint-xss')</script> done"
    monkeypatch.setenv("GLOBAL_API_KEY", sentinel)
    with Emulator(seed=1, time_scale=0.01, api_key=sentinel, reply=reply) as emu:
        emu.inject("unauthorized", model="deepseek-v4-flash", times=1)  # an error path too
        result = run_one(NB, tmp_path, {"output_dir": str(tmp_path), "mode": "live", "base_url": emu.base_url,
                                        "models": "GPT-4o, DeepSeek V4 Flash", "requests_per_model": 3,
                                        "prompts": "code-1"}, timeout_s=300)
        served = len(emu.requests)
    assert result.status == "ok", result.error
    assert served >= 6  # the calls really went out, with the key
    res = json.loads((tmp_path / "05-live-calls" / "results.json").read_text())
    assert res["results"]["mode"] == "live" and res["results"]["label"].startswith("LIVE (127.0.0.1:")
    assert {h["kind"] for h in res["headlines"]} <= {"measured", "computed"}
    assert res["results"]["error_counts"]["auth"]["attempts"] == 1
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".ipynb", ".html", ".json", ".jsonl", ".png", ".svg"}
    for path in written:
        assert sentinel.encode() not in path.read_bytes(), path
        assert b"SENTINEL-7f3a9c2e41" not in path.read_bytes(), path
    page = (tmp_path / "05-live-calls.html").read_text()
    assert not re.search(r"<script[^>]*>[^<]*pricepoint-xss", page)  # never a live script element
    assert "&lt;script&gt;alert('pricepoint-xss')&lt;/script&gt; done" in page  # shown as text
    assert "Check GLOBAL_API_KEY" in page


# --------------------------------------------------------------------------- failures are rows: every page renders


def _everything_written(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_503_model_listing_that_echoes_the_key_is_a_row_and_leaks_nothing(tmp_path, monkeypatch):
    """The listing fails with 503 every time, its body carrying the key and an event-handler tag: it is
    retried (Retry-After honoured), the calls still run, the page says what happened, and neither the
    key nor the raw tag appears in any file under the output folder."""
    from analysis.report.runner import run_one

    sentinel = "SENTINEL-pricepoint-503-4b1d9e7a"
    tag = "<img src=x onerror=alert(3)>"
    monkeypatch.setenv("GLOBAL_API_KEY", sentinel)
    with Emulator(seed=1, time_scale=0.01, api_key=sentinel) as emu:
        emu.inject("server_error", endpoint="models", status=503, times=None, retry_after_s=20,
                   message=f"upstream down for key {sentinel} {tag}")
        result = run_one(NB, tmp_path, {"output_dir": str(tmp_path), "mode": "live", "base_url": emu.base_url,
                                        "models": "GPT-4o", "requests_per_model": 2, "prompts": "code-1",
                                        "max_retries": 2, "route_prompts": False}, timeout_s=300)
        listing = [x["t"] for x in emu.requests if x.get("endpoint") == "models"]
    assert result.status == "ok", result.error
    assert len(listing) == 3 and all(gap >= 20 * 0.01 - 0.003 for gap in np.diff(listing))  # Retry-After honoured
    res = json.loads((tmp_path / "05-live-calls" / "results.json").read_text())
    assert res["results"]["requests"]["GPT-4o"]["ok"] == 2  # the calls ran anyway
    page = (tmp_path / "05-live-calls.html").read_text()
    assert "Could not list the models of the gateway" in page and "(3 attempts)" in page and "HTTP 503" in page
    assert any("Could not list the models" in h["text"] for h in res["headlines"])
    for path in _everything_written(tmp_path):
        data = path.read_bytes()
        assert sentinel.encode() not in data, path
        assert tag.encode() not in data and b"<img src=x" not in data, path


def test_zero_requests_render_the_page(tmp_path, monkeypatch):
    monkeypatch.delenv("GLOBAL_API_KEY", raising=False)
    res = run(tmp_path, mode="emulated", requests_per_model=0, route_prompts=False)
    r = res["results"]
    assert r["requests"] == {} and r["error_counts"] == {} and r["router_choices"] == []
    assert all(row["n"] == 0 for row in r["published_vs_run"])
    assert any("0 of 0 timed requests failed" in h["text"] for h in res["headlines"])


def test_zero_successes_render_the_page(tmp_path, monkeypatch):
    monkeypatch.delenv("GLOBAL_API_KEY", raising=False)
    res = run(tmp_path, mode="emulated", models="GPT-4o", prompts="code-1", requests_per_model=3,
              emulator_fault_rate=1.0, max_retries=0, router_fault="", route_prompts=False)
    r = res["results"]
    assert r["requests"]["GPT-4o"]["ok"] == 0 and r["requests"]["GPT-4o"]["requests"] == 3
    assert sum(v["attempts"] for v in r["error_counts"].values()) == 3
    assert r["percentiles"]["GPT-4o"]["ttft_s"]["n"] == 0 and r["percentiles"]["GPT-4o"]["ttft_s"]["p50"] is None
    assert any("3 of 3 timed requests failed" in h["text"] for h in res["headlines"])


def test_a_model_the_gateway_does_not_list_renders_the_page(tmp_path, monkeypatch):
    from analysis.calls.profiles import profiles_from_data
    from analysis.report.runner import run_one

    monkeypatch.setenv("GLOBAL_API_KEY", "any-key-for-this-test")
    without = {gid: p for gid, p in profiles_from_data().items() if gid != "gpt-4o"}
    with Emulator(without, seed=1, time_scale=0.01) as emu:
        result = run_one(NB, tmp_path, {"output_dir": str(tmp_path), "mode": "live", "base_url": emu.base_url,
                                        "models": "GPT-4o", "requests_per_model": 2, "prompts": "code-1, chinese-1"},
                         timeout_s=300)
    assert result.status == "ok", result.error
    res = json.loads((tmp_path / "05-live-calls" / "results.json").read_text())
    r = res["results"]
    assert r["unknown_gateway_models"] == {"GPT-4o": "gpt-4o"} and r["requests"] == {}
    assert {c["prompt_id"]: c["answered_by"] for c in r["router_choices"]}["chinese-1"] == "DeepSeek V4 Flash"
    assert "does not know 1 of" in (tmp_path / "05-live-calls.html").read_text()

"""Notebook 05-live-calls through papermill: emulated by default, a non-default run, and a LIVE run
against a local emulator that checks the key never lands in any file and model output is escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

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


def test_defaults_run_simulated_against_the_emulator(tmp_path, monkeypatch):
    monkeypatch.delenv("GLOBAL_API_KEY", raising=False)
    res = run(tmp_path)
    r = res["results"]
    assert r["mode"] == "emulated" and r["label"] == "SIMULATED (local emulator)"
    assert r["models"] == ["DeepSeek V4 Flash", "GPT-4o", "Qwen3-32B"]
    for figures in r["percentiles"].values():
        ttft = figures["ttft_s"]
        assert 10 <= ttft["n"] <= 16
        assert ttft["p50"] <= ttft["p90"] <= ttft["p95"] <= ttft["p99"]
        assert ttft["p99_ci_low"] <= ttft["p99_ci_high"]
        assert 0.3 < ttft["p50"] < 3.0  # the emulated medians are 0.84-0.98 s
    # the emulated speeds are the published ones (60 and 50 tok/s) within measurement noise
    assert r["percentiles"]["DeepSeek V4 Flash"]["tok_per_s"]["p50"] == pytest.approx(60, rel=0.2)
    assert r["percentiles"]["GPT-4o"]["tok_per_s"]["p50"] == pytest.approx(50, rel=0.2)
    assert sum(v["requests"] for v in r["requests"].values()) == 48
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
    log = tmp_path / "05-live-calls" / "attempts.jsonl"
    assert len(log.read_text().splitlines()) == sum(v["attempts"] for v in r["requests"].values()) + sum(
        t["attempts"] for c in r["router_choices"] for t in c["tried"])
    # every table the notebook shows carries the label
    nb = json.loads((tmp_path / "05.ipynb").read_text())
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

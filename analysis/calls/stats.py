"""Latency statistics of a run: per-request records, percentiles with bootstrap intervals, error counts."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.calls.policy import ERROR_CLASSES, STATUS_OK
from analysis.traffic.latency import bootstrap_percentiles  # shared with real traffic's latency (spend logs)

# --------------------------------------------------------------------------- statistics

PERCENTILES = (50, 90, 95, 99)

METRICS = {"ttft_s": "time to first token, s", "e2e_s": "end-to-end latency, s",
           "tpot_s": "time per output token, s", "tok_per_s": "output tokens per second",
           "cost_usd": "cost per request, USD"}


def records_frame(records: list[dict]) -> pd.DataFrame:
    """The attempt records as a table; unknown figures are NaN.

    >>> records_frame([]).columns[:3].tolist()
    ['request', 'model', 'attempt']
    """
    cols = ["request", "model", "attempt", "final", "status", "error_class", "http_status", "ttft_s", "e2e_s",
            "tpot_s", "tok_per_s", "input_tokens", "output_tokens", "usage", "cost_usd", "output_cost_usd",
            "retry_after_s", "next_wait_s", "prompt_id", "task_type", "rep", "message", "reply",
            "finish_reason", "done", "route_task", "route_rank", "mode", "time_scale"]
    frame = pd.DataFrame(records)
    for c in cols:
        if c not in frame:
            frame[c] = None
    for c in ("ttft_s", "e2e_s", "tpot_s", "tok_per_s", "input_tokens", "output_tokens", "cost_usd",
              "output_cost_usd", "retry_after_s", "next_wait_s", "http_status"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame[cols + [c for c in frame.columns if c not in cols]]


def final_requests(attempts: pd.DataFrame) -> pd.DataFrame:
    """One row per request (its final attempt) with ``attempts``, the number of attempts made.

    >>> f = final_requests(records_frame([{"request": "a", "attempt": 0, "final": False},
    ...                                   {"request": "a", "attempt": 1, "final": True}]))
    >>> f[["request", "attempts"]].values.tolist()
    [['a', 2]]
    """
    counts = attempts.groupby("request").size().rename("attempts")
    final = attempts[attempts.final.astype(bool)].drop_duplicates("request", keep="last")
    return final.merge(counts, left_on="request", right_index=True, how="left").reset_index(drop=True)


def percentile_table(requests: pd.DataFrame, metrics: Iterable[str] = ("ttft_s", "e2e_s", "tpot_s", "tok_per_s"),
                     qs: Iterable[float] = PERCENTILES, n_boot: int = 2000, seed: int = 0,
                     successful_only: bool = True) -> pd.DataFrame:
    """Per model and metric: the sample count, p50/p90/p95/p99 and a 95 % bootstrap CI for each.

    Only successful requests count (an incomplete stream is not a latency sample).
    """
    rows = []
    data = requests[requests.status == STATUS_OK] if successful_only else requests
    for model in dict.fromkeys(requests.model):
        sub = data[data.model == model]
        for metric in metrics:
            rows.append({"model": model, "metric": metric,
                         **bootstrap_percentiles(sub[metric].tolist(), qs, n_boot=n_boot, seed=seed)})
    columns = ["model", "metric", *bootstrap_percentiles([], qs)]
    return pd.DataFrame(rows, columns=columns)


def error_counts(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per error class: attempts that ended with it, and requests whose final outcome it was.

    >>> a = records_frame([{"request": "a", "attempt": 0, "final": False, "error_class": "rate_limit"},
    ...                    {"request": "a", "attempt": 1, "final": True, "status": "ok"}])
    >>> error_counts(a)[["error_class", "attempts", "requests_failed"]].values.tolist()
    [['rate_limit', 1, 0]]
    """
    errs = attempts[attempts.error_class.notna()]
    per_attempt = errs.groupby("error_class").size().rename("attempts")
    finals = errs[errs.final.astype(bool)].groupby("error_class").size().rename("requests_failed")
    table = pd.concat([per_attempt, finals], axis=1).fillna(0).astype(int).reset_index()
    table = table.rename(columns={"index": "error_class"})
    if table.empty:
        return pd.DataFrame({"error_class": pd.Series(dtype=object), "attempts": pd.Series(dtype=int),
                             "requests_failed": pd.Series(dtype=int), "meaning": pd.Series(dtype=object)})
    table["meaning"] = table.error_class.map(ERROR_CLASSES)
    return table.sort_values(["attempts", "error_class"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- tables for the notebook


def requests_by_model(requests: pd.DataFrame) -> pd.DataFrame:
    """Per model: requests, how many succeeded, failed or came back incomplete, and attempts made.

    >>> r = final_requests(records_frame([
    ...     {"request": "a", "model": "M", "attempt": 0, "final": True, "status": "ok"},
    ...     {"request": "b", "model": "M", "attempt": 0, "final": True, "status": "incomplete"}]))
    >>> requests_by_model(r).to_dict(orient="records")
    [{'model': 'M', 'requests': 2, 'ok': 1, 'failed': 0, 'incomplete': 1, 'attempts': 2}]
    """
    rows = []
    for model in dict.fromkeys(requests.model):
        sub = requests[requests.model == model]
        rows.append({"model": model, "requests": len(sub), "ok": int((sub.status == STATUS_OK).sum()),
                     "failed": int((sub.status == "error").sum()),
                     "incomplete": int((sub.status == "incomplete").sum()),
                     "attempts": int(sub.attempts.sum())})
    return pd.DataFrame(rows, columns=["model", "requests", "ok", "failed", "incomplete", "attempts"])


def percentiles_dict(table: pd.DataFrame) -> dict:
    """``percentile_table`` as model -> metric -> figures, the shape of results.json.

    >>> t = pd.DataFrame([{"model": "M", "metric": "ttft_s", "n": 2, "p50": 1.0}])
    >>> percentiles_dict(t)
    {'M': {'ttft_s': {'n': 2, 'p50': 1.0}}}
    """
    out: dict = {}
    for row in table.to_dict(orient="records"):
        model, metric = row.pop("model"), row.pop("metric")
        out.setdefault(model, {})[metric] = row
    return out


def published_comparison(requests: pd.DataFrame, model_facts: pd.DataFrame) -> pd.DataFrame:
    """Per model: the published speed and p99 TTFT range beside this run's median tok/s and p99 TTFT.

    >>> req = pd.DataFrame({"model": ["GPT-4o"], "status": ["ok"], "tok_per_s": [48.0], "ttft_s": [1.0]})
    >>> from analysis.data.load import load_model_facts
    >>> row = published_comparison(req, load_model_facts()).iloc[0]
    >>> float(row.published_tok_per_s), float(row.median_tok_per_s)
    (50.0, 48.0)

    With no request at all it is an empty table with the same columns:

    >>> published_comparison(req.iloc[:0], load_model_facts()).columns.tolist()[:3]
    ['model', 'published_tok_per_s', 'median_tok_per_s']
    """
    facts = model_facts.set_index("model")
    ok = requests[requests.status == STATUS_OK]
    rows = []
    for model in dict.fromkeys(requests.model):
        sub = ok[ok.model == model]
        f = facts.loc[model] if model in facts.index else None
        tok = sub.tok_per_s.dropna()
        ttft = sub.ttft_s.dropna()
        rows.append({"model": model,
                     "published_tok_per_s": f.output_tok_per_s if f is not None else math.nan,
                     "median_tok_per_s": float(tok.median()) if len(tok) else math.nan,
                     "published_ttft_p99_low_s": f.ttft_p99_low_s if f is not None else math.nan,
                     "published_ttft_p99_high_s": f.ttft_p99_high_s if f is not None else math.nan,
                     "p99_ttft_s": float(np.percentile(ttft, 99)) if len(ttft) else math.nan,
                     "n": int(len(sub))})
    return pd.DataFrame(rows, columns=["model", "published_tok_per_s", "median_tok_per_s", "published_ttft_p99_low_s",
                                       "published_ttft_p99_high_s", "p99_ttft_s", "n"])


def published_ranges(model_facts: pd.DataFrame, metric: str) -> dict[str, tuple[float, float]]:
    """The article's figure per model as a (low, high) range for a chart: the p99 TTFT range, or the speed.

    >>> from analysis.data.load import load_model_facts
    >>> published_ranges(load_model_facts(), "ttft_s")["GPT-4o"], published_ranges(load_model_facts(), "tok_per_s")["GPT-4o"]
    ((1.5, 2.0), (50.0, 50.0))
    """
    f = model_facts
    if metric == "ttft_s":
        return {m: (lo, hi) for m, lo, hi in zip(f.model, f.ttft_p99_low_s, f.ttft_p99_high_s)}
    if metric == "tok_per_s":
        return {m: (v, v) for m, v in zip(f.model, f.output_tok_per_s)}
    raise ValueError(f"no published figure for {metric!r}; expected ttft_s or tok_per_s")

"""A seeded synthetic usage log for demonstrations and tests, labelled simulated."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.traffic import workload as traffic_workload
from analysis.traffic.logs import log_format

# --------------------------------------------------------------------------- synthetic logs

#: Models of the generated demo log's text requests and their shares (vision goes to GPT-4o).
DEMO_LOG_MODELS = {"GPT-4o": 0.6, "Claude 3.5 Sonnet": 0.25, "GPT-4o-mini": 0.15}

_BAD_VALUES = {
    "unparsable timestamp": ("timestamp", "yesterday afternoon"),
    "unknown model": ("model", "GPT-5 (not in the pricing table)"),
    "missing or non-numeric tokens": ("output_tokens", "twelve"),
    "negative tokens": ("input_tokens", "-40"),
    "unknown task_type": ("task_type", "poetry"),
}


#: The bad-row kinds the generator can plant (a malformed line is not one of them).
DEMO_BAD_ROW_KINDS = tuple(_BAD_VALUES)
#: Bump when generate_usage_log changes what it writes: cached demo logs are keyed by it.
DEMO_LOG_VERSION = 1


def generate_usage_log(path: str | os.PathLike, rows: int = 10_000, seed: int = 0,
                       workload: traffic_workload.Workload | None = None,
                       models: Mapping[str, float] | None = None, start: str = "2026-10-01",
                       days: float = 30.0, bad_rows: Mapping[str, int] | None = None,
                       long_requests: int = 0, task_type: bool = True,
                       chunk_rows: int = 1_000_000) -> Path:
    """Write a seeded synthetic usage log (CSV, JSONL or Parquet, from the extension); a simulation.

    Task types follow ``workload``'s shares (default: the shipped example), tokens are
    log-normal around its means, timestamps uniform over ``days`` from ``start``, text requests
    go to ``models`` in proportion and vision requests to GPT-4o. ``bad_rows`` plants that
    many rows of each kind in :data:`BAD_ROW_KINDS` (other than malformed lines), and
    ``long_requests`` rows of 150,000 input tokens (longer than a 128K window). Written in
    chunks of ``chunk_rows``, so ten million rows need little memory.

    >>> import tempfile, pathlib
    >>> p = generate_usage_log(pathlib.Path(tempfile.mkdtemp()) / "l.parquet", rows=10, seed=3)
    >>> import pyarrow.parquet as pq; pq.read_table(p).num_rows
    10
    """
    import pyarrow as pa

    path = Path(path)
    fmt = log_format(path)
    workload = workload or traffic_workload.example_workload()
    models = dict(models or DEMO_LOG_MODELS)
    bad_rows = dict(bad_rows or {})
    for kind in bad_rows:
        if kind not in _BAD_VALUES:
            raise ValueError(f"bad_rows: got kind {kind!r}; expected one of {', '.join(_BAD_VALUES)}")
    if "unknown task_type" in bad_rows and not task_type:
        raise ValueError("bad_rows: an unknown task_type needs task_type=True")
    rng = np.random.default_rng(seed)
    n_bad = sum(bad_rows.values())
    if n_bad + long_requests > rows:
        raise ValueError(f"rows={rows} is fewer than the {n_bad + long_requests} special rows asked for")
    special = rng.choice(rows, size=n_bad + long_requests, replace=False) if n_bad + long_requests else np.array([], int)
    special_kind = np.array([k for k, n in bad_rows.items() for _ in range(n)] + ["long"] * long_requests, dtype=object)
    order = np.argsort(special)
    special, special_kind = special[order], special_kind[order]

    tasks = workload.tasks
    task_names = np.array(tasks.task_type, dtype=object)
    task_p = tasks.share.to_numpy(float)
    task_p = task_p / task_p.sum()
    mean_in = tasks.input_tokens.to_numpy(float)
    mean_out = tasks.output_tokens.to_numpy(float)
    model_names = np.array(list(models), dtype=object)
    model_p = np.array(list(models.values()), float)
    model_p = model_p / model_p.sum()
    all_models = list(dict.fromkeys([*model_names, "GPT-4o", "Claude 3.5 Sonnet", _BAD_VALUES["unknown model"][1]]))
    start_ts = np.datetime64(pd.Timestamp(start).tz_localize(None).to_datetime64(), "us")
    span_us = int(days * 86400e6)
    sigma = 0.6
    strings = fmt != "parquet" or bool(set(bad_rows) & {"unparsable timestamp", "missing or non-numeric tokens"})

    writer = None
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    try:
        for lo in range(0, rows, chunk_rows):
            n = min(chunk_rows, rows - lo)
            t_idx = rng.choice(len(task_names), size=n, p=task_p)
            m_idx = rng.choice(len(model_names), size=n, p=model_p)
            model_col = np.array([all_models.index(m) for m in model_names], np.int32)[m_idx]
            model_col[task_names[t_idx] == "vision"] = all_models.index("GPT-4o")
            mu_shift = -sigma**2 / 2
            inp = np.maximum(1, np.rint(mean_in[t_idx] * rng.lognormal(mu_shift, sigma, n))).astype(np.int64)
            out = np.maximum(1, np.rint(mean_out[t_idx] * rng.lognormal(mu_shift, sigma, n))).astype(np.int64)
            ts = start_ts + rng.integers(0, span_us, n).astype("timedelta64[us]")
            in_chunk = (special >= lo) & (special < lo + n)
            pos, kinds = special[in_chunk] - lo, special_kind[in_chunk]
            long_pos = pos[kinds == "long"]
            inp[long_pos] = 150_000
            model_col[long_pos] = all_models.index("Claude 3.5 Sonnet")
            if strings:
                cols = {
                    "timestamp": pd.Series(ts).dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(dtype=object),
                    "model": np.array(all_models, dtype=object)[model_col],
                    "input_tokens": inp.astype(str).astype(object),
                    "output_tokens": out.astype(str).astype(object),
                }
                if task_type:
                    cols["task_type"] = task_names[t_idx]
                for p, kind in zip(pos, kinds):
                    if kind in _BAD_VALUES:
                        col, value = _BAD_VALUES[kind]
                        cols[col][p] = value
                frame = pd.DataFrame(cols)
                if fmt == "parquet":
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                else:
                    table = None
            else:
                for p, kind in zip(pos, kinds):
                    if kind == "negative tokens":
                        inp[p] = -40
                    elif kind == "unknown model":
                        model_col[p] = all_models.index(_BAD_VALUES["unknown model"][1])
                    elif kind == "unknown task_type":
                        t_idx[p] = -1
                arrays = {
                    "timestamp": pa.array(ts, pa.timestamp("us", tz="UTC")),
                    "model": pa.DictionaryArray.from_arrays(pa.array(model_col, pa.int32()), pa.array(all_models)),
                    "input_tokens": pa.array(inp, pa.int64()),
                    "output_tokens": pa.array(out, pa.int64()),
                }
                if task_type:
                    names = [*task_names, _BAD_VALUES["unknown task_type"][1]]
                    t_codes = np.where(t_idx < 0, len(names) - 1, t_idx).astype(np.int32)
                    arrays["task_type"] = pa.DictionaryArray.from_arrays(pa.array(t_codes), pa.array(names))
                table = pa.table(arrays)
            if fmt == "parquet":
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            elif fmt == "csv":
                frame.to_csv(path, mode="a", header=lo == 0, index=False)
            else:
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(frame.to_json(orient="records", lines=True).rstrip("\n") + "\n")
    finally:
        if writer is not None:
            writer.close()
    return path


def given_or_demo_log(usage_log: str | os.PathLike | None, workload: traffic_workload.Workload | None = None,
                      rows: int = 20_000, seed: int = 7) -> tuple[Path, bool]:
    """The user's usage log, or (when ``usage_log`` is empty) a seeded demo log: ``(path, generated)``.

    The demo log follows ``workload``'s mix and carries two rows of every bad-row kind, so the
    report shows how they are set aside. It is written once into the cache folder
    (:func:`analysis.paths.cache_dir`), named after what it depends on, and reused: nothing is left
    in the system's temporary folder.

    >>> path, generated = given_or_demo_log("", rows=50, seed=1)
    >>> generated, path.suffix, sum(1 for _ in open(path)) > 50
    (True, '.csv', True)
    >>> given_or_demo_log("", rows=50, seed=1)[0] == path
    True
    >>> given_or_demo_log("/data/my-log.parquet")
    (PosixPath('/data/my-log.parquet'), False)
    """
    import hashlib
    import json

    from analysis import paths

    if usage_log and str(usage_log).strip():
        return Path(usage_log).expanduser(), False
    shares = None if workload is None else workload.tasks[["task_type", "share", "input_tokens", "output_tokens"]]
    key = json.dumps({"rows": int(rows), "seed": int(seed), "version": DEMO_LOG_VERSION,
                      "workload": None if shares is None else shares.to_dict(orient="records")}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    path = paths.cache_dir() / "demo-logs" / f"demo-usage-log-{digest}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.csv")
        try:
            generate_usage_log(tmp, rows=int(rows), seed=int(seed), workload=workload,
                               bad_rows={k: 2 for k in DEMO_BAD_ROW_KINDS})
            os.replace(tmp, path)  # complete or absent, even with two runs at once
        finally:
            tmp.unlink(missing_ok=True)
    return path, True


#: The 2026 log's models, as an API names them, with their shares (a simulation).
TARIFF_LOG_MODELS = {"gpt-4o-2024-08-06": 0.4, "claude-3-5-sonnet": 0.3, "deepseek-v4-flash": 0.2, "gpt-4o-mini": 0.1}


def generate_tariff_log(path: str | os.PathLike, rows: int = 600, seed: int = 0, start: str = "2026-11-02",
                        days: float = 21.0, bad_rows: int = 1) -> Path:
    """Write a seeded synthetic usage log with 2026 token kinds (CSV, JSONL or Parquet); a simulation.

    API ids of :data:`TARIFF_LOG_MODELS`; about half the requests read a cached prompt prefix (a share of
    their input), some write one, GPT-4o requests are a fifth batch, a tenth go through OpenRouter, and
    reasoning is a third of the output of Claude's. ``bad_rows`` plants that many rows with an unknown
    service tier and with more cache tokens than input tokens.

    >>> import tempfile, pathlib
    >>> p = generate_tariff_log(pathlib.Path(tempfile.mkdtemp()) / "l.csv", rows=20, seed=1)
    >>> sorted(pd.read_csv(p).columns)[:3]
    ['cache_write_tokens', 'cached_input_tokens', 'input_tokens']
    """
    path = Path(path)
    fmt = log_format(path)
    rng = np.random.default_rng(seed)
    models = np.array(list(TARIFF_LOG_MODELS))
    model = rng.choice(models, rows, p=list(TARIFF_LOG_MODELS.values()))
    ts = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(rng.uniform(0, days * 86400, rows).round(), unit="s")
    inp = np.maximum(rng.lognormal(np.log(3000), 0.9, rows).astype("int64"), 50)
    out = np.maximum(rng.lognormal(np.log(400), 0.8, rows).astype("int64"), 1)
    cached = np.where(rng.random(rows) < 0.5, (inp * rng.uniform(0.3, 0.9, rows)).astype("int64"), 0)
    write = np.where((cached == 0) & (rng.random(rows) < 0.2), (inp * 0.5).astype("int64"), 0)
    gpt = np.char.startswith(model.astype(str), "gpt-4o-2024")
    tier = np.where(gpt & (rng.random(rows) < 0.2), "batch", "")
    provider = np.where(gpt & (tier == "") & (rng.random(rows) < 0.1), "openrouter", "")
    reasoning = np.where(model == "claude-3-5-sonnet", out // 3, 0)
    frame = pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": model, "input_tokens": inp,
                          "output_tokens": out, "cached_input_tokens": cached, "cache_write_tokens": write,
                          "reasoning_tokens": reasoning, "service_tier": tier, "provider": provider})
    bad = rng.choice(rows, 2 * bad_rows, replace=False)
    frame.loc[bad[:bad_rows], "service_tier"] = "turbo"
    frame.loc[bad[bad_rows:], "cached_input_tokens"] = frame.loc[bad[bad_rows:], "input_tokens"] + 100
    if fmt == "parquet":
        frame.assign(timestamp=pd.to_datetime(frame.timestamp)).to_parquet(path, index=False)
    elif fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True)
    return path

"""Fixtures of the traffic tests: a real PostgreSQL holding a LiteLLM proxy's spend logs (started once, removed after)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from tests.traffic import postgres

#: Models as a LiteLLM proxy logs them (API ids), one the pricing table does not know.
SPEND_LOG_MODELS = ("gpt-4o", "claude-3-5-sonnet-latest", "gpt-4o-mini", "deepseek-v4-flash", "mystery-model-7")


def spend_log_rows(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Random spend-log rows in LiteLLM's columns: every model, some with cache tokens, some without
    completionStartTime, some failed, some with an empty ``model`` but a ``model_group``; times in ms."""
    rng = np.random.default_rng(seed)
    t0 = dt.datetime(2026, 10, 1)
    start = [t0 + dt.timedelta(milliseconds=int(ms)) for ms in rng.integers(0, 30 * 86_400_000, n)]
    ttft_ms = np.round(rng.lognormal(-1.0, 0.6, n) * 1000).astype(int)
    rest_ms = np.round(rng.lognormal(0.3, 0.7, n) * 1000).astype(int)
    model = rng.choice(SPEND_LOG_MODELS, n)
    group = np.where(rng.random(n) < 0.05, model, "")
    logged = np.where(group != "", "", model)  # model empty: the proxy's model_group names it
    cached = np.where(rng.random(n) < 0.3, rng.integers(0, 2000, n), -1)
    no_first = rng.random(n) < 0.12
    failed = rng.random(n) < 0.03
    prompt = rng.integers(5, 8000, n)
    rows = []
    for i in range(n):
        meta = {"user_api_key_alias": "team-a"}
        if cached[i] >= 0:
            meta["additional_usage_values"] = {"cache_read_input_tokens": int(min(cached[i], prompt[i])),
                                               "cache_creation_input_tokens": 0}
        rows.append({
            "request_id": f"req-{i:06d}", "call_type": "acompletion", "spend": round(float(rng.random()) / 50, 8),
            "prompt_tokens": int(prompt[i]), "completion_tokens": 0 if failed[i] else int(rng.integers(1, 1500)),
            "startTime": start[i], "completionStartTime": None if no_first[i] or failed[i]
            else start[i] + dt.timedelta(milliseconds=int(ttft_ms[i])),
            "endTime": start[i] + dt.timedelta(milliseconds=int(ttft_ms[i] + rest_ms[i])),
            "model": str(logged[i]), "model_group": str(group[i]), "custom_llm_provider": "openai",
            "metadata": json.dumps(meta), "status": "failure" if failed[i] else "success"})
    return pd.DataFrame(rows)


def _plain(v):
    """A pandas cell as psycopg writes it: NaT and NaN are NULL, timestamps and numbers plain Python."""
    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if isinstance(v, np.generic) else v


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of its own for the session (skipped with the install hint where there is none)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed: run make env")
    if postgres.postgres_bin() is None:
        pytest.skip(postgres.INSTALL_HINT)
    server = postgres.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def litellm_db(postgres_server):
    """A database with LiteLLM's spend-log table (from its Prisma schema) full of :func:`spend_log_rows`."""
    import psycopg

    rows = spend_log_rows()
    url = postgres_server.url.rsplit("/", 1)[0] + "/litellm"
    with psycopg.connect(postgres_server.url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE litellm")
    with psycopg.connect(url) as conn:
        conn.execute(postgres.create_table_sql())
        cols = list(rows.columns)
        quoted = ", ".join(f'"{c}"' for c in cols)
        with conn.cursor() as cur, cur.copy(f'COPY "LiteLLM_SpendLogs" ({quoted}) FROM STDIN') as copy:
            for r in rows.itertuples(index=False):
                copy.write_row([_plain(v) for v in r])
    return url, rows

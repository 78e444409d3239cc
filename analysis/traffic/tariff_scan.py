"""Reading a usage log with 2026 token kinds: its optional columns and their checks, the grouped DuckDB scan,
and which endpoint of a catalog billed each row (:mod:`analysis.traffic.tariff_logs` prices what this reads).

>>> _bucket_sql("x", [10, 20], ">")
'CASE WHEN x > 20 THEN 2 ELSE CASE WHEN x > 10 THEN 1 ELSE 0 END END'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.traffic.logs import _connect, _locate_lines, _sql_str, _token_exprs

#: The optional columns a log may add for 2026 tariffs.
TARIFF_COLUMNS = ("cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "service_tier", "provider")
SERVICE_TIERS = ("standard", "batch", "flex", "priority")
_OPTIONAL_TOKENS = ("cached_input_tokens", "cache_write_tokens", "reasoning_tokens")

#: Every kind of row the log itself sets aside, in the order a row is counted (its first problem), with what
#: was expected instead. Rows the tariff cannot price are counted under tariff_costs' reasons.
TARIFF_ROW_KINDS = {
    "malformed line": "a CSV line with as many fields as the header, or a JSONL line holding one JSON object",
    "unparsable timestamp": "a date and time such as 2026-10-01T12:00:00Z",
    "missing or non-numeric tokens": "input_tokens and output_tokens as whole numbers",
    "non-numeric cache or reasoning tokens": "cached_input_tokens, cache_write_tokens, reasoning_tokens empty or "
                                             "whole numbers",
    "negative tokens": "token counts >= 0",
    "cache tokens exceed input tokens": "cached_input_tokens + cache_write_tokens <= input_tokens",
    "reasoning tokens exceed output tokens": "reasoning_tokens <= output_tokens",
    "unknown service_tier": "empty or one of " + ", ".join(SERVICE_TIERS),
    "unknown model": "a model (API id, alias or endpoint key) the catalog prices",
    "unknown provider": "empty (the maker's own API) or a provider the catalog lists for the model",
}
_FLAG_KINDS = list(TARIFF_ROW_KINDS)[1:8]  # bit i of the scan's problem flag, in this order

# --------------------------------------------------------------------------- endpoints


def _rank(ep: pd.DataFrame) -> pd.DataFrame:
    """Endpoints in the order one is preferred: standard tier, global region, API id equal to the model id, shortest."""
    return ep.assign(_std=(ep.service_tier != "standard").astype(int), _reg=(ep.region != "").astype(int),
                     _ex=(ep.api_model_id.str.lower() != ep.canonical_model_id).astype(int),
                     _len=ep.api_model_id.str.len()).sort_values(["_std", "_reg", "_ex", "_len", "endpoint_key"])


def first_party_endpoints(endpoints: pd.DataFrame) -> dict[str, str]:
    """Canonical model id -> its first-party endpoint key (:func:`analysis.data.identity.default_endpoints`).

    A model whose first-party endpoint is no longer current keeps it (its history still prices old rows).
    """
    from analysis.data.identity import default_endpoints, load_identity

    out = dict(zip(*(default_endpoints(endpoints, load_identity())[c] for c in ("canonical_model_id",
                                                                                "endpoint_key"))))
    fp = _rank(endpoints[endpoints.first_party.fillna(False).astype(bool)])
    for cid, key in zip(fp.canonical_model_id, fp.endpoint_key):
        out.setdefault(cid, key)
    return out


def resolve_endpoints(pairs: Sequence[tuple[str | None, str | None]], endpoints: pd.DataFrame) -> dict[tuple, tuple]:
    """(model as logged, provider or None) -> (endpoint key or None, why not): the endpoint that billed the row.

    An endpoint key (``openai/gpt-4o``) is taken as is; otherwise the model's API id or alias is resolved to
    the canonical model (``gpt-4o-2024-08-06`` is GPT-4o) and the provider's endpoint of it is taken (an
    endpoint with that exact API id first), or its first-party endpoint when no provider is given.
    """
    from analysis.data.identity import load_identity, resolve

    ident = load_identity()
    keys = set(endpoints.endpoint_key)
    ranked = _rank(endpoints)
    fp = first_party_endpoints(endpoints)
    prov = ranked.provider.str.lower().to_numpy()
    api = ranked.api_model_id.str.lower().to_numpy()
    cids = ranked.canonical_model_id.to_numpy()
    known_cids = set(cids)
    out = {}
    for model, provider in pairs:
        if model is None:
            out[(model, provider)] = (None, "unknown model")
            continue
        if model in keys and provider is None:
            out[(model, provider)] = (model, None)
            continue
        cid = resolve(model, ident)
        if cid not in known_cids:
            out[(model, provider)] = (None, "unknown model")
            continue
        if provider is None:
            exact = ranked.endpoint_key[(api == model.lower()) & ranked.first_party.fillna(False).to_numpy(bool)]
            key = exact.iloc[0] if len(exact) else fp.get(cid)
            out[(model, provider)] = (key, None) if key else (None, "unknown provider")
            continue
        mine = (prov == provider) & (cids == cid)
        exact = mine & (api == model.lower())
        hit = ranked.endpoint_key[exact if exact.any() else mine]
        out[(model, provider)] = (hit.iloc[0], None) if len(hit) else (None, "unknown provider")
    return out


# --------------------------------------------------------------------------- the grouped scan


def _bucket_sql(expr: str, bounds: Sequence[int], op: str) -> str:
    """SQL for how many of the sorted ``bounds`` satisfy ``expr op bound``, as a binary search of CASEs.

    >>> _bucket_sql("x", [10, 20], ">")
    'CASE WHEN x > 20 THEN 2 ELSE CASE WHEN x > 10 THEN 1 ELSE 0 END END'
    """
    def tree(lo: int, hi: int) -> str:
        if lo == hi:
            return str(lo)
        mid = (lo + hi) // 2
        return f"CASE WHEN {expr} {op} {bounds[mid]} THEN {tree(mid + 1, hi)} ELSE {tree(lo, mid)} END"

    return tree(0, len(bounds))


def _boundaries(tables: Mapping[str, pd.DataFrame]) -> dict:
    """What the tariffs can tell apart: price-period days, time-of-day minutes, input-token thresholds, weekdays."""
    ep, tiers = tables["endpoints"], tables["tiers"]
    days = pd.concat([ep.effective_from, ep.effective_to]).dropna().astype("datetime64[s]")
    epoch_days = sorted({int((d - pd.Timestamp("1970-01-01")).days) for d in days})
    minutes = sorted(({int(m) for m in ep.utc_start_minute} | {int(m) for m in ep.utc_end_minute}) - {0, 1440})
    thresholds = sorted({int(t) for t in tiers.threshold_input_tokens}
                        | {int(c) for c in ep.context_window_tokens.dropna()})
    return {"days": epoch_days, "minutes": minutes, "thresholds": thresholds,
            "weekdays": bool((ep.utc_weekday_mask != 127).any()),
            "excess": bool((tiers.rule == "excess").any())}


def _scan_sql(src, b: Mapping, per_row: bool) -> str:
    """The grouped pass: one row per group of rows the tariffs price alike, with token sums."""
    types = ({c: t.upper() for c, t in src.schema.items()} if src.format == "parquet"
             else {c: "VARCHAR" for c in src.schema})
    opt, bad_opt = {}, []
    for name in _OPTIONAL_TOKENS:
        if name not in src.schema:
            opt[name] = "0"
            continue
        num, bad = _token_exprs(name, types[name])
        present = (f"{name} IS NOT NULL" if types[name] != "VARCHAR"
                   else f"nullif(trim(CAST({name} AS VARCHAR)), '') IS NOT NULL")
        opt[name] = f"coalesce({num}, 0)"
        bad_opt.append(f"({present} AND {bad})")
    tier = ("coalesce(nullif(lower(trim(CAST(service_tier AS VARCHAR))), ''), 'standard')"
            if "service_tier" in src.schema else "'standard'")
    provider = ("nullif(lower(trim(CAST(provider AS VARCHAR))), '')" if "provider" in src.schema
                else "NULL::VARCHAR")
    tiers = ", ".join(_sql_str(t) for t in SERVICE_TIERS)
    problems = ["ts IS NULL", "bad_tokens", "bad_opt",
                "NOT (bad_tokens OR bad_opt) AND (inp < 0 OR outp < 0 OR cr < 0 OR cw < 0 OR rs < 0)",
                "NOT (bad_tokens OR bad_opt) AND cr + cw > inp", "NOT (bad_tokens OR bad_opt) AND rs > outp",
                f"tier NOT IN ({tiers})"]
    flag = " + ".join(f"{1 << i} * coalesce({p}, false)::UTINYINT" for i, p in enumerate(problems))
    nonzero = ["inp - cr - cw > 0", "cr > 0", "cw > 0", "outp > 0", "rs > 0", "outp > rs"]
    nz = " + ".join(f"{1 << i} * coalesce({p}, false)::UTINYINT" for i, p in enumerate(nonzero))
    keys = ["model", "provider", "tier", "flag", "nz",
            f"{_bucket_sql('day', b['days'], '>=')} AS dseg", f"{_bucket_sql('minute', b['minutes'], '>=')} AS mseg",
            f"{_bucket_sql('inp', b['thresholds'], '>')} AS bracket"]
    extra = ", min(ts) AS ts" if b["weekdays"] else ""
    if b["weekdays"]:
        keys.append("isodow(ts) AS dow")
    if per_row:  # excess-rule tiers are not linear in tokens: every row is its own group
        keys += ["inp AS i_key", "cr AS cr_key", "cw AS cw_key", "outp AS o_key", "rs AS rs_key", "minute",
                 "day"]
    return f"""
        WITH raw AS (
            SELECT {src.ts_expr} AS ts, CAST(model AS VARCHAR) AS model, {provider} AS provider, {tier} AS tier,
                   {src.inp} AS inp, {src.out} AS outp, {opt['cached_input_tokens']} AS cr,
                   {opt['cache_write_tokens']} AS cw, {opt['reasoning_tokens']} AS rs,
                   ({src.bad_inp} OR {src.bad_out}) AS bad_tokens, ({' OR '.join(bad_opt) or 'false'}) AS bad_opt
            FROM {src.reader}),
        src AS (SELECT *, epoch_us(ts) // 86400000000 AS day, (epoch_us(ts) // 60000000) % 1440 AS minute,
                       {flag} AS flag, {nz} AS nz FROM raw)
        SELECT {', '.join(keys)}, count(*) AS rows, sum(inp) AS input_tokens, sum(outp) AS output_tokens,
               sum(cr) AS cache_read_tokens, sum(cw) AS cache_write_tokens, sum(rs) AS reasoning_tokens{extra}
        FROM src GROUP BY ALL"""


def _problem_table(kinds: Mapping[str, int], malformed: pd.DataFrame, src, cols: list[str],
                   unknown: Mapping[str, list], n: int) -> pd.DataFrame:
    """One row per kind with rows set aside: count, what was expected, the first ``n`` examples with their line."""
    out = []
    for kind, expected in TARIFF_ROW_KINDS.items():
        if not kinds.get(kind):
            continue
        if kind == "malformed line":
            ex = [{"line": int(r.line), "text": r.text, "error": r.error} for r in malformed.head(n).itertuples()]
        else:
            ex = _examples(src, kind, cols, unknown, n) if n else []
        out.append({"kind": kind, "rows": kinds[kind], "expected": expected, "examples": ex})
    return pd.DataFrame(out, columns=["kind", "rows", "expected", "examples"])


def _examples(src, kind: str, cols: list[str], unknown: Mapping[str, list], n: int) -> list[dict]:
    """The first ``n`` rows of one kind with their line (CSV, JSONL) or row (Parquet): a LIMITed query."""
    text = {c: f"nullif(trim(CAST({c} AS VARCHAR)), '')" for c in cols}
    opt = [f"({text[c]} IS NOT NULL AND (TRY_CAST({text[c]} AS DOUBLE) IS NULL OR "
           f"TRY_CAST({text[c]} AS DOUBLE) <> trunc(TRY_CAST({text[c]} AS DOUBLE))))" for c in _OPTIONAL_TOKENS
           if c in cols]
    num = {c: f"coalesce(TRY_CAST({text[c]} AS DOUBLE), 0)" if c in cols else "0"
           for c in ("input_tokens", "output_tokens", *_OPTIONAL_TOKENS)}
    prov = f"coalesce(lower({text['provider']}), '')" if "provider" in cols else "''"
    where = {
        "unparsable timestamp": src.kind_sql["unparsable timestamp"],
        "missing or non-numeric tokens": src.kind_sql["missing or non-numeric tokens"],
        "non-numeric cache or reasoning tokens": " OR ".join(opt) or "false",
        "negative tokens": " OR ".join(f"{v} < 0" for v in num.values()),
        "cache tokens exceed input tokens": f"{num['cached_input_tokens']} + {num['cache_write_tokens']} > "
                                            f"{num['input_tokens']}",
        "reasoning tokens exceed output tokens": f"{num['reasoning_tokens']} > {num['output_tokens']}",
        "unknown service_tier": (f"lower({text['service_tier']}) NOT IN "
                                 f"({', '.join(_sql_str(t) for t in SERVICE_TIERS)})" if "service_tier" in cols
                                 else "false"),
    }
    for k in ("unknown model", "unknown provider"):
        pairs = ", ".join(_sql_str(f"{m}\x1f{p or ''}") for m, p in unknown.get(k, ())) or "''"
        where[k] = f"(model IS NULL OR (CAST(model AS VARCHAR) || chr(31) || {prov}) IN ({pairs}))"
    select = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in cols)
    reader = src.reader_sql
    if src.format == "parquet":
        reader = reader[:-1] + ", file_row_number = true)"
        select += ", file_row_number + 1 AS row"
    con = _connect()
    try:
        rows = con.execute(f"SELECT {select} FROM {reader} WHERE {where[kind]} LIMIT {int(n)}").df()
    finally:
        con.close()
    out = [{k: (None if pd.isna(v) else (int(v) if k == "row" else v)) for k, v in r.items()}
           for r in rows.to_dict("records")]
    _locate_lines(src.path, src.format, out, cols)
    return out

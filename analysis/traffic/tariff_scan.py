"""Reading a usage log with 2026 token kinds: its optional columns and their checks, the grouped DuckDB scan,
and which endpoint of a catalog billed each row (:mod:`analysis.traffic.tariff_logs` prices what this reads).

>>> _bucket_sql("x", [10, 20], ">")
'CASE WHEN x > 20 THEN 2 ELSE CASE WHEN x > 10 THEN 1 ELSE 0 END END'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.data.memo import per_frames
from analysis.formatting import plural
from analysis.traffic.logs import _locate_lines, _sql_str, _token_exprs, example_rows

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
    "no first-party endpoint": "a provider naming who served the row: an empty provider means the maker's own "
                               "API, and the catalog prices this model only on resellers' or clouds' endpoints",
}
#: The kinds :func:`resolve_endpoints` gives (a row's model and provider, not its values).
RESOLVE_KINDS = ("unknown model", "unknown provider", "no first-party endpoint")
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
    Remembered for the lifetime of the ``endpoints`` frame (identity annotation takes a second on a full catalog).
    """
    return dict(_first_party(endpoints))


@per_frames
def _first_party(endpoints: pd.DataFrame) -> dict[str, str]:
    from analysis.data.identity import default_endpoints, load_identity

    best = default_endpoints(endpoints, load_identity())
    out = dict(zip(best.canonical_model_id, best.endpoint_key))
    fp = _rank(endpoints[endpoints.first_party.fillna(False).astype(bool)])
    for cid, key in zip(fp.canonical_model_id, fp.endpoint_key):
        out.setdefault(cid, key)
    return out


def resolve_endpoints(pairs: Sequence[tuple[str | None, str | None]], endpoints: pd.DataFrame,
                      fp: Mapping[str, str] | None = None) -> dict[tuple, tuple]:
    """(model as logged, provider or None) -> (endpoint key or None, why not): the endpoint that billed the row.

    An endpoint key (``openai/gpt-4o``) is taken as is; otherwise the model's API id or alias is resolved to
    the canonical model (``gpt-4o-2024-08-06`` is GPT-4o) and the provider's endpoint of it is taken (an
    endpoint with that exact API id first), or its first-party endpoint when no provider is given. ``fp``:
    :func:`first_party_endpoints` of ``endpoints``, when already known.
    """
    from analysis.data.identity import load_identity, resolve

    ident = load_identity()
    keys = set(endpoints.endpoint_key)
    ranked = _rank(endpoints)
    fp = first_party_endpoints(endpoints) if fp is None else fp
    by_provider: dict[tuple, str] = {}  # (provider, canonical id) and (provider, canonical id, api id): best first
    first_party_api: dict[str, str] = {}
    for key, prov, api, cid, first in zip(ranked.endpoint_key, ranked.provider.str.lower(),
                                          ranked.api_model_id.str.lower(), ranked.canonical_model_id,
                                          ranked.first_party.fillna(False).astype(bool)):
        by_provider.setdefault((prov, cid), key)
        by_provider.setdefault((prov, api), key)
        if first:
            first_party_api.setdefault(api, key)
    known_cids = set(ranked.canonical_model_id)
    out = {}
    for model, provider in pairs:
        if model is None:
            out[(model, provider)] = (None, "unknown model")
            continue
        if model in keys and provider is None:
            out[(model, provider)] = (model, None)
            continue
        exact = first_party_api.get(model.lower()) if provider is None else by_provider.get((provider, model.lower()))
        if exact:  # an API id the provider (or the maker) lists as such
            out[(model, provider)] = (exact, None)
            continue
        cid = resolve(model, ident)
        if cid not in known_cids:
            out[(model, provider)] = (None, "unknown model")
            continue
        key = fp.get(cid) if provider is None else by_provider.get((provider, cid))
        why = "no first-party endpoint" if provider is None else "unknown provider"
        out[(model, provider)] = (key, None) if key else (None, why)
    return out


def not_placed(problems: pd.DataFrame, rows_placed: int) -> str:
    """What today's comparison leaves out: the rows the log sets aside (``problems``: kind, rows), by kind.

    >>> print(not_placed(pd.DataFrame({"kind": ["no first-party endpoint", "unknown service_tier"],
    ...                                "rows": [200, 1]}), 398))
    It compares the 398 rows it could place; 201 rows are left out: 200 with no first-party endpoint, 1 with unknown service_tier.
    >>> not_placed(pd.DataFrame({"kind": [], "rows": []}), 10)
    ''
    """
    n = int(problems.rows.sum()) if len(problems) else 0
    if not n:
        return ""
    kinds = ", ".join(f"{int(r):,} with {k}" for k, r in zip(problems.kind, problems.rows, strict=True) if r)
    return (f"It compares the {plural(rows_placed, 'row')} it could place; {plural(n, 'row')} "
            f"{'is' if n == 1 else 'are'} left out: {kinds}.")


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


def _day(d) -> int:
    return int((pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days)


def endpoint_bounds(tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, list[int]]]:
    """Per endpoint key, what its tariff can tell apart: the days its prices change (epoch days), the UTC minutes
    its time-of-day windows start or end, and the input tokens above which a tier or its context window applies.

    >>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
    >>> ep = endpoints_frame([dict(endpoint_key='d/m', effective_from='2026-01-01', utc_start_minute=0,
    ...     utc_end_minute=990, context_window_tokens=128_000), dict(endpoint_key='d/m', utc_start_minute=990)])
    >>> endpoint_bounds({'endpoints': ep, 'tiers': tiers_frame([])})['d/m']
    {'days': [20454], 'minutes': [990], 'thresholds': [128000]}
    """
    ep, tiers = tables["endpoints"], tables["tiers"]
    out: dict[str, dict[str, set]] = {}
    for r in ep[["endpoint_key", "effective_from", "effective_to", "utc_start_minute", "utc_end_minute",
                 "context_window_tokens"]].itertuples(index=False):
        b = out.setdefault(r.endpoint_key, {"days": set(), "minutes": set(), "thresholds": set()})
        b["days"].update(_day(d) for d in (r.effective_from, r.effective_to) if not pd.isna(d))
        b["minutes"].update(m for m in (int(r.utc_start_minute), int(r.utc_end_minute)) if 0 < m < 1440)
        if not pd.isna(r.context_window_tokens):
            b["thresholds"].add(int(r.context_window_tokens))
    key_of = dict(zip(ep.price_row_id, ep.endpoint_key))
    for rid, thr in zip(tiers.price_row_id, tiers.threshold_input_tokens):
        out[key_of[rid]]["thresholds"].add(int(thr))
    return {k: {n: sorted(v) for n, v in b.items()} for k, b in out.items()}


def union_bounds(bounds: Mapping[str, Mapping[str, list[int]]], keys) -> dict[str, list[int]]:
    """The union of the endpoints' ``minutes`` and ``thresholds``: what any of them can tell apart (today's prices)."""
    return {n: sorted({v for k in keys for v in bounds.get(k, {}).get(n, [])}) for n in ("minutes", "thresholds")}


def _sum_of(expr: str, cols: Sequence[str], op: str) -> str:
    return " + ".join(f"({expr} {op} {c})::UTINYINT" for c in cols) or "0::UTINYINT"  # key_table pads, no NULL


_NEVER = 2**62


def key_table(codes: Mapping[tuple, int], ends: Mapping[tuple, tuple], bounds: Mapping[str, Mapping]) -> pd.DataFrame:
    """One row per (model as logged, provider) with its code, whether it resolved, and its endpoint's bounds in
    fixed-width columns ``t1..``, ``d1..``, ``m1..`` (NULL-padded), for the scan to join."""
    rows = []
    for (model, provider), code in codes.items():
        key = ends[(model, provider)][0]
        b = bounds.get(key, {}) if key else {}
        rows.append({"model": model, "provider": provider or "", "code": code, "resolved": key is not None,
                     **{f"{n[0]}{i + 1}": v for n in ("thresholds", "days", "minutes")
                        for i, v in enumerate(b.get(n, []))}})
    frame = pd.DataFrame(rows)
    for n in ("t", "d", "m"):
        cols = [c for c in frame if c[0] == n and c[1:].isdigit()]
        frame[cols] = frame[cols].fillna(_NEVER).astype("int64")  # a bound no value reaches: compared without NULLs
    return frame


def _log_exprs(src) -> tuple[dict[str, str], list[str]]:
    """SQL of the optional token columns (0 when empty or absent) and of their checks."""
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
    return opt, bad_opt


def _raw_sql(src) -> str:
    """The log's rows as numbers and text, before any check."""
    opt, bad_opt = _log_exprs(src)
    tier = "CAST(service_tier AS VARCHAR)" if "service_tier" in src.schema else "NULL::VARCHAR"  # as written
    provider = ("nullif(lower(trim(CAST(provider AS VARCHAR))), '')" if "provider" in src.schema
                else "NULL::VARCHAR")
    return (f"SELECT {src.ts_expr} AS ts, CAST(model AS VARCHAR) AS model, {provider} AS provider, {tier} AS tier, "
            f"{src.inp} AS inp, {src.out} AS outp, {opt['cached_input_tokens']} AS cr, "
            f"{opt['cache_write_tokens']} AS cw, {opt['reasoning_tokens']} AS rs, "
            f"({src.bad_inp} OR {src.bad_out}) AS bad_tokens, ({' OR '.join(bad_opt) or 'false'}) AS bad_opt, "
            f"{_task_code_sql(src.task_raw)} AS task FROM {src.reader}")


#: The scan's ``task`` code: the row's task type says nothing of vision (or is empty or absent: general, an
#: assumption), it is vision, or it is none of :data:`analysis.traffic.workload.TASK_TYPES` (unknown).
TASK_GENERAL, TASK_VISION, TASK_UNKNOWN = 0, 1, 2


def _task_code_sql(task_raw: str) -> str:
    from analysis.traffic.workload import TASK_TYPES

    known = ", ".join(_sql_str(t) for t in TASK_TYPES)
    return (f"(CASE WHEN {task_raw} IS NULL OR {task_raw} = '' THEN {TASK_GENERAL} WHEN {task_raw} = 'vision' THEN "
            f"{TASK_VISION} WHEN {task_raw} IN ({known}) THEN {TASK_GENERAL} ELSE {TASK_UNKNOWN} END)::UTINYINT")


def pairs_sql(src) -> str:
    """The distinct (model, provider) pairs of the log: a first, cheap pass (Parquet dictionaries)."""
    provider = ("nullif(lower(trim(CAST(provider AS VARCHAR))), '')" if "provider" in src.schema
                else "NULL::VARCHAR")
    return f"SELECT DISTINCT CAST(model AS VARCHAR) AS model, {provider} AS provider FROM {src.reader_sql}"


def normal_tier(raw: object) -> str:
    """A service tier as written in a log, as the tariffs name it (empty: standard).

    >>> normal_tier(None), normal_tier(" Batch "), normal_tier("turbo")
    ('standard', 'batch', 'turbo')
    """
    text = "" if raw is None or raw != raw else str(raw).strip().lower()
    return text or "standard"


def clean_parquet(con, src) -> bool:
    """Whether a typed Parquet log's statistics show no missing timestamp or token and no negative token: the
    scan then skips those checks row by row (the row groups' statistics answer in no time)."""
    types = {c: t.upper() for c, t in src.schema.items()}
    tokens = ["input_tokens", "output_tokens", *[c for c in _OPTIONAL_TOKENS if c in src.schema]]
    if src.format != "parquet" or not src.typed or any(types[c] not in _INTEGERS for c in tokens):
        return False
    p = f"read_parquet({_sql_str(src.path)})"
    total, n_ts, n_in, n_out, *mins = con.execute(
        f"SELECT count(*), count(timestamp), count(input_tokens), count(output_tokens), "
        f"{', '.join(f'min({c})' for c in tokens)} FROM {p}").fetchone()
    return min(n_ts, n_in, n_out) == total and all(m is None or m >= 0 for m in mins)


_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}


def scan_sql(src, keys: pd.DataFrame, table: str, union: Mapping[str, list[int]], weekdays: bool,
             per_row: bool, clean: bool = False) -> str:
    """The grouped pass, joined to :func:`key_table` (registered as ``table``): two grouping sets of rows the
    tariffs price alike, with row counts, token sums and the first timestamp (a representative).

    Both sets also group by the row's ``task`` code (:data:`TASK_VISION`, :data:`TASK_UNKNOWN`), which today's
    prices need (a model without vision cannot serve a vision request). Set 1 (``part`` 0), for the cost as
    billed: code (model as logged and provider), tier as written,
    problems, which token kinds are non-zero, and the row's price period, time-of-day window and long-context
    bracket on its own endpoint. Set 2 (``part`` 1), for today's prices on every model: tier, problems,
    non-zero kinds, whether the code resolved, and the window and bracket on the union of every model's
    bounds. Crossing the two (the union's brackets per code) would multiply the groups, and the time.
    """
    problems = ["ts IS NULL", "bad_tokens", "bad_opt",
                "NOT (bad_tokens OR bad_opt) AND (inp < 0 OR outp < 0 OR cr < 0 OR cw < 0 OR rs < 0)",
                "NOT (bad_tokens OR bad_opt) AND cr + cw > inp", "NOT (bad_tokens OR bad_opt) AND rs > outp"]
    if clean:  # no missing or negative value in the file: two checks are left (the tier is checked per group)
        problems = ["false", "false", "false", "false", "cr + cw > inp", "rs > outp"]
    wrap = "({})" if clean else "coalesce({}, false)"  # a clean file has no NULL to compare
    flag = " + ".join(f"{1 << i} * {wrap.format(p)}::UTINYINT" for i, p in enumerate(problems) if p != "false")
    nonzero = ["inp > cr + cw", "cr > 0", "cw > 0", "outp > 0", "rs > 0", "outp > rs"]
    nz = " + ".join(f"{1 << i} * ({p})::UTINYINT" for i, p in enumerate(nonzero))  # NULL: a flagged row
    cols = {n: [f"k.{c}" for c in keys.columns if c[0] == n and c[1:].isdigit()] for n in ("t", "d", "m")}
    own = ["code", "tier", "flag", "nz", "dseg", "mseg", "bracket", "task"]
    every = ["tier", "flag", "nz", "resolved", "mseg_u", "bracket_u", "task"]
    extra = []
    if weekdays:
        own.append("dow")
        every.append("dow")
        extra.append("isodow(ts) AS dow")
    if per_row:  # excess-rule tiers are not linear in tokens: every row is its own group
        own += ["inp", "cr", "cw", "outp", "rs", "ts"]
        every += ["inp", "cr", "cw", "outp", "rs", "ts"]
    minute = "((epoch_us(ts) // 60000000) % 1440)"
    return f"""
        WITH raw AS ({_raw_sql(src)}),
        src AS (
            SELECT raw.*, k.code, k.resolved, {flag} AS flag, {nz} AS nz,
                   {_sum_of('epoch_us(ts) // 86400000000', cols['d'], '>=')} AS dseg,
                   {_sum_of(minute, cols['m'], '>=')} AS mseg, {_sum_of('inp', cols['t'], '>')} AS bracket,
                   {_bucket_sql(minute, union['minutes'], '>=')} AS mseg_u,
                   {_bucket_sql('inp', union['thresholds'], '>')} AS bracket_u{''.join(', ' + e for e in extra)}
            FROM raw LEFT JOIN {table} k ON raw.model = k.model AND coalesce(raw.provider, '') = k.provider)
        SELECT grouping(code) AS part, {', '.join(dict.fromkeys(own + every))}, count(*) AS rows,
               sum(inp) AS input_tokens, sum(outp) AS output_tokens, sum(cr) AS cache_read_tokens,
               sum(cw) AS cache_write_tokens, sum(rs) AS reasoning_tokens, min(ts) AS first_ts
        FROM src GROUP BY GROUPING SETS (({', '.join(own)}), ({', '.join(every)}))"""


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
    for k in RESOLVE_KINDS:
        pairs = ", ".join(_sql_str(f"{m}\x1f{p or ''}") for m, p in unknown.get(k, ())) or "''"
        where[k] = f"(model IS NULL OR (CAST(model AS VARCHAR) || chr(31) || {prov}) IN ({pairs}))"
    out = example_rows(src, cols, where[kind], n)
    _locate_lines(src.path, src.format, out, cols)
    return out

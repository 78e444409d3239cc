"""A usage log priced on a catalog's tariffs: as billed then, and at today's prices under every model.

A log may carry, beside ``timestamp, model, input_tokens, output_tokens``, the optional columns of
:data:`TARIFF_COLUMNS`: ``cached_input_tokens`` (input tokens read from the prompt cache, part of
``input_tokens``), ``cache_write_tokens`` (written to it, part of ``input_tokens``),
``reasoning_tokens`` (part of ``output_tokens``), ``service_tier`` (:data:`SERVICE_TIERS`; empty =
standard) and ``provider`` (empty = the maker's own API). The row's ``timestamp`` chooses the price
in force that day and the time-of-day price. Each value is checked like the required columns: a row
that fails is set aside, counted by kind (:data:`TARIFF_ROW_KINDS`) with examples and their line.

Two costs. **As billed**: each row at the tariff in force at its timestamp, on its endpoint (the
model's endpoint at ``provider``, or its first-party endpoint), in its tier. **Today**: the same
traffic on each model's first-party endpoint at the prices in force on ``as_of`` (at the row's time
of day and weekday, in its tier), the log's cached and cache-write tokens carried over; a log without
``cached_input_tokens`` takes ``cache_hit_share`` of its input tokens as cache reads (an assumption).
A row the tariff cannot price (no cache price known, over the context window, no price that day) is
set aside under that reason, never priced at 0.

How: after a pass for the distinct (model, provider) pairs, one DuckDB pass groups the rows by what the
tariffs can tell apart (:func:`analysis.traffic.tariff_scan.scan_sql`: model, provider, tier, price period,
time-of-day window, long-context bracket, which token kinds are non-zero, problems) and sums their tokens;
:func:`analysis.prices.tariff_costs.price_rows` prices those groups through probe requests (:func:`_price`).
Cost is linear in tokens within such a group, so this is every row's own price to the cent (a per-request
fee is counted once per row; the tests and ``benchmarks/bench_usage.py --tariffs`` compare with pricing each
row); catalogs with ``excess``-rule tiers, which are not linear, are priced row by row.

>>> import pandas as pd, tempfile, pathlib
>>> from analysis.data.tariff_tables import endpoints_frame, tiers_frame
>>> ep = endpoints_frame([dict(endpoint_key='openai/gpt-4o', canonical_model_id='gpt-4o', api_model_id='gpt-4o',
...     provider='openai', first_party=True, input_usd_per_mtok=2.5, output_usd_per_mtok=10.0,
...     cache_read_usd_per_mtok=1.25)])
>>> log = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
>>> _ = log.write_text("timestamp,model,input_tokens,output_tokens,cached_input_tokens\\n"
...                    "2026-11-02T10:00:00Z,gpt-4o-2024-08-06,1000000,100000,500000\\n")
>>> r = price_log(log, {'endpoints': ep, 'tiers': tiers_frame([])}, as_of="2026-11-30")
>>> r.billed_cost_usd, r.rows_priced, r.cache_hit_share
(2.875, 1, 0.5)
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.formatting import plural
from analysis.traffic import capabilities as traffic_capabilities
from analysis.traffic.aliases import display_names
from analysis.traffic.logs import (
    BAD_ROW_KINDS,
    LOG_COLUMNS,
    UsageLogError,
    _connect,
    _examples,
    _first_line,
    _jsonl_malformed,
    _locate_lines,
    _open_log,
    _reader,
    _rejects,
)
from analysis.traffic.tariff_scan import (  # noqa: F401  (TARIFF_COLUMNS, SERVICE_TIERS, TARIFF_ROW_KINDS: public here too)
    _FLAG_KINDS,
    SERVICE_TIERS,
    TARIFF_COLUMNS,
    TARIFF_ROW_KINDS,
    TASK_UNKNOWN,
    TASK_VISION,
    _problem_table,
    clean_parquet,
    endpoint_bounds,
    first_party_endpoints,
    key_table,
    normal_tier,
    not_placed,
    pairs_sql,
    resolve_endpoints,
    scan_sql,
    union_bounds,
)

_TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
_GAP = "endpoint not in catalog"


@dataclass
class TariffRepricing:
    """A log priced on tariffs (:func:`price_log`).

    ``billed`` has one row per (model as logged, provider, service tier, endpoint) with ``rows``,
    ``cost_usd`` (NaN when set aside) and ``set_aside_reason``; ``today`` one row per model of the
    catalog: ``model``, ``endpoint_key``, ``cost_usd`` (the rows it can price), ``rows_priced``,
    ``rows_set_aside`` and ``note`` (why, by reason). ``problems`` counts the rows set aside from
    both (kind, rows, expected, examples).
    """

    file: Path
    format: str
    rows_total: int
    rows_valid: int
    problems: pd.DataFrame
    billed: pd.DataFrame
    today: pd.DataFrame
    as_of: dt.date
    cache_hit_share: float
    cache_share_assumed: bool
    columns: list[str]
    seconds: float
    notes: list[str] = field(default_factory=list)
    #: Seconds per phase: ``pairs`` (distinct models), ``scan`` (the grouped pass), ``pricing`` (the rest).
    phases: dict[str, float] = field(default_factory=dict)
    #: Whether the log has a task_type column (without one, vision requests cannot be told apart).
    has_task_type: bool = False
    #: Rows priced as billed whose task_type is none of the known ones: left out at today's prices (whether each
    #: is a vision request is unknown), and set aside by the re-pricing under every model and policy.
    task_unknown_rows: int = 0
    #: Their cost as billed (NaN when none is priced), with examples (line and values).
    task_unknown_cost_usd: float = math.nan
    task_unknown_examples: list = field(default_factory=list)

    @property
    def rows_priced(self) -> int:
        """Rows priced as billed."""
        return int(self.billed.rows[self.billed.cost_usd.notna()].sum())

    @property
    def billed_cost_usd(self) -> float:
        """Cost of the rows priced as billed (NaN when none is)."""
        ok = self.billed.cost_usd.notna()
        return float(self.billed.cost_usd[ok].sum()) if ok.any() else math.nan

    def set_aside_billed(self) -> dict[str, int]:
        """Rows set aside as billed, by reason: the log's own problems, then what the tariff could not price."""
        out = {k: int(n) for k, n in zip(self.problems.kind, self.problems.rows)}
        bad = self.billed[self.billed.cost_usd.isna()]
        for reason, n in bad.groupby("set_aside_reason").rows.sum().items():
            out[str(reason)] = out.get(str(reason), 0) + int(n)
        return out

    def summary(self) -> str:
        """A few lines for people: rows, costs as billed, what was set aside and why, the cache assumption."""
        share = (f"assumed {self.cache_hit_share:.0%} of input tokens read from the cache (an assumption: the log "
                 f"has no cached_input_tokens; --cache-hit-share / cache_hit_share)" if self.cache_share_assumed
                 else f"the log's own cache-hit share, {self.cache_hit_share:.1%} of input tokens, carried over")
        lines = [f"{plural(self.rows_total, 'row')} read ({', '.join(self.columns)}): {self.rows_priced:,} priced as billed, "
                 f"{self.rows_total - self.rows_priced:,} set aside.",
                 f"As billed then (the tariff in force at each row's timestamp, its tier and provider): "
                 f"{_usd(self.billed_cost_usd)}.",
                 f"At today's prices ({self.as_of}) under every model: {share}."
                 + (f" {left}" if (left := not_placed(self.problems, self.rows_valid)) else "")]
        for p in self.problems.itertuples():
            lines.append(f"  set aside: {plural(p.rows, 'row')} with {p.kind} (expected {p.expected})")
            lines += [f"    e.g. {_where(ex)}: {_values(ex)}" if _where(ex) else f"    e.g. {_values(ex)}"
                      for ex in p.examples]
        bad = self.billed[self.billed.cost_usd.isna()]
        for reason, n in bad.groupby("set_aside_reason").rows.sum().sort_values(ascending=False).items():
            lines.append(f"  set aside as billed: {plural(n, 'row')}, {reason}")
        if self.task_unknown_rows:
            lines.append(f"  {self.task_unknown_difference()}")
            lines += [f"    e.g. {_where(ex)}: {_values(ex)}" for ex in self.task_unknown_examples]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def task_unknown_difference(self) -> str:
        """Why the cost as billed covers rows that the re-pricing under every model and policy sets aside, with
        their count and cost (empty when there are none)."""
        n = self.task_unknown_rows
        if not n:
            return ""
        return (f"{plural(n, 'row')} with an unknown task_type (expected "
                f"{BAD_ROW_KINDS['unknown task_type']}) {'are' if n != 1 else 'is'} priced as billed "
                f"({_usd(self.task_unknown_cost_usd)}): the bill does not depend on it. The re-pricing under every "
                f"model and policy sets {'them' if n != 1 else 'it'} aside (a policy routes by task type), so its "
                f"as-logged cost leaves {'them' if n != 1 else 'it'} out (on the article's catalog, by exactly "
                f"{_usd(self.task_unknown_cost_usd)}); today's prices leave {'them' if n != 1 else 'it'} out too (a "
                "vision request cannot be told apart).")

    def table(self, top: int = 0) -> pd.DataFrame:
        """Today's cost under every model: those that price every row first, cheapest first; ``top`` > 0 keeps that many."""
        t = self.today.assign(complete=self.today.rows_set_aside == 0)
        t = t.sort_values(["complete", "cost_usd", "model"], ascending=[False, True, True], na_position="last")
        t = t.drop(columns="complete").reset_index(drop=True)
        return t.head(top) if top else t


def _usd(x: float) -> str:  # formatting's one rule for money: a non-zero cost never reads $0.00
    from analysis.formatting import format_usd

    return "unknown" if x is None or not math.isfinite(x) else format_usd(x, 2)


def _where(ex: Mapping) -> str:
    return f"line {ex['line']}" if ex.get("line") else (f"row {ex['row']}" if ex.get("row") else "")


def _values(ex: Mapping) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in ex.items() if k not in ("line", "row") and v is not None)


# --------------------------------------------------------------------------- pricing


#: Probe requests, in multiples of the group's input tokens per request: each prices one kind of token.
_PROBES = {"input": {"input_tokens": 1}, "cache_read": {"input_tokens": 1, "cache_read_tokens": 1},
           "cache_write": {"input_tokens": 1, "cache_write_tokens": 1}, "output": {"input_tokens": 1, "output_tokens": 1},
           "reasoning": {"input_tokens": 1, "output_tokens": 1, "reasoning_tokens": 1}}


def _price(groups: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``cost_usd`` (NaN when set aside) and ``set_aside_reason`` of groups of rows, via ``tariff_costs.price_rows``.

    A group holds ``rows`` requests that the tariff prices alike (same endpoint, tier, price period, time
    window, long-context bracket, same token kinds non-zero) with their token sums. Within it cost is linear
    in tokens, so ``price_rows`` prices five probe requests of ``x`` tokens (``x``: the group's input tokens
    per request, rounded down, which lies in its bracket) that give the price of each token kind; the
    group's cost is those prices times its sums, plus the per-request fee once per row. A kind whose price
    is unknown sets the group aside only when the group has tokens of that kind (with ``price_rows``' reason).
    """
    from analysis.prices.tariff_costs import price_rows

    n = len(groups)
    if not n:
        return groups.assign(cost_usd=pd.Series(dtype=float), set_aside_reason=pd.Series(dtype=object))
    x = np.maximum(np.floor(groups.input_tokens.to_numpy(float) / groups.rows.to_numpy(float)), 1).astype("int64")
    probes = []
    for mult in _PROBES.values():
        probe = groups[["endpoint_key", "service_tier", "timestamp"]].reset_index(drop=True)
        for c in _TOKENS:
            probe[c] = x * mult.get(c, 0)
        probes.append(probe)
    out = price_rows(pd.concat(probes, ignore_index=True), tables)
    cost = {k: out.cost_usd.to_numpy(float)[i * n:(i + 1) * n] for i, k in enumerate(_PROBES)}
    why = {k: out.set_aside_reason.to_numpy(object)[i * n:(i + 1) * n] for i, k in enumerate(_PROBES)}
    fee_of = tables["endpoints"].set_index("price_row_id").per_request_usd.fillna(0.0)
    fee = out.price_row_id.iloc[:n].map(fee_of).astype(float).fillna(0.0).to_numpy()
    s = {c: groups[c].to_numpy(float) for c in _TOKENS}
    qty = {"input": s["input_tokens"] - s["cache_read_tokens"] - s["cache_write_tokens"],
           "cache_read": s["cache_read_tokens"], "cache_write": s["cache_write_tokens"],
           "output": s["output_tokens"] - s["reasoning_tokens"], "reasoning": s["reasoning_tokens"]}
    base = {"input": fee, "cache_read": fee, "cache_write": fee, "output": cost["input"], "reasoning": cost["input"]}
    total = groups.rows.to_numpy(float) * fee
    reason = np.full(n, None, dtype=object)
    # the request's own reasons (endpoint, date, context) show in probes that share no price; a price's only
    # where the group has tokens of that kind
    own = np.array([w is not None and w == v for w, v in zip(why["input"], why["cache_read"])])
    reason = np.where(own, why["input"], reason)
    for k in _PROBES:
        rate = (cost[k] - base[k]) / x
        total = total + np.where(qty[k] > 0, rate * qty[k], 0.0)
        used = (qty[k] > 0) & np.array([w is not None for w in why[k]])
        reason = np.where((reason == None) & used, why[k], reason)  # noqa: E711
    reason = pd.Series(reason, index=groups.index, dtype=object)
    tier = groups.service_tier.astype(str)
    reason = reason.where(~((reason == _GAP) & (tier != "standard")), "no " + tier + " tier on this endpoint")
    return groups.assign(cost_usd=np.where(reason.isna(), total, np.nan), set_aside_reason=reason.to_numpy())


def _naive_utc(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts, utc=True)
    return ts.dt.tz_localize(None)


def price_log(path: str | os.PathLike, tables: Mapping[str, pd.DataFrame], *, as_of: str | dt.date | None = None,
              cache_hit_share: float = 0.0, models: Sequence[str] | None = None, examples: int = 3,
              threads: int | None = None, memory_limit: str = "1GB",
              vision: Mapping[str, bool | None] | None = None) -> TariffRepricing:
    """Price a log as billed then and at ``as_of``'s prices (default: today, UTC) under every model.

    ``tables`` are a catalog's tariff tables (``load_catalog(name).tables``); ``models`` limits today's
    comparison to those canonical model ids (default: every model with a first-party endpoint).
    ``cache_hit_share`` (0..1) applies only to a log without ``cached_input_tokens``: that share of each
    model's input tokens is priced as cache reads (an assumption, said so in the result).

    ``vision`` says which models serve vision, by canonical id (:func:`traffic_capabilities.vision_by_model`;
    default: the shipped model facts): at today's prices a vision request (``task_type`` vision) is set aside
    for a model without it, and for one whose vision is unknown (a data gap, never assumed either way). A row
    whose task_type is unknown is priced as billed and left out at today's prices (see
    :meth:`TariffRepricing.task_unknown_difference`).
    """
    if not 0 <= float(cache_hit_share) <= 1:
        raise ValueError(f"cache_hit_share: got {cache_hit_share!r}, expected a share between 0 and 1")
    started = time.perf_counter()
    as_of = pd.Timestamp(as_of or dt.datetime.now(dt.UTC).date()).date()
    path = Path(path).expanduser()
    ep = tables["endpoints"]
    bounds = endpoint_bounds(tables)
    excess = bool((tables["tiers"].rule == "excess").any())
    weekdays = bool((ep.utc_weekday_mask != 127).any())
    fp = first_party_endpoints(ep)
    chosen = list(fp) if models is None else [m for m in models if m in fp]
    con = _connect(threads, memory_limit)
    table = f"pp_keys_{uuid.uuid4().hex[:12]}"  # the database is shared within the process
    try:
        src = _open_log(con, path)
        present = [c for c in TARIFF_COLUMNS if c in src.schema]
        cols = list(LOG_COLUMNS) + (["task_type"] if src.has_task_type else []) + present
        src.reader = _reader(path, src.format, cols)
        src.reader_sql = _reader(path, src.format, cols, rejects=False)
        try:
            t0 = time.perf_counter()
            pairs = [(m, p) for m, p in con.execute(pairs_sql(src)).fetchall()]
            t1 = time.perf_counter()
            ends = resolve_endpoints(pairs, ep, fp)
            keys = key_table({pair: i for i, pair in enumerate(pairs)}, ends, bounds)
            con.register(table, keys)
            union = union_bounds(bounds, [fp[m] for m in chosen])
            clean = clean_parquet(con, src)
            groups = con.execute(scan_sql(src, keys, table, union, weekdays, excess, clean)).df()
            t2 = time.perf_counter()
            malformed = (_rejects(con) if src.format == "csv" else _jsonl_malformed(con, path)
                         if src.format == "jsonl" else pd.DataFrame(columns=["line", "text", "error"]))
        except Exception as exc:
            raise UsageLogError(f"{path}: cannot read it as {src.format.upper()} ({_first_line(exc)}); fix the file "
                                "or export it again") from None
    finally:
        con.close()
    groups["first_ts"] = _naive_utc(groups.first_ts)
    groups["tier"] = groups.tier.astype(object).map(normal_tier)
    own = groups[groups.part == 0].reset_index(drop=True)
    every = groups[groups.part == 1].reset_index(drop=True)
    # the log's own problems: each row counted once, under its first (the tier is the last check)
    flag = own.flag.astype(int).to_numpy() | np.where(own.tier.isin(SERVICE_TIERS), 0, 1 << 6)
    kind = np.full(len(own), None, dtype=object)
    for i, k in reversed(list(enumerate(_FLAG_KINDS))):
        kind[(flag & (1 << i)) > 0] = k
    code = own.code.astype("Int64")
    pair = [pairs[int(c)] if not pd.isna(c) else (None, None) for c in code]
    hit = [ends.get(pr, (None, "unknown model")) for pr in pair]
    own["model"], own["provider"] = [p[0] for p in pair], [p[1] for p in pair]
    own["endpoint_key"] = [h[0] for h in hit]
    own["kind"] = np.where(kind == None, [h[1] for h in hit], kind)  # noqa: E711
    counts = own[own.kind.notna()].groupby("kind").rows.sum()
    kinds = {k: int(counts.get(k, 0)) for k in TARIFF_ROW_KINDS}
    kinds["malformed line"] = len(malformed)
    unknown: dict[str, list] = {}
    for pr, (_, why) in ends.items():
        if why:
            unknown.setdefault(why, []).append(pr)
    problems = _problem_table(kinds, malformed, src, cols, unknown, examples)
    valid = _typed(own[own.kind.isna()])

    # as billed: each group at its first row's timestamp, on its endpoint and tier; today: the same traffic on
    # every model's first-party endpoint, at as_of's prices (one call prices both)
    every = every[(every.flag.astype(int) == 0) & every.tier.isin(SERVICE_TIERS) & (every.task != TASK_UNKNOWN)
                  & every.resolved.astype("boolean").fillna(False).astype(bool)]
    prof = _merge(_typed(every), ["service_tier", "nz", "mseg_u", "bracket_u", "task", *(["dow"] if weekdays else []),
                                  *(["inp", "cr", "cw", "outp", "rs", "ts"] if excess else [])], ["first_ts"])
    inp = valid.input_tokens.sum()
    has_cache = "cached_input_tokens" in src.schema
    share = float(valid.cache_read_tokens.sum() / inp) if has_cache and inp else float(cache_hit_share)
    allm = _per_model(prof, bounds, fp, chosen, as_of, None if has_cache else share, not excess)
    both = _price(pd.concat([valid.assign(timestamp=valid.first_ts, part=0), allm.assign(part=1)],
                            ignore_index=True), tables)
    both = _set_aside_vision(both, traffic_capabilities.vision_by_model() if vision is None else vision)
    billed, today = both[both.part == 0], _today(both[both.part == 1], fp)
    unknown_task = billed[billed.task == TASK_UNKNOWN]
    task_cost = unknown_task.cost_usd[unknown_task.set_aside_reason.isna()]
    task_rows = int(unknown_task.rows[unknown_task.set_aside_reason.isna()].sum())
    task_examples = _examples(src, "unknown task_type", [], examples) if task_rows and examples else []
    _locate_lines(src.path, src.format, task_examples, [*LOG_COLUMNS, "task_type"])
    billed = (billed.groupby(["model", "provider", "service_tier", "endpoint_key", "set_aside_reason"], dropna=False,
                             as_index=False)[["rows", "cost_usd"]].sum(min_count=1))
    billed["cost_usd"] = billed.cost_usd.where(billed.set_aside_reason.isna())
    notes = []
    if excess:
        notes.append("the catalog has excess-rule tiers (not linear in tokens): every row was priced on its own")
    if not src.has_task_type:
        notes.append("the log has no task_type column: vision requests cannot be told apart, so at today's prices "
                     "no row is set aside for a model without vision (an assumption)")
    done = time.perf_counter()
    return TariffRepricing(path, src.format, int(own.rows.sum()) + len(malformed), int(valid.rows.sum()), problems,
                           billed, today, as_of, share, not has_cache, cols, done - started, notes,
                           {"pairs": t1 - t0, "scan": t2 - t1, "pricing": done - t2 + t0 - started},
                           src.has_task_type, task_rows, float(task_cost.sum()) if task_rows else math.nan,
                           task_examples)


def _set_aside_vision(priced: pd.DataFrame, vision: Mapping[str, bool | None]) -> pd.DataFrame:
    """Today's vision requests set aside on the models that cannot serve them, or whose vision is unknown (a data
    gap), with that reason; a reason the tariff gave first (no price known) is kept."""
    today = (priced.part == 1).to_numpy() & (priced.task == TASK_VISION).to_numpy()
    if not today.any():
        return priced
    can = priced.model.map(lambda m: vision.get(m)).to_numpy(object)
    why = np.where(can == False, traffic_capabilities.NO_VISION, traffic_capabilities.VISION_UNKNOWN)  # noqa: E712
    hit = today & (can != True) & priced.set_aside_reason.isna().to_numpy()  # noqa: E712
    return priced.assign(cost_usd=np.where(hit, np.nan, priced.cost_usd),
                         set_aside_reason=np.where(hit, why, priced.set_aside_reason.to_numpy(object)))


def _merge(frame: pd.DataFrame, keys: list[str], carried: list[str]) -> pd.DataFrame:
    """``frame``'s rows merged by ``keys``: ``rows`` and token sums added up, ``carried`` columns taken from one
    member (any member stands for the group: what the keys do not tell apart, the tariff does not either)."""
    if frame.empty:
        return frame[[*keys, *carried, "rows", *_TOKENS]].copy()
    codes = [pd.factorize(frame[k], use_na_sentinel=False)[0].astype(np.int64) for k in keys]
    if math.prod(float(c.max()) + 1 for c in codes) < 2**62:  # one integer per key: np.unique on it is fast
        key = np.zeros(len(frame), np.int64)
        for c in codes:
            key = key * (int(c.max()) + 1) + c
    else:
        key = frame.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    first, inv = np.unique(key, return_index=True, return_inverse=True)[1:]
    out = frame.iloc[first][[*keys, *carried]].reset_index(drop=True)
    out["rows"] = np.bincount(inv.ravel(), frame.rows.to_numpy(float)).astype(np.int64)
    for c in _TOKENS:
        out[c] = np.bincount(inv.ravel(), frame[c].to_numpy(float))
    return out


def _typed(g: pd.DataFrame) -> pd.DataFrame:
    g = g.rename(columns={"tier": "service_tier"}).reset_index(drop=True)
    for c in _TOKENS:
        g[c] = g[c].astype(float)
    g["rows"] = g.rows.astype("int64")
    return g


def _per_model(prof: pd.DataFrame, bounds: Mapping, fp: Mapping[str, str], chosen: Sequence[str], as_of: dt.date,
               assumed_share: float | None, collapse: bool) -> pd.DataFrame:
    """The valid rows as requests to price on every model at ``as_of``'s prices, at their time of day, weekday, tier.

    ``prof`` groups the rows on the union of every model's bounds; for each model they are merged into the
    groups its own tariff tells apart (``collapse``), so that few requests are priced per model.
    """
    cols = ["model", "endpoint_key", "service_tier", "task", "timestamp", "rows", *_TOKENS]
    if prof.empty or not chosen:
        return pd.DataFrame(columns=cols)
    n, m = len(prof), len(chosen)
    minute = (prof.first_ts.dt.hour * 60 + prof.first_ts.dt.minute).to_numpy(np.int64)
    x = np.maximum(np.floor(prof.input_tokens.to_numpy(float) / prof.rows.to_numpy(float)), 1)
    dow = prof.dow.astype(int).to_numpy() if "dow" in prof else np.zeros(n, np.int64)
    tier_codes, tiers = pd.factorize(prof.service_tier)
    own = np.concatenate([np.stack([np.searchsorted(bounds.get(fp[c], {}).get("thresholds", []), x, side="left"),
                                    np.searchsorted(bounds.get(fp[c], {}).get("minutes", []), minute, side="right")])
                          for c in chosen], axis=1)
    task = prof.task.astype(np.int64).to_numpy()
    rowkey = np.arange(n) if not collapse else (
        ((tier_codes.astype(np.int64) * 64 + prof.nz.astype(np.int64).to_numpy()) * 8 + dow) * 4 + task)
    parts = [np.repeat(np.arange(m), n), np.tile(rowkey, m), own[0], own[1]]
    key = np.zeros(n * m, np.int64)
    for part in parts:  # one integer per (model, row group, bracket, window): np.unique on it is fast
        key = key * (int(part.max()) + 1) + part
    _, inv = np.unique(key, return_inverse=True)
    uniq = np.zeros((inv.max() + 1, 1), np.int64)
    uniq[inv, 0] = parts[0]
    first = np.full(len(uniq), -1)
    order = np.argsort(inv, kind="stable")
    first[inv[order[::-1]]] = order[::-1]  # any member: its tier, weekday and minute stand for the group
    src_row = first % n
    out = pd.DataFrame({"model": np.array(chosen, dtype=object)[uniq[:, 0]]})
    out["endpoint_key"] = out.model.map(fp)
    out["service_tier"] = tiers[tier_codes[src_row]]
    out["task"] = task[src_row]
    out["rows"] = np.bincount(inv, np.tile(prof.rows.to_numpy(float), m)).astype(np.int64)
    for c in _TOKENS:
        out[c] = np.bincount(inv, np.tile(prof[c].to_numpy(float), m))
    if assumed_share is not None:  # cache reads the log does not record: the assumed share of input tokens
        out["cache_read_tokens"] = np.minimum((out.input_tokens * assumed_share).round(),
                                              out.input_tokens - out.cache_write_tokens)
    epoch = (pd.Timestamp(as_of) - pd.Timestamp("1970-01-01")).days
    day = epoch - (pd.Timestamp(as_of).isoweekday() - dow[src_row]) % 7 if "dow" in prof else epoch
    out["timestamp"] = pd.to_datetime(day * 86400 + minute[src_row] * 60, unit="s")
    return out[cols]


def _today(priced: pd.DataFrame, fp: Mapping[str, str]) -> pd.DataFrame:
    """One row per model: cost of the rows it prices, rows priced and set aside, and why (by reason)."""
    cols = ["model", "name", "endpoint_key", "cost_usd", "rows_priced", "rows_set_aside", "note"]
    if priced.empty:
        return pd.DataFrame(columns=cols)
    ok = priced.set_aside_reason.isna().to_numpy()
    model = priced.model.to_numpy(object)
    out = pd.DataFrame({"cost_usd": pd.Series(np.where(ok, priced.cost_usd, np.nan)).groupby(model).sum(min_count=1),
                        "rows_priced": pd.Series(np.where(ok, priced.rows, 0)).groupby(model).sum(),
                        "rows_set_aside": pd.Series(np.where(ok, 0, priced.rows)).groupby(model).sum()})
    bad = priced[~ok].groupby(["model", "set_aside_reason"]).rows.sum().reset_index()
    bad = bad.sort_values(["model", "rows"], ascending=[True, False])
    notes = {m: "; ".join(f"{plural(n, 'row')}: {r}" for r, n in zip(g.set_aside_reason, g.rows))
             for m, g in bad.groupby("model", sort=False)}
    out = out.rename_axis("model").reset_index()
    out["endpoint_key"] = out.model.map(fp)
    out["name"] = out.model.map(display_names(out.model))  # the article's names where it names the model
    out["note"] = out.model.map(notes).astype(object).where(lambda s: s.notna(), None)
    return out[cols]


def catalog_tables(catalog: str = "article", pricing_csv: str = "") -> dict[str, pd.DataFrame]:
    """The tariff tables of a ``catalog`` (article, genai-prices, a pricing CSV, LiteLLM's JSON), as notebooks read it.

    >>> sorted(catalog_tables("article")["endpoints"].canonical_model_id)[:2]
    ['claude-3-5-sonnet', 'deepseek-coder']
    """
    from analysis.data.catalogs import load_catalog
    from analysis.data.catalogs.pricing import catalog_pricing_csv, read_tariffs, sidecars

    pricing_file = catalog_pricing_csv(catalog, pricing_csv)
    if not pricing_file:
        return load_catalog("article").tables
    if sidecars(Path(pricing_file))["endpoints"].exists():
        return read_tariffs(pricing_file)
    return load_catalog("article", pricing_file).tables

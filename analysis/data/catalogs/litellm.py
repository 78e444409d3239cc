"""Catalog source ``litellm``: LiteLLM's ``model_prices_and_context_window*.json`` (a dict key -> entry).

Every price field of a chat entry (modes ``chat`` and ``responses``; the other modes are set aside and
counted by kind, :mod:`analysis.data.catalogs.kinds`) is read:
``{input,output}_cost_per_token``, ``cache_read_input_token_cost``, ``cache_creation_input_token_cost``
(default TTL) and ``..._above_1hr`` (1-hour TTL), ``output_cost_per_reasoning_token``; service-tier suffixes
``_batches`` -> batch, ``_flex``, ``_priority``, ``_ultrafast``, ``_balanced``, ``_decisions``; long-context
tiers ``..._above_<N>k_tokens`` (LiteLLM bills the whole request at the tier price once the prompt exceeds
N*1000 tokens: rule ``whole_request``); ``tiered_pricing`` range lists (same rule, threshold = range start);
``off_peak_pricing`` (UTC windows per ISO weekday); ``search_context_cost_per_query`` (medium context size, per
search); ``input_cost_per_request``; ``input_cost_per_token_cache_hit`` (cache read when no
``cache_read_input_token_cost``); ``max_input_tokens``. Per-token prices become per-million with Decimal;
float artefacts (more than ``SIGNIFICANT_DIGITS`` significant digits, e.g. ``1.6000000000000001``) are rounded
and every rounded cell is listed in the report. Fields not modelled are counted in ``report.ignored_fields``.

LiteLLM writes 0 for an input or output price it does not know (``codestral/codestral-2405``,
``gigachat/GigaChat-2-Max``, local ``ollama/...`` models): such a 0 is imported as unknown (NaN), never billed as
free, and every one is listed in ``report.zero_cells``. Only an entry the catalog marks free (a key ending
``:free`` or ``-free``) keeps its 0 (:func:`zero_is_unknown`). An entry left with neither price is set aside.

>>> imp = load_entries({'gpt-x': {'litellm_provider': 'openai', 'mode': 'chat', 'input_cost_per_token': 1.6000000000000001e-06,
...     'output_cost_per_token': 8e-06}}, name='inline')
>>> imp.endpoints.loc[0, ['input_usd_per_mtok', 'output_usd_per_mtok']].tolist(), imp.report.rounded_cells[0]['rounded']
([1.6, 8.0], '1.6')
"""

from __future__ import annotations

import json
import re
import time as _time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from analysis.data.catalogs.kinds import KEPT, litellm_kind, set_aside_reason
from analysis.data.catalogs.registry import CatalogImport, ImportReport, register
from analysis.data.identity import annotate, load_identity, resolve
from analysis.data.tariff_tables import endpoints_frame, tiers_frame

SIGNIFICANT_DIGITS = 10
TIER_SUFFIX = {
    "batches": "batch",
    "flex": "flex",
    "priority": "priority",
    "ultrafast": "ultrafast",
    "balanced": "balanced",
    "decisions": "decisions",
}
BASE_FIELD = {
    "input_cost_per_token": "input_usd_per_mtok",
    "output_cost_per_token": "output_usd_per_mtok",
    "cache_read_input_token_cost": "cache_read_usd_per_mtok",
    "cache_creation_input_token_cost": "cache_write_5m_usd_per_mtok",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h_usd_per_mtok",
    "output_cost_per_reasoning_token": "reasoning_usd_per_mtok",
}
FIELD_RE = re.compile(
    r"^(?P<base>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|"
    r"cache_creation_input_token_cost(?:_above_1hr)?|output_cost_per_reasoning_token)"
    r"(?:_above_(?P<thr>\d+)k_tokens)?(?:_(?P<tier>" + "|".join(TIER_SUFFIX) + r"))?$"
)
OTHER_HANDLED = {
    "search_context_cost_per_query",
    "input_cost_per_request",
    "tiered_pricing",
    "off_peak_pricing",
    "input_cost_per_token_cache_hit",
}
REGION_RE = re.compile(r"^(?:eu|us|global|apac|[a-z]{2}-[a-z]+-\d)$")
#: The price columns where LiteLLM's 0 means "not known" (cache prices of 0 are kept: DeepSeek's and Z.ai's
#: cache writes really carry no surcharge).
ZERO_UNKNOWN = ("input_usd_per_mtok", "output_usd_per_mtok")
#: A key the catalog marks free: its zero prices are real.
FREE_RE = re.compile(r"[:-]free$", re.IGNORECASE)
ZERO_REASON = "input and output price 0 in the catalog (unknown, not free)"


def zero_is_unknown(key: str, col: str, value: float) -> bool:
    """Whether a price of ``value`` in column ``col`` of entry ``key`` is LiteLLM's 0 for "not known".

    >>> zero_is_unknown("codestral/codestral-2405", "input_usd_per_mtok", 0.0)
    True
    >>> zero_is_unknown("opencode_go/beam-free", "input_usd_per_mtok", 0.0)  # marked free: a real 0
    False
    >>> zero_is_unknown("deepseek/deepseek-chat", "cache_write_5m_usd_per_mtok", 0.0), zero_is_unknown("x", "input_usd_per_mtok", 0.3)
    (False, False)
    """
    return value == 0 and col in ZERO_UNKNOWN and not FREE_RE.search(key)


def per_mtok(value: Any, key: str, field: str, report: ImportReport) -> Decimal:
    """USD per token (float from JSON) -> USD per million tokens, exact in Decimal; artefacts rounded + reported.

    >>> r = ImportReport('x'); per_mtok(2.5e-06, 'k', 'f', r), per_mtok(3.0000000000000004e-07, 'k', 'f', r)
    (Decimal('2.5'), Decimal('0.3'))
    >>> r.rounded_cells
    [{'key': 'k', 'field': 'f', 'raw': '3.0000000000000004e-07', 'rounded': '0.3'}]
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key}: field {field}: value {value!r}, expected a number (USD per token)")
    exact = Decimal(repr(value)) * 1_000_000
    digits = len(exact.normalize().as_tuple().digits)
    if digits > SIGNIFICANT_DIGITS:
        rounded = exact.quantize(Decimal(1).scaleb(exact.adjusted() - SIGNIFICANT_DIGITS + 1)).normalize()
        report.rounded_cells.append(
            {"key": key, "field": field, "raw": repr(value), "rounded": _plain(rounded)}
        )
        return rounded
    return exact.normalize()


def _plain(d: Decimal) -> str:
    return format(d, "f")


def _region(key: str, provider: str) -> str:
    parts = key.split("/")
    if parts[0] == provider:
        parts = parts[1:]
    for p in parts[:-1]:
        if REGION_RE.match(p):
            return p
    m = re.match(r"^(us|eu|apac|global|jp|au|ca)\.", parts[-1])
    return m.group(1) if m else ""


def _windows(spec: Any, key: str, problems: list[str]) -> dict[tuple[int, int], int] | None:
    """Off-peak windows -> {(start_minute, end_minute): weekday mask}; None (and a problem) if unreadable."""
    out: dict[tuple[int, int], int] = {}
    for i, w in enumerate(spec.get("windows", [])):
        hours = w.get("hours_utc", [])
        hours = [hours] if isinstance(hours, str) else hours
        mask = 0
        for d in w.get("weekdays", range(1, 8)):
            mask |= 1 << (int(d) - 1)
        for h in hours:
            m = re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", h)
            if not m:
                problems.append(
                    f"{key}: field off_peak_pricing.windows[{i}].hours_utc: value {h!r}, "
                    "expected 'HH:MM-HH:MM'"
                )
                return None
            a = int(m[1]) * 60 + int(m[2])
            b = int(m[3]) * 60 + int(m[4]) or 1440
            spans = [(a, b)] if a < b else [(a, 1440), (0, b)]
            for s in spans:
                out[s] = out.get(s, 0) | mask
    return out


def _week_partition(off: dict[tuple[int, int], int]) -> list[tuple[int, int, int, bool]]:
    """Split the UTC week into (start, end, weekday mask, is_off_peak) rows that partition every day."""
    by_day: dict[tuple[int, int, bool], int] = {}
    for d in range(7):
        spans = sorted(s for s, m in off.items() if m >> d & 1)
        points = sorted({0, 1440} | {x for s in spans for x in s})
        for a, b in zip(points[:-1], points[1:], strict=True):
            is_off = any(s0 <= a and b <= s1 for s0, s1 in spans)
            by_day[(a, b, is_off)] = by_day.get((a, b, is_off), 0) | (1 << d)
    rows = [(a, b, m, o) for (a, b, o), m in sorted(by_day.items())]
    return rows


def _mask_label(mask: int, a: int, b: int) -> str:
    days = "Mon Tue Wed Thu Fri Sat Sun".split()
    on = [days[i] for i in range(7) if mask >> i & 1]
    span = "all day" if (a, b) == (0, 1440) else f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d} UTC"
    return span if mask == 127 else f"{','.join(on)} {span}"


def load_entries(data: dict[str, Any], name: str = "litellm.json", version: str = "") -> CatalogImport:
    """Tariff tables from LiteLLM's parsed JSON dict; ``name`` is used in messages."""
    t0 = _time.perf_counter()
    ident = load_identity()
    report = ImportReport(source="litellm", version=version)
    rows: list[dict] = []
    tier_rows: list[dict] = []
    problems: list[str] = []
    canon_cache: dict[str, str] = {}
    for key, entry in data.items():
        if key == "sample_spec":
            continue
        report.entries_read += 1
        if not isinstance(entry, dict):
            problems.append(f"{name}: key {key!r}: value of type {type(entry).__name__}, expected an object")
            continue
        kind = litellm_kind(key, entry)
        if kind not in KEPT:
            report.set_aside[set_aside_reason(kind)] += 1
            continue
        provider = str(entry.get("litellm_provider", ""))
        zeros: list[str] = []

        def unknown_zero(col: str, value: float, field: str) -> bool:
            if zero_is_unknown(key, col, value):  # noqa: B023  (used within this iteration only)
                zeros.append(field)  # noqa: B023
                report.zero_cells.append({"key": key, "field": field})  # noqa: B023
                return True
            return False

        by_tier: dict[str, dict[str, float]] = {}
        tiers: dict[str, list[tuple[str, int, float]]] = {}
        for field, value in entry.items():
            if not ("cost" in field or field in OTHER_HANDLED):
                continue
            m = FIELD_RE.match(field)
            if m is None:
                if field not in OTHER_HANDLED:
                    report.ignored_fields[field] += 1
                continue
            if value is None:
                continue
            try:
                v = per_mtok(value, f"{name}: key {key!r}", field, report)
            except TypeError as exc:
                problems.append(str(exc))
                continue
            col = BASE_FIELD[m["base"]]
            if unknown_zero(col, float(v), field):
                continue
            tier = TIER_SUFFIX[m["tier"]] if m["tier"] else "standard"
            if m["thr"]:
                tiers.setdefault(tier, []).append((col, int(m["thr"]) * 1000, float(v)))
            else:
                by_tier.setdefault(tier, {})[col] = float(v)
        std = by_tier.setdefault("standard", {})
        if "cache_read_usd_per_mtok" not in std and entry.get("input_cost_per_token_cache_hit") is not None:
            std["cache_read_usd_per_mtok"] = float(
                per_mtok(
                    entry["input_cost_per_token_cache_hit"],
                    f"{name}: key {key!r}",
                    "input_cost_per_token_cache_hit",
                    report,
                )
            )
        tp = entry.get("tiered_pricing")
        if isinstance(tp, list):
            for j, rng in enumerate(tp):
                r = rng.get("range", [0, None])
                for f, val in rng.items():
                    if f == "range" or val is None:
                        continue
                    col = BASE_FIELD.get(f)
                    if col is None:
                        report.ignored_fields[f"tiered_pricing.{f}"] += 1
                        continue
                    v = float(per_mtok(val, f"{name}: key {key!r}", f"tiered_pricing[{j}].{f}", report))
                    if unknown_zero(col, v, f"tiered_pricing[{j}].{f}"):
                        continue
                    if float(r[0]) == 0:
                        std.setdefault(col, v)
                    else:
                        tiers.setdefault("standard", []).append((col, int(float(r[0])), v))
        fees: dict[str, float] = {}
        sc = entry.get("search_context_cost_per_query")
        if isinstance(sc, dict) and sc.get("search_context_size_medium") is not None:
            fees["per_search_usd"] = float(Decimal(repr(sc["search_context_size_medium"])))
        if entry.get("input_cost_per_request") is not None:
            fees["per_request_usd"] = float(Decimal(repr(entry["input_cost_per_request"])))
        if entry.get("input_cost_per_token") == 0 or entry.get("output_cost_per_token") == 0:
            report.free_entries += bool(FREE_RE.search(key))
        if "input_usd_per_mtok" not in std and "output_usd_per_mtok" not in std:
            report.set_aside[ZERO_REASON if zeros else "no input or output token price"] += 1
            continue
        if key not in canon_cache:
            canon_cache[key] = resolve(key, ident)
        region = _region(key, provider)
        base = dict(
            endpoint_key=key,
            canonical_model_id=canon_cache[key],
            api_model_id=key.rsplit("/", 1)[-1],
            provider=provider,
            region=region,
            source="litellm",
            source_key=key,
            context_window_tokens=entry.get("max_input_tokens"),
        )
        off = entry.get("off_peak_pricing")
        for tier, prices in by_tier.items():
            if "input_usd_per_mtok" not in prices and "output_usd_per_mtok" not in prices:
                report.set_aside[f"service tier {tier!r} without input or output price (tier skipped)"] += 1
                continue
            row_fees = fees if tier == "standard" else {}
            partition = [(0, 1440, 127, False)]
            off_prices: dict[str, float] = {}
            if tier == "standard" and isinstance(off, dict):
                wins = _windows(off, f"{name}: key {key!r}", problems)
                if wins:
                    partition = _week_partition(wins)
                    for f, val in off.items():
                        if f in BASE_FIELD:
                            v = float(per_mtok(val, f"{name}: key {key!r}", f"off_peak_pricing.{f}", report))
                            unknown = unknown_zero(BASE_FIELD[f], v, f"off_peak_pricing.{f}")
                            off_prices[BASE_FIELD[f]] = float("nan") if unknown else v
            for a, b, mask, is_off in partition:
                rid = len(rows)
                rows.append(
                    {
                        **base,
                        "service_tier": tier,
                        **prices,
                        **(off_prices if is_off else {}),
                        **row_fees,
                        "utc_weekday_mask": mask,
                        "utc_start_minute": a,
                        "utc_end_minute": b,
                        "time_window": ("off-peak " if is_off else "") + _mask_label(mask, a, b),
                    }
                )
                for col, thr, v in tiers.get(tier, []):
                    tier_rows.append(
                        dict(
                            price_row_id=rid,
                            price_column=col,
                            threshold_input_tokens=thr,
                            usd_per_mtok=v,
                            rule="whole_request",
                        )
                    )
    if problems:
        raise ValueError(f"{name}: {len(problems)} problems:\n" + "\n".join(problems))
    endpoints = endpoints_frame(rows)
    endpoints["first_party"] = annotate(endpoints[["canonical_model_id", "provider"]], ident)["first_party"]
    report.seconds = _time.perf_counter() - t0
    report.ignored_fields = Counter(dict(report.ignored_fields))
    return CatalogImport(endpoints, tiers_frame(tier_rows), report).finish()


@register("litellm")
def load(path: str | Path, as_of: str | None = None, version: str | None = None) -> CatalogImport:
    """Import LiteLLM's JSON file at ``path`` (e.g. read out of the litellm wheel).

    The file carries no date: ``as_of`` is what the caller states (never the file's modification
    time), else unknown; ``version`` defaults to the litellm release named in the path
    (``.../litellm-1.110.2/...``), else unknown.
    """
    t0 = _time.perf_counter()
    path = Path(path).expanduser()
    try:
        data = json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}; expected LiteLLM's "
                         f"model_prices_and_context_window.json, unchanged") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the file holds a JSON {type(data).__name__}; expected an object mapping "
                         f"model keys to their prices (LiteLLM's model_prices_and_context_window.json)")
    imp = load_entries(data, name=str(path), version=version or _version_from_path(path))
    imp.report.as_of = as_of or ""
    imp.report.seconds = _time.perf_counter() - t0
    return imp


def _version_from_path(path: Path) -> str:
    """The litellm release in a path such as ``~/.cache/pricepoint/litellm/litellm-1.110.2/x.json``.

    >>> _version_from_path(Path("/c/litellm-1.110.2/model_prices.json")), _version_from_path(Path("/tmp/x.json"))
    ('1.110.2', '')
    """
    m = re.search(r"litellm-(\d[\w.]*?)(?:[-/]|$)", str(path))
    return m.group(1) if m else ""


# --------------------------------------------------------------------------- LiteLLM's JSON, from its wheel

WHEEL_JSON = "litellm/model_prices_and_context_window_backup.json"


def litellm_cache() -> Path:
    """Where LiteLLM's JSON is kept once taken from its wheel: ``$PRICEPOINT_LITELLM_DIR``, else
    ``~/.cache/pricepoint/litellm`` (outside the repository: it is never committed)."""
    import os

    return Path(os.environ.get("PRICEPOINT_LITELLM_DIR") or Path.home() / ".cache" / "pricepoint" / "litellm")


def cached_litellm_json() -> Path | None:
    """The newest LiteLLM JSON already in :func:`litellm_cache` (``litellm-VERSION/...json``), or ``None``."""
    found = sorted(litellm_cache().glob("litellm-*/model_prices_and_context_window_backup.json"),
                   key=lambda p: [int(x) if x.isdigit() else 0 for x in _version_from_path(p).split(".")])
    return found[-1] if found else None


def fetch_litellm_json(spec: str = "litellm") -> Path:
    """LiteLLM's JSON out of its wheel, downloaded at most once with ``pip download SPEC --no-deps``.

    The only function here that uses the network (through pip, the registry's own client), and only
    when the cache holds no JSON yet; raises ``OSError`` naming the command when pip cannot reach the
    registry. The test suite never calls it (it is offline); ``make bench`` does.
    """
    import subprocess
    import sys
    import tempfile
    import zipfile

    have = cached_litellm_json()
    if have is not None:
        return have
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", spec, "--no-deps", "--only-binary", ":all:", "-d", tmp, "-q"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = sorted(Path(tmp).glob("litellm-*.whl"))
        if done.returncode != 0 or not wheels:
            raise OSError(f"`{' '.join(cmd[2:])}` failed (is the package registry reachable?): "
                          f"{(done.stderr or done.stdout).strip()[-300:]}")
        out = litellm_cache() / f"litellm-{wheels[0].name.split('-')[1]}" / Path(WHEEL_JSON).name
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheels[0]) as z:
            out.write_bytes(z.read(WHEEL_JSON))
    return out

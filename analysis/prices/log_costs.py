"""A usage log re-priced where it lives, on the engine chosen: summed by model, endpoint, day (and policy).

The log (Parquet, CSV or JSONL; a path or an ``s3a://`` URL) is read by the engine
(:mod:`analysis.prices.engines`) and priced by the one expression of
:mod:`analysis.prices.tariff_costs`; only the sums come back. A log names its ``model`` as people
do (``GPT-4o``) or its ``endpoint_key``; :func:`log_tariffs` says which endpoint prices each model.

>>> import tempfile, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "log.parquet"
>>> pd.DataFrame({"timestamp": pd.to_datetime(["2026-11-02 10:00", "2026-11-02 11:00", "2026-11-03 09:00"]),
...     "model": ["GPT-4o", "GPT-4o", "no such model"], "input_tokens": [1_000_000, 0, 10],
...     "output_tokens": [100_000, 0, 10]}).to_parquet(log)
>>> tables, endpoints = log_tariffs()
>>> out = price_log(log, tables, endpoints=endpoints)
>>> out[["model", "endpoint_key", "rows", "cost_usd", "set_aside_reason"]].to_dict("records")[0]
{'model': 'GPT-4o', 'endpoint_key': 'article/GPT-4o', 'rows': 2, 'cost_usd': 3.5, 'set_aside_reason': None}
>>> totals(out).to_dict("records")[1]
{'model': 'no such model', 'rows_priced': 0, 'rows_set_aside': 1, 'cost_usd': nan}
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.prices.engines import Engine, connect
from analysis.prices.tariff_costs import pricing_expression, summarise

#: Column names of usage logs (left) that mean a tariff usage column (right).
LOG_ALIASES = {"cached_input_tokens": "cache_read_tokens", "cache_creation_tokens": "cache_write_tokens"}
BY = ("model", "endpoint_key", "day")
#: The endpoint of a row whose task type a policy routes nowhere: set aside ("endpoint not in catalog"), counted.
NOT_ROUTED = "(not routed by the policy)"


def log_tariffs(pricing_csv: str | os.PathLike | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The tariff tables a pricing CSV stands for, and the endpoint that prices each of its models.

    An imported catalog (a pricing CSV with its ``.endpoints.csv`` sidecars) gives its tables and its
    ``endpoint_key`` column; the shipped ``data/pricing.csv`` (``None``) or a file in its format is the
    ``article`` catalog (one endpoint ``article/<model>`` per model).

    >>> tables, endpoints = log_tariffs()
    >>> endpoints["GPT-4o"], len(tables["endpoints"]) == len(endpoints)
    ('article/GPT-4o', True)
    """
    from analysis.data.catalogs.pricing import read_tariffs, sidecars
    from analysis.data.catalogs.registry import load_catalog

    if pricing_csv and sidecars(Path(pricing_csv))["endpoints"].exists():
        tables = read_tariffs(pricing_csv)
        pricing = pd.read_csv(pricing_csv, usecols=["model", "endpoint_key"]).dropna()
        return tables, dict(zip(pricing.model.astype(str), pricing.endpoint_key.astype(str), strict=True))
    imp = load_catalog("article", str(pricing_csv) if pricing_csv else None)
    ep = imp.endpoints
    return imp.tables, dict(zip(ep.api_model_id.astype(str), ep.endpoint_key.astype(str), strict=True))


def price_log(source: str | os.PathLike, tables: Mapping[str, pd.DataFrame], engine: str | Engine = "duckdb",
              spark_master: str | None = None, endpoints: Mapping[str, str] | None = None,
              routes: pd.DataFrame | None = None, by: Sequence[str] = BY) -> pd.DataFrame:
    """Re-price the log at ``source`` on ``engine`` and return its sums by ``by`` (and ``policy``) and reason.

    Columns: ``by``, ``policy`` (when ``routes`` is given), ``set_aside_reason`` (empty: priced),
    ``rows``, ``cost_usd`` (NaN for set-aside groups: unknown, never 0), ``input_tokens``,
    ``output_tokens``. ``routes`` (columns ``policy``, ``task_type``, ``endpoint_key``) re-prices
    every row under each policy, on the endpoint the policy sends its task type to (a row without a
    task type counts as ``general``; a task type the policy routes nowhere goes to :data:`NOT_ROUTED`
    and is set aside, counted). ``day`` is the row's UTC date.
    """
    eng = engine if isinstance(engine, Engine) else connect(engine, **({"master": spark_master}
                                                                         if engine == "spark" else {}))
    log, keep = _prepare(eng, eng.read(source), endpoints, routes)
    rows = pricing_expression(eng, log, tables, keep=keep)
    rows = rows.mutate(day=rows.ts.date())
    group = list(by) + (["policy"] if routes is not None else [])
    out = eng.execute(summarise(rows, group))
    out["set_aside_reason"] = out["set_aside_reason"].astype(object).where(out["set_aside_reason"].notna(), None)
    if "day" in out:
        out["day"] = pd.to_datetime(out["day"])
    out = out.astype({"rows": "int64"})
    return out.sort_values([*group, "set_aside_reason"], na_position="first", kind="stable").reset_index(drop=True)


def _prepare(eng: Engine, log: Any, endpoints: Mapping[str, str] | None,
             routes: pd.DataFrame | None) -> tuple[Any, list[str]]:
    t = log.rename({new: old for old, new in LOG_ALIASES.items() if old in log.columns and new not in log.columns})
    if "model" not in t.columns and "endpoint_key" not in t.columns:
        raise KeyError(f"usage log: no column 'model' or 'endpoint_key' among {list(t.columns)}; expected one")
    if "model" not in t.columns:
        t = t.mutate(model=t.endpoint_key.cast("string"))
    keep = ["model"]
    if routes is not None:  # every row under every policy; a task type a policy does not route stays visible
        import ibis

        task = t.task_type.cast("string").fill_null("general") if "task_type" in t.columns else ibis.literal("general")
        t = t.mutate(_task=task).drop(*[c for c in ("endpoint_key", "policy") if c in t.columns])
        t = t.cross_join(eng.table(pd.DataFrame({"policy": sorted(set(routes.policy.astype(str)))})))
        r = eng.table(routes[["policy", "task_type", "endpoint_key"]].astype(str).set_axis(
            ["_route_policy", "_route_task", "_route_endpoint"], axis=1))
        t = t.left_join(r, [t.policy == r._route_policy, t._task == r._route_task])
        t = t.mutate(endpoint_key=t._route_endpoint.fill_null(NOT_ROUTED)).drop(
            "_task", "_route_policy", "_route_task", "_route_endpoint")
        keep.append("policy")
    elif "endpoint_key" not in t.columns:
        m = t.model.cast("string")
        if endpoints:
            e = eng.table(pd.DataFrame({"_model": list(endpoints), "_endpoint": list(endpoints.values())}))
            t = t.left_join(e, m == e._model)
            t = t.mutate(endpoint_key=t._endpoint.fill_null(t.model.cast("string"))).drop("_model", "_endpoint")
        else:
            t = t.mutate(endpoint_key=m)
    return t, keep


def totals(summary: pd.DataFrame, by: Sequence[str] = ("model",)) -> pd.DataFrame:
    """:func:`price_log`'s sums per ``by``: rows priced and set aside, cost of the priced rows.

    ``cost_usd`` is NaN where no row of the group is priced (unknown, never $0).
    """
    s = summary.assign(_priced=summary.set_aside_reason.isna())
    g = s.groupby(list(by), dropna=False)
    out = pd.DataFrame({"rows_priced": g.apply(lambda x: int(x.rows[x._priced].sum()), include_groups=False),
                        "rows_set_aside": g.apply(lambda x: int(x.rows[~x._priced].sum()), include_groups=False),
                        "cost_usd": g.apply(lambda x: x.cost_usd[x._priced].sum(min_count=1),
                                            include_groups=False)})
    return out.reset_index()


def set_aside(summary: pd.DataFrame) -> pd.Series:
    """Rows set aside, counted by reason (largest first)."""
    s = summary[summary.set_aside_reason.notna()]
    return s.groupby("set_aside_reason").rows.sum().sort_values(ascending=False, kind="stable")


def billed_text(log: str | os.PathLike, pricing_csv: str | os.PathLike | None = None, engine: str = "duckdb",
                spark_master: str | None = None) -> str:
    """``pricepoint reprice --engine``: the log priced as billed by the tariff tables, per model, as text.

    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = log.write_text("timestamp,model,input_tokens,output_tokens\\n2026-11-02T10:00:00Z,GPT-4o,1000000,0\\n")
    >>> print(billed_text(log))
    As billed by the tariff tables (data/pricing.csv), re-priced on duckdb: 1 row priced, 0 set aside, $2.50.
      GPT-4o                              1 row        $2.50
    """
    from analysis import paths
    from analysis.formatting import format_usd, plural, redact_url

    tables, endpoints = log_tariffs(pricing_csv)
    summary = price_log(log, tables, engine, spark_master, endpoints=endpoints)
    t = totals(summary)
    where = engine if engine != "spark" else f"spark ({redact_url(spark_master or 'the running session or local[*]')})"
    source = paths.shown(pricing_csv) if pricing_csv else "data/pricing.csv"
    lines = [f"As billed by the tariff tables ({source}), re-priced on {where}: {plural(t.rows_priced.sum(), 'row')} priced, "
             f"{t.rows_set_aside.sum():,} set aside, {format_usd(t.cost_usd.sum(min_count=1), 2)}."]
    width = max([28, *(len(str(m)) + 1 for m in t.model)])
    for r in t.sort_values("cost_usd", ascending=False, na_position="last").itertuples():
        lines.append(f"  {str(r.model):<{width}} {plural(r.rows_priced, 'row'):>13} {format_usd(r.cost_usd, 2):>11}"
                     + (f"  ({r.rows_set_aside:,} set aside)" if r.rows_set_aside else ""))
    lines += [f"  set aside: {plural(n, 'row')}, {why}" for why, n in set_aside(summary).items()]
    return "\n".join(lines)

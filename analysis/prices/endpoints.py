"""Where to buy one model: every endpoint a catalog prices it at (its maker's API, resellers, clouds, regions, tiers).

A reseller's price is shown under its provider's name, never as the model's own; the multiple compares each
endpoint's output price with the model's default price (its first-party, standard-tier, current, all-day
endpoint: :func:`analysis.data.identity.default_endpoints`). Unknown prices stay NaN.

>>> from analysis.data.catalogs import load_catalog
>>> t = model_endpoints(load_catalog("article").tables["endpoints"], "GPT-4o")
>>> t[["provider", "service_tier", "first_party", "output_usd_per_mtok", "output_multiple"]].to_dict("records")
[{'provider': 'OpenAI', 'service_tier': 'standard', 'first_party': True, 'output_usd_per_mtok': 10.0, 'output_multiple': 1.0}]
"""

from __future__ import annotations

import pandas as pd

from analysis.data.identity import default_endpoints, load_identity, resolve
from analysis.data.tables import ParameterError

#: The columns of :func:`model_endpoints`, in the order a page shows them.
ENDPOINT_VIEW_COLUMNS = ["api_model_id", "provider", "region", "service_tier", "first_party", "time_window",
                         "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
                         "context_window_tokens", "output_multiple"]
#: Service tiers in the order people compare them (others after, by name).
TIER_ORDER = ["standard", "default", "batch", "flex", "priority", "fast"]


def canonical_id(model: str, endpoints: pd.DataFrame, ident=None) -> str:
    """The canonical model id a page's ``model`` names: a canonical id, a display name or an API id
    (:func:`analysis.data.identity.resolve`), if the catalog prices it.

    >>> from analysis.data.catalogs import load_catalog
    >>> canonical_id("Claude 3.5 Sonnet", load_catalog("article").tables["endpoints"])
    'claude-3-5-sonnet'
    """
    ids = set(endpoints["canonical_model_id"].dropna().astype(str))
    found = model if model in ids else resolve(model, ident or load_identity())
    if found in ids:
        return found
    some = ", ".join(sorted(ids)[:8])
    raise ParameterError(f"endpoints_model {model!r}: no model of that name or id in the catalog's endpoints; "
                         f"expected a model it prices, e.g. {some}")


def model_endpoints(endpoints: pd.DataFrame, model: str, ident=None) -> pd.DataFrame:
    """Every current endpoint of ``model`` (one row per API id, provider, region, tier and time window).

    Sorted by the maker's own first, then tier, then output price. ``output_multiple`` is the output
    price over the model's default (first-party standard) price: NaN where either is unknown.
    """
    ident = ident or load_identity()
    cid = canonical_id(model, endpoints, ident)
    rows = endpoints[(endpoints["canonical_model_id"] == cid) & endpoints["effective_to"].isna()].copy()
    default = default_endpoints(endpoints[endpoints["canonical_model_id"] == cid], ident)
    reference = float(default["output_usd_per_mtok"].iloc[0]) if len(default) else float("nan")
    rows["output_multiple"] = rows["output_usd_per_mtok"] / reference
    rows["first_party"] = rows["first_party"].astype("boolean")
    rank = {t: i for i, t in enumerate(TIER_ORDER)}
    rows["_fp"] = ~rows["first_party"].fillna(False).astype(bool)
    rows["_tier"] = rows["service_tier"].map(rank).fillna(len(rank))
    rows = rows.sort_values(["_fp", "_tier", "service_tier", "output_usd_per_mtok", "api_model_id"],
                            na_position="last", kind="stable")
    out = rows[ENDPOINT_VIEW_COLUMNS].reset_index(drop=True)
    out.attrs["canonical_model_id"] = cid
    out.attrs["default_output_usd_per_mtok"] = reference
    return out

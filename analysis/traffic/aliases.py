"""The names a usage log may give a priced model (API ids, aliases), mapped to the pricing table's names."""

from __future__ import annotations

import functools
from collections.abc import Sequence


@functools.lru_cache(maxsize=32)
def _aliases_for(models: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    from analysis.data.gateway import load_gateway_models
    from analysis.data.identity import _alias_map, load_identity, resolve

    ident = load_identity()
    names = set(models)
    canonical = {resolve(m, ident): m for m in models}
    out: dict[str, str] = {}
    try:
        ids = load_gateway_models()
        out.update({i: m for m, i in zip(ids.model, ids.gateway_model_id) if m in names})
    except Exception:  # a damaged gateway table only costs the gateway's ids
        pass
    for alias, cid in _alias_map(ident).items():
        if cid in canonical:
            out.setdefault(alias, canonical[cid])
    for cid, m in canonical.items():
        out.setdefault(cid, m)
    return tuple((a, m) for a, m in sorted(out.items()) if a not in names)


def model_aliases(models: Sequence[str]) -> dict[str, str]:
    """The names a usage log may give a priced model by, mapped to the pricing table's name: the gateway's
    model ids (data/gateway_models.csv), the identity aliases (data/aliases.csv) and canonical ids.

    >>> aliases = model_aliases(["GPT-4o", "Claude 3.5 Sonnet", "DeepSeek V4 Flash"])
    >>> aliases["gpt-4o"], aliases["claude-3-5-sonnet"], aliases["deepseek-v4-flash"]
    ('GPT-4o', 'Claude 3.5 Sonnet', 'DeepSeek V4 Flash')

    Names are matched whole: a provider's path (``azure/gpt-4o``) is that endpoint's, not the model's own
    price, and stays unknown until the log is priced per endpoint.
    """
    return dict(_aliases_for(tuple(dict.fromkeys(str(m) for m in models))))

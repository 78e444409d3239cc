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


def resolve_log_names(names: Sequence[str], models: Sequence[str]) -> dict[str, str]:
    """The names a log gives (API ids with a date, a maker's path) that name a priced model, mapped to it, as the
    tariff section resolves them (:func:`analysis.data.identity.resolve_api_id`); names that name none are left out.

    >>> resolve_log_names(["gpt-4o-2024-08-06", "openai/gpt-4o", "azure/gpt-4o", "no-such-model"], ["GPT-4o"])
    {'gpt-4o-2024-08-06': 'GPT-4o', 'openai/gpt-4o': 'GPT-4o'}

    A dated snapshot is priced at its model's price in the pricing table (which has one price per model). A path
    through another provider (``azure/gpt-4o``, a Bedrock id) is that provider's price, not the model's own, and
    stays unknown here.
    """
    from analysis.data.identity import load_identity, resolve, resolve_api_id

    ident = load_identity()
    models = [str(m) for m in models]
    canonical = {resolve(m, ident): m for m in models}
    fixed = dict(_aliases_for(tuple(dict.fromkeys(models))))
    out = {}
    for name in dict.fromkeys(str(n) for n in names):
        if name in models:
            continue
        if name in fixed:
            out[name] = fixed[name]
            continue
        ref = resolve_api_id(name, ident)
        if ref.provider is not None and ref.provider_named and ref.first_party is not True:
            continue
        if ref.canonical_model_id in canonical:
            out[name] = canonical[ref.canonical_model_id]
    return out


def display_names(models: Sequence[str]) -> dict[str, str]:
    """Canonical model id -> the name a page shows: the article's own name where the article names the model
    (``data/aliases.csv``, source ``article``), else the id itself.

    >>> display_names(["deepseek-v4-flash", "gpt-4o", "claude-haiku-5-5"])
    {'deepseek-v4-flash': 'DeepSeek V4 Flash', 'gpt-4o': 'GPT-4o', 'claude-haiku-5-5': 'claude-haiku-5-5'}
    """
    from analysis.data.identity import load_identity

    a = load_identity().aliases
    article = a[(a.source == "article") & (a.display_name != "")]
    names = dict(zip(article.canonical_model_id, article.display_name))
    return {str(m): names.get(str(m), str(m)) for m in models}

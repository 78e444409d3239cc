"""A usage log priced on tariffs (:func:`analysis.traffic.tariff_logs.price_log`) as plain text, for the command line."""

from __future__ import annotations

from analysis.traffic.tariff_logs import TariffRepricing, _usd


def format_billed(r: TariffRepricing) -> str:
    """The cost as billed then, per model as logged, provider and tier, as plain text (set-aside rows apart)."""
    b = r.billed.assign(provider=r.billed.provider.astype(object).where(r.billed.provider.notna(), ""))
    lines = [f"{'model as logged':<30} {'provider':<12} {'tier':<9} {'endpoint':<34} {'rows':>7} {'as billed':>11}"]
    for x in b.itertuples():
        cost = _usd(x.cost_usd) if isinstance(x.set_aside_reason, float) or x.set_aside_reason is None else (
            f"set aside: {x.set_aside_reason}")
        lines.append(f"{str(x.model)[:30]:<30} {str(x.provider)[:12]:<12} {x.service_tier:<9} "
                     f"{str(x.endpoint_key)[:34]:<34} {x.rows:>7,} {cost:>11}")
    return "\n".join(lines)


def format_today(r: TariffRepricing, top: int = 25) -> str:
    """Today's cost under every model as plain text, those that price every row first, cheapest first."""
    t = r.table()
    lines = [f"{'model':<34} {'cost today':>12} {'rows priced':>12} {'set aside':>10}  why"]
    for x in t.head(top).itertuples():
        lines.append(f"{x.name[:34]:<34} {_usd(x.cost_usd):>12} {x.rows_priced:>12,} {x.rows_set_aside:>10,}  "
                     f"{x.note if isinstance(x.note, str) else ''}")
    if len(t) > top:
        lines.append(f"... and {len(t) - top:,} more models (pass --top to show them)")
    return "\n".join(lines)

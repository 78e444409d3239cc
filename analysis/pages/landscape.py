"""Notebook 02's page: the tables it loads and its findings."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.load import load_access, load_beside_pricing, load_matchups, load_model_facts, load_pricing
from analysis.formatting import escape_markdown, format_multiple, format_usd
from analysis.pages.tables import styled_table
from analysis.value.landscape import (
    access_scores,
    access_wide,
    matchup_table,
    price_multiples,
    rated_above_on_every_factor,
)


@dataclass
class Landscape:
    """The tables of the landscape notebook, each checked against the pricing it belongs with."""

    pricing: pd.DataFrame  # the pricing table the user chose
    reference_pricing: pd.DataFrame  # the pricing the facts and matchups were checked against
    model_facts: pd.DataFrame
    access: pd.DataFrame
    matchups: pd.DataFrame
    notes: list[str]


def load_landscape(pricing_csv: str = "", access_csv: str = "", matchups_csv: str = "",
                   model_facts_csv: str = "") -> Landscape:
    """Load the access matrix, head-to-heads and model facts beside a pricing table.

    The head-to-heads and model facts name the article's models. When the user's pricing
    table does not list those models (an imported catalog, say), they are checked against
    the shipped prices instead, as published, and ``notes`` says so; any other problem is
    an error as usual.

    >>> ls = load_landscape()
    >>> ls.notes, len(ls.matchups)
    ([], 13)
    """
    pricing = load_pricing(pricing_csv)
    facts, notes = load_beside_pricing(load_model_facts, model_facts_csv, pricing, pricing_csv)
    matchups, more = load_beside_pricing(load_matchups, matchups_csv, pricing, pricing_csv, model_facts=facts)
    notes += more
    reference = load_pricing() if notes else pricing
    return Landscape(pricing, reference, facts, load_access(access_csv), matchups, notes)


def headlines(access: pd.DataFrame, matchups: pd.DataFrame, facts: pd.DataFrame,
              pricing: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """The landscape's findings as ``(text, kind)``: what is as published, what we computed.

    >>> ls = load_landscape()
    >>> for text, kind in headlines(ls.access, ls.matchups, ls.model_facts, ls.pricing)[1:3]:
    ...     print(kind, "|", text)
    computed | DeepSeek V4 Flash vs GPT-4o: DeepSeek V4 Flash is 40× cheaper on output price (computed from the source article's published prices: $0.25 vs $10.00).
    computed | Qwen3-32B vs GPT-4o-mini: Qwen3-32B is 2.1× cheaper on output price (computed from the source article's published prices: $0.28 vs $0.60); the author rates it above on every star-rated factor.

    On a catalog's prices the head-to-head's multiple is the article's, labelled as such, beside what the
    catalog's prices give (:func:`matchup_price_clause`).
    """
    scores = access_scores(access)
    out = [("Access factors passed, as published: "
            + "; ".join(f"{k} {v}/{access.factor.nunique()}" for k, v in scores.items())
            + " (the source promotes Global API).", "as published")]
    for name, x in price_multiples(matchups).items():
        row = matchups[(matchups.matchup == name) & (matchups.unit == "usd_per_mtok")].iloc[0]
        cheaper = row.model_a if row.value_a < row.value_b else row.model_b
        above = rated_above_on_every_factor(matchups, name, cheaper)
        out.append((matchup_price_clause(row, x, pricing)
                    + ("; the author rates it above on every star-rated factor." if above else "."), "computed"))
    known = facts.dropna(subset=["output_tok_per_s"])
    if not known.empty:
        out.append(("Published output speed: " + ", ".join(f"{r.model} ~{r.output_tok_per_s:g} tok/s"
                                                           for r in known.itertuples())
                    + "; unknown for every other model.", "as published"))
    return out


def matchup_price_clause(row, multiple: float, pricing: pd.DataFrame | None) -> str:
    """One head-to-head's price comparison: the multiple of the article's published prices (the matchup table),
    and, when the run's prices are a catalog's, what they give instead (or that the catalog lacks a model).

    >>> row = pd.Series({"matchup": "A vs B", "model_a": "A", "model_b": "B", "value_a": 0.25, "value_b": 10.0})
    >>> catalog = pd.DataFrame({"model": ["A", "B"], "output_usd_per_mtok": [0.60, 10.0]})
    >>> catalog.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}}
    >>> print(matchup_price_clause(row, 40.0, catalog))
    A vs B: A is 40× cheaper on output price at the article's prices ($0.25 vs $10.00, as published); at the genai-prices 0.2.3 catalog's prices, $0.60 vs $10.00: 16.7× (computed)
    >>> print(matchup_price_clause(row, 40.0, catalog[catalog.model == "B"]))
    A vs B: A is 40× cheaper on output price at the article's prices ($0.25 vs $10.00, as published); the genai-prices 0.2.3 catalog's prices do not include A, so the catalog's multiple is unknown
    """
    from analysis.data.sources import provenance

    cheap, dear = (row.model_a, row.model_b) if row.value_a < row.value_b else (row.model_b, row.model_a)
    lo, hi = sorted([row.value_a, row.value_b])
    where = provenance(pricing) if pricing is not None else {"article": True}
    if where["article"]:
        return (f"{row.matchup}: {cheap} is {format_multiple(multiple)} cheaper on output price (computed from "
                f"the source article's published prices: {format_usd(lo)} vs {format_usd(hi)})")
    head = (f"{row.matchup}: {cheap} is {format_multiple(multiple)} cheaper on output price at the article's prices "
            f"({format_usd(lo)} vs {format_usd(hi)}, as published)")
    price = pricing.set_index("model")["output_usd_per_mtok"]
    lacking = [m for m in (cheap, dear) if m not in price.index or pd.isna(price[m])]
    if lacking:
        return (f"{head}; {where['prices']} do not include {' or '.join(lacking)}, so the catalog's multiple is "
                f"unknown")
    p_cheap, p_dear = float(price[cheap]), float(price[dear])
    ratio = p_dear / p_cheap if p_cheap > 0 else float("nan")
    return (f"{head}; at {where['prices']}, {format_usd(p_cheap)} vs {format_usd(p_dear)}: "
            f"{format_multiple(ratio)} (computed)")


def styled_access(access: pd.DataFrame):
    """The access matrix as the article prints it (:func:`access_wide`), one row per factor, escaped.

    >>> ls = load_landscape()
    >>> html = styled_access(ls.access).to_html()
    >>> ">factor</th>" in html and ">Global API</th>" in html and ">✓ PayPal/Visa</td>" in html
    True
    """
    wide = access_wide(access).reset_index()
    return styled_table(wide, {c: str(c) for c in wide.columns})


def matchup_heading(name: str) -> str:
    """A head-to-head's heading in Markdown, its name escaped.

    >>> matchup_heading("Qwen3-32B vs GPT-4o-mini"), matchup_heading("<i>x</i> vs y")
    ('### Qwen3-32B vs GPT-4o-mini', '### &lt;i&gt;x&lt;/i&gt; vs y')
    """
    return f"### {escape_markdown(name)}"


def styled_matchup(matchups: pd.DataFrame, name: str):
    """One head-to-head (:func:`matchup_table`) for people: both models' values and the stated winner.

    >>> ls = load_landscape()
    >>> html = styled_matchup(ls.matchups, "Qwen3-32B vs GPT-4o-mini").to_html()
    >>> ">Qwen3-32B</th>" in html and ">$0.28/M</td>" in html and ">Qwen3-32B (2.1× cheaper)</td>" in html
    True
    """
    table = matchup_table(matchups, name)
    return styled_table(table, {c: str(c) for c in table.columns})


def styled_model_facts(facts_table: pd.DataFrame):
    """The published facts of every priced model (:func:`model_facts_table`), *unknown* where none.

    >>> from analysis.value.landscape import model_facts_table
    >>> ls = load_landscape()
    >>> html = styled_model_facts(model_facts_table(ls.model_facts, ls.reference_pricing)).to_html()
    >>> ">p99 TTFT (published)</th>" in html and ">1.5-2 s</td>" in html and ">unknown</td>" in html
    True
    """
    return styled_table(facts_table, {c: str(c) for c in facts_table.columns})

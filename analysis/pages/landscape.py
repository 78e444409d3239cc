"""Notebook 02's page: the tables it loads and its findings."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.load import load_access, load_beside_pricing, load_matchups, load_model_facts, load_pricing
from analysis.formatting import escape_markdown, format_multiple
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


def headlines(access: pd.DataFrame, matchups: pd.DataFrame, facts: pd.DataFrame) -> list[tuple[str, str]]:
    """The landscape's findings as ``(text, kind)``: what is as published, what we computed.

    >>> ls = load_landscape()
    >>> for text, kind in headlines(ls.access, ls.matchups, ls.model_facts)[1:3]:
    ...     print(kind, "|", text)
    computed | DeepSeek V4 Flash vs GPT-4o: DeepSeek V4 Flash is 40× cheaper on output price (computed).
    computed | Qwen3-32B vs GPT-4o-mini: Qwen3-32B is 2.1× cheaper on output price (computed); the author rates it above on every star-rated factor.
    """
    scores = access_scores(access)
    out = [("Access factors passed, as published: "
            + "; ".join(f"{k} {v}/{access.factor.nunique()}" for k, v in scores.items())
            + " (the source promotes Global API).", "as published")]
    for name, x in price_multiples(matchups).items():
        row = matchups[(matchups.matchup == name) & (matchups.unit == "usd_per_mtok")].iloc[0]
        cheaper = row.model_a if row.value_a < row.value_b else row.model_b
        above = rated_above_on_every_factor(matchups, name, cheaper)
        out.append((f"{name}: {cheaper} is {format_multiple(x)} cheaper on output price (computed)"
                    + ("; the author rates it above on every star-rated factor." if above else "."), "computed"))
    known = facts.dropna(subset=["output_tok_per_s"])
    if not known.empty:
        out.append(("Published output speed: " + ", ".join(f"{r.model} ~{r.output_tok_per_s:g} tok/s"
                                                           for r in known.itertuples())
                    + "; unknown for every other model.", "as published"))
    return out


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

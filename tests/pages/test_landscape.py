"""analysis.pages.landscape: notebook 02's tables (loaded beside the pricing), findings and shown tables."""

from __future__ import annotations

import html
import re

import pytest

from analysis.pages import landscape as pages_landscape


@pytest.fixture(scope="module")
def ls():
    return pages_landscape.load_landscape()


def cells(styler) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", styler.to_html(), flags=re.S)]


def headings(styler) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<th\b[^>]*>(.*?)</th>", styler.to_html(), flags=re.S)]


def test_shipped_tables_load_without_notes(ls):
    assert ls.notes == [] and ls.reference_pricing is ls.pricing
    assert len(ls.matchups) == 13 and ls.access.factor.nunique() == 7


def test_a_pricing_file_without_the_articles_models_checks_the_rest_against_the_shipped_prices(write_csv):
    mine = write_csv("mine.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\n"
                                 "GPT-4o,OpenAI,US,2.5,10\n")
    ls = pages_landscape.load_landscape(str(mine))
    assert list(ls.pricing.model) == ["GPT-4o"]
    assert len(ls.reference_pricing) > 1 and len(ls.matchups) == 13
    assert len(ls.notes) == 2 and all(n.startswith("mine.csv does not list ") for n in ls.notes)


def test_headlines_say_what_is_published_and_what_is_computed(ls):
    found = pages_landscape.headlines(ls.access, ls.matchups, ls.model_facts)
    assert [kind for _, kind in found] == ["as published", "computed", "computed", "computed", "as published"]
    assert found[0][0] == ("Access factors passed, as published: US Models 7/7; Chinese Models (direct) 0/7; "
                           "Global API 7/7 (the source promotes Global API).")
    assert found[1][0] == ("DeepSeek V4 Flash vs GPT-4o: DeepSeek V4 Flash is 40× cheaper on output price (computed "
                           "from the source article's published prices: $0.25 vs $10.00).")
    assert found[3][0].startswith("Kimi K2.5 vs Claude 3.5 Sonnet: Kimi K2.5 is 5× cheaper")
    assert found[4][0].startswith("Published output speed: DeepSeek V4 Flash ~60 tok/s, GPT-4o ~50 tok/s")


def test_styled_access_is_the_matrix_as_printed(ls):
    s = pages_landscape.styled_access(ls.access)
    assert headings(s) == ["factor", "US Models", "Chinese Models (direct)", "Global API"]
    assert cells(s)[:4] == ["Payment", "✓ Credit card", "✗ WeChat/Alipay only", "✓ PayPal/Visa"]


def test_styled_matchup_has_both_models_and_the_stated_winner(ls):
    s = pages_landscape.styled_matchup(ls.matchups, "DeepSeek V4 Flash vs GPT-4o")
    assert headings(s) == ["factor", "DeepSeek V4 Flash", "GPT-4o", "stated winner"]
    assert cells(s)[:4] == ["Output price", "$0.25/M", "$10.00/M", "DeepSeek V4 Flash (40× cheaper)"]


def test_styled_model_facts_unknown_stays_unknown(ls):
    from analysis.value.landscape import model_facts_table

    s = pages_landscape.styled_model_facts(model_facts_table(ls.model_facts, ls.pricing))
    assert "p99 TTFT (published)" in headings(s)
    row = cells(s)[:7]
    assert row[0] == "GPT-4o" and row[4] == "yes" and row[5] == "1.5-2 s"
    assert "unknown" in cells(s)


def test_hostile_names_in_a_matchup_are_shown_as_text(ls):
    bad = "<img src=x onerror=alert(3)>"
    m = ls.matchups.replace({"Kimi K2.5": bad, "Kimi K2.5 vs Claude 3.5 Sonnet": f"{bad} vs Claude 3.5 Sonnet"})
    name = f"{bad} vs Claude 3.5 Sonnet"
    out = pages_landscape.styled_matchup(m, name).to_html()
    assert "<img" not in out and out.count("&lt;img src=x onerror=alert(3)&gt;") >= 2
    assert pages_landscape.matchup_heading(name) == "### &lt;img src=x onerror=alert(3)&gt; vs Claude 3.5 Sonnet"


def test_on_a_catalog_the_article_multiple_is_labelled_the_articles_beside_the_catalogs(ls):
    """genai-prices gives DeepSeek V4 Flash $0.60: the index must not call the article's 40x 'computed' from it."""
    catalog = ls.pricing.copy()
    catalog.loc[catalog.model == "DeepSeek V4 Flash", "output_usd_per_mtok"] = 0.60
    catalog.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}, "as_of": "2026-11-09"}
    text = pages_landscape.headlines(ls.access, ls.matchups, ls.model_facts, catalog)[1][0]
    assert "40× cheaper on output price at the article's prices ($0.25 vs $10.00, as published)" in text
    assert "at the genai-prices 0.2.3 catalog's prices, $0.60 vs $10.00: 16.7× (computed)" in text

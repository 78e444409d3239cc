"""Notebook 01's page: the price table, results.json entries and findings."""

from __future__ import annotations

import pandas as pd

from analysis.formatting import (
    format_multiple,
    format_names,
    format_price,
    format_usd,
    format_yes_no,
    plural,
    price_column,
    usd_column,
)
from analysis.pages.tables import styled_table
from analysis.prices.bases import DEFAULT_INPUT_OUTPUT_RATIO
from analysis.prices.bills import MonthlyVolume, monthly_bill_usd


def styled_price_table(table: pd.DataFrame):
    """The price table formatted for people: dollars, multiples, ``n/a`` for unknown, text escaped, no index.

    >>> from analysis.prices.bills import price_table
    >>> from analysis.data.load import load_pricing
    >>> html = styled_price_table(price_table(load_pricing(), monthly_tokens=1e9)).to_html()
    >>> "$0.25" in html and "60×" in html and "n/a" in html and ">blended $/M (3:1 in:out)</th>" in html
    True

    The two bills say what they count, in the headings and the caption (the volume's labels, as the
    charts' titles give them):

    >>> "output + input bill" in html and "1 B output + 3 B input tokens/month (3:1 input:output)" in html
    True
    """
    ratio = table.attrs.get("input_output_ratio", DEFAULT_INPUT_OUTPUT_RATIO)
    rename = {
        "input_usd_per_mtok": "input $/M tokens",
        "output_usd_per_mtok": "output $/M tokens",
        "blended_usd_per_mtok": f"blended $/M ({ratio:g}:1 in:out)",
        "output_multiple": "× cheapest output",
        "monthly_bill_usd": "monthly output-only bill",
        "monthly_bill_blended_usd": "monthly output + input bill",
    }
    # one precision per column: never "$153" beside "$42.00"
    formats = {c: price_column(table[c]) for c in table.columns if c.endswith("usd_per_mtok")}
    formats.update({c: usd_column(table[c]) for c in table.columns if c.startswith("monthly_bill")})
    formats["output_multiple"] = format_multiple
    volume = table.attrs.get("volume")
    caption = (f"Monthly volume: output-only bill for {volume.output_label()}; output + input bill (the blended "
               f"price times every token) for {volume.label()}, as in the traffic chart.") if volume else None
    return styled_table(table, {c: rename.get(c, c) for c in table.columns}, formats, caption=caption)


def traffic_bill_table(pricing: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0) -> pd.DataFrame:
    """The monthly bill of ``monthly_tokens`` output tokens plus ``input_output_ratio`` input tokens for
    each output token, per model (``traffic_bill_usd``; unknown when a price it needs is unknown).

    At a ratio of 0 it is the output-only bill of :func:`analysis.prices.bills.price_table`.

    >>> from analysis.data.load import load_pricing
    >>> bills = traffic_bill_table(load_pricing(), 10e9, 3.0).set_index("model").traffic_bill_usd
    >>> float(bills["Claude 3.5 Sonnet"])   # 10e9 x $15/M out + 30e9 x $3/M in
    240000.0
    >>> bool(pd.isna(bills["DeepSeek Coder"]))   # input price unknown: no bill, never $0
    True
    """
    volume = MonthlyVolume(float(monthly_tokens), float(input_output_ratio))
    table = pricing[["model", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    table["traffic_bill_usd"] = volume.bill_usd(table.input_usd_per_mtok, table.output_usd_per_mtok)
    table.attrs.update(monthly_tokens=monthly_tokens, input_output_ratio=volume.input_output_ratio, volume=volume)
    return table


def traffic_bill(pricing: pd.DataFrame, monthly_tokens: float, input_output_ratio: float = 3.0):
    """:func:`traffic_bill_table` drawn by :func:`~analysis.figures.prices.traffic_bill_bars`: the
    entry point of notebook 01's controls (compute, then draw).

    >>> import matplotlib.pyplot as plt
    >>> from analysis.data.load import load_pricing
    >>> fig = traffic_bill(load_pricing(), 10e9, 0.0)
    >>> bars = {t.get_text(): float(p.get_width()) for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches)}
    >>> bars["DeepSeek V4 Flash"]   # the article's example: 10 billion output tokens at $0.25/M
    2500.0
    >>> plt.close(fig)
    """
    from analysis.figures.prices import traffic_bill_bars

    return traffic_bill_bars(traffic_bill_table(pricing, monthly_tokens, input_output_ratio), monthly_tokens,
                             input_output_ratio)


#: The article's example: 10 billion output tokens a month on these two models.
ARTICLE_EXAMPLE_TOKENS = 10e9

ARTICLE_EXAMPLE_MODELS = ("DeepSeek V4 Flash", "Claude 3.5 Sonnet")


def results(table: pd.DataFrame) -> dict:
    """Notebook 01's results.json entries, by name (see the README), from :func:`price_table`.

    >>> from analysis.prices.bills import price_table
    >>> from analysis.data.load import load_pricing
    >>> r = results(price_table(load_pricing(), monthly_tokens=10e9))
    >>> r["cheapest_output"], r["article_example_10b_output_tokens_usd"]
    ({'models': ['DeepSeek Coder', 'DeepSeek V4 Flash'], 'usd_per_mtok': 0.25}, {'DeepSeek V4 Flash': 2500.0, 'Claude 3.5 Sonnet': 150000.0})
    """
    known = table.dropna(subset=["output_usd_per_mtok"])
    cheapest = known.output_usd_per_mtok.min()
    price = table.set_index("model").output_usd_per_mtok
    return {
        "input_output_ratio": table.attrs.get("input_output_ratio"),
        "monthly_tokens": table.attrs.get("monthly_tokens"),
        "cheapest_output": {"models": known.loc[known.output_usd_per_mtok == cheapest, "model"].tolist(),
                            "usd_per_mtok": float(cheapest)},
        "output_multiple": dict(zip(table.model, table.output_multiple)),
        "output_multiple_formatted": {m: format_multiple(x) for m, x in zip(table.model, table.output_multiple)},
        "blended_usd_per_mtok": dict(zip(table.model, table.blended_usd_per_mtok)),
        "monthly_bill_usd": dict(zip(table.model, table.monthly_bill_usd)),
        "article_example_10b_output_tokens_usd": {m: float(monthly_bill_usd(price[m], ARTICLE_EXAMPLE_TOKENS))
                                                  for m in ARTICLE_EXAMPLE_MODELS if m in price.index},
        "price_table": table,
    }


def _with_input(table: pd.DataFrame, volume: MonthlyVolume) -> str:
    """The bill's range with the input tokens, among the models whose input price is known (the rest: unknown).

    >>> from analysis.prices.bills import price_table
    >>> from analysis.data.load import load_pricing
    >>> print(_with_input(price_table(load_pricing(), monthly_tokens=10e9), MonthlyVolume(10e9, 3.0)))
    ; with the input tokens (10 B output + 30 B input tokens/month (3:1 input:output)), from $7,900 (DeepSeek V4 Flash) to $240,000 (Claude 3.5 Sonnet) among the 8 models whose input price is known.
    """
    known = table.dropna(subset=["monthly_bill_blended_usd"]).sort_values("monthly_bill_blended_usd", kind="stable")
    if known.empty:
        return f"; with the input tokens ({volume.label()}) the bill is unknown: no input price is known."
    lo, hi = known.iloc[0], known.iloc[-1]
    return (f"; with the input tokens ({volume.label()}), from {format_usd(lo.monthly_bill_blended_usd)} ({lo.model}) "
            f"to {format_usd(hi.monthly_bill_blended_usd)} ({hi.model}) among the {plural(len(known), 'model')} "
            f"whose input price is known.")


def article_example(table: pd.DataFrame) -> tuple[str, str] | None:
    """The article's example (10 billion output tokens a month on two models) as a finding: reproduced on the
    article's own prices; on a catalog's, the article's figures labelled as the article's beside what this
    catalog's prices give, saying where they differ. ``None`` when the table lacks a model of the example.

    >>> from analysis.prices.bills import price_table
    >>> from analysis.data.load import load_pricing
    >>> print(article_example(price_table(load_pricing(), monthly_tokens=10e9))[0])
    The article's example, reproduced: 10 billion output tokens a month cost $2,500 on DeepSeek V4 Flash and $150,000 on Claude 3.5 Sonnet.
    >>> catalog = load_pricing()
    >>> catalog.loc[catalog.model == "DeepSeek V4 Flash", "output_usd_per_mtok"] = 0.60
    >>> catalog.attrs["meta"] = {"source": {"catalog": "genai-prices", "version": "0.2.3"}, "as_of": "2026-11-09"}
    >>> print(article_example(price_table(catalog, monthly_tokens=10e9))[0])
    The article's example (as published): 10 billion output tokens a month cost $2,500 on DeepSeek V4 Flash and $150,000 on Claude 3.5 Sonnet. At the genai-prices 0.2.3 catalog's prices: $6,000 and $150,000 (the catalog's price of DeepSeek V4 Flash differs from the article's).
    """
    from analysis.data.load import load_pricing
    from analysis.data.sources import provenance

    a, b = ARTICLE_EXAMPLE_MODELS
    price = table.set_index("model").output_usd_per_mtok
    if a not in price.index or b not in price.index:
        return None
    used = {m: monthly_bill_usd(price[m], ARTICLE_EXAMPLE_TOKENS) for m in (a, b)}
    where = provenance(table)
    if where["article"]:
        return (f"The article's example, reproduced: 10 billion output tokens a month cost "
                f"{format_usd(used[a])} on {a} and {format_usd(used[b])} on {b}.", "computed")
    article = load_pricing().set_index("model").output_usd_per_mtok
    published = {m: monthly_bill_usd(article[m], ARTICLE_EXAMPLE_TOKENS) for m in (a, b)}
    differ = [m for m in (a, b) if not price[m] == article[m]]
    same = "the same prices as the article's" if not differ else \
        f"the catalog's price of {' and '.join(differ)} differs from the article's"
    return (f"The article's example (as published): 10 billion output tokens a month cost "
            f"{format_usd(published[a])} on {a} and {format_usd(published[b])} on {b}. At {where['prices']}: "
            f"{format_usd(used[a])} and {format_usd(used[b])} ({same}).", "computed")


def findings(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Notebook 01's headline findings as ``(text, kind)``, from :func:`price_table`; they name where the
    prices come from (:func:`analysis.data.sources.provenance`), never crediting the article for a catalog's.

    >>> from analysis.prices.bills import price_table
    >>> from analysis.data.load import load_pricing
    >>> f = findings(price_table(load_pricing(), monthly_tokens=10e9))
    >>> print(f[0][0])
    Cheapest output price: DeepSeek Coder, DeepSeek V4 Flash at $0.25 per million tokens; the dearest, Claude 3.5 Sonnet, costs 60× as much (computed from the source article's published prices).
    >>> print(f[1][0])
    The article's example, reproduced: 10 billion output tokens a month cost $2,500 on DeepSeek V4 Flash and $150,000 on Claude 3.5 Sonnet.
    """
    from analysis.data.sources import provenance

    where = provenance(table)
    r = results(table)
    known = table.dropna(subset=["output_usd_per_mtok"])
    cheapest, dearest = known.iloc[0], known.iloc[-1]
    ties = r["cheapest_output"]["models"]
    out = [(f"Cheapest output price: {format_names(ties)} at {format_usd(cheapest.output_usd_per_mtok)} per million "
            f"tokens; the dearest, {dearest.model}, costs {format_multiple(dearest.output_multiple)} as much "
            f"(computed from {where['prices']}).", "computed")]
    if example := article_example(table):
        out.append(example)
    volume = table.attrs.get("volume") or MonthlyVolume(float(r["monthly_tokens"]), float(r["input_output_ratio"]))
    out.append((f"At {volume.output_label()} (a parameter), the bill runs from "
                f"{format_usd(cheapest.monthly_bill_usd)} ({cheapest.model}) to "
                f"{format_usd(dearest.monthly_bill_usd)} ({dearest.model})" + _with_input(table, volume), "computed"))
    unknown_input = table.loc[table.input_usd_per_mtok.isna(), "model"].tolist()
    if unknown_input:
        source = "the source article" if where["article"] else where["prices"].removesuffix("'s prices")
        out.append((f"Input price unknown in {source} for {format_names(unknown_input)}: no blended price for "
                    f"{'it' if len(unknown_input) == 1 else 'them'}.",
                    "as published" if where["article"] else "computed"))
    return out


def styled_endpoints(endpoints: pd.DataFrame):
    """One model's endpoints (:func:`analysis.prices.endpoints.model_endpoints`) for people: the maker's own
    first, a reseller under its provider's name, unknown as ``n/a``, text escaped.

    >>> from analysis.data.catalogs import load_catalog
    >>> from analysis.prices.endpoints import model_endpoints
    >>> html = styled_endpoints(model_endpoints(load_catalog("article").tables["endpoints"], "GPT-4o")).to_html()
    >>> "OpenAI" in html and "$10.00" in html and "1×" in html
    True
    """
    columns = {"api_model_id": "API id", "provider": "provider", "region": "region", "service_tier": "tier",
               "first_party": "maker's own", "time_window": "hours (UTC)", "input_usd_per_mtok": "input $/M",
               "output_usd_per_mtok": "output $/M", "cache_read_usd_per_mtok": "cache read $/M",
               "context_window_tokens": "context", "output_multiple": "× default output"}
    formats = {c: price_column(endpoints[c]) for c in endpoints.columns if c.endswith("usd_per_mtok")}
    formats.update({"output_multiple": format_multiple, "first_party": format_yes_no,
                    "context_window_tokens": lambda v: f"{v / 1000:,.0f}K"})
    caption = (f"Every current price of {endpoints.attrs.get('canonical_model_id', 'this model')} in the catalog; "
               "× default output: the output price over the model's default (its maker's standard price).")
    return styled_table(endpoints, columns, formats, caption=caption, na={"region": "", "context_window_tokens": "n/a"})


def where_to_buy(endpoints: pd.DataFrame, model: str) -> tuple[pd.DataFrame | None, tuple[str, str]]:
    """One model's prices in the catalog (``endpoints``: its tariff table) and the page's line on them; a model
    the catalog does not price gives no table and a line saying so (the page still builds).

    >>> from analysis.data.catalogs import load_catalog
    >>> table, line = where_to_buy(load_catalog("article").tables["endpoints"], "GPT-9")
    >>> table is None, line[0]
    (True, 'Where to buy GPT-9: this catalog does not price it; set endpoints_model to a model it prices.')
    """
    from analysis.data.tables import ParameterError
    from analysis.prices.endpoints import model_endpoints

    try:
        table = model_endpoints(endpoints, model)
    except ParameterError:
        return None, (f"Where to buy {model}: this catalog does not price it; set endpoints_model to a model it "
                      "prices.", "computed")
    return table, endpoints_finding(table, model)


def endpoints_results(table: pd.DataFrame | None, model: str) -> dict:
    """The results.json entry ``endpoints``: the model asked for and its prices (``rows``: none when not priced)."""
    if table is None:
        return {"model": model, "canonical_model_id": None, "rows": []}
    return {"model": model, "canonical_model_id": table.attrs["canonical_model_id"],
            "rows": table.astype(object).where(table.notna(), None).to_dict("records")}


def endpoints_finding(endpoints: pd.DataFrame, model: str) -> tuple[str, str]:
    """The page's line on where to buy ``model``: how many endpoints, the cheapest output price and who sells it.

    >>> from analysis.data.catalogs import load_catalog
    >>> from analysis.prices.endpoints import model_endpoints
    >>> endpoints_finding(model_endpoints(load_catalog("article").tables["endpoints"], "GPT-4o"), "GPT-4o")[0]
    "GPT-4o: 1 price in this catalog (its maker's standard price, $10.00 output per million tokens); choose catalog genai-prices or a LiteLLM file to compare resellers, clouds and tiers."
    """
    n = len(endpoints)
    ref = endpoints.attrs.get("default_output_usd_per_mtok")
    if n <= 1:
        return (f"{model}: {n} price in this catalog (its maker's standard price, {format_price(ref)} output per "
                "million tokens); choose catalog genai-prices or a LiteLLM file to compare resellers, clouds and "
                "tiers.", "computed")
    known = endpoints.dropna(subset=["output_usd_per_mtok"])
    low = known.iloc[known["output_usd_per_mtok"].to_numpy().argmin()]
    who = "its maker" if bool(low.first_party) else f"{low.provider} (a reseller or cloud)"
    providers = endpoints["provider"].nunique()
    return (f"{model}: {n} current prices from {providers} provider{'s' if providers != 1 else ''}; the lowest "
            f"output price is {format_price(low.output_usd_per_mtok)} per million tokens ({low.service_tier} tier, "
            f"from {who}), {format_multiple(low.output_multiple)} its maker's standard "
            f"{format_price(ref)}.", "computed")

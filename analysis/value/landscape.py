"""The landscape beyond price: the access matrix, the head-to-head matchups, the model facts.

>>> from analysis.data.load import load_access, load_matchups
>>> access_scores(load_access()).to_dict()
{'US Models': 7, 'Chinese Models (direct)': 0, 'Global API': 7}
>>> price_multiples(load_matchups()).round(2).to_dict()
{'DeepSeek V4 Flash vs GPT-4o': 40.0, 'Qwen3-32B vs GPT-4o-mini': 2.14, 'Kimi K2.5 vs Claude 3.5 Sonnet': 5.0}
"""

from __future__ import annotations

import pandas as pd

from analysis.formatting import format_multiple, format_value

UNIT_LABELS = {"usd_per_mtok": "USD per million output tokens", "stars": "stars (1-5)",
               "tok_per_s": "output tokens per second", "ktok": "thousand tokens", "yes_no": "yes/no"}


def access_scores(access: pd.DataFrame) -> pd.Series:
    """How many factors each access option passes, in the matrix's column order."""
    order = list(dict.fromkeys(access.option))
    return access.groupby("option", sort=False)["ok"].sum().astype(int).reindex(order)


def access_wide(access: pd.DataFrame) -> pd.DataFrame:
    """The matrix as the article prints it: each cell ``✓ text`` or ``✗ text``.

    >>> from analysis.data.load import load_access
    >>> access_wide(load_access()).loc["Payment", "Global API"]
    '✓ PayPal/Visa'
    """
    cell = access.assign(cell=[("✓ " if ok else "✗ ") + t for ok, t in zip(access.ok, access.text)])
    factors = list(dict.fromkeys(access.factor))
    options = list(dict.fromkeys(access.option))
    return cell.pivot(index="factor", columns="option", values="cell").loc[factors, options]


def price_multiples(matchups: pd.DataFrame) -> pd.Series:
    """Per matchup, the dearer model's output price as a multiple of the cheaper one's (derived)."""
    price = matchups[matchups.unit == "usd_per_mtok"].set_index("matchup")
    hi = price[["value_a", "value_b"]].max(axis=1)
    lo = price[["value_a", "value_b"]].min(axis=1)
    return (hi / lo).rename("output_price_multiple")


def matchup_table(matchups: pd.DataFrame, matchup: str) -> pd.DataFrame:
    """One head-to-head for people: factor, both values, the stated winner, multiples derived.

    >>> from analysis.data.load import load_matchups
    >>> t = matchup_table(load_matchups(), "Qwen3-32B vs GPT-4o-mini")
    >>> t.iloc[0].tolist()
    ['Output price', '$0.28/M', '$0.60/M', 'Qwen3-32B (2.1× cheaper)']
    """
    rows = matchups[matchups.matchup == matchup]
    if rows.empty:
        raise KeyError(f"no matchup named {matchup!r}; the data has: {', '.join(dict.fromkeys(matchups.matchup))}")
    a, b = rows.model_a.iloc[0], rows.model_b.iloc[0]
    out = []
    for r in rows.itertuples():
        winner = "tie" if r.winner == "tie" else r.winner
        if r.unit == "usd_per_mtok" and r.winner != "tie":
            hi, lo = max(r.value_a, r.value_b), min(r.value_a, r.value_b)
            winner += f" ({format_multiple(hi / lo)} cheaper)"
        elif isinstance(r.winner_note, str) and r.winner_note:
            winner += f" ({r.winner_note})"
        out.append([r.factor, format_value(r.value_a, r.unit), format_value(r.value_b, r.unit), winner])
    return pd.DataFrame(out, columns=["factor", a, b, "stated winner"])


def rated_above_on_every_factor(matchups: pd.DataFrame, matchup: str, model: str) -> bool:
    """Whether ``model`` has more stars than its opponent on every star-rated factor of a matchup.

    >>> from analysis.data.load import load_matchups
    >>> rated_above_on_every_factor(load_matchups(), "Qwen3-32B vs GPT-4o-mini", "Qwen3-32B")
    True
    >>> rated_above_on_every_factor(load_matchups(), "Kimi K2.5 vs Claude 3.5 Sonnet", "Kimi K2.5")
    False
    """
    rows = matchups[(matchups.matchup == matchup) & (matchups.unit == "stars")]
    if rows.empty:
        return False
    mine = rows.value_a.where(rows.model_a == model, rows.value_b)
    theirs = rows.value_b.where(rows.model_a == model, rows.value_a)
    return bool((mine > theirs).all())


def model_facts_table(facts: pd.DataFrame, pricing: pd.DataFrame) -> pd.DataFrame:
    """Every priced model with its published speed, context, vision and p99 TTFT, and whether its weights are
    open (cited in model_facts.meta.yml, not from the article); unknown shown as such.

    >>> from analysis.data.load import load_model_facts, load_pricing
    >>> t = model_facts_table(load_model_facts(), load_pricing()).set_index("model")
    >>> t.loc["GPT-4o", "p99 TTFT (published)"], t.loc["Gemini 1.5 Pro", "vision"]
    ('1.5-2 s', 'unknown (data gap)')
    >>> t.loc["GPT-4o", "open weights"], t.loc["Qwen3-32B", "open weights"]
    ('no', 'yes')
    """
    merged = pricing[["model", "origin"]].merge(facts, on="model", how="left")
    def fmt(v, f):
        return "unknown" if pd.isna(v) else f(v)
    return pd.DataFrame({
        "model": merged.model,
        "origin": merged.origin,
        "output speed": [fmt(v, lambda x: f"~{x:g} tok/s") for v in merged.output_tok_per_s],
        "context window": [fmt(v, lambda x: f"{x:g}K") for v in merged.context_window_ktok],
        "vision": ["unknown (data gap)" if pd.isna(v) else "yes" if v else "no" for v in merged.vision],
        "p99 TTFT (published)": [
            "unknown" if pd.isna(lo) else f"{lo:g}-{hi:g} s"
            for lo, hi in zip(merged.ttft_p99_low_s, merged.ttft_p99_high_s)],
        "article's words": merged.published_text.fillna(""),
        "open weights": [fmt(v, lambda x: "yes" if x else "no")
                         for v in (merged.open_weights if "open_weights" in merged else [None] * len(merged))],
    })

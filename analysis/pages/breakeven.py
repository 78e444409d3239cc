"""Notebook 04's page: break-even text, the self-hosting table, results.json entries and findings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures.breakeven import (
    quality_break_even_heatmap,
    quality_cost_plot,
    self_hosting_plot,
    volume_cost_plot,
)
from analysis.formatting import escape_markdown, format_usd, plural, price_column
from analysis.pages.tables import styled_table
from analysis.value.breakeven import BreakEven, GpuAssumptions
from analysis.value.efficiency import BENCHMARK_SHORT


def fixed_cost_clause(volume: BreakEven, model_a: str, model_b: str, fixed_a_usd_per_month: float,
                      fixed_b_usd_per_month: float, usd_per_mtok_a: float, usd_per_mtok_b: float) -> str:
    """What a volume break-even owes to the assumed fixed costs: two per-token prices alone never cross
    (the cheaper one wins at every volume), so a break-even exists only because of the fixed costs; the
    headline says so. Empty when there is no break-even.

    >>> from analysis.value.breakeven import volume_break_even
    >>> be = volume_break_even(10.00, 0.25, 0, 2000, "GPT-4o", "DeepSeek V4 Flash")
    >>> print(fixed_cost_clause(be, "GPT-4o", "DeepSeek V4 Flash", 0, 2000, 10.00, 0.25))
    it exists only because of the assumed fixed costs ($0.00 a month for GPT-4o, $2,000 for DeepSeek V4 Flash): on the per-token prices alone DeepSeek V4 Flash is cheaper at every volume
    >>> fixed_cost_clause(volume_break_even(10.00, 0.25, 0, 0), "A", "B", 0, 0, 10.00, 0.25)
    ''
    """
    if not volume.found:
        return ""
    cheaper = model_b if usd_per_mtok_b < usd_per_mtok_a else model_a
    return (f"it exists only because of the assumed fixed costs ({format_usd(fixed_a_usd_per_month)} a month for "
            f"{model_a}, {format_usd(fixed_b_usd_per_month)} for {model_b}): on the per-token prices alone "
            f"{cheaper} is cheaper at every volume")


def volume_markdown(volume: BreakEven, assumption: str = "") -> str:
    """The volume break-even as one Markdown sentence for the page; ``assumption`` is
    :func:`fixed_cost_clause`'s, said first.

    >>> from analysis.value.breakeven import volume_break_even
    >>> print(volume_markdown(volume_break_even(10.00, 0.25, 0, 2000, "GPT-4o", "DeepSeek V4 Flash")))
    ... # doctest: +ELLIPSIS
    **Break-even volume:** 205,128,205 tokens a month: above 205.1 million tokens a month DeepSeek V4 Flash ...
    >>> print(volume_markdown(BreakEven(2e8, "x"), "it exists only because of the assumed fixed costs"))
    **Break-even volume:** 200,000,000 tokens a month, and it exists only because of the assumed fixed costs: x.
    """
    head = f'{volume.value:,.0f} tokens a month' if volume.found else outcome_word(volume)
    if assumption and volume.found:
        head += f", and {escape_markdown(assumption)}"
    return f"**Break-even volume:** {head}: {escape_markdown(volume.reason)}."


def quality_markdown(quality: BreakEven) -> str:
    """The quality break-even as one Markdown sentence for the page: a cost, *never*, or *unknown* (a figure is
    missing: not known, so never called *never*).

    >>> print(quality_markdown(BreakEven(None, "no mmlu score for GPT-4o-mini in the data", unknown=True)))
    **Quality break-even:** unknown: no mmlu score for GPT-4o-mini in the data.
    >>> print(quality_markdown(BreakEven(0.2611, "when a wrong answer costs more")))
    **Quality break-even:** \\$0.2611 per wrong answer: when a wrong answer costs more.
    """
    head = escape_markdown(format_usd(quality.value, 4)) + ' per wrong answer' if quality.found else \
        outcome_word(quality)
    return f"**Quality break-even:** {head}: {escape_markdown(quality.reason)}."


def outcome_word(be: BreakEven) -> str:
    """What a break-even without a value is called: *unknown* when a figure it needs is missing, else *never*.

    >>> outcome_word(BreakEven(None, "x", unknown=True)), outcome_word(BreakEven(None, "x"))
    ('unknown', 'never')
    """
    return "unknown" if be.unknown else "never"


def missing_model_markdown(model: str, parameter: str) -> str:
    r"""What the page says when a model a parameter names has no price in the table (an imported catalog lists
    each model at its maker's own price, and some are only priced by resellers).

    >>> print(missing_model_markdown("Qwen3-32B", "self_host_model"))
    **Note:** Qwen3-32B has no price in this pricing table, so its self-hosting break-even is unknown (never \$0). Pass `-p self_host_model MODEL` with a model the table prices; the table below compares every model it does price.
    """
    return (f"**Note:** {escape_markdown(model)} has no price in this pricing table, so its self-hosting break-even "
            f"is unknown (never \\$0). Pass `-p {parameter} MODEL` with a model the table prices; the table below "
            f"compares every model it does price.")


def styled_self_hosting(by_model: pd.DataFrame, basis: str = "output", input_output_ratio: float = 3.0):
    """:func:`self_hosting_table` for people: API price in dollars, break-even tokens or *never*, and why.

    >>> from analysis.value.breakeven import self_hosting_table
    >>> from analysis.data.load import load_pricing
    >>> from analysis.prices.bases import price_on_basis
    >>> from analysis.data.load import load_model_facts
    >>> weights = load_model_facts().set_index("model").open_weights
    >>> t = self_hosting_table(price_on_basis(load_pricing(), "output"), GpuAssumptions(2.5, 1000, 0.5), weights)
    >>> html = styled_self_hosting(t).to_html()
    >>> "output API price, $/M tokens" in html and ">2,851,562,500<" in html and ">never<" in html
    True

    An open-weight model whose API price is unknown has an *unknown* break-even, never *never*:

    >>> t.loc[t.model == "GLM-5", ["usd_per_mtok", "break_even_tokens_per_month", "never", "unknown"]] = [
    ...     float("nan"), float("nan"), False, True]
    >>> import re
    >>> re.findall(r">(unknown|never)<", styled_self_hosting(t).to_html()).count("unknown")
    1

    Only models with open weights have a row: GPT-4o's weights are closed (:func:`not_self_hostable_markdown`
    lists it under the table).

    >>> ">GPT-4o<" in html, ">GLM-5<" in html
    (False, True)
    """
    price = f"blended ({input_output_ratio:g}:1 in:out)" if basis == "blended" else basis
    columns = {"model": "model", "usd_per_mtok": f"{price} API price, $/M tokens",
               "break_even_tokens_per_month": "self-hosting always cheaper above, tokens a month", "reason": "why"}
    if "open_weights" in by_model.columns:
        by_model = by_model[by_model.open_weights.fillna(False).astype(bool)]
    by_model = by_model.copy()
    unknown = by_model.get("unknown", pd.Series(False, index=by_model.index)).fillna(False).astype(bool)
    by_model["break_even_tokens_per_month"] = [
        f"{v:,.0f}" if pd.notna(v) else outcome_word(BreakEven(None, "", unknown=u))
        for v, u in zip(by_model["break_even_tokens_per_month"], unknown, strict=True)]
    return styled_table(by_model, columns, {"usd_per_mtok": price_column(by_model["usd_per_mtok"])},
                        caption="Open-weight models only; the same GPU speed for every model (an assumption: a "
                                "larger model needs more GPUs per token, so set gpu_tok_per_s for the one you compare).")


def open_weights_map(pricing: pd.DataFrame, facts: pd.DataFrame, also=()) -> dict[str, bool | None]:
    """Whether each priced model's weights are open (and each model in ``also``, priced or not, such as the
    model a parameter names): ``model_facts.csv``'s ``open_weights`` (per model, each value cited in its
    meta.yml), matched by name or by canonical id (a catalog names ``qwen3-32b`` what the article calls
    ``Qwen3-32B``); else the model family's in ``data/model_families.csv`` (the identity tables; a catalog's
    thousands of models); else unknown (``None``), never guessed.

    >>> from analysis.data.load import load_model_facts, load_pricing
    >>> w = open_weights_map(load_pricing(), load_model_facts())
    >>> w["GPT-4o"], w["Kimi K2.5"], w["Qwen3-Coder-30B"]
    (False, True, True)
    >>> import pandas as pd
    >>> open_weights_map(pd.DataFrame({"model": ["gpt-oss-120b", "claude-sonnet-4", "zzz-1"]}), load_model_facts())
    {'gpt-oss-120b': True, 'claude-sonnet-4': False, 'zzz-1': None}

    A model the table does not price (a catalog prices Qwen3-32B only through resellers) still has the
    facts' answer, and so does a catalog's canonical id of an article model:

    >>> catalog = pd.DataFrame({"model": ["qwen3-32b", "gpt-4o"]})
    >>> open_weights_map(catalog, load_model_facts(), also=["Qwen3-32B"])
    {'qwen3-32b': True, 'gpt-4o': False, 'Qwen3-32B': True}
    """
    from analysis.data.identity import load_identity, open_weights_of, resolve

    known = facts.set_index("model")["open_weights"].dropna().astype(bool).to_dict() if "open_weights" in facts \
        else {}
    ident = load_identity()
    by_id = {resolve(str(m), ident): v for m, v in known.items()}
    family = {"yes": True, "no": False}

    def weights(m) -> bool | None:
        if m in known:
            return known[m]
        canonical = resolve(str(m), ident)
        return by_id[canonical] if canonical in by_id else family.get(open_weights_of(m, ident))

    return {m: weights(m) for m in dict.fromkeys([*pricing.model, *also])}


def not_self_hostable_markdown(by_model: pd.DataFrame) -> str:
    """The models the self-hosting table leaves out, by why: closed weights, or weights unknown (a data gap).

    >>> t = pd.DataFrame({"model": ["A", "B", "C"], "open_weights": [True, False, None]})
    >>> print(not_self_hostable_markdown(t))
    - **Closed weights: cannot self-host:** B.
    - **Open weights unknown (data gap), not computed:** C.
    """
    from analysis.figures.theme import some_names

    if "open_weights" not in by_model.columns:
        return ""
    closed = by_model.loc[by_model.open_weights.map(lambda v: v is False or v is np.False_), "model"]
    unknown = by_model.loc[by_model.open_weights.isna(), "model"]
    lines = []
    if len(closed):
        lines.append(f"- **Closed weights: cannot self-host:** {escape_markdown(some_names(closed))}.")
    if len(unknown):
        lines.append(f"- **Open weights unknown (data gap), not computed:** {escape_markdown(some_names(unknown))}.")
    return "\n".join(lines)


def _outcome(be: BreakEven) -> dict:
    """A break-even's ``never``, ``unknown`` and ``reason`` for results.json: ``never`` is ``None`` when unknown."""
    d = be.as_dict()
    return {"never": d["never"], "unknown": d["unknown"], "reason": d["reason"]}


def results(prices: pd.DataFrame, assumptions: dict, volume: BreakEven, task_a: dict, task_b: dict,
            quality: BreakEven, matrix: pd.DataFrame, gpu: GpuAssumptions, self_host: BreakEven,
            by_model: pd.DataFrame, *, model_a: str, model_b: str, benchmark: str, self_host_model: str,
            basis: str, input_output_ratio: float) -> dict:
    """Notebook 04's results.json entries, by name (see the README for each).

    ``prices``: :func:`analysis.pricing.price_on_basis`; ``assumptions``: the notebook's assumed
    figures by parameter name (fixed costs, tokens per task, GPU); ``task_a``/``task_b``:
    :func:`model_task_figures`; the rest as the notebook computes them.

    >>> from analysis.value.breakeven import model_task_figures, quality_break_even_matrix, self_hosting_break_even, self_hosting_table, volume_break_even
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> from analysis.prices.bases import price_on_basis
    >>> p, b = load_pricing(), load_benchmarks()
    >>> prices, gpu = price_on_basis(p, "output"), GpuAssumptions(2.5, 1000, 0.5)
    >>> a = dict(fixed_a_usd_per_month=0.0, fixed_b_usd_per_month=2000.0)
    >>> r = results(prices, a, volume_break_even(10.0, 0.25, 0, 2000), model_task_figures(p, b, "mmlu", "GPT-4o",
    ...             1500, 500), model_task_figures(p, b, "mmlu", "DeepSeek V4 Flash", 1500, 500),
    ...             BreakEven(None, "x"), quality_break_even_matrix(p, b, "mmlu", 1500, 500), gpu,
    ...             self_hosting_break_even(10.0, gpu), self_hosting_table(prices, gpu), model_a="GPT-4o",
    ...             model_b="DeepSeek V4 Flash", benchmark="mmlu", self_host_model="GPT-4o", basis="output",
    ...             input_output_ratio=3.0)
    >>> r["volume_break_even"]["usd_per_mtok_b"], round(r["self_hosting_break_even"]["tokens_per_month"] / 1e6, 1)
    (np.float64(0.25), 182.5)
    """
    price = prices.set_index("model")["usd_per_mtok"]
    return {
        "basis": basis,
        "input_output_ratio": input_output_ratio,
        "assumptions": assumptions,
        "volume_break_even": {
            "model_a": model_a, "model_b": model_b, "usd_per_mtok_a": price[model_a], "usd_per_mtok_b": price[model_b],
            "fixed_a_usd_per_month": assumptions["fixed_a_usd_per_month"],
            "fixed_b_usd_per_month": assumptions["fixed_b_usd_per_month"],
            "tokens_per_month": volume.value, **_outcome(volume)},
        "quality_break_even": {
            "benchmark": benchmark, "model_a": model_a, "model_b": model_b,
            "task_cost_usd_a": task_a["cost_usd"], "task_cost_usd_b": task_b["cost_usd"],
            "success_rate_a": task_a["success_rate"], "success_rate_b": task_b["success_rate"],
            "failure_cost_usd": quality.value, **_outcome(quality)},
        "quality_break_even_matrix": matrix,
        "self_hosting_break_even": {
            "model": self_host_model, "api_usd_per_mtok": price.get(self_host_model, np.nan),  # unknown, never 0
            "self_hosted_usd_per_mtok_at_full_use": gpu.usd_per_mtok, "gpu_usd_per_month": gpu.usd_per_month,
            "gpu_tokens_per_month": gpu.tokens_per_month, "tokens_per_month": self_host.value,
            **_outcome(self_host)},
        "self_hosting_by_model": by_model,
    }


def findings(volume: BreakEven, quality: BreakEven, matrix: pd.DataFrame, gpu: GpuAssumptions,
             self_host: BreakEven, *, model_a: str, model_b: str, benchmark: str, self_host_model: str, basis: str,
             fixed_a_usd_per_month: float, fixed_b_usd_per_month: float, input_tokens_per_task: float,
             output_tokens_per_task: float, usd_per_mtok_a: float = np.nan, usd_per_mtok_b: float = np.nan,
             self_host_open_weights=None) -> list[tuple[str, str]]:
    """Notebook 04's headline findings as ``(text, kind)``: each break-even, and the assumptions behind it.

    >>> from analysis.value.breakeven import quality_break_even_matrix, quality_break_even_models, self_hosting_break_even, volume_break_even
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> p, b, gpu = load_pricing(), load_benchmarks(), GpuAssumptions(2.5, 1000, 0.5)
    >>> f = findings(volume_break_even(10.0, 0.25, 0, 2000, "GPT-4o", "DeepSeek V4 Flash"),
    ...              quality_break_even_models(p, b, "mmlu", "GPT-4o", "DeepSeek V4 Flash", 1500, 500),
    ...              quality_break_even_matrix(p, b, "mmlu", 1500, 500), gpu, self_hosting_break_even(0.28, gpu,
    ...              "Qwen3-32B"), model_a="GPT-4o", model_b="DeepSeek V4 Flash", benchmark="mmlu",
    ...              self_host_model="Qwen3-32B", basis="output", fixed_a_usd_per_month=0.0,
    ...              fixed_b_usd_per_month=2000.0, input_tokens_per_task=1500, output_tokens_per_task=500)
    >>> [kind for _, kind in f]
    ['assumption', 'assumption', 'computed', 'computed', 'assumption', 'assumption', 'computed']
    >>> print(f[1][0])
    Fixed monthly costs: $0.00 for GPT-4o, $2,000 for DeepSeek V4 Flash (assumptions).

    A break-even that exists only because of the assumed fixed costs says so in its headline (given the
    two prices, ``usd_per_mtok_a`` and ``usd_per_mtok_b``, it names the model the prices alone favour):

    >>> print(f[0][0])  # doctest: +ELLIPSIS
    Volume break-even, GPT-4o against DeepSeek V4 Flash (output price): 205,128,205 tokens a month, and it exists only because of the assumed fixed costs; above ...
    """
    name = BENCHMARK_SHORT[benchmark]
    clause = fixed_cost_clause(volume, model_a, model_b, fixed_a_usd_per_month, fixed_b_usd_per_month,
                               usd_per_mtok_a, usd_per_mtok_b) if not (pd.isna(usd_per_mtok_a)
                                                                       or pd.isna(usd_per_mtok_b)) else ""
    if not clause and volume.found:
        clause = "it exists only because of the assumed fixed costs"
    out = [(f"Volume break-even, {model_a} against {model_b} ({basis} price): "
            + (f"{volume.value:,.0f} tokens a month, and {clause}; {volume.reason}." if volume.found else
               f"{outcome_word(volume)}: {volume.reason}."),
            "assumption" if volume.found else "computed"),
           (f"Fixed monthly costs: {format_usd(fixed_a_usd_per_month)} for {model_a}, "
            f"{format_usd(fixed_b_usd_per_month)} for {model_b} (assumptions).", "assumption"),
           (f"Quality break-even on {name}, {input_tokens_per_task:,.0f} input + {output_tokens_per_task:,.0f} "
            f"output tokens a task: " + (f"{format_usd(quality.value, 4)} per wrong answer; {quality.reason}."
                                         if quality.found else f"{outcome_word(quality)}: {quality.reason}."),
            "computed")]
    found = matrix[matrix.failure_cost_usd.notna()]
    if len(found):
        lo, hi = found.loc[found.failure_cost_usd.idxmin()], found.loc[found.failure_cost_usd.idxmax()]
        never = int((matrix.never & ~matrix.unknown).sum())
        out.append((f"Across the {plural(len(matrix), 'pair')} of {name} models, a dearer model pays for itself once "
                    f"a wrong answer costs {format_usd(lo.failure_cost_usd, 4)} ({lo.dearer} over {lo.cheaper}) to "
                    f"{format_usd(hi.failure_cost_usd, 4)} ({hi.dearer} over {hi.cheaper}); "
                    f"{plural(never, 'pair')} never cross{'es' if never == 1 else ''} (the cheaper model is at "
                    f"least as accurate) and {int(matrix.unknown.sum()):,} lack{'s' if matrix.unknown.sum() == 1 else ''}"
                    f" a price or score (unknown).", "computed"))
    out.append((f"Tokens per task ({input_tokens_per_task:,.0f} in, {output_tokens_per_task:,.0f} out) and the cost "
                f"of a wrong answer are assumptions; the benchmark score stands in for the success rate.",
                "assumption"))
    out.append((f"GPU: {format_usd(gpu.usd_per_hour)} an hour, {gpu.tok_per_s:,.0f} tokens per second at "
                f"{gpu.utilisation:.0%} utilisation, {format_usd(gpu.fixed_usd_per_month)} a month fixed: "
                f"example assumptions, not data, the same for every model whatever its size "
                f"({format_usd(gpu.usd_per_mtok, 3)} per million tokens when every GPU is busy at that utilisation).",
                "assumption"))
    if self_host_open_weights is False or self_host_open_weights is np.False_:
        out.append((f"Self-hosting {self_host_model}: closed weights: cannot self-host (model_facts.csv).",
                    "computed"))
    else:
        gap = " Whether its weights are published is unknown (data gap)." if self_host_open_weights is None or \
            pd.isna(self_host_open_weights) else ""
        out.append((f"Self-hosting against the {self_host_model} API ({basis} price): "
                    + (f"cheaper above {self_host.value:,.0f} tokens a month, and only under the assumed GPU price, "
                       f"speed and utilisation; {self_host.reason}." if self_host.found else
                       f"{outcome_word(self_host)}: {self_host.reason}.") + gap, "computed"))
    return out


def pair_colors(pricing: pd.DataFrame, model_a: str, model_b: str) -> tuple[str, str]:
    """The colours of two models in a break-even figure: by origin, and apart when they share one.

    >>> from analysis.data.load import load_pricing
    >>> from analysis.figures.theme import ORIGIN_COLORS
    >>> pair_colors(load_pricing(), "GPT-4o", "DeepSeek V4 Flash") == (ORIGIN_COLORS["US"], ORIGIN_COLORS["CN"])
    True
    >>> pair_colors(load_pricing(), "GPT-4o", "GPT-4o-mini")[1]   # the same origin: a lighter tint of it
    '#8fafd3'
    """
    from analysis.figures.theme import pair_colors as theme_pair_colors

    return theme_pair_colors(model_a, model_b, dict(zip(pricing.model, pricing.origin)))


# Figures drawn from what the notebook has computed (headless runs and the report use these) ...


def volume_figure(pricing: pd.DataFrame, price: pd.Series, volume: BreakEven, *, model_a: str, model_b: str,
                  fixed_a_usd_per_month: float, fixed_b_usd_per_month: float, volume_min: float, volume_max: float):
    """:func:`volume_cost_plot` of two models, from their prices on the basis (``price``, by model) and
    the break-even already computed (``volume``)."""
    color_a, color_b = pair_colors(pricing, model_a, model_b)
    from analysis.figures.theme import prices_source_note

    return volume_cost_plot(model_a, price.get(model_a, np.nan), fixed_a_usd_per_month, model_b,
                            price.get(model_b, np.nan), fixed_b_usd_per_month, volume_min, volume_max,
                            color_a, color_b, break_even=volume, source=prices_source_note(pricing))


def quality_figure(pricing: pd.DataFrame, task_a: dict, task_b: dict, quality: BreakEven, *, model_a: str,
                   model_b: str, failure_cost_max_usd: float):
    """:func:`quality_cost_plot` of two models, from their task figures
    (:func:`~analysis.value.breakeven.model_task_figures`) and the break-even already computed."""
    color_a, color_b = pair_colors(pricing, model_a, model_b)
    return quality_cost_plot(model_a, task_a["cost_usd"], task_a["success_rate"], model_b, task_b["cost_usd"],
                             task_b["success_rate"], failure_cost_max_usd, color_a, color_b, break_even=quality)


def self_hosting_figure(price: pd.Series, gpu: GpuAssumptions, self_host: BreakEven, *, self_host_model: str,
                        volume_min: float, volume_max: float):
    """:func:`self_hosting_plot` of one model, from its price on the basis, the GPU assumptions and the
    break-even already computed."""
    return self_hosting_plot(self_host_model, price.get(self_host_model, np.nan), gpu.usd_per_hour, gpu.tok_per_s,
                             gpu.utilisation, gpu.fixed_usd_per_month, volume_min, volume_max, break_even=self_host)


# ... and the same figures as pure functions of the notebook's parameters: compute, then draw (the
# entry points of the notebook's controls, which redraw them for other values).


def volume_break_even_models(pricing: pd.DataFrame, model_a: str = "GPT-4o", model_b: str = "DeepSeek V4 Flash",
                             basis: str = "output", input_output_ratio: float = 3.0,
                             fixed_a_usd_per_month: float = 0.0, fixed_b_usd_per_month: float = 2000.0,
                             volume_min: float = 1e6, volume_max: float = 1e11):
    """:func:`volume_figure` for two models of the pricing table, priced on ``basis``.

    >>> import matplotlib.pyplot as plt
    >>> from analysis.data.load import load_pricing
    >>> fig = volume_break_even_models(load_pricing())
    >>> len(fig.axes[0].lines)
    3
    >>> plt.close(fig)
    """
    from analysis.prices.bases import price_on_basis
    from analysis.value.breakeven import volume_break_even

    price = price_on_basis(pricing, basis, input_output_ratio).set_index("model")["usd_per_mtok"]
    volume = volume_break_even(price.get(model_a, np.nan), price.get(model_b, np.nan), fixed_a_usd_per_month,
                               fixed_b_usd_per_month, model_a, model_b)
    return volume_figure(pricing, price, volume, model_a=model_a, model_b=model_b,
                         fixed_a_usd_per_month=fixed_a_usd_per_month, fixed_b_usd_per_month=fixed_b_usd_per_month,
                         volume_min=volume_min, volume_max=volume_max)


def quality_break_even_models_plot(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "mmlu",
                                   model_a: str = "GPT-4o", model_b: str = "DeepSeek V4 Flash",
                                   input_tokens_per_task: float = 1500, output_tokens_per_task: float = 500,
                                   failure_cost_max_usd: float = 1.0):
    """:func:`quality_figure` for two models of the data, their benchmark scores as success rates.

    >>> import matplotlib.pyplot as plt
    >>> from analysis.data.load import load_benchmarks, load_pricing
    >>> fig = quality_break_even_models_plot(load_pricing(), load_benchmarks())
    >>> len(fig.axes[0].lines)
    3
    >>> plt.close(fig)
    """
    from analysis.value.breakeven import model_task_figures, quality_break_even_models

    a = model_task_figures(pricing, benchmarks, benchmark, model_a, input_tokens_per_task, output_tokens_per_task)
    b = model_task_figures(pricing, benchmarks, benchmark, model_b, input_tokens_per_task, output_tokens_per_task)
    quality = quality_break_even_models(pricing, benchmarks, benchmark, model_a, model_b, input_tokens_per_task,
                                        output_tokens_per_task)
    return quality_figure(pricing, a, b, quality, model_a=model_a, model_b=model_b,
                          failure_cost_max_usd=failure_cost_max_usd)


def quality_break_even_pairs(pricing: pd.DataFrame, benchmarks: pd.DataFrame, benchmark: str = "mmlu",
                             input_tokens_per_task: float = 1500, output_tokens_per_task: float = 500):
    """:func:`quality_break_even_heatmap` for every pair of models scored on ``benchmark``."""
    from analysis.value.breakeven import quality_break_even_matrix

    return quality_break_even_heatmap(quality_break_even_matrix(pricing, benchmarks, benchmark,
                                                                input_tokens_per_task, output_tokens_per_task))


def self_hosting_model(pricing: pd.DataFrame, self_host_model: str = "Qwen3-32B", basis: str = "output",
                       input_output_ratio: float = 3.0, gpu_usd_per_hour: float = 2.5, gpu_tok_per_s: float = 1000.0,
                       gpu_utilisation: float = 0.5, self_host_fixed_usd_per_month: float = 0.0,
                       volume_min: float = 1e7, volume_max: float = 1e11):
    """:func:`self_hosting_figure` for one model of the pricing table, priced on ``basis``."""
    from analysis.prices.bases import price_on_basis
    from analysis.value.breakeven import self_hosting_break_even

    price = price_on_basis(pricing, basis, input_output_ratio).set_index("model")["usd_per_mtok"]
    gpu = GpuAssumptions(gpu_usd_per_hour, gpu_tok_per_s, gpu_utilisation, self_host_fixed_usd_per_month)
    self_host = self_hosting_break_even(price.get(self_host_model, np.nan), gpu, self_host_model)
    return self_hosting_figure(price, gpu, self_host, self_host_model=self_host_model, volume_min=volume_min,
                               volume_max=volume_max)

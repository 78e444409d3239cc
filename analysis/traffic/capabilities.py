"""What each model can serve (price, score, vision, context window) and what a request costs on it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.prices.bases import price_on_basis
from analysis.traffic.workload import TASK_BENCHMARK, Workload

# --------------------------------------------------------------------------- capabilities

#: Why a model is not given a request whose capability the data does not state: a gap in the data,
#: not a fact about the model (Claude, Gemini and GPT-4o-mini accept images; the article is silent).
VISION_UNKNOWN = "vision unknown (data gap)"
#: Why a model is not given a vision request the data says it cannot serve.
NO_VISION = "no vision (model_facts.csv says false)"


def vision_by_model(caps: pd.DataFrame | None = None) -> dict[str, bool | None]:
    """Whether each model of :func:`capabilities` serves vision, by canonical model id (``analysis.data.identity``):
    True, False, or None where the data does not say (a data gap; True when ``assume_unknown_capable``).

    >>> v = vision_by_model()
    >>> v["gpt-4o"], v["deepseek-v4-flash"], v["qwen3-32b"]
    (True, False, None)
    """
    from analysis.data.identity import load_identity, resolve

    caps = capabilities() if caps is None else caps
    ident = load_identity()
    return {resolve(str(m), ident): (bool(v) if k or v else None)
            for m, v, k in zip(caps.index, caps.vision.astype(bool), caps.vision_known.astype(bool))}


def capabilities(pricing: pd.DataFrame | None = None, benchmarks: pd.DataFrame | None = None,
                 model_facts: pd.DataFrame | None = None, assume_unknown_capable: bool = False) -> pd.DataFrame:
    """What each model costs, can serve and scores, one row per model (index ``model``).

    ``vision`` is true where the data says true, and where it says nothing only when
    ``assume_unknown_capable`` (an assumption; ``vision_known`` says whether the data says anything);
    ``context_window_tokens`` is NaN where unknown; one column per benchmark.

    >>> caps = capabilities()
    >>> [caps.loc["GPT-4o", c].item() for c in ("vision", "context_window_tokens", "humaneval")]
    [True, 128000.0, 92.5]
    >>> caps.loc["Qwen3-32B", ["vision", "vision_known"]].tolist()
    [False, False]
    >>> capabilities(assume_unknown_capable=True).loc[["Qwen3-32B", "DeepSeek V4 Flash"], "vision"].tolist()
    [True, False]
    """
    from analysis.data.load import load_benchmarks, load_model_facts, load_pricing, scores_wide

    if pricing is None:
        pricing = load_pricing()
    if benchmarks is None:
        benchmarks = load_benchmarks(pricing=pricing)
    if model_facts is None:
        model_facts = load_model_facts(pricing=pricing)
    caps = pricing.set_index("model")[["provider", "origin"]].copy()
    for basis in ("input", "output"):  # the price table's own bases: unknown stays NaN, never 0
        caps[f"{basis}_usd_per_mtok"] = price_on_basis(pricing, basis).set_index("model")["usd_per_mtok"]
    facts = model_facts.set_index("model")
    vision = facts["vision"].reindex(caps.index) if "vision" in facts else pd.Series(pd.NA, index=caps.index)
    caps["vision_known"] = vision.notna().astype(bool).to_numpy()
    caps["vision"] = vision.fillna(bool(assume_unknown_capable)).astype(bool).to_numpy()
    ctx = facts["context_window_ktok"].reindex(caps.index) if "context_window_ktok" in facts else np.nan
    caps["context_window_tokens"] = pd.Series(ctx, index=caps.index, dtype=float) * 1000
    scores = scores_wide(benchmarks)
    for bench in ("mmlu", "humaneval", "ceval"):
        caps[bench] = scores[bench].reindex(caps.index) if bench in scores else np.nan
    caps.index.name = "model"
    caps.attrs["assume_unknown_capable"] = bool(assume_unknown_capable)
    return caps


def capability_notes(caps: pd.DataFrame) -> list[str]:
    """What the data leaves unknown about the models, in sentences for the report.

    >>> notes = capability_notes(capabilities())
    >>> any(n.startswith("Vision is unknown") for n in notes)
    True
    """
    notes = []
    unknown_vision = caps.index[~caps.vision_known].tolist()
    if unknown_vision:
        names = ", ".join(unknown_vision[:12]) + (f" and {len(unknown_vision) - 12:,} more" if len(unknown_vision) > 12
                                                  else "")
        if caps.attrs.get("assume_unknown_capable"):
            notes.append(f"Vision is unknown (data gap) for {len(unknown_vision)} models ({names}): assumed to "
                         "accept images (assume_unknown_capable: true, an assumption).")
        else:
            notes.append(f"Vision is unknown (data gap) for {len(unknown_vision)} models ({names}): not a sign they "
                         "cannot serve it, but no vision request goes to them unless you assume it "
                         "(assume_unknown_capable: true).")
    unknown_ctx = caps.index[caps.context_window_tokens.isna()].tolist()
    if unknown_ctx:
        notes.append(f"Context window unknown for {len(unknown_ctx)} models ({', '.join(unknown_ctx)}): "
                     "requests are not checked against it for them.")
    no_price = caps.index[caps.input_usd_per_mtok.isna() | caps.output_usd_per_mtok.isna()].tolist()
    if no_price:
        notes.append(f"Price unknown (input or output) for {', '.join(no_price)}: they serve no request "
                     "that needs the unknown price.")
    no_score = caps.index[caps[["mmlu", "humaneval", "ceval"]].isna().all(axis=1)].tolist()
    if no_score:
        notes.append(f"No benchmark score at all in the data for {', '.join(no_score)}: their quality is unknown.")
    notes.append("Vision has no benchmark in the data: the quality of vision requests is unknown "
                 "and left out of expected quality (not guessed).")
    return notes


def refusal(cap: pd.Series, task_type: str, needs_input_price: bool = True, needs_output_price: bool = True,
            request_tokens: float | None = None, over_context: bool | None = None) -> str | None:
    """Why model ``cap`` (a row of :func:`capabilities`) cannot serve a request, or ``None``.

    Give either ``request_tokens`` (compared with the known context window) or ``over_context``
    (already compared).

    >>> caps = capabilities()
    >>> refusal(caps.loc["DeepSeek V4 Flash"], "vision")
    'no vision (model_facts.csv says false)'
    >>> refusal(caps.loc["Qwen3-32B"], "vision")
    'vision unknown (data gap)'
    >>> refusal(caps.loc["GPT-4o"], "code", request_tokens=200_000)
    'request of 200,000 tokens exceeds the 128K context window'
    >>> refusal(caps.loc["Qwen3-Coder-30B"], "code")
    'input price unknown'
    >>> refusal(caps.loc["GPT-4o"], "vision") is None
    True
    """
    if needs_input_price and pd.isna(cap.input_usd_per_mtok):
        return "input price unknown"
    if needs_output_price and pd.isna(cap.output_usd_per_mtok):
        return "output price unknown"
    if task_type == "vision" and not cap.vision:
        return NO_VISION if cap.vision_known else VISION_UNKNOWN
    ctx = cap.context_window_tokens
    if over_context is None and request_tokens is not None and pd.notna(ctx):
        over_context = request_tokens > ctx
    if over_context:
        shown = f"request of {request_tokens:,.0f} tokens" if request_tokens is not None else "request"
        return f"{shown} exceeds the {ctx / 1000:g}K context window"
    return None


def usd_per_request(cap: pd.Series, input_tokens: float, output_tokens: float) -> float:
    """What one request costs on a model; a price not needed (0 tokens) may be unknown.

    >>> float(usd_per_request(capabilities().loc["GPT-4o"], 1000, 500))
    0.0075
    >>> float(usd_per_request(capabilities().loc["Qwen3.5-397B"], 0, 1e6))
    2.34
    """
    cost = 0.0
    for tokens, price in ((input_tokens, cap.input_usd_per_mtok), (output_tokens, cap.output_usd_per_mtok)):
        if tokens:
            cost += tokens * price / 1e6
    return cost


def task_model_table(workload: Workload, caps: pd.DataFrame) -> pd.DataFrame:
    """Every task type × model: cost per request and per month, score, and why it cannot serve.

    >>> from analysis.traffic.workload import example_workload
    >>> t = task_model_table(example_workload(), capabilities())
    >>> t.query("task_type == 'vision' and eligible").model.tolist()
    ['GPT-4o']
    """
    rows = []
    cap_rows = list(zip(caps.index, caps.itertuples(index=False)))
    for task in workload.frame().itertuples(index=False):
        bench = TASK_BENCHMARK[task.task_type]
        for model, cap in cap_rows:
            reason = refusal(cap, task.task_type, request_tokens=task.input_tokens + task.output_tokens)
            per_request = np.nan if reason else usd_per_request(cap, task.input_tokens, task.output_tokens)
            rows.append({
                "task_type": task.task_type, "model": model, "origin": cap.origin,
                "share": task.share, "requests_per_month": task.requests_per_month,
                "usd_per_request": per_request, "monthly_cost_usd": per_request * task.requests_per_month,
                "benchmark": bench, "score": getattr(cap, bench) if bench else np.nan,
                "eligible": reason is None, "reason": reason,
            })
    return pd.DataFrame(rows)


def only_data_gaps(reasons: str | None) -> bool:
    """Whether every reason a request is not served (``"; "``- or ``", "``-separated, as a policy's summary
    gives them) is a gap in the data rather than a fact: then the model is *unknown*, not *cannot serve*.

    >>> only_data_gaps("vision (Claude 3.5 Sonnet: vision unknown (data gap))")
    True
    >>> only_data_gaps("vision (DeepSeek V4 Flash: no vision (model_facts.csv says false))"), only_data_gaps(None)
    (False, False)
    """
    if not reasons:
        return False
    parts = [p for p in str(reasons).replace("; ", "\n").split("\n") if p.strip()]
    return all(VISION_UNKNOWN in p and "input price unknown" not in p and "output price unknown" not in p
               and "says false" not in p and "context window" not in p for p in parts)

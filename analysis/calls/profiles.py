"""Each model's emulated speed and time to first token, from the published figures or labelled defaults."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

#: Output speed used where the article publishes none (an assumption, GPT-4o's published 50 tok/s).
DEFAULT_TOK_PER_S = 50.0

#: p99 time-to-first-token range used where the article publishes none: GPT-4o's 1.5-2.0 s.
DEFAULT_TTFT_P99_RANGE_S = (1.5, 2.0)

#: Spread (sigma of the log) of the simulated time to first token.
TTFT_SIGMA = 0.25

Z99 = 2.3263478740408408  # the standard normal's 99th percentile


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class ModelProfile:
    """How one model streams in the emulator, and where each number comes from."""

    model: str
    gateway_id: str
    tok_per_s: float
    ttft_p99_s: float
    tok_source: str = "published"  # published | default
    ttft_source: str = "published"

    @property
    def ttft_median_s(self) -> float:
        """Median TTFT of the log-normal whose p99 is ``ttft_p99_s``.

        >>> round(ModelProfile("m", "m", 60, 1.5).ttft_median_s, 3)
        0.839
        """
        return self.ttft_p99_s / math.exp(Z99 * TTFT_SIGMA)


def profiles_from_data(gateway_models: pd.DataFrame | None = None,
                       model_facts: pd.DataFrame | None = None) -> dict[str, ModelProfile]:
    """Gateway id -> profile, from the gateway model table and the published model facts.

    >>> p = profiles_from_data()
    >>> p["deepseek-v4-flash"].tok_per_s, p["gpt-4o"].tok_per_s, p["deepseek-v4-flash"].ttft_p99_s
    (60.0, 50.0, 1.5)
    >>> p["qwen3-32b"].tok_source, p["qwen3-32b"].ttft_p99_s
    ('default', 1.75)
    """
    from analysis.data.gateway import load_gateway_models
    from analysis.data.load import load_model_facts

    ids = load_gateway_models() if gateway_models is None else gateway_models
    facts = load_model_facts() if model_facts is None else model_facts
    facts = facts.set_index("model")
    out = {}
    for model, gid in zip(ids.model, ids.gateway_model_id):
        row = facts.loc[model] if model in facts.index else None
        tok = row.output_tok_per_s if row is not None else math.nan
        lo = row.ttft_p99_low_s if row is not None else math.nan
        hi = row.ttft_p99_high_s if row is not None else math.nan
        tok_known = not pd.isna(tok) and tok > 0
        ttft_known = not (pd.isna(lo) or pd.isna(hi))
        out[gid] = ModelProfile(
            model, gid,
            float(tok) if tok_known else DEFAULT_TOK_PER_S,
            (float(lo) + float(hi)) / 2 if ttft_known else sum(DEFAULT_TTFT_P99_RANGE_S) / 2,
            "published" if tok_known else "default",
            "published" if ttft_known else "default",
        )
    return out


def profile_table(profiles: dict[str, ModelProfile]) -> pd.DataFrame:
    """The emulator's per-model settings as a table, with where each number comes from.

    >>> t = profile_table(profiles_from_data()).set_index("model")
    >>> [str(v) for v in t.loc["GPT-4o", ["tok_per_s", "ttft_p99_s", "tok_source"]]]
    ['50.0', '1.75', 'published']
    """
    rows = [{**asdict(p), "ttft_median_s": p.ttft_median_s} for p in profiles.values()]
    return pd.DataFrame(rows)

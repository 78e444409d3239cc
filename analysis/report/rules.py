"""What each notebook parameter may be (a range, a set of choices, a file), checked before any kernel starts.

A parameter means the same in every notebook that declares it, so each has one :class:`Rule`,
registered here by name. ``pricepoint report`` and ``pricepoint run`` check every value against it
before a notebook starts (with every problem listed at once), and a notebook run by hand checks
its own values when it builds its publisher: a negative budget or an ``inf`` volume never reaches a
cell, a figure or results.json.

>>> problems({"budget_usd": -5, "monthly_tokens": float("inf"), "benchmark": "mmlu"})
['budget_usd must be at least 0 (a monthly budget in USD), got -5', 'monthly_tokens must be at most 1e+15 (output tokens a month), got inf']

File parameters (``pricing_csv``, ``usage_log``...) name a file relative to the folder the command
was run in; :func:`resolve_paths` makes them absolute before a notebook (which runs elsewhere)
receives them, and a file that does not exist is a problem at once, not a traceback in cell 12.

``catalog`` is a name of the catalog registry (:mod:`analysis.data.catalogs`) or a file of a kind
the registry reads (a pricing CSV, LiteLLM's JSON):

>>> problems({"catalog": "genai-price"})
["catalog must be one of article, genai-prices, or a file (.csv: a pricing CSV; .json: LiteLLM's catalog), got 'genai-price'; did you mean genai-prices?"]
>>> problems({"catalog": "genai-prices"}), problems({"catalog": "my-prices.csv"}), problems({"catalog": ""})
([], [], [])
"""

from __future__ import annotations

import difflib
import inspect
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.data.catalogs import SOURCES
from analysis.prices.engines import ENGINES


@dataclass(frozen=True)
class Rule:
    """The values one parameter may take: a number in ``[low, high]`` (ends open when said so), one of
    ``choices``, or a file (``file="existing"`` must exist, ``"new"`` may be created; with ``suffixes``,
    one of those kinds). With both ``choices`` and ``file``, either one of the choices or a file."""

    what: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    file: str = ""
    suffixes: tuple[tuple[str, str], ...] = ()  # (suffix, kind): the kinds of file it may be

    def problem(self, name: str, value: Any) -> str | None:
        """Why ``value`` does not fit (``None`` when it does).

        >>> Rule("a share", 0, 1).problem("gpu_utilisation", 1.5)
        'gpu_utilisation must be at most 1 (a share), got 1.5'
        >>> Rule("a count", 0, low_open=True).problem("n", 0)
        'n must be more than 0 (a count), got 0'
        """
        if self.choices and value in self.choices:
            return None
        if self.file:
            if self.names_file(value) or value is None or (isinstance(value, str) and not value.strip()):
                return None  # the file is checked by resolve_paths, which knows the folder the command ran in
            return f"{name} must be {self.expected()}, got {value!r}" + _did_you_mean(value, self.choices)
        if self.choices:
            return f"{name} must be one of {', '.join(self.choices)} ({self.what}), got {value!r}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None  # the type check (report.params.type_problem) says what is wrong
        if math.isnan(value):
            return f"{name} must be a finite number ({self.what}), got nan"
        if not math.isfinite(value):
            bound = "at most" if value > 0 else "at least"
            limit = self.high if value > 0 else self.low
            return f"{name} must be {bound} {limit:g} ({self.what}), got {value}" if limit is not None else \
                f"{name} must be a finite number ({self.what}), got {value}"
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return f"{name} must be {'more than' if self.low_open else 'at least'} {self.low:g} ({self.what}), got {value!r}"
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return f"{name} must be {'less than' if self.high_open else 'at most'} {self.high:g} ({self.what}), got {value!r}"
        return None

    def names_file(self, value: Any) -> bool:
        """Whether ``value`` is meant as a file (not one of the choices; of one of the kinds, if any).

        >>> RULES["catalog"].names_file("genai-prices"), RULES["catalog"].names_file("~/My Prices.CSV")
        (False, True)
        """
        if not self.file or not isinstance(value, str) or not value.strip() or value in self.choices:
            return False
        return not self.suffixes or Path(value).suffix.lower() in dict(self.suffixes)

    def expected(self) -> str:
        """What a file rule's value may be, in words.

        >>> RULES["pricing_csv"].expected()
        'a file'
        """
        kinds = "; ".join(f"{suffix}: {kind}" for suffix, kind in self.suffixes)
        if not self.choices:
            return self.what + (f" ({kinds})" if kinds else "")
        return f"one of {', '.join(self.choices)}, or a file" + (f" ({kinds})" if kinds else "")


def _did_you_mean(value: Any, choices: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(value, choices, n=1) if isinstance(value, str) else []
    return f"; did you mean {near[0]}?" if near else ""


def _catalog_names() -> tuple[str, ...]:
    """The registered catalog sources a notebook can read by name: those that need no file.

    >>> _catalog_names()
    ('article', 'genai-prices')
    """
    def needs_file(fn) -> bool:
        return any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                   for p in inspect.signature(fn).parameters.values())
    return tuple(sorted(name for name, fn in SOURCES.items() if not needs_file(fn)))


def _money(what: str) -> Rule:
    return Rule(what, 0, 1e12)


def _count(what: str, high: float) -> Rule:
    return Rule(what, 1, high)


def _seconds(what: str) -> Rule:
    return Rule(what, 0, 86_400, low_open=True)


#: One rule per parameter name, shared by every notebook that declares it.
RULES: dict[str, Rule] = {
    # volumes and mixes
    "monthly_tokens": Rule("output tokens a month", 0, 1e15),
    "input_output_ratio": Rule("input tokens per output token", 0, 1e3),
    "requests_per_month": Rule("requests a month; 0 keeps the workload's", 0, 1e15),
    "volume_min": Rule("tokens a month", 0, 1e15, low_open=True),
    "volume_max": Rule("tokens a month", 0, 1e15, low_open=True),
    "input_tokens_per_task": Rule("input tokens of one task", 0, 1e9),
    "output_tokens_per_task": Rule("output tokens of one task", 0, 1e9),
    # money (assumptions)
    "budget_usd": _money("a monthly budget in USD"),
    "fixed_a_usd_per_month": _money("a fixed monthly cost in USD"),
    "fixed_b_usd_per_month": _money("a fixed monthly cost in USD"),
    "self_host_fixed_usd_per_month": _money("a fixed monthly cost in USD"),
    "failure_cost_max_usd": Rule("the cost of one wrong answer in USD", 0, 1e9, low_open=True),
    "gpu_usd_per_hour": Rule("USD an hour", 0, 1e6),
    "gpu_tok_per_s": Rule("tokens a second", 0, 1e9, low_open=True),
    "gpu_utilisation": Rule("a share of the month", 0, 1, low_open=True),
    "cache_hit_share": Rule("a share of input tokens read from the prompt cache (an assumption)", 0, 1),
    # statistics
    "score_sigma": Rule("benchmark points", 0, 100),
    "n_draws": _count("Monte Carlo draws", 1e6),
    "seed": Rule("a random seed", 0, 2**32 - 1),
    "demo_log_seed": Rule("a random seed", 0, 2**32 - 1),
    "demo_log_rows": _count("rows of the demo log", 1e8),
    "stale_after_days": Rule("days", 0, 36_500),
    # calls
    "requests_per_model": Rule("requests per model; 0 makes none and still renders the page", 0, 1e5),
    "concurrency": _count("requests in flight", 1024),
    "idle_timeout_s": _seconds("seconds"),
    "total_timeout_s": _seconds("seconds"),
    "request_deadline_s": _seconds("seconds"),
    "max_retries": Rule("retries", 0, 100),
    "emulator_time_scale": Rule("a fraction of real time", 0, 100, low_open=True),
    "emulator_fault_rate": Rule("a share of attempts", 0, 1),
    "latency_bound_s": Rule("a p99 time to first token in seconds", 0, 3600, low_open=True),
    # choices
    "benchmark": Rule("a benchmark", choices=("mmlu", "humaneval", "ceval")),
    "mode": Rule("how calls are made", choices=("auto", "live", "emulated")),
    "engine": Rule("where the usage log is re-priced", choices=tuple(ENGINES)),  # the registered engines
    # files the user names
    **{name: Rule("a file", file="existing") for name in (
        "pricing_csv", "benchmarks_csv", "model_facts_csv", "access_csv", "matchups_csv", "gateway_models_csv",
        "router_csv", "prompts_csv", "workload_yaml", "usage_log", "live_calls_results")},
    "log_path": Rule("a JSONL log, created when missing", file="new"),
    # a name of the catalog registry, or a file of a kind it reads
    "catalog": Rule("a price catalog", choices=_catalog_names(), file="existing",
                    suffixes=((".csv", "a pricing CSV"), (".json", "LiteLLM's catalog"))),
}


def problems(values: Mapping[str, Any]) -> list[str]:
    """Every value of ``values`` that breaks its parameter's rule, and pairs that disagree."""
    out = [p for name, value in values.items() if name in RULES and (p := RULES[name].problem(name, value))]
    lo, hi = values.get("volume_min"), values.get("volume_max")
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and not out and lo >= hi:
        out.append(f"volume_min must be below volume_max, got {lo:g} and {hi:g}")
    catalog, pricing_csv = values.get("catalog"), values.get("pricing_csv")
    if isinstance(pricing_csv, str) and pricing_csv.strip() and catalog not in (None, "", "article"):
        out.append(f"catalog and pricing_csv are both given ({catalog!r}, {pricing_csv!r}); expected one of them: "
                   f"pass only catalog (a pricing CSV is a catalog too)")
    return out


def resolve_paths(values: Mapping[str, Any], base: str | os.PathLike | None = None) -> tuple[dict, list[str]]:
    """``values`` with every file parameter made absolute against ``base`` (the folder the command was run
    in), and the problems: a file that does not exist, named with the folder it was looked for in.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.csv").write_text("x")
    >>> out, bad = resolve_paths({"pricing_csv": "mine.csv", "usage_log": "no.csv", "mix": ""}, folder)
    >>> Path(out["pricing_csv"]) == folder / "mine.csv", bad[0].startswith("usage_log: no file no.csv in ")
    (True, True)
    """
    base = Path(base or Path.cwd())
    out, bad = dict(values), []
    for name, value in values.items():
        rule = RULES.get(name)
        if rule is None or not rule.names_file(value):
            continue
        path = Path(value).expanduser()
        path = path if path.is_absolute() else base / path
        if rule.file == "existing" and not path.is_file():
            bad.append(f"{name}: no file {value} in {base}" if not Path(value).is_absolute()
                       else f"{name}: no file {value}")
            continue
        out[name] = str(path.resolve())
    return out, bad

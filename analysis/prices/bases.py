"""Price bases: what one million tokens of a model costs on a chosen basis, from one registry.

A price basis is registered once with :func:`register_basis` and is then known to
:data:`BASES`, :func:`check_basis`, :func:`price_on_basis` and :func:`basis_label` (and so to
the notebooks' ``basis`` parameter and the widgets' chooser). The shipped ones are ``"input"``,
``"output"`` and ``"blended"`` (input and output prices weighted by an input:output token
ratio, default 3:1 as Artificial Analysis publishes). A model whose price is unknown on the
basis is never priced as 0: its price is ``NaN`` and :func:`price_on_basis` says why in
``excluded_reason``.

>>> from analysis.data.load import load_pricing
>>> p = price_on_basis(load_pricing(), "output").set_index("model")
>>> p.loc["GPT-4o", "usd_per_mtok"]
np.float64(10.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.tables import ParameterError

DEFAULT_INPUT_OUTPUT_RATIO = 3.0  # input tokens per output token

#: ``price(input_usd, output_usd, input_output_ratio)`` -> (usd_per_mtok, excluded_reason), one
#: array each, aligned with the rows; the reason is None where the row has a price.
Pricer = Callable[[pd.Series, pd.Series, float], tuple[object, object]]


@dataclass(frozen=True)
class PriceBasis:
    """One way to price a million tokens: its name, how it prices rows, why a row has no price, its label.

    ``price`` takes the input and output prices (USD per million tokens, NaN when unknown) and the
    input:output token ratio, and returns the price of each row and, aligned with it, why a row
    has none (None where it has one). ``label`` takes the ratio and returns the axis label.

    >>> BASES
    ('input', 'output', 'blended')
    >>> BASIS_REGISTRY["output"].label(3.0)
    'output price, USD per million tokens'
    """

    name: str
    price: Pricer
    label: Callable[[float], str]


#: Every registered price basis, by name, in registration order.
BASIS_REGISTRY: dict[str, PriceBasis] = {}



class _Names(Sequence):
    """The keys of a registry as a read-only sequence that follows it (so an import never goes stale)."""

    def __init__(self, registry: dict):
        self._registry = registry

    def __getitem__(self, i):
        return tuple(self._registry)[i]

    def __len__(self) -> int:
        return len(self._registry)

    def __contains__(self, name) -> bool:
        return name in self._registry

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None

    def __repr__(self) -> str:
        return repr(tuple(self._registry))


#: The names of the registered price bases, in registration order (follows :data:`BASIS_REGISTRY`).
BASES: Sequence[str] = _Names(BASIS_REGISTRY)


def register_basis(name: str, label: Callable[[float], str] | str) -> Callable[[Pricer], Pricer]:
    """Register the decorated pricer as the price basis ``name``, labelled ``label``.

    ``label`` is a string or a function of the input:output ratio. Registering a name again
    replaces the basis; :func:`unregister_basis` removes one.

    >>> @register_basis("cheaper side", "the cheaper of input and output price, USD per million tokens")
    ... def _cheaper(inp, outp, ratio):
    ...     price = np.fmin(inp, outp)
    ...     return price, np.where(inp.isna() & outp.isna(), "input and output prices unknown", None)
    >>> "cheaper side" in BASES, basis_label("cheaper side")
    (True, 'the cheaper of input and output price, USD per million tokens')
    >>> unregister_basis("cheaper side"); "cheaper side" in BASES
    False
    """
    def decorate(price: Pricer) -> Pricer:
        text = label
        BASIS_REGISTRY[name] = PriceBasis(name, price, text if callable(text) else (lambda _ratio: text))
        return price
    return decorate


def unregister_basis(name: str) -> None:
    """Forget the price basis ``name`` (for tests and plug-ins); an unknown name is a ``KeyError``."""
    del BASIS_REGISTRY[name]


def blended_usd_per_mtok(input_usd: float, output_usd: float, input_output_ratio: float = 3.0) -> float:
    """The price of one million tokens of traffic with ``ratio`` input tokens per output token.

    >>> blended_usd_per_mtok(2.50, 10.00)          # GPT-4o at 3:1
    4.375
    >>> blended_usd_per_mtok(2.50, 10.00, 0)       # all output
    10.0
    >>> math.isnan(blended_usd_per_mtok(float("nan"), 2.34))
    True
    """
    if input_output_ratio < 0 or not math.isfinite(input_output_ratio):
        raise ParameterError(f"input_output_ratio must be a finite number >= 0, got {input_output_ratio!r}")
    if input_output_ratio == 0:
        return float(output_usd)
    return (input_output_ratio * input_usd + output_usd) / (input_output_ratio + 1)


# --------------------------------------------------------------------------- the shipped bases


@register_basis("input", "input price, USD per million tokens")
def _input_price(inp: pd.Series, outp: pd.Series, input_output_ratio: float):
    """The input price alone."""
    return inp, np.where(inp.isna(), "input price unknown", None)


@register_basis("output", "output price, USD per million tokens")
def _output_price(inp: pd.Series, outp: pd.Series, input_output_ratio: float):
    """The output price alone."""
    return outp, np.where(outp.isna(), "output price unknown", None)


@register_basis("blended", lambda ratio: f"blended price ({ratio:g}:1 input:output tokens), USD per million tokens")
def _blended_price(inp: pd.Series, outp: pd.Series, input_output_ratio: float):
    """Input and output prices weighted ``input_output_ratio``:1; at 0:1 only the output price counts."""
    price = [blended_usd_per_mtok(i, o, input_output_ratio) for i, o in zip(inp, outp)]
    if input_output_ratio == 0:
        return price, np.where(outp.isna(), "output price unknown", None)
    return price, np.select(
        [inp.isna() & outp.isna(), inp.isna(), outp.isna()],
        ["input and output prices unknown (needed for the blended price)",
         "input price unknown (needed for the blended price)",
         "output price unknown (needed for the blended price)"],
        default=None,
    )


# --------------------------------------------------------------------------- reading the registry


def check_basis(basis: str) -> str:
    """``basis`` if it is one of :data:`BASES`, else a ``ValueError`` saying what to pass.

    >>> check_basis("blended")
    'blended'
    >>> check_basis("median")
    Traceback (most recent call last):
    ...
    analysis.data.tables.ParameterError: price basis 'median' is not one of input, output, blended: pass one of them
    """
    if basis not in BASIS_REGISTRY:
        raise ParameterError(f"price basis {basis!r} is not one of {', '.join(BASIS_REGISTRY)}: pass one of them")
    return basis


def price_on_basis(pricing: pd.DataFrame, basis: str = "output",
                   input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> pd.DataFrame:
    """Every model with ``usd_per_mtok`` on ``basis`` and, where unknown, ``excluded_reason``.

    >>> from analysis.data.load import load_pricing
    >>> p = price_on_basis(load_pricing(), "blended").set_index("model")
    >>> float(round(p.loc["DeepSeek V4 Flash", "usd_per_mtok"], 4))
    0.1975
    >>> p.loc["Qwen3.5-397B", "excluded_reason"]
    'input price unknown (needed for the blended price)'
    """
    pricer = BASIS_REGISTRY[check_basis(basis)].price
    out = pricing[["model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok"]].copy()
    price, reason = pricer(out.input_usd_per_mtok, out.output_usd_per_mtok, input_output_ratio)
    out["usd_per_mtok"] = price
    out["excluded_reason"] = pd.Series(reason, index=out.index, dtype=object).where(lambda s: s.notna(), None)
    out.attrs.update(basis=basis, input_output_ratio=input_output_ratio)
    return out


def basis_label(basis: str, input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> str:
    """A human label for a price basis, naming the mix for the blended one.

    >>> basis_label("blended", 3)
    'blended price (3:1 input:output tokens), USD per million tokens'
    >>> basis_label("output")
    'output price, USD per million tokens'
    """
    return BASIS_REGISTRY[check_basis(basis)].label(input_output_ratio)

"""Interactive controls for the notebooks: one line that shows a figure, and in JupyterLab lets you move it.

A notebook hands :func:`explore` a *pure* figure function (its keyword arguments in, a
matplotlib figure out, nothing else touched), the controls to offer, and the values of its
parameters::

    explore(pages_pricing.traffic_bill, [volume(), token_mix()], pub=pub, name="traffic-bill",
            title="Monthly bill", pricing=pricing, monthly_tokens=monthly_tokens,
            input_output_ratio=input_output_ratio);

Everywhere, it draws the figure for the values given (and publishes it through ``pub`` when
one is passed): this is what papermill and the HTML report show. Only in a live JupyterLab
(or Notebook) frontend does it also show ipywidgets controls that redraw the figure as you
move them; headless runs never create a widget, so executed notebooks carry no widget state
and the HTML report needs no JavaScript. ``PRICEPOINT_WIDGETS=1`` or ``0`` forces either way
(``pricepoint report`` and ``pricepoint run`` force ``0``).

>>> import matplotlib.pyplot as plt
>>> def bars(height=1.0, color="C0"):
...     fig, ax = plt.subplots()
...     ax.bar(["x"], [height], color=color)
...     return fig
>>> ex = explore(bars, [Control("height", "height", "number", 0, 10)], live=False, show=False, height=3.0)
>>> float(ex.figure.axes[0].patches[0].get_height()), ex.widgets
(3.0, {})
>>> plt.close("all")
"""

from __future__ import annotations

import functools
import inspect
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("log", "number", "choice", "text")

_TRUE = {"1", "true", "yes", "on"}

_FALSE = {"0", "false", "no", "off"}


# --------------------------------------------------------------------------- control specs


@dataclass(frozen=True)
class Control:
    """One control: the figure function's keyword it sets, its label, and its range or options.

    ``kind`` is ``"log"`` (a slider over powers of ten, for volumes), ``"number"`` (a linear
    slider), ``"choice"`` (a drop-down of ``options``: values, or ``(label, value)`` pairs) or
    ``"text"`` (a text box, read when you press Enter or leave it).

    >>> Control("basis", "price basis", "choice", options=("input", "output")).problems("blended")
    ["price basis: 'blended' is not one of 'input', 'output'"]
    >>> Control("monthly_tokens", "tokens a month", "log", 1e6, 1e12).problems(-5)
    ['tokens a month: -5 is not a number > 0']
    """

    name: str
    label: str
    kind: str = "number"
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"control {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "choice" and not self.options:
            raise ValueError(f"control {self.name!r}: a choice needs options")
        if self.kind in ("log", "number") and (self.low is None or self.high is None or self.low >= self.high):
            raise ValueError(f"control {self.name!r}: a slider needs low < high, got {self.low!r}, {self.high!r}")
        if self.kind == "log" and self.low <= 0:
            raise ValueError(f"control {self.name!r}: a log slider needs low > 0, got {self.low!r}")

    @property
    def values(self) -> list:
        """The values a choice offers (labels dropped).

        >>> model_pair(["A", "B"])[0].values
        ['A', 'B']
        """
        return [o[1] if isinstance(o, tuple) else o for o in self.options]

    def problems(self, value) -> list[str]:
        """What is wrong with ``value`` for this control (empty when it is fine)."""
        if self.kind == "choice":
            if value not in self.values:
                return [f"{self.label}: {value!r} is not one of {', '.join(map(repr, self.values))}"]
            return []
        if self.kind == "text":
            return [] if isinstance(value, str) else [f"{self.label}: {value!r} is not text"]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or (self.kind == "log" and value <= 0) or (self.kind == "number" and value < self.low):
            bound = "> 0" if self.kind == "log" else f">= {self.low:g}"
            return [f"{self.label}: {value!r} is not a number {bound}"]
        return []

    def widget(self, value):
        """The ipywidgets control for this spec, set to ``value`` (the range grows to include it)."""
        import ipywidgets as w

        style = {"description_width": "initial"}
        layout = w.Layout(width="420px")
        if self.kind == "choice":
            return w.Dropdown(options=list(self.options), value=value, description=self.label, style=style,
                              layout=layout)
        if self.kind == "text":
            return w.Text(value=value, description=self.label, continuous_update=False, style=style,
                          layout=layout)
        if self.kind == "log":
            lo, hi = math.log10(min(self.low, value)), math.log10(max(self.high, value))
            return w.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=self.step or 0.1,
                                    description=self.label, continuous_update=False, readout_format=".3g",
                                    style=style, layout=layout)
        lo, hi = min(self.low, value), max(self.high, value)
        return w.FloatSlider(value=value, min=lo, max=hi, step=self.step or (hi - lo) / 100,
                             description=self.label, continuous_update=False, style=style, layout=layout)


def volume(name: str = "monthly_tokens", label: str = "output tokens a month",
           low: float = 1e6, high: float = 1e13) -> Control:
    """A log slider for a token volume (a million to ten trillion tokens by default).

    >>> volume().kind, volume().low
    ('log', 1000000.0)
    """
    return Control(name, label, "log", low, high, step=0.1)


def token_mix(name: str = "input_output_ratio", label: str = "input tokens per output token",
              high: float = 20.0) -> Control:
    """A slider for the input:output token ratio, 0 (output only) to ``high``.

    >>> token_mix().problems(3.0), token_mix().problems(-1)
    ([], ['input tokens per output token: -1 is not a number >= 0'])
    """
    return Control(name, label, "number", 0.0, high, step=0.25)


def choice(name: str, options: Iterable, label: str | None = None) -> Control:
    """A drop-down of ``options`` (values, or ``(label, value)`` pairs).

    >>> choice("basis", ["input", "output"]).label
    'basis'
    """
    return Control(name, label or name.replace("_", " "), "choice", options=tuple(options))


def text(name: str, label: str | None = None) -> Control:
    """A text box, such as a task mix ``code:0.5, general:0.5``.

    >>> text("mix", "task mix").problems("code:1"), text("mix").problems(3)
    ([], ['mix: 3 is not text'])
    """
    return Control(name, label or name.replace("_", " "), "text")


def benchmark(name: str = "benchmark", label: str = "benchmark") -> Control:
    """A drop-down of the benchmarks, labelled as the article names them.

    >>> benchmark().values
    ['mmlu', 'humaneval', 'ceval']
    """
    from analysis.data.tables import BENCHMARK_LABELS, BENCHMARKS

    return choice(name, [(BENCHMARK_LABELS[b], b) for b in BENCHMARKS], label)


def price_basis(name: str = "basis", label: str = "price basis") -> Control:
    """A drop-down of the price bases: input, output, blended.

    >>> price_basis().values
    ['input', 'output', 'blended']
    """
    from analysis.prices.bases import BASES

    return choice(name, BASES, label)


def model_pair(models: Iterable[str], names: tuple[str, str] = ("model_a", "model_b"),
               labels: tuple[str, str] = ("model A", "model B")) -> tuple[Control, Control]:
    """Two drop-downs choosing a pair of models (for a break-even or a head-to-head).

    >>> [c.name for c in model_pair(["GPT-4o", "GLM-5"])]
    ['model_a', 'model_b']
    """
    models = tuple(dict.fromkeys(models))
    return choice(names[0], models, labels[0]), choice(names[1], models, labels[1])


def _flatten(controls) -> list[Control]:
    out: list[Control] = []
    for c in controls:
        out.extend(_flatten(c) if isinstance(c, (list, tuple)) else [c])
    return out


def check_controls(figure_fn: Callable, controls: Sequence[Control], values: Mapping[str, Any],
                   check_values: bool = True) -> None:
    """Raise a ``ValueError`` listing every control that does not fit ``figure_fn`` or its value.

    >>> def f(pricing, monthly_tokens=1e9): ...
    >>> check_controls(f, [volume()], {"monthly_tokens": 1e9})
    >>> check_controls(f, [token_mix()], {"monthly_tokens": 1e9})
    Traceback (most recent call last):
    ...
    ValueError: the controls do not fit f: input_output_ratio is not a keyword argument of f (it takes: pricing, monthly_tokens); no value given for input_output_ratio. Fix the explore(...) call: give each control a keyword of the figure function and its value.
    """
    params = inspect.signature(figure_fn).parameters
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    fn = getattr(figure_fn, "__name__", "the figure function")
    problems = []
    for c in controls:
        if c.name not in params and not takes_kwargs:
            problems.append(f"{c.name} is not a keyword argument of {fn} (it takes: {', '.join(params)})")
        if c.name not in values:
            problems.append(f"no value given for {c.name}")
        elif check_values:
            problems += c.problems(values[c.name])
    names = [c.name for c in controls]
    problems += [f"two controls set {n}" for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise ValueError(f"the controls do not fit {fn}: " + "; ".join(problems)
                         + ". Fix the explore(...) call: give each control a keyword of the figure function "
                           "and its value.")


# --------------------------------------------------------------------------- live or headless


def live_frontend(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the code runs in a kernel with a live frontend that can show widgets.

    True in a kernel started by Jupyter Server (JupyterLab, Notebook 7: they set
    ``JPY_SESSION_NAME``); false under papermill, nbconvert and plain Python.
    ``PRICEPOINT_WIDGETS=1`` or ``0`` overrides the guess.

    >>> live_frontend({})
    False
    >>> live_frontend({"PRICEPOINT_WIDGETS": "1"}), live_frontend({"PRICEPOINT_WIDGETS": "0", "JPY_SESSION_NAME": "x"})
    (True, False)
    """
    env = os.environ if environ is None else environ
    forced = env.get("PRICEPOINT_WIDGETS", "").strip().lower()
    if forced in _TRUE:
        return True
    if forced in _FALSE:
        return False
    if not env.get("JPY_SESSION_NAME"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


# --------------------------------------------------------------------------- explore


@dataclass
class Explorer:
    """What :func:`explore` made: the current figure and values, and the widgets when live."""

    figure_fn: Callable
    controls: list[Control]
    values: dict[str, Any]
    live: bool
    figure: Any = None
    widgets: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    box: Any = None
    error: str | None = None

    def redraw(self, **changes):
        """Draw the figure again with ``changes`` applied; a failure is shown, not raised, when live.

        Returns the new figure (``None`` when the figure function refused the values).
        """
        import matplotlib.pyplot as plt

        self.values.update(changes)
        try:
            fig = self.figure_fn(**self.values)
        except Exception as exc:  # a live control must never crash the session
            if not self.live:
                raise
            self.error = f"Cannot draw the figure for these settings: {exc}"
            fig = None
        else:
            self.error = None
        if self.figure is not None and self.figure is not fig:
            plt.close(self.figure)
        self.figure = fig if fig is not None else self.figure
        if self.output is not None:
            from IPython.display import display

            self.output.clear_output(wait=True)
            with self.output:
                if fig is not None:
                    display(fig)
                else:
                    print(self.error)
            if fig is not None:
                plt.close(fig)
        return fig

    def _on_change(self, name: str, change) -> None:
        self.redraw(**{name: change["new"]})

    def __repr__(self) -> str:
        fn = getattr(self.figure_fn, "__name__", "figure")
        return f"<Explorer {fn} {'live' if self.live else 'static'}: {', '.join(c.name for c in self.controls)}>"


def explore(figure_fn: Callable, controls: Sequence[Control | tuple[Control, ...]], *, pub=None,
            name: str | None = None, title: str | None = None, live: bool | None = None, show: bool = True,
            static: bool = True, **values) -> Explorer:
    """Draw ``figure_fn(**values)``; in a live frontend, add controls that redraw it.

    ``controls`` name keyword arguments of ``figure_fn`` (a tuple such as :func:`model_pair`'s
    counts as its members); every other keyword in ``values`` is passed unchanged. With
    ``pub`` (a :class:`~analysis.publish.Publisher`) the figure for ``values`` is published
    as ``name`` with ``title``, exactly as ``pub.figure`` would: that is the static figure of
    the report. ``static=False`` is for a cell added after one that already shows the figure:
    headless, it then draws nothing at all. ``live`` defaults to :func:`live_frontend`.
    Headless, parameter values are never checked against the controls' ranges (a volume of
    0 is the figure function's business); live, a value no control can show is reported and
    the figure is drawn without controls.
    End the notebook line with ``;``.

    >>> explore(lambda n=1: 1 / 0, [Control("n", "n", "number", 0, 9)], live=False, static=False, n=1)
    <Explorer <lambda> static: n>
    """
    import matplotlib.pyplot as plt

    controls = _flatten(controls)
    check_controls(figure_fn, controls, values, check_values=False)  # a wiring mistake fails everywhere
    live = live_frontend() if live is None else live
    ex = Explorer(figure_fn, controls, dict(values), live)
    if not live and not static:
        return ex
    if live:  # a parameter a control cannot show (a volume of 0): say so, and keep the static figure
        try:
            check_controls(figure_fn, controls, values)
        except ValueError as exc:
            ex.error, live, ex.live = f"No controls for these parameters: {exc}", False, False
            if show:
                print(ex.error)
            if not static:
                return ex
    fig = figure_fn(**ex.values)
    ex.figure = fig
    if pub is not None:  # pub.figure saves, shows (unless live: the controls' output shows it) and closes
        pub.figure(fig, name or getattr(figure_fn, "__name__", "figure"), title, show=show and not live)
    if not live:
        if show and pub is None:
            from IPython.display import display

            display(fig)
        plt.close(fig)  # shown once: the inline backend must not show it again
        return ex

    import ipywidgets as w
    from IPython.display import display

    for c in controls:
        widget = c.widget(ex.values[c.name])
        widget.observe(functools.partial(ex._on_change, c.name), names="value")
        ex.widgets[c.name] = widget
    ex.output = w.Output()
    with ex.output:
        display(fig)
    plt.close(fig)
    ex.box = w.VBox([w.HBox(list(ex.widgets.values()), layout=w.Layout(flex_flow="row wrap")), ex.output])
    if show:
        display(ex.box)
    return ex

"""What a notebook publishes: its figures (PNG and SVG), headline findings and ``results.json``.

Every notebook makes one :class:`Publisher` after its parameters cell. With an
``output_dir`` (``pricepoint report`` always passes one; so can ``papermill -p output_dir DIR``)
it writes::

    DIR/figures/<notebook>/<name>.png and .svg
    DIR/<notebook>/results.json

Without one (exploring in JupyterLab) it writes nothing and only shows.

>>> import tempfile, json, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> pub = Publisher("00-demo", out, parameters={"volume": 1})
>>> pub.record("cheapest", {"model": "DeepSeek V4 Flash", "usd_per_mtok": 0.25})
>>> pub.headline("DeepSeek V4 Flash is the cheapest output price.", kind="as published")
>>> path = pub.write()
>>> json.loads(path.read_text())["results"]["cheapest"]["usd_per_mtok"]
0.25
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import paths
from analysis.data.tables import ParameterError

FIGURE_FORMATS = ("png", "svg")
#: Figures taller than this (inches) are rendered at 110 dpi instead of 144.
TALL_FIGURE_IN = 9.0
#: CSS pixels per inch of a figure on a page (the ``width`` it is shown at): a 10-inch figure is 1,000 px wide.
DISPLAY_PX_PER_IN = 100


def smallest_font_pt(fig) -> float | None:
    """The smallest font size (points) of any visible, non-empty text of a figure: titles, labels, ticks,
    legends, annotations and notes; ``None`` for a figure without text.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("t", fontsize=12); _ = fig.text(0, 0, "note", fontsize=7.5)
    >>> smallest_font_pt(fig)
    7.5
    >>> plt.close(fig)
    """
    import matplotlib.text

    fig.canvas.draw()  # tick labels exist once drawn
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip() and t.get_window_extent().width > 0]
    return float(min(sizes)) if sizes else None

#: The kinds of finding a report may state. "as published" repeats the source article;
#: "computed" is our arithmetic on data/; "not supported" is a claim the data does not bear out;
#: "simulated" comes from the local emulator; "measured" from live calls; "assumption" is a
#: user-supplied parameter; "data gap" is what cannot be checked because a figure is missing (never "not supported").
HEADLINE_KINDS = ("as published", "computed", "not supported", "simulated", "measured", "assumption", "data gap")


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for results.json: NaN and inf become ``None`` (unknown), never 0.

    >>> to_jsonable({"a": np.float64(1.5), "b": float("nan"), "c": [np.int64(2)]})
    {'a': 1.5, 'b': None, 'c': [2]}
    >>> to_jsonable(pd.DataFrame({"m": ["x"], "v": [float("nan")]}))
    [{'m': 'x', 'v': None}]
    """
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def write_json_atomic(path: Path, payload: Any) -> Path:
    """Write JSON to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(to_jsonable(payload), fh, indent=2, ensure_ascii=False, allow_nan=False)
            fh.write("\n")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; a plain open() would not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class Publisher:
    """Collects one notebook's figures, headline findings and results, and writes them."""

    def __init__(self, notebook: str, output_dir: str | os.PathLike | None = None,
                 parameters: dict | None = None, dataset=None):
        self.notebook = notebook
        self.output_dir = Path(output_dir).expanduser().resolve() if output_dir else None
        self.parameters = dict(parameters or {})
        self.results: dict[str, Any] = {}
        self.headlines: list[dict[str, str]] = []
        self.figures: list[dict[str, str]] = []
        self.data: dict[str, dict[str, str]] = {}
        self.as_of: str | None = None
        #: The tables read whose date is unknown, each with how to date it (the page's date is then unknown).
        self.undated: dict[str, str] = {}
        self.source: str | None = None  # the line under a chart: the article, or a catalog and its version
        if dataset is not None:
            self.use_dataset(dataset)

    @classmethod
    def for_notebook(cls, notebook: str, namespace: Mapping[str, Any]) -> Publisher:
        """The publisher of a notebook, its parameters taken from the run itself.

        Every name the notebook's ``parameters`` cell declares is read from ``namespace`` (the
        notebook's ``globals()``): the values papermill injected, or the defaults when the notebook
        runs by hand. A parameter can then never be missing from results.json. ``output_dir``
        says where to publish and is not recorded.

        >>> pub = Publisher.for_notebook("01-pricing", {"catalog": "article", "pricing_csv": "",
        ...     "input_output_ratio": 1.0, "monthly_tokens": 2e9, "endpoints_model": "GPT-4o", "stale_after_days": 90,
        ...     "output_dir": ""})
        >>> sorted(pub.parameters), pub.output_dir
        (['catalog', 'endpoints_model', 'input_output_ratio', 'monthly_tokens', 'pricing_csv', 'stale_after_days'], None)
        >>> Publisher.for_notebook("01-pricing", {"output_dir": ""})
        Traceback (most recent call last):
        ...
        NameError: 01-pricing declares parameters this run does not define: catalog, endpoints_model, input_output_ratio, monthly_tokens, pricing_csv, stale_after_days
        """
        from analysis.report.params import parameter_names
        from analysis.report.rules import RULES, problems

        names = sorted(parameter_names(paths.NOTEBOOKS / f"{notebook}.ipynb") - {"output_dir"})
        missing = [n for n in names if n not in namespace]
        if missing:
            raise NameError(f"{notebook} declares parameters this run does not define: {', '.join(missing)}")
        values = {n: namespace[n] for n in names}
        if bad := problems(values):
            raise ParameterError("; ".join(bad) + ": fix these parameters and run the notebook again")
        out = namespace.get("output_dir") or None

        def show(v: str) -> str:  # a file of the report itself (a page's results) relative to the report
            if out and Path(v).is_absolute() and Path(v).resolve().is_relative_to(Path(out).resolve()):
                return str(Path(v).resolve().relative_to(Path(out).resolve()))
            return paths.shown(v)

        shown = {n: show(v) if n in RULES and RULES[n].file and isinstance(v, str) else v
                 for n, v in values.items()}  # files as the project names them, never this machine's paths
        return cls(notebook, out, parameters=shown)

    # -- inputs -----------------------------------------------------------------------
    def use_dataset(self, dataset) -> None:
        """Record which data files (and their checksums and as-of date) the notebook read."""
        sums = dataset.checksums()
        self.data = {name: {"file": paths.shown(path), "sha256": sums[name]} for name, path in dataset.files().items()}
        self.as_of = dataset.as_of()
        self.undated = dataset.undated()

    def use_tables(self, **frames) -> None:
        """Record the files behind loaded tables (their ``attrs['source_file']``) and the as-of date.

        >>> from analysis.data.load import load_pricing
        >>> pub = Publisher("00-demo")
        >>> pub.use_tables(pricing=load_pricing())
        >>> sorted(pub.data), pub.as_of, pub.results["catalog"]["version"], pub.source[:22]
        (['pricing'], '2026-11-27', 'as published', 'Source: "Stop Guessing')
        """
        if "pricing" in frames:  # the line under each chart, and which catalog the prices come from (results.json)
            from analysis.data.sources import provenance

            catalog = provenance(frames["pricing"])
            self.source = catalog.pop("source")
            self.record("catalog", catalog)
        from analysis.data.freshness import undated

        dates = [] if self.as_of is None else [self.as_of]
        for name, frame in frames.items():
            self.use_file(name, frame.attrs["source_file"])
            as_of = (frame.attrs.get("meta") or {}).get("as_of")
            if as_of:
                dates.append(str(as_of))
        self.undated.update(undated(frames))  # one undated table makes the page's date unknown, never the others'
        self.as_of = min(dates) if dates and not self.undated else None

    def use_file(self, name: str, path: str | os.PathLike) -> None:
        """Record one more input file (a user's log, a parameter file) with its checksum."""
        from analysis.data.load import sha256

        self.data[name] = {"file": paths.shown(path), "sha256": sha256(path)}

    # -- outputs ----------------------------------------------------------------------
    def record(self, name: str, value: Any) -> None:
        """Store a headline number (or table) under ``name`` in results.json."""
        self.results[name] = to_jsonable(value)

    def headline(self, text: str, kind: str = "computed") -> None:
        """A one-sentence finding for the report's index, labelled by where it comes from."""
        if kind not in HEADLINE_KINDS:
            raise ValueError(f"headline kind {kind!r} is not one of {', '.join(HEADLINE_KINDS)}")
        self.headlines.append({"text": text, "kind": kind})

    def figure(self, fig, name: str, title: str | None = None, show: bool = True):
        """Save ``fig`` as PNG and SVG (when publishing), show it once, and close it.

        The PNG is rendered once and the same bytes are written and displayed, so the
        figure is not drawn again by the notebook's inline backend. Returns ``None`` so that
        a notebook cell ending in ``pub.figure(...)`` shows the figure exactly once.
        """
        import io

        import matplotlib.pyplot as plt
        from PIL import Image as PILImage

        entry = {"name": name, "title": title or name, "min_font_pt": smallest_font_pt(fig)}
        buffer = io.BytesIO()
        # a tall figure (a bounded catalog's bars) at a lower resolution: pages stay within 2 MB
        dpi = 144 if fig.get_figheight() <= TALL_FIGURE_IN else 110
        fig.savefig(buffer, format="png", bbox_inches="tight", dpi=dpi)
        png = buffer.getvalue()
        width_px, height_px = PILImage.open(io.BytesIO(png)).size
        # shown at DISPLAY_PX_PER_IN of its saved size (tight box included): the page scales it down only when
        # that is wider than the column, and the browser test measures the text as displayed from these
        entry.update(dpi=dpi, width_px=width_px, height_px=height_px,
                     display_width_px=round(width_px / dpi * DISPLAY_PX_PER_IN))
        if self.output_dir is not None:
            folder = self.output_dir / "figures" / self.notebook
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.png").write_bytes(png)
            fig.savefig(folder / f"{name}.svg", format="svg", bbox_inches="tight", metadata={"Date": None})
            entry["png"] = f"figures/{self.notebook}/{name}.png"
            entry["svg"] = f"figures/{self.notebook}/{name}.svg"
        self.figures.append(entry)
        plt.close(fig)
        if show:
            from IPython.display import Image, display

            display(Image(data=png, format="png", width=entry["display_width_px"],
                          metadata={"alt": entry["title"]}))

    def headlines_html(self) -> str:
        """The findings as an HTML list, each labelled with its kind; text is escaped.

        >>> pub = Publisher("00-demo")
        >>> pub.headline("<b>GPT-4o</b> costs 40× as much", "computed")
        >>> pub.headlines_html()
        '<ul class="pp-findings"><li><strong>computed</strong>: &lt;b&gt;GPT-4o&lt;/b&gt; costs 40× as much</li></ul>'
        """
        import html

        items = "".join(f"<li><strong>{html.escape(h['kind'])}</strong>: {html.escape(h['text'])}</li>"
                        for h in self.headlines)
        return f'<ul class="pp-findings">{items}</ul>'

    def show_headlines(self) -> None:
        """Show the findings at the end of the notebook (the report's index lists them too)."""
        from IPython.display import HTML, display

        display(HTML(self.headlines_html()))

    def payload(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "parameters": to_jsonable(self.parameters),
            "data": self.data,
            "data_as_of": self.as_of,
            "source": self.source,
            "headlines": self.headlines,
            "figures": self.figures,
            "results": self.results,
        }

    def write(self) -> Path | None:
        """Write ``<output_dir>/<notebook>/results.json``; ``None`` when not publishing."""
        if self.output_dir is None:
            return None
        return write_json_atomic(self.output_dir / self.notebook / "results.json", self.payload())

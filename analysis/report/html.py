"""An executed notebook as an offline HTML page without code."""

from __future__ import annotations

from pathlib import Path

from analysis import paths

#: nbconvert template for the pages: "lab" without any <script> (no CDN, works offline).
PAGE_TEMPLATE = paths.PACKAGE / "report" / "templates" / "offline-page.html.j2"

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widgets(nb) -> int:
    """Drop ipywidgets views and state from an executed notebook; return how many outputs went.

    A static page cannot run widgets (they need require.js and a kernel); the figure each
    control draws is published as an ordinary image next to them.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(metadata={"widgets": {}})
    >>> nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "display_data", {_WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"})]))
    >>> strip_widgets(nb), nb.cells[0].outputs, "widgets" in nb.metadata
    (1, [], False)
    """
    nb.metadata.pop("widgets", None)
    dropped = 0
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if _WIDGET_VIEW in data:
                data.pop(_WIDGET_VIEW)
                if set(data) <= {"text/plain"}:
                    dropped += 1
                    continue
            kept.append(out)
        if "outputs" in cell:
            cell.outputs = kept
    return dropped


def export_html(executed: Path, target: Path, title: str | None = None) -> Path:
    """Export an executed notebook to a self-contained HTML page without code cells or prompts.

    The page works offline: no script at all (nbconvert's "lab" template would load
    require.js, MathJax and mermaid from a CDN), CSS inlined, figures embedded as data URIs,
    widget views dropped (see :func:`strip_widgets`).
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    strip_widgets(nb)
    exporter = HTMLExporter(template_name="lab", template_file=PAGE_TEMPLATE.name,
                            extra_template_paths=[str(PAGE_TEMPLATE.parent)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    resources = {"metadata": {"name": title or executed.stem, "path": str(executed.parent)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target

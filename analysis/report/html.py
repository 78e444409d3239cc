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


def page_title(nb, fallback: str) -> str:
    """A page's title: the text of its notebook's first Markdown heading, else ``fallback``.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_markdown_cell("# 01 · What does each model cost?\\n\\ntext"))
    >>> page_title(nb, "01-pricing")
    '01 · What does each model cost?'
    >>> nb.cells[0].source = "# 05 · What latency do *I* get?"; page_title(nb, "05")
    '05 · What latency do I get?'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip().replace("*", "").replace("`", "") or fallback
    return fallback


def neighbours(stem: str, titles: dict[str, str]) -> dict:
    """The previous and next pages of a report around ``stem`` (``titles``: stem -> title, in order).

    >>> neighbours("02-b", {"01-a": "A", "02-b": "B", "03-c": "C"})
    {'prev': {'href': '01-a.html', 'title': 'A'}, 'next': {'href': '03-c.html', 'title': 'C'}}
    """
    stems = list(titles)
    i = stems.index(stem)
    link = lambda s: {"href": f"{s}.html", "title": titles[s]}  # noqa: E731
    return {"prev": link(stems[i - 1]) if i > 0 else None, "next": link(stems[i + 1]) if i + 1 < len(stems) else None}


def report_titles() -> dict[str, str]:
    """Every notebook's page title, in report order."""
    import nbformat

    from analysis.report.params import discover_notebooks

    return {nb.stem: page_title(nbformat.read(nb, as_version=4), nb.stem) for nb in discover_notebooks()}


def export_html(executed: Path, target: Path, title: str | None = None, in_report: bool = False) -> Path:
    """Export an executed notebook to a self-contained HTML page without code cells or prompts.

    The page works offline: no script at all (nbconvert's "lab" template would load
    require.js, MathJax and mermaid from a CDN), a small stylesheet instead of JupyterLab's,
    figures embedded as data URIs with their titles as alt text, widget views dropped (see
    :func:`strip_widgets`). Its title is the notebook's first heading; in a report
    (``in_report``) it links to the index and to the previous and next pages.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    strip_widgets(nb)
    nb.metadata["title"] = title or page_title(nb, executed.stem)
    exporter = HTMLExporter(template_name="lab", template_file=PAGE_TEMPLATE.name,
                            extra_template_paths=[str(PAGE_TEMPLATE.parent)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    resources = {"metadata": {"name": nb.metadata["title"], "path": str(executed.parent)}}
    if in_report:
        titles = report_titles()
        if executed.stem in titles:
            resources["pp_nav"] = neighbours(executed.stem, titles)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target

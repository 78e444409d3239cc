"""An executed notebook as an offline HTML page without code."""

from __future__ import annotations

import re
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


#: The most findings the answer block at the top of a page repeats (the rest are at the end).
ANSWER_FINDINGS = 3
_FINDINGS = re.compile(r'<ul class="pp-findings">(.*?)</ul>', re.S)
_ITEM = re.compile(r"<li>.*?</li>", re.S)


def answer_first(nb) -> bool:
    """Put the page's answer before any chart: the first findings (already escaped HTML, from
    :meth:`~analysis.report.publish.Publisher.headlines_html`) repeated in a block right after the
    notebook's opening Markdown cell. Returns whether the notebook had findings to repeat.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# 01 · Q"), nbformat.v4.new_code_cell("plot()"),
    ...             nbformat.v4.new_code_cell("pub.show_headlines()", outputs=[nbformat.v4.new_output(
    ...                 "display_data", {"text/html": '<ul class="pp-findings">' + "<li>a</li>" * 5 + "</ul>"})])]
    >>> answer_first(nb), nb.cells[1].outputs[0]["data"]["text/html"].count("<li>")
    (True, 3)
    """
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html_text = (out.get("data") or {}).get("text/html", "")
            if isinstance(html_text, list):
                html_text = "".join(html_text)
            match = _FINDINGS.search(html_text or "")
            if match:
                found = _ITEM.findall(match.group(1))
    if not found:
        return False
    import nbformat

    more = len(found) - ANSWER_FINDINGS
    tail = (f'<p class="pp-answer-more">{more} more finding{"s" if more > 1 else ""}, and how each was reached, '
            f'at the end of this page.</p>') if more > 0 else ""
    block = (f'<div class="pp-answer"><h2>The answer</h2><ul class="pp-findings">'
             f'{"".join(found[:ANSWER_FINDINGS])}</ul>{tail}</div>')
    cell = nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output("display_data", {"text/html": block})])
    first_md = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    nb.cells.insert(first_md + 1, cell)
    return True


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
    :func:`strip_widgets`), and the page's first findings repeated before any chart
    (:func:`answer_first`). Its title is the notebook's first heading; in a report
    (``in_report``) it links to the index and to the previous and next pages.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    strip_widgets(nb)
    nb.metadata["title"] = title or page_title(nb, executed.stem)
    answer_first(nb)
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

"""The report in a real browser: headless Chromium opens index.html and every page from disk, offline,
at a 1,280 px wide window, as a reader sees them.

Fails on any console error, any failed request (every request that is not a local file is
refused, so a page that needs the network fails), any image that did not load, any link of the
index or of a page that leads nowhere, a page whose answer block does not come before its first
figure, figure text smaller than 10 px as displayed (the figure's smallest font, recorded by the
publisher in results.json, times the scale the page shows the image at), and any absolute path of
the machine or 127.0.0.1 in a page's text or links. Saves a full-page screenshot of each page in
the report's ``screenshots/`` folder and copies them to ``reports/screenshots/`` of the project.
Needs Debian's ``chromium`` (``sudo apt-get install chromium``); skipped, saying so, without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = ("Chromium is not installed, so the browser test of the HTML report was skipped. "
                "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) and run `make test` again.")


def chromium_path() -> str | None:
    """Debian's chromium, or the one PRICEPOINT_CHROMIUM names (when set, only that one)."""
    chosen = os.environ.get("PRICEPOINT_CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).exists()), None)


@pytest.fixture(scope="module")  # Playwright's sync API runs an event loop: stop it before other modules
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip(INSTALL_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("The playwright package is missing, so the browser test was skipped. "
                    "Install the dev dependencies with `make env` and run `make test` again.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(browser, notebook_runs, tmp_path_factory) -> Path:
    """The report built once for the session with every notebook and the default parameters (``build_report``,
    shared with the notebook tests' default runs: tests/conftest.py), copied here: screenshots go into the copy."""
    folder, _ = notebook_runs.default_report()
    return Path(shutil.copytree(folder, tmp_path_factory.mktemp("browser") / "reports"))


def visit(browser, url: str, screenshot: Path):
    """Open ``url`` with the network cut off; return (page, problems). The caller closes the page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url[:120]} ({r.failure})"))

    def only_local(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.route("**/*", only_local)
    page.goto(url, wait_until="load")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("load")
    broken = page.evaluate("""[...document.images]
        .filter(i => !i.complete || i.naturalWidth === 0)
        .map(i => (i.getAttribute('src') || '').slice(0, 80))""")
    problems += [f"image did not load: {src}" for src in broken]
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return page, problems


def pages_of(report: Path) -> list[Path]:
    return sorted(report.glob("*.html"))


#: The smallest text a reader can be asked to read, in CSS pixels as displayed (issue 11).
MIN_TEXT_PX = 10.0
#: A path of the machine that built the report, or a local address: never on a reader's page.
LEAKS = re.compile(r"(?<![\w.])(/(?:home|work|tmp|root|Users|var|private)/[\w.-]+|[A-Z]:\\\w|127\.0\.0\.1|localhost:\d)")


def link_problems(page, html: Path) -> list[str]:
    """Every link of an open page that leads nowhere: a missing file, an anchor with no element, the network."""
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), a.href])")
    ids = set(page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
    problems = []
    for raw, absolute in links:
        if raw.startswith("#"):
            if raw[1:] and raw[1:] not in ids:
                problems.append(f"{html.name}: link {raw} points at no element of the page")
            continue
        parsed = urlparse(absolute)
        if parsed.scheme in ("http", "https", "mailto"):
            continue  # a citation of the source: the test is offline, it cannot follow it
        if parsed.scheme != "file":
            problems.append(f"{html.name}: link {raw[:80]} leaves the report folder ({parsed.scheme})")
        elif not Path(unquote(parsed.path)).exists():
            problems.append(f"{html.name}: link {raw[:80]} leads nowhere")
        elif parsed.fragment and Path(unquote(parsed.path)) == html and parsed.fragment not in ids:
            problems.append(f"{html.name}: link {raw[:80]} points at no element of the page")
    return problems


def figure_text_problems(page, html: Path, report: Path) -> tuple[list[str], list[dict]]:
    """Figures whose smallest text is under :data:`MIN_TEXT_PX` as displayed, and the measurements.

    The publisher records each figure's smallest font (points), its PNG's dpi and pixel width in the
    notebook's results.json; the page shows the image at some CSS width. Text displayed = points / 72 x dpi
    x displayed width / natural width.
    """
    results = report / html.stem / "results.json"
    if not results.exists():
        return [], []
    figures = {f["title"]: f for f in json.loads(results.read_text()).get("figures", [])}
    shown = page.evaluate("""[...document.images].map(i => ({alt: i.getAttribute('alt'), natural: i.naturalWidth,
                              displayed: i.getBoundingClientRect().width}))""")
    problems, measured = [], []
    for img in shown:
        f = figures.get(img["alt"])
        if f is None or not f.get("min_font_pt") or not img["natural"]:
            continue
        px = f["min_font_pt"] / 72 * f["dpi"] * img["displayed"] / img["natural"]
        measured.append({"page": html.name, "figure": f["name"], "min_text_px": round(px, 1),
                         "scale": round(img["displayed"] / img["natural"] * f["dpi"] / 100, 2)})
        if px < MIN_TEXT_PX - 1e-6:
            problems.append(f"{html.name}: figure {f['name']!r} shows text at {px:.1f} px (its smallest font "
                            f"{f['min_font_pt']:g} pt, displayed {img['displayed']:.0f} of {img['natural']} px at "
                            f"{f['dpi']} dpi); at least {MIN_TEXT_PX:g} px")
    return problems, measured


def leak_problems(page, html: Path) -> list[str]:
    """Absolute paths of the building machine or a local address in what the page shows or links to."""
    text = page.inner_text("body")
    hrefs = " ".join(page.evaluate("[...document.querySelectorAll('a[href], img[src]')].map(a => "
                                   "a.getAttribute('href') || (a.getAttribute('src') || '').slice(0, 200))"))
    return [f"{html.name}: shows {m.group(0)!r} (a path of the machine or a local address)"
            for m in LEAKS.finditer(text + " " + hrefs)][:5]


def keep_screenshots(report: Path) -> None:
    """Copy the screenshots to the project's reports/screenshots/ (git-ignored), where a reviewer looks."""
    from analysis import paths

    target = paths.ROOT / "reports" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    for shot in (report / "screenshots").glob("*.png"):
        shutil.copy2(shot, target / shot.name)


def test_index_renders_offline_and_every_link_leads_somewhere(browser, report):
    index = report / "index.html"
    page, problems = visit(browser, index.as_uri(), report / "screenshots" / "index.png")
    try:
        problems += leak_problems(page, index)
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), a.href])")
        ids = set(page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
        images = page.evaluate("[...document.images].map(i => i.naturalWidth)")
    finally:
        page.close()
    for raw, absolute in links:
        if raw.startswith("#"):
            if raw[1:] not in ids:
                problems.append(f"link {raw} points at no element of the index")
            continue
        parsed = urlparse(absolute)
        if parsed.scheme != "file":
            problems.append(f"link {raw} leaves the report folder ({parsed.scheme})")
        elif not Path(unquote(parsed.path)).exists():
            problems.append(f"link {raw} leads nowhere")
    assert not problems, "\n".join(problems)
    notebooks = [p.stem for p in pages_of(report) if p.name != "index.html"]
    assert notebooks, "the report has no notebook pages"
    assert all(f'href="{n}.html"' in index.read_text() for n in notebooks)
    assert len(images) >= len(notebooks) and min(images) > 0  # at least one figure per notebook, all loaded


def test_every_page_renders_offline(browser, report):
    problems: list[str] = []
    pages = [p for p in pages_of(report) if p.name != "index.html"]
    for html in pages:
        page, found = visit(browser, html.as_uri(), report / "screenshots" / f"{html.stem}.png")
        try:
            found += link_problems(page, html) + leak_problems(page, html)
            text = page.inner_text("body")  # what a reader sees: nothing hidden by the stylesheet
            images = page.evaluate("[...document.images].map(i => i.naturalWidth)")
            title = page.title()
            answer_first = page.evaluate("""(() => {
                const answer = document.querySelector('.pp-answer'), img = document.querySelector('img');
                return !!answer && (!img || !!(answer.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING));
            })()""")
        finally:
            page.close()
        if title not in text:
            problems.append(f"{html.name}: its title {title!r} is not visible on the page")
        if not answer_first:
            problems.append(f"{html.name}: no answer block before the first figure")
        problems += [f"{html.name}: {p}" for p in found]
        if "Data as of" not in text and "as-of date unknown" not in text:
            problems.append(f"{html.name}: no as-of line (call show_data_as_of(pub, stale_after_days))")
        if not images:
            problems.append(f"{html.name}: no figure")
        if "Traceback" in text:
            problems.append(f"{html.name}: shows a traceback")
    assert not problems, "\n".join(problems)
    shots = sorted(p.name for p in (report / "screenshots").glob("*.png"))
    assert set(shots) >= {f"{p.stem}.png" for p in pages}
    assert all((report / "screenshots" / s).stat().st_size > 10_000 for s in shots)
    keep_screenshots(report)


def test_figure_text_is_readable_at_page_width(browser, report):
    """Issue 11: the routing grid and the bill chart were shown at 0.51-0.57x, cell text about 6 px. At a
    1,280 px window, no figure text is under 10 px as displayed, and every figure was measured."""
    problems, measured = [], []
    for html in [p for p in pages_of(report) if p.name != "index.html"]:
        page, _ = visit(browser, html.as_uri(), report / "screenshots" / f"{html.stem}.png")
        try:
            found, sizes = figure_text_problems(page, html, report)
        finally:
            page.close()
        problems += found
        measured += sizes
    assert measured, "no figure was measured: results.json has no min_font_pt, or no image has its title as alt"
    figures = sum(len(json.loads(r.read_text()).get("figures", [])) for r in report.glob("*/results.json"))
    assert len(measured) >= figures, f"measured {len(measured)} of {figures} figures"
    assert not problems, "\n".join(problems)

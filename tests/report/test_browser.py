"""The report in a real browser: headless Chromium opens index.html and every page from disk, offline.

Fails on any console error, any failed request (every request that is not a local file is
refused, so a page that needs the network fails), any image that did not load, and any link
of the index that leads nowhere. Saves a full-page screenshot of each page in the report's
``screenshots/`` folder. Needs Debian's ``chromium`` (``sudo apt-get install chromium``);
skipped, saying so, without it.
"""

from __future__ import annotations

import os
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
def report(browser, tmp_path_factory) -> Path:
    """The report, built once for the session with every notebook and the default parameters."""
    from analysis.report.build import build_report

    result = build_report(reports_dir=tmp_path_factory.mktemp("browser") / "reports", progress=False)
    assert result.ok, "the report did not build: " + "; ".join(r.summary() for r in result.failed)
    return result.published


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


def test_index_renders_offline_and_every_link_leads_somewhere(browser, report):
    index = report / "index.html"
    page, problems = visit(browser, index.as_uri(), report / "screenshots" / "index.png")
    try:
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

"""analysis.formatting: one function per kind of value (unknown is n/a), and the one escaping of outside text."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import formatting
from analysis.formatting import (
    escape_html,
    escape_markdown,
    escape_mathtext,
    format_count,
    format_days,
    format_multiple,
    format_number,
    format_pct,
    format_price,
    format_saving,
    format_text,
    format_tokens,
    format_usd,
    format_usd_tick,
    format_value,
)

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(3)>", "[x](javascript:alert(2))",
           "<javascript:alert(4)>", "$1 and $2", "a_b*c*`d`", "line\n# heading", "&lt;b&gt;", "x\\[y](javascript:z)"]

NUMBER_FORMATTERS = [format_usd, format_price, format_usd_tick, format_tokens, format_count, format_number,
                     format_pct, format_saving, format_multiple, format_days, lambda v: format_value(v, "stars")]


@pytest.mark.parametrize("fmt", NUMBER_FORMATTERS)
@pytest.mark.parametrize("unknown", [None, float("nan"), np.nan, float("inf"), -float("inf"), pd.NA])
def test_unknown_is_na_never_zero(fmt, unknown):
    assert fmt(unknown) == "n/a"


def test_money():
    assert format_usd(2500.0) == "$2,500"
    assert format_usd(0.25) == "$0.25"
    assert format_usd(0.28 * 10_000) == "$2,800"  # float noise in the cents does not show
    assert format_usd(99.5) == "$99.50"
    assert format_usd(-1234.5) == "$-1,234.50"
    assert format_usd(7587.5, 2) == "$7,587.50"
    assert format_usd(0.0) == "$0.00"  # a known zero stays a zero
    assert format_price(0.2275) == "$0.228" and format_price(10) == "$10.00"
    assert [format_usd_tick(x) for x in (0.25, 1.5, 10, 2500, 0.0123)] == ["$0.25", "$1.5", "$10", "$2,500",
                                                                           "$0.0123"]


def test_tokens_counts_numbers():
    assert format_tokens(205_128_205) == "205.1 million"
    assert format_tokens(1.314e9) == "1.31 billion"
    assert format_tokens(3e12) == "3 trillion"
    assert format_tokens(999) == "999"
    assert format_count(np.int64(20000)) == "20,000"
    assert format_number(0.12345, " s") == "0.123 s" and format_number(1234.5, digits=2) == "1.2e+03"


def test_percentages_multiples_durations():
    assert format_pct(92.34) == "92.3%" and format_pct(0.0) == "0.0%"
    assert format_saving(92.3) == "saves 92%" and format_saving(-6.1) == "costs 6% more"
    assert format_saving(0.49) == "same cost"
    assert format_multiple(40.0) == "40×" and format_multiple(2.142857) == "2.1×"
    assert format_days(1) == "1 day" and format_days(2) == "2 days"


def test_published_values_and_text():
    assert format_value(0.28, "usd_per_mtok") == "$0.28/M"
    assert format_value(3, "stars") == "★★★"
    assert format_value(128, "ktok") == "128K"
    assert format_value(False, "yes_no") == "no"
    assert format_text(None) == "n/a" and format_text(float("nan"), na="") == "" and format_text("x") == "x"


@given(st.text())
def test_escape_html_shows_any_text_and_runs_none(text):
    out = escape_html(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == text


@given(st.text())
def test_escape_markdown_leaves_no_markup(text):
    out = escape_markdown(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    # every markup character is escaped: an odd run of backslashes precedes it
    for m in re.finditer(r"[`*_\[\]$|~]", out):
        run = len(out[:m.start()]) - len(out[:m.start()].rstrip("\\"))
        assert run % 2 == 1, (text, out)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_renders_as_the_text_itself(text):
    """Rendered the way the report renders Markdown outputs (nbconvert's mistune), the text reads as typed."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(escape_markdown(text))
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered and "<h1" not in rendered
    shown = html.unescape(re.sub(r"</?p>", "", rendered)).strip()
    assert shown == " ".join(part.strip() for part in text.splitlines())


def test_escape_markdown_keeps_two_amounts_out_of_latex():
    assert escape_markdown("$2,500 on A and $150,000 on B") == r"\$2,500 on A and \$150,000 on B"


def test_escape_mathtext():
    assert escape_mathtext("$1 + $2") == r"\$1 + \$2" and escape_mathtext(None) == ""


def test_formatting_is_a_leaf():
    """formatting imports nothing from analysis (tests/test_layout.py checks layers; this says why it matters)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(formatting))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("analysis") for m in modules)


def test_no_second_copy_of_a_formatter_in_pages_or_figures():
    """The helpers moved here are gone from the modules they came from."""
    from analysis import paths

    pattern = re.compile(r"^def (_usd2|_pct|_text|fmt|_count|_saving_text|usd_formatter|_no_math|_format_value)\(",
                         re.M)
    where = [p.relative_to(paths.ROOT) for p in (paths.PACKAGE / "pages").glob("*.py")]
    where += [p.relative_to(paths.ROOT) for p in (paths.PACKAGE / "figures").glob("*.py")]
    where += [paths.PACKAGE.relative_to(paths.ROOT) / "value" / "landscape.py"]
    found = {str(p): pattern.findall((paths.ROOT / p).read_text()) for p in where}
    assert {p: f for p, f in found.items() if f} == {}


@given(st.floats(min_value=1e-9, max_value=1e9, allow_nan=False))
def test_a_non_zero_amount_never_reads_zero(x):
    """Money, prices and multiples: a non-zero amount keeps a non-zero digit, with or without decimals asked for."""
    for text in (format_usd(x), format_usd(x, 2), format_usd(x, 0), format_price(x), format_multiple(x)):
        assert re.search(r"[1-9]", text), text


def test_small_costs_and_large_multiples_read_as_people_expect():
    from analysis.formatting import format_points, format_range, plural, usd_column

    assert format_usd(0.0042) == "$0.0042" and format_usd(0.014) == "$0.014"  # the 3-row log: never "$0.00"
    assert format_multiple(42857.142857) == "42,857×"
    assert format_points(2.683333) == "2.68 points" and format_points(1) == "1 point"
    assert format_range(25.0, 25.0, format_multiple) == "25×"
    assert format_range(3.5, 3.5, format_points) == "3.5 points"
    assert format_range(3.1, 5.0, format_multiple) == "3.1× to 5×"
    assert plural(1, "row") == "1 row" and plural(1, "pair") == "1 pair" and plural(3, "pair") == "3 pairs"
    column = usd_column([153.0, 42.0])  # one precision per column: never "$153" beside "$42.00"
    assert [column(153.0), column(42.0)] == ["$153.00", "$42.00"]

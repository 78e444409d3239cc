"""analysis.pages.tables.styled_table: the one renderer of every table a page shows."""

from __future__ import annotations

import html
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.formatting import format_usd
from analysis.pages.tables import styled_table


def cells(styler) -> list[str]:
    """The text of every body cell, as a browser shows it."""
    return [html.unescape(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", styler.to_html(), flags=re.S)]


def headings(styler) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<th\b[^>]*>(.*?)</th>", styler.to_html(), flags=re.S)]


FRAME = pd.DataFrame({"model": ["GPT-4o", "<b>x</b>"], "usd": [10.0, float("nan")], "n": [1200, 3],
                      "note": [None, "fine"], "ok": [True, False], "hidden": ["a", "b"]})


def test_columns_chosen_renamed_and_in_order():
    s = styled_table(FRAME, {"usd": "price, $/M tokens", "model": "model"}, {"usd": format_usd})
    assert headings(s) == ["price, $/M tokens", "model"]
    assert cells(s) == ["$10.00", "GPT-4o", "n/a", "<b>x</b>"]


def test_unknown_reads_na_or_the_columns_own_word_never_zero():
    s = styled_table(FRAME, {"usd": "price", "note": "note"}, {"usd": "${:.2f}"}, na={"note": ""})
    assert cells(s) == ["$10.00", "", "n/a", "fine"]
    assert cells(styled_table(FRAME, {"usd": "break-even"}, na_rep="never")) == ["10.000000", "never"]


def test_formats_strings_and_functions():
    s = styled_table(FRAME, {"n": "requests", "ok": "served"}, {"n": "{:,}", "ok": lambda v: "yes" if v else "no"})
    assert cells(s) == ["1,200", "yes", "3", "no"]


def test_text_left_numbers_right_no_index():
    out = styled_table(FRAME, {"model": "model", "n": "n"}).to_html()
    assert re.search(r"td\.col0 \{\s*text-align: left;", out) and not re.search(r"td\.col1 \{\s*text-align", out)
    assert "row_heading" not in out and "blank" not in out


def test_every_cell_heading_and_caption_is_escaped():
    hostile = "<script>alert(1)</script>"
    frame = pd.DataFrame({hostile: [hostile], "f": [hostile], "s": [hostile], "num": [1.0]})
    out = styled_table(frame, {hostile: hostile, "f": "<i>f</i>", "s": "s", "num": "n"},
                       {"f": lambda v: f"<u>{v}</u>", "s": "[{}]", "num": lambda v: "<b>1</b>"},
                       caption="<em>c</em>").to_html()
    assert "<script" not in out and "<u>" not in out and "<i>" not in out and "<b>" not in out
    assert "<em>" not in out
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # heading and three cells
    assert "<caption>&lt;em&gt;c&lt;/em&gt;</caption>" in out


@given(st.text(min_size=1))
def test_no_text_can_open_a_tag(text):
    frame = pd.DataFrame({"name": [text], "note": [text]})
    out = styled_table(frame, {"name": text, "note": "note"}, {"note": lambda v: v + "!"}).to_html()
    body = re.sub(r"<style[^>]*>.*?</style>|</?(table|caption|thead|tbody|tr|th|td)\b[^>]*>", "", out, flags=re.S)
    assert "<" not in body and ">" not in body
    assert cells(styled_table(frame, {"name": "name"})) == [text]


def test_an_empty_frame_still_shows_its_headings():
    s = styled_table(FRAME.iloc[:0], {"model": "model", "usd": "price"})
    assert headings(s) == ["model", "price"] and cells(s) == []

"""How pricepoint writes values and outside text for people: one function per kind of value, one escaping.

Money (:func:`format_usd`, :func:`format_price`, :func:`format_usd_tick`; one precision per table column
with :func:`usd_column`), token volumes (:func:`format_tokens`), percentages (:func:`format_pct`,
:func:`format_saving`), multiples (:func:`format_multiple`), score gaps (:func:`format_points`), ranges
(:func:`format_range`, an end once when both read the same), counts of things (:func:`plural`), durations (:func:`format_days`), counts (:func:`format_count`), other
measured figures (:func:`format_number`), published values by unit (:func:`format_value`) and text
(:func:`format_text`). Unknown (``None``, ``NaN``, infinite) reads ``n/a``, never ``$0`` or ``nan``.

Every string that comes from outside (model and provider names, file names, gateway errors,
replies) goes through :func:`escape_html` before it is put into HTML, :func:`escape_markdown`
before it is put into Markdown and :func:`escape_mathtext` before matplotlib draws it; secrets
go through :func:`redact`. This module imports nothing from ``analysis``.
"""

from __future__ import annotations

import html
import math
import re

NA = "n/a"


def _unknown(x) -> bool:
    """Whether ``x`` is an unknown number: ``None``, ``NaN``, ``pd.NA`` or infinite.

    >>> [_unknown(v) for v in (None, float("nan"), float("inf"), 0, 2.5)]
    [True, True, True, False, False]
    """
    if x is None:
        return True
    try:
        return not math.isfinite(x)
    except TypeError:  # pd.NA and other missing markers refuse comparison
        return True


# --------------------------------------------------------------------------- secrets and escaping


def redact_url(url: object) -> str:
    """A URL as output may show it: scheme, user, host, port and path, never a password, a query (a presigned
    URL's signature, a token) or a fragment; a URL without any of those is shown as given.

    >>> redact_url("postgresql://litellm:s3cret@db.internal:5432/litellm?sslmode=require")
    'postgresql://litellm@db.internal:5432/litellm'
    >>> redact_url("https://lake.s3.amazonaws.com/usage.parquet?X-Amz-Signature=abc"), redact_url("k8s://https://h:443")
    ('https://lake.s3.amazonaws.com/usage.parquet', 'k8s://https://h:443')
    """
    from urllib.parse import urlsplit

    text = str(url)
    u = urlsplit(text)
    if not (u.password or u.query or u.fragment):
        return text
    user = f"{u.username}@" if u.username else ""
    port = f":{u.port}" if u.port else ""
    return f"{u.scheme}://{user}{u.hostname or ''}{port}{u.path}"


def redact(text: object, secrets: list[str | None] | tuple = ()) -> str:
    """``text`` with every secret (and any ``sk-...`` looking token) replaced by ``***``.

    >>> redact("bad key sk-abc123def456ghi789 for user", [])
    'bad key *** for user'
    >>> redact("key=s3cr3t-VALUE!", ["s3cr3t-VALUE"])
    'key=***!'

    ``None`` is empty text; secrets shorter than 4 characters are ignored (they would mangle text).
    """
    out = "" if text is None else str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "***")
    return re.sub(r"\bsk-[A-Za-z0-9_\-]{8,}", "***", out)


def escape_html(text: object) -> str:
    """Outside text made safe for HTML, in a cell, a heading or an attribute: shown, never run.

    >>> escape_html('<script>alert(1)</script>')
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_html('<img src=x onerror="alert(3)">'), escape_html(None), escape_html(0.25)
    ('&lt;img src=x onerror=&quot;alert(3)&quot;&gt;', '', '0.25')
    """
    return "" if text is None else html.escape(str(text), quote=True)


#: Characters that Markdown (CommonMark, as JupyterLab's marked and nbconvert's mistune read it)
#: would take as markup: emphasis, links, code, headings, lists, tables, math.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def escape_markdown(text: object) -> str:
    r"""Outside text made safe for Markdown: shown as typed, never as a link, a tag, emphasis or LaTeX.

    Emphasis, code, link, table, strike-through and math characters get a backslash (so ``$2 and
    $3`` is never read as LaTeX in JupyterLab, and ``[x](javascript:...)`` is never a link);
    ``<``, ``>`` and ``&`` become HTML entities, so no tag, autolink or entity passes through; a
    line break becomes a space, so outside text cannot start a heading, a list or a code block.

    >>> escape_markdown("$0.25 and $10.00")
    '\\$0.25 and \\$10.00'
    >>> escape_markdown("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_markdown("[x](javascript:alert(2))")
    '\\[x\\](javascript:alert(2))'
    >>> escape_markdown("GPT-4o_mini *new*\n# h"), escape_markdown(None)
    ('GPT-4o\\_mini \\*new\\* # h', '')
    """
    if text is None:
        return ""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = re.sub(r"\s*[\r\n]+\s*", " ", out)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", out)


def escape_mathtext(text: object) -> str:
    r"""Text for a matplotlib label: dollar signs shown as such (two of them would start math mode).

    >>> escape_mathtext("$1 + $2")
    '\\$1 + \\$2'
    """
    return ("" if text is None else str(text)).replace("$", r"\$")


# --------------------------------------------------------------------------- money


def _significant_decimals(x: float, digits: int = 2) -> int:
    """Decimals that show ``digits`` significant digits of a non-zero ``x``: 0.0042 needs 4 for two.

    >>> _significant_decimals(0.0042), _significant_decimals(0.014), _significant_decimals(0.25), _significant_decimals(42.0)
    (4, 3, 2, 0)
    """
    return max(0, digits - 1 - math.floor(math.log10(abs(x))))


def usd_decimals(x: float) -> int:
    """How many decimals :func:`format_usd` gives ``x`` when not told: the one rule for money on every page.

    Whole dollars from $100 up when the cents are zero; cents from $1; below $1, two significant
    digits and at least cents (``$0.25``, ``$0.014``, ``$0.0042``), so a non-zero amount never reads
    ``$0.00``. A known zero is ``$0.00``.

    >>> [usd_decimals(x) for x in (150000.0, 153.17, 42.0, 0.25, 0.014, 0.0042, 0.0, 0.28 * 10_000)]
    [0, 2, 2, 2, 3, 4, 2, 0]
    """
    if _unknown(x):
        return 2
    if abs(x) >= 100 and float(round(x, 2)).is_integer():  # 0.28 x 10,000 = 2800.0000000000005 is whole
        return 0
    if abs(x) >= 1 or x == 0:
        return 2
    return max(2, _significant_decimals(x))


def format_usd(x: float, decimals: int | None = None) -> str:
    """Dollars for people: ``$2,500``, ``$0.25``, ``$0.0042``; unknown is ``n/a``, never ``$0``.

    >>> format_usd(150000.0), format_usd(0.25), format_usd(float("nan")), format_usd(None)
    ('$150,000', '$0.25', 'n/a', 'n/a')
    >>> format_usd(4.375, 3), format_usd(0.28 * 10_000), format_usd(2000, 2)
    ('$4.375', '$2,800', '$2,000.00')

    Without ``decimals``: :func:`usd_decimals`. With them, a non-zero amount that would round to
    zero gets two significant digits instead: never ``$0.00`` for a cost that is not zero.

    >>> format_usd(0.0042), format_usd(0.014), format_usd(0.0042, 2), format_usd(0.0)
    ('$0.0042', '$0.014', '$0.0042', '$0.00')
    """
    if _unknown(x):
        return NA
    if decimals is None:
        decimals = usd_decimals(x)
    elif x != 0 and round(x, decimals) == 0:
        decimals = _significant_decimals(x)
    return f"${x:,.{decimals}f}"


def column_decimals(values, decide=None, cap: int = 4) -> int:
    """One precision for a table column: the most decimals any of its known ``values`` needs (by ``decide``,
    default :func:`usd_decimals`), at most ``cap``. ``$153`` never sits beside ``$42.00``.

    >>> column_decimals([153.0, 42.0]), column_decimals([150000.0, 2500.0]), column_decimals([0.25, 0.0042, 10.0])
    (2, 0, 4)
    >>> column_decimals([float("nan")]), column_decimals([])
    (2, 2)
    """
    decide = decide or usd_decimals
    known = [decide(v) for v in values if not _unknown(v)]
    return min(max(known), cap) if known else 2


def usd_column(values, decide=None, cap: int = 4):
    """A cell formatter for a money column: :func:`format_usd` at the column's one precision (:func:`column_decimals`).

    >>> f = usd_column([153.0, 42.0, float("nan")])
    >>> f(153.0), f(42.0), f(float("nan"))
    ('$153.00', '$42.00', 'n/a')
    >>> f = usd_column([0.25, 10.0, 4.375], price_decimals)
    >>> f(0.25), f(10.0), f(4.375)
    ('$0.250', '$10.000', '$4.375')
    """
    decimals = column_decimals(list(values), decide, cap)
    return lambda v: format_usd(v, decimals)


def price_column(values):
    """A cell formatter for a column of prices per million tokens: one precision, cents or a third decimal (a
    price below a cent keeps two significant digits of its own rather than giving every row four decimals).

    >>> f = price_column([0.25, 10.0, 0.0375, 0.0042])
    >>> f(0.25), f(10.0), f(0.0375), f(0.0042), f(0.00042)
    ('$0.250', '$10.000', '$0.037', '$0.004', '$0.00042')
    >>> f = price_column([0.25, 10.0])
    >>> f(0.25), f(10.0)
    ('$0.25', '$10.00')
    """
    return usd_column(values, price_decimals, cap=3)


def price_decimals(x: float) -> int:
    """Decimals of a price per million tokens: cents, a third decimal when it matters, and below a cent two
    significant digits (never ``$0.00`` for a price that is not zero).

    >>> [price_decimals(x) for x in (0.25, 10.0, 4.375, 0.2275, 0.0042)]
    [2, 2, 3, 3, 4]
    """
    if _unknown(x):
        return 2
    if x != 0 and abs(x) < 0.01:
        return _significant_decimals(x)
    return 2 if round(x, 2) == x else 3


def format_price(x: float) -> str:
    """A price per million tokens: cents, or a third decimal when it matters; unknown is ``n/a``.

    >>> [format_price(x) for x in (0.25, 10.0, 4.375, 0.2275, 0.00042, float("nan"))]
    ['$0.25', '$10.00', '$4.375', '$0.228', '$0.00042', 'n/a']

    In a table, :func:`price_column` gives the whole column one precision.
    """
    if _unknown(x):
        return NA
    return format_usd(x, price_decimals(x))


def format_usd_tick(x: float, _pos=None) -> str:
    """Dollars on a figure's axis or beside a bar: ``$0.25``, ``$10``, ``$2,500``; unknown is ``n/a``.

    It takes matplotlib's ``(value, position)`` so that it can be a tick formatter.

    >>> format_usd_tick(0.25), format_usd_tick(10), format_usd_tick(2500), format_usd_tick(1.5)
    ('$0.25', '$10', '$2,500', '$1.5')
    >>> format_usd_tick(0.0123), format_usd_tick(float("nan"))
    ('$0.0123', 'n/a')
    """
    if _unknown(x):
        return NA
    if x >= 100 or float(x).is_integer():
        return f"${x:,.0f}"
    if x >= 1:
        return f"${x:,.2f}".rstrip("0").rstrip(".")
    return f"${x:.2f}" if round(x, 2) == x else f"${x:.3g}"


# --------------------------------------------------------------------------- tokens, counts, numbers


def format_tokens(v: float) -> str:
    """A token volume for people: ``205.1 million``, ``1.3 billion``; unknown is ``n/a``.

    >>> format_tokens(2.051e8), format_tokens(1.314e9), format_tokens(5e4), format_tokens(2e12)
    ('205.1 million', '1.31 billion', '50,000', '2 trillion')
    >>> format_tokens(float("nan")), format_tokens(None)
    ('n/a', 'n/a')
    """
    if _unknown(v):
        return NA
    if v >= 1e12:
        return f"{v / 1e12:.3g} trillion"
    if v >= 1e9:
        return f"{v / 1e9:.3g} billion"
    if v >= 1e6:
        return f"{v / 1e6:.1f} million"
    return f"{v:,.0f}"


def format_count(v) -> str:
    """A whole count with thousands separators; unknown is ``n/a``, never ``0``.

    >>> format_count(15), format_count(20000.0), format_count(None), format_count(float("nan"))
    ('15', '20,000', 'n/a', 'n/a')
    """
    if _unknown(v):
        return NA
    return f"{int(v):,}"


def format_number(value, unit: str = "", digits: int = 3) -> str:
    """A measured figure (seconds, tokens per second) to ``digits`` significant digits, with its unit.

    >>> format_number(0.12345, " s"), format_number(48.04), format_number(60, " tok/s")
    ('0.123 s', '48', '60 tok/s')
    >>> format_number(None), format_number(float("nan"), " s")
    ('n/a', 'n/a')
    """
    if _unknown(value):
        return NA
    return f"{value:.{digits}g}{unit}"


# --------------------------------------------------------------------------- percentages and multiples


def format_pct(v: float, decimals: int = 1) -> str:
    """A percentage given in percent (``92.3`` is 92.3 %): ``92.3%``; unknown is ``n/a``.

    >>> format_pct(92.34), format_pct(-6.1), format_pct(5, 0), format_pct(float("nan"))
    ('92.3%', '-6.1%', '5%', 'n/a')
    """
    if _unknown(v):
        return NA
    return f"{v:.{decimals}f}%"


def format_saving(pct: float) -> str:
    """A saving in percent as words: ``saves 92%`` or ``costs 6% more``; unknown is ``n/a``.

    >>> format_saving(92.3), format_saving(-6.1), format_saving(0.0), format_saving(0.4)
    ('saves 92%', 'costs 6% more', 'same cost', 'same cost')
    >>> format_saving(float("nan"))
    'n/a'
    """
    if _unknown(pct):
        return NA
    if round(pct) == 0:
        return "same cost"
    return f"saves {pct:.0f}%" if pct > 0 else f"costs {-pct:.0f}% more"


def format_multiple(x: float) -> str:
    """A multiple the way the article prints it: one decimal, trailing ``.0`` dropped; unknown is ``n/a``.

    >>> [format_multiple(x) for x in (40.0, 1.12, 7.68, 2.4, 1.0, 2.142857)]
    ['40×', '1.1×', '7.7×', '2.4×', '1×', '2.1×']
    >>> format_multiple(float("nan")), format_multiple(None)
    ('n/a', 'n/a')

    From 100 up, whole with thousands separators; below 0.1, two significant digits (a small
    multiple is never ``0×``):

    >>> format_multiple(42857.142857), format_multiple(150.04), format_multiple(0.042)
    ('42,857×', '150×', '0.042×')
    """
    if _unknown(x):
        return NA
    if abs(x) >= 100:
        return f"{x:,.0f}×"
    if x != 0 and abs(x) < 0.1:
        return f"{x:.{_significant_decimals(x)}f}×"
    r = round(x, 1)
    return f"{r:.0f}×" if r == int(r) else f"{r:.1f}×"


def format_points(x: float) -> str:
    """A score gap in benchmark points: at most two decimals, trailing zeros dropped, ``point`` or ``points``.

    >>> format_points(2.683333), format_points(1.0), format_points(1.5), format_points(-0.25), format_points(None)
    ('2.68 points', '1 point', '1.5 points', '-0.25 points', 'n/a')
    """
    if _unknown(x):
        return NA
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return f"{text} point{'' if text in ('1', '-1') else 's'}"


def format_range(low, high, fmt, sep: str = " to ") -> str:
    """Two ends of a range, each by ``fmt``; once when they read the same (``25×``, not ``25× to 25×``).

    >>> format_range(25.0, 25.04, format_multiple), format_range(3.1, 5.0, format_multiple)
    ('25×', '3.1× to 5×')
    >>> format_range(3.5, 3.5, format_points), format_range(1.7, 3.5, lambda v: f"{v:g}", "-")
    ('3.5 points', '1.7-3.5')
    """
    a, b = fmt(low), fmt(high)
    return a if a == b else f"{a}{sep}{b}"


def format_points_range(low: float, high: float) -> str:
    """A range of score gaps: ``1.2 to 3.5 points``, or ``3.5 points`` once when both ends read the same.

    >>> format_points_range(1.2, 3.5), format_points_range(3.5, 3.5), format_points_range(0.5, 1.0)
    ('1.2 to 3.5 points', '3.5 points', '0.5 to 1 points')
    """
    a, b = format_points(low), format_points(high)
    if a == b:
        return a
    return f"{a.rsplit(' ', 1)[0]} to {b.rsplit(' ', 1)[0]} points"


def plural(n, word: str, many: str | None = None) -> str:
    """A count and its noun, in the singular for one: ``1 row``, ``2 rows``, ``1,500 pairs``; unknown ``n/a``.

    >>> plural(1, "row"), plural(2, "row"), plural(1500, "pair"), plural(0, "entry", "entries"), plural(None, "row")
    ('1 row', '2 rows', '1,500 pairs', '0 entries', 'n/a rows')
    """
    return f"{format_count(n)} {word if (not _unknown(n) and int(n) == 1) else (many or word + 's')}"


# --------------------------------------------------------------------------- durations, published values, text


def format_days(n: int) -> str:
    """A duration in whole days: ``1 day``, ``3 days``; unknown is ``n/a``.

    >>> format_days(1), format_days(0), format_days(330), format_days(None)
    ('1 day', '0 days', '330 days', 'n/a')
    """
    if _unknown(n):
        return NA
    return f"{n} day{'' if n == 1 else 's'}"


def format_value(value, unit: str) -> str:
    """A published value in its unit, as the article prints it (``$0.28/M``, ``★★★★``, ``60 tok/s``).

    ``unit`` is one of ``usd_per_mtok``, ``stars``, ``tok_per_s``, ``ktok``, ``yes_no``; any other
    unit prints the bare number. Unknown is ``n/a``.

    >>> [format_value(v, u) for v, u in ((0.28, "usd_per_mtok"), (4, "stars"), (60, "tok_per_s"),
    ...                                   (128, "ktok"), (1, "yes_no"), (0, "yes_no"), (2.5, "points"))]
    ['$0.28/M', '★★★★', '60 tok/s', '128K', 'yes', 'no', '2.5']
    >>> format_value(float("nan"), "stars")
    'n/a'
    """
    if _unknown(value):
        return NA
    if unit == "usd_per_mtok":
        return f"${value:.2f}/M"
    if unit == "stars":
        return "★" * int(value)
    if unit == "tok_per_s":
        return f"{value:g} tok/s"
    if unit == "ktok":
        return f"{value:g}K"
    if unit == "yes_no":
        return "yes" if value else "no"
    return f"{value:g}"


def format_yes_no(value) -> str:
    """A yes/no fact (Python, numpy or pandas booleans, 0/1): ``yes`` or ``no``; unknown is ``n/a``.

    >>> import numpy as np
    >>> format_yes_no(True), format_yes_no(np.bool_(True)), format_yes_no(np.False_), format_yes_no(None)
    ('yes', 'yes', 'no', 'n/a')
    """
    if value is None or (not isinstance(value, str) and _unknown(value)):
        return NA
    return "yes" if bool(value) else "no"


#: The most names a finding or a figure's note lists; the rest are counted ("and 252 more").
MAX_NAMES = 12


def format_names(names, limit: int = MAX_NAMES, none: str = "none") -> str:
    """Names for a finding or a note: all of them when few, else the first ``limit`` and how many more; ``none``
    when there are none. A whole catalog's models never become a wall of names (results.json lists them all).

    >>> format_names(["a", "b"]), format_names([f"m{i}" for i in range(30)], 3), format_names([])
    ('a, b', 'm0, m1, m2 and 27 more', 'none')
    >>> format_names([f"m{i}" for i in range(1264)], 2)
    'm0, m1 and 1,262 more'
    """
    names = [str(n) for n in names]
    if not names:
        return none
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"


def format_text(value, na: str = NA) -> str:
    """A label or note as text; unknown (``None``, ``NaN``) reads ``na``.

    >>> format_text("GPT-4o"), format_text(None), format_text(float("nan"), na=""), format_text(3)
    ('GPT-4o', 'n/a', '', '3')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return na
    return str(value)

"""How pricepoint writes numbers and outside text for people: money, tokens, multiples, and the one redaction of secrets."""

from __future__ import annotations

import math
import re


def redact(text: object, secrets: list[str | None] | tuple = ()) -> str:
    """``text`` with every secret (and any ``sk-...`` looking token) replaced by ``***``.

    >>> redact("bad key sk-abc123def456ghi789 for user", [])
    'bad key *** for user'
    >>> redact("key=s3cr3t-VALUE!", ["s3cr3t-VALUE"])
    'key=***!'
    """
    out = "" if text is None else str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "***")
    return re.sub(r"\bsk-[A-Za-z0-9_\-]{8,}", "***", out)


def format_multiple(x: float) -> str:
    """A multiple the way the article prints it: one decimal, trailing ``.0`` dropped.

    >>> [format_multiple(x) for x in (40.0, 1.12, 7.68, 2.4, 1.0, 2.142857)]
    ['40×', '1.1×', '7.7×', '2.4×', '1×', '2.1×']
    >>> format_multiple(float("nan"))
    'n/a'
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    r = round(x, 1)
    return f"{r:.0f}×" if r == int(r) else f"{r:.1f}×"


def format_usd(x: float, decimals: int | None = None) -> str:
    """Dollars for people: ``$2,500``, ``$0.25``; unknown is ``n/a``, never ``$0``.

    >>> format_usd(150000.0), format_usd(0.25), format_usd(float("nan"))
    ('$150,000', '$0.25', 'n/a')
    >>> format_usd(4.375, 3), format_usd(0.28 * 10_000)
    ('$4.375', '$2,800')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if decimals is None:  # whole dollars from $100 up, judged on the cents (0.28 x 10,000 = 2800.0000000000005)
        decimals = 0 if abs(x) >= 100 and float(round(x, 2)).is_integer() else 2
    return f"${x:,.{decimals}f}"


def format_price(x: float) -> str:
    """A price per million tokens for a table: cents, or a third decimal when it matters; unknown is ``n/a``.

    >>> [format_price(x) for x in (0.25, 10.0, 4.375, 0.2275, float("nan"))]
    ['$0.25', '$10.00', '$4.375', '$0.228', 'n/a']
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    return format_usd(x, 2 if round(x, 2) == x else 3)


def format_tokens(v: float) -> str:
    """A token volume for people: ``205.1 million``, ``1.3 billion``.

    >>> format_tokens(2.051e8), format_tokens(1.314e9), format_tokens(5e4)
    ('205.1 million', '1.31 billion', '50,000')
    """
    if v >= 1e12:
        return f"{v / 1e12:.3g} trillion"
    if v >= 1e9:
        return f"{v / 1e9:.3g} billion"
    if v >= 1e6:
        return f"{v / 1e6:.1f} million"
    return f"{v:,.0f}"

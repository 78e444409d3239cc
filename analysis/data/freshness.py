"""How old is the data behind a page: the as-of line every notebook shows, and its staleness warning.

Every notebook calls one line right after ``pub.use_tables(...)`` (or ``pub.use_dataset(...)``)::

    show_data_as_of(pub, stale_after_days)

which shows, at the top of the page, the data's as-of date (the oldest ``as_of`` of the
``NAME.meta.yml`` sidecars of the files read) and a warning when that date is more than
``stale_after_days`` days before today, or unknown. It also records the same facts in
``results.json`` under ``data_freshness``, which the report's index shows.

The date is unknown as soon as one file read has none (:func:`undated`): the oldest date of the others
would claim a freshness nobody knows (a LiteLLM catalog imported without ``--as-of`` next to the
article's dated tables). The warning then says which file and how to date it.

>>> info = data_freshness("2026-01-01", stale_after_days=90, today="2026-11-27")
>>> info["age_days"], info["stale"]
(330, True)
>>> print(info["text"])  # doctest: +ELLIPSIS
Data as of 2026-01-01: 330 days old on 2026-11-27, older than 90 days (stale_after_days). Prices...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.data.tables import ParameterError

#: The default of every notebook's ``stale_after_days`` parameter.
DEFAULT_STALE_AFTER_DAYS = 90


def _as_date(value: str | dt.date | dt.datetime | None) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` text, a date or a datetime; ``None`` stays ``None``.

    >>> _as_date("2026-11-27"), _as_date(None)
    (datetime.date(2026, 11, 27), None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _days(n: int) -> str:
    """``1 day``, ``3 days``.

    >>> _days(1), _days(0)
    ('1 day', '0 days')
    """
    return f"{n} day{'' if n == 1 else 's'}"


def how_to_date(meta: Mapping[str, Any] | None, file: str | Path | None) -> str:
    """What to do to give a table with no ``as_of`` a date, as sentences naming its file (never its folder):
    its sidecar's ``meta`` (``{}``: none) and its file.

    An imported catalog is dated by importing it again with ``--as-of`` (LiteLLM's file carries no date);
    any other table by an ``as_of:`` line in its sidecar.

    >>> meta = {"source": {"catalog": "litellm", "file": "/home/me/model_prices.json"}, "as_of": None}
    >>> print(how_to_date(meta, "/tmp/llcat/litellm-prices.csv"))
    litellm-prices.csv (the litellm catalog model_prices.json) carries no date. Import it with pricepoint import-prices --from litellm model_prices.json -o litellm-prices.csv --as-of YYYY-MM-DD --force (the day its prices were current), then pass -p catalog litellm-prices.csv.
    >>> print(how_to_date({"table": "pricing"}, "mine.csv"))
    mine.csv: its sidecar mine.meta.yml has no as_of date. Add an as_of: YYYY-MM-DD line to mine.meta.yml.
    >>> print(how_to_date({}, "mine.csv"))
    mine.csv has no mine.meta.yml sidecar. Write one beside it with an as_of: YYYY-MM-DD line.
    """
    name = Path(file).name if file else "the pricing table"
    side = f"{Path(name).stem}.meta.yml"
    source = (meta or {}).get("source")
    catalog = source.get("catalog") if isinstance(source, Mapping) else None
    if catalog:
        from analysis import paths

        src = Path(str(source.get("file"))).name if source.get("file") else ""
        arg = f" {src or 'FILE'}" if catalog == "litellm" else ""  # the other sources read an installed package
        # a catalog the catalog parameter imported into the cache: its file there is no name of the user's own
        cached = Path(file or "").expanduser().is_relative_to(paths.cache_dir().expanduser())
        out = "my-prices.csv" if cached else name
        who = (f"The {catalog} catalog{' ' + src if src else ''}" if cached
               else f"{name} (the {catalog} catalog{' ' + src if src else ''})")
        return (f"{who} carries no date. Import it with pricepoint import-prices --from {catalog}{arg} -o {out} "
                f"--as-of YYYY-MM-DD --force (the day its prices were current), then pass -p catalog {out}.")
    if meta:
        return f"{name}: its sidecar {side} has no as_of date. Add an as_of: YYYY-MM-DD line to {side}."
    return f"{name} has no {side} sidecar. Write one beside it with an as_of: YYYY-MM-DD line."


def undated(tables: Mapping[str, Any]) -> dict[str, str]:
    """The tables (name -> loaded frame) whose sidecar gives no ``as_of``, each with :func:`how_to_date`.

    >>> from analysis.data.load import load_pricing
    >>> undated({"pricing": load_pricing()})
    {}
    >>> bare = load_pricing(); bare.attrs = {"source_file": "/home/me/mine.csv", "meta": {}}
    >>> undated({"pricing": bare})
    {'pricing': 'mine.csv has no mine.meta.yml sidecar. Write one beside it with an as_of: YYYY-MM-DD line.'}
    """
    out = {}
    for name, frame in tables.items():
        attrs = getattr(frame, "attrs", None) or {}
        meta = attrs.get("meta") or {}
        if not meta.get("as_of"):
            out[name] = how_to_date(meta, attrs.get("source_file"))
    return out


def data_freshness(as_of: str | dt.date | None, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
                   today: str | dt.date | None = None, undated: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The as-of date, its age in days on ``today`` (default: today, UTC), and whether it is stale.

    ``stale`` is true when the data is more than ``stale_after_days`` old, when its as-of
    date is unknown (``None``: no sidecar with ``as_of``), or when it lies in the future.

    >>> data_freshness("2026-11-27", 90, today="2026-11-27")["text"]
    'Data as of 2026-11-27: 0 days old on 2026-11-27 (this page warns after 90 days).'
    >>> data_freshness("2026-08-29", 90, today="2026-11-27")["stale"]   # exactly 90 days: not yet
    False
    >>> data_freshness("2026-08-28", 90, today="2026-11-27")["stale"]   # 91 days
    True
    >>> data_freshness(None, today="2026-11-27")["stale"]
    True

    ``undated`` (table -> how to date it, :func:`undated`) makes the date unknown whatever ``as_of`` says, and
    the text names each undated file with its fix:

    >>> print(data_freshness("2026-11-27", today="2026-11-27", undated={"pricing": "p.csv has no p.meta.yml ..."})["text"])
    Data as-of date unknown: p.csv has no p.meta.yml ... Check how recent the prices are before relying on them.
    """
    if isinstance(stale_after_days, bool) or not isinstance(stale_after_days, (int, float)) \
            or stale_after_days < 0:
        raise ParameterError(f"stale_after_days must be a whole number of days >= 0, got {stale_after_days!r}; "
                         f"pass for example -p stale_after_days 90")
    limit = int(stale_after_days)
    day = _as_date(today) or dt.datetime.now(dt.UTC).date()
    try:
        date = _as_date(as_of)
    except ValueError:
        date = None
    if undated:
        date = None
    info: dict[str, Any] = {"as_of": date.isoformat() if date else None, "checked_on": day.isoformat(),
                            "stale_after_days": limit, "age_days": None, "stale": True}
    if undated:
        info["undated"] = dict(undated)
        info["text"] = ("Data as-of date unknown: " + " ".join(dict.fromkeys(undated.values()))
                        + " Check how recent the prices are before relying on them.")
        return info
    if date is None:
        shown = f" ({as_of!r} is not a YYYY-MM-DD date)" if as_of not in (None, "") else ""
        info["text"] = (f"Data as-of date unknown{shown}: the data files read have no NAME.meta.yml sidecar "
                        f"with an as_of date. Check how recent the prices are before relying on them, or add "
                        f"an as_of: YYYY-MM-DD line to the sidecar.")
        return info
    age = (day - date).days
    info["age_days"] = age
    if age < 0:
        info["text"] = (f"Data as of {date}: {_days(-age)} in the future on {day}. Check the as_of date in the "
                        f"data's NAME.meta.yml sidecar.")
    elif age > limit:
        info["text"] = (f"Data as of {date}: {_days(age)} old on {day}, older than {limit} days "
                        f"(stale_after_days). Prices and models may have changed since: check the providers' "
                        f"price pages, or import a current catalog with pricepoint import-prices.")
    else:
        info["stale"] = False
        info["text"] = f"Data as of {date}: {_days(age)} old on {day} (this page warns after {limit} days)."
    return info

"""One strict date parser for every ``asof`` (CLI, engine, scan, fetch) and the range checks.

Only ISO ``YYYY-MM-DD`` text (or a ``date``/``datetime``/``Timestamp`` at midnight) is a date:
``13/07/2013``, ``07/08/2013``, ``2013``, ``July``, ``""`` and ``NaT`` are errors naming the
parameter, as exchange_calendars' ``parse_date`` does, instead of being read in whichever way
pandas guesses.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from typing import Any

from .errors import TapereaderError

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateError(TapereaderError):
    """A date parameter outside the data (or not a date: :class:`NotADate`)."""


class NotADate(DateError):
    """A date parameter that is not a ``YYYY-MM-DD`` date: a usage error (exit code 2)."""

    exit_code = 2


def parse_date(value: Any, param: str = "asof") -> _dt.date:
    """``value`` as a calendar date; DateError naming ``param`` unless it is one.

    Accepts ``YYYY-MM-DD`` text (surrounding spaces ignored) and date, datetime or pandas
    Timestamp objects without a time of day or time zone.
    """
    shown = f"{param} {value!r}"
    if isinstance(value, str):
        text = value.strip()
        if not _ISO.fullmatch(text):
            raise NotADate(f"{shown} is not a date: use YYYY-MM-DD (e.g. 2013-07-08)")
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            raise NotADate(f"{shown} is not a date: no such day") from None
    if type(value).__name__ == "datetime64":  # numpy's, day or finer unit
        import pandas as pd

        value = pd.Timestamp(value)
    if value is None or value != value:  # NaT (pandas' or numpy's) is no date
        raise NotADate(f"{shown} is not a date: use YYYY-MM-DD (e.g. 2013-07-08)")
    if isinstance(value, _dt.datetime):  # pandas Timestamp is one
        if value.tzinfo is not None or value.time() != _dt.time(0):
            raise NotADate(f"{shown} has a time of day or a time zone: pass a date "
                            f"(YYYY-MM-DD)")
        return value.date()
    if isinstance(value, _dt.date):
        return value
    raise NotADate(f"{shown} is not a date: use YYYY-MM-DD (e.g. 2013-07-08)")


def parse_asof(value: Any, param: str = "asof") -> str | None:
    """:func:`parse_date` as ISO text, None passed through (the latest date in the data)."""
    return None if value is None else parse_date(value, param).isoformat()


def check_asof(asof: str | None, firsts: Iterable[Any], lasts: Iterable[Any],
               param: str = "asof", today: _dt.date | None = None) -> None:
    """The range checks every command shares, DateError when one fails.

    ``firsts``/``lasts``: the first and last bar date of each symbol (date-like). An ``asof``
    in the future, before the first bar of every symbol, or after the last bar of every
    symbol by at least one XNYS session is an error naming the dates the data has.
    """
    if asof is None:
        return
    at = _dt.date.fromisoformat(asof)
    now = today or _dt.date.today()
    if at > now:
        raise DateError(f"{param} {asof} is in the future (today is {now.isoformat()})")
    f = [_as_date(x) for x in firsts]
    lo = [_as_date(x) for x in lasts]
    if f and min(f) > at:
        raise DateError(f"no bars on or before {asof} ({param}): the data starts "
                        f"{min(f).isoformat()}")
    if lo:
        last = max(lo)
        if last < at:
            from . import calendar as xcal

            session = xcal.session_on_or_before(at.isoformat())
            if session is not None and session.date() > last:
                whose = " of every symbol" if len(lo) > 1 else ""
                raise DateError(f"{param} {asof} is after the last bar{whose} (the data ends "
                                f"{last.isoformat()}): use {param} {last.isoformat()} or fetch "
                                f"newer bars")


def _as_date(x: Any) -> _dt.date:
    if isinstance(x, _dt.datetime):
        return x.date()
    if isinstance(x, _dt.date):
        return x
    import pandas as pd

    return pd.Timestamp(x).date()

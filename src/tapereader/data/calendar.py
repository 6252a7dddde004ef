"""XNYS trading sessions (exchange_calendars), cached and vectorised.

The calendar is built once per process from 1885 (``get_calendar``'s default starts only
20 years back, which would reject 1993 SPY data) to one year after today. Dates outside
that range are not sessions as far as this module knows: ``is_session`` says False and
``in_range`` lets callers tell "outside the calendar" apart from "a holiday".
"""

from __future__ import annotations

from functools import lru_cache

import exchange_calendars as xcals
import numpy as np
import pandas as pd

CALENDAR = "XNYS"
START = "1885-01-01"

DateLike = pd.Timestamp | str | np.datetime64


@lru_cache(maxsize=1)
def xnys() -> xcals.ExchangeCalendar:
    """The XNYS calendar from 1885 (cached: building it takes ~0.3 s)."""
    return xcals.get_calendar(CALENDAR, start=START)


@lru_cache(maxsize=1)
def _session_ns() -> np.ndarray:
    """All sessions as sorted int64 nanoseconds (for searchsorted)."""
    return xnys().sessions.asi8.copy()


def first_session() -> pd.Timestamp:
    """Earliest session the calendar knows."""
    return xnys().first_session


def last_session() -> pd.Timestamp:
    """Latest session the calendar knows (about a year after today)."""
    return xnys().last_session


def _as_ns(dates) -> np.ndarray:
    if isinstance(dates, np.ndarray) and dates.dtype == "datetime64[ns]":
        return dates.view("int64")
    idx = pd.DatetimeIndex(dates)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx.as_unit("ns").asi8


def sessions(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """XNYS sessions from ``start`` to ``end`` inclusive (empty if none)."""
    ns = _session_ns()
    lo, hi = _as_ns([pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()])
    i, j = np.searchsorted(ns, lo, "left"), np.searchsorted(ns, hi, "right")
    return pd.DatetimeIndex(ns[i:j].view("datetime64[ns]"), name="date")


def is_session(dates) -> np.ndarray:
    """Boolean array: which ``dates`` (midnight timestamps) are XNYS sessions."""
    ns = _session_ns()
    d = _as_ns(dates)
    pos = np.searchsorted(ns, d)
    found = pos < len(ns)
    found[found] = ns[pos[found]] == d[found]
    return found


def in_range(dates) -> np.ndarray:
    """Boolean array: which ``dates`` fall inside the calendar's first..last session."""
    ns = _session_ns()
    d = _as_ns(dates)
    return (d >= ns[0]) & (d <= ns[-1])


def session_ordinals(dates) -> np.ndarray:
    """Position of each date among all sessions (``searchsorted`` left).

    For two sessions ``a < b`` the number of sessions strictly between them is
    ``ord(b) - ord(a) - 1``; used for gap detection without Python loops.
    """
    return np.searchsorted(_session_ns(), _as_ns(dates), "left")


def next_session_after(date: DateLike) -> pd.Timestamp | None:
    """The first session strictly after ``date`` (None beyond the calendar's end)."""
    ns = _session_ns()
    i = np.searchsorted(ns, _as_ns([pd.Timestamp(date).normalize()])[0], "right")
    return pd.Timestamp(ns[i]) if i < len(ns) else None

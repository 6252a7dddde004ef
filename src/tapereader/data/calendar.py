"""XNYS trading sessions (exchange_calendars), cached and vectorised.

The calendar is built once per process from 1885 (``get_calendar``'s default starts only
20 years back, which would reject 1993 SPY data) to one year after today. Dates outside
that range are not sessions as far as this module knows: ``is_session`` says False and
``in_range`` lets callers tell "outside the calendar" apart from "a holiday".

The session table that the vectorised helpers use is also kept on disk (``.npy`` in the
user cache directory, keyed by the exchange_calendars version and the day it was built),
so that each process (each scan worker, each CLI call) does not import exchange_calendars
and build the calendar (timings: docs/status.md). A stale, unreadable or unwritable cache
is simply rebuilt from exchange_calendars.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import exchange_calendars as xcals

CALENDAR = "XNYS"
START = "1885-01-01"

DateLike = pd.Timestamp | str | np.datetime64


CACHE_ENV = "TAPEREADER_CACHE"
CACHE_DAYS = 30  # rebuild the disk cache this often (the calendar reaches a year ahead)


@lru_cache(maxsize=1)
def xnys() -> xcals.ExchangeCalendar:
    """The XNYS calendar from 1885 (built once per process)."""
    import exchange_calendars as xcals

    return xcals.get_calendar(CALENDAR, start=START)


def _cache_file() -> Path:
    base = os.environ.get(CACHE_ENV)
    if base is None:
        import platformdirs

        base = platformdirs.user_cache_dir("tapereader")
    version = metadata.version("exchange_calendars")
    return Path(base) / f"{CALENDAR}-{START}-xcals{version}-sessions.npy"


def _load_cached(path: Path) -> np.ndarray | None:
    try:
        built = dt.date.fromtimestamp(path.stat().st_mtime)
        if (dt.date.today() - built).days > CACHE_DAYS:
            return None
        ns = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    ok = ns.dtype == np.int64 and ns.ndim == 1 and len(ns) > 1 and bool((np.diff(ns) > 0).all())
    return ns if ok else None


def _store_cached(path: Path, ns: np.ndarray) -> None:
    """Write atomically; a cache that cannot be written is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, ns, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass


@lru_cache(maxsize=1)
def _session_ns() -> np.ndarray:
    """All sessions as sorted int64 nanoseconds (for searchsorted), from the disk cache
    when it is fresh, else from exchange_calendars (and then cached)."""
    path = _cache_file()
    ns = _load_cached(path)
    if ns is None:
        ns = xnys().sessions.asi8.copy()
        _store_cached(path, ns)
    return ns


def first_session() -> pd.Timestamp:
    """Earliest session the calendar knows."""
    return pd.Timestamp(_session_ns()[0])


def last_session() -> pd.Timestamp:
    """Latest session the calendar knows (about a year after today)."""
    return pd.Timestamp(_session_ns()[-1])


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


def session_on_or_before(date: DateLike) -> pd.Timestamp | None:
    """The last session on or before ``date`` (None before the calendar's first session)."""
    ns = _session_ns()
    i = np.searchsorted(ns, _as_ns([pd.Timestamp(date).normalize()])[0], "right") - 1
    return pd.Timestamp(ns[i]) if i >= 0 else None


def next_session_after(date: DateLike) -> pd.Timestamp | None:
    """The first session strictly after ``date`` (None beyond the calendar's end)."""
    ns = _session_ns()
    i = np.searchsorted(ns, _as_ns([pd.Timestamp(date).normalize()])[0], "right")
    return pd.Timestamp(ns[i]) if i < len(ns) else None

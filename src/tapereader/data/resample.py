"""Weekly and monthly bars on XNYS sessions.

A weekly bar spans the sessions of one calendar week (Mon-Fri) and is labelled
by the date of its last session (the week of 2013-07-05 has four sessions and
is labelled 2013-07-05). A bar whose period still has sessions after ``asof``
is marked ``partial`` and labelled by its last session so far.
"""

from __future__ import annotations

from functools import lru_cache

import exchange_calendars as xcals
import numpy as np
import pandas as pd

from .bars import Bars

CALENDAR = "XNYS"
RULES = {"weekly": "W-FRI", "monthly": "M"}


@lru_cache(maxsize=1)
def calendar() -> xcals.ExchangeCalendar:
    """The XNYS calendar (cached: building it takes ~100 ms)."""
    return xcals.get_calendar(CALENDAR)


def cut(bars: Bars, asof: pd.Timestamp | str | None) -> Bars:
    """Bars up to and including ``asof`` (everything after it is cut)."""
    if asof is None:
        return bars
    return bars.loc[: pd.Timestamp(asof)]


def _period_keys(index: pd.DatetimeIndex, timeframe: str) -> np.ndarray:
    if timeframe == "weekly":
        return index.to_period("W-FRI").asi8
    if timeframe == "monthly":
        return index.to_period("M").asi8
    raise ValueError(f"unknown timeframe {timeframe!r}: use weekly or monthly")


def resample(bars: Bars, timeframe: str, asof: pd.Timestamp | str | None = None) -> Bars:
    """Aggregate daily Bars into weekly/monthly Bars (OHLC, summed volume, last adj_close)."""
    bars = cut(bars, asof)
    if bars.empty:
        out = bars.iloc[:0].copy()
        out["sessions"] = pd.Series(dtype="int64")
        out["partial"] = pd.Series(dtype="bool")
        return out
    keys = _period_keys(bars.index, timeframe)
    g = bars.groupby(keys, sort=True)
    agg: dict[str, str] = {"open": "first", "high": "max", "low": "min", "close": "last"}
    if "adj_close" in bars:
        agg["adj_close"] = "last"
    if "volume" in bars:
        agg["volume"] = "sum"
    out = g.agg(agg)
    if "volume" in bars:
        # a period with no volume at all stays NaN rather than summing to 0
        out.loc[g["volume"].count().to_numpy() == 0, "volume"] = np.nan
    last_dates = bars.index.to_series().groupby(keys, sort=True).last()
    out.index = pd.DatetimeIndex(last_dates.to_numpy(), name="date")
    out["sessions"] = g.size().to_numpy()
    partial = np.zeros(len(out), dtype=bool)
    end = pd.Timestamp(asof) if asof is not None else bars.index[-1]
    last = bars.index[-1]
    cal = calendar()
    upcoming = cal.sessions_in_range(last + pd.Timedelta(days=1), last + pd.Timedelta(days=40))
    if len(upcoming):
        nxt = upcoming[0]
        same = _period_keys(pd.DatetimeIndex([nxt]), timeframe)[0] == keys[-1]
        partial[-1] = bool(same and nxt > end)
    out["partial"] = partial
    return out

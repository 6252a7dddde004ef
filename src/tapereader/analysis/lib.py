"""Small helpers shared by the detectors: percentages, rounding, dates, indicators."""

from __future__ import annotations

import numpy as np
import talib

from .series import Series

# TA-Lib's functions without the wrapper that converts pandas/polars Series (ours are arrays)
_ATR = getattr(talib.ATR, "__wrapped__", talib.ATR)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def pct(new: float, old: float) -> float:
    """Percent change from ``old`` to ``new`` (5.66 means +5.66%)."""
    return (new / old - 1.0) * 100.0


def r2(x: float) -> float:
    """Round to 2 decimals, the precision every percentage and price is reported at."""
    return round(float(x), 2)  # a float: round(float, n) returns one


def r6(x: float) -> float:
    """Keep a figure at full working precision (6 decimals drop only float noise): the note
    rounds it once, at the precision it prints."""
    return round(float(x), 6)


def all_finite(s: Series, name: str) -> bool:
    """Whether the column ``name`` of ``s`` has no NaN or infinity (once per Series)."""
    key = ("finite", name)
    got = s.memo.get(key)
    if got is None:
        got = s.memo[key] = bool(np.isfinite(getattr(s, name)).all())
    return got


def total_return_pct(s: Series, i0: int, i1: int) -> float | None:
    """Percent change of ``adj_close`` (dividends included) from bar ``i0`` to ``i1``; None
    when the source lacks an adjusted close at either end."""
    a0, a1 = s.adj_close[i0], s.adj_close[i1]
    if np.isfinite(a0) and np.isfinite(a1) and a0 > 0:
        return pct(a1, a0)
    return None


def month_year(iso: str) -> str:
    """``2012-11-16`` -> ``November 2012`` (how a chartist names an anchor)."""
    return f"{MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"


def atr(s: Series, period: int = 14) -> np.ndarray:
    """Average true range (TA-Lib), NaN during warm-up; computed once per Series (callers
    must not write into it)."""
    key = ("atr", period)
    got = s.memo.get(key)
    if got is None:
        got = s.memo[key] = _ATR(s.high, s.low, s.close, timeperiod=period)
    return got


def sessions_per_week(timeframe: str) -> float:
    """Bars per week on a timeframe, to express slopes per week."""
    return 5.0 if timeframe == "daily" else 1.0

# How many bars back an event may lie and still be reported as news.
RECENT = {"daily": 21, "weekly": 13}


def is_recent(s: Series, known_at_index: int) -> bool:
    """True when an event known at bar ``known_at_index`` is recent news at the last bar."""
    return len(s) - 1 - known_at_index < RECENT[s.timeframe]

"""Synthetic series with exact ground truth, for detector tests.

``make_series`` puts any price path on real XNYS sessions (daily) or on the
weeks' last sessions (weekly). ``zigzag_path`` and ``planted_line`` build paths
whose swing points, trend-line anchors, break bar and re-test bar are known
exactly. Other detectors' tests may import this module.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from tapereader.analysis.series import Series
from tapereader.data.resample import calendar


def session_dates(n: int, start: str = "2010-01-04", timeframe: str = "daily") -> np.ndarray:
    """``n`` XNYS session dates from ``start`` (daily), or the last session of ``n`` weeks."""
    cal = calendar()
    first = pd.Timestamp(start)
    days = int(n * (1.6 if timeframe == "daily" else 8.0)) + 30
    sessions = cal.sessions_in_range(first, first + pd.Timedelta(days=days))
    if timeframe == "weekly":
        keys = sessions.to_period("W-FRI").asi8
        last = np.r_[keys[1:] != keys[:-1], True]
        sessions = sessions[last]
    elif timeframe != "daily":
        raise ValueError(f"unknown timeframe {timeframe!r}")
    if len(sessions) < n:
        raise ValueError(f"calendar too short for {n} {timeframe} bars from {start}")
    return sessions[:n].values.astype("datetime64[D]")


def make_series(close, high=None, low=None, start: str = "2010-01-04", timeframe: str = "daily",
                symbol: str = "SYN", open_=None, volume=None, spread_pct: float = 0.3) -> Series:
    """A Series from a close path; missing highs/lows hug the bodies by ``spread_pct``.

    ``open`` defaults to the previous close (the first bar opens at its close).
    """
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    if open_ is None:
        open_ = np.r_[close[:1], close[:-1]]
    open_ = np.asarray(open_, dtype=np.float64)
    body_hi = np.maximum(open_, close)
    body_lo = np.minimum(open_, close)
    high = body_hi * (1 + spread_pct / 100) if high is None else np.asarray(high, dtype=np.float64)
    low = body_lo * (1 - spread_pct / 100) if low is None else np.asarray(low, dtype=np.float64)
    high = np.maximum(high, body_hi)
    low = np.minimum(low, body_lo)
    vol = np.full(n, 1e6) if volume is None else np.asarray(volume, dtype=np.float64)
    return Series(symbol=symbol, timeframe=timeframe, dates=session_dates(n, start, timeframe),
                  open=open_, high=high, low=low, close=close.copy(), volume=vol,
                  adj_close=close.copy())


def weekly(close, start: str = "2005-01-07", symbol: str = "SYN") -> Series:
    """A weekly Series on consecutive Fridays from a close path (highs/lows 1% around it,
    no volume or adjusted close): the channel and analog tests' planted rallies."""
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    dates = pd.date_range(start, periods=n, freq="W-FRI").values.astype("datetime64[D]")
    return Series(symbol, "weekly", dates, close.copy(), close * 1.01, close * 0.99, close,
                  np.full(n, np.nan), np.full(n, np.nan))


def zigzag_path(pivots: list[tuple[int, float]]) -> np.ndarray:
    """Closes moving geometrically between ``(bar, price)`` pivots (first bar 0)."""
    bars = [b for b, _ in pivots]
    if bars[0] != 0 or any(b2 <= b1 for b1, b2 in itertools.pairwise(bars)):
        raise ValueError("pivots must start at bar 0 and increase")
    logs = np.interp(np.arange(bars[-1] + 1), bars, np.log([p for _, p in pivots]))
    return np.exp(logs)


def planted_line(direction: str = "up", *, n: int = 140, p0: float = 100.0,
                 slope_pct_per_bar: float = 0.3, touches: tuple[int, ...] = (10, 40, 70),
                 bounce_pct: float = 8.0, break_bar: int | None = 100, break_depth_pct: float = 6.0,
                 retest_bar: int | None = 125, timeframe: str = "weekly",
                 symbol: str = "SYN") -> tuple[Series, dict]:
    """A series resting on a planted log trend line, with a known break and re-test.

    Up line: the lows touch ``p0 * g**i`` (``g = 1 + slope``) exactly at ``touches``
    and stay above it elsewhere (price bounces ``bounce_pct`` between touches; bars are
    dojis with 0.1% wicks). At
    ``break_bar`` the close drops ``break_depth_pct`` under the line; price then
    drifts back and its high meets the line from below at ``retest_bar`` and
    stays under it afterwards. A down line is the mirror image (highs, closes above).
    Returns ``(series, truth)`` with the line function and the planted bars.
    """
    up = direction == "up"
    sgn = 1.0 if up else -1.0
    g = np.log1p(slope_pct_per_bar / 100) * sgn
    i = np.arange(n)
    line = np.log(p0) + g * i
    # distance (log) of the close from the line: tents between touches, 0.3% at touches
    knots = [0, *touches]
    dist_k = [bounce_pct / 100] + [0.003] * len(touches)
    for a, b in itertools.pairwise(touches):
        knots.insert(knots.index(b), (a + b) // 2)
        dist_k.insert(knots.index((a + b) // 2), bounce_pct / 100)
    end_free = break_bar if break_bar is not None else n - 1
    knots.append(end_free)
    dist_k.append(bounce_pct / 100 * 0.6 if break_bar is None else 0.006)
    if break_bar is not None:
        depth = break_depth_pct / 100
        knots += [break_bar + 1, break_bar + 6]
        dist_k += [-depth * 0.6, -depth * 1.3]
        if retest_bar is not None:
            knots += [retest_bar - 1, retest_bar]
            dist_k += [-depth, -0.004]
            if retest_bar < n - 1:
                knots += [n - 1]
                dist_k += [-depth]
        elif knots[-1] < n - 1:
            knots += [n - 1]
            dist_k += [-depth]
    dist = np.interp(i, knots, dist_k)
    if break_bar is not None:
        dist[break_bar] = -break_depth_pct / 100 * 0.5  # the break close
    wick = 0.001
    y_close = line + sgn * dist
    close = np.exp(y_close)
    t_idx = list(touches)
    # the near side's wick (low for up lines, high for down lines) and the far side's
    near = np.exp(y_close - sgn * wick)
    far = np.exp(y_close + sgn * wick)
    near[t_idx] = np.exp(line[t_idx])
    if retest_bar is not None:
        far[retest_bar] = np.exp(line[retest_bar] - sgn * 0.001)
    high, low = (far, near) if up else (near, far)
    s = make_series(close, high=high, low=low, open_=close.copy(), timeframe=timeframe,
                    symbol=symbol, spread_pct=0.0)
    truth = {"line": np.exp(line), "touches": touches, "break_bar": break_bar,
             "retest_bar": retest_bar}
    return s, truth

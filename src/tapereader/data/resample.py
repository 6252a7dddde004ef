"""Weekly and monthly bars on XNYS sessions.

A weekly bar spans the sessions of one calendar week (Mon-Fri) and is labelled
by the date of its last session (the week of 2013-07-05 has four sessions and
is labelled 2013-07-05). A bar whose period still has sessions after ``asof``
is marked ``partial`` and labelled by its last session so far. Bars are grouped with
integer arithmetic on dates (no pandas groupby).
"""

from __future__ import annotations

import sys
import types

import numba
import numpy as np
import pandas as pd

from . import calendar as xcal
from .bars import COLUMNS, Bars


def calendar():  # -> exchange_calendars.ExchangeCalendar (imported lazily)
    """The XNYS calendar from 1885 (cached; see :mod:`tapereader.data.calendar`)."""
    return xcal.xnys()


def cut(bars: Bars, asof: pd.Timestamp | str | None) -> Bars:
    """Bars up to and including ``asof`` (everything after it is cut)."""
    if asof is None:
        return bars
    end = bars.index.searchsorted(pd.Timestamp(asof), side="right")
    return bars if end == len(bars) else bars.iloc[:end]


def _period_keys(index: pd.DatetimeIndex | np.ndarray, timeframe: str) -> np.ndarray:
    """One int per bar, equal within a calendar week (Sat..Fri) or month."""
    days = np.asarray(index, dtype="datetime64[D]")
    if timeframe == "weekly":
        # day 0 (1970-01-01) is a Thursday; shifting by 2 puts Saturday first in each week
        return (days.astype("int64") - 2) // 7
    if timeframe == "monthly":
        return days.astype("datetime64[M]").astype("int64")
    raise ValueError(f"unknown timeframe {timeframe!r}: use weekly or monthly")


def resample(bars: Bars, timeframe: str, asof: pd.Timestamp | str | None = None) -> Bars:
    """Aggregate daily Bars into weekly/monthly Bars (OHLC, summed volume, last adj_close).

    Each bar is labelled by its last session; ``sessions`` counts the daily bars in it and
    ``partial`` marks a last bar whose period has sessions after ``asof`` (or after the
    last daily bar when ``asof`` is None).
    """
    bars = cut(bars, asof)
    if bars.empty:
        out = bars.iloc[:0].copy()
        out["sessions"] = pd.Series(dtype="int64")
        out["partial"] = pd.Series(dtype="bool")
        return out
    cols = {c: bars[c].to_numpy(dtype="float64") for c in COLUMNS if c in bars}
    agg, ends, partial = aggregate(bars.index.to_numpy(), cols, timeframe, asof)
    out = pd.DataFrame(agg, index=pd.DatetimeIndex(bars.index[ends], name="date"))
    out["partial"] = partial
    return out


def aggregate(dates: np.ndarray, cols: dict[str, np.ndarray], timeframe: str,
              asof: pd.Timestamp | str | None = None,
              ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The numpy core of ``resample`` (the engine calls it on arrays, skipping pandas).

    ``dates`` are the (non-empty, sorted, already cut) daily dates and ``cols`` their
    ``open/high/low/close[/adj_close][/volume]`` float arrays. Returns the aggregated columns
    (plus ``sessions``), the index of each period's last daily bar, and the ``partial`` flags.
    One compiled pass does the grouping (same results as the ufunc ``reduceat`` forms).
    """
    keys = _period_keys(dates, timeframe)
    f64 = [np.ascontiguousarray(cols[c], dtype=np.float64) for c in ("open", "high", "low",
                                                                       "close")]
    f64 += [np.ascontiguousarray(cols[c], dtype=np.float64) if c in cols else _EMPTY
            for c in ("adj_close", "volume")]
    starts, ends, o, h, lo, c, adj, vol, longest = _group(keys, *f64)
    out: dict[str, np.ndarray] = {"open": o, "high": h, "low": lo, "close": c}
    if "adj_close" in cols:
        out["adj_close"] = adj
    if "volume" in cols:
        if longest > 8:
            # numpy sums longer groups pairwise: keep its exact rounding
            v = f64[5]
            valid = ~np.isnan(v)
            vol = np.add.reduceat(np.where(valid, v, 0.0), starts)
            # a period with no volume at all stays NaN rather than summing to 0
            vol[np.add.reduceat(valid, starts) == 0] = np.nan
        out["volume"] = vol
    out["sessions"] = (ends - starts + 1).astype("int64")
    partial = np.zeros(len(ends), dtype=bool)
    # partial: the last bar's period still has a session after asof (or after the last bar)
    end = pd.Timestamp(asof) if asof is not None else pd.Timestamp(dates[-1])
    end = end.normalize()
    if end.tz is not None:
        end = end.tz_localize(None)
    ns = xcal._session_ns()
    i = int(np.searchsorted(ns, end.value, "right"))
    if i < len(ns):
        nxt = np.array([ns[i]], dtype="int64").view("datetime64[ns]")
        partial[-1] = bool(_period_keys(nxt, timeframe)[0] == keys[-1])
    return out, ends, partial


_EMPTY = np.empty(0)


@numba.njit(cache=True)
def _group(keys, op, hi, lo, cl, adj, vol):  # pragma: no cover - compiled
    """Per run of equal ``keys``: first open, max high and min low (NaN if any is NaN, as
    ``np.maximum``/``np.minimum`` give), last close, last non-NaN adj_close, NaN-skipping
    volume sum (NaN when the run has none); plus run starts/ends and the longest run."""
    n = len(keys)
    ng = 1
    for i in range(1, n):
        if keys[i] != keys[i - 1]:
            ng += 1
    starts = np.empty(ng, dtype=np.int64)
    ends = np.empty(ng, dtype=np.int64)
    g = 0
    starts[0] = 0
    for i in range(1, n):
        if keys[i] != keys[i - 1]:
            ends[g] = i - 1
            g += 1
            starts[g] = i
    ends[ng - 1] = n - 1
    o = np.empty(ng)
    h = np.empty(ng)
    lw = np.empty(ng)
    c = np.empty(ng)
    a = np.full(ng, np.nan)
    v = np.full(ng, np.nan)
    has_adj = len(adj) == n
    has_vol = len(vol) == n
    longest = 0
    for g in range(ng):
        s = starts[g]
        e = ends[g]
        if e - s + 1 > longest:
            longest = e - s + 1
        o[g] = op[s]
        c[g] = cl[e]
        mh = hi[s]
        ml = lo[s]
        for i in range(s + 1, e + 1):
            if not np.isnan(mh):
                x = hi[i]
                if np.isnan(x) or x > mh:
                    mh = x
            if not np.isnan(ml):
                x = lo[i]
                if np.isnan(x) or x < ml:
                    ml = x
        h[g] = mh
        lw[g] = ml
        if has_adj:
            for i in range(e, s - 1, -1):
                if not np.isnan(adj[i]):
                    a[g] = adj[i]
                    break
        if has_vol:
            # reduceat's order: the first value plus the (sequential) sum of the rest
            first = vol[s]
            cnt = 0
            if np.isnan(first):
                first = 0.0
            else:
                cnt = 1
            rest = 0.0
            for i in range(s + 1, e + 1):
                x = vol[i]
                if not np.isnan(x):
                    cnt += 1
                    rest += x
                else:
                    rest += 0.0
            if cnt:
                v[g] = first + rest
    return starts, ends, o, h, lw, c, a, v, longest


class _CallableModule(types.ModuleType):
    """``tapereader.data.resample`` is both this module and, called, :func:`resample` (the
    package exports the function under the module's name)."""

    def __call__(self, bars: Bars, timeframe: str,
                 asof: pd.Timestamp | str | None = None) -> Bars:
        return resample(bars, timeframe, asof)


sys.modules[__name__].__class__ = _CallableModule

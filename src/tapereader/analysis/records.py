"""Records: all-time and 52-week highs and lows, distance from the high, swing structure.

"All-time" means within the data available up to the last bar: a record is a record of the
series as loaded, which starts at figures ``first_date`` (say so when the history is short).
Records are judged on two bases, the close (the chartist's "closing high") and the intraday
extreme (high for highs, low for lows).
"""

from __future__ import annotations

import numba
import numpy as np

from ..findings import Finding
from .lib import RECENT, is_recent, pct, r2
from .series import Series
from .swings import Swings

WEEKS_52 = {"daily": 252, "weekly": 52}
STRUCTURE_MIN_SCALE = 3.0     # swings of at least 3 ATR make the structure


def find_records(s: Series, swings: Swings | None = None) -> list[Finding]:
    """Recent record highs/lows (events), distance from the all-time high and structure (states).

    For each kind and basis only the latest recent record is reported (a run of records on
    consecutive bars is one story: the last of them). Its ``previous_value``/``previous_date``
    is the record that stood before the run began, i.e. the level the run broke through;
    ``run_sessions`` counts the bars in the run. A 52-week record that is also an all-time
    record is reported only as the all-time one.
    """
    n = len(s)
    if n < 2:
        return []
    out: list[Finding] = []
    for side, bases in ((1, (("close", s.close), ("high", s.high))),
                        (-1, (("close", s.close), ("low", s.low)))):
        for basis, x in bases:
            out += _records(s, x, basis, side)
    out += _distance(s)
    out += _structure(s, swings)
    return out


def _run_start(rec: np.ndarray, k: int) -> int:
    """First bar of the run of consecutive record bars ending at ``k``."""
    j = k
    while j > 0 and rec[j - 1]:
        j -= 1
    return j


def _records(s: Series, x: np.ndarray, basis: str, side: int) -> list[Finding]:
    """The latest recent all-time and 52-week record of ``x`` (highs for ``side`` 1, lows
    for -1). Compiled for finite prices; NaN goes the general way."""
    n = len(x)
    start = max(1, n - RECENT[s.timeframe])
    w = WEEKS_52[s.timeframe]
    r = _record_bars(x, float(side), start, w)
    if r[0] < 0:
        return _records_general(s, x, basis, side)
    _ok, k_ath, j_ath, p_ath, k, j, p = r
    out: list[Finding] = []
    if k_ath >= 0 and is_recent(s, k_ath):
        kind = "all_time_high" if side > 0 else "all_time_low"
        out.append(_finding(s, kind, basis, x, k_ath, p_ath, k_ath - j_ath + 1))
    if k >= 0 and is_recent(s, k):
        kind = "new_high_52w" if side > 0 else "new_low_52w"
        out.append(_finding(s, kind, basis, x, k, p, k - j + 1))
    return out


@numba.njit(cache=True)
def _record_bars(x, side, start, w):  # pragma: no cover - compiled
    """(ok, k_ath, j_ath, p_ath, k52, j52, p52) of ``y = x * side``: the last all-time
    record at or after ``start``, the first bar of its run and the bar of the record it
    broke; the same for the last 52-week (``w`` bars) record there that is not all-time
    (-1 when none). ``ok`` is -1 when ``y`` has NaN (the caller goes the general way)."""
    n = len(x)
    y = np.empty(n)
    for i in range(n):
        y[i] = x[i] * side
        if y[i] != y[i]:
            return -1, -1, -1, -1, -1, -1, -1
    # ath[i]: y[i] beats every earlier bar
    ath = np.zeros(n, dtype=np.bool_)
    pmax = np.empty(n)            # pmax[i] = max(y[:i + 1])
    m = y[0]
    pmax[0] = m
    for i in range(1, n):
        if y[i] > m:
            ath[i] = True
            m = y[i]
        pmax[i] = m
    k_ath = -1
    j_ath = -1
    p_ath = -1
    for i in range(n - 1, start - 1, -1):
        if ath[i]:
            k_ath = i
            break
    if k_ath >= 0:
        j = k_ath
        while j > 0 and ath[j - 1]:
            j -= 1
        j_ath = j
        top = pmax[j - 1]
        for q in range(j - 1, -1, -1):
            if y[q] == top:
                p_ath = q
                break
    lo = max(start, w)
    k52 = -1
    for i in range(n - 1, lo - 1, -1):
        if _beats(y, i, w):
            k52 = i
            break
    j52 = -1
    p52 = -1
    if k52 >= 0 and ath[k52]:
        k52 = -1
    if k52 >= 0:
        j = k52
        while j - 1 >= w and _beats(y, j - 1, w):
            j -= 1
        j52 = j
        top = y[j - w]
        p52 = j - w
        for q in range(j - w + 1, j):
            if y[q] >= top:
                top = y[q]
                p52 = q
    return 0, k_ath, j_ath, p_ath, k52, j52, p52


@numba.njit(cache=True)
def _beats(y, i, w):  # pragma: no cover - compiled
    """``y[i]`` is above every bar of ``y[i - w:i]``."""
    q = i - w
    while q < i and y[q] < y[i]:
        q += 1
    return q == i


def _records_general(s: Series, x: np.ndarray, basis: str, side: int) -> list[Finding]:
    n = len(x)
    y = x * side                      # highs as-is, lows negated: a record is always a new max
    start = max(1, n - RECENT[s.timeframe])
    prev_max = np.maximum.accumulate(y)[:-1]          # prev_max[i-1] = max(y[:i])
    ath = np.zeros(n, dtype=bool)
    ath[1:] = y[1:] > prev_max
    out: list[Finding] = []
    hits = np.flatnonzero(ath[start:])
    k_ath = start + int(hits[-1]) if len(hits) else -1
    if k_ath >= 0 and is_recent(s, k_ath):
        j = _run_start(ath, k_ath)
        p = int(np.flatnonzero(y[:j] == y[:j].max())[-1])
        kind = "all_time_high" if side > 0 else "all_time_low"
        out.append(_finding(s, kind, basis, x, k_ath, p, k_ath - j + 1))

    w = WEEKS_52[s.timeframe]

    def rec52(i: int) -> bool:
        """Bar ``i`` beats every bar of the previous ``w`` bars (needs a full year before it)."""
        return i >= w and bool(y[i] > y[i - w:i].max())

    lo = max(start, w)
    k = -1
    if lo < n:
        prior = np.lib.stride_tricks.sliding_window_view(y[lo - w:n - 1], w).max(axis=1)
        hits = np.flatnonzero(y[lo:] > prior)
        k = lo + int(hits[-1]) if len(hits) else -1
    if k >= 0 and not ath[k] and is_recent(s, k):
        j = k
        while rec52(j - 1):
            j -= 1
        p = j - w + int(np.flatnonzero(y[j - w:j] == y[j - w:j].max())[-1])
        kind = "new_high_52w" if side > 0 else "new_low_52w"
        out.append(_finding(s, kind, basis, x, k, p, k - j + 1))
    return out


def _finding(s: Series, kind: str, basis: str, x: np.ndarray, k: int, p: int,
             run: int) -> Finding:
    fig = {
        "basis": basis, "value": r2(x[k]), "previous_value": r2(x[p]),
        "previous_date": s.iso(p), "run_sessions": run, "first_date": s.iso(0),
        "pct_beyond_previous": r2(pct(x[k], x[p])),
    }
    label = {"all_time_high": "all-time", "all_time_low": "all-time",
             "new_high_52w": "52-week", "new_low_52w": "52-week"}[kind]
    word = "high" if "high" in kind else "low"
    what = f"closing {word}" if basis == "close" else f"intraday {word}"
    since = f" (data since {s.iso(0)})" if label == "all-time" else ""
    summary = (f"{s.symbol}: {label} {what} of {x[k]:.2f} on {s.iso(k)}{since}, "
               f"past the {x[p]:.2f} of {s.iso(p)}.")
    return Finding(kind, s.symbol, s.timeframe, s.iso(k), s.iso(k), fig, summary)


def _distance(s: Series) -> list[Finding]:
    """Close vs the all-time closing high and vs the all-time intraday high."""
    out = []
    for basis, x in (("close", s.close), ("high", s.high)):
        h = int(np.flatnonzero(x == x.max())[-1])
        p = r2(pct(s.close[-1], x[h]))
        fig = {"basis": basis, "high": r2(x[h]), "high_date": s.iso(h), "pct": p,
               "close": r2(s.close[-1]), "first_date": s.iso(0)}
        what = "closing high" if basis == "close" else "intraday high"
        if h == len(s) - 1 and basis == "close":
            summary = f"{s.symbol}: at its all-time {what} of {x[h]:.2f} (data since {s.iso(0)})."
        else:
            summary = (f"{s.symbol}: {abs(p):.2f}% {'under' if p <= 0 else 'over'} its all-time "
                       f"{what} of {x[h]:.2f} on {s.iso(h)} (data since {s.iso(0)}).")
        out.append(Finding("distance_from_high", s.symbol, s.timeframe, s.iso(-1), s.iso(-1),
                           fig, summary))
    return out


def _structure(s: Series, swings: Swings | None) -> list[Finding]:
    """Higher highs and higher lows (or lower) from the last two swing highs and lows."""
    if swings is None:
        try:
            from .swings import find_swings
            swings = find_swings(s)
        except (ImportError, NotImplementedError):
            return []
    return structure_from_swings(s, swings)


def structure_from_swings(s: Series, swings: Swings,
                          min_scale: float = STRUCTURE_MIN_SCALE) -> list[Finding]:
    """The ``structure`` state from the last two confirmed swing highs and lows.

    Only swings of at least ``min_scale`` (ATR multiples, see ``swings.py``) count, so that
    the pattern is the one visible on the chart rather than day-to-day noise. Figures
    ``close_above_last_high`` / ``close_below_last_low`` say whether the last close has
    already gone past the latest swing (a pattern change not yet confirmed by a new swing).
    """
    last = len(s) - 1
    ok = (swings.confirm <= last) & (swings.scale >= min_scale)
    idx, kind, price = swings.idx[ok], swings.kind[ok], swings.price[ok]
    hi, lo = np.flatnonzero(kind > 0), np.flatnonzero(kind < 0)
    if len(hi) < 2 or len(lo) < 2:
        return []
    h1, h2 = hi[-2], hi[-1]
    l1, l2 = lo[-2], lo[-1]
    hh, hl = price[h2] > price[h1], price[l2] > price[l1]
    lh, ll = price[h2] < price[h1], price[l2] < price[l1]
    if hh and hl:
        pattern, words = "higher_highs_higher_lows", "higher highs and higher lows"
    elif lh and ll:
        pattern, words = "lower_highs_lower_lows", "lower highs and lower lows"
    else:
        pattern = "mixed"
        words = (f"{'higher' if hh else 'lower' if lh else 'equal'} high, "
                 f"{'higher' if hl else 'lower' if ll else 'equal'} low")
    order = sorted((int(idx[i]), i) for i in (h1, h2, l1, l2))
    fig = {
        "pattern": pattern,
        "swing_dates": [s.iso(b) for b, _ in order],
        "highs": [{"date": s.iso(int(idx[i])), "price": r2(price[i])} for i in (h1, h2)],
        "lows": [{"date": s.iso(int(idx[i])), "price": r2(price[i])} for i in (l1, l2)],
        "close_above_last_high": bool(s.close[-1] > price[h2]),
        "close_below_last_low": bool(s.close[-1] < price[l2]),
    }
    summary = (f"{s.symbol}: {words} (highs {price[h1]:.2f} then {price[h2]:.2f}, "
               f"lows {price[l1]:.2f} then {price[l2]:.2f}).")
    return [Finding("structure", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]

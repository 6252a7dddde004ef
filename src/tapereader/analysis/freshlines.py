"""Fresh lines: a downtrend line from the recent high as soon as a lower high is confirmed.

The trend-line detector (``trendlines``) draws lines from major swings at least two weeks
apart and ranks them over years. A chartist also draws the line that has only just become
drawable: from the highest high of the last ``lookback_weeks`` through the latest confirmed
lower high after it (an uptrend line, mirrored, from the lowest low through a higher low):

- the first anchor is the recent extreme itself, a confirmed swing; the second is the latest
  swing after it, at least ``min_gap`` bars later and ``min_drop_atr`` ATR lower (higher for
  up lines), with no close beyond the line (``valid_atr`` ATR of slack, the ATR at the
  second anchor) from the first anchor to the bar that confirms the second, from which the
  line is drawable (a line already crossed when it could be drawn is not drawn);
- after it: broken at the first close more than ``valid_atr`` ATR beyond it (``break_date``);
  intact otherwise, and **pressing** when intact and the last close is within
  ``press_atr`` ATR of it (or the last bar's high/low reached it);
- reported while intact, or broken within the last ``RECENT`` bars.

Log price by default, as the other lines. State findings ``fresh_line`` on the last bar.
Only the window and ``_WARM`` bars before it are read (the ATR's warm-up), so the cost does
not grow with the history.
"""

from __future__ import annotations

import numba
import numpy as np

from ..findings import Finding
from . import lib
from .series import Series
from .swings import Swings, causal_atr

_WEEKS = 13.0
_WARM = 120  # bars before the window for the ATR (Wilder's smoothing forgets its start)


def _tail(s: Series, a: int) -> Series:
    """The bars of ``s`` from bar ``a`` on."""
    return Series(s.symbol, s.timeframe, s.dates[a:], s.open[a:], s.high[a:], s.low[a:],
                  s.close[a:], s.volume[a:], s.adj_close[a:], s.partial_last)


def find_fresh_lines(s: Series, swings: Swings, *, directions: tuple[str, ...] = ("down",),
                     lookback_weeks: float = _WEEKS,
                     min_gap: int = 3, min_drop_atr: float = 0.5, valid_atr: float = 0.25,
                     press_atr: float = 0.5, scale: str = "log") -> list[Finding]:
    """``fresh_line`` findings: down from the recent high (and, with ``directions``
    including ``"up"``, up from the recent low; the engine reads only the down lines)."""
    n = len(s)
    if n < 10 or len(swings) < 2:
        return []
    look = max(10, round(lookback_weeks * lib.sessions_per_week(s.timeframe)))
    # only the window (and the ATR's warm-up before it) is read: cut both to it
    a = max(0, n - look - _WARM)
    sw = swings.known_by(n - 1)
    if a:
        s = _tail(s, a)
        q = int(np.searchsorted(sw.idx, a))  # the swings from bar a on (idx is sorted)
        sw = Swings(sw.idx[q:] - a, sw.kind[q:], sw.price[q:], sw.confirm[q:] - a,
                    sw.magnitude[q:], sw.scale[q:])
    atr = causal_atr(s)
    f = np.log if scale == "log" else (lambda x: x)
    tol = atr / s.close if scale == "log" else atr
    out: list[Finding] = []
    for direction in directions:
        fnd = _fresh(s, sw, direction, look, min_gap, min_drop_atr, valid_atr, press_atr,
                     f, tol, scale)
        if fnd is not None:
            out.append(fnd)
    return out


def _fresh(s: Series, sw: Swings, direction: str, look: int, min_gap: int,
           min_drop_atr: float, valid_atr: float, press_atr: float, f, tol: np.ndarray,
           scale: str) -> Finding | None:
    n = len(s)
    down = direction == "down"
    sgn = -1.0 if down else 1.0  # support space: down lines mirrored
    near = sgn * f(s.high if down else s.low)   # the side the line rests on
    cl = sgn * f(s.close)
    start = max(0, n - look)
    ext = s.high if down else s.low
    i1 = start + int(np.argmax(ext[start:]) if down else np.argmin(ext[start:]))
    want = 1 if down else -1
    i2, conf2, slope, brk = _second_anchor(near, cl, tol, sw.idx, sw.kind, sw.confirm, want,
                                           i1, min_gap, min_drop_atr, valid_atr)
    if i2 < 0:
        return None
    return _state(s, direction, scale, i1, i2, conf2, slope, brk, near, cl, tol, press_atr,
                  sgn, f)


@numba.njit(cache=True)
def _second_anchor(near, cl, tol, sidx, skind, sconf, want, i1, min_gap, min_drop,
                   valid):  # pragma: no cover - compiled
    """The latest swing of kind ``want`` at least ``min_gap`` bars after the swing at
    ``i1`` and ``min_drop`` ATR beyond it in support space, with no close more than
    ``valid`` ATR (the ATR at it) under the line from ``i1`` through it up to its
    confirmation bar: (its bar, confirmation bar, slope, first close under the line after
    that or -1), or -1s when there is none or ``i1`` is no swing of that kind."""
    n = len(cl)
    found = False
    for q in range(len(sidx)):
        if sidx[q] == i1 and skind[q] == want:
            found = True
    if not found:
        return -1, -1, 0.0, -1
    for q in range(len(sidx) - 1, -1, -1):
        i2 = sidx[q]
        if skind[q] != want or i2 < i1 + min_gap:
            continue
        rise = near[i2] - near[i1]
        if rise < min_drop * tol[i2]:
            continue
        slope = rise / (i2 - i1)
        c2 = sconf[q]
        slack = valid * tol[i2]
        ok = True
        for i in range(i1 + 1, c2 + 1):
            if i != i2 and cl[i] < near[i1] + slope * (i - i1) - slack:
                ok = False
                break
        if not ok:
            continue
        brk = -1
        for i in range(c2 + 1, n):
            if cl[i] < near[i1] + slope * (i - i1) - valid * tol[i]:
                brk = i
                break
        return i2, c2, slope, brk
    return -1, -1, 0.0, -1


def _state(s: Series, direction: str, scale: str, i1: int, i2: int, conf2: int, slope: float,
           brk: int, near: np.ndarray, cl: np.ndarray, tol: np.ndarray,
           press_atr: float, sgn: float, f) -> Finding | None:
    n = len(s)
    k = n - 1
    if brk >= 0 and not lib.is_recent(s, brk):
        return None
    y = near[i1] + slope * (k - i1)

    def price(v: float) -> float:
        v = sgn * v
        return float(np.exp(v)) if scale == "log" else float(v)

    spw = lib.sessions_per_week(s.timeframe)
    if scale == "log":  # the exps in one call (the same values one by one)
        value, p1, p2, ew = np.exp(np.array([sgn * y, sgn * near[i1], sgn * near[i2],
                                             sgn * slope * spw])).tolist()
        slope_w = (ew - 1.0) * 100.0
    else:
        value, p1, p2 = price(y), price(near[i1]), price(near[i2])
        slope_w = sgn * slope * spw / value * 100.0
    close = float(s.close[k])
    dist = lib.pct(close, value)
    reached = near[k] <= y + 0.1 * tol[k]
    pressing = brk < 0 and (cl[k] - y <= press_atr * tol[k] or bool(reached))
    rv, rc, rd = lib.r2(value), lib.r2(close), lib.r2(dist)
    what = "downtrend line from the" if direction == "down" else "uptrend line from the"
    point = "high" if direction == "down" else "low"
    name = f"fresh {what} {s.iso(i1)} {point}"
    figures = {
        "direction": direction, "scale": scale, "anchors": [s.iso(i1), s.iso(i2)],
        "anchor_prices": [lib.r6(p1), lib.r6(p2)],
        "drawable_from": s.iso(conf2), "value_at_asof": lib.r6(value),
        "distance_pct": lib.r6(dist), "pressing": bool(pressing),
        "state": "broken" if brk >= 0 else "intact",
        "break_date": s.iso(brk) if brk >= 0 else None,
        "slope_pct_per_week": lib.r6(slope_w),
        "sessions": k - i1,
    }
    side = "above" if dist >= 0 else "below"
    other = "lower high" if direction == "down" else "higher low"
    base = (f"{s.symbol}'s {name} through the {other} of {s.iso(i2)} is at {rv}; "
            f"the close {rc} is {abs(rd)}% {side} it")
    if brk >= 0:
        summary = f"{base}: broken on {s.iso(brk)}."
    elif pressing:
        summary = f"{base}: price is pressing against the line."
    else:
        summary = f"{base}."
    return Finding("fresh_line", s.symbol, s.timeframe, s.iso(k), s.iso(k), figures, summary,
                   score=1.0 if pressing or brk >= 0 else 0.5)

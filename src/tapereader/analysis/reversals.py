"""Reversal days: key reversals, outside reversals and engulfing candles, bearish and bullish.

Definitions (the standard chartist ones):

- **key reversal** (bearish): the bar makes a new high for the move (its high tops the highs
  of the previous ``MOVE_BARS`` bars) and then closes below the previous bar's close.
  Bullish: a new low for the move, then a close above the previous close.
- **outside reversal** (bearish): the bar's range engulfs the previous bar's (higher high and
  lower low) and it closes below the previous close, at a short-term high (its high is the
  highest of the last ``CONTEXT_BARS`` bars). Bullish symmetrically.
- **engulfing** (TA-Lib ``CDLENGULFING``): the body engulfs the previous opposite body, at
  the same short-term high/low; reported only when neither of the above fired on that bar.

Significance: ``range_atr`` is the bar's range over ATR(14) of the bars before it,
``volume_ratio`` the bar's volume over the average volume of the previous 50 bars (None
without volume), ``close_location`` where the close sits in the bar's range (0 low, 1 high).
"""

from __future__ import annotations

import math

import numpy as np
import talib

from ..findings import Finding
from .lib import RECENT, atr, r6
from .series import Series

MOVE_BARS = 20          # a "new high for the move": above the highs of the previous 20 bars
CONTEXT_BARS = 10       # outside/engulfing bars must sit at a 10-bar high (low)
# TA-Lib's function without the wrapper that converts pandas/polars Series (ours are arrays)
_ENGULFING = getattr(talib.CDLENGULFING, "__wrapped__", talib.CDLENGULFING)
VOLUME_BARS = 50
ATR_PERIOD = 14
MIN_RANGE_ATR = 1.0     # narrower reversal bars are noise, not news


def find_reversals(s: Series, min_range_atr: float = MIN_RANGE_ATR) -> list[Finding]:
    """Recent reversal days (events known at their own close), oldest first.

    Bars whose range is under ``min_range_atr`` times the prior ATR(14) are left out (a
    reversal on a narrow bar is noise); bars before the ATR warm-up are kept.
    """
    n = len(s)
    if n < 2:
        return []
    o, h, lo, c = s.open, s.high, s.low, s.close
    a = atr(s, ATR_PERIOD) if n > ATR_PERIOD else np.full(n, np.nan)
    start = max(1, n - RECENT[s.timeframe])
    # candle patterns look at two bars only, so the tail gives the same answer as the whole
    t0 = max(0, start - 2)
    engulf = np.zeros(n, np.int32)
    if np.isfinite(o[t0:]).all():
        engulf[t0:] = _ENGULFING(o[t0:], h[t0:], lo[t0:], c[t0:])
    out: list[Finding] = []
    for side, i in _candidates(h, lo, c, a, start, min_range_atr):
        f = _reversal(s, i, side, a, engulf)
        if f is not None:
            out.append(f)
    out.sort(key=lambda f: f.date)
    return out


def _candidates(h: np.ndarray, lo: np.ndarray, c: np.ndarray, a: np.ndarray, start: int,
                min_range_atr: float) -> list[tuple[int, int]]:
    """The cheap prefilter, (side, bar) from ``start`` on: every pattern needs a close
    against the move at a ``CONTEXT_BARS`` extreme on a bar not too narrow. On Python
    lists of the tail when it is finite (numpy's max otherwise: NaN compares alike)."""
    n = len(c)
    t = max(0, start - CONTEXT_BARS)
    hl, ll = h[t:].tolist(), lo[t:].tolist()
    if not all(map(math.isfinite, hl)) or not all(map(math.isfinite, ll)):
        return _candidates_nan(h, lo, c, a, start, min_range_atr)
    cl, al = c[t:].tolist(), a[t:].tolist()
    out = []
    for side, ext in ((1, hl), (-1, [-x for x in ll])):
        for i in range(max(start, CONTEXT_BARS), n):
            j = i - t
            against = cl[j] < cl[j - 1] if side > 0 else cl[j] > cl[j - 1]
            if not against or ext[j] < max(ext[j - CONTEXT_BARS:j]):
                continue
            if math.isfinite(al[j - 1]) and hl[j] - ll[j] < min_range_atr * al[j - 1]:
                continue
            out.append((side, i))
    return out


def _candidates_nan(h: np.ndarray, lo: np.ndarray, c: np.ndarray, a: np.ndarray, start: int,
                    min_range_atr: float) -> list[tuple[int, int]]:
    """``_candidates`` on arrays that may hold NaN."""
    out = []
    for side, ext in ((1, h), (-1, -lo)):
        for i in range(start, len(c)):
            if i < CONTEXT_BARS:
                continue
            against = c[i] < c[i - 1] if side > 0 else c[i] > c[i - 1]
            if not against or ext[i] < ext[i - CONTEXT_BARS:i].max():
                continue
            if np.isfinite(a[i - 1]) and h[i] - lo[i] < min_range_atr * a[i - 1]:
                continue
            out.append((side, i))
    return out


def _reversal(s: Series, i: int, side: int, a: np.ndarray, engulf: np.ndarray) -> Finding | None:
    """The reversal at bar ``i`` against a move in direction ``side`` (+1 up: bearish)."""
    h, lo, c = s.high, s.low, s.close
    # work on "extreme" (high for bearish, negated low for bullish) so both sides read alike
    ext = h if side > 0 else -lo
    other = -lo if side > 0 else h
    down = (c[i] < c[i - 1]) if side > 0 else (c[i] > c[i - 1])
    if not down:
        return None
    patterns = []
    m0 = max(0, i - MOVE_BARS)
    new_move = i - m0 >= MOVE_BARS and ext[i] > ext[m0:i].max()
    if new_move:
        patterns.append("key")
    c0 = max(0, i - CONTEXT_BARS)
    at_extreme = i - c0 >= CONTEXT_BARS and ext[i] >= ext[c0:i].max()
    if at_extreme and ext[i] > ext[i - 1] and other[i] > other[i - 1]:
        patterns.append("outside")
    if at_extreme and engulf[i] == -100 * side:
        patterns.append("engulfing")
    if not patterns:
        return None
    rng = h[i] - lo[i]
    prior_atr = a[i - 1]
    range_atr = r6(rng / prior_atr) if np.isfinite(prior_atr) and prior_atr > 0 else None
    v0 = i - VOLUME_BARS
    va = s.volume[v0:i].mean() if v0 >= 0 else np.nan
    vol = s.volume[i]
    volume_ratio = r6(vol / va) if np.isfinite(vol) and np.isfinite(va) and va > 0 else None
    close_location = r6((c[i] - lo[i]) / rng) if rng > 0 else None
    direction = "bearish" if side > 0 else "bullish"
    kind = patterns[0]
    extreme = h[i] if side > 0 else lo[i]
    fig = {
        "direction": direction, "type": kind, "patterns": patterns,
        "range_atr": range_atr, "volume_ratio": volume_ratio, "close_location": close_location,
        "extreme": r6(extreme), "close": r6(c[i]), "prior_close": r6(c[i - 1]),
        "change_pct": r6((c[i] / c[i - 1] - 1) * 100),
    }
    word = "high" if side > 0 else "low"
    below = "below" if side > 0 else "above"
    lead = {"key": f"new {word} {extreme:.2f} then closed {below} the prior close",
            "outside": f"an outside day from a {CONTEXT_BARS}-day {word} at {extreme:.2f} "
                       f"that closed {below} the prior close",
            "engulfing": f"a {direction} engulfing candle at a {CONTEXT_BARS}-day {word} "
                         f"({extreme:.2f})"}[kind]
    sig = []
    if range_atr is not None:
        sig.append(f"range {range_atr:.1f}x ATR")
    if volume_ratio is not None:
        sig.append(f"{volume_ratio:.1f}x average volume")
    tail = f"; {' on '.join(sig)}" if sig else ""
    summary = f"{s.symbol}: {direction} {kind} reversal day on {s.iso(i)}: {lead}{tail}."
    score = (range_atr or 1.0) * (volume_ratio or 1.0) * (2.0 if kind == "key" else 1.0)
    return Finding("reversal_day", s.symbol, s.timeframe, s.iso(i), s.iso(i), fig, summary,
                   score=score)

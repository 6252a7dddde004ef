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

import numpy as np
import talib

from ..findings import Finding
from .lib import RECENT, atr, r2
from .series import Series

MOVE_BARS = 20          # a "new high for the move": above the highs of the previous 20 bars
CONTEXT_BARS = 10       # outside/engulfing bars must sit at a 10-bar high (low)
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
    engulf = talib.CDLENGULFING(o, h, lo, c) if np.isfinite(o).all() else np.zeros(n, np.int32)
    vol_avg = (talib.SMA(s.volume, timeperiod=VOLUME_BARS)
               if s.has_volume and n >= VOLUME_BARS else np.full(n, np.nan))
    out: list[Finding] = []
    for i in range(max(1, n - RECENT[s.timeframe]), n):
        for side in (1, -1):
            f = _reversal(s, i, side, a, engulf, vol_avg)
            narrow = np.isfinite(a[i - 1]) and s.high[i] - s.low[i] < min_range_atr * a[i - 1]
            if f is not None and not narrow:
                out.append(f)
    return out


def _reversal(s: Series, i: int, side: int, a: np.ndarray, engulf: np.ndarray,
              vol_avg: np.ndarray) -> Finding | None:
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
    range_atr = r2(rng / prior_atr) if np.isfinite(prior_atr) and prior_atr > 0 else None
    va = vol_avg[i - 1]
    vol = s.volume[i]
    volume_ratio = r2(vol / va) if np.isfinite(vol) and np.isfinite(va) and va > 0 else None
    close_location = r2((c[i] - lo[i]) / rng) if rng > 0 else None
    direction = "bearish" if side > 0 else "bullish"
    kind = patterns[0]
    extreme = h[i] if side > 0 else lo[i]
    fig = {
        "direction": direction, "type": kind, "patterns": patterns,
        "range_atr": range_atr, "volume_ratio": volume_ratio, "close_location": close_location,
        "extreme": r2(extreme), "close": r2(c[i]), "prior_close": r2(c[i - 1]),
        "change_pct": r2((c[i] / c[i - 1] - 1) * 100),
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

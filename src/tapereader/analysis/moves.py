"""Moves: percent changes over standard windows, streaks, oversold bounces, overbought.

The chartist's numbers: "+5.66% in nine sessions", "up four days in a row", "bouncing 5.1%
off an oversold low", "RSI above 70". Price changes use ``close`` (what the chart shows);
``total_return_pct`` adds dividends from ``adj_close`` where the source has it.
Indicators come from TA-Lib (RSI, SMA, ATR).
"""

from __future__ import annotations

import math

import numpy as np
import talib

from ..findings import Finding
from .lib import RECENT, atr, is_recent, pct, r6, total_return_pct
from .series import Series

# TA-Lib's functions without the wrapper that converts pandas/polars Series (ours are arrays)
_RSI = getattr(talib.RSI, "__wrapped__", talib.RSI)
_SMA = getattr(talib.SMA, "__wrapped__", talib.SMA)

WINDOWS = (1, 5, 9, 21, 63, 126, 252)
STREAK_MIN = 3

RSI_PERIOD = 14
RSI_OVERSOLD = 30.0          # Wilder's classic oversold line
RSI_OVERBOUGHT = 70.0        # ... and overbought line
SMA_PERIOD = 50
ATR_STRETCH = 3.0            # close this many ATR(14) under the 50-bar average is stretched
PULLBACK_PCT = 5.0           # a close this far under the prior closing high is a pullback
PULLBACK_LOOKBACK = 63       # bars back to look for the prior high (a quarter on daily)
BOUNCE_MIN_PCT = 2.0         # a close this far above the low confirms the bounce


def find_moves(s: Series, windows: tuple[int, ...] = WINDOWS) -> list[Finding]:
    """Changes over session windows and YTD, the current streak, oversold bounce, overbought.

    ``change``, ``streak`` and ``overbought`` are states of the last bar. ``oversold_bounce``
    is dated at the low and known at the last bar, since its ``bounce_pct`` runs to the last
    close; the bar at which the bounce first qualified is in figures ``confirm_date``.
    """
    n = len(s)
    if n < 2:
        return []
    out = _changes(s, windows)
    out += _ytd(s)
    out += _streak(s)
    rsi = _RSI(s.close, timeperiod=RSI_PERIOD) if n > RSI_PERIOD else np.full(n, np.nan)
    sma = _SMA(s.close, timeperiod=SMA_PERIOD) if n >= SMA_PERIOD else np.full(n, np.nan)
    out += _oversold_bounce(s, rsi, sma)
    out += _overbought(s, rsi, sma)
    return out


def _total_return(s: Series, base: int) -> float | None:
    tr = total_return_pct(s, base, len(s) - 1)
    return None if tr is None else r6(tr)


def _change(s: Series, base: int, figures: dict) -> Finding:
    last = len(s) - 1
    p = r6(pct(s.close[-1], s.close[base]))
    fig = {"sessions": last - base, "pct": p, "start_date": s.iso(base),
           "start_close": r6(s.close[base]), "close": r6(s.close[-1]),
           "total_return_pct": _total_return(s, base), **figures}
    if fig.get("period") == "ytd":
        span = "year to date"
    else:
        unit = "session" if s.timeframe == "daily" else "week"
        span = f"over {last - base} {unit}{'s' if last - base != 1 else ''}"
    summary = (f"{s.symbol}: {p:+.2f}% {span} ({fig['start_close']:.2f} on {s.iso(base)} "
               f"to {fig['close']:.2f} on {s.iso(-1)}).")
    return Finding("change", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)


def _changes(s: Series, windows: tuple[int, ...]) -> list[Finding]:
    last = len(s) - 1
    return [_change(s, last - w, {"period": None}) for w in windows if w <= last]


def _ytd(s: Series) -> list[Finding]:
    """Change since the last close of the previous calendar year (needs that close)."""
    jan1 = s.dates[-1].astype("datetime64[Y]").astype(s.dates.dtype)
    prev = int(np.searchsorted(s.dates, jan1)) - 1  # the dates are sorted
    if prev < 0:
        return []
    return [_change(s, prev, {"period": "ytd"})]


def _sign(x: float) -> float:
    """``np.sign`` of a scalar (NaN stays NaN)."""
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else math.nan


def _streak(s: Series) -> list[Finding]:
    """Consecutive up (or down) closes ending at the last bar, when at least STREAK_MIN."""
    c = s.close
    i = len(c) - 1
    last = _sign(c[i] - c[i - 1])
    if last == 0:
        return []
    k = 0  # the trailing run of changes of the last one's sign (walked back from the end)
    while i >= 1 and _sign(c[i] - c[i - 1]) == last:
        k += 1
        i -= 1
    if k < STREAK_MIN:
        return []
    direction = "up" if last > 0 else "down"
    base = len(s) - 1 - k
    p = r6(pct(s.close[-1], s.close[base]))
    unit = "sessions" if s.timeframe == "daily" else "weeks"
    fig = {"direction": direction, "sessions": k, "pct": p, "start_date": s.iso(base)}
    summary = f"{s.symbol}: {k} {unit} {direction} in a row, {p:+.2f}% since {s.iso(base)}."
    return [Finding("streak", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]


def _oversold_bounce(s: Series, rsi: np.ndarray, sma: np.ndarray) -> list[Finding]:
    """A recent low reached while oversold, with price since then bounced off it.

    The low is the lowest low of the last ``RECENT`` bars, not undercut since, and not the last
    bar. Oversold at the low's close (only data up to it): RSI(14) under 30, or the close
    ``ATR_STRETCH`` ATRs under its 50-bar average, or a pullback of ``PULLBACK_PCT`` from the
    highest close of the prior ``PULLBACK_LOOKBACK`` bars. The bounce counts once a close is
    ``BOUNCE_MIN_PCT`` above the low.
    """
    n = len(s)
    if n < 3:
        return []
    start = max(0, n - RECENT[s.timeframe])
    lo = start + int(np.argmin(s.low[start:]))
    if lo >= n - 1 or not is_recent(s, lo):
        return []
    # the low must be the lowest since the prior high too (a real low, not a window edge)
    h0 = max(0, lo - PULLBACK_LOOKBACK)
    hi = h0 + int(np.argmax(s.close[h0:lo + 1]))
    if hi == lo or s.low[hi:lo].min() < s.low[lo]:
        return []
    low = s.low[lo]
    after = s.close[lo + 1:]
    ok = np.flatnonzero(after >= low * (1 + BOUNCE_MIN_PCT / 100.0))
    if len(ok) == 0:
        return []
    confirm = lo + 1 + int(ok[0])
    pullback = pct(s.close[lo], s.close[hi])
    a = atr(s)[lo] if n > 14 else np.nan
    stretch = (sma[lo] - s.close[lo]) / a if np.isfinite(a) and a > 0 else np.nan
    why: dict[str, float] = {}
    words: list[str] = []
    if np.isfinite(rsi[lo]) and rsi[lo] < RSI_OVERSOLD:
        why["rsi"] = r6(rsi[lo])
        words.append(f"RSI {rsi[lo]:.1f}")
    if np.isfinite(stretch) and stretch >= ATR_STRETCH:
        why["atr_below_sma50"] = r6(stretch)
        words.append(f"{stretch:.1f} ATR under the 50-day average")
    if -pullback >= PULLBACK_PCT:
        why["pullback_pct"] = r6(pullback)
        words.append(f"a {-pullback:.2f}% pullback from the {s.close[hi]:.2f} close of {s.iso(hi)}")
    if not why:
        return []
    bounce = r6(pct(s.close[-1], low))
    fig = {
        "low_date": s.iso(lo), "low": r6(low), "low_close": r6(s.close[lo]),
        "bounce_pct": bounce, "oversold_by": why,
        "rsi": r6(rsi[lo]) if np.isfinite(rsi[lo]) else None,
        "pct_vs_sma50": r6(pct(s.close[lo], sma[lo])) if np.isfinite(sma[lo]) else None,
        "prior_high": r6(s.close[hi]), "prior_high_date": s.iso(hi),
        "pullback_pct": r6(pullback), "confirm_date": s.iso(confirm),
    }
    summary = (f"{s.symbol}: {bounce:+.2f}% off the {fig['low']:.2f} low of {s.iso(lo)}, "
               f"reached oversold ({' and '.join(words)}).")
    return [Finding("oversold_bounce", s.symbol, s.timeframe, s.iso(lo), s.iso(-1), fig, summary)]


def _overbought(s: Series, rsi: np.ndarray, sma: np.ndarray) -> list[Finding]:
    """RSI(14) above 70 on the last bar."""
    r = rsi[-1]
    if not (np.isfinite(r) and r > RSI_OVERBOUGHT):
        return []
    above = r6(pct(s.close[-1], sma[-1])) if np.isfinite(sma[-1]) else None
    fig = {"rsi": r6(r), "pct_above_sma50": above}
    tail = f", {above:.2f}% above its 50-day average" if above is not None else ""
    summary = f"{s.symbol}: overbought, RSI(14) {r:.1f}{tail}."
    return [Finding("overbought", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]

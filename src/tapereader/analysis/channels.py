"""Channels: regression channels of the current advance, on log scale.

A chartist draws a channel around an advance: the trend of the whole bull market since its
bear-market low, and the steeper (or flatter) channel of the current leg. Here a channel is
the least-squares line through log closes from the advance's low to the last bar, with the
band of the largest residuals above and below it.

Where an advance starts (``standing_lows``): a *standing low* is a bar whose low was never
undercut afterwards (up to the last bar), so the standing lows of a series rise from its
lowest low to its last bar. The decline that a standing low ended is measured from the
highest high since the previous standing low (or since the first bar). Then:

- ``since_bear_low``: the whole advance, from the standing low that ended the deepest decline
  of at least ``BEAR_DECLINE_PCT`` (20%, a bear market): the bottom of the deepest bear market
  that price has not revisited since. Shallower bear lows after it that held above it are
  cyclical corrections inside that advance (IWM's -21% in 2010 and -31% in 2011 inside the
  advance from the 2009 low, which ended a -60% decline);
- ``since_last_bear_low``: from the last such low, when it differs from the first;
- ``current_leg``: from the last standing low that ended a decline of at least
  ``LEG_DECLINE_PCT`` (10%, a correction).

Declines are measured high to low (the intraday swing), regressions on closes. Everything is
computed from the bars given, so a prefix of the data gives the channels known at its end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from ..data.bars import BARS_PER_YEAR
from ..findings import Finding
from .lib import month_year, r6, sessions_per_week
from .series import Series

BEAR_DECLINE_PCT = 20.0   # a decline this deep ends a bear market
LEG_DECLINE_PCT = 10.0    # a decline this deep (a correction) starts a new leg
MIN_BARS = 8              # a channel needs at least this many bars after its low


@dataclass(frozen=True, slots=True)
class Channel:
    """A regression channel over bars ``start..end`` (inclusive) of one series.

    ``slope_log`` and ``intercept_log`` describe ``log(close) = intercept + slope * (i - start)``;
    ``lo_res``/``hi_res`` are the smallest and largest log residuals (the channel's edges);
    ``slope_points`` is the slope of a linear regression on closes, in points per bar.
    """

    start: int
    end: int
    slope_log: float
    intercept_log: float
    r2: float
    lo_res: float
    hi_res: float
    slope_points: float
    kind: str = "current_leg"
    decline_pct: float = float("nan")

    @property
    def bars(self) -> int:
        return self.end - self.start + 1

    def pct_per_year(self, timeframe: str) -> float:
        return (np.exp(self.slope_log * BARS_PER_YEAR[timeframe]) - 1.0) * 100.0

    def points_per_week(self, timeframe: str) -> float:
        return self.slope_points * sessions_per_week(timeframe)

    def width_pct(self) -> float:
        return (np.exp(self.hi_res - self.lo_res) - 1.0) * 100.0

    def mid_at(self, i: int) -> float:
        return float(np.exp(self.intercept_log + self.slope_log * (i - self.start)))


@numba.njit(cache=True)
def _fit(close: np.ndarray, a: int, b: int) -> tuple[float, float, float, float, float, float]:
    """Log-linear fit of close[a..b]: slope, intercept, r2, min and max residual, linear slope."""
    m = b - a + 1
    y = np.empty(m)  # the logs, taken once in the first pass (the same values in every pass)
    st = 0.0
    sy = 0.0
    sc = 0.0
    for k in range(m):
        v = np.log(close[a + k])
        y[k] = v
        st += k
        sy += v
        sc += close[a + k]
    tm = st / m
    ym = sy / m
    cm = sc / m
    stt = 0.0
    sty = 0.0
    syy = 0.0
    stc = 0.0
    for k in range(m):
        dt = k - tm
        dy = y[k] - ym
        stt += dt * dt
        sty += dt * dy
        syy += dy * dy
        stc += dt * (close[a + k] - cm)
    slope = sty / stt if stt > 0 else 0.0
    icpt = ym - slope * tm
    rsq = sty * sty / (stt * syy) if stt > 0 and syy > 0 else 0.0
    lo = np.inf
    hi = -np.inf
    for k in range(m):
        res = y[k] - (icpt + slope * k)
        lo = min(lo, res)
        hi = max(hi, res)
    pslope = stc / stt if stt > 0 else 0.0
    return slope, icpt, rsq, lo, hi, pslope


def fit_channel(s: Series, start: int, end: int | None = None, kind: str = "current_leg",
                decline_pct: float = float("nan")) -> Channel:
    """The regression channel of ``s`` over bars ``start..end`` (default: to the last bar)."""
    end = len(s) - 1 if end is None else end
    if not 0 <= start < end < len(s):
        raise ValueError(f"{s.symbol}: channel needs 0 <= start < end < {len(s)}, "
                         f"got {start}..{end}")
    slope, icpt, rsq, lo, hi, pslope = _fit(s.close, start, end)
    return Channel(start, end, slope, icpt, rsq, lo, hi, pslope, kind, decline_pct)


@numba.njit(cache=True)
def _standing_lows(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of standing lows (never undercut later), oldest first, and the decline (%, > 0)
    from the highest high since the previous standing low to each."""
    n = len(low)
    idx = np.empty(n, dtype=np.int64)
    k = 0
    running = np.inf
    for i in range(n - 1, -1, -1):
        if low[i] < running:
            idx[k] = i
            k += 1
            running = low[i]
    idx = idx[:k][::-1].copy()
    dec = np.empty(k, dtype=np.float64)
    prev = -1
    for j in range(k):
        hi = -np.inf
        for i in range(prev + 1, idx[j] + 1):
            hi = max(hi, high[i])
        dec[j] = (1.0 - low[idx[j]] / hi) * 100.0 if hi > 0 else 0.0
        prev = idx[j]
    return idx, dec


def standing_lows(s: Series) -> tuple[np.ndarray, np.ndarray]:
    """``(idx, decline_pct)`` of the standing lows of ``s`` (see the module docstring)."""
    low = np.where(np.isfinite(s.low), s.low, s.close)
    high = np.where(np.isfinite(s.high), s.high, s.close)
    return _standing_lows(np.ascontiguousarray(low), np.ascontiguousarray(high))


def advance_channels(s: Series, bear_decline_pct: float = BEAR_DECLINE_PCT,
                     leg_decline_pct: float = LEG_DECLINE_PCT,
                     min_bars: int = MIN_BARS) -> list[Channel]:
    """The channels of the advance since the bear-market low(s) and of the current leg
    (computed once per Series and parameters: channels and analogs both read them)."""
    key = ("advance_channels", bear_decline_pct, leg_decline_pct, min_bars)
    got = s.memo.get(key)
    if got is None:
        got = s.memo[key] = tuple(_advance_channels(s, bear_decline_pct, leg_decline_pct,
                                                    min_bars))
    return list(got)


def _advance_channels(s: Series, bear_decline_pct: float, leg_decline_pct: float,
                      min_bars: int) -> list[Channel]:
    n = len(s)
    if n < min_bars + 1 or not np.isfinite(s.close).all() or (s.close <= 0).any():
        return []
    idx, dec = standing_lows(s)
    ok = idx <= n - 1 - min_bars
    out: list[Channel] = []
    bear = np.flatnonzero(ok & (dec >= bear_decline_pct))
    if len(bear):
        # the deepest bear market not revisited since (the latest one if tied)
        first = int(bear[len(bear) - 1 - int(np.argmax(dec[bear][::-1]))])
        out.append(fit_channel(s, int(idx[first]), kind="since_bear_low",
                               decline_pct=float(dec[first])))
        last = int(bear[-1])
        if last != first:
            out.append(fit_channel(s, int(idx[last]), kind="since_last_bear_low",
                                   decline_pct=float(dec[last])))
    leg = np.flatnonzero(ok & (dec >= leg_decline_pct))
    if len(leg):
        j = int(leg[-1])
        out.append(fit_channel(s, int(idx[j]), kind="current_leg", decline_pct=float(dec[j])))
    return out


def current_leg(s: Series) -> Channel | None:
    """The current leg's channel (what ``find_analogs`` compares with the past), if any."""
    for ch in advance_channels(s):
        if ch.kind == "current_leg":
            return ch
    return None


_NAMES = {"since_bear_low": "the advance since the {} low",
          "since_last_bear_low": "the advance since the {} low",
          "current_leg": "the current leg since the {} low"}


def channel_figures(s: Series, ch: Channel) -> dict:
    """The figures of a channel finding (shared with analogs)."""
    end = ch.end
    mid = ch.mid_at(end)
    upper = mid * np.exp(ch.hi_res)
    lower = mid * np.exp(ch.lo_res)
    pos = (np.log(s.close[end]) - np.log(lower)) / (ch.hi_res - ch.lo_res) \
        if ch.hi_res > ch.lo_res else 0.5
    return {
        "start_date": s.iso(ch.start), "end_date": s.iso(end),
        "slope_pct_per_year": r6(ch.pct_per_year(s.timeframe)),
        "slope_points_per_week": r6(ch.points_per_week(s.timeframe)),
        "width_pct": r6(ch.width_pct()),
        "kind": ch.kind, "bars": ch.bars, "r2": r6(ch.r2),
        "start_price": r6(s.low[ch.start] if np.isfinite(s.low[ch.start])
                          else s.close[ch.start]),
        "start_close": r6(s.close[ch.start]),
        "decline_before_pct": r6(-ch.decline_pct) if np.isfinite(ch.decline_pct) else None,
        "gain_pct": r6((s.close[end] / s.close[ch.start] - 1.0) * 100.0),
        "mid_at_end": r6(mid), "upper_at_end": r6(upper), "lower_at_end": r6(lower),
        "position_pct": r6(100.0 * pos),
        # to draw the centre line: log(close) = intercept_log + slope_log_per_bar * (i - start)
        "intercept_log": float(ch.intercept_log), "slope_log_per_bar": float(ch.slope_log),
    }


def find_channels(s: Series, bear_decline_pct: float = BEAR_DECLINE_PCT,
                  leg_decline_pct: float = LEG_DECLINE_PCT,
                  min_bars: int = MIN_BARS) -> list[Finding]:
    """``channel`` findings (state of the last bar) for the advance since the bear-market
    low(s) and for the current leg; empty when the history is too short or has no advance.

    Meant for weekly bars (works on daily). Slopes: %/year from the log regression,
    points/week from a linear regression on closes; width: the band between the largest
    log residuals above and below the centre line, in percent.
    """
    out = []
    for ch in advance_channels(s, bear_decline_pct, leg_decline_pct, min_bars):
        fig = channel_figures(s, ch)
        name = _NAMES[ch.kind].format(month_year(fig["start_date"]))
        summary = (f"{s.symbol} {s.timeframe}: {name} climbs {fig['slope_pct_per_year']:+.2f}% "
                   f"a year ({fig['slope_points_per_week']:+.2f} points a week) in a channel "
                   f"{fig['width_pct']:.2f}% wide; the close sits at {fig['position_pct']:.0f}% "
                   f"of its width.")
        out.append(Finding("channel", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary,
                           score=0.5 if ch.kind == "current_leg" else 0.4))
    return out

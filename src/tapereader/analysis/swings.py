"""Swings: causal swing highs and lows (pivots) at several scales.

A swing is only known once later bars have moved away from it by the scale's
threshold, so each swing records its confirmation bar.

Detection is a zigzag on highs/lows whose reversal threshold at bar ``i`` is
``max(k * ATR[i] / close[i], min_pct)`` with ``k`` the smallest scale: a swing
high is confirmed at the first later bar whose low lies that far below it (a
swing low symmetrically). Every attribute of a swing is decided at its
confirmation bar and never changes afterwards, so the swings of a prefix of the
series are exactly the full run's swings confirmed within that prefix:

- ``magnitude`` is the move the swing ended, measured back to the last bar that
  went beyond it (for a low: the highest high since the last lower low, over the
  low; for a high: the high over the lowest low since the last higher high);
- ``scale`` is the largest of ``scales`` (ATR multiples) that this move exceeds.
  A low with a 10% decline into it on a 2%-ATR weekly chart has scale 3 or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from . import lib
from .series import Series

DEFAULT_SCALES = (1.5, 3.0, 6.0)
"""Scales in ATR multiples; the smallest detects swings, the others grade them."""


@dataclass(frozen=True, slots=True)
class Swings:
    """Swing points of one series, sorted by ``idx``; all arrays the same length.

    - ``idx``: bar index of the swing high/low;
    - ``kind``: +1 for a swing high, -1 for a swing low;
    - ``price``: the high (for +1) or the low (for -1) at ``idx``;
    - ``confirm``: first bar index at which the swing was known (> idx);
    - ``magnitude``: size of the larger move the swing ended, in percent (how major it is);
    - ``scale``: the largest threshold (in ATR multiples) at which it is a swing.
    """

    idx: np.ndarray
    kind: np.ndarray
    price: np.ndarray
    confirm: np.ndarray
    magnitude: np.ndarray
    scale: np.ndarray

    def __len__(self) -> int:
        return len(self.idx)

    def known_by(self, end: int) -> Swings:
        """The swings confirmed at or before bar ``end`` (what was known then); ``self``
        when all are."""
        c = self.confirm
        if not len(c) or c.max() <= end:
            return self
        m = c <= end
        return Swings(self.idx[m], self.kind[m], self.price[m], self.confirm[m],
                      self.magnitude[m], self.scale[m])

    def select(self, mask: np.ndarray) -> Swings:
        """The swings where ``mask`` is true (e.g. ``sw.select(sw.kind == -1)``)."""
        return Swings(self.idx[mask], self.kind[mask], self.price[mask], self.confirm[mask],
                      self.magnitude[mask], self.scale[mask])


def empty_swings() -> Swings:
    """A Swings with no swing points (short or flat series)."""
    i = np.empty(0, dtype=np.int64)
    f = np.empty(0, dtype=np.float64)
    return Swings(i, i.copy(), f, i.copy(), f.copy(), f.copy())


def causal_atr(s: Series, period: int = 14) -> np.ndarray:
    """TA-Lib ATR, with the warm-up bars filled causally by the running mean true range.

    Bar ``i`` only depends on bars ``<= i``, so thresholds built on it never look ahead.
    Computed once per Series (callers must not write into it).
    """
    n = len(s)
    key = ("causal_atr", period)
    got = s.memo.get(key)
    if got is None:
        got = lib.atr(s, period).copy() if n > period else np.full(n, np.nan)
        _fill_warm(got, s.high, s.low, s.close)
        s.memo[key] = got
    return got


@numba.njit(cache=True)
def _fill_warm(out, high, low, close):  # pragma: no cover - compiled
    """Replace the non-finite values of ``out`` in place by the running mean true range
    (``cumsum(tr) / count``, NaN propagating as numpy's maximum/minimum do)."""
    last = -1
    for i in range(len(out)):
        if not np.isfinite(out[i]):
            last = i
    total = 0.0
    for i in range(last + 1):
        if i == 0:
            tr = high[0] - low[0]
        else:
            a = high[i]
            b = close[i - 1]
            mx = a if (a >= b or a != a) else b
            c = low[i]
            mn = c if (c <= b or c != c) else b
            tr = mx - mn
        total += tr
        if not np.isfinite(out[i]):
            out[i] = total / (i + 1)


@numba.njit(cache=True)
def _zigzag(high, low, thr):  # pragma: no cover - compiled
    """Causal zigzag: (idx, kind, confirm) of pivots; ``thr`` is a fraction per bar."""
    n = len(high)
    idx = np.empty(n, dtype=np.int64)
    kind = np.empty(n, dtype=np.int64)
    conf = np.empty(n, dtype=np.int64)
    m = 0
    state = 0  # 0 undecided, +1 tracking a high (last pivot a low), -1 tracking a low
    hi = 0
    lo = 0
    for i in range(1, n):
        t = thr[i]
        emit_high = emit_low = False
        if state == 0:  # the first pivot: whichever extreme price has left first
            if high[i] > high[hi]:
                hi = i
            if low[i] < low[lo]:
                lo = i
            top = hi < i and low[i] <= high[hi] * (1.0 - t)
            bot = lo < i and high[i] >= low[lo] * (1.0 + t)
            emit_high = top and (not bot or hi < lo)
            emit_low = bot and not emit_high
        elif state == 1:
            if high[i] > high[hi]:
                hi = i
            else:
                emit_high = low[i] <= high[hi] * (1.0 - t)
        elif low[i] < low[lo]:
            lo = i
        else:
            emit_low = high[i] >= low[lo] * (1.0 + t)
        if emit_high:  # the high at hi is confirmed; track the lowest low since it
            idx[m], kind[m], conf[m] = hi, 1, i
            m += 1
            state = -1
            lo = hi + 1 + np.argmin(low[hi + 1:i + 1])
        elif emit_low:
            idx[m], kind[m], conf[m] = lo, -1, i
            m += 1
            state = 1
            hi = lo + 1 + np.argmax(high[lo + 1:i + 1])
    return idx[:m], kind[:m], conf[:m]


@numba.njit(cache=True)
def _moves_ended(high, low):  # pragma: no cover - compiled
    """Per bar: the move a low (or high) at that bar ended, as a fraction.

    ``down[i]`` = max high since the last lower low, over ``low[i]``, minus 1;
    ``up[i]`` = ``high[i]`` over the min low since the last higher high, minus 1.
    Monotonic stacks make it O(n).
    """
    n = len(high)
    down = np.empty(n)
    up = np.empty(n)
    st = np.empty(n, dtype=np.int64)
    seg = np.empty(n)  # max high over (previous stack entry, this entry]
    sp = 0
    for i in range(n):
        cur = high[i]
        while sp > 0 and low[st[sp - 1]] >= low[i]:
            if seg[st[sp - 1]] > cur:
                cur = seg[st[sp - 1]]
            sp -= 1
        seg[i] = cur
        st[sp] = i
        sp += 1
        down[i] = cur / low[i] - 1.0
    sp = 0
    for i in range(n):
        cur = low[i]
        while sp > 0 and high[st[sp - 1]] <= high[i]:
            if seg[st[sp - 1]] < cur:
                cur = seg[st[sp - 1]]
            sp -= 1
        seg[i] = cur
        st[sp] = i
        sp += 1
        up[i] = high[i] / cur - 1.0
    return down, up


@numba.njit(cache=True)
def _bad_bar(high, low, close):  # pragma: no cover - compiled
    """Index of the first bar with a missing or non-positive price, or -1."""
    for i in range(len(close)):
        h, lo, c = high[i], low[i], close[i]
        if not (np.isfinite(h) and np.isfinite(lo) and np.isfinite(c)) or lo <= 0.0:
            return i
    return -1


@numba.njit(cache=True)
def _swings(high, low, close, atr, ks, min_frac):  # pragma: no cover - compiled
    """Thresholds (causal warm-up), zigzag, moves ended and scales in one pass."""
    n = len(close)
    atr_frac = np.empty(n)
    run = 0.0
    for i in range(n):
        run += (high[0] - low[0]) if i == 0 else \
            (max(high[i], close[i - 1]) - min(low[i], close[i - 1]))
        a = atr[i] if np.isfinite(atr[i]) else run / (i + 1)
        atr_frac[i] = a / close[i]
    thr = np.maximum(ks[0] * atr_frac, min_frac)
    idx, kind, conf = _zigzag(high, low, thr)
    down, up = _moves_ended(high, low)
    m = len(idx)
    price = np.empty(m)
    mag = np.empty(m)
    scale = np.empty(m)
    for j in range(m):
        p = idx[j]
        if kind[j] == 1:
            price[j] = high[p]
            mv = up[p]
        else:
            price[j] = low[p]
            mv = down[p]
        mag[j] = mv * 100.0
        sc = ks[0]
        for k in ks:
            if mv >= max(k * atr_frac[p], min_frac):
                sc = k
        scale[j] = sc
    return idx, kind, price, conf, mag, scale


def find_swings(s: Series, scales: tuple[float, ...] = DEFAULT_SCALES, *,
                min_pct: float = 0.5, atr_period: int = 14) -> Swings:
    """Causal swing highs and lows of ``s`` (see the module docstring for the rules).

    ``scales`` are ATR multiples (the smallest detects, the larger grade);
    ``min_pct`` is the smallest reversal in percent whatever the ATR (flat prices
    give no swings). Short series give an empty ``Swings``.
    """
    if not scales or min(scales) <= 0:
        raise ValueError(f"find_swings({s.symbol}): scales must be positive ATR multiples, "
                         f"got {scales!r}")
    n = len(s)
    if n < 3:
        return empty_swings()
    high, low, close = s.high, s.low, s.close
    bad = _bad_bar(high, low, close)
    if bad >= 0:
        raise ValueError(f"find_swings({s.symbol} {s.timeframe}): missing or non-positive "
                         f"price at bar {bad} ({s.iso(bad)})")
    atr = lib.atr(s, atr_period) if n > atr_period else np.full(n, np.nan)
    ks = np.sort(np.asarray(scales, dtype=np.float64))
    return Swings(*_swings(high, low, close, atr, ks, min_pct / 100.0))

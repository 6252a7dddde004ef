"""Zones: price bands where swings cluster (resistance and support), and closing breakouts.

A chartist draws resistance where several highs (or an old low that broke) line up,
and calls a *breakout* when a close clears a prior significant high. Both are built
here from the causal swing points of ``swings.find_swings``; no other swing logic.

Conventions (daily bars by default; any timeframe works):

- a zone's ``low``/``high`` are the extremes of its member swing prices;
- ``distance_pct`` is the close measured against the zone's nearest edge,
  ``(close / edge - 1) * 100``: negative when the close is below the zone (edge = low),
  positive when above it (edge = high), 0 when the close is inside it;
- ``role`` is "resistance" for a zone above the close, "support" below it; a zone that
  contains the close takes the role of the side it is being tested from.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..data.bars import BARS_PER_YEAR as _BARS_PER_YEAR
from ..findings import Finding
from .lib import RECENT, all_finite, atr, is_recent, month_year, pct, r2, r6
from .series import Series
from .swings import Swings

# Bars per year on each timeframe: lookbacks are expressed in years so weekly works too.


def _swings(s: Series, swings: Swings | None) -> Swings:
    if swings is not None:
        return swings
    from .swings import find_swings  # the one swing implementation (owned by trendlines)

    return find_swings(s)


def _last_atr(s: Series) -> float:
    """ATR at the last bar, falling back to the mean range on short histories."""
    n = len(s)
    if n >= 15:
        a = atr(s)[-1]
        if np.isfinite(a) and a > 0:
            return float(a)
    rng = s.high - s.low
    rng = rng[np.isfinite(rng)]
    return float(rng.mean()) if len(rng) else 0.0


@numba.njit(cache=True)
def _cluster(p, width):  # pragma: no cover - numba
    """Groups of the sorted prices ``p`` spanning at most ``width``, as [start, end) pairs.

    Divisive on the largest gap, so the result does not depend on where a scan starts.
    """
    m = len(p)
    starts = np.empty(m, np.int64)
    ends = np.empty(m, np.int64)
    stack_a = np.empty(m, np.int64)
    stack_b = np.empty(m, np.int64)
    sp = 0
    k = 0
    if m:
        stack_a[0], stack_b[0] = 0, m
        sp = 1
    while sp:
        sp -= 1
        lo, hi = stack_a[sp], stack_b[sp]
        if hi - lo == 1 or p[hi - 1] - p[lo] <= width:
            starts[k], ends[k] = lo, hi
            k += 1
            continue
        cut = lo + 1
        best = -1.0
        for i in range(lo + 1, hi):
            if p[i] - p[i - 1] > best:
                best = p[i] - p[i - 1]
                cut = i
        stack_a[sp], stack_b[sp] = cut, hi
        stack_a[sp + 1], stack_b[sp + 1] = lo, cut
        sp += 2
    return starts[:k], ends[:k]


@numba.njit(cache=True)
def _cluster_stats(idx, mag, starts, ends):  # pragma: no cover - numba
    """Per group: first and last member bar, largest member magnitude (0 when unknown)."""
    k = len(starts)
    first = np.empty(k, np.int64)
    lastm = np.empty(k, np.int64)
    major = np.zeros(k)
    for c in range(k):
        first[c] = idx[starts[c]]
        lastm[c] = idx[starts[c]]
        for j in range(starts[c], ends[c]):
            first[c] = min(first[c], idx[j])
            lastm[c] = max(lastm[c], idx[j])
            if np.isfinite(mag[j]) and mag[j] > major[c]:
                major[c] = mag[j]
    return first, lastm, major


@numba.njit(cache=True)
def _touches(high, low, close, lo, hi, start, gap):  # pragma: no cover - numba
    """Touches of band [lo, hi] from bar ``start``.

    A visit is a run of bars whose range meets the band without crossing it entirely
    (bars at most ``gap`` apart merge). A visit is a touch when price left it on the side
    it came from (a bounce or a rejection), or when it is still going on at the last bar;
    a visit that passes through is a break, not a touch.
    Returns (touches, last touching bar or -1, side of the band of the latest close
    outside it: +1 above, -1 below, 0 none)."""
    n = len(close)
    mid = 0.5 * (lo + hi)
    count = 0
    last = -1
    run0 = -1
    runend = -1
    for i in range(start, n + 1):
        meets = False
        if i < n:
            meets = high[i] >= lo and low[i] <= hi and not (low[i] < lo and high[i] > hi)
        if meets and run0 >= 0 and i - runend <= gap:
            runend = i
            continue
        if run0 >= 0 and (i == n or i - runend > gap or meets):
            # close the run [run0, runend]
            before = 0.0 if run0 == 0 else close[run0 - 1] - mid
            if runend + 1 >= n:
                count += 1
                last = runend
            else:
                after = close[runend + 1] - mid
                if before == 0.0 or (before > 0) == (after > 0):
                    count += 1
                    last = runend
            run0 = -1
        if meets:
            run0 = i
            runend = i
    side = 0
    for i in range(n - 1, -1, -1):
        if close[i] > hi:
            side = 1
            break
        if close[i] < lo:
            side = -1
            break
    return count, last, side


@numba.njit(cache=True)
def _touches_many(high, low, close, los, his, starts, gap):  # pragma: no cover - numba
    """``_touches`` of each band ``[los[c], his[c]]`` from bar ``starts[c]``, in one call."""
    m = len(los)
    count = np.empty(m, np.int64)
    last = np.empty(m, np.int64)
    side = np.empty(m, np.int64)
    for c in range(m):
        count[c], last[c], side[c] = _touches(high, low, close, los[c], his[c], starts[c], gap)
    return count, last, side


def find_zones(
    s: Series,
    swings: Swings | None = None,
    *,
    lookback_years: float = 2.0,
    width_atr: float = 0.6,
    min_width_pct: float = 0.3,
    max_width_pct: float = 1.5,
    pad_atr: float = 0.1,
    max_distance_pct: float = 15.0,
    per_side: int = 3,
    min_touches: int = 2,
    touch_gap: int = 2,
) -> list[Finding]:
    """Resistance and support zones as of the last bar (state findings).

    Swing highs and lows confirmed by the last bar within ``lookback_years`` are clustered
    into bands no wider than ``width_atr`` ATRs (clipped to ``min_width_pct``..``max_width_pct``
    of the close). Highs and lows cluster together, so a broken resistance becomes support.
    Touches are visits of the band (padded by ``pad_atr`` ATR) since its first swing that
    bounced back or are going on (see ``_touches``), at least one per member swing. Zones
    with ``min_touches`` within ``max_distance_pct`` of the close are kept,
    the ``per_side`` best (touches, recency, nearness) above and below.
    Figures: role, low, high, touches, last_touch, distance_pct, swing_dates, highs, lows.
    """
    n = len(s)
    if n < 5:
        return []
    sw = _swings(s, swings)
    last = n - 1
    close = float(s.close[-1])
    if not np.isfinite(close) or close <= 0 or len(sw) == 0:
        return []
    a = _last_atr(s)
    width = min(max(width_atr * a, min_width_pct / 100 * close), max_width_pct / 100 * close)
    pad = pad_atr * a
    look = int(lookback_years * _BARS_PER_YEAR.get(s.timeframe, 252))
    sel = (sw.confirm <= last) & (sw.idx >= n - look) & np.isfinite(sw.price)
    if not sel.any():
        return []
    idx, kind, price = sw.idx[sel], sw.kind[sel], sw.price[sel]
    mag = sw.magnitude[sel]

    order = np.argsort(price, kind="stable")
    idx, kind, price, mag = idx[order], kind[order], price[order], mag[order]
    starts, ends = _cluster(price, width)

    firsts, lasts, majors = _cluster_stats(idx, mag, starts, ends)
    plist = price.tolist()
    near = []  # the groups within max_distance_pct: (c0, c1, first, lastm, major, role, dist)
    for c0, c1, first, lastm, major in zip(starts.tolist(), ends.tolist(), firsts.tolist(),
                                          lasts.tolist(), majors.tolist(), strict=True):
        lo, hi = plist[c0], plist[c1 - 1]
        if close < lo:
            role, dist = "resistance", pct(close, lo)
        elif close > hi:
            role, dist = "support", pct(close, hi)
        else:
            role, dist = "", 0.0
        if abs(dist) > max_distance_pct:
            continue
        near.append((c0, c1, first, lastm, major, role, dist))
    counts, tlasts, sides = _touches_many(
        s.high, s.low, s.close, np.array([plist[g[0]] - pad for g in near]),
        np.array([plist[g[1] - 1] + pad for g in near]),
        np.array([g[2] for g in near], np.int64), touch_gap)
    cands = []  # (score, role, lo, hi, dist, count, tlast, members)
    for (c0, c1, _first, lastm, major, role, dist), count, tlast, side in zip(
            near, counts.tolist(), tlasts.tolist(), sides.tolist(), strict=True):
        lo, hi = plist[c0], plist[c1 - 1]
        count = max(count, c1 - c0)  # merged visits never hide distinct member swings
        if count < min_touches or tlast < 0:
            continue
        if not role:  # inside: the role of the side it is tested from (last close outside)
            role = "resistance" if side <= 0 else "support"
        recency = math.exp(-(last - lastm) / (look / 4))
        score = (min(count, 8) / 8 * 0.4 + recency * 0.25
                 + (1 - abs(dist) / max_distance_pct) * 0.25 + min(major, 20) / 20 * 0.1)
        cands.append((round(score, 4), role, lo, hi, dist, int(count), int(tlast),
                      slice(c0, c1)))

    out: list[Finding] = []
    idx_l, kind_l = idx.tolist(), kind.tolist()
    for want in ("resistance", "support"):
        side = sorted((c for c in cands if c[1] == want), key=lambda c: (-c[0], c[2]))
        for score, role, lo, hi, dist, count, tlast, members in side[:per_side]:
            kinds = kind_l[members]
            figures = {
                "role": role, "low": r6(lo), "high": r6(hi), "touches": count,
                "last_touch": s.iso(tlast), "distance_pct": r6(dist),
                "swing_dates": sorted({s.iso(i) for i in idx_l[members]}),
                "highs": sum(k > 0 for k in kinds), "lows": sum(k < 0 for k in kinds),
            }
            out.append(Finding(
                kind="zone", symbol=s.symbol, timeframe=s.timeframe, date=s.iso(-1),
                known_at=s.iso(-1), figures=figures, summary=_zone_summary(s.symbol, figures),
                score=score))
    out.sort(key=lambda f: (-f.score, f.figures["low"]))
    return out


def _zone_summary(symbol: str, f: dict) -> str:
    d = f["distance_pct"]
    where = ("the close is inside it" if d == 0
             else f"the close is {abs(d):.2f}% {'below' if d < 0 else 'above'} it")
    return (f"{symbol} {f['role']} at {f['low']:.2f}-{f['high']:.2f} ({f['touches']} touches, "
            f"last {f['last_touch']}); {where}.")


@numba.njit(cache=True)
def _closing_levels(close, idx, kind, confirm, window):  # pragma: no cover - numba
    """Per swing: its highest close (lowest for a low) within ``window`` bars, and the bar
    from which that level is known (swing confirmed and window closed)."""
    n = len(close)
    m = len(idx)
    levels = np.empty(m)
    known = np.empty(m, np.int64)
    for j in range(m):
        i = idx[j]
        lv = close[i]
        for b in range(max(0, i - window), min(n, i + window + 1)):
            if (kind[j] > 0 and close[b] > lv) or (kind[j] < 0 and close[b] < lv):
                lv = close[b]
        levels[j] = lv
        known[j] = max(confirm[j], i + window)
    return levels, known


@numba.njit(cache=True)
def _first_breaks(close, tol, levels, start, known, sign, lookback):  # pragma: no cover
    """For each level j, the first bar b > start[j] whose close is beyond it by more than
    tol[b] (sign +1 above, -1 below), searched within ``lookback`` bars of start[j].
    Returns the break bar, or -1 when none, or -2 when it broke before it was known."""
    n = len(close)
    m = len(levels)
    out = np.full(m, -1, np.int64)
    for j in range(m):
        end = min(n, start[j] + lookback + 1)
        for b in range(start[j] + 1, end):
            if sign[j] * (close[b] - levels[j]) > tol[b]:
                out[j] = b if b > known[j] else -2
                break
    return out


def find_breakouts(
    s: Series,
    swings: Swings | None = None,
    *,
    lookback_years: float = 1.0,
    tol_atr: float = 0.25,
    window: int = 3,
) -> list[Finding]:
    """Closing breakouts above prior swing highs and breakdowns below prior swing lows (events).

    A swing's *closing level* is its highest close (lowest for a low) within ``window`` bars
    of the swing bar; it is known once the swing is confirmed and that window has closed.
    The first later close beyond it by more than ``tol_atr`` ATRs breaks it (smaller pokes
    do not count, so the level still caps price). On each breaking bar the most significant
    level broken (largest swing magnitude) is reported; ``date == known_at`` is that bar,
    reported while recent (``lib.is_recent``).
    Figures: level, date, prior_high_date/prior_low_date, prior_high/prior_low (intraday),
    pct_beyond (close vs level, %), magnitude.
    """
    n = len(s)
    if n < 20:
        return []
    sw = _swings(s, swings)
    if len(sw) == 0:
        return []
    a = atr(s)
    span = s.high - s.low
    if all_finite(s, "high") and all_finite(s, "low"):
        rng = float(np.mean(span))  # what nanmean gives without NaN
    else:
        rng = np.nanmean(span) if np.isfinite(span).any() else 0.0
    a = np.where(np.isfinite(a), a, rng)
    tol = tol_atr * a
    look = int(lookback_years * _BARS_PER_YEAR.get(s.timeframe, 252))
    # only swings whose first break could still be recent news
    keep = sw.idx >= n - 1 - RECENT.get(s.timeframe, 21) - look
    idx = np.ascontiguousarray(sw.idx[keep], dtype=np.int64)
    if len(idx) == 0:
        return []
    kinds = np.ascontiguousarray(sw.kind[keep], dtype=np.int64)
    levels, known = _closing_levels(s.close, idx, kinds,
                                    np.ascontiguousarray(sw.confirm[keep], dtype=np.int64),
                                    window)
    sign = np.where(kinds > 0, 1.0, -1.0)
    brk = _first_breaks(np.ascontiguousarray(s.close), tol, levels, idx, known, sign, look)

    sub = Swings(sw.idx[keep], sw.kind[keep], sw.price[keep], sw.confirm[keep],
                 sw.magnitude[keep], sw.scale[keep])
    best: dict[tuple[int, int], int] = {}
    for j in np.flatnonzero(brk >= 0).tolist():
        b = int(brk[j])
        if not is_recent(s, b):
            continue
        key = (b, int(kinds[j]))
        if key not in best or _more_significant(sub, j, best[key]):
            best[key] = j
    sw = sub
    out = []
    for (b, k), j in sorted(best.items()):
        out.append(_breakout_finding(s, sw, j, b, k, float(levels[j])))
    return out


def _more_significant(sw: Swings, j: int, other: int) -> bool:
    mj, mo = sw.magnitude[j], sw.magnitude[other]
    if mj != mo:
        return bool(mj > mo)
    return bool(sw.idx[j] > sw.idx[other])  # same size: the more recent level


def _breakout_finding(s: Series, sw: Swings, j: int, b: int, k: int, level: float) -> Finding:
    up = k > 0
    i = int(sw.idx[j])
    name = month_year(s.iso(i)) + (" high" if up else " low")
    close = float(s.close[b])
    figures = {
        "level": r6(level), "date": s.iso(b),
        ("prior_high_date" if up else "prior_low_date"): s.iso(i),
        ("prior_high" if up else "prior_low"): r6(sw.price[j]),
        "pct_beyond": r6(pct(close, level)), "close": r6(close), "basis": "close",
        "name": name, "magnitude": r6(sw.magnitude[j]),
    }
    verb = "closed above" if up else "closed below"
    summary = (f"{s.symbol} {verb} its {name} (closing level {figures['level']:.2f}) on {s.iso(b)} "
               f"at {figures['close']:.2f}, {abs(r2(pct(close, level)))}% "
               f"{'above' if up else 'below'} it.")
    return Finding(kind="breakout" if up else "breakdown", symbol=s.symbol,
                   timeframe=s.timeframe, date=s.iso(b), known_at=s.iso(b), figures=figures,
                   summary=summary, score=round(float(min(sw.magnitude[j], 30)) / 30, 4))

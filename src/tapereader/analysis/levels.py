"""Levels: the memory of major highs and lows over the whole history.

Zones (``zones.find_zones``) cluster nearby swings of the last two years; a chartist also
remembers the 2007 high that caps the 2012 rally and the previous cycle's low that holds in
a crash. Here every *major* swing of the whole history is a level:

- a swing is major when its size is at least ``min_swing_pct`` percent: the smaller of the
  move it ended (``find_swings``' ``magnitude``) and the move that followed it until price
  went beyond it (or to the last bar): a high is major once price fell that far from it;
- levels within ``merge_pct`` of a more significant one are the same level (a double top):
  the most significant swing names it, the others count as its touches;
- its **touches** are the swing points of the middle scale or larger (confirmed by the last
  bar) within ``merge_pct`` of it from its first swing on, the level's swings included;
- its **breaks** are the crossings of the close since its bar, with hysteresis:
  ``break_closes`` consecutive closes ``band_pct`` beyond the level on the other side flip
  the side (the first of them is the break date). One break turns a
  resistance into support (a broken zone); a level broken twice or more has been traded
  through and is not reported;
- **significance** (0..1) weighs the swing's size, the touches, the age and a round number.

Reported (state findings ``major_level`` on the last bar): per side, the nearest significant
level within ``max_distance_pct`` of the close and the most significant others, ``per_side``
in all, even when 10-30% away. ``levels_of`` gives the same levels as data for targets.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np

from ..data.bars import BARS_PER_YEAR as _BARS_PER_YEAR
from ..findings import Finding
from .lib import month_year, pct, r6
from .series import Series
from .swings import Swings

_TOUCH_CAP = 64  # touch dates kept per level (the count is exact)


class Level(NamedTuple):
    """One remembered level as of the last bar (see the module docstring)."""

    price: float
    idx: int            # bar of the swing that made it
    kind: int           # +1 a swing high, -1 a swing low
    swing_pct: float    # the move the swing ended, in percent
    touches: int
    touch_idx: tuple[int, ...]
    breaks: int
    first_break: int    # bar of the first break, -1 when never broken
    side: int           # +1 the last close is above the level (support), -1 below
    round_number: bool
    significance: float


@numba.njit(cache=True)
def _after_moves(high, low, idx, kind):  # pragma: no cover - compiled
    """Per swing: the move after it until price went beyond it (to the last bar), as a
    fraction: for a high the deepest low before a higher high, for a low the highest high
    before a lower low."""
    n = len(high)
    m = len(idx)
    out = np.zeros(m)
    for j in range(m):
        i = idx[j]
        if kind[j] > 0:
            lv = high[i]
            mn = np.inf
            for b in range(i + 1, n):
                if high[b] > lv:
                    break
                if low[b] < mn:
                    mn = low[b]
            out[j] = lv / mn - 1.0 if mn < np.inf else 0.0
        else:
            lv = low[i]
            mx = -np.inf
            for b in range(i + 1, n):
                if low[b] < lv:
                    break
                if high[b] > mx:
                    mx = high[b]
            out[j] = mx / lv - 1.0 if mx > -np.inf else 0.0
    return out


@numba.njit(cache=True)
def _groups(price, idx, order, merge):  # pragma: no cover - compiled
    """Merge levels: in ``order`` (most significant first) each level not yet taken heads
    a group of the untaken levels within ``merge`` (a fraction) of it. Returns the heads
    (positions) and each group's first bar."""
    m = len(price)
    taken = np.zeros(m, np.bool_)
    heads = np.empty(m, np.int64)
    starts = np.empty(m, np.int64)
    g = 0
    for a in order:
        if taken[a]:
            continue
        st = idx[a]
        for q in range(m):
            if not taken[q] and abs(price[q] / price[a] - 1.0) <= merge:
                taken[q] = True
                if idx[q] < st:
                    st = idx[q]
        heads[g] = a
        starts[g] = st
        g += 1
    return heads[:g], starts[:g]


@numba.njit(cache=True)
def _touches(levels, starts, sidx, sprice, ok, merge, cap, skip):  # pragma: no cover
    """Per level: the swings (``ok`` ones) from its group's first bar within ``merge`` of
    it: their count and their first ``cap`` bars (``sidx`` sorted); 0 for ``skip`` ones."""
    g = len(levels)
    count = np.zeros(g, np.int64)
    bars = np.full((g, cap), -1, np.int64)
    for j in range(g):
        if skip[j]:
            continue
        c = 0
        for q in range(np.searchsorted(sidx, starts[j]), len(sidx)):
            if ok[q] and abs(sprice[q] / levels[j] - 1.0) <= merge:
                if c < cap:
                    bars[j, c] = sidx[q]
                c += 1
        count[j] = c
    return count, bars


@numba.njit(cache=True)
def _all_crossings(close, levels, starts, kinds, band, confirm,
                   max_flips):  # pragma: no cover - compiled
    """Per level from bar ``starts[j] + 1``: side flips of the close with a ``band``
    fraction of hysteresis, a flip needing ``confirm`` consecutive closes beyond the band
    (flips, first flip bar or -1, final side +1/-1). The side starts where the swing put
    it: below a high, above a low. A level is followed no further once it has flipped more
    than ``max_flips`` times (flips is then ``max_flips + 1``, its side meaningless)."""
    m = len(levels)
    flips = np.zeros(m, np.int64)
    first = np.full(m, -1, np.int64)
    side = np.zeros(m, np.int64)
    n = len(close)
    for j in range(m):
        lv = levels[j]
        up = lv * (1.0 + band)
        dn = lv * (1.0 - band)
        sd = -kinds[j]  # a high has price below it, a low above it
        f = 0
        fb = -1
        run = 0
        r0 = -1
        for i in range(starts[j] + 1, n):
            c = close[i]
            if (sd == -1 and c > up) or (sd == 1 and c < dn):
                if run == 0:
                    r0 = i
                run += 1
                if run >= confirm:
                    f += 1
                    if fb < 0:
                        fb = r0
                    sd = -sd
                    run = 0
                    if f > max_flips:
                        break
            else:
                run = 0
        flips[j] = f
        first[j] = fb
        side[j] = sd
    return flips, first, side


@numba.njit(cache=True)
def _memory(high, low, close, sidx, skind, sprice, smag, sscale, min_swing, merge, band,
            confirm, max_breaks, cap):  # pragma: no cover - compiled
    """The levels of ``levels_of`` in one call: the major swings (size = the smaller of the
    move into it and ``_after_moves``, at least ``min_swing`` percent), merged (``_groups``,
    biggest first, earlier bar on ties), their crossings and touches (swings of the middle
    scale or larger). Per level: bar, kind, price, size, first bar of its group, flips,
    first flip, side, touches; and the first ``cap`` touch bars of each level, one level
    after the other (levels broken more than
    ``max_breaks`` times are not followed further: their figures are meaningless)."""
    m = len(sidx)
    big = np.empty(m, np.int64)
    nb = 0
    for q in range(m):
        if smag[q] >= min_swing and np.isfinite(sprice[q]):
            big[nb] = q
            nb += 1
    big = big[:nb]
    after = _after_moves(high, low, sidx[big], skind[big])
    major = np.empty(nb, np.int64)
    size = np.empty(nb)
    nm = 0
    for t in range(nb):
        v = min(smag[big[t]], after[t] * 100.0)
        if v >= min_swing:
            major[nm] = big[t]
            size[nm] = v
            nm += 1
    major = major[:nm]
    mmag = size[:nm]
    midx = sidx[major]
    mprice = sprice[major]
    order = np.argsort(-mmag, kind="mergesort")  # midx ascends: ties stay in bar order
    heads, starts = _groups(mprice, midx, order, merge)
    hidx = midx[heads]
    hkind = skind[major][heads]
    hprice = mprice[heads]
    flips, first, side = _all_crossings(close, hprice, hidx, hkind, band, confirm, max_breaks)
    lo1 = np.inf
    for v in sscale:
        lo1 = min(lo1, v)
    lo2 = np.inf
    for v in sscale:
        if lo1 < v < lo2:
            lo2 = v
    ok = sscale >= (lo2 if lo2 < np.inf else lo1)
    counts, tbars = _touches(hprice, starts, sidx, sprice, ok, merge, cap, flips > max_breaks)
    tot = 0
    for j in range(len(counts)):
        tot += min(counts[j], cap)
    flat = np.empty(tot, np.int64)  # each level's first touch bars, one after the other
    pos = 0
    for j in range(len(counts)):
        c = min(counts[j], cap)
        flat[pos:pos + c] = tbars[j, :c]
        pos += c
    return hidx, hkind, hprice, mmag[heads], starts, flips, first, side, counts, flat


def is_round(price: float, tol_pct: float = 0.5) -> bool:
    """Within ``tol_pct`` of a round number: a multiple of half the leading decade
    (1500, 2000, 2500 for the S&P 500; 3.0, 3.5 for a yield; 50, 100 for a stock)."""
    if not (price > 0 and math.isfinite(price)):
        return False
    unit = 10.0 ** math.floor(math.log10(price)) / 2.0
    near = round(price / unit) * unit
    return near > 0 and abs(price / near - 1.0) * 100.0 <= tol_pct


def levels_of(s: Series, swings: Swings, *, min_swing_pct: float = 8.0,
              band_pct: float = 1.0, merge_pct: float = 1.5, break_closes: int = 2,
              max_breaks: int = 1) -> list[Level]:
    """The remembered levels of ``s`` as of its last bar, most significant first.

    Only swings confirmed by the last bar are read. Levels broken more than ``max_breaks``
    times are dropped."""
    n = len(s)
    if n < 3 or len(swings) == 0:
        return []
    sw = swings.known_by(n - 1)
    if len(sw) == 0:
        return []
    last = n - 1
    per_year = _BARS_PER_YEAR.get(s.timeframe, 252.0)
    r = _memory(s.high, s.low, np.ascontiguousarray(s.close), sw.idx, sw.kind, sw.price,
                sw.magnitude, sw.scale, float(min_swing_pct), merge_pct / 100.0,
                band_pct / 100.0, break_closes, max_breaks, _TOUCH_CAP)
    out: list[Level] = []
    flat = r[-1].tolist()
    pos = 0
    for idx, kind, p, mag, st, nflip, fb, sd, cnt in zip(*(a.tolist() for a in r[:-1]),
                                                         strict=True):
        c = min(cnt, _TOUCH_CAP)
        tb = flat[pos:pos + c]
        pos += c
        if nflip > max_breaks:
            continue
        touches = max(cnt, 1)
        age = (last - st) / per_year
        rnd = is_round(p)
        sig = (0.45 * min(mag, 50.0) / 50.0 + 0.25 * min(touches - 1, 4) / 4.0
               + 0.2 * min(age, 5.0) / 5.0 + 0.1 * rnd)
        out.append(Level(p, idx, kind, mag, touches, tuple(tb),
                         nflip, fb, sd, rnd, round(sig, 4)))
    out.sort(key=lambda lv: (-lv.significance, lv.idx))
    return out


def level_name(s: Series, lv: Level) -> str:
    """``December 2018 low``: how a chartist names a level."""
    return f"{month_year(s.iso(lv.idx))} {'high' if lv.kind > 0 else 'low'}"


def pick_levels(s: Series, levels: list[Level], *, max_distance_pct: float = 35.0,
                per_side: int = 3, min_significance: float = 0.25
                ) -> list[tuple[str, Level, bool]]:
    """Per side (resistance above the close, support below): the nearest significant level
    and the most significant others within ``max_distance_pct``, at most ``per_side``,
    nearest first. Returns ``(role, level, is_nearest)``."""
    close = float(s.close[-1])
    out: list[tuple[str, Level, bool]] = []
    for role in ("resistance", "support"):
        above = role == "resistance"
        cands = [lv for lv in levels if lv.significance >= min_significance
                 and (lv.price > close if above else lv.price < close)
                 and abs(pct(close, lv.price)) <= max_distance_pct]
        if not cands:
            continue
        nearest = min(cands, key=lambda lv: (abs(lv.price - close), lv.idx))
        chosen = [nearest, *[lv for lv in cands if lv is not nearest][:per_side - 1]]
        chosen.sort(key=lambda lv: abs(lv.price - close))
        out += [(role, lv, lv is nearest) for lv in chosen]
    return out


def find_levels(s: Series, swings: Swings, *, levels: list[Level] | None = None,
                max_distance_pct: float = 35.0, per_side: int = 2) -> list[Finding]:
    """``major_level`` findings as of the last bar (see the module docstring).

    Figures: role, level, level_date, name, swing (``high``/``low``), swing_pct, touches,
    touch_dates, age_years, breaks, broken_date, round_number, significance, nearest,
    distance_pct (the close against the level, negative below it, as zones), pct_away (the
    move from the close to the level: 25.0 means the level is 25% above the close)."""
    if len(s) < 3:
        return []
    lvls = levels_of(s, swings) if levels is None else levels
    close = float(s.close[-1])
    out: list[Finding] = []
    for role, lv, nearest in pick_levels(s, lvls, max_distance_pct=max_distance_pct,
                                         per_side=per_side):
        name = level_name(s, lv)
        d = r6(pct(close, lv.price))
        age = r6((len(s) - 1 - lv.idx) / _BARS_PER_YEAR.get(s.timeframe, 252.0))
        figures = {
            "role": role, "level": r6(lv.price), "level_date": s.iso(lv.idx), "name": name,
            "swing": "high" if lv.kind > 0 else "low", "swing_pct": r6(lv.swing_pct),
            "touches": lv.touches,
            "touch_dates": ([s.iso(i) for i in lv.touch_idx] if len(lv.touch_idx) < 20 else
                            np.datetime_as_string(s.dates[list(lv.touch_idx)]).tolist()),
            "age_years": age, "breaks": lv.breaks,
            "broken_date": s.iso(lv.first_break) if lv.first_break >= 0 else None,
            "round_number": lv.round_number, "significance": lv.significance,
            "nearest": nearest, "distance_pct": d, "pct_away": r6(pct(lv.price, close)),
        }
        was = ""
        if lv.breaks:
            was = (f", a former {'resistance' if role == 'support' else 'support'} broken "
                   f"{figures['broken_date']}")
        word = "the next" if nearest else "a major"
        summary = (f"{s.symbol}: {word} {role} in the chart's memory is the {name} at "
                   f"{figures['level']:.2f} ({figures['level_date']}), "
                   f"{abs(figures['pct_away']):.2f}% "  # type: ignore[arg-type]
                   f"{'above' if d < 0 else 'below'} the close (a {figures['swing_pct']:.2f}% "
                   f"swing, {lv.touches} touch{'es' if lv.touches != 1 else ''}{was}).")
        out.append(Finding("major_level", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), figures,
                           summary, score=lv.significance))
    return out

"""Old events that still define the chart: a breakout that still holds, a rally off a low.

News fades (``breakout`` is reported for ``RECENT`` bars); some old events stay true and
keep shaping what a chartist writes:

- ``standing_breakout``: price closed above a remembered major high (``levels``) more than
  ``RECENT`` bars and at most ``max_age_years`` ago and has not closed back under it since
  (the level's one break, with its hysteresis band); a breakdown under a major low that
  still holds, mirrored. The most significant level per direction is reported;
- ``move_from_pivot``: price is ``min_pct`` percent or more above the lowest low of the last
  ``lookback_years`` (a confirmed swing low, so a named one: "the March 2020 low"), or as far
  below the highest high. The low is still the lowest price since, by construction.

Both are state findings on the last bar with the event's dates in their figures.
"""

from __future__ import annotations

import numpy as np

from ..data.bars import BARS_PER_YEAR as _BARS_PER_YEAR
from ..findings import Finding
from .levels import Level, level_name, levels_of
from .lib import RECENT, month_year, pct, r2, r6
from .series import Series
from .swings import Swings


def find_standing_breakouts(s: Series, swings: Swings, *, levels: list[Level] | None = None,
                            max_age_years: float = 2.0) -> list[Finding]:
    """``standing_breakout`` findings (see the module docstring).

    Figures: direction (``up`` above a high, ``down`` under a low), level, level_date, name,
    breakout_date (first close beyond it), sessions (since then), pct_beyond (the last close
    against the level), worst_close, worst_date (the close nearest the level since), swing_pct,
    significance."""
    n = len(s)
    if n < 3:
        return []
    lvls = levels_of(s, swings) if levels is None else levels
    per_year = _BARS_PER_YEAR.get(s.timeframe, 252)
    recent = RECENT.get(s.timeframe, 21)
    out: list[Finding] = []
    for direction, kind in (("up", 1), ("down", -1)):
        cands = [lv for lv in lvls if lv.kind == kind and lv.breaks == 1 and lv.side == kind
                 and recent <= n - 1 - lv.first_break <= max_age_years * per_year]
        if not cands:
            continue
        lv = max(cands, key=lambda x: (x.significance, x.idx))
        out.append(_breakout(s, lv, direction))
    return out


def _breakout(s: Series, lv: Level, direction: str) -> Finding:
    n = len(s)
    b = lv.first_break
    seg = s.close[b:]
    w = b + int(np.argmin(seg) if direction == "up" else np.argmax(seg))
    close = float(s.close[-1])
    name = level_name(s, lv)
    figures = {
        "direction": direction, "level": r6(lv.price), "level_date": s.iso(lv.idx),
        "name": name, "breakout_date": s.iso(b), "sessions": n - 1 - b,
        "pct_beyond": r6(pct(close, lv.price)), "worst_close": r6(s.close[w]),
        "worst_date": s.iso(w), "worst_pct": r6(pct(float(s.close[w]), lv.price)),
        "swing_pct": r6(lv.swing_pct), "significance": lv.significance,
    }
    verb = "broke out above" if direction == "up" else "broke down under"
    side = "above" if direction == "up" else "under"
    beyond = r6(pct(close, lv.price))
    summary = (f"{s.symbol} {verb} its {name} ({figures['level']:.2f}) on "
               f"{figures['breakout_date']} "
               f"and has stayed {side} it since ({figures['sessions']} sessions); the close is "
               f"{abs(beyond):.2f}% {'above' if beyond >= 0 else 'below'} it.")
    return Finding("standing_breakout", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), figures,
                   summary, score=lv.significance)


def find_moves_from_pivots(s: Series, swings: Swings, *,
                           directions: tuple[str, ...] = ("up",), lookback_years: float = 2.0,
                           min_pct: float = 10.0) -> list[Finding]:
    """``move_from_pivot`` findings (see the module docstring).

    Figures: direction (``up``: a rally off the low; ``down``: a decline from the high),
    pivot, pivot_date, name, pct (the last close against the pivot), sessions (since the
    pivot), extreme, extreme_date, extreme_pct (the furthest close since). By default only
    rallies (``directions``): the decline from the high is ``distance_from_high``'s."""
    n = len(s)
    if n < 3 or len(swings) == 0:
        return []
    sw = swings.known_by(n - 1)
    look = int(lookback_years * _BARS_PER_YEAR.get(s.timeframe, 252))
    start = max(0, n - look)
    close = float(s.close[-1])
    out: list[Finding] = []
    for direction in directions:
        up = direction == "up"
        ext = s.low if up else s.high
        i = start + int(np.argmin(ext[start:]) if up else np.argmax(ext[start:]))
        q = int(np.searchsorted(sw.idx, i))  # swing bars are sorted and distinct
        if q == len(sw) or sw.idx[q] != i or sw.kind[q] != (-1 if up else 1) or i == n - 1:
            continue
        piv = float(ext[i])
        p = pct(close, piv)
        if (p < min_pct) if up else (p > -min_pct):
            continue
        seg = s.close[i:]
        e = i + int(np.argmax(seg) if up else np.argmin(seg))
        name = f"{month_year(s.iso(i))} {'low' if up else 'high'}"
        figures = {
            "direction": direction, "pivot": r6(piv), "pivot_date": s.iso(i), "name": name,
            "pct": r6(p), "sessions": n - 1 - i, "extreme": r6(s.close[e]),
            "extreme_date": s.iso(e), "extreme_pct": r6(pct(float(s.close[e]), piv)),
        }
        word = "up" if up else "down"
        what = "rally off" if up else "decline from"
        summary = (f"{s.symbol} is {word} {abs(r2(p))}% from its {name} "
                   f"({figures['pivot']:.2f} on {figures['pivot_date']}, {figures['sessions']} "
                   f"sessions ago): a {what} the {name} that still stands.")
        out.append(Finding("move_from_pivot", s.symbol, s.timeframe, s.iso(-1), s.iso(-1),
                           figures, summary, score=min(abs(p), 50.0) / 50.0))
    return out

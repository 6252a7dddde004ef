"""Targets: how far price may run before meeting the next resistance (or support).

A chartist's "QQQ has about 3% to its May high" is the distance from the close to a
level overhead. Levels come from the zones (``zones.find_zones``), the highest high
(lowest low) of the past year, the all-time extreme and the memory of major levels
(``levels.levels_of``: "the next support is the December 2018 low, 12% below"), which may
lie further away; each target names its basis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..data.bars import BARS_PER_YEAR as _BARS_PER_YEAR
from ..findings import Finding
from .lib import all_finite, month_year, pct, r2, r6
from .series import Series
from .swings import Swings
from .zones import find_zones

if TYPE_CHECKING:
    from .levels import Level


def find_targets(
    s: Series,
    zones: list[Finding] | None = None,
    swings: Swings | None = None,
    *,
    levels: list[Level] | None = None,
    lookback_years: float = 1.0,
    max_pct: float = 15.0,
    memory_max_pct: float = 35.0,
) -> list[Finding]:
    """Upside and downside targets as of the last bar (state findings).

    Up: the nearest resistance zone above the close (its low), the highest high of the
    last ``lookback_years`` ("May 2013 high") and the all-time high, when above the close.
    Down, symmetrically: the nearest support zone (its high), the year's lowest low and the
    all-time low, when below the close; and the nearest remembered major level on that side
    (``levels``, within ``memory_max_pct``). Levels equal to one already listed merge into
    it (the basis names both). Only targets within ``max_pct`` of the close are kept (the
    remembered level: within ``memory_max_pct``).
    Figures: direction, level, pct (close to level, in %; negative for "down"), basis,
    basis_date (the bar the level was set, or the zone's last touch), source.
    """
    n = len(s)
    if n < 2:
        return []
    close = float(s.close[-1])
    if not np.isfinite(close) or close <= 0:
        return []
    if zones is None:
        zones = find_zones(s, swings)
    look = int(lookback_years * _BARS_PER_YEAR.get(s.timeframe, 252))
    start = max(0, n - look)
    out: list[Finding] = []
    if levels:
        from .levels import level_name, pick_levels

        picked = pick_levels(s, levels, max_distance_pct=memory_max_pct)
    for direction in ("up", "down"):
        up = direction == "up"
        found: list[tuple[float, str, str, str]] = []  # level, basis, basis_date, source
        # nearest zone on this side (a zone containing the close is not a target)
        role = "resistance" if up else "support"
        side = [z for z in zones if z.figures["role"] == role
                and (z.figures["low"] > close if up else z.figures["high"] < close)]
        if side:
            z = min(side, key=lambda z: abs(z.figures["distance_pct"]))
            lvl = z.figures["low"] if up else z.figures["high"]
            found.append((lvl, f"{role} zone {z.figures['low']}-{z.figures['high']}",
                           z.figures["last_touch"], "zone"))
        # prior extremes: set before the last bar and not exceeded by it
        ext = s.high if up else s.low
        finite = all_finite(s, "high" if up else "low")  # then argmax is nanargmax
        pick = (np.argmax if up else np.argmin) if finite else (
            np.nanargmax if up else np.nanargmin)
        for lo, name, source in ((start, None, "prior_extreme"), (0, "all-time", "all_time")):
            if not finite and not np.isfinite(ext[lo:]).any():
                continue
            i = lo + int(pick(ext[lo:]))
            if i == n - 1:
                continue
            word = "high" if up else "low"
            basis = f"{name} {word}" if name else f"{month_year(s.iso(i))} {word}"
            found.append((float(ext[i]), basis, s.iso(i), source))
        if levels:
            near = [lv for r, lv, first in picked if first and r == role]
            for lv in near:
                found.append((lv.price, level_name(s, lv), s.iso(lv.idx),
                              "major_level"))
        out.extend(_targets(s, direction, close, found, max_pct, memory_max_pct))
    return out


def _targets(s: Series, direction: str, close: float, levels: list, max_pct: float,
             memory_max_pct: float) -> list[Finding]:
    up = direction == "up"
    kept: list[list] = []
    for lvl, basis, bdate, source in levels:
        if not (lvl > close if up else lvl < close):
            continue
        if abs(pct(lvl, close)) > (memory_max_pct if source == "major_level" else max_pct):
            continue
        same = next((k for k in kept if r2(k[0]) == r2(lvl)), None)
        if same is not None:  # e.g. the year's high is the all-time high
            same[4].append(basis)
            same[3] = f"{same[3]}+{source}"
            continue
        kept.append([lvl, basis, bdate, source, []])
    kept.sort(key=lambda k: abs(k[0] - close))
    out = []
    for rank, (lvl, first, bdate, source, also) in enumerate(kept):
        basis = first + (f" (the {', the '.join(also)})" if also else "")
        p = r6(pct(lvl, close))
        figures = {"direction": direction, "level": r6(lvl), "pct": p, "basis": basis,
                   "basis_date": bdate, "source": source}
        summary = (f"{s.symbol} is {abs(p)}% {'below' if up else 'above'} its {basis} "
                   f"at {figures['level']}, the {'upside' if up else 'downside'} target.")
        out.append(Finding(kind="target", symbol=s.symbol, timeframe=s.timeframe,
                           date=s.iso(-1), known_at=s.iso(-1), figures=figures,
                           summary=summary, score=round(1.0 / (1 + rank), 4)))
    return out

"""Gaps: unfilled price gaps as support and resistance zones.

A gap up at bar ``i`` leaves the band between the prior bar's high and bar ``i``'s low
untraded (a gap down: between bar ``i``'s high and the prior bar's low). A chartist keeps
it on the chart until price comes back through it:

- it is **filled** once a later bar trades through the whole band (a low at or under the
  prior high, for a gap up) and is then no zone at all;
- it is **partly filled** when a later bar traded into it: what is left is the band from
  the far edge to the deepest later price;
- gaps smaller than ``min_pct`` of the price are noise and not kept.

Reported as state findings ``gap`` on the last bar: the nearest unfilled gaps below
(support) and above (resistance) the close within ``max_distance_pct``, ``per_side`` each.
Everything is decided by bars up to the last one.
"""

from __future__ import annotations

import numpy as np

from ..findings import Finding
from .lib import pct, r2
from .series import Series


def open_gaps(s: Series, min_pct: float = 0.2) -> list[dict]:
    """Every gap of ``s`` still (at least partly) open at its last bar, oldest first:
    ``{bar, direction, gap_low, gap_high, low, high, partly_filled, filled_pct}`` where
    ``low``/``high`` bound what is left open."""
    n = len(s)
    if n < 2:
        return []
    hi, lo = s.high, s.low
    up = np.flatnonzero(lo[1:] > hi[:-1] * (1 + min_pct / 100)) + 1
    dn = np.flatnonzero(hi[1:] < lo[:-1] * (1 - min_pct / 100)) + 1
    # lowest low / highest high after each bar (to the last bar)
    later_lo = np.r_[np.minimum.accumulate(lo[::-1])[::-1][1:], np.inf]
    later_hi = np.r_[np.maximum.accumulate(hi[::-1])[::-1][1:], -np.inf]
    out: list[dict] = []
    for i in up.tolist():
        g0, g1 = float(hi[i - 1]), float(lo[i])
        m = float(later_lo[i])
        if m <= g0:
            continue
        top = min(g1, m)
        out.append({"bar": i, "direction": "up", "gap_low": g0, "gap_high": g1, "low": g0,
                    "high": top, "partly_filled": m < g1,
                    "filled_pct": (g1 - top) / (g1 - g0) * 100.0})
    for i in dn.tolist():
        g0, g1 = float(hi[i]), float(lo[i - 1])
        m = float(later_hi[i])
        if m >= g1:
            continue
        bot = max(g0, m)
        out.append({"bar": i, "direction": "down", "gap_low": g0, "gap_high": g1, "low": bot,
                    "high": g1, "partly_filled": m > g0,
                    "filled_pct": (bot - g0) / (g1 - g0) * 100.0})
    out.sort(key=lambda g: g["bar"])
    return out


def find_gaps(s: Series, *, min_pct: float = 0.2, max_distance_pct: float = 15.0,
              per_side: int = 2) -> list[Finding]:
    """``gap`` findings as of the last bar (see the module docstring).

    Figures: role (``support`` below the close, ``resistance`` above), direction (``up`` or
    ``down``: which way price gapped), gap_date, low, high (the part still open),
    gap_low, gap_high (the original gap), partly_filled, filled_pct, distance_pct (the
    close against the zone's nearest edge, negative below it), sessions_ago."""
    n = len(s)
    if n < 2:
        return []
    close = float(s.close[-1])
    gaps = [g for g in open_gaps(s, min_pct) if g["bar"] < n - 1]
    out: list[Finding] = []
    for role in ("support", "resistance"):
        below = role == "support"
        side = [g for g in gaps if (g["high"] < close if below else g["low"] > close)]
        for g in side:
            g["dist"] = pct(close, g["high"] if below else g["low"])
        side = [g for g in side if abs(g["dist"]) <= max_distance_pct]
        side.sort(key=lambda g: (abs(g["dist"]), -g["bar"]))
        for g in side[:per_side]:
            out.append(_finding(s, role, g))
    return out


def _finding(s: Series, role: str, g: dict) -> Finding:
    i = g["bar"]
    unit = "week" if s.timeframe == "weekly" else "session"
    figures = {
        "role": role, "direction": g["direction"], "gap_date": s.iso(i),
        "low": r2(g["low"]), "high": r2(g["high"]),
        "gap_low": r2(g["gap_low"]), "gap_high": r2(g["gap_high"]),
        "partly_filled": bool(g["partly_filled"]), "filled_pct": r2(g["filled_pct"]),
        "distance_pct": r2(g["dist"]), "sessions_ago": len(s) - 1 - i,
    }
    d = figures["distance_pct"]
    state = (f"partly filled ({figures['filled_pct']}%), open {figures['low']}-{figures['high']}"
             if g["partly_filled"] else f"unfilled, {figures['low']}-{figures['high']}")
    summary = (f"{s.symbol} {role} at the {s.timeframe} gap {g['direction']} of "
               f"{figures['gap_date']} ({state}, {figures['sessions_ago']} {unit}s ago); the "
               f"close is {abs(d)}% {'above' if d > 0 else 'below'} it.")
    return Finding("gap", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), figures, summary,
                   score=round(1.0 / (1.0 + abs(g["dist"])), 4))

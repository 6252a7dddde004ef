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

import numba
import numpy as np

from ..findings import Finding
from .lib import r6
from .series import Series


@numba.njit(cache=True)
def _open_kernel(high, low, min_frac):  # pragma: no cover - compiled
    """Gaps still (at least partly) open at the last bar, oldest first: bar, up (1/0), the
    gap's low/high, the open part's low/high, partly filled (1/0), filled fraction."""
    n = len(high)
    later_lo = np.empty(n)
    later_hi = np.empty(n)
    mn, mx = np.inf, -np.inf
    for i in range(n - 1, -1, -1):
        later_lo[i] = mn
        later_hi[i] = mx
        if low[i] < mn:
            mn = low[i]
        if high[i] > mx:
            mx = high[i]
    bar = np.empty(n, np.int64)
    up = np.empty(n, np.bool_)
    vals = np.empty((n, 5))
    m = 0
    for i in range(1, n):
        if low[i] > high[i - 1] * (1.0 + min_frac):
            g0, g1, lm = high[i - 1], low[i], later_lo[i]
            if lm > g0:
                top = min(g1, lm)
                bar[m], up[m] = i, True
                vals[m, 0], vals[m, 1], vals[m, 2], vals[m, 3] = g0, g1, g0, top
                vals[m, 4] = (g1 - top) / (g1 - g0)
                m += 1
        elif high[i] < low[i - 1] * (1.0 - min_frac):
            g0, g1, hm = high[i], low[i - 1], later_hi[i]
            if hm < g1:
                bot = max(g0, hm)
                bar[m], up[m] = i, False
                vals[m, 0], vals[m, 1], vals[m, 2], vals[m, 3] = g0, g1, bot, g1
                vals[m, 4] = (bot - g0) / (g1 - g0)
                m += 1
    return bar[:m], up[:m], vals[:m]


def _open(s: Series, min_pct: float) -> list[dict]:
    """Every gap still (at least partly) open at the last bar, oldest first (see
    ``open_gaps``)."""
    bar, up, vals = _open_kernel(s.high, s.low, min_pct / 100.0)
    return [{"bar": b, "direction": "up" if u else "down", "gap_low": v[0], "gap_high": v[1],
             "low": v[2], "high": v[3], "partly_filled": v[4] > 0.0, "filled_pct": v[4] * 100.0}
            for b, u, v in zip(bar.tolist(), up.tolist(), vals.tolist(), strict=True)]


def open_gaps(s: Series, min_pct: float = 0.2) -> list[dict]:
    """Every gap of ``s`` still (at least partly) open at its last bar, oldest first:
    ``{bar, direction, gap_low, gap_high, low, high, partly_filled, filled_pct}`` where
    ``low``/``high`` bound what is left open."""
    if len(s) < 2:
        return []
    return _open(s, min_pct)


def find_gaps(s: Series, *, min_pct: float = 0.2, max_distance_pct: float = 15.0,
              per_side: int = 1) -> list[Finding]:
    """``gap`` findings as of the last bar (see the module docstring).

    Figures: role (``support`` below the close, ``resistance`` above), direction (``up`` or
    ``down``: which way price gapped), gap_date, low, high (the part still open),
    gap_low, gap_high (the original gap), partly_filled, filled_pct, distance_pct (the
    close against the zone's nearest edge, negative below it), sessions_ago."""
    n = len(s)
    if n < 2:
        return []
    close = float(s.close[-1])
    bar, up, vals = _open_kernel(s.high, s.low, min_pct / 100.0)
    gaps = [g for g in zip(bar.tolist(), up.tolist(), vals.tolist(), strict=True)
            if g[0] < n - 1]
    out: list[Finding] = []
    for role in ("support", "resistance"):
        below = role == "support"
        side = []
        for b, u, v in gaps:
            edge = v[3] if below else v[2]
            if (edge < close) if below else (edge > close):
                dist = (close / edge - 1.0) * 100.0
                if abs(dist) <= max_distance_pct:
                    side.append((abs(dist), -b, dist, b, u, v))
        side.sort(key=lambda g: (g[0], g[1]))
        for _a, _b, dist, b, u, v in side[:per_side]:
            g = {"bar": b, "direction": "up" if u else "down", "gap_low": v[0],
                 "gap_high": v[1], "low": v[2], "high": v[3], "partly_filled": v[4] > 0.0,
                 "filled_pct": v[4] * 100.0, "dist": dist}
            out.append(_finding(s, role, g))
    return out


def _finding(s: Series, role: str, g: dict) -> Finding:
    i = g["bar"]
    unit = "week" if s.timeframe == "weekly" else "session"
    figures = {
        "role": role, "direction": g["direction"], "gap_date": s.iso(i),
        "low": r6(g["low"]), "high": r6(g["high"]),
        "gap_low": r6(g["gap_low"]), "gap_high": r6(g["gap_high"]),
        "partly_filled": bool(g["partly_filled"]), "filled_pct": r6(g["filled_pct"]),
        "distance_pct": r6(g["dist"]), "sessions_ago": len(s) - 1 - i,
    }
    d = figures["distance_pct"]
    state = (f"partly filled ({figures['filled_pct']:.2f}%), open "
             f"{figures['low']:.2f}-{figures['high']:.2f}"
             if g["partly_filled"] else f"unfilled, {figures['low']:.2f}-{figures['high']:.2f}")
    summary = (f"{s.symbol} {role} at the {s.timeframe} gap {g['direction']} of "
               f"{figures['gap_date']} ({state}, {figures['sessions_ago']} {unit}s ago); the "
               f"close is {abs(d):.2f}% {'above' if d > 0 else 'below'} it.")
    return Finding("gap", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), figures, summary,
                   score=round(1.0 / (1.0 + abs(g["dist"])), 4))

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
from .lib import r2
from .series import Series


def _open(s: Series, min_pct: float) -> dict[str, np.ndarray]:
    """Arrays over every gap still (at least partly) open at the last bar, oldest first:
    bar, up (True for a gap up), gap_low, gap_high, low, high (what is left open),
    partly_filled, filled_pct."""
    hi, lo = s.high, s.low
    n = len(s)
    later_lo = np.empty(n)
    later_hi = np.empty(n)
    later_lo[:-1] = np.minimum.accumulate(lo[::-1])[::-1][1:]
    later_hi[:-1] = np.maximum.accumulate(hi[::-1])[::-1][1:]
    later_lo[-1], later_hi[-1] = np.inf, -np.inf
    up = np.flatnonzero(lo[1:] > hi[:-1] * (1 + min_pct / 100)) + 1
    dn = np.flatnonzero(hi[1:] < lo[:-1] * (1 - min_pct / 100)) + 1
    u0, u1, um = hi[up - 1], lo[up], later_lo[up]
    keep = um > u0
    up, u0, u1, um = up[keep], u0[keep], u1[keep], um[keep]
    d0, d1, dm = hi[dn], lo[dn - 1], later_hi[dn]
    keep = dm < d1
    dn, d0, d1, dm = dn[keep], d0[keep], d1[keep], dm[keep]
    utop = np.minimum(u1, um)
    dbot = np.maximum(d0, dm)
    bar = np.r_[up, dn]
    order = np.argsort(bar, kind="stable")
    return {
        "bar": bar[order], "up": np.r_[np.ones(len(up), bool), np.zeros(len(dn), bool)][order],
        "gap_low": np.r_[u0, d0][order], "gap_high": np.r_[u1, d1][order],
        "low": np.r_[u0, dbot][order], "high": np.r_[utop, d1][order],
        "partly_filled": np.r_[um < u1, dm > d0][order],
        "filled_pct": np.r_[(u1 - utop) / (u1 - u0), (dbot - d0) / (d1 - d0)][order] * 100.0,
    }


def open_gaps(s: Series, min_pct: float = 0.2) -> list[dict]:
    """Every gap of ``s`` still (at least partly) open at its last bar, oldest first:
    ``{bar, direction, gap_low, gap_high, low, high, partly_filled, filled_pct}`` where
    ``low``/``high`` bound what is left open."""
    if len(s) < 2:
        return []
    g = _open(s, min_pct)
    return [_row(g, q) for q in range(len(g["bar"]))]


def _row(g: dict[str, np.ndarray], q: int) -> dict:
    return {"bar": int(g["bar"][q]), "direction": "up" if g["up"][q] else "down",
            "gap_low": float(g["gap_low"][q]), "gap_high": float(g["gap_high"][q]),
            "low": float(g["low"][q]), "high": float(g["high"][q]),
            "partly_filled": bool(g["partly_filled"][q]), "filled_pct": float(g["filled_pct"][q])}


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
    g = _open(s, min_pct)
    out: list[Finding] = []
    for role in ("support", "resistance"):
        below = role == "support"
        edge = g["high"] if below else g["low"]
        dist = (close / edge - 1.0) * 100.0
        ok = (g["bar"] < n - 1) & ((edge < close) if below else (edge > close)) & \
            (np.abs(dist) <= max_distance_pct)
        qs = np.flatnonzero(ok)
        qs = qs[np.lexsort((-g["bar"][qs], np.abs(dist[qs])))][:per_side]
        for q in qs.tolist():
            row = _row(g, q)
            row["dist"] = float(dist[q])
            out.append(_finding(s, role, row))
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

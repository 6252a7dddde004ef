"""Chart 3: two instruments on one daily chart, rebased to 0% at a common start.

The first instrument is blue and the second red (as in the reference post). Each one's
resistance level (its breakout level, else the nearest resistance zone or upside target)
is drawn in its colour at the same rebased scale, and a breakout is marked where it closed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.resample import cut
from ..findings import Finding
from ..story import numbers as fmt
from ..story import ranking
from ..story.names import Names
from . import style

MIN_SESSIONS, MAX_SESSIONS, DEFAULT_SESSIONS = 126, 260, 126


def level_of(findings: list[Finding], symbol: str, asof: str
             ) -> tuple[float, str, str | None] | None:
    """(price, label, since-date) of the level that matters for ``symbol`` on this chart:
    a breakout the close still holds, else the upside target at a prior high, else the
    nearest resistance zone."""
    b = ranking.standing_break(findings, symbol, asof)
    if b is not None and b.kind == "breakout":
        g = b.figures
        return (float(g["level"]), f"{symbol} broke its {fmt.month(g['prior_high_date'])} high "
                f"{fmt.level(g['level'])}", g["prior_high_date"])
    t, _first = ranking.best_target(findings, symbol)
    if t is not None:
        g = t.figures
        since = g.get("basis_date")
        src = str(g.get("source", ""))
        what = f"its {fmt.month(since)} high" if since and "zone" not in src else "resistance"
        return (float(g["level"]), f"{symbol} below {what} {fmt.level(g['level'])} "
                f"({fmt.pct(g['pct'], signed=True)})", since)
    z = ranking.nearest_zone(findings, symbol, "resistance")
    if z is not None:
        g = z.figures
        return (float(g["high"]), f"{symbol} resistance {fmt.level(g['low'])}-"
                f"{fmt.level(g['high'])}", g.get("last_touch"))
    return None


def alt_text(a: str, b: str, levels: dict, breakout: Finding | None, start: str,
             names: Names) -> str:
    s = (f"Daily chart of {names.the(a)} (blue) and {names.the(b)} (red), both rebased to a "
         f"common start")
    for lv in levels.values():
        if lv is not None:
            s += f"; dashed line: {lv[1]}"
    if breakout is not None:
        s += f"; {breakout.symbol}'s breakout on {fmt.date(breakout.date)} is marked"
    return s + "."


@style.styled
def render_overlay(bars_a: pd.DataFrame, bars_b: pd.DataFrame, a: str, b: str,
                   findings: list[Finding], asof: str, out_dir: Path, names: Names,
                   name: str = "overlay") -> style.Chart:
    """Draw chart 3 for the pair ``a`` (blue) / ``b`` (red) from their daily bars."""
    ca = cut(bars_a, asof)["close"]
    cb = cut(bars_b, asof)["close"]
    both = pd.concat([ca, cb], axis=1, keys=[a, b], join="inner").dropna()
    levels = {s: level_of(findings, s, asof) for s in (a, b)}
    since = [lv[2] for lv in levels.values() if lv and lv[2]]
    n = DEFAULT_SESSIONS
    if since:
        back = len(both) - int(both.index.searchsorted(pd.Timestamp(min(since))))
        n = int(np.clip(back + 21, MIN_SESSIONS, MAX_SESSIONS))
    d = both.iloc[-min(n, len(both)):]
    base = d.iloc[0]
    reb = (d / base - 1.0) * 100.0
    x = np.arange(len(d))
    fig, ax = style.figure()
    colours = {a: style.BLUE, b: style.RED}
    geo: dict = {"start": d.index[0].date().isoformat(), "levels": {}, "colours": colours,
                 "index": [t.date().isoformat() for t in d.index]}
    for sym in (a, b):
        ax.plot(x, reb[sym].to_numpy(float), color=colours[sym], linewidth=1.5,
                label=names.label(sym))
        lv = levels[sym]
        if lv is not None:
            y = (lv[0] / float(base[sym]) - 1.0) * 100.0
            x0 = style.position(d.index, lv[2]) if lv[2] and pd.Timestamp(lv[2]) >= d.index[0] \
                else 0
            ax.hlines(y, x0, len(d) - 1, colors=colours[sym], linestyles="--", linewidth=1.0,
                      label=lv[1])
            geo["levels"][sym] = {"price": lv[0], "rebased": y, "x0": x0}
    outs = [f for f in (ranking.standing_break(findings, s, asof) for s in (a, b))
            if f is not None and f.kind == "breakout" and pd.Timestamp(f.date) >= d.index[0]]
    brk = max(outs, key=lambda f: (ranking.score(f), f.date)) if outs else None
    if brk is not None:
        xb = style.position(d.index, brk.date)
        yb = float(reb[brk.symbol].iloc[xb])
        ax.scatter([xb], [yb], marker="^", s=70, color=colours[brk.symbol], zorder=5,
                   edgecolor="black", linewidth=0.6, label=f"{brk.symbol} breakout")
        geo["breakout"] = {"x": xb, "y": yb, "symbol": brk.symbol, "date": brk.date}
    ax.axhline(0, color="black", linewidth=0.6)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.35 * (hi - lo))  # headroom for the legend above the lines
    ax.yaxis.set_major_formatter(style.FuncFormatter(style.pct_axis))
    style.DateAxis(d.index).apply(ax)
    title = f"{names.label(a)} (blue) vs {names.label(b)} (red), daily, % change"
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", ncols=2)
    files = style.save(fig, out_dir, name)
    return style.Chart(name, title, alt_text(a, b, levels, brk, geo["start"], names), files, geo)

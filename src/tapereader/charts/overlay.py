"""Chart 3: two instruments on one daily chart, rebased to 0% at a common start.

The first instrument is blue and the second red (as in the reference post). Each one's
level from the plan (``chartplan.overlay_level``: its breakout level, else the upside target
or the nearest resistance) is drawn in its colour at the same rebased scale, and the plan's
breakout is marked where it closed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.resample import cut
from ..findings import Finding
from ..story import numbers as fmt
from ..story.chartplan import Band
from ..story.names import Names
from . import style

MIN_SESSIONS, MAX_SESSIONS, DEFAULT_SESSIONS = 126, 260, 126


def alt_text(a: str, b: str, levels: dict[str, Band | None], breakout: Finding | None,
             start: str, names: Names) -> str:
    s = (f"Daily chart of {names.the(a)} (blue) and {names.the(b)} (red), both rebased to 0% "
         f"on {fmt.date(start)}")
    for lv in levels.values():
        if lv is not None:
            s += f"; dashed line: {lv.label}"
    if breakout is not None:
        s += f"; {breakout.symbol}'s breakout on {fmt.date(breakout.date)} is marked"
    return s + "."


@style.styled
def render_overlay(bars_a: pd.DataFrame, bars_b: pd.DataFrame, a: str, b: str,
                   levels: list[Band] | tuple[Band, ...], breakout: Finding | None, asof: str,
                   out_dir: Path, names: Names, name: str = "overlay",
                   section: str = "") -> style.Chart:
    """Draw chart 3 for the pair ``a`` (blue) / ``b`` (red) from their daily bars, with each
    one's level (a ``Band`` of that symbol) and the ``breakout`` finding marked."""
    ca = cut(bars_a, asof)["close"]
    cb = cut(bars_b, asof)["close"]
    both = pd.concat([ca, cb], axis=1, keys=[a, b], join="inner").dropna()
    by_sym: dict[str, Band | None] = {s: next((lv for lv in levels if lv.symbol == s), None)
                                      for s in (a, b)}
    since = [lv.since for lv in by_sym.values() if lv and lv.since]
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
                label=names.label(sym), gid=f"rebased-{sym}")
        lv = by_sym[sym]
        if lv is not None:
            y = (lv.high / float(base[sym]) - 1.0) * 100.0
            x0 = style.position(d.index, lv.since) if lv.since and \
                pd.Timestamp(lv.since) >= d.index[0] else 0
            ax.hlines(y, x0, len(d) - 1, colors=colours[sym], linestyles="--", linewidth=1.0,
                      label=lv.label, gid=f"level-{sym}")
            geo["levels"][sym] = {"price": lv.high, "rebased": y, "x0": x0}
    brk = breakout if breakout is not None and breakout.symbol in colours \
        and pd.Timestamp(breakout.date) >= d.index[0] else None
    if brk is not None:
        xb = style.position(d.index, brk.date)
        yb = float(reb[brk.symbol].iloc[xb])
        ax.scatter([xb], [yb], marker="^", s=70, color=colours[brk.symbol], zorder=5,
                   edgecolor="black", linewidth=0.6, label=f"{brk.symbol} breakout")
        geo["breakout"] = {"x": xb, "y": yb, "symbol": brk.symbol, "date": brk.date}
    ax.axhline(0, color="black", linewidth=0.6, gid="axis-rule")
    ys = [reb.to_numpy(float).ravel()] + [[v["rebased"]] for v in geo["levels"].values()]
    lo, hi = float(np.nanmin(np.concatenate(ys))), float(np.nanmax(np.concatenate(ys)))
    pad = 0.06 * (hi - lo or 1.0)
    ax.set_ylim(lo - pad, hi + pad)
    style.pct_ticks(ax.yaxis, lo - pad, hi + pad)
    style.DateAxis(d.index).apply(ax)
    title = f"{names.label(a)} (blue) vs {names.label(b)} (red), daily, % change"
    ax.set_title(title, loc="left")
    style.margins(fig)
    style.place_legend(ax, fig, ncols=2, retick=lambda lo, hi: style.pct_ticks(ax.yaxis, lo, hi))
    files = style.save(fig, out_dir, name, layout=False)
    return style.Chart(name, title, alt_text(a, b, by_sym, brk, geo["start"], names), files,
                       geo, section=section)

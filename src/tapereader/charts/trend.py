"""Chart 1: weekly candles of an index with its trend line, the break and re-test, the zone.

The trend line is drawn through its first and last anchor (the swing lows of an uptrend,
the highs of a downtrend, read from the weekly bars at the anchor dates), on the scale the
finding was drawn on (log by default), from the first anchor to a few weeks past ``asof``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.resample import cut, resample
from ..findings import Finding
from ..story import numbers as fmt
from ..story.names import Names
from . import style

LOOKBACK_WEEKS = 30   # weeks shown before the first anchor
MIN_WEEKS = 78        # at least this many weeks on the chart
EXTEND_WEEKS = 4      # the line runs this far past asof


def line_value(x: float, x0: float, y0: float, x1: float, y1: float, log: bool) -> float:
    """The value at ``x`` of the line through (x0, y0) and (x1, y1), straight on its scale."""
    if log:
        return float(np.exp(np.log(y0) + (np.log(y1) - np.log(y0)) * (x - x0) / (x1 - x0)))
    return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))


def _title(line: Finding, names: Names) -> str:
    g = line.figures
    state = {"retesting": "broken and re-tested", "broken": "broken",
             "intact": "holding"}.get(g.get("state"), str(g.get("state")))
    return f"{names.label(line.symbol)}, weekly: {g['direction']}trend line {state}"


def alt_text(line: Finding, zone: Finding | None, names: Names) -> str:
    g = line.figures
    up = g["direction"] == "up"
    parts = [f"Weekly candlestick chart of {names.the(line.symbol)} on a {g.get('scale', 'log')} "
             f"scale with the {g['direction']}trend line from the {fmt.date(g['anchors'][0])} "
             f"{'low' if up else 'high'}, now near {fmt.level(g['value_at_asof'])}"]
    if g.get("break_date"):
        parts.append(f"the line broke in the week of {fmt.date(g['break_date'])}")
    if g.get("state") == "retesting":
        parts.append("price is re-testing it from " + ("below" if up else "above"))
    if zone is not None:
        z = zone.figures
        parts.append(f"the {z['role']} zone at {fmt.level(z['low'])}-{fmt.level(z['high'])} "
                     f"is shaded")
    return "; ".join(parts) + "."


@style.styled
def render_trend(bars: pd.DataFrame, line: Finding, asof: str, out_dir: Path, names: Names,
                 zone: Finding | None = None, name: str = "trend") -> style.Chart:
    """Draw chart 1 for ``line`` (a ``trendline`` finding) on the symbol's daily ``bars``."""
    g = line.figures
    weekly = resample(cut(bars, asof), "weekly", asof)
    anchors = list(g["anchors"])
    first = style.position(weekly.index, anchors[0])
    start = max(0, min(first - LOOKBACK_WEEKS, len(weekly) - MIN_WEEKS))
    w = weekly.iloc[start:]
    up = g["direction"] == "up"
    log = g.get("scale", "log") != "linear"
    col = "low" if up else "high"
    prices = g.get("anchor_prices")
    pts = []
    for k, a in enumerate(anchors):
        x = style.position(w.index, a)
        y = float(prices[k]) if prices and len(prices) == len(anchors) else float(w[col].iloc[x])
        pts.append((x, y))
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    if x1 == x0:
        raise ValueError(f"{line.symbol}: trend line anchors {anchors} fall in the same week")
    xe = len(w) - 1 + EXTEND_WEEKS
    ye = line_value(xe, x0, y0, x1, y1, log)
    xa = len(w) - 1
    fig, ax = style.figure()
    style.candles(ax, w)
    if log:
        ax.set_yscale("log")
    ax.plot([x0, xe], [y0, ye], color=style.LINE, linewidth=1.6, zorder=4,
            label=f"{g['direction']}trend line from the {fmt.month(anchors[0])} "
                  f"{'low' if up else 'high'}")
    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=28, facecolor="none",
               edgecolor=style.LINE, linewidth=1.2, zorder=5, label="anchors")
    geo = {"line": {"x0": x0, "y0": y0, "x1": xe, "y1": ye, "log": log,
                    "date0": anchors[0], "asof_value": line_value(xa, x0, y0, x1, y1, log)},
           "anchors": [{"date": a, "x": p[0], "y": p[1]}
                       for a, p in zip(anchors, pts, strict=True)],
           "index": [d.date().isoformat() for d in w.index]}
    if g.get("break_date"):
        xb = style.position(w.index, g["break_date"])
        yb = float(w["close"].iloc[xb])
        tint = style.DOWN if up else style.UP
        ax.annotate("break", (xb, yb), xytext=(-12, -30 if up else 30),
                    textcoords="offset points", ha="right", fontsize=8, color=tint,
                    arrowprops={"arrowstyle": "->", "color": tint})
        geo["break"] = {"x": xb, "y": yb, "date": g["break_date"]}
    if g.get("state") == "retesting":
        yr = float(w["close"].iloc[xa])
        ax.annotate("re-test", (xa, yr), xytext=(0, -48 if up else 48),
                    textcoords="offset points", ha="center", fontsize=8, color=style.LINE,
                    arrowprops={"arrowstyle": "->", "color": style.LINE})
        geo["retest"] = {"x": xa, "y": yr}
    if zone is not None:
        z = zone.figures
        ax.axhspan(z["low"], z["high"], color=style.ZONE, alpha=0.3, zorder=1,
                   label=f"{z['role']} {fmt.level(z['low'])}-{fmt.level(z['high'])}")
        geo["zone"] = {"low": float(z["low"]), "high": float(z["high"]), "role": z["role"]}
    lo = float(min(w["low"].min(), y0, ye))
    hi = float(max(w["high"].max(), y0, ye))
    style.price_ticks(ax, lo * 0.97, hi * 1.03, log)
    style.DateAxis(w.index, EXTEND_WEEKS).apply(ax)
    title = _title(line, names)
    ax.set_title(title, loc="left")
    ax.set_ylabel(f"{'log ' if log else ''}price")
    ax.legend(loc="upper left")
    files = style.save(fig, out_dir, name)
    return style.Chart(name, title, alt_text(line, zone, names), files, geo)

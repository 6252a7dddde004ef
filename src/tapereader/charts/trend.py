"""Chart 1: candles of an index with its trend line, the break and re-test, the zone.

Weekly candles for a weekly line (the usual case), daily candles for a daily one: a line is
straight in the bar positions of the timeframe it was found on.

The trend line is drawn, on the scale it was found on (log by default), from its first
anchor (``anchor_prices[0]``, else the bar's low for an uptrend / high for a downtrend at
the anchor date) through ``value_at_asof`` on the last bar, and a few bars beyond: both
points are the finding's own figures, so the drawn line is the engine's line. The other
anchors are swing points within the detector's touch tolerance of it. Without
``value_at_asof`` the line runs through the first and last anchors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.resample import cut, resample
from ..findings import Finding
from ..story import numbers as fmt
from ..story.chartplan import Band, zone_band
from ..story.names import Names
from . import style

# per timeframe: bars shown before the first anchor, at least this many bars on the chart,
# and how far past asof the line runs
LOOKBACK = {"weekly": 30, "daily": 60}
MIN_BARS = {"weekly": 78, "daily": 180}
EXTEND = {"weekly": 4, "daily": 10}


def line_value(x: float, x0: float, y0: float, x1: float, y1: float, log: bool) -> float:
    """The value at ``x`` of the line through (x0, y0) and (x1, y1), straight on its scale."""
    if log:
        return float(np.exp(np.log(y0) + (np.log(y1) - np.log(y0)) * (x - x0) / (x1 - x0)))
    return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))


def _title(line: Finding, names: Names) -> str:
    g = line.figures
    state = {"retesting": "broken and re-tested", "broken": "broken",
             "intact": "holding"}.get(str(g.get("state")), str(g.get("state")))
    return f"{names.label(line.symbol)}, {line.timeframe}: {g['direction']}trend line {state}"


def alt_text(line: Finding, zone: Band | None, names: Names) -> str:
    g = line.figures
    up = g["direction"] == "up"
    parts = [f"{line.timeframe.capitalize()} candlestick chart of {names.the(line.symbol)} "
             f"on a {g.get('scale', 'log')} scale with the {g['direction']}trend line "
             f"from the {fmt.date(g['anchors'][0])} "
             f"{'low' if up else 'high'}, now near {fmt.level(g['value_at_asof'])}"]
    if g.get("break_date"):
        parts.append(f"the line broke in the week of {fmt.date(g['break_date'])}")
    if g.get("state") == "retesting":
        parts.append("price is re-testing it from " + ("below" if up else "above"))
    if zone is not None:
        parts.append(f"the {zone.label} level is drawn" if zone.is_level
                     else f"the {zone.label} zone is shaded")
    return "; ".join(parts) + "."


@style.styled
def render_trend(bars: pd.DataFrame, line: Finding, asof: str, out_dir: Path, names: Names,
                 zone: Band | Finding | None = None, name: str = "trend",
                 section: str = "") -> style.Chart:
    """Draw chart 1 for ``line`` (a ``trendline`` finding) on the symbol's daily ``bars``;
    ``zone`` is shaded (a zone of one price is drawn as a dashed level)."""
    if isinstance(zone, Finding):
        zone = zone_band(zone)
    g = line.figures
    tf = line.timeframe
    daily = cut(bars, asof)
    frame = resample(daily, "weekly", asof) if tf == "weekly" else daily
    anchors = list(g["anchors"])
    first = style.position(frame.index, anchors[0])
    start = max(0, min(first - LOOKBACK[tf], len(frame) - MIN_BARS[tf]))
    w = frame.iloc[start:]
    up = g["direction"] == "up"
    log = g.get("scale", "log") != "linear"
    col = "low" if up else "high"
    prices = g.get("anchor_prices")
    pts = []
    for k, a in enumerate(anchors):
        x = style.position(w.index, a)
        y = float(prices[k]) if prices and len(prices) == len(anchors) else float(w[col].iloc[x])
        pts.append((x, y))
    xa = len(w) - 1
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    if g.get("value_at_asof") is not None and xa > x0:
        x1, y1 = xa, float(g["value_at_asof"])
    if x1 == x0:
        raise ValueError(f"{line.symbol}: trend line anchors {anchors} fall on one bar")
    xe = len(w) - 1 + EXTEND[tf]
    ye = line_value(xe, x0, y0, x1, y1, log)
    fig, ax = style.figure()
    style.candles(ax, w)
    if log:
        ax.set_yscale("log")
    ax.plot([x0, xe], [y0, ye], color=style.LINE, linewidth=1.6, zorder=4, gid="trendline",
            label=f"{g['direction']}trend line from the {fmt.month(anchors[0])} "
                  f"{'low' if up else 'high'}")
    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=28, facecolor="none",
               edgecolor=style.LINE, linewidth=1.2, zorder=5, label="anchors", gid="markers")
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
        if zone.is_level:
            ax.axhline(zone.low, color=style.ZONE, linewidth=1.4, linestyle="--", zorder=1,
                       label=zone.label, gid="level")
        else:
            ax.axhspan(zone.low, zone.high, color=style.ZONE, alpha=0.3, zorder=1,
                       label=zone.label, gid="zone")
        geo["zone"] = {"low": zone.low, "high": zone.high, "role": zone.role}
    lo = float(min(w["low"].min(), y0, ye))
    hi = float(max(w["high"].max(), y0, ye))
    style.price_ticks(ax, lo * 0.97, hi * 1.03, log)
    style.DateAxis(w.index, EXTEND[tf]).apply(ax)
    title = _title(line, names)
    ax.set_title(title, loc="left")
    ax.set_ylabel(f"{'log ' if log else ''}price")
    style.margins(fig)
    style.place_legend(ax, fig, retick=lambda lo, hi: style.price_ticks(ax, lo, hi, log))
    files = style.save(fig, out_dir, name, layout=False)
    return style.Chart(name, title, alt_text(line, zone, names), files, geo, section=section)

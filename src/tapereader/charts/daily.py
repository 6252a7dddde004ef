"""The benchmark's daily chart: a year of candles with the 50- and 200-day averages, its
levels (the closing high, the nearest zones) and, on a fear day, a VIX panel below.

The averages are TA-Lib's SMA over the whole history up to ``asof`` (so the 200-day line
exists from the chart's first bar); the chart shows the last ``SESSIONS`` sessions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import talib

from ..data.resample import cut
from ..story import numbers as fmt
from ..story.chartplan import Band, ChartSpec
from ..story.names import Names
from . import style

SESSIONS = 252
AVG_COLOURS = {50: style.BLUE, 200: style.ANALOG}
VIX_COLOUR = "#6a1b9a"
MAX_REACH = 0.15  # levels drawn only within this share of the price range beyond it


def sma(close: pd.Series, window: int) -> np.ndarray:
    """TA-Lib's simple moving average of ``close`` (NaN until ``window`` closes exist)."""
    c = close.to_numpy(dtype=float)
    if len(c) < window:
        return np.full(len(c), np.nan)
    return talib.SMA(c, timeperiod=window)


def draw_band(ax: style.Axes, b: Band, x0: int, x1: int, colour: str) -> None:
    """A zone as a shaded band (gid ``zone``), a level as a dashed line (gid ``level``)."""
    if b.is_level:
        ax.hlines(b.low, x0, x1, colors=colour, linestyles="--", linewidth=1.0, label=b.label,
                  gid="level", zorder=3)
    else:
        ax.axhspan(b.low, b.high, color=style.ZONE, alpha=0.3, zorder=1, label=b.label,
                   gid="zone")


def alt_text(symbol: str, close: float, avgs: dict[int, float], drawn: list[Band],
             vix: tuple[float, float | None] | None, names: Names) -> str:
    parts = [f"Daily candlestick chart of {names.the(symbol)} over the last year, closing at "
             f"{fmt.level(close)}"]
    for w, v in avgs.items():
        side = "above" if close > v else "below"
        parts.append(f"{side} its {w}-day average ({fmt.level(v)})")
    for b in drawn:
        parts.append(f"the {b.label} is marked" if b.is_level else f"the {b.label} zone is shaded")
    if vix is not None:
        s = f"the lower panel shows the VIX, which closed at {fmt.level(vix[0])}"
        if vix[1] is not None:
            s += f" ({fmt.pct(vix[1], signed=True)} on the day)"
        parts.append(s)
    return "; ".join(parts) + "."


@style.styled
def render_benchmark(spec: ChartSpec, bars: dict[str, pd.DataFrame], asof: str, out_dir: Path,
                     names: Names) -> style.Chart:
    """Draw the benchmark daily chart for ``spec`` (kind ``benchmark``)."""
    sym = spec.symbols[0]
    daily = cut(bars[sym], asof)
    if len(daily) < 2:
        raise ValueError(f"{sym}: fewer than two sessions up to {asof}")
    avgs_full = {w: sma(daily["close"], w) for w in spec.averages}
    n = min(SESSIONS, len(daily))
    d = daily.iloc[-n:]
    x = np.arange(n)
    panel = spec.panel if spec.panel and spec.panel in bars else None
    fig = style.Figure(figsize=(style.WIDTH_IN, style.HEIGHT_IN), dpi=style.DPI)
    if panel:
        gs = fig.add_gridspec(2, 1, height_ratios=(3, 1), hspace=0.08)
        ax = fig.add_subplot(gs[0])
        axv = fig.add_subplot(gs[1], sharex=ax)
    else:
        ax, axv = fig.add_subplot(), None
    ax.tick_params(labelsize=8.5)
    style.candles(ax, d)
    geo: dict = {"index": [t.date().isoformat() for t in d.index], "averages": {},
                 "levels": [], "symbol": sym}
    last: dict[int, float] = {}
    for w, full in avgs_full.items():
        y = full[-n:]
        if np.isfinite(y).any():
            ax.plot(x, y, color=AVG_COLOURS.get(w, style.GREY), linewidth=1.3, zorder=4,
                    label=f"{w}-day average", gid=f"sma{w}")
            geo["averages"][w] = y.tolist()
            if np.isfinite(y[-1]):
                last[w] = float(y[-1])
    lo, hi = float(d["low"].min()), float(d["high"].max())
    drawn: list[Band] = []
    for b in spec.levels:
        if not (lo - MAX_REACH * (hi - lo) <= b.low and b.high <= hi + MAX_REACH * (hi - lo)):
            continue  # far off the year's range: it would squash the candles
        x0 = style.position(d.index, b.since) if b.since and pd.Timestamp(b.since) >= d.index[0] \
            else 0
        draw_band(ax, b, x0, n - 1, style.GREY if b.role == "high" else style.LINE)
        drawn.append(b)
        geo["levels"].append({"low": b.low, "high": b.high, "role": b.role, "x0": x0})
    for b in drawn:
        lo, hi = min(lo, b.low), max(hi, b.high)
    for y in geo["averages"].values():
        fin = [v for v in y if np.isfinite(v)]
        if fin:
            lo, hi = min(lo, *fin), max(hi, *fin)
    pad = (hi - lo) * 0.04
    style.price_ticks(ax, lo - pad, hi + pad, log=False)
    dates = style.DateAxis(d.index)
    avg_words = " and ".join(f"{w}-day" for w in spec.averages)
    title = f"{names.label(sym)}, daily, with its {avg_words} averages"
    vix_info = None
    if axv is not None and panel:
        v = cut(bars[panel], asof)["close"].reindex(d.index)
        vy = v.to_numpy(float)
        axv.plot(x, vy, color=VIX_COLOUR, linewidth=1.1, gid="panel", label=names.label(panel))
        if spec.panel_level is not None:
            axv.axhline(spec.panel_level, color=style.GREY, linewidth=0.8, linestyle=":",
                        gid="axis-rule")
        if np.isfinite(vy[-1]):
            axv.annotate(fmt.level(vy[-1]), (n - 1, vy[-1]), xytext=(-4, 0),
                         textcoords="offset points", ha="right", va="center", fontsize=7.5,
                         color=VIX_COLOUR)
        fin = vy[np.isfinite(vy)]
        vlo, vhi = (float(fin.min()), float(fin.max())) if len(fin) else (0.0, 1.0)
        if spec.panel_level is not None:
            vlo, vhi = min(vlo, spec.panel_level), max(vhi, spec.panel_level)
        style.price_ticks(axv, vlo * 0.9, vhi * 1.08, log=False, nbins=3)
        axv.set_ylabel(names.label(panel), fontsize=8)
        axv.tick_params(labelsize=8)
        dates.apply(axv)
        ax.tick_params(labelbottom=False)
        geo["panel"] = {"symbol": panel, "close": vy.tolist()}
        pct = None
        pv = v.dropna()
        if len(pv) >= 2:
            pct = float((pv.iloc[-1] / pv.iloc[-2] - 1) * 100)
        vix_info = (float(pv.iloc[-1]), pct) if len(pv) else None
        title += f" and the {names.label(panel)}"
    dates.apply(ax)
    ax.set_title(title, loc="left")
    ax.set_ylabel("price")
    style.margins(fig, left=0.1, bottom=0.08 if panel else 0.1)
    style.place_legend(ax, fig, ncols=2,
                       retick=lambda lo, hi: style.price_ticks(ax, lo, hi, log=False))
    files = style.save(fig, out_dir, spec.name, layout=False)
    alt = alt_text(sym, float(d["close"].iloc[-1]), last, drawn, vix_info, names)
    return style.Chart(spec.name, title, alt, files, geo, section=spec.section)

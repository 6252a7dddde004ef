"""Chart 2: the leader's weekly chart with its channels and the best past analog's channel.

Channels are drawn from their findings' own regression (``intercept_log`` and
``slope_log_per_bar`` when the detector provides them: log(close) = a + b * (bar - start)),
with the edges at the band's ``upper_at_end``/``lower_at_end`` ratio; on a log scale they are
parallel straight lines, as a chartist draws them. The analog's channel is fitted the same
way (least squares on log closes) over the analog's dates, for drawing only.
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

MARGIN_WEEKS = 12
COLOURS = (style.BLUE, style.GREY, "#00897b")


def _fit(logc: np.ndarray) -> tuple[float, float, float, float]:
    """Least-squares line of log closes: intercept, slope per bar, min and max residual."""
    x = np.arange(len(logc), dtype=float)
    b, a = np.polyfit(x, logc, 1)
    res = logc - (a + b * x)
    return float(a), float(b), float(res.min()), float(res.max())


def channel_lines(w: pd.DataFrame, start_iso: str, end_iso: str, figures: dict | None = None
                  ) -> dict:
    """Mid, upper and lower lines of a channel over ``start..end`` in bar positions of ``w``."""
    i0, i1 = style.position(w.index, start_iso), style.position(w.index, end_iso)
    logc = np.log(w["close"].to_numpy(float)[i0:i1 + 1])
    a, b, lo, hi = _fit(logc)
    if figures and figures.get("intercept_log") is not None \
            and figures.get("slope_log_per_bar") is not None:
        a, b = float(figures["intercept_log"]), float(figures["slope_log_per_bar"])
        res = logc - (a + b * np.arange(len(logc)))
        lo, hi = float(res.min()), float(res.max())
    x = np.array([i0, i1], dtype=float)
    mid = np.exp(a + b * (x - i0))
    return {"x": [i0, i1], "mid": mid.tolist(), "upper": (mid * np.exp(hi)).tolist(),
            "lower": (mid * np.exp(lo)).tolist(), "intercept_log": a, "slope_log_per_bar": b,
            "start": start_iso, "end": end_iso}


def alt_text(sym: str, channels: list[Finding], analog: Finding | None, names: Names) -> str:
    parts = [f"Weekly chart of {names.the(sym)} on a log scale"]
    for c in channels:
        g = c.figures
        up = float(g["slope_pct_per_year"]) >= 0
        parts.append(f"the channel since {fmt.month(g['start_date'])} "
                     f"{'climbs' if up else 'falls'} "
                     f"{fmt.pct(g['slope_pct_per_year'], absolute=True)} a year "
                     f"({fmt.number(abs(float(g['slope_points_per_week'])))} points a week)")
    if analog is not None:
        g = analog.figures
        s = (f"the past rally from {fmt.month(g['past_start'])} to {fmt.month(g['past_end'])} "
             f"is drawn as a parallel channel")
        if g.get("after_max_drawdown_pct") is not None:
            drop = fmt.pct(g["after_max_drawdown_pct"], absolute=True)
            s += f", followed by a drop of up to {drop}"
        parts.append(s)
    return "; ".join(parts) + "."


@style.styled
def render_channels(bars: pd.DataFrame, symbol: str, channels: list[Finding],
                    analog: Finding | None, asof: str, out_dir: Path, names: Names,
                    name: str = "channels", section: str = "") -> style.Chart:
    """Draw chart 2: weekly closes of ``symbol``, its channels (newest first in the legend),
    and the analog's channel with what followed it."""
    weekly = resample(cut(bars, asof), "weekly", asof)
    starts = [c.figures["start_date"] for c in channels]
    if analog is not None:
        starts.append(analog.figures["past_start"])
    first = min(starts) if starts else weekly.index[max(0, len(weekly) - 260)].date().isoformat()
    start = max(0, style.position(weekly.index, first) - MARGIN_WEEKS)
    w = weekly.iloc[start:]
    fig, ax = style.figure()
    x = np.arange(len(w))
    ax.plot(x, w["close"].to_numpy(float), color="#222222", linewidth=1.0,
            label=f"{names.label(symbol)} weekly close", gid="close")
    ax.set_yscale("log")
    geo: dict = {"channels": [], "index": [d.date().isoformat() for d in w.index]}
    ordered = sorted(channels, key=lambda c: c.figures["start_date"], reverse=True)
    ordered = ordered[:1] + ordered[-1:] if len(ordered) > 2 else ordered
    for k, c in enumerate(ordered):
        g = c.figures
        ln = channel_lines(w, g["start_date"], g["end_date"], g)
        col = COLOURS[min(k, len(COLOURS) - 1)]
        lw = 1.6 if k == 0 else 1.0
        ax.plot(ln["x"], ln["mid"], color=col, linewidth=0.8, linestyle="--")
        ax.plot(ln["x"], ln["upper"], color=col, linewidth=lw, gid=f"channel-{k}-upper",
                label=f"since {fmt.month(g['start_date'])}: {fmt.pct(g['slope_pct_per_year'])}/yr, "
                      f"{fmt.number(g['slope_points_per_week'])} pts/wk")
        ax.plot(ln["x"], ln["lower"], color=col, linewidth=lw, gid=f"channel-{k}-lower")
        geo["channels"].append({"finding": g["start_date"], **ln})
    if analog is not None:
        g = analog.figures
        ln = channel_lines(w, g["past_start"], g["past_end"])
        lab = f"analog {fmt.month(g['past_start'])} - {fmt.month(g['past_end'])}"
        if g.get("past_slope_points_per_week") is not None:
            lab += f": {fmt.number(g['past_slope_points_per_week'])} pts/wk"
        ax.plot(ln["x"], ln["upper"], color=style.ANALOG, linewidth=1.4, label=lab,
                gid="analog-upper")
        ax.plot(ln["x"], ln["lower"], color=style.ANALOG, linewidth=1.4, gid="analog-lower")
        ax.plot(ln["x"], ln["mid"], color=style.ANALOG, linewidth=0.8, linestyle="--")
        geo["analog"] = ln
        if g.get("after_trough_date") and g.get("after_max_drawdown_pct") is not None:
            xt = style.position(w.index, g["after_trough_date"])
            yt = float(w["close"].iloc[xt])
            ax.annotate(f"then {fmt.pct(g['after_max_drawdown_pct'], signed=True)}\n"
                        f"by {fmt.month(g['after_trough_date'])}", (xt, yt),
                        xytext=(0, -34), textcoords="offset points", ha="center", fontsize=8,
                        color=style.ANALOG,
                        arrowprops={"arrowstyle": "->", "color": style.ANALOG})
            geo["trough"] = {"x": xt, "y": yt}
    lo, hi = float(w["close"].min()), float(w["close"].max())
    for c in geo["channels"] + ([geo["analog"]] if "analog" in geo else []):
        lo, hi = min(lo, *c["lower"]), max(hi, *c["upper"])
    style.price_ticks(ax, lo * 0.9, hi * 1.06, log=True)
    style.DateAxis(w.index).apply(ax)
    title = f"{names.label(symbol)}, weekly: trend channels"
    if analog is not None:
        title += " and the closest past analog"
    ax.set_title(title, loc="left")
    ax.set_ylabel("log price")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=2, frameon=False)
    files = style.save(fig, out_dir, name, bottom=0.24)
    return style.Chart(name, title, alt_text(symbol, channels, analog, names), files, geo,
                       section=section)

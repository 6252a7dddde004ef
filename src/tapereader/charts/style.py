"""Shared chart style and plumbing: sizes for email width, colours, date axes, saving.

Every chart is 7 x 4 inches at 100 dpi (700 x 400 px, the width of an email) and is written
twice: SVG for the web page, PNG for mail. Weekly and daily bars are drawn at integer x
positions (one per bar, no gaps for weekends and holidays); ``DateAxis`` labels them with
dates, so geometry returned by the renderers is in (bar position, price) coordinates.
Figures are made without pyplot (no global figure registry, no GUI backend): ``savefig``
picks the Agg canvas for PNG and the SVG canvas for SVG by itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

P = ParamSpec("P")
R = TypeVar("R")
WIDTH_IN, HEIGHT_IN, DPI = 7.0, 4.0, 100
BLUE, RED = "#1f5fbf", "#d62728"
UP, DOWN = "#2e7d32", "#c62828"
ZONE = "#f5a623"
LINE = "#6a1b9a"
GREY = "#7f7f7f"
ANALOG = "#ef6c00"
RC = {
    "font.size": 9, "axes.titlesize": 10.5, "axes.titleweight": "bold", "axes.labelsize": 9,
    "legend.fontsize": 8, "legend.framealpha": 0.9, "axes.grid": True, "grid.alpha": 0.25,
    "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "tapereader",
    "svg.fonttype": "none", "figure.dpi": DPI, "savefig.dpi": DPI,
}


@dataclass
class Chart:
    """A rendered chart: file names (relative to the output folder), title, alt text, geometry."""

    name: str
    title: str
    alt: str
    files: dict[str, str] = field(default_factory=dict)
    geometry: dict[str, Any] = field(default_factory=dict)


def styled(render: Callable[P, R]) -> Callable[P, R]:
    """Run a renderer under the shared rcParams (without changing the process's defaults)."""

    @functools.wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with rc_context(RC):
            return render(*args, **kwargs)

    return wrapper


def figure() -> tuple[Figure, Axes]:
    """A 700 x 400 px figure with one axes (call inside a ``styled`` renderer)."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=8.5)
    return fig, ax


def price_ticks(ax: Axes, lo: float, hi: float, log: bool, suffix: str = "") -> None:
    """Round-number price ticks (also on a log axis, where matplotlib would print 10^3)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    ticks = [t for t in MaxNLocator(nbins=6).tick_values(lo, hi)
             if lo <= t <= hi and (t > 0 or not log)]
    span = hi - lo
    dec = 0 if span >= 20 else (1 if span >= 2 else 2)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    if log:
        ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.{dec}f}{suffix}"))
    ax.set_ylim(lo, hi)


class DateAxis:
    """Labels integer bar positions with their dates (months or years, by span)."""

    def __init__(self, index: pd.DatetimeIndex, extra: int = 0):
        self.index = index
        self.extra = extra

    def date_of(self, x: float) -> pd.Timestamp | None:
        i = round(x)
        if 0 <= i < len(self.index):
            return self.index[i]
        return None

    def ticks(self, max_ticks: int = 8) -> tuple[list[int], str]:
        """Positions of the first bar of each year, quarter or month (whichever fits)."""
        idx = self.index
        for freq, fmt in (("M", "%b %Y"), ("Q", "%b %Y"), ("Y", "%Y"), ("2Y", "%Y"),
                          ("5Y", "%Y")):
            if freq.endswith("Y"):
                step = int(freq[:-1] or 1)
                key = idx.year // step
            else:
                key = idx.to_period(freq).asi8
            pos = [0] + [int(i) for i in np.flatnonzero(np.diff(key)) + 1]
            if len(pos) > 1 and pos[1] < 3:  # a stub first period: start at the next one
                pos = pos[1:]
            if len(pos) <= max_ticks:
                return pos, fmt
        return pos, "%Y"

    def apply(self, ax: Axes) -> None:
        from matplotlib.ticker import FixedLocator

        pos, fmt = self.ticks()

        def label(x: float, _pos: int) -> str:
            d = self.date_of(x)
            return d.strftime(fmt) if d is not None else ""

        ax.xaxis.set_major_locator(FixedLocator(pos))
        ax.xaxis.set_major_formatter(FuncFormatter(label))
        ax.set_xlim(-1, len(self.index) - 1 + self.extra + 1)


def position(index: pd.DatetimeIndex, iso: str) -> int:
    """Bar position of a date: the first bar on or after it (a weekly bar contains the date)."""
    i = int(index.searchsorted(pd.Timestamp(iso)))
    return min(i, len(index) - 1)


def candles(ax: Axes, bars: pd.DataFrame, width: float = 0.6) -> None:
    """OHLC candles at integer positions (green up, red down)."""
    x = np.arange(len(bars))
    o, h, lo, c = (bars[k].to_numpy(float) for k in ("open", "high", "low", "close"))
    up = c >= o
    from matplotlib.collections import PolyCollection

    for mask, col in ((up, UP), (~up, DOWN)):
        ax.vlines(x[mask], lo[mask], h[mask], color=col, linewidth=0.7, zorder=2)
        xs, b, t = x[mask], np.minimum(o, c)[mask], np.maximum(o, c)[mask]
        left, right = xs - width / 2, xs + width / 2
        verts = np.stack([np.column_stack([left, b]), np.column_stack([left, t]),
                          np.column_stack([right, t]), np.column_stack([right, b])], axis=1)
        ax.add_collection(PolyCollection(verts, facecolors=col, edgecolors=col, linewidths=0.5,
                                         zorder=3))


def pct_axis(v: float, _pos: int = 0) -> str:
    """Axis label for a percentage: ``+5%``, ``0%``, ``-2%``."""
    return "0%" if round(v) == 0 else f"{v:+.0f}%"


def save(fig: Figure, out_dir: Path, name: str, left: float = 0.1,
         bottom: float = 0.1) -> dict[str, str]:
    """Write ``name.svg`` and ``name.png`` into ``out_dir``; return the relative file names."""
    fig.subplots_adjust(left=left, right=0.98, top=0.92, bottom=bottom)
    files = {}
    for ext in ("svg", "png"):
        path = Path(out_dir) / f"{name}.{ext}"
        meta = {"Date": None} if ext == "svg" else {"Software": None}
        fig.savefig(path, format=ext, metadata=meta)
        files[ext] = path.name
    fig.clear()
    return files

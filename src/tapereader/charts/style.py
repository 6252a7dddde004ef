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
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

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
    section: str = ""      # the note section it illustrates (from the plan)


def styled(render: Callable[P, R]) -> Callable[P, R]:
    """Run a renderer under the shared rcParams (without changing the process's defaults)."""

    @functools.wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with rc_context(RC):  # type: ignore[arg-type]
            return render(*args, **kwargs)

    return wrapper


def figure() -> tuple[Figure, Axes]:
    """A 700 x 400 px figure with one axes (call inside a ``styled`` renderer)."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=8.5)
    return fig, ax


def decimals(ticks: list[float] | np.ndarray, most: int = 4) -> int:
    """The fewest decimals that print every tick exactly (0.25 steps need two, not one)."""
    for dec in range(most + 1):
        if all(abs(round(float(t), dec) - float(t)) <= 1e-9 * max(1.0, abs(float(t)))
               for t in ticks):
            return dec
    return most


def price_ticks(ax: Axes, lo: float, hi: float, log: bool, suffix: str = "",
                nbins: int = 6) -> None:
    """Round-number price ticks (also on a log axis, where matplotlib would print 10^3).

    Each label prints its tick's value exactly (the decimals follow the tick step)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    ticks = [float(t) for t in MaxNLocator(nbins=nbins).tick_values(lo, hi)
             if lo <= t <= hi and (t > 0 or not log)]
    dec = decimals(ticks)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    if log:
        ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.{dec}f}{suffix}"))
    ax.set_ylim(lo, hi)


def pct_ticks(axis: Any, lo: float, hi: float) -> None:
    """Percent ticks on ``axis`` (``ax.xaxis`` or ``ax.yaxis``) whose labels equal their values:
    whole percents when the range allows, else the step's own decimals (``+2.5%``)."""
    from matplotlib.ticker import FixedLocator

    loc = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
    ticks = [float(t) for t in loc.tick_values(lo, hi) if lo - 1e-9 <= t <= hi + 1e-9]
    dec = decimals(ticks)
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _p: pct_label(v, dec)))


def pct_label(v: float, dec: int = 0) -> str:
    """``+5%``, ``0%``, ``-2.5%``: the value at ``dec`` decimals, signed, zero unsigned."""
    text = f"{v:+.{dec}f}"
    return "0%" if float(text) == 0 else f"{text}%"


class DateAxis:
    """Labels integer bar positions with their dates (months or years, by span)."""

    def __init__(self, index: pd.Index, extra: int = 0):
        self.index = pd.DatetimeIndex(index)
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
                key = np.asarray(idx.year // step)
            else:
                key = np.asarray(idx.to_period(freq).asi8)
            pos = [0] + [int(i) for i in np.flatnonzero(np.diff(key)) + 1]
            if len(pos) > 2 and pos[1] - pos[0] < 0.6 * float(np.median(np.diff(pos[1:]))):
                pos = pos[1:]  # a stub first period: its label would run into the next one
            elif len(pos) == 2 and pos[1] < 3:
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


def position(index: pd.Index, iso: str) -> int:
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
        ax.add_collection(PolyCollection(list(verts), facecolors=col, edgecolors=col,
                                         linewidths=0.5, zorder=3))


def margins(fig: Figure, left: float = 0.1, bottom: float = 0.1) -> None:
    """The figure's margins (set before ``place_legend``, which needs the final layout)."""
    fig.subplots_adjust(left=left, right=0.98, top=0.92, bottom=bottom)


_CAPTURE: list[list[Figure]] = []


@contextmanager
def capture() -> Iterator[list[Figure]]:
    """Keep the figures ``save`` writes (instead of clearing them), to read their artists back
    in tests: ``with capture() as figs: render(...)`` then ``figs[-1].axes[0].lines``."""
    figs: list[Figure] = []
    _CAPTURE.append(figs)
    try:
        yield figs
    finally:
        _CAPTURE.remove(figs)


_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")


def save(fig: Figure, out_dir: Path, name: str, left: float = 0.1,
         bottom: float = 0.1, layout: bool = True) -> dict[str, str]:
    """Write ``name.svg`` and ``name.png`` into ``out_dir``; return the relative file names.

    The SVG is self-contained (fonts as text, no external DTD, no links) for a strict CSP."""
    if layout:
        margins(fig, left, bottom)
    files = {}
    for ext in ("svg", "png"):
        path = Path(out_dir) / f"{name}.{ext}"
        if ext == "svg":
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
            path.write_bytes(_DOCTYPE.sub(b"", buf.getvalue(), count=1))
        else:
            fig.savefig(path, format=ext, metadata={"Software": None})
        files[ext] = path.name
    if _CAPTURE:
        _CAPTURE[-1].append(fig)
    else:
        fig.clear()
    return files


# ------------------------------------------------------------------ legends off the data

LEGEND_LOCS = ("upper left", "upper right", "lower left", "lower right", "upper center",
               "lower center", "center left", "center right")


def _renderer(fig: Figure) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def data_hits(ax: Axes, box: Bbox, renderer: Any) -> int:
    """How many drawn data artists (lines, markers, candles, bars, annotations) cross ``box``
    (display coordinates). Full-width shaded zones do not count: nothing can avoid them."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle
    from matplotlib.text import Annotation

    hits = 0
    for ln in ax.get_lines():
        if not ln.get_visible() or ln.get_gid() == "axis-rule":
            continue
        path = ln.get_transform().transform_path(ln.get_path())
        verts = np.asarray(path.vertices, dtype=float)
        if path.intersects_bbox(box, filled=False) or any(
                box.contains(float(x), float(y)) for x, y in verts):
            hits += 1
    for c in ax.collections:
        if not c.get_visible():
            continue
        if isinstance(c, PathCollection):  # scatter markers: their centres, a few points wide
            pts = c.get_offset_transform().transform(c.get_offsets())
            hits += sum(1 for x, y in pts if box.padded(4).contains(x, y))
            continue
        tr = c.get_transform()
        hits += sum(1 for p in c.get_paths() if tr.transform_path(p).intersects_bbox(box))
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_gid() != "zone" and p.get_visible() \
                and p.get_window_extent(renderer).overlaps(box):
            hits += 1
    for t in ax.texts:
        if isinstance(t, Annotation) and t.get_window_extent(renderer).overlaps(box):
            hits += 1
    return hits


def place_legend(ax: Axes, fig: Figure, headroom: int = 3,
                 retick: Callable[[float, float], None] | None = None, **kw: Any) -> Any:
    """A legend inside the axes where it covers no data; else more room above the data (up to
    ``headroom`` times, ``retick(lo, hi)`` re-placing the y ticks); else below the axes.
    Call after the axes' limits and layout are set."""
    renderer = _renderer(fig)
    frame = ax.get_window_extent(renderer)
    leg = ax.legend(**{"loc": LEGEND_LOCS[0], **kw})
    if kw.get("ncols", 1) > 1 and leg.get_window_extent(renderer).width > 0.98 * frame.width:
        kw["ncols"] = 1  # two columns would not fit across the axes
        leg = ax.legend(**{"loc": LEGEND_LOCS[0], **kw})
    for _ in range(headroom + 1):
        for loc in LEGEND_LOCS:
            leg.set_loc(loc)  # type: ignore[arg-type]  # a str of LEGEND_LOCS
            box = leg.get_window_extent(renderer).expanded(1.02, 1.04)
            if data_hits(ax, box, renderer) == 0:
                return leg
        lo, hi = ax.get_ylim()
        if ax.get_yscale() == "log":
            ax.set_ylim(lo, hi * (hi / lo) ** 0.18)
        else:
            ax.set_ylim(lo, hi + 0.18 * (hi - lo))
        if retick is not None:
            retick(*ax.get_ylim())
    kw.pop("ncols", None)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, frameon=False,
                     **kw)

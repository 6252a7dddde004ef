"""Regressions for the chart defects found in review: tick labels that print another value than
the tick's, date labels running into each other, legends over the data, zero-height zones drawn,
and SVGs that would need anything from outside (the site serves them under a strict CSP)."""

import itertools
import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator

from tapereader.charts import style
from tapereader.charts.trend import render_trend
from tapereader.config import default_watchlist
from tapereader.story.names import Names
from tests.charts.rendered import rendered
from tests.story.synthetic import ASOF, F, rally_findings

DATES = ("2013-07-08", "2008-10-15", "2020-03-16", "2014-08-15", "2011-08-08")
NAMES = Names(default_watchlist())


def renderer(fig):
    return FigureCanvasAgg(fig).get_renderer() if not isinstance(fig.canvas, FigureCanvasAgg) \
        else fig.canvas.get_renderer()


def all_figs(market_dir):
    for asof in DATES:
        d = rendered(market_dir, asof)
        for name, fig in d.figs.items():
            yield f"{asof}/{name}", fig


def number(label: str) -> float:
    return float(label.replace(",", "").replace("%", "").replace("\u2212", "-"))


def test_percent_labels_print_their_own_value():
    assert [style.pct_label(v, style.decimals([0, 2.5, 5])) for v in (-2.5, 0, 2.5, 5)] == \
        ["-2.5%", "0%", "+2.5%", "+5.0%"]
    assert style.decimals([0, 5, 10]) == 0 and style.decimals([1.2, 1.25]) == 2
    assert style.pct_label(0.0) == "0%" and style.pct_label(-0.2) == "0%"
    from matplotlib.figure import Figure

    for lo, hi in ((-1.2, 2.4), (-0.3, 0.9), (-12.0, 31.0), (0.0, 7.3)):
        ax = Figure().add_subplot()
        style.pct_ticks(ax.yaxis, lo, hi)
        ticks = ax.yaxis.get_major_locator()()
        assert len(ticks) >= 3
        for t in ticks:
            assert number(ax.yaxis.get_major_formatter()(t, 0)) == pytest.approx(t, abs=1e-12)
    ax = Figure().add_subplot()
    style.price_ticks(ax, 98.1, 99.4, log=False)                # 0.25 steps need two decimals
    for t in ax.yaxis.get_major_locator()():
        assert number(ax.yaxis.get_major_formatter()(t, 0)) == pytest.approx(t, abs=1e-12)


@pytest.mark.realdata
def test_tick_labels_equal_the_values_they_mark(market_dir):
    checked = 0
    for where, fig in all_figs(market_dir):
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                loc = axis.get_major_locator()
                bars = where.endswith("/cross_asset")  # returns on x, names on y
                if not isinstance(loc, FixedLocator) or (axis is ax.xaxis) != bars:
                    continue  # bar-position (date) axes are checked below
                fmt = axis.get_major_formatter()
                for t in loc():
                    label = fmt(t, 0)
                    assert number(label) == pytest.approx(t, abs=1e-9), (where, t, label)
                    checked += 1
    assert checked > 50


def _visible_labels(axis, r):
    out = []
    for t in axis.get_ticklabels():
        if t.get_visible() and t.get_text():
            out.append(t.get_window_extent(r))
    return out


@pytest.mark.realdata
def test_date_labels_do_not_run_into_each_other(market_dir):
    for where, fig in all_figs(market_dir):
        r = renderer(fig)
        for ax in fig.axes:
            boxes = sorted(_visible_labels(ax.xaxis, r), key=lambda b: b.x0)
            for a, b in itertools.pairwise(boxes):
                assert a.x1 + 2 <= b.x0, (where, a, b)


def test_a_stub_first_period_loses_its_label():
    import pandas as pd

    idx = pd.bdate_range("2013-01-28", periods=120)  # 4 sessions of January, then full months
    pos, _fmt = style.DateAxis(idx).ticks()
    assert idx[pos[0]].month == 2


def _points(ax, artist):
    """Display coordinates of an artist's drawn geometry, segments sampled every few pixels."""
    pts = []
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(np.column_stack(artist.get_data()).astype(float))
        segs = [xy]
    elif isinstance(artist, PathCollection):
        return artist.get_offset_transform().transform(artist.get_offsets())
    elif isinstance(artist, LineCollection | PolyCollection):
        tr = artist.get_transform()
        segs = [tr.transform(p.vertices) for p in artist.get_paths()]
    else:
        return np.empty((0, 2))
    for xy in segs:
        xy = xy[np.isfinite(xy).all(axis=1)]
        for a, b in itertools.pairwise(xy):
            n = int(np.hypot(*(b - a)) // 3) + 2
            pts.append(a + (b - a) * np.linspace(0, 1, n)[:, None])
        pts.append(xy)
    return np.concatenate(pts) if pts else np.empty((0, 2))


@pytest.mark.realdata
def test_legends_do_not_cover_the_data(market_dir):
    seen = 0
    for where, fig in all_figs(market_dir):
        r = renderer(fig)
        for ax in fig.axes:
            leg = ax.get_legend()
            if leg is None:
                continue
            box = leg.get_window_extent(r)
            seen += 1
            for a in [*ax.lines, *ax.collections]:
                if a.get_gid() == "axis-rule":
                    continue
                pts = _points(ax, a)
                inside = [(x, y) for x, y in pts if box.contains(x, y)]
                assert not inside, (where, a.get_gid() or a.get_label(), inside[:3])
            for p in ax.patches:
                if isinstance(p, Rectangle) and p.get_gid() != "zone":
                    assert not p.get_window_extent(r).overlaps(box), (where, p)
    assert seen >= 12


def test_a_zone_of_one_price_is_drawn_as_a_line_not_a_zero_height_patch(real_bars, tmp_path):
    line = next(f for f in rally_findings() if f.kind == "trendline")
    flat = F("zone", "GSPC", {"role": "resistance", "low": 1650.0, "high": 1650.0, "touches": 3,
                              "last_touch": "2013-05-21", "distance_pct": 0.6})
    with style.capture() as figs:
        c = render_trend(real_bars("GSPC"), line, ASOF, tmp_path, NAMES, flat)
    ax = figs[-1].axes[0]
    assert not [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() == 0]
    assert not [p for p in ax.patches if p.get_gid() == "zone"]
    level = next(ln for ln in ax.lines if ln.get_gid() == "level")
    assert set(level.get_ydata()) == {1650.0}
    assert "resistance 1,650 level is drawn" in c.alt


@pytest.mark.realdata
def test_svgs_need_nothing_from_outside(market_dir):
    files = 0
    for asof in DATES:
        for svg in rendered(market_dir, asof).folder.glob("*.svg"):
            text = svg.read_text(encoding="utf-8")
            files += 1
            assert "<!DOCTYPE" not in text and "<image" not in text and "@import" not in text
            assert "<script" not in text and "<foreignObject" not in text
            refs = re.findall(r'(?:xlink:)?href\s*=\s*"([^"]*)"', text)
            assert all(r.startswith("#") for r in refs), (svg, refs[:3])
            assert all(u.startswith("#") for u in re.findall(r"url\(\s*([^)]*)\)", text))
            # the only URLs are the XML namespace names, which are never fetched
            urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
            assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                            "http://creativecommons.org/ns#", "http://purl.org/dc/elements/1.1/",
                            "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                            "http://purl.org/dc/dcmitype/StillImage"}, (svg, urls)
    assert files >= 12


@pytest.mark.realdata
def test_levels_far_off_the_year_are_left_out_and_not_claimed(market_dir):
    """2011-08-08: the closing high of October 2007 (1,565) lies far above the year's range;
    drawing it would squash the candles into the bottom half."""
    d = rendered(market_dir, "2011-08-08")
    spec = next(s for s in d.specs if s.kind == "benchmark")
    high = next(b for b in spec.levels if b.role == "high")
    chart = d.charts["benchmark"]
    assert high.low not in [lv["low"] for lv in chart.geometry["levels"]]
    assert "closing high" not in chart.alt
    _lo, hi = d.figs["benchmark"].axes[0].get_ylim()
    assert hi < high.low

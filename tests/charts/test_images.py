"""Every kind of chart compared pixel by pixel with a reviewed reference image.

The way mplfinance and matplotlib test their plots: render fixed inputs (real bars, the
synthetic findings of ``rally_findings`` and a hand-made fear-day spec, nothing from the
engine or the story's ranking, so that only a change of the drawing changes the picture)
and compare the PNG with ``baseline/<name>.png`` by ``matplotlib.testing.compare``'s RMS.

When a drawing changes on purpose, write new references with
``TAPEREADER_WRITE_BASELINES=1 pytest tests/charts/test_images.py``, LOOK at every one,
and commit them with the change.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from tapereader.charts import style
from tapereader.charts.draw import draw
from tapereader.config import default_watchlist
from tapereader.story.chartplan import (
    Band,
    ChartSpec,
    cross_symbols,
    overlay_breakout,
    overlay_level,
)
from tapereader.story.names import Names
from tests.story.synthetic import ASOF, rally_findings

BASELINE = Path(__file__).parent / "baseline"
WRITE = os.environ.get("TAPEREADER_WRITE_BASELINES") == "1"
# RMS on 0-255 levels. The same pinned matplotlib draws the same pixels (0.0 here); the trend
# line's end moved by 0.2% scores 12.4 (test_a_moved_line_fails).
TOLERANCE = 0.5
WL = default_watchlist()
NAMES = Names(WL)


def _of(kind: str) -> list:
    return [f for f in rally_findings() if f.kind == kind]


def specs() -> dict[str, ChartSpec]:
    """One spec per chart kind, from fixed synthetic findings."""
    fs = rally_findings()
    line = _of("trendline")[0]
    z = _of("zone")[0].figures
    zone = Band("GSPC", z["low"], z["high"], z["role"], "resistance")
    cross = tuple(_of("cross_asset"))
    syms, bold = cross_symbols(list(cross), WL)
    pair = ("IWM", "QQQ")
    levels = tuple(lv for lv in (overlay_level(fs, s, ASOF) for s in pair) if lv)
    return {
        "trend": ChartSpec("trend", "trendlines", ("GSPC",), "test", line=line, zones=(zone,)),
        "channels": ChartSpec("channels", "slope", ("IWM",), "test",
                              channels=tuple(_of("channel")), analog=_of("analog")[0]),
        "overlay": ChartSpec("overlay", "leaders", pair, "test", levels=levels,
                             marker=overlay_breakout(fs, pair, ASOF)),
        "ratio": ChartSpec("ratio", "leaders", pair, "test", relative=tuple(_of(
            "relative_strength"))),
        "cross_asset": ChartSpec("cross_asset", "cross_asset", tuple(syms), "test", cross=cross,
                                 bold=tuple(bold)),
        "benchmark": ChartSpec("benchmark", "picture", ("GSPC",), "fear day",
                               levels=(Band("GSPC", 1560.33, 1560.33, "support",
                                            "June low"),
                                       Band("GSPC", 1687.18, 1687.18, "high", "record")),
                               averages=(50, 200), panel="VIX", panel_level=30.0),
    }


def _render(name: str, real_bars: Callable, out: Path) -> style.Chart:
    spec = specs()[name]
    bars = {s: real_bars(s) for s in {*spec.symbols, *([spec.panel] if spec.panel else [])}}
    return draw(spec, bars, ASOF, out, NAMES)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(specs()))
def test_chart_matches_its_reference_image(name, real_bars, tmp_path):
    chart = _render(name, real_bars, tmp_path)
    actual = tmp_path / chart.files["png"]
    expected = BASELINE / f"{name}.png"
    if WRITE:
        shutil.copyfile(actual, expected)
        pytest.skip(f"wrote {expected}: look at it before committing")
    assert expected.exists(), f"no reference image {expected}: see this module's docstring"
    diff = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert diff is None, diff


@pytest.mark.realdata
def test_a_moved_line_fails(real_bars, tmp_path):
    """The comparison sees a small drawing change: the trend line's end moved by 0.2%."""
    spec = specs()["trend"]
    fig = dict(spec.line.figures)
    fig["value_at_asof"] = fig["value_at_asof"] * 1.002
    moved = replace(spec, line=replace(spec.line, figures=fig))
    chart = draw(moved, {"GSPC": real_bars("GSPC")}, ASOF, tmp_path, NAMES)
    diff = compare_images(str(BASELINE / "trend.png"), str(tmp_path / chart.files["png"]),
                          tol=TOLERANCE)
    assert diff is not None

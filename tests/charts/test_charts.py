"""Charts: files exist and are not blank, and the drawn geometry sits where the findings say."""

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from tapereader.charts.channels import render_channels
from tapereader.charts.cross_asset import render_cross_asset
from tapereader.charts.overlay import render_overlay
from tapereader.charts.ratio import render_ratio
from tapereader.charts.style import BLUE, RED
from tapereader.charts.trend import line_value, render_trend
from tapereader.config import default_watchlist
from tapereader.data.resample import resample
from tapereader.story.chartplan import cross_symbols, overlay_breakout, overlay_level
from tapereader.story.names import Names
from tests.story.realrun import engine_run
from tests.story.synthetic import ASOF, rally_findings

NAMES = Names(default_watchlist())


def assert_image_ok(chart, folder):
    png = folder / chart.files["png"]
    svg = folder / chart.files["svg"]
    assert png.stat().st_size > 5_000 and svg.stat().st_size > 5_000
    img = mpimg.imread(png)
    assert img.shape[:2] == (400, 700)                 # email width
    grey = img[..., :3].mean(axis=2)
    assert grey.std() > 0.05                           # not a blank canvas
    assert (grey < 0.5).mean() > 0.005                 # something dark (lines, text) drawn
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert chart.alt and chart.title


def kind(fs, k, sym=None):
    return [f for f in fs if f.kind == k and (sym is None or f.symbol == sym)]


@pytest.mark.realdata
def test_trend_chart_on_engine_line(market_dir, real_bars, tmp_path):
    run = engine_run(market_dir, "2013-07-08")
    line = next(f for f in kind(run.findings, "trendline", "GSPC")
                if f.figures["state"] == "retesting" and f.timeframe == "weekly")
    zone = next(f for f in kind(run.findings, "zone", "GSPC")
                if f.figures["role"] == "resistance")
    c = render_trend(real_bars("GSPC"), line, "2013-07-08", tmp_path, NAMES, zone)
    assert_image_ok(c, tmp_path)
    g, ln = c.geometry, c.geometry["line"]
    prices = line.figures["anchor_prices"]
    for a, p in zip(g["anchors"], prices, strict=True):
        y = line_value(a["x"], ln["x0"], ln["y0"], ln["x1"], ln["y1"], ln["log"])
        assert a["y"] == p
        assert y == pytest.approx(p, rel=0.01)           # the line rests on its anchors
    assert (ln["x0"], ln["y0"]) == (g["anchors"][0]["x"], prices[0])
    # drawn to asof and beyond, and where the engine says it is at asof
    assert ln["x1"] > len(g["index"]) - 1 and g["index"][-1] == "2013-07-08"
    assert ln["asof_value"] == pytest.approx(line.figures["value_at_asof"], rel=1e-9)
    assert g["index"][g["anchors"][0]["x"]] >= line.figures["anchors"][0]
    # the line through the figures agrees with the line through the first and last anchors
    (a0, a1) = g["anchors"][0], g["anchors"][-1]
    through = line_value(len(g["index"]) - 1, a0["x"], a0["y"], a1["x"], a1["y"], ln["log"])
    assert through == pytest.approx(line.figures["value_at_asof"], rel=0.01)
    assert g["zone"] == {"low": zone.figures["low"], "high": zone.figures["high"],
                         "role": "resistance"}
    assert g["break"]["date"] == line.figures["break_date"] and "retest" in g


def test_trend_chart_reads_anchor_prices_from_bars(real_bars, tmp_path):
    """Without anchor_prices the anchors are the weekly lows at the anchor dates."""
    line = next(f for f in rally_findings() if f.kind == "trendline")
    bars = real_bars("GSPC")
    c = render_trend(bars, line, ASOF, tmp_path, NAMES)
    weekly = resample(bars.loc[:ASOF], "weekly", ASOF)
    for a in c.geometry["anchors"]:
        wk = weekly.index[weekly.index.searchsorted(pd.Timestamp(a["date"]))]
        assert c.geometry["index"][a["x"]] == wk.date().isoformat()
        assert a["y"] == weekly.loc[wk, "low"]
    ln = c.geometry["line"]
    assert (ln["x0"], ln["y0"]) == (c.geometry["anchors"][0]["x"], c.geometry["anchors"][0]["y"])
    assert ln["asof_value"] == pytest.approx(line.figures["value_at_asof"], rel=1e-9)
    assert "zone" not in c.geometry
    assert_image_ok(c, tmp_path)


def test_line_value_is_straight_on_its_scale():
    assert line_value(5, 0, 100, 10, 400, log=True) == pytest.approx(200)
    assert line_value(5, 0, 100, 10, 400, log=False) == pytest.approx(250)


@pytest.mark.realdata
def test_channels_chart_draws_the_engine_channel_and_the_analog(market_dir, real_bars,
                                                               tmp_path):
    run = engine_run(market_dir, "2013-07-08")
    chans = kind(run.findings, "channel", "IWM")
    analog = max(kind(run.findings, "analog", "IWM"), key=lambda f: f.figures["similarity"])
    bars = real_bars("IWM")
    c = render_channels(bars, "IWM", chans, analog, "2013-07-08", tmp_path, NAMES)
    assert_image_ok(c, tmp_path)
    cur = max(chans, key=lambda f: f.figures["start_date"])
    drawn = next(d for d in c.geometry["channels"] if d["start"] == cur.figures["start_date"])
    assert drawn["slope_log_per_bar"] == cur.figures["slope_log_per_bar"]
    assert drawn["mid"][-1] == pytest.approx(cur.figures["mid_at_end"], rel=1e-3)
    assert drawn["upper"][-1] == pytest.approx(cur.figures["upper_at_end"], rel=1e-3)
    assert drawn["lower"][-1] == pytest.approx(cur.figures["lower_at_end"], rel=1e-3)
    # the analog channel: a least-squares line of log closes over the analog's dates
    a = c.geometry["analog"]
    weekly = resample(bars.loc[:"2013-07-08"], "weekly", "2013-07-08")
    seg = weekly.loc[analog.figures["past_start"]:analog.figures["past_end"], "close"]
    slope = np.polyfit(np.arange(len(seg)), np.log(seg.to_numpy()), 1)[0]
    assert a["slope_log_per_bar"] == pytest.approx(slope, rel=1e-9)
    assert c.geometry["index"][a["x"][0]] == analog.figures["past_start"]
    # the analog channel encloses its closes
    closes = weekly["close"].to_numpy()[len(weekly) - len(c.geometry["index"]):]
    x = np.arange(a["x"][0], a["x"][1] + 1)
    lo = np.interp(x, a["x"], np.log(a["lower"]))
    hi = np.interp(x, a["x"], np.log(a["upper"]))
    lc = np.log(closes[x])
    assert (lc >= lo - 1e-9).all() and (lc <= hi + 1e-9).all()
    assert "trough" in c.geometry


def test_overlay_rebases_and_colours(real_bars, tmp_path):
    fs = rally_findings()
    a, b = real_bars("IWM"), real_bars("QQQ")
    levels = [lv for lv in (overlay_level(fs, s, ASOF) for s in ("IWM", "QQQ")) if lv]
    c = render_overlay(a, b, "IWM", "QQQ", levels, overlay_breakout(fs, ("IWM", "QQQ"), ASOF),
                       ASOF, tmp_path, NAMES)
    assert_image_ok(c, tmp_path)
    g = c.geometry
    assert g["colours"] == {"IWM": BLUE, "QQQ": RED}
    start = pd.Timestamp(g["start"])
    for sym, bars in (("IWM", a), ("QQQ", b)):
        lv = g["levels"][sym]
        assert lv["rebased"] == pytest.approx((lv["price"] / bars.loc[start, "close"] - 1) * 100)
    assert g["levels"]["QQQ"]["price"] == 75.25          # the target at its May high
    assert g["index"][-1] == ASOF


def test_ratio_marks_its_prior_high(real_bars, tmp_path):
    rel = [f for f in rally_findings() if f.kind == "relative_strength"]
    a, b = real_bars("IWM", ASOF), real_bars("QQQ", ASOF)
    c = render_ratio(a, b, "IWM", "QQQ", rel, ASOF, tmp_path, NAMES)
    assert_image_ok(c, tmp_path)
    r = (a["close"] / b["close"]).dropna().iloc[-252:].to_numpy()
    assert c.geometry["prior_high"]["y"] == pytest.approx(r[:-21].max())
    assert c.geometry["ratio_last"] == pytest.approx(r[-1])
    assert "new high" in c.title


def test_cross_asset_bars_are_the_findings_returns(tmp_path):
    fs = rally_findings()
    syms, bold = cross_symbols([f for f in fs if f.kind == "cross_asset"], NAMES.wl)
    c = render_cross_asset(fs, syms, bold, tmp_path, NAMES)
    assert_image_ok(c, tmp_path)
    rets = next(f for f in fs if f.kind == "cross_asset").figures["returns"]
    bars = c.geometry["bars"]["ytd"]
    assert "IWM" not in bars                          # its index, the Russell 2000, speaks for it
    assert {s: v for s, v in bars.items()} == {s: rets[s] for s in bars}
    assert list(bars) == sorted(bars, key=lambda s: -rets[s])
    assert "bonds" in c.title and "+19.9%" in c.alt


@pytest.mark.realdata
def test_daily_trend_line_is_drawn_on_daily_bars(market_dir, real_bars, tmp_path):
    run = engine_run(market_dir, "2015-08-24")
    lines = [f for f in kind(run.findings, "trendline") if f.timeframe == "daily"
             and f.figures.get("anchor_prices")]
    assert lines
    line = max(lines, key=lambda f: f.score)
    c = render_trend(real_bars(line.symbol), line, "2015-08-24", tmp_path, NAMES)
    g, ln = c.geometry, c.geometry["line"]
    assert "daily" in c.title and g["index"][-1] == "2015-08-24"
    # daily bars: consecutive sessions on the axis, and the anchors at their own dates
    assert [a["date"] for a in g["anchors"]] == [g["index"][a["x"]] for a in g["anchors"]]
    assert ln["asof_value"] == pytest.approx(line.figures["value_at_asof"], rel=1e-9)
    for a, p in zip(g["anchors"], line.figures["anchor_prices"], strict=True):
        y = line_value(a["x"], ln["x0"], ln["y0"], ln["x1"], ln["y1"], ln["log"])
        assert y == pytest.approx(p, rel=0.01)
    assert_image_ok(c, tmp_path)

"""Trend lines: planted lines (exact anchors, break and re-test bars), real GSPC/IWM cases,
no look-ahead, robustness."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.trendlines import find_trendlines
from tapereader.findings import sort_key

from .synth import make_series, planted_line


def _lines(fs, direction=None):
    return [f for f in fs if f.kind == "trendline"
            and (direction is None or f.figures["direction"] == direction)]


@pytest.mark.parametrize("direction", ["up", "down"])
def test_planted_line_intact_broken_retesting(direction):
    s, truth = planted_line(direction)
    touches = [s.iso(t) for t in truth["touches"]]
    b, r = truth["break_bar"], truth["retest_bar"]
    # intact up to the bar before the break, resting exactly on the planted touches
    before = _lines(find_trendlines(s.head(b)), direction)
    assert before[0].figures["anchors"] == touches
    assert before[0].figures["state"] == "intact" and before[0].figures["break_date"] is None
    assert before[0].figures["value_at_asof"] == round(truth["line"][b - 1], 6)
    # broken on the break bar, known on that bar
    fs = find_trendlines(s.head(b + 1))
    line = _lines(fs, direction)[0]
    assert line.figures["state"] == "broken" and line.figures["break_date"] == s.iso(b)
    brk = [f for f in fs if f.kind == "trendline_break"]
    assert [(f.date, f.known_at, f.figures["anchors"]) for f in brk] == [(s.iso(b), s.iso(b),
                                                                          touches)]
    # after the break: broken (and, once the break is old and price far away, no longer
    # reported); on the re-test bar: re-testing, with its event
    mid = next(f for f in _lines(find_trendlines(s.head(b + 6)), direction)
               if f.figures["anchors"] == touches)
    assert mid.figures["state"] == "broken"
    assert not [f for f in _lines(find_trendlines(s.head(r)), direction)
                if f.figures["anchors"] == touches]
    fs = find_trendlines(s.head(r + 1))
    line = next(f for f in _lines(fs, direction) if f.figures["anchors"][0] == touches[0])
    assert line.figures["state"] == "retesting"
    rt = [f for f in fs if f.kind == "trendline_retest"]
    assert [(f.date, f.figures["anchors"]) for f in rt] == [(s.iso(r), touches)]
    word = "from below" if direction == "up" else "from above"
    assert word in line.summary and lib_month(touches[0]) in line.summary
    # slope: the planted 0.3% per bar (weekly bars)
    assert abs(line.figures["slope_pct_per_week"]) == pytest.approx(0.3, abs=0.01)


def lib_month(iso):
    from tapereader.analysis.lib import month_year
    return month_year(iso)


def test_short_flat_series_give_nothing():
    assert find_trendlines(make_series([100.0, 101.0, 99.0])) == []
    assert find_trendlines(make_series(np.full(400, 20.0), spread_pct=0.0)) == []
    with pytest.raises(ValueError, match="scale"):
        find_trendlines(make_series(np.linspace(1, 2, 50)), scale="sqrt")


def test_gspc_weekly_november_2012_line_broken_and_retested(real_series):
    """The reference case: GSPC weekly as of 2013-07-08 (last bar partial)."""
    s = real_series("GSPC", "weekly", "2013-07-08")
    fs = find_trendlines(s)
    ups = _lines(fs, "up")
    assert ups, "no up lines"
    top = ups[0]  # the best-ranked up line
    f = top.figures
    assert f["anchors"][0] == "2012-11-16"
    assert f["state"] == "retesting"
    weeks = {"2013-06-14", "2013-06-21", "2013-06-28"}
    assert f["break_date"] in weeks
    assert f["distance_pct"] < 0 and f["distance_pct"] > -2  # just under the line
    assert f["first_anchor_move_pct"] > 20                    # a major low
    assert "November 2012 low" in top.summary
    brk = [x for x in fs if x.kind == "trendline_break" and x.figures["anchors"][0] == "2012-11-16"]
    assert len(brk) == 1 and brk[0].date in weeks and brk[0].known_at >= brk[0].date
    assert top.score == max(x.score for x in ups)


def test_gspc_daily_same_line(real_series):
    """Not overfitted to weekly bars: the daily chart finds the same line and break."""
    s = real_series("GSPC", "daily", "2013-07-08")
    ups = _lines(find_trendlines(s), "up")
    f = ups[0].figures
    assert f["anchors"][0] == "2012-11-16" and f["state"] == "retesting"
    assert "2013-06-14" <= f["break_date"] <= "2013-06-24"


def test_iwm_weekly_november_2012_line_intact(real_series):
    """IWM kept climbing: its line from the November 2012 low holds as of 2013-07-08."""
    s = real_series("IWM", "weekly", "2013-07-08")
    ups = _lines(find_trendlines(s), "up")
    held = [f for f in ups if f.figures["anchors"][0] == "2012-11-16"
            and f.figures["state"] == "intact"]
    assert held and held[0].figures["distance_pct"] > 0


def test_gspc_weekly_2008_bear_market_downtrend(real_series):
    """A down line in a bear market: as of 2008-06-27 GSPC weekly had a falling line from
    the October 2007 high that price stayed under."""
    s = real_series("GSPC", "weekly", "2008-06-27")
    downs = _lines(find_trendlines(s), "down")
    assert downs
    assert any(f.figures["anchors"][0].startswith("2007-10") for f in downs)
    assert all(f.figures["slope_pct_per_week"] < 0 for f in downs)


@pytest.mark.parametrize("symbol,timeframe,asof", [
    ("GSPC", "weekly", "2013-07-08"), ("GSPC", "daily", "2013-07-08"),
    ("IWM", "weekly", "2013-07-08"), ("QQQ", "daily", "2011-09-30"),
])
def test_no_look_ahead(real_series, symbol, timeframe, asof):
    s = real_series(symbol, timeframe, asof)
    full = find_trendlines(s)
    events = [f for f in full if f.kind != "trendline"]
    assert events, f"no events to check for {symbol} {timeframe} {asof}"
    pos = {s.iso(i): i for i in range(len(s))}
    for e in events:
        k = pos[e.known_at]
        pre = find_trendlines(s.head(k + 1))
        same = [f for f in pre if f.kind == e.kind and f.date == e.date
                and f.figures == e.figures]
        assert same, f"{e.summary} not found on the prefix ending {e.known_at}"
    for n in range(len(s) - 30, len(s) + 1, 7):
        last = s.iso(n - 1)
        assert all(f.known_at <= last for f in find_trendlines(s.head(n)))
    assert sorted(full, key=sort_key) == sorted(find_trendlines(s), key=sort_key)


@pytest.mark.realdata
@pytest.mark.parametrize("symbol", ["BBY", "AAPL", "XOM"])
def test_one_event_per_line_per_bar(market_dir, symbol):
    """The same line through other anchors must not be reported as a second break (BBY
    broke one downtrend line on 2013-07-01 and used to be told so three times)."""
    from collections import Counter

    from tapereader.data.readers import read_bars
    from tapereader.engine import analyze_symbol

    bars, _ = read_bars(market_dir / "universe" / f"{symbol}.csv")
    events = [f for f in analyze_symbol(bars, symbol, "2013-07-08")
              if f.kind in ("trendline_break", "trendline_retest")]
    same = Counter((f.kind, f.timeframe, f.date, f.figures["line_value"]) for f in events)
    assert all(n == 1 for n in same.values()), same.most_common(3)

"""Lines that are lines (issue 11 items 3, 6, 7; issue 12's break_closes): the break date is
the first close beyond the line and its confirmation a separate date; a close beyond it that
is not confirmed leaves it breached, not intact; a flat two-anchor line is a level; a broken
line stays broken and a new line through the breakdown low ranks under it; a line whose state
differs between log and linear price says both."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.swings import causal_atr, find_swings
from tapereader.analysis.trendlines import LineParams, find_trendlines
from tapereader.analysis.zones import find_zones

from .synth import make_series, planted_line, zigzag_path


def _line(fs, first_anchor, direction="up"):
    got = [f for f in fs if f.kind == "trendline" and f.figures["direction"] == direction
           and f.figures["anchors"][0] == first_anchor]
    return got[0] if got else None


def _poke(s, truth, bars, depth_atr):
    """``s`` with the closes (and lows) of ``bars`` put ``depth_atr`` ATR under the line."""
    p = s
    for _ in range(30):  # the poke widens the ATR it is measured in: iterate to a fixpoint
        close, low = s.close.copy(), s.low.copy()
        tol = causal_atr(p) / p.close
        for b in bars:
            close[b] = truth["line"][b] * np.exp(-depth_atr * tol[b])
            low[b] = min(low[b], close[b] * 0.999)
        p = make_series(close, high=np.maximum(s.high, close), low=low, open_=close.copy(),
                        timeframe=s.timeframe, spread_pct=0.0)
    tol = causal_atr(p) / p.close
    got = np.log(truth["line"][bars] / p.close[bars]) / tol[bars]
    assert np.allclose(got, depth_atr, atol=0.01), got
    return p


def _planted(n=100):
    return planted_line("up", n=n, break_bar=None, retest_bar=None)


def test_one_close_beyond_is_breached_not_intact_and_not_a_confirmed_break():
    s, truth = _planted()
    anchors = [s.iso(t) for t in truth["touches"]]
    p = _poke(s, truth, [92], 0.375)   # between valid_atr (0.25) and break_atr (0.5)
    line = _line(find_trendlines(p), anchors[0])
    assert line is not None and line.figures["anchors"] == anchors
    assert line.figures["state"] == "breached"
    assert line.figures["break_date"] == p.iso(92) and line.figures["confirm_date"] is None
    assert "not yet a confirmed break" in line.summary
    assert not [f for f in find_trendlines(p) if f.kind == "trendline_break"]
    # the bar before: intact
    before = _line(find_trendlines(p.head(92)), anchors[0])
    assert before.figures["state"] == "intact" and before.figures["break_date"] is None
    # with break_closes=1 the same close is a confirmed break (issue 12: 2 -> 1 must show)
    one = find_trendlines(p, params=LineParams(break_closes=1))
    f = _line(one, anchors[0])
    assert f.figures["confirm_date"] == p.iso(92)
    # ... and the next close, back above the line by more than break_atr, retakes it
    assert f.figures["state"] == "retaken" and f.figures["retaken_date"] == p.iso(93)
    assert "retook it" in f.summary
    assert [e.date for e in one if e.kind == "trendline_break"] == [p.iso(92)]


def test_break_date_is_the_first_close_beyond_and_confirmation_is_separate():
    s, truth = _planted()
    p = _poke(s, truth, [85, 92, 93], 0.375)  # a lone poke, then two closes in a row
    anchors = [s.iso(t) for t in truth["touches"]]
    line = _line(find_trendlines(p.head(94)), anchors[0])
    assert line.figures["state"] == "broken"
    assert line.figures["break_date"] == p.iso(85)
    assert line.figures["confirm_date"] == p.iso(93)
    brk = [e for e in find_trendlines(p.head(94)) if e.kind == "trendline_break"]
    assert [(e.date, e.known_at, e.figures["confirm_date"]) for e in brk] == [
        (p.iso(85), p.iso(93), p.iso(93))]
    # between the poke and the confirmation: breached
    mid = _line(find_trendlines(p.head(90)), anchors[0])
    assert mid.figures["state"] == "breached" and mid.figures["break_date"] == p.iso(85)


def _two_lows(second: float):
    return make_series(zigzag_path([(0, 112.0), (30, 100.0), (70, 116.0), (110, second),
                                    (150, 112.0), (175, 108.0)]))


def test_flat_two_anchor_line_is_a_support_level_not_an_uptrend_line():
    flat = _two_lows(100.25)
    sw = find_swings(flat)
    ups = [f for f in find_trendlines(flat, sw) if f.kind == "trendline"
           and f.figures["direction"] == "up" and f.figures["anchors"][:1] == [flat.iso(30)]]
    assert ups == []
    zs = [z.figures for z in find_zones(flat, sw) if z.figures["role"] == "support"]
    assert any(z["low"] <= float(flat.low[30]) <= z["high"] and
               z["low"] <= float(flat.low[110]) <= z["high"] for z in zs), zs
    # the same two lows with a real rise between them make an uptrend line
    steep = _two_lows(106.0)
    assert _line(find_trendlines(steep), steep.iso(30)) is not None


def _break_then_lower_low():
    """Daily lows exactly on a rising line (bars 10, 60, 110), a break, a lower low (bar
    140), a higher low (bar 152) and a bounce still under the old line at bar 160."""
    g = 1.002
    piv = [(0, 104.0), (10, 100.0), (35, 100 * g ** 25 * 1.06), (60, 100 * g ** 50),
           (85, 100 * g ** 75 * 1.06), (110, 100 * g ** 100), (120, 128.0), (140, 122.0),
           (146, 127.5), (152, 125.0), (160, 130.0)]
    return make_series(zigzag_path(piv), start="2005-01-03")


def test_broken_line_stays_broken_and_a_new_line_through_the_low_ranks_under_it():
    s = _break_then_lower_low()
    fs = find_trendlines(s)
    old = _line(fs, s.iso(10))
    assert old is not None, [f.summary for f in fs if f.kind == "trendline"]
    assert old.figures["state"] in ("broken", "retesting")
    assert old.figures["anchors"] == [s.iso(10), s.iso(60), s.iso(110)]
    assert s.iso(120) < old.figures["break_date"] < s.iso(140)
    new = _line(fs, s.iso(140))
    assert new is not None and new.figures["state"] == "intact"
    assert new.score < old.score
    assert new.figures["after_break_of"] == "uptrend line from the January 2005 low"
    assert "after the break of the uptrend line from the January 2005 low" in new.summary
    # the rule is what lowers it: without the penalty it scores exactly that much more
    free = find_trendlines(s, params=LineParams(after_break_penalty=0.0))
    assert _line(free, s.iso(140)).score == pytest.approx(new.score + 3.0, abs=1e-6)
    assert _line(free, s.iso(140)).figures["after_break_of"] is not None


def test_log_and_linear_states_differ_and_both_are_said():
    """Lows on a straight linear line (100 at bar 20, 130 at bar 80, 140 at bar 100): the log
    line through the same two lows curves away above it, so price riding the linear line
    breaks the log line and not the linear one."""
    lin = [(0, 108.0), (20, 100.3), (50, 133.0), (80, 130.4), (90, 146.0), (100, 140.4),
           (110, 152.0), (115, 149.0)]
    s = make_series(zigzag_path(lin))
    fs = find_trendlines(s, scale="linear")
    line = _line(fs, s.iso(20))
    assert line is not None, [f.summary for f in fs if f.kind == "trendline"]
    f = line.figures
    assert f["anchors"] == [s.iso(20), s.iso(80), s.iso(100)]
    assert f["scale"] == "linear" and f["state"] == "intact"
    other = f["other_scale"]
    assert other["scale"] == "log" and other["state"] in ("broken", "retesting", "retaken")
    assert s.iso(80) < other["break_date"] <= s.iso(100)
    assert f["scale_differs"] is True
    assert (f"That is on a linear scale; on a log scale the same line is {other['state']}"
            in line.summary)
    # the log run reads the same two anchors as broken, and says linear holds
    log_line = [x for x in find_trendlines(s) if x.kind == "trendline"
                and x.figures["anchors"][:2] == [s.iso(20), s.iso(80)]]
    assert all(x.figures["other_scale"]["state"] == "intact" for x in log_line)
    # a line with the same state on both scales says nothing more
    steady = make_series(zigzag_path([(0, 108.0), (20, 100.3), (50, 133.0), (80, 130.4),
                                      (95, 150.0)]))
    same = _line(find_trendlines(steady, scale="linear"), steady.iso(20))
    assert same.figures["scale_differs"] is False and "scale" not in same.summary


@pytest.mark.parametrize("asof", ["2013-07-08", "2013-06-28"])
def test_gspc_weekly_line_states_are_consistent(real_series, asof):
    """The reference line keeps its break date as the first weekly close under the line."""
    s = real_series("GSPC", "weekly", asof)
    line = _line(find_trendlines(s), "2012-11-16")
    assert line is not None
    f = line.figures
    assert f["state"] in ("broken", "retesting")
    assert f["break_date"] <= f["confirm_date"]
    assert f["other_scale"]["scale"] == "linear"

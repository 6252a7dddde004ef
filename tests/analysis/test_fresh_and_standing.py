"""Fresh lines (a downtrend line from the recent high once a lower high is confirmed, price
pressing against it) and old events that still define the chart (a breakout above a major
high months ago that still holds, a rally of N% off a named low)."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.freshlines import find_fresh_lines
from tapereader.analysis.standing import find_moves_from_pivots, find_standing_breakouts
from tapereader.analysis.swings import find_swings

from .synth import make_series, zigzag_path

PIVOTS = [(0, 100.0), (100, 150.0), (110, 135.0), (118, 145.0), (126, 132.0), (134, 140.5)]



def cent(x):
    """Equal to ``x`` at the cent (figures keep full precision)."""
    return pytest.approx(x, abs=0.005)

def _fresh(s, direction="down"):
    got = [f for f in find_fresh_lines(s, find_swings(s)) if f.figures["direction"] == direction]
    return got[0] if got else None


def _truth_line(s, i1, i2, k):
    slope = np.log(s.high[i2] / s.high[i1]) / (i2 - i1)
    return float(s.high[i1] * np.exp(slope * (k - i1)))


def test_planted_second_lower_high_draws_a_fresh_downtrend_line_price_pressing():
    s = make_series(zigzag_path(PIVOTS))
    f = _fresh(s)
    assert f is not None
    g = f.figures
    assert g["anchors"] == [s.iso(100), s.iso(118)]
    assert g["anchor_prices"] == [round(float(s.high[100]), 6), round(float(s.high[118]), 6)]
    assert g["value_at_asof"] == round(_truth_line(s, 100, 118, len(s) - 1), 6)
    assert g["state"] == "intact" and g["break_date"] is None
    assert g["pressing"] is True and "pressing against the line" in f.summary
    assert g["slope_pct_per_week"] < 0
    sw = find_swings(s)
    conf = int(sw.confirm[sw.idx == 118][0])
    assert g["drawable_from"] == s.iso(conf)
    # not before the lower high is confirmed: then there is no second anchor yet
    early = _fresh(s.head(conf))
    assert early is None or early.figures["anchors"] != g["anchors"]
    # drawn as soon as it is confirmed, with the same anchors on every later prefix
    for n in range(conf + 1, len(s) + 1, 3):
        h = _fresh(s.head(n))
        assert h.figures["anchors"] == g["anchors"] and h.known_at == s.iso(n - 1)
        assert h.figures["value_at_asof"] == round(_truth_line(s, 100, 118, n - 1), 6)


def test_not_pressing_when_far_and_broken_by_a_close_above():
    far = make_series(zigzag_path([*PIVOTS[:-1], (134, 134.0)]))
    f = _fresh(far)
    assert f.figures["state"] == "intact" and f.figures["pressing"] is False
    up = make_series(zigzag_path([*PIVOTS, (140, 146.0)]))
    g = _fresh(up).figures
    assert g["state"] == "broken" and g["pressing"] is False
    line = np.array([_truth_line(up, 100, 118, k) for k in range(len(up))])
    from tapereader.analysis.swings import causal_atr
    tol = causal_atr(up) / up.close
    beyond = [k for k in range(127, len(up)) if np.log(up.close[k] / line[k]) > 0.25 * tol[k]]
    assert g["break_date"] == up.iso(beyond[0])


def test_no_fresh_line_without_a_lower_high():
    rising = make_series(zigzag_path([(0, 100.0), (60, 120.0), (70, 112.0), (90, 130.0),
                                      (100, 122.0), (110, 128.0)]))
    f = _fresh(rising)
    # the recent high (bar 90) has no lower high confirmed after it
    assert f is None


def test_gspc_january_2022_fresh_downtrend_line(real_series):
    """Checked by eye on a rendered daily chart: the S&P 500 topped on 2022-01-04 (4818.62),
    made a lower high on 2022-01-12 (4748.83) and by 2022-02-01 was back under that line."""
    s = real_series("GSPC", "daily", "2022-02-01")
    g = _fresh(s).figures
    assert g["anchors"] == ["2022-01-04", "2022-01-12"]
    assert g["anchor_prices"] == cent([4818.62, 4748.83])
    assert g["state"] == "intact" and g["distance_pct"] < 0


def _breakout_path(pullback: float):
    return make_series(zigzag_path([(0, 100.0), (100, 150.0), (200, 110.0), (330, 170.0),
                                    (400, pullback), (450, 165.0)]))


def test_planted_breakout_months_ago_still_holds():
    s = _breakout_path(155.0)
    out = find_standing_breakouts(s, find_swings(s))
    up = [f for f in out if f.figures["direction"] == "up"]
    assert len(up) == 1
    g = up[0].figures
    level = float(s.high[100])
    assert g["level"] == round(level, 6) and g["level_date"] == s.iso(100)
    over = np.flatnonzero(s.close > level * 1.01)
    first = int(over[over > 100][0])
    assert g["breakout_date"] == s.iso(first)
    assert g["sessions"] == len(s) - 1 - first
    assert g["pct_beyond"] == round((s.close[-1] / level - 1) * 100, 6)
    w = first + int(np.argmin(s.close[first:]))
    assert (g["worst_date"], g["worst_close"]) == (s.iso(w), round(float(s.close[w]), 6))
    assert g["name"] in up[0].summary and "stayed above it" in up[0].summary


def test_breakout_lost_or_too_recent_is_not_standing():
    lost = _breakout_path(135.0)  # back under the old high: broken twice
    assert not [f for f in find_standing_breakouts(lost, find_swings(lost))
                if f.figures["direction"] == "up" and f.figures["level_date"] == lost.iso(100)]
    s = _breakout_path(155.0)
    over = np.flatnonzero(s.close > float(s.high[100]) * 1.01)
    first = int(over[over > 100][0])
    young = s.head(first + 5)  # a breakout of five sessions is news, not an old event
    assert not find_standing_breakouts(young, find_swings(young))


def test_rally_off_a_named_low_while_it_stands():
    s = make_series(zigzag_path([(0, 120.0), (60, 100.0), (200, 130.0)]))
    ups = [f for f in find_moves_from_pivots(s, find_swings(s)) if f.figures["direction"] == "up"]
    assert len(ups) == 1
    g = ups[0].figures
    low = int(np.argmin(s.low))
    assert g["pivot_date"] == s.iso(low) and g["pivot"] == round(float(s.low[low]), 6)
    assert g["pct"] == round((s.close[-1] / s.low[low] - 1) * 100, 6)
    assert g["name"] == f"{['January', 'February', 'March', 'April'][int(s.iso(low)[5:7]) - 1]} "\
        f"{s.iso(low)[:4]} low"
    # a low that was undercut is not the pivot any more; a small rally is no finding
    under = make_series(zigzag_path([(0, 120.0), (60, 100.0), (150, 125.0), (190, 98.0),
                                     (200, 104.0)]))
    assert not [f for f in find_moves_from_pivots(under, find_swings(under))
                if f.figures["direction"] == "up"]


@pytest.mark.parametrize("asof", ["2013-07-08"])
def test_gspc_2013_breakout_above_2007_high_and_rally_off_2011_low(real_series, asof):
    """Checked by eye on a rendered daily chart: the S&P 500 closed above its October 2007
    high (1576.09) for good from 2013-04-29 and on 2013-07-08 was 52.63% above its
    2011-10-04 low (1074.77)."""
    s = real_series("GSPC", "daily", asof)
    sw = find_swings(s)
    up = [f.figures for f in find_standing_breakouts(s, sw) if f.figures["direction"] == "up"]
    assert up and up[0]["name"] == "October 2007 high" and up[0]["breakout_date"] == "2013-04-29"
    assert up[0]["worst_close"] > 1560  # never a close back under the band since
    mv = [f.figures for f in find_moves_from_pivots(s, sw) if f.figures["direction"] == "up"]
    assert mv and mv[0]["pivot_date"] == "2011-10-04" and mv[0]["pct"] == cent(52.63)
